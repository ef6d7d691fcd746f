// What the finding panel derives from a row: the catalog's guidance for its control (looked up
// through its requirements), its timeline, and the NVD link of a CVE id.
import { describe, expect, it } from 'vitest';
import type { FindingRow, RequirementDetail } from '../backend';
import { sampleFindingRows, sampleRequirement } from '../../test/fixtures';
import { cveLink, findGuidance, findingTimeline, matchControl, prettyRaw, yesNo } from './detail';

function row(over: Partial<FindingRow>): FindingRow {
  return { ...sampleFindingRows()[0]!, ...over };
}

describe('matchControl', () => {
  const controls = sampleRequirement('164.312(b)').controls;

  it('finds the control by id, else by Config rule', () => {
    expect(matchControl({ control: 'ELB.5', config_rule: null }, controls)?.id).toBe('ELB.5');
    const elb = controls.find((c) => c.id === 'ELB.5')!;
    expect(matchControl({ control: null, config_rule: elb.config_rule }, controls)?.id).toBe('ELB.5');
    expect(matchControl({ control: 'Nope.1', config_rule: null }, controls)).toBeNull();
    expect(matchControl({ control: null, config_rule: null }, controls)).toBeNull();
  });
});

describe('findGuidance', () => {
  it('asks the finding’s requirements in turn until one lists its control with remediation', async () => {
    const asked: string[] = [];
    const fetch = async (framework: string, requirement: string): Promise<RequirementDetail> => {
      asked.push(`${framework}:${requirement}`);
      const detail = sampleRequirement('164.312(b)');
      // The first requirement does not list the control.
      return framework === 'gdpr' ? { ...detail, controls: [] } : detail;
    };
    const finding = row({ control: 'ELB.5', requirements: ['gdpr:Art.32', 'hipaa:164.312(b)', 'api12:API-1'] });
    const found = await findGuidance(finding, fetch);
    expect(asked).toEqual(['gdpr:Art.32', 'hipaa:164.312(b)']);
    expect(found?.control).toBe('ELB.5');
    expect(found?.title).toMatch(/logging/i);
    expect(found?.remediation.steps.length).toBeGreaterThan(0);
  });

  it('asks nothing for a finding without a control or Config rule, and gives up after `tries`', async () => {
    const asked: string[] = [];
    const fetch = async (framework: string, requirement: string): Promise<RequirementDetail> => {
      asked.push(`${framework}:${requirement}`);
      return { ...sampleRequirement('164.312(b)'), controls: [] };
    };
    expect(await findGuidance(row({ control: null, config_rule: null }), fetch)).toBeNull();
    expect(asked).toEqual([]);
    const many = ['a:1', 'b:2', 'c:3', 'd:4', 'e:5'];
    expect(await findGuidance(row({ control: 'X.1', requirements: many }), fetch, 3)).toBeNull();
    expect(asked).toEqual(['a:1', 'b:2', 'c:3']);
  });
});

describe('findingTimeline', () => {
  it('lists the moments oldest first, sharing one entry when they coincide', () => {
    const events = findingTimeline({
      source: 'inspector',
      first_observed_at: '2026-10-13T05:22:00Z',
      created_at: '2026-10-13T05:22:00Z',
      last_observed_at: '2026-11-28T06:06:00Z',
      updated_at: '2026-11-28T06:06:00Z',
      due_at: '2026-10-20T05:22:00Z',
      overdue: true,
    });
    expect(events.map((e) => e.labels)).toEqual([
      ['First observed', 'Created in Inspector'],
      ['Due (overdue)'],
      ['Last observed', 'Last updated'],
    ]);
    expect(events[1]!.kinds).toEqual(['due']);
  });

  it('leaves out what the finding does not have or cannot be read', () => {
    const events = findingTimeline({
      source: 'securityhub',
      first_observed_at: null,
      created_at: 'not a time',
      last_observed_at: null,
      updated_at: '2026-11-28T06:06:00Z',
      due_at: null,
      overdue: false,
    });
    expect(events).toEqual([{ at: '2026-11-28T06:06:00Z', kinds: ['updated'], labels: ['Last updated'] }]);
  });
});

describe('cveLink', () => {
  it('links well-formed CVE ids to their NVD entry only', () => {
    expect(cveLink('CVE-2021-44228')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2021-44228');
    expect(cveLink('GHSA-jfh8-c2jp-5v3q')).toBeNull();
    expect(cveLink('CVE-2021-44228/../../x')).toBeNull();
    expect(cveLink('<img src=x>')).toBeNull();
  });
});

describe('findingTimeline with the finding’s history', () => {
  it('puts each recorded status change in its own entry, in time order, after the row’s moments of the same time', () => {
    const events = findingTimeline(
      row({
        first_observed_at: '2026-01-01T00:00:00Z',
        created_at: '2026-01-01T00:00:00Z',
        last_observed_at: '2026-03-01T00:00:00Z',
        updated_at: '2026-03-01T00:00:00Z',
        due_at: '2026-02-01T00:00:00Z',
        overdue: true,
      }),
      [
        { at: '2026-01-01T00:00:00Z', status: 'failed', record_state: 'active', workflow_status: 'NEW', severity: 'HIGH' },
        { at: '2026-01-15T00:00:00Z', status: 'passed', record_state: 'active', workflow_status: null, severity: 'HIGH' },
        { at: 'not a date', status: 'failed', record_state: 'active', workflow_status: null, severity: 'HIGH' },
        { at: '2026-03-01T00:00:00Z', status: 'failed', record_state: 'archived', workflow_status: null, severity: 'HIGH' },
      ],
    );
    expect(events.map((e) => [e.kinds.join(' '), e.change?.status ?? null])).toEqual([
      ['first_observed created', null],
      ['status', 'failed'],
      ['status', 'passed'],
      ['due', null],
      ['last_observed updated', null],
      ['status', 'failed'],
    ]);
    expect(events.at(-1)!.change!.record_state).toBe('archived');
  });
});

describe('prettyRaw and yesNo', () => {
  it('pretty-prints JSON, and keeps anything else as it is', () => {
    expect(prettyRaw('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', parsed: true });
    expect(prettyRaw('{"a":')).toEqual({ text: '{"a":', parsed: false });
  });

  it('says yes, no or unknown', () => {
    expect([yesNo(true), yesNo(false), yesNo(null)]).toEqual(['Yes', 'No', 'Unknown']);
  });
});
