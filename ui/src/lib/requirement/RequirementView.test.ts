// The requirement view against demo requirement details, with the Tauri IPC mocked.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControlDetail, FindingsQuery } from '../backend';
import { BY_REFERENCE_HELP } from '../format';
import { mockBackend, sampleFindingRows, sampleRequirement, type Invocation } from '../../test/fixtures';
import RequirementView from './RequirementView.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
});

function controlIds(): string[] {
  return screen.getAllByTestId(/^control-/).map((el) => el.dataset.testid!.replace(/^control-/, ''));
}

describe('RequirementView', () => {
  it('shows the breadcrumb, title, status and summary', async () => {
    const seen: Invocation[] = [];
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)') }, seen);
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });

    const header = await screen.findByTestId('requirement-header');
    expect(seen).toEqual([{ cmd: 'requirement_detail', args: { framework: 'hipaa', requirement: '164.312(b)' } }]);
    expect(header.dataset.status).toBe('failing');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toMatch(/164\.312\(b\)\s+Audit controls/);
    expect(header.textContent).toMatch(/Failing/);
    expect(header.textContent).toMatch(/Hardware, software or procedures must record/);
    expect(header.textContent).toMatch(/19 failed/);

    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' });
    const links = within(crumbs).getAllByRole('link');
    expect(links.map((l) => [l.textContent, l.getAttribute('href')])).toEqual([
      ['Frameworks', '#/frameworks'],
      ['HIPAA Security Rule', '#/frameworks/hipaa'],
    ]);
    expect(crumbs.querySelector('[aria-current="page"]')?.textContent).toBe('164.312(b)');
  });

  it('lists failing controls first with remediation and failing resources, then the rest compactly', async () => {
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)') });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    expect(controlIds()).toEqual(['ELB.5', 'CloudTrail.1', 'CloudWatch.5', 'Bedrock.99', 'CloudTrail.3', 'S3.9']);
    const statuses = screen.getAllByTestId(/^control-/).map((el) => el.dataset.status);
    expect(statuses).toEqual(['failed', 'failed', 'failed', 'failed', 'passed', 'passed']);

    const elb = screen.getByTestId('control-ELB.5');
    expect(elb.textContent).toMatch(/Application and Classic Load Balancers logging should be enabled/);
    expect(elb.textContent).toMatch(/Medium/);
    expect(elb.textContent).toMatch(/3 failed/);
    expect(elb.textContent).toMatch(/Why it matters here/);
    expect(elb.textContent).toMatch(/No record is kept of requests to systems containing ePHI/);

    // The first failing control starts open: remediation steps, CLI, link and resources.
    const remediation = within(elb).getByTestId('remediation-ELB.5');
    const steps = within(remediation).getAllByRole('listitem');
    expect(steps).toHaveLength(4);
    expect(steps[0]!.textContent).toMatch(/^Create or choose an S3 bucket/);
    expect(remediation.textContent).toMatch(/EC2 › Load Balancing › Load Balancers/);
    expect(within(remediation).getByTestId('cli-ELB.5').textContent).toMatch(
      /^aws elbv2 modify-load-balancer-attributes/,
    );
    expect(within(remediation).getByTestId('cli-ELB.5').closest('pre')).toBeTruthy();
    const link = within(remediation).getByTestId('aws-link-ELB.5');
    expect(link.getAttribute('href')).toBe('https://docs.aws.amazon.com/console/securityhub/ELB.5/remediation');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    // A command quoted in a step shows as code.
    expect(steps[2]!.querySelector('code')?.textContent).toMatch(/^aws elb modify-load-balancer-attributes/);

    const findings = within(elb).getAllByTestId('failing-finding');
    expect(findings).toHaveLength(2);
    expect(findings[0]!.textContent).toMatch(/111122223333/);
    expect(findings[0]!.textContent).toMatch(/us-east-1/);
    expect(findings[0]!.textContent).toMatch(/loadbalancer\/audit-logs-0883/);
    expect(elb.textContent).toMatch(/showing 2 of 3/);

    // The others start closed and open on demand.
    const trail = screen.getByTestId('control-CloudTrail.1');
    const toggle = within(trail).getByRole('button', { name: /^CloudTrail\.1/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(trail).queryByTestId('remediation-CloudTrail.1')).toBeNull();
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(within(trail).getByTestId('remediation-CloudTrail.1')).toBeTruthy();
    expect(within(trail).getAllByTestId('failing-finding')).toHaveLength(1);

    // Passing controls: a compact row each, no remediation.
    const s3 = screen.getByTestId('control-S3.9');
    expect(s3.textContent).toMatch(/Passed/);
    expect(s3.textContent).toMatch(/8 passed/);
    expect(within(s3).queryByRole('button')).toBeNull();
  });

  it('labels a remediation command by what it does: Fix or Check (AWS CLI)', async () => {
    const detail = sampleRequirement('164.312(b)');
    // ELB.5's command changes the load balancer (a fix); make CloudTrail.1's one that only reads.
    expect(detail.controls[0]!.remediation!.cli_kind).toBe('fix');
    const trail = detail.controls.find((c) => c.id === 'CloudTrail.1')!;
    trail.remediation!.cli = 'aws cloudtrail get-trail-status --name <trail-name>';
    trail.remediation!.cli_kind = 'check';
    const watch = detail.controls.find((c) => c.id === 'CloudWatch.5')!;
    watch.remediation!.cli_kind = null;
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const fix = within(screen.getByTestId('remediation-ELB.5')).getByTestId('cli-kind-ELB.5');
    expect(fix.textContent).toBe('Fix (AWS CLI)');
    expect(fix.dataset.kind).toBe('fix');
    expect(fix.nextElementSibling?.textContent).toMatch(/Changes the resource/);
    expect(screen.getByTestId('remediation-ELB.5').textContent).not.toMatch(/Check \(AWS CLI\)/);

    const card = screen.getByTestId('control-CloudTrail.1');
    await fireEvent.click(within(card).getByRole('button', { name: /^CloudTrail\.1/ }));
    const check = within(card).getByTestId('cli-kind-CloudTrail.1');
    expect(check.textContent).toBe('Check (AWS CLI)');
    expect(check.dataset.kind).toBe('check');
    expect(check.nextElementSibling?.textContent).toMatch(/Only reads the current state: it changes nothing/);
    expect(within(card).getByTestId('remediation-CloudTrail.1').textContent).not.toMatch(/Fix \(AWS CLI\)/);
    expect(within(card).getByTestId('cli-CloudTrail.1').textContent).toBe('aws cloudtrail get-trail-status --name <trail-name>');

    // A command the catalog does not classify claims neither.
    const other = screen.getByTestId('control-CloudWatch.5');
    await fireEvent.click(within(other).getByRole('button', { name: /^CloudWatch\.5/ }));
    const unknown = within(other).getByTestId('cli-kind-CloudWatch.5');
    expect(unknown.textContent).toBe('Command (AWS CLI)');
    expect(unknown.dataset.kind).toBe('');
    expect(unknown.nextElementSibling?.textContent).toMatch(/does not say whether this command fixes or only checks/);
  });

  it('shows no command label when a remediation has no command', async () => {
    const detail = sampleRequirement('164.312(b)');
    detail.controls[0]!.remediation!.cli = null;
    detail.controls[0]!.remediation!.cli_kind = null;
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    const remediation = await screen.findByTestId('remediation-ELB.5');
    expect(within(remediation).queryByTestId('cli-kind-ELB.5')).toBeNull();
    expect(remediation.textContent).not.toMatch(/AWS CLI/);
  });

  it('lists no-data controls with the passing ones, and other failing findings in their own section', async () => {
    const detail = sampleRequirement('164.312(b)');
    const nodata: ControlDetail = { ...detail.controls[4]!, id: 'X.1', status: 'no_data', failed: 0, passed: 0 };
    detail.controls.push(nodata);
    detail.other_failing = [
      {
        id: 'arn:aws:inspector2:us-east-1:111122223333:finding/abc',
        product_arn: 'arn:aws:securityhub:us-east-1::product/aws/inspector',
        title: 'CVE-2026-0001 - openssl',
        severity: 'HIGH',
        account: '111122223333',
        account_name: null,
        region: 'us-east-1',
        resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-0abc'],
        updated_at: '2026-11-20T10:00:00Z',
        accepted: false,
      },
    ];
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    expect(controlIds().at(-1)).toBe('X.1');
    expect(screen.getByTestId('control-X.1').dataset.status).toBe('no_data');
    expect(screen.getByTestId('control-X.1').textContent).toMatch(/No data/);

    const other = screen.getByTestId('other-failing');
    const rows = within(other).getAllByTestId('failing-finding');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toMatch(/CVE-2026-0001 - openssl/);
    expect(rows[0]!.textContent).toMatch(/High/);
    expect(rows[0]!.textContent).toMatch(/instance\/i-0abc/);
  });

  it('folds a long list of evidence rules', async () => {
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)') });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    expect(screen.getAllByTestId('evidence-rule')).toHaveLength(6);
    expect(screen.getAllByTestId('evidence-rule')[0]!.textContent).toMatch(/AWS Config rule/);
    expect(screen.getAllByTestId('evidence-rule')[0]!.textContent).toMatch(/cloudtrail-s3-dataevents-enabled/);
    const toggle = screen.getByTestId('evidence-toggle');
    expect(toggle.textContent).toMatch(/Show all 8 rules/);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(toggle);
    expect(screen.getAllByTestId('evidence-rule')).toHaveLength(8);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('links the parent and the points of a requirement', async () => {
    const detail = sampleRequirement('164.312(b)');
    detail.parent = '164.312';
    detail.children = ['164.312(b)(1)', '164.312(b)(2)'];
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    expect(screen.getByTestId('parent-link').getAttribute('href')).toBe('#/frameworks/hipaa/164.312');
    expect(screen.getAllByTestId('child-link').map((a) => a.getAttribute('href'))).toEqual([
      '#/frameworks/hipaa/164.312(b)(1)',
      '#/frameworks/hipaa/164.312(b)(2)',
    ]);
  });

  it('shows the requirement’s own score beside its status, and a dash without one', async () => {
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)') });
    const first = render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    const header = await screen.findByTestId('requirement-header');
    const score = within(header).getByTestId('requirement-score');
    expect(score.dataset.score).toBe('0.4020618556701031');
    expect(score.textContent?.replace(/\s+/g, ' ').trim()).toBe('Score 40%');
    expect(score.getAttribute('title')).toBe('Severity-weighted share of passing controls');
    // Beside the status chip.
    expect(score.previousElementSibling?.getAttribute('data-status')).toBe('failing');
    first.unmount();

    // A manual requirement has no score.
    mockBackend({ requirement_detail: sampleRequirement('API-6') });
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });
    const none = within(await screen.findByTestId('requirement-header')).getByTestId('requirement-score');
    expect(none.dataset.score).toBe('');
    expect(none.querySelector('strong')?.textContent).toBe('—');
    expect(none.textContent).toMatch(/not scored/);
  });

  it('marks a failing control mapped by reference, which has no catalog title, severity or remediation', async () => {
    const seen: Invocation[] = [];
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)') }, seen);
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const card = screen.getByTestId('control-Bedrock.99');
    expect(card.dataset.byReference).toBe('true');
    expect(screen.getByTestId('control-ELB.5').dataset.byReference).toBe('false');
    const chip = within(card).getByTestId('by-reference-badge');
    expect(chip.getAttribute('title')).toBe(BY_REFERENCE_HELP);
    expect(within(screen.getByTestId('control-ELB.5')).queryByTestId('by-reference-badge')).toBeNull();
    // The id, and in place of the empty title what it is.
    const toggle = within(card).getByRole('button', { name: /^Bedrock\.99/ });
    expect(toggle.textContent?.replace(/\s+/g, ' ').trim()).toBe('Bedrock.99 not in the catalog — mapped by reference');
    // No severity badge for an empty severity.
    expect(card.querySelector('[data-severity]')).toBeNull();
    await fireEvent.click(toggle);
    expect(card.textContent).toMatch(/not in Rampart's catalog, so it has no remediation guidance here/);
    expect(within(card).getAllByTestId('failing-finding')).toHaveLength(1);

    const note = screen.getByTestId('by-reference-note');
    expect(note.textContent).toMatch(/^1\s+control is not in the catalog and mapped by reference\./);
    expect(note.textContent).toContain(BY_REFERENCE_HELP);
    expect(seen).toHaveLength(1);
  });

  it('marks a passing control mapped by reference in the compact list, and names the accept form by its id', async () => {
    const detail = sampleRequirement('164.312(b)');
    const control = detail.controls.find((c) => c.id === 'Bedrock.99')!;
    Object.assign(control, { status: 'passed', failed: 0, passed: 2, failing: [] });
    Object.assign(detail.posture.controls.find((c) => c.id === 'Bedrock.99')!, { status: 'passed', failed: 0, passed: 2 });
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const row = screen.getByTestId('control-Bedrock.99');
    expect(row.tagName).toBe('LI');
    expect(row.dataset.byReference).toBe('true');
    expect(row.textContent).toMatch(/Bedrock\.99\s*not in the catalog — mapped by reference/);
    expect(row.textContent).toMatch(/2 passed/);
    expect(within(row).getByTestId('by-reference-badge').getAttribute('title')).toBe(BY_REFERENCE_HELP);
    expect(row.querySelector('[data-severity]')).toBeNull();
    // A known passing control keeps its title and no chip.
    const s3 = screen.getByTestId('control-S3.9');
    expect(s3.dataset.byReference).toBe('false');
    expect(within(s3).queryByTestId('by-reference-badge')).toBeNull();
    expect(s3.textContent).not.toMatch(/not in the catalog/);
  });

  it('shows a control mapped by reference whose title the core gives, and never marks a known one', async () => {
    const detail = sampleRequirement('164.312(b)');
    detail.controls.find((c) => c.id === 'Bedrock.99')!.title = HOSTILE;
    mockBackend({ requirement_detail: detail });
    const { container } = render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');
    const card = screen.getByTestId('control-Bedrock.99');
    expect(within(card).getByText(HOSTILE)).toBeTruthy();
    expect(card.textContent).not.toMatch(/not in the catalog — mapped by reference/);
    expect(within(card).getByTestId('by-reference-badge')).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });

  it('names a NIST reference rule in words, and shows its why as text', async () => {
    const detail = sampleRequirement('164.312(b)');
    const why = `Mapped by reference: Bedrock.99 is not in the catalog; AWS relates it to NIST SP 800-53 AU-2, which the HIPAA Security Rule reference relates to this requirement. ${HOSTILE}`;
    detail.evidence.unshift({ kind: 'reference', value: 'AU-2', why });
    mockBackend({ requirement_detail: detail });
    const { container } = render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const [rule, next] = screen.getAllByTestId('evidence-rule') as [HTMLElement, HTMLElement];
    const cells = rule.querySelectorAll('td');
    expect(cells[0]!.textContent).toBe('NIST reference');
    expect(cells[1]!.textContent).toBe('AU-2');
    expect(cells[2]!.textContent).toBe(why);
    expect(next.querySelector('td')!.textContent).toBe('AWS Config rule');
    expect(container.querySelector('img')).toBeNull();
  });

  it('never turns a non-http remediation URL into a link', async () => {
    const detail = sampleRequirement('164.312(b)');
    detail.controls[0]!.remediation!.url = 'javascript:alert(1)';
    mockBackend({ requirement_detail: detail });
    const { container } = render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('remediation-ELB.5');

    expect(screen.queryByTestId('aws-link-ELB.5')).toBeNull();
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    expect(screen.getByTestId('remediation-ELB.5').textContent).toMatch(/javascript:alert\(1\)/);
  });

  it('renders backend strings as text, never as HTML', async () => {
    const detail = sampleRequirement('164.312(b)');
    const control = detail.controls[0]!;
    control.title = HOSTILE;
    control.rationale = HOSTILE;
    control.remediation!.steps = [HOSTILE, `Run \`${HOSTILE}\``];
    control.remediation!.cli = HOSTILE;
    control.failing[0]!.resources = [HOSTILE];
    control.failing[0]!.account = HOSTILE;
    detail.summary = HOSTILE;
    detail.evidence[0] = { kind: HOSTILE, value: HOSTILE, why: HOSTILE };
    mockBackend({ requirement_detail: detail });
    const { container } = render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const card = screen.getByTestId('control-ELB.5');
    expect(within(card).getAllByText(HOSTILE).length).toBeGreaterThanOrEqual(5);
    expect(within(within(card).getAllByTestId('failing-finding')[0]!).getAllByText(HOSTILE)).toHaveLength(2);
    expect(container.querySelector('img')).toBeNull();
  });

  it('shows bidi controls and zero-width characters from AWS as <U+…>, and control characters as spaces', async () => {
    const RLO = '\u202E';
    const ZWSP = '\u200B';
    const detail = sampleRequirement('164.312(b)');
    const failing = detail.controls[0]!.failing[0]!;
    failing.account = `${RLO}333322221111`;
    failing.region = `eu-west-1${ZWSP}`;
    failing.resources = [`arn:aws:s3:::invoice${RLO}fdp.exe`];
    detail.other_failing = [
      {
        id: `arn:aws:inspector2:us-east-1:111122223333:finding/${RLO}x`,
        product_arn: 'arn:aws:securityhub:us-east-1::product/aws/inspector',
        title: `Patch ${RLO}exe.txt${ZWSP}\u001b[2Jnow`,
        severity: 'HIGH',
        account: '111122223333',
        account_name: null,
        region: 'us-east-1',
        resources: [`i-${ZWSP}0abc`],
        updated_at: '2026-11-20T10:00:00Z',
        accepted: false,
      },
    ];
    // A control mapped by reference carries what AWS calls it.
    const byReference = detail.controls.find((c) => c.id === 'Bedrock.99')!;
    byReference.title = `Guardrails ${RLO}on`;
    mockBackend({ requirement_detail: detail });
    const { container } = render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const row = within(screen.getByTestId(`control-${detail.controls[0]!.id}`)).getAllByTestId('failing-finding')[0]!;
    expect(row.dataset.findingId).toBe(failing.id);
    expect(row.textContent).toContain('<U+202E>333322221111');
    expect(row.textContent).toContain('eu-west-1<U+200B>');
    expect(row.textContent).toContain('arn:aws:s3:::invoice<U+202E>fdp.exe');

    const other = within(screen.getByTestId('other-failing')).getByTestId('failing-finding');
    // The id identifies the finding: never changed.
    expect(other.dataset.findingId).toBe(detail.other_failing[0]!.id);
    expect(other.querySelector('td.title')!.textContent).toBe('Patch <U+202E>exe.txt<U+200B> [2Jnow');
    expect(other.textContent).toContain('i-<U+200B>0abc');
    await fireEvent.click(within(other).getByTestId('accept-finding'));
    const form = within(screen.getByTestId('other-failing')).getByTestId('accept-form');
    expect(form.textContent).toContain('Patch <U+202E>exe.txt<U+200B> [2Jnow');
    expect(form.textContent).toContain('finding/<U+202E>x');

    expect(screen.getByTestId('control-Bedrock.99').textContent).toContain('Guardrails <U+202E>on');
    expect(container.textContent).not.toMatch(/[\u202E\u200B\u001b]/);
  });

  it('says a requirement that does not exist is not found, with a link back to its framework', async () => {
    mockBackend({ requirement_detail: { code: 'not_found', message: 'unknown requirement hipaa:164.999' } });
    render(RequirementView, { framework: 'hipaa', requirement: '164.999' });

    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('not_found');
    expect(error.textContent).toMatch(/This requirement does not exist/);
    expect(error.textContent).toMatch(/unknown requirement hipaa:164\.999/);
    expect(within(error).getByRole('link', { name: 'Back to the framework' }).getAttribute('href')).toBe(
      '#/frameworks/hipaa',
    );
    expect(within(error).queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('shows other errors with Try again', async () => {
    let fail = true;
    mockBackend({
      requirement_detail: () => (fail ? { code: 'db_error', message: 'database is locked' } : sampleRequirement('API-6')),
    });
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });

    const error = await screen.findByTestId('error');
    expect(error.textContent).toMatch(/database is locked/);
    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect((await screen.findByTestId('requirement-header')).dataset.status).toBe('attested');
  });

  it('shows a loading state first', async () => {
    mockBackend({ requirement_detail: sampleRequirement('API-6') });
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });

    expect(screen.getByTestId('loading')).toBeTruthy();
    await screen.findByTestId('requirement-header');
    expect(screen.queryByTestId('loading')).toBeNull();
  });

  it('opens a failing finding in the side panel, from a click on its row or from the keyboard', async () => {
    const detail = sampleRequirement('164.312(b)');
    const elb = detail.controls.find((c) => c.id === 'ELB.5')!;
    const finding = elb.failing[0]!;
    const row = { ...sampleFindingRows()[0]!, id: finding.id, product_arn: finding.product_arn, title: finding.title };
    const seen: Invocation[] = [];
    mockBackend(
      {
        requirement_detail: detail,
        // The panel's row is found by the finding's id: another finding with the same id from
        // another product is not it.
        findings_page: (args) => {
          const q = args.query as FindingsQuery;
          const rows = q.search === finding.id ? [{ ...row, product_arn: 'arn:other' }, row] : [];
          return { total: rows.length, page: 1, page_size: q.page_size, rows };
        },
        finding_detail: { code: 'not_found', message: 'no detail in this test' },
      },
      seen,
    );
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    const card = await screen.findByTestId('control-ELB.5');
    const first = within(card).getAllByTestId('failing-finding')[0]!;
    await fireEvent.click(within(first).getAllByRole('cell')[2]!);
    const panel = await screen.findByTestId('finding-panel');
    expect(panel.dataset.id).toBe(finding.id);
    expect(first.classList.contains('open')).toBe(true);
    const asked = seen.find((i) => i.cmd === 'findings_page')?.args.query as FindingsQuery;
    expect(asked).toMatchObject({ search: finding.id, statuses: [], record_state: null });
    // The same row again closes it; its button opens it from the keyboard.
    await fireEvent.click(within(first).getByTestId('open-finding'));
    await waitFor(() => expect(screen.queryByTestId('finding-drawer')).toBeNull());
    await fireEvent.click(within(first).getByTestId('open-finding'));
    expect(await screen.findByTestId('finding-panel')).toBeTruthy();
    // Accept risk in the row acts by itself: it does not open or close the panel.
    await fireEvent.click(within(first).getByTestId('accept-finding'));
    expect(screen.getByTestId('finding-panel')).toBeTruthy();
  });
});
