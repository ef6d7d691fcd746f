// The findings explorer against a mocked core: the query it sends for what the URL and the
// controls say, debounced search, sorting, the overdue filter, paging as the table scrolls,
// the side panel, and hostile strings rendered as text.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import type { FindingDetail, FindingRow, FindingsQuery, IpcError } from '../backend';
import {
  sampleAccounts,
  mockBackend,
  sampleFindingDetail,
  sampleFindingRows,
  sampleOverview,
  samplePosture,
  sampleRequirement,
  sampleSettings,
  sampleSla,
  syntheticPage,
  type Invocation,
} from '../../test/fixtures';
import { BY_REFERENCE_HELP } from '../format';
import { ROW_HEIGHT } from './columns';
import FindingsExplorer from './FindingsExplorer.svelte';
import { EMPTY_FILTERS, toFindingsQuery } from './query';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
  window.location.hash = '';
  localStorage.clear();
});

beforeEach(() => {
  window.location.hash = '';
});

function backend(seen: Invocation[], total = 1000): void {
  mockBackend(
    {
      overview: sampleOverview(),
      posture: samplePosture(),
      sla_summary: sampleSla(),
      findings_page: (args) => syntheticPage(args.query as FindingsQuery, total),
      accounts: sampleAccounts(),
      owners: {
        owners: [],
        assignments: [
          { scope: 'account', target: '111122223333', owner: 'Payments platform team' },
          { scope: 'control', target: 'IAM.6', owner: 'Identity team' },
          { scope: 'finding', target: 'f-1', owner: 'Identity team' },
        ],
      },
    },
    seen,
  );
}

/** The `query` of every findings_page call so far. */
function queries(seen: Invocation[]): FindingsQuery[] {
  return seen.filter((c) => c.cmd === 'findings_page').map((c) => c.args.query as FindingsQuery);
}

function lastQuery(seen: Invocation[]): FindingsQuery | undefined {
  return queries(seen).at(-1);
}

async function ready(): Promise<HTMLElement> {
  return await screen.findByTestId('explorer-total');
}

describe('Findings explorer', () => {
  it('asks for the first page of what the URL names, complete, and shows the total and rows', async () => {
    const seen: Invocation[] = [];
    backend(seen, 1234);
    render(FindingsExplorer, { query: 'framework=hipaa&requirement=164.312(b)&status=failed&severity=HIGH' });

    const total = await ready();
    expect(total.dataset.value).toBe('1234');
    expect(total.textContent).toBe(new Intl.NumberFormat().format(1234));
    expect(queries(seen)).toEqual([
      {
        ...toFindingsQuery(EMPTY_FILTERS, 1),
        framework: 'hipaa',
        requirement: '164.312(b)',
        statuses: ['failed'],
        severities: ['HIGH'],
      },
    ]);
    // Only the rows in view (plus a margin) are in the DOM, not all 200 of the page.
    const rows = screen.getAllByTestId('explorer-row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.dataset.id).toBe('finding-0');
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('1235');
    expect(screen.getByTestId('filter-severity-HIGH').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('filter-severity-LOW').getAttribute('aria-pressed')).toBe('false');
  });

  it('requests the next page when the table scrolls to it, and drops rows out of view', async () => {
    const seen: Invocation[] = [];
    backend(seen, 1000);
    render(FindingsExplorer, { query: '' });
    await ready();
    expect(queries(seen).map((q) => q.page)).toEqual([1]);

    const scroller = screen.getByTestId('explorer-scroller');
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 450 * ROW_HEIGHT });
    await fireEvent.scroll(scroller);

    await waitFor(() => expect(queries(seen).map((q) => q.page)).toEqual([1, 3]));
    expect(lastQuery(seen)?.page_size).toBe(200);
    const row = await screen.findByText((_, el) => el?.getAttribute('data-id') === 'finding-450');
    expect(row.getAttribute('aria-rowindex')).toBe('452');
    expect(screen.queryAllByTestId('explorer-row').some((r) => r.dataset.id === 'finding-0')).toBe(false);

    // Back to the top: page 1 is still loaded, nothing more is asked.
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 0 });
    await fireEvent.scroll(scroller);
    await waitFor(() => expect(screen.getAllByTestId('explorer-row')[0]!.dataset.id).toBe('finding-0'));
    expect(queries(seen).map((q) => q.page)).toEqual([1, 3]);
  });

  it('shows an empty state with a way out when nothing matches', async () => {
    const seen: Invocation[] = [];
    backend(seen, 0);
    render(FindingsExplorer, { query: 'search=nothing&severity=LOW' });

    const empty = await screen.findByTestId('explorer-empty');
    expect(empty.textContent).toMatch(/No findings match/);
    expect(screen.getByTestId('explorer-total').dataset.value).toBe('0');
    await fireEvent.click(within(empty).getByRole('button', { name: 'Clear all filters' }));
    expect(window.location.hash).toBe('#/findings');
  });

  it('opens a side panel with the finding, its resources, CVEs and requirement links', async () => {
    const rows = sampleFindingRows();
    const log4j = rows.find((r) => r.vulnerabilities.includes('CVE-2021-44228'))!;
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      findings_page: { total: 1, page: 1, page_size: 200, rows: [log4j] },
    });
    render(FindingsExplorer, { query: '' });
    await ready();

    const row = screen.getByTestId('explorer-row');
    const open = within(row).getByRole('button', { name: log4j.title });
    await fireEvent.click(open);
    const panel = screen.getByTestId('finding-panel');
    expect(open.getAttribute('aria-expanded')).toBe('true');
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe(log4j.title);
    expect(panel.textContent).toContain('CVE-2021-44228');
    expect(panel.textContent).toContain(log4j.account);
    const links = within(panel).getAllByTestId('panel-requirement');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(
      log4j.requirements.map((key) => {
        const [fw, req] = key.split(':') as [string, string];
        return `#/frameworks/${encodeURIComponent(fw)}/${encodeURIComponent(req)}`;
      }),
    );

    await fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByTestId('finding-panel')).toBeNull();
    // Focus goes back to the row the finding was opened from.
    const rowButton = () => within(screen.getByTestId('explorer-row')).getByRole('button', { name: log4j.title });
    await waitFor(() => expect(document.activeElement).toBe(rowButton()));

    // Escape also closes it while focus is back in the table.
    await fireEvent.click(rowButton());
    expect(screen.getByTestId('finding-panel')).toBeTruthy();
    await fireEvent.keyDown(rowButton(), { key: 'Escape' });
    expect(screen.queryByTestId('finding-panel')).toBeNull();
  });

  it('shows a legacy rule number beside the Security Hub control it resolves to', async () => {
    const finding = { ...sampleFindingRows()[0]!, control: '1.10', security_control: 'IAM.16', standard: 'cis-aws-foundations-benchmark/v/1.2.0' };
    mockBackend({ sla_summary: sampleSla(), posture: samplePosture(), findings_page: { total: 1, page: 1, page_size: 200, rows: [finding] } });
    render(FindingsExplorer, { query: '' });
    await ready();
    const row = screen.getByTestId('explorer-row');
    expect(row.textContent).toContain('1.10 · IAM.16');
    await fireEvent.click(within(row).getByRole('button', { name: finding.title }));
    expect(screen.getByTestId('finding-panel').textContent).toContain('1.10 · Security Hub IAM.16');
  });

  it('marks a finding mapped by reference in its row and its panel, with what that means', async () => {
    const rows = sampleFindingRows();
    const referenced = rows.find((r) => r.mapped_by_reference)!;
    const plain = rows[0]!;
    expect(referenced.control).toBe('Bedrock.99');
    expect(plain.mapped_by_reference).toBe(false);
    const seen: Invocation[] = [];
    mockBackend(
      {
        sla_summary: sampleSla(),
        posture: samplePosture(),
        findings_page: { total: 2, page: 1, page_size: 200, rows: [referenced, plain] },
        finding_detail: { code: 'not_found', message: 'gone' },
      },
      seen,
    );
    render(FindingsExplorer, { query: '' });
    await ready();

    const [first, second] = screen.getAllByTestId('explorer-row') as [HTMLElement, HTMLElement];
    const chip = within(first).getByTestId('by-reference-badge');
    expect(chip.textContent).toMatch(/^by reference/);
    expect(chip.getAttribute('title')).toBe(BY_REFERENCE_HELP);
    expect(within(second).queryByTestId('by-reference-badge')).toBeNull();

    await fireEvent.click(within(first).getByRole('button', { name: referenced.title }));
    const panel = screen.getByTestId('finding-panel');
    const badge = within(panel).getByTestId('by-reference-badge');
    expect(badge.getAttribute('title')).toBe(BY_REFERENCE_HELP);
    const note = within(panel).getByTestId('finding-by-reference');
    expect(note.textContent).toMatch(/Mapped by reference\.\s*Bedrock\.99 is not in the catalog\./);
    expect(note.textContent).toContain(BY_REFERENCE_HELP);
    expect(within(panel).getAllByTestId('panel-requirement').map((a) => a.getAttribute('href'))).toEqual([
      '#/frameworks/hipaa/164.312(b)',
    ]);
    // The catalog has no guidance for a control it does not know: nothing is looked up, and it says why.
    const guidance = within(panel).getByTestId('finding-guidance');
    expect(guidance.dataset.state).toBe('ready');
    expect(within(guidance).getByTestId('finding-guidance-reference').textContent).toMatch(
      /Bedrock\.99 is not in Rampart's catalog/,
    );
    expect(within(guidance).getByTestId('finding-remediation-link').getAttribute('href')).toBe(referenced.remediation_url);
    expect(seen.some((c) => c.cmd === 'requirement_detail')).toBe(false);

    // Another finding's panel has no chip.
    await fireEvent.click(within(second).getByRole('button', { name: plain.title }));
    expect(within(screen.getByTestId('finding-panel')).queryByTestId('by-reference-badge')).toBeNull();
    expect(within(screen.getByTestId('finding-panel')).queryByTestId('finding-by-reference')).toBeNull();
  });

  it('shows the unmapped and mapped-by-reference counts beside the Unmapped filter', async () => {
    const seen: Invocation[] = [];
    backend(seen, 10);
    render(FindingsExplorer, { query: 'unmapped=1' });
    await ready();

    const unmapped = await screen.findByTestId('filter-mapping-unmapped');
    expect(unmapped.dataset.value).toBe('1');
    expect(unmapped.textContent?.replace(/\s+/g, ' ').trim()).toBe('1 unmapped');
    const byReference = screen.getByTestId('filter-mapping-by-reference');
    expect(byReference.dataset.value).toBe('4');
    expect(byReference.textContent?.replace(/\s+/g, ' ').trim()).toBe('4 mapped by reference');
    expect(byReference.getAttribute('title')).toBe(BY_REFERENCE_HELP);
    // Beside the switch, under "More filters" (open: the URL filters on it).
    const switchLabel = screen.getByTestId('filter-unmapped').closest('label')!;
    expect(switchLabel.parentElement!.contains(screen.getByTestId('filter-mapping'))).toBe(true);
    expect(screen.getByTestId('filter-mapping').textContent).toContain(BY_REFERENCE_HELP);
    expect(lastQuery(seen)?.unmapped).toBe(true);
  });

  it('shows no mapping counts while the posture cannot be read', async () => {
    const calls = mockBackend({
      sla_summary: sampleSla(),
      posture: { code: 'catalog_error', message: 'bad catalog' },
      findings_page: (args) => syntheticPage(args.query as FindingsQuery, 3),
    });
    render(FindingsExplorer, { query: 'unmapped=1' });
    await ready();
    await waitFor(() => expect(calls).toContain('posture'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByTestId('filter-unmapped')).toBeTruthy();
    expect(screen.queryByTestId('filter-mapping')).toBeNull();
  });

  it('shows a control finding’s guidance, timeline and JSON in its panel', async () => {
    const detail = sampleRequirement('164.312(b)');
    const elb = detail.controls.find((c) => c.id === 'ELB.5')!;
    const finding = {
      ...sampleFindingRows()[0]!,
      control: 'ELB.5',
      status: 'failed',
      requirements: ['hipaa:164.312(b)'],
      first_observed_at: '2026-06-02T05:00:00Z',
      created_at: '2026-06-02T05:00:00Z',
      updated_at: '2026-11-28T06:03:00Z',
      last_observed_at: '2026-11-28T06:03:00Z',
      remediation_url: 'https://docs.aws.amazon.com/console/securityhub/ELB.5/remediation',
    };
    const seen: Invocation[] = [];
    mockBackend(
      {
        sla_summary: sampleSla(),
        posture: samplePosture(),
        requirement_detail: detail,
        findings_page: { total: 1, page: 1, page_size: 200, rows: [finding] },
      },
      seen,
    );
    render(FindingsExplorer, { query: '' });
    await ready();
    await fireEvent.click(within(screen.getByTestId('explorer-row')).getByRole('button', { name: finding.title }));
    const panel = screen.getByTestId('finding-panel');

    const guidance = within(panel).getByTestId('finding-guidance');
    expect(within(guidance).getByRole('heading', { level: 3 }).textContent).toBe('Why it fails and how to fix it');
    await waitFor(() => expect(guidance.dataset.state).toBe('ready'));
    expect(seen.find((c) => c.cmd === 'requirement_detail')?.args).toMatchObject({ framework: 'hipaa', requirement: '164.312(b)' });
    expect(guidance.textContent).toContain(elb.remediation!.problem.replaceAll('`', ''));
    expect(guidance.textContent).toContain(elb.remediation!.why.replaceAll('`', ''));
    // A failing finding opens the steps: the control's remediation, as on the requirement page.
    expect((within(guidance).getByTestId('finding-fix') as HTMLDetailsElement).open).toBe(true);
    const steps = within(guidance).getByTestId('remediation-ELB.5');
    expect(steps.querySelectorAll('ol li')).toHaveLength(elb.remediation!.steps.length);
    // The command says what it does, as on the requirement page.
    expect(within(steps).getByTestId('cli-kind-ELB.5').textContent).toBe('Fix (AWS CLI)');
    const aws = within(guidance).getByTestId('finding-remediation-link');
    expect(aws.getAttribute('href')).toBe(finding.remediation_url);
    expect(aws.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(guidance).getByTestId('finding-remediation-host').textContent).toBe(new URL(finding.remediation_url!).hostname);

    const events = within(within(panel).getByTestId('finding-timeline')).getAllByTestId('timeline-event');
    expect(events.map((e) => e.dataset.kinds)).toEqual(['first_observed created', 'due', 'last_observed updated']);

    const json = within(panel).getByTestId('finding-json') as HTMLDetailsElement;
    expect(json.open).toBe(false);
    expect(JSON.parse(json.querySelector('code')!.textContent!)).toMatchObject({ id: finding.id, control: 'ELB.5' });
    expect(within(json).getByRole('button', { name: 'Copy JSON' })).toBeTruthy();
  });

  it('draws a row whose title is a megabyte long with its title clipped', async () => {
    const row: FindingRow = { ...sampleFindingRows()[0]!, title: 'T'.repeat(1_000_000) };
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      findings_page: { total: 1, page: 1, page_size: 200, rows: [row] },
    });
    render(FindingsExplorer, { query: '' });
    await ready();
    const cell = screen.getAllByTestId('explorer-row')[0]!;
    expect(cell.textContent!.length).toBeLessThan(2_000);
    expect(cell.textContent).toContain(`${'T'.repeat(300)}…`);
  });

  it('shows a remediation URL outside AWS documentation as text, never as a link', async () => {
    const row: FindingRow = {
      ...sampleFindingRows()[0]!,
      remediation_url: 'https://console.aws.amazon.com@evil.example/phish',
    };
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      requirement_detail: sampleRequirement('164.312(b)'),
      findings_page: { total: 1, page: 1, page_size: 200, rows: [row] },
      finding_detail: sampleFindingDetail(),
    });
    render(FindingsExplorer, { query: '' });
    await ready();
    await fireEvent.click(within(screen.getAllByTestId('explorer-row')[0]!).getByRole('button', { name: row.title }));
    const guidance = within(screen.getByTestId('finding-panel')).getByTestId('finding-guidance');
    expect(within(guidance).queryByTestId('finding-remediation-link')).toBeNull();
    expect(within(guidance).getByTestId('finding-remediation-text').textContent).toContain('evil.example');
    expect(guidance.querySelector('a[href*="evil"]')).toBeNull();
  });

  it('links a vulnerability finding’s CVEs to NVD and asks the catalog nothing', async () => {
    const log4j = sampleFindingRows().find((r) => r.vulnerabilities.includes('CVE-2021-44228'))!;
    const seen: Invocation[] = [];
    mockBackend(
      { sla_summary: sampleSla(), posture: samplePosture(), findings_page: { total: 1, page: 1, page_size: 200, rows: [log4j] } },
      seen,
    );
    render(FindingsExplorer, { query: '' });
    await ready();
    await fireEvent.click(within(screen.getByTestId('explorer-row')).getByRole('button', { name: log4j.title }));
    const panel = screen.getByTestId('finding-panel');

    const [cve] = within(panel).getAllByTestId('finding-cve');
    const link = within(cve!).getByRole('link');
    expect(link.getAttribute('href')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2021-44228');
    expect(link.textContent).toMatch(/NVD entry for CVE-2021-44228/);
    expect(within(panel).getByTestId('finding-guidance').textContent).toMatch(/known vulnerabilities/);
    expect(seen.some((c) => c.cmd === 'requirement_detail')).toBe(false);
  });

  it('marks accepted findings, and accepts a failing one from its panel', async () => {
    const rows = sampleFindingRows().filter((r) => r.status === 'failed' && r.record_state === 'active').slice(0, 2);
    rows[0] = { ...rows[0]!, accepted: true };
    const seen: Invocation[] = [];
    mockBackend(
      {
        sla_summary: sampleSla(),
        posture: samplePosture(),
        settings: sampleSettings(),
        accept_risk: 21,
        findings_page: { total: 2, page: 1, page_size: 200, rows },
      },
      seen,
    );
    render(FindingsExplorer, { query: '' });
    await ready();

    const [covered, open] = screen.getAllByTestId('explorer-row') as [HTMLElement, HTMLElement];
    expect(within(covered).getByTestId('accepted-badge').textContent).toBe('Accepted');
    expect(within(open).queryByTestId('accepted-badge')).toBeNull();

    // An accepted finding's panel says so and offers nothing more.
    await fireEvent.click(within(covered).getByRole('button', { name: rows[0]!.title }));
    let panel = screen.getByTestId('finding-panel');
    expect(within(panel).getByTestId('accepted-badge').textContent).toMatch(/Accepted/);
    expect(within(panel).queryByTestId('accept-finding')).toBeNull();

    await fireEvent.click(within(open).getByRole('button', { name: rows[1]!.title }));
    panel = screen.getByTestId('finding-panel');
    await fireEvent.click(within(panel).getByTestId('accept-finding'));
    const form = within(panel).getByTestId('accept-form');
    for (const [testid, value] of [
      ['accept-reason', 'Decommissioned next week.'],
      ['accept-owner', 'SRE'],
      ['accept-approver', 'Priya (CISO)'],
    ] as const) {
      await fireEvent.input(within(form).getByTestId(testid), { target: { value } });
    }
    await fireEvent.click(within(form).getByTestId('accept-submit'));

    await within(panel).findByTestId('accept-success');
    expect(seen.find((c) => c.cmd === 'accept_risk')!.args.request).toMatchObject({
      scope: { scope: 'finding', target: rows[1]!.id },
    });
    // The row says so at once; the panel stays open with the confirmation.
    await waitFor(() => expect(within(screen.getAllByTestId('explorer-row')[1]!).getByTestId('accepted-badge')).toBeTruthy());
    expect(screen.getByTestId('finding-panel').dataset.id).toBe(rows[1]!.id);
    expect(document.activeElement).toBe(within(screen.getByTestId('finding-panel')).getByTestId('accept-success'));
  });

  it('moves between rows with the arrow keys', async () => {
    backend([], 50);
    render(FindingsExplorer, { query: '' });
    await ready();

    const button = (i: number) => screen.getAllByTestId('explorer-row')[i]!.querySelector<HTMLElement>('.open')!;
    button(0).focus();
    await fireEvent.keyDown(button(0), { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(button(1)));
    await fireEvent.keyDown(button(1), { key: 'ArrowUp' });
    await waitFor(() => expect(document.activeElement).toBe(button(0)));
  });

  it('puts one row in the Tab order: the first, then the one last focused', async () => {
    backend([], 50);
    render(FindingsExplorer, { query: '' });
    await ready();

    const tabbable = () =>
      screen.getAllByTestId('explorer-row').filter((r) => r.querySelector('.open')!.getAttribute('tabindex') === '0');
    expect(tabbable().map((r) => r.dataset.index)).toEqual(['0']);
    const third = screen.getAllByTestId('explorer-row')[2]!.querySelector<HTMLElement>('.open')!;
    third.focus();
    await waitFor(() => expect(tabbable().map((r) => r.dataset.index)).toEqual(['2']));
  });

  it('shows the SLA strip', async () => {
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      findings_page: (args) => syntheticPage(args.query as FindingsQuery, 5),
    });
    render(FindingsExplorer, { query: '' });

    const strip = await screen.findByTestId('sla-strip');
    await waitFor(() => expect(screen.getByTestId('sla-overdue-CRITICAL').dataset.value).toBe('35'));
    expect(strip.textContent).toMatch(/7-day SLA/);
    expect(strip.textContent).toMatch(/37\s*open/);
    expect(strip.textContent).toMatch(/mean fix 57 days/);
    expect(screen.getByTestId('sla-overdue-all').dataset.value).toBe(String(35 + 57 + 167 + 49));
    // Informational has no SLA and nothing open: not shown.
    expect(screen.queryByTestId('sla-overdue-INFORMATIONAL')).toBeNull();
  });

  it('renders hostile titles, resource ids and CVEs as text', async () => {
    const [row] = sampleFindingRows();
    const hostile = {
      ...row!,
      id: HOSTILE,
      title: HOSTILE,
      account: HOSTILE,
      resources: [`arn:aws:s3:::${HOSTILE}`, HOSTILE],
      resource_types: [HOSTILE],
      vulnerabilities: [HOSTILE],
      requirements: [`hipaa:${HOSTILE}`, HOSTILE],
      control: HOSTILE,
      remediation_url: 'javascript:alert(1)',
    };
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      findings_page: { total: 1, page: 1, page_size: 200, rows: [hostile] },
    });
    const { container } = render(FindingsExplorer, { query: '' });
    await ready();

    const tableRow = screen.getByTestId('explorer-row');
    expect(tableRow.dataset.id).toBe(HOSTILE);
    await fireEvent.click(within(tableRow).getByRole('button', { name: HOSTILE }));
    const panel = screen.getByTestId('finding-panel');
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe(HOSTILE);
    expect(panel.textContent).toContain(`arn:aws:s3:::${HOSTILE}`);
    expect(within(panel).getAllByText(HOSTILE).length).toBeGreaterThan(2);
    expect(within(panel).queryByRole('link', { name: /remediation|What AWS says/i })).toBeNull();
    expect(within(panel).queryByRole('link', { name: /NVD/ })).toBeNull();
    expect(within(panel).getByTestId('finding-json').textContent).toContain(HOSTILE);
    expect(container.querySelector('img')).toBeNull();
  });

  it('shows the error with a Try again when the first page fails', async () => {
    let fail = true;
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      findings_page: (args) =>
        fail ? { code: 'db_error', message: 'disk I/O error' } : syntheticPage(args.query as FindingsQuery, 3),
    });
    render(FindingsExplorer, { query: '' });

    const error = await screen.findByTestId('error');
    expect(error.textContent).toMatch(/disk I\/O error/);
    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect((await ready()).dataset.value).toBe('3');
  });
});

describe('Finding panel: the finding’s detail', () => {
  const log4j = (): FindingRow => sampleFindingRows().find((r) => r.vulnerabilities.includes('CVE-2021-44228'))!;

  async function open(
    rows: FindingRow[],
    detail: FindingDetail | IpcError | ((args: Record<string, unknown>) => FindingDetail | IpcError | Promise<FindingDetail | IpcError>),
    seen: Invocation[] = [],
  ): Promise<{ panel: HTMLElement; container: HTMLElement }> {
    mockBackend(
      {
        sla_summary: sampleSla(),
        posture: samplePosture(),
        requirement_detail: sampleRequirement('164.312(b)'),
        findings_page: { total: rows.length, page: 1, page_size: 200, rows },
        finding_detail: detail,
      },
      seen,
    );
    const { container } = render(FindingsExplorer, { query: '' });
    await ready();
    await fireEvent.click(within(screen.getAllByTestId('explorer-row')[0]!).getByRole('button', { name: rows[0]!.title }));
    return { panel: screen.getByTestId('finding-panel'), container };
  }

  it('tells apart two products’ findings that share an id: each row opens its own finding', async () => {
    const genuine = log4j();
    const foreign: FindingRow = {
      ...genuine,
      product_arn: 'arn:aws:securityhub:us-east-1:999988887777:product/999988887777/default',
      title: 'A custom product reusing the id',
      status: 'passed',
    };
    const seen: Invocation[] = [];
    const { panel } = await open([genuine, foreign], (args) => ({ ...sampleFindingDetail(), product_arn: String(args.productArn) }), seen);
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe(genuine.title);
    const rows = screen.getAllByTestId('explorer-row');
    expect(rows).toHaveLength(2);
    await fireEvent.click(within(rows[1]!).getByRole('button', { name: foreign.title }));
    await waitFor(() => expect(within(screen.getByTestId('finding-panel')).getByRole('heading', { level: 2 }).textContent).toBe(foreign.title));
    expect(seen.filter((c) => c.cmd === 'finding_detail').map((c) => c.args.productArn)).toEqual([genuine.product_arn, foreign.product_arn]);
    expect(screen.getAllByTestId('explorer-row').filter((r) => r.classList.contains('selected'))).toHaveLength(1);
  });

  it('shows the same finding as the other Security Hub sent it, when both reported it', async () => {
    const row = log4j();
    const ocsf = { finding_info: { uid: row.id }, class_uid: 2002 };
    const { panel } = await open([row], sampleFindingDetail({ other_raw: [{ format: 'ocsf', raw: JSON.stringify(ocsf) }] }));
    const other = await within(panel).findByTestId('finding-json-other');
    expect(other.dataset.format).toBe('ocsf');
    expect(JSON.parse(other.querySelector('pre code')!.textContent!)).toEqual(ocsf);
  });

  it('shows the row at once, then the description, tagged resources, CVE table, history and raw JSON', async () => {
    const row = log4j();
    const detail = sampleFindingDetail();
    let answer: (value: FindingDetail) => void = () => {};
    const seen: Invocation[] = [];
    const { panel } = await open([row], () => new Promise<FindingDetail>((resolve) => (answer = resolve)), seen);

    // The row's part is there before the detail comes.
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe(row.title);
    expect(within(panel).getByTestId('finding-detail-state').dataset.state).toBe('loading');
    expect(panel.textContent).toContain('profiles-448d');
    expect(seen.find((c) => c.cmd === 'finding_detail')?.args).toEqual({ id: row.id, productArn: row.product_arn });

    answer(detail);
    await waitFor(() => expect(within(panel).queryByTestId('finding-detail-state')).toBeNull());

    const description = within(panel).getByTestId('finding-description');
    expect(description.textContent).toBe(detail.description);
    expect(description.textContent).toContain('\n');

    const [resource] = within(panel).getAllByTestId('finding-resource');
    expect(resource!.textContent).toContain('i-0abc123def4567890');
    expect(resource!.textContent).toContain('AWS_EC2_INSTANCE');
    expect(resource!.textContent).toContain(row.region);
    const tags = within(resource!).getByTestId('resource-tags');
    expect([...tags.querySelectorAll('dt')].map((e) => e.textContent)).toEqual(['Name', 'team']);
    expect([...tags.querySelectorAll('dd')].map((e) => e.textContent)).toEqual(['payments-api-1', 'payments']);

    const [cve] = within(panel).getAllByTestId('finding-cve');
    expect(within(cve!).getByRole('link').getAttribute('href')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2021-44228');
    expect(within(cve!).getByTestId('cve-cvss').textContent).toBe('10.0');
    expect(within(cve!).getByTestId('cve-package').textContent).toBe('log4j-core');
    expect(within(cve!).getByTestId('cve-versions').textContent).toBe('2.14.1 → 2.17.1');
    expect(within(cve!).getByTestId('cve-fix').textContent).toBe('Yes');
    expect(within(cve!).getByTestId('cve-exploit').textContent).toBe('Yes');

    const events = within(within(panel).getByTestId('finding-timeline')).getAllByTestId('timeline-event');
    const changes = events.filter((e) => e.dataset.kinds === 'status');
    expect(changes.map((e) => e.querySelector('[data-status]')?.getAttribute('data-status'))).toEqual(['failed', 'passed', 'failed']);
    expect(changes[0]!.textContent).toContain('Workflow NEW');
    expect(changes[0]!.textContent).toContain('Record active');
    // The due date stays, in its place between the changes.
    expect(events.map((e) => e.dataset.kinds)).toEqual([
      'first_observed created',
      'status',
      'due',
      'status',
      'last_observed updated',
      'status',
    ]);

    const json = within(panel).getByTestId('finding-json');
    expect(within(json).getByTestId('finding-json-origin').dataset.origin).toBe('source');
    expect(within(json).getByTestId('finding-json-origin').textContent).toContain('inspector2-findings');
    const code = json.querySelector('pre code')!;
    expect(code.textContent).toBe(JSON.stringify(JSON.parse(detail.raw!), null, 2));
    expect(JSON.parse(code.textContent!)).toMatchObject({ findingArn: row.id });
    expect(within(json).getByRole('button', { name: 'Copy JSON' })).toBeTruthy();
  });

  it('says when the core has no such finding, and keeps the row and its JSON', async () => {
    const row = log4j();
    const { panel } = await open([row], { code: 'not_found', message: `no finding ${row.id}` });
    const state = await within(panel).findByTestId('finding-detail-state');
    await waitFor(() => expect(state.dataset.state).toBe('error'));
    expect(state.textContent).toMatch(/no longer has this finding/);
    expect(panel.textContent).toContain('CVE-2021-44228');
    expect(within(panel).queryByTestId('finding-description')).toBeNull();
    const json = within(panel).getByTestId('finding-json');
    expect(within(json).getByTestId('finding-json-origin').dataset.origin).toBe('row');
    expect(JSON.parse(json.querySelector('pre code')!.textContent!)).toMatchObject({ id: row.id });
  });

  it('shows a failed detail’s message as text', async () => {
    const { panel } = await open([log4j()], { code: 'db_error', message: `disk I/O error ${HOSTILE}` });
    await waitFor(() => expect(within(panel).getByTestId('finding-detail-state').dataset.state).toBe('error'));
    expect(within(panel).getByTestId('finding-detail-state').textContent).toContain(`disk I/O error ${HOSTILE}`);
    expect(panel.querySelector('img')).toBeNull();
  });

  it('falls back to the row’s JSON when the source’s is not stored, and says so', async () => {
    const row = log4j();
    const { panel } = await open([row], sampleFindingDetail({ raw: null, raw_format: null }));
    await waitFor(() => expect(within(panel).queryByTestId('finding-detail-state')).toBeNull());
    const origin = within(panel).getByTestId('finding-json-origin');
    expect(origin.dataset.origin).toBe('row');
    expect(origin.textContent).toMatch(/no JSON as sent/);
    expect(JSON.parse(panel.querySelector('[data-testid="finding-json"] pre code')!.textContent!)).toMatchObject({ id: row.id });
  });

  it('shows the source’s JSON as it is when it does not parse', async () => {
    const broken = '{"findingArn": "truncated';
    const { panel } = await open([log4j()], sampleFindingDetail({ raw: broken }));
    await waitFor(() => expect(within(panel).queryByTestId('finding-detail-state')).toBeNull());
    expect(panel.querySelector('[data-testid="finding-json"] pre code')!.textContent).toBe(broken);
    expect(within(panel).getByTestId('finding-json-origin').dataset.origin).toBe('source');
    expect(within(panel).getByTestId('finding-json-origin').textContent).toMatch(/does not parse/);
  });

  it('drops the answer for a finding no longer shown', async () => {
    const rows = sampleFindingRows().slice(0, 2);
    const pending = new Map<string, (value: FindingDetail) => void>();
    await open(rows, (args) => new Promise<FindingDetail>((resolve) => pending.set(args.id as string, resolve)));
    await waitFor(() => expect(pending.has(rows[0]!.id)).toBe(true));
    await fireEvent.click(within(screen.getAllByTestId('explorer-row')[1]!).getByRole('button', { name: rows[1]!.title }));
    await waitFor(() => expect(pending.has(rows[1]!.id)).toBe(true));

    pending.get(rows[1]!.id)!(sampleFindingDetail({ id: rows[1]!.id, description: 'second finding' }));
    const panel = screen.getByTestId('finding-panel');
    await waitFor(() => expect(within(panel).getByTestId('finding-description').textContent).toBe('second finding'));
    // The first finding's answer comes late: ignored.
    pending.get(rows[0]!.id)!(sampleFindingDetail({ id: rows[0]!.id, description: 'first finding' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(panel.dataset.id).toBe(rows[1]!.id);
    expect(within(panel).getByTestId('finding-description').textContent).toBe('second finding');
  });

  it('renders hostile tags, descriptions, packages and raw JSON as text', async () => {
    const row = log4j();
    const raw = JSON.stringify({ Id: row.id, Title: HOSTILE, Resources: [{ Tags: { [HOSTILE]: HOSTILE } }] });
    const { panel, container } = await open(
      [row],
      sampleFindingDetail({
        description: `${HOSTILE}\n${HOSTILE}`,
        resources: [{ type: HOSTILE, id: HOSTILE, region: HOSTILE, tags: [[HOSTILE, HOSTILE]] }],
        vulnerabilities: [
          { id: HOSTILE, package: HOSTILE, installed_version: HOSTILE, fixed_version: null, cvss: null, fix_available: null, exploit_available: false },
        ],
        history: [{ at: '2026-11-01T00:00:00Z', status: HOSTILE, record_state: HOSTILE, workflow_status: HOSTILE, severity: HOSTILE }],
        raw_format: HOSTILE,
        raw,
      }),
    );
    await waitFor(() => expect(within(panel).queryByTestId('finding-detail-state')).toBeNull());
    expect(within(panel).getByTestId('finding-description').textContent).toBe(`${HOSTILE}\n${HOSTILE}`);
    const tags = within(panel).getByTestId('resource-tags');
    expect(tags.querySelector('dt')!.textContent).toBe(HOSTILE);
    expect(tags.querySelector('dd')!.textContent).toBe(HOSTILE);
    const [cve] = within(panel).getAllByTestId('finding-cve');
    expect(within(cve!).getByTestId('cve-package').textContent).toBe(HOSTILE);
    expect(within(cve!).getByTestId('cve-fix').textContent).toBe('Unknown');
    expect(within(cve!).getByTestId('cve-exploit').textContent).toBe('No');
    expect(within(cve!).queryByRole('link')).toBeNull();
    const json = within(panel).getByTestId('finding-json');
    expect(json.querySelector('pre code')!.textContent).toContain(HOSTILE);
    expect(within(json).getByTestId('finding-json-origin').textContent).toContain(HOSTILE);
    expect(within(panel).getByTestId('finding-timeline').textContent).toContain(`Workflow ${HOSTILE}`);
    expect(container.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('Invisible and control characters from AWS', () => {
  // U+202E (right-to-left override) and U+200B (zero-width space): shown for what they are, as
  // the CLI, CSV and PDF show them, so nothing displays reversed or passes for another id.
  const RLO = '\u202E';
  const ZWSP = '\u200B';
  const INVISIBLE = /[\u202E\u200B\u200F\u2066\uFEFF\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

  function tricky(): FindingRow {
    const row = sampleFindingRows().find((r) => r.vulnerabilities.includes('CVE-2021-44228'))!;
    return {
      ...row,
      id: `arn:aws:inspector2:us-east-1:111122223333:finding/${RLO}abc${ZWSP}`,
      title: `Open ${RLO}exe.txt${ZWSP} bucket\u0007\u001b[2J\u009bnow`,
      account: `${RLO}333322221111`,
      region: `us-east-1${ZWSP}`,
      product: `Inspector${RLO}`,
      control: `S3.${ZWSP}8`,
      resources: [`arn:aws:s3:::invoice${RLO}fdp.exe`, `arn:aws:s3:::other${ZWSP}`],
      resource_types: [`AwsS3${ZWSP}Bucket`, 'AwsS3Bucket'],
      vulnerabilities: [`CVE-2021-44228${ZWSP}`],
      mapped_by_reference: false,
      accepted: false,
    };
  }

  async function openTricky(detail: FindingDetail | IpcError, seen: Invocation[] = []): Promise<HTMLElement> {
    const row = tricky();
    mockBackend(
      {
        sla_summary: sampleSla(),
        posture: samplePosture(),
        requirement_detail: sampleRequirement('164.312(b)'),
        findings_page: { total: 1, page: 1, page_size: 200, rows: [row] },
        finding_detail: detail,
      },
      seen,
    );
    render(FindingsExplorer, { query: '' });
    await ready();
    const tableRow = screen.getByTestId('explorer-row');
    await fireEvent.click(within(tableRow).getByRole('button', { name: /^Open <U\+202E>exe\.txt/ }));
    return screen.getByTestId('finding-panel');
  }

  it('shows them in the explorer row as <U+…>, and control characters as spaces; the row keeps its raw id', async () => {
    const row = tricky();
    mockBackend({ sla_summary: sampleSla(), posture: samplePosture(), findings_page: { total: 1, page: 1, page_size: 200, rows: [row] } });
    localStorage.setItem('rampart.explorer.columns', JSON.stringify(['severity', 'status', 'title', 'control', 'account', 'region', 'resource', 'source']));
    render(FindingsExplorer, { query: '' });
    await ready();

    const tableRow = screen.getByTestId('explorer-row');
    // The id identifies the row: never changed.
    expect(tableRow.dataset.id).toBe(row.id);
    const open = within(tableRow).getByRole('button', { name: /^Open <U\+202E>exe\.txt<U\+200B> bucket/ });
    expect(open.textContent!.trim()).toBe('Open <U+202E>exe.txt<U+200B> bucket  [2J now');
    expect(open.getAttribute('title')).toBe('Open <U+202E>exe.txt<U+200B> bucket  [2J now');
    expect(tableRow.textContent).toContain('<U+202E>333322221111');
    expect(tableRow.textContent).toContain('us-east-1<U+200B>');
    expect(tableRow.textContent).toContain('S3.<U+200B>8');
    expect(tableRow.querySelector('.rid')!.textContent).toBe('invoice<U+202E>fdp.exe');
    expect(tableRow.querySelector('span.resource')!.getAttribute('title')).toBe('arn:aws:s3:::invoice<U+202E>fdp.exe\narn:aws:s3:::other<U+200B>');
    expect(tableRow.querySelector('[title="Inspector<U+202E>"]')).not.toBeNull();
    expect(tableRow.textContent).not.toMatch(INVISIBLE);
    for (const el of tableRow.querySelectorAll('[title]')) expect(el.getAttribute('title')).not.toMatch(INVISIBLE);
  });

  it('shows them in the panel: title, account, product, control, resources, tags, description, CVEs and JSON', async () => {
    const row = tricky();
    const raw = JSON.stringify({ findingArn: row.id, title: row.title, awsAccountId: row.account, note: 'line\u0007' });
    const seen: Invocation[] = [];
    const panel = await openTricky(
      sampleFindingDetail({
        id: row.id,
        description: `First ${RLO}line\nsecond\tline${ZWSP}\r\u001b[0m`,
        resources: [
          {
            type: `AwsS3${ZWSP}Bucket`,
            id: `arn:aws:s3:::invoice${RLO}fdp.exe`,
            region: `us-east-1${ZWSP}`,
            tags: [[`Own${RLO}er`, `team${ZWSP}\u0000a`]],
          },
        ],
        vulnerabilities: [
          { id: `CVE-2021-44228${ZWSP}`, package: `log4j${RLO}`, installed_version: '2.14.1', fixed_version: null, cvss: 10, fix_available: true, exploit_available: null },
        ],
        raw_format: `inspector2${ZWSP}`,
        raw,
      }),
      seen,
    );

    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('Open <U+202E>exe.txt<U+200B> bucket  [2J now');
    expect(panel.textContent).toContain('<U+202E>333322221111');
    expect(panel.textContent).toContain('Inspector<U+202E>');
    expect(panel.textContent).toContain('S3.<U+200B>8');
    await waitFor(() => expect(within(panel).queryByTestId('finding-detail-state')).toBeNull());

    // The id asked for is the raw one: an IPC argument is never changed.
    expect(seen.filter((c) => c.cmd === 'finding_detail').map((c) => c.args.id)).toEqual([row.id]);
    // Newlines and tabs stay in the description; the other control characters are spaces.
    expect(within(panel).getByTestId('finding-description').textContent).toBe('First <U+202E>line\nsecond\tline<U+200B>  [0m');
    const resource = within(panel).getByTestId('finding-resource');
    expect(resource.querySelector('code')!.textContent).toBe('arn:aws:s3:::invoice<U+202E>fdp.exe');
    expect(resource.textContent).toContain('AwsS3<U+200B>Bucket');
    const tags = within(panel).getByTestId('resource-tags');
    expect(tags.querySelector('dt')!.textContent).toBe('Own<U+202E>er');
    expect(tags.querySelector('dd')!.textContent).toBe('team<U+200B> a');
    const cve = within(panel).getByTestId('finding-cve');
    expect(cve.querySelector('code')!.textContent).toBe('CVE-2021-44228<U+200B>');
    expect(within(cve).getByTestId('cve-package').textContent).toBe('log4j<U+202E>');
    // The JSON as sent: JSON.stringify escapes C0 controls (BEL, ESC) but neither C1 (CSI, shown
    // as a space) nor the bidi or zero-width characters.
    const json = within(panel).getByTestId('finding-json');
    const code = json.querySelector('pre code')!.textContent!;
    expect(code).toContain('"title": "Open <U+202E>exe.txt<U+200B> bucket\\u0007\\u001b[2J now"');
    expect(code).toContain('"awsAccountId": "<U+202E>333322221111"');
    expect(within(json).getByTestId('finding-json-origin').textContent).toContain('inspector2<U+200B>');
    // The finding id shown under "Finding id".
    expect(json.closest('.ident')!.querySelector('code.id')!.textContent).toBe(
      'arn:aws:inspector2:us-east-1:111122223333:finding/<U+202E>abc<U+200B>',
    );

    expect(panel.textContent).not.toMatch(INVISIBLE);
    for (const el of panel.querySelectorAll('[title]')) expect(el.getAttribute('title')).not.toMatch(INVISIBLE);
  });

  it('shows them in the row\'s resources and CVE ids before the detail has come', async () => {
    const panel = await openTricky({ code: 'not_found', message: 'gone' });
    await waitFor(() => expect(within(panel).getByTestId('finding-detail-state').dataset.state).toBe('error'));
    const resources = within(panel).getByTestId('finding-resources');
    expect(resources.textContent).toContain('arn:aws:s3:::invoice<U+202E>fdp.exe');
    expect(resources.textContent).toContain('arn:aws:s3:::other<U+200B>');
    expect(resources.textContent).toContain('AwsS3<U+200B>Bucket');
    expect(within(panel).getByTestId('finding-cve').textContent).toContain('CVE-2021-44228<U+200B>');
    // Rampart's row as JSON, shown the same way.
    expect(within(panel).getByTestId('finding-json').querySelector('pre code')!.textContent).toContain('"account": "<U+202E>333322221111"');
    expect(panel.textContent).not.toMatch(INVISIBLE);
  });
});

describe('Findings explorer in the window (URL as its state)', () => {
  it('debounces the search, then asks with it and puts it in the URL without a new history entry', async () => {
    window.location.hash = '#/findings';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();
    const before = window.history.length;

    const search = screen.getByTestId('explorer-search');
    await fireEvent.input(search, { target: { value: 'l' } });
    await fireEvent.input(search, { target: { value: 'log' } });
    await fireEvent.input(search, { target: { value: 'log4j' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(queries(seen)).toHaveLength(1);

    await waitFor(() => expect(lastQuery(seen)?.search).toBe('log4j'));
    expect(queries(seen)).toHaveLength(2);
    expect(window.location.hash).toBe('#/findings?search=log4j');
    expect(window.history.length).toBe(before);
  });

  it('toggles the sort on a header, then reverses it, with aria-sort to match', async () => {
    window.location.hash = '#/findings';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();

    const header = (field: string) => screen.getByTestId(`sort-${field}`).closest('[role="columnheader"]')!;
    expect(header('severity').getAttribute('aria-sort')).toBe('descending');
    expect(header('title').getAttribute('aria-sort')).toBe('none');

    await fireEvent.click(screen.getByTestId('sort-title'));
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ sort: 'title', reverse: false, page: 1 }));
    expect(window.location.hash).toBe('#/findings?sort=title');
    expect(header('title').getAttribute('aria-sort')).toBe('ascending');
    expect(header('severity').getAttribute('aria-sort')).toBe('none');

    await fireEvent.click(screen.getByTestId('sort-title'));
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ sort: 'title', reverse: true }));
    expect(window.location.hash).toBe('#/findings?sort=title&reverse=1');
    expect(header('title').getAttribute('aria-sort')).toBe('descending');

    // Age sorts by first seen, oldest (largest age) first.
    await fireEvent.click(screen.getByTestId('sort-first_seen'));
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ sort: 'first_seen', reverse: false }));
    expect(header('first_seen').getAttribute('aria-sort')).toBe('descending');
  });

  it('applies the overdue filter from the switch and from the SLA strip', async () => {
    window.location.hash = '#/findings?search=bucket';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();

    await fireEvent.click(screen.getByTestId('filter-overdue'));
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ overdue_only: true, search: 'bucket' }));
    expect(window.location.hash).toBe('#/findings?search=bucket&overdue=1');
    expect((screen.getByTestId('filter-overdue') as HTMLInputElement).checked).toBe(true);

    // The strip counts what the list shows, so its overdue button keeps the filters and adds its severity.
    await fireEvent.click(await screen.findByTestId('sla-overdue-HIGH'));
    await waitFor(() =>
      expect(lastQuery(seen)).toEqual({
        ...toFindingsQuery({ ...EMPTY_FILTERS, search: 'bucket' }, 1),
        overdue_only: true,
        severities: ['HIGH'],
      }),
    );
    expect(window.location.hash).toBe('#/findings?search=bucket&severity=HIGH&overdue=1');
  });

  it('lists one owner\'s findings, or those nobody owns, from the owner picker', async () => {
    window.location.hash = '#/findings';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();
    const picker = (await screen.findByTestId('filter-owner')) as HTMLSelectElement;
    const options = Array.from(picker.options).map((o) => o.textContent?.trim());
    expect(options).toEqual(['Anyone', 'Identity team', 'Payments platform team', 'Nobody (unowned)']);
    await fireEvent.change(picker, { target: { value: 'Payments platform team' } });
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ owners: ['Payments platform team'], unowned: false }));
    expect(window.location.hash).toBe('#/findings?owner=Payments+platform+team');
    const nobody = Array.from(picker.options).find((o) => o.textContent?.startsWith('Nobody'))?.value ?? '';
    await fireEvent.change(picker, { target: { value: nobody } });
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ owners: [], unowned: true }));
    expect(window.location.hash).toBe('#/findings?unowned=1');
    expect(picker.value).toBe(nobody);
    await fireEvent.change(picker, { target: { value: '' } });
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ owners: [], unowned: false }));
  });

  it('asks the SLA figures of the findings the filters match', async () => {
    window.location.hash = '#/findings?severity=CRITICAL';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();
    const sla = () => seen.filter((i) => i.cmd === 'sla_summary').map((i) => i.args?.query as FindingsQuery | undefined);
    await waitFor(() => expect(sla().at(-1)).toMatchObject({ severities: ['CRITICAL'], statuses: ['failed'] }));
    await fireEvent.click(screen.getByTestId('filter-severity-HIGH'));
    await waitFor(() => expect(sla().at(-1)).toMatchObject({ severities: ['CRITICAL', 'HIGH'] }));
  });

  it('starts on the failing findings, with passed checks one click away', async () => {
    window.location.hash = '#/findings';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();
    expect(lastQuery(seen)?.statuses).toEqual(['failed']);
    expect(screen.getByTestId('explorer-total').parentElement?.textContent).toMatch(/failing findings?/);
    await fireEvent.click(screen.getByTestId('explorer-status-scope'));
    await waitFor(() => expect(lastQuery(seen)?.statuses).toEqual([]));
    expect(window.location.hash).toBe('#/findings?status=any');
    await fireEvent.click(screen.getByTestId('explorer-status-scope'));
    await waitFor(() => expect(lastQuery(seen)?.statuses).toEqual(['failed']));
    expect(window.location.hash).toBe('#/findings');
  });

  it('sends each filter control to the core', async () => {
    window.location.hash = '#/findings';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();

    await fireEvent.click(screen.getByTestId('filter-severity-CRITICAL'));
    await waitFor(() => expect(lastQuery(seen)?.severities).toEqual(['CRITICAL']));
    await fireEvent.click(screen.getByTestId('filter-more'));
    await fireEvent.click(screen.getByTestId('filter-status-passed'));
    await waitFor(() => expect(lastQuery(seen)?.statuses).toEqual(['failed', 'passed']));
    await fireEvent.click(screen.getByTestId('filter-source-inspector'));
    await waitFor(() => expect(lastQuery(seen)?.sources).toEqual(['inspector']));

    const framework = screen.getByTestId('filter-framework') as HTMLSelectElement;
    await waitFor(() => expect(framework.querySelector('option[value="hipaa"]')).not.toBeNull());
    await fireEvent.change(framework, { target: { value: 'hipaa' } });
    await waitFor(() => expect(lastQuery(seen)?.framework).toBe('hipaa'));
    const requirement = (await screen.findByTestId('filter-requirement')) as HTMLSelectElement;
    await fireEvent.change(requirement, { target: { value: '164.312(b)' } });
    await waitFor(() => expect(lastQuery(seen)?.requirement).toBe('164.312(b)'));

    await fireEvent.change(screen.getByTestId('filter-account'), { target: { value: '111122223333, 444455556666' } });
    await waitFor(() => expect(lastQuery(seen)?.accounts).toEqual(['111122223333', '444455556666']));
    await fireEvent.change(screen.getByTestId('filter-region'), { target: { value: 'eu-west-1' } });
    await waitFor(() => expect(lastQuery(seen)?.regions).toEqual(['eu-west-1']));
    await fireEvent.change(screen.getByTestId('filter-resource-type'), { target: { value: 'AwsS3Bucket' } });
    await waitFor(() => expect(lastQuery(seen)?.resource_types).toEqual(['AwsS3Bucket']));
    await fireEvent.change(screen.getByTestId('filter-min-age'), { target: { value: '30' } });
    await waitFor(() => expect(lastQuery(seen)?.min_age_days).toBe(30));
    await fireEvent.change(screen.getByTestId('filter-max-age'), { target: { value: '90' } });
    await waitFor(() => expect(lastQuery(seen)?.max_age_days).toBe(90));
    await fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'archived' } });
    await waitFor(() => expect(lastQuery(seen)?.record_state).toBe('archived'));

    expect(lastQuery(seen)).toEqual({
      ...toFindingsQuery(EMPTY_FILTERS, 1),
      severities: ['CRITICAL'],
      statuses: ['failed', 'passed'],
      sources: ['inspector'],
      framework: 'hipaa',
      requirement: '164.312(b)',
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1'],
      resource_types: ['AwsS3Bucket'],
      min_age_days: 30,
      max_age_days: 90,
      record_state: 'archived',
    });

    // Changing the framework drops the requirement.
    await fireEvent.change(screen.getByTestId('filter-framework'), { target: { value: 'gdpr' } });
    await waitFor(() => expect(lastQuery(seen)).toMatchObject({ framework: 'gdpr', requirement: null }));

    await fireEvent.click(screen.getByTestId('filter-clear'));
    await waitFor(() => expect(lastQuery(seen)).toEqual(toFindingsQuery(EMPTY_FILTERS, 1)));
    expect(window.location.hash).toBe('#/findings');
  });

  it('filters by an organizational unit picked by name, indented under its parent', async () => {
    window.location.hash = '#/findings';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();
    await fireEvent.click(screen.getByTestId('filter-more'));
    const picker = (await screen.findByTestId('filter-ou')) as HTMLSelectElement;
    const labels = [...picker.options].map((o) => o.textContent);
    expect(labels).toEqual(['Any', 'Root (2)', '\u00a0\u00a0Security (1)', '\u00a0\u00a0Workloads (1)', '\u00a0\u00a0\u00a0\u00a0Prod (1)']);
    await fireEvent.change(picker, { target: { value: 'ou-ab12-11111111' } });
    await waitFor(() => expect(lastQuery(seen)?.units).toEqual(['ou-ab12-11111111']));
    expect(window.location.hash).toBe('#/findings?ou=ou-ab12-11111111');
    await fireEvent.change(picker, { target: { value: '' } });
    await waitFor(() => expect(lastQuery(seen)?.units).toEqual([]));
  });

  it('shows an account by its name, its id and OU in the tooltip', async () => {
    const row: FindingRow = {
      ...sampleFindingRows()[0]!,
      account: '111122223333',
      account_name: 'payments-prod',
      ou_path: 'Root/Workloads/Prod',
      owner: 'Payments platform team',
    };
    mockBackend({
      sla_summary: sampleSla(),
      posture: samplePosture(),
      findings_page: { total: 1, page: 1, page_size: 200, rows: [row] },
      accounts: sampleAccounts(),
    });
    render(FindingsExplorer, { query: '' });
    await ready();
    const cell = within(screen.getAllByTestId('explorer-row')[0]!).getByText('payments-prod');
    expect(cell.getAttribute('title')).toBe('111122223333 · Root/Workloads/Prod');
    // The finding's panel names it too, with its OU.
    await fireEvent.click(within(screen.getAllByTestId('explorer-row')[0]!).getByRole('button', { name: row.title }));
    const account = await screen.findByTestId('panel-account');
    expect(account.textContent).toMatch(/payments-prod\s*111122223333\s*Root\/Workloads\/Prod/);
    // And its owner, as the assignments in force give it.
    expect(screen.getByTestId('panel-owner').textContent).toBe('Payments platform team');
  });

  it('restores the filters from the URL on Back and Forward', async () => {
    window.location.hash = '#/findings?severity=HIGH&search=s3';
    const seen: Invocation[] = [];
    backend(seen);
    render(App);
    await ready();
    expect((screen.getByTestId('explorer-search') as HTMLInputElement).value).toBe('s3');

    await fireEvent.click(screen.getByTestId('filter-severity-LOW'));
    await waitFor(() => expect(window.location.hash).toBe('#/findings?search=s3&severity=HIGH&severity=LOW'));
    await waitFor(() => expect(lastQuery(seen)?.severities).toEqual(['HIGH', 'LOW']));

    // Back: the URL before, and the controls and query with it.
    window.location.hash = '#/findings?severity=HIGH&search=s3';
    await waitFor(() => expect(screen.getByTestId('filter-severity-LOW').getAttribute('aria-pressed')).toBe('false'));
    await waitFor(() => expect(lastQuery(seen)?.severities).toEqual(['HIGH']));

    // A link from elsewhere replaces everything.
    window.location.hash = '#/findings?search=kms';
    await waitFor(() => expect((screen.getByTestId('explorer-search') as HTMLInputElement).value).toBe('kms'));
    await waitFor(() => expect(lastQuery(seen)).toEqual({ ...toFindingsQuery(EMPTY_FILTERS, 1), search: 'kms' }));
    expect(screen.getByTestId('filter-severity-HIGH').getAttribute('aria-pressed')).toBe('false');
  });

  it('lets the user choose the columns, and remembers the choice', async () => {
    window.location.hash = '#/findings';
    backend([]);
    render(App);
    await ready();

    const headers = () => screen.getAllByRole('columnheader').map((h) => h.textContent?.trim());
    expect(headers()).not.toContain('Region');
    await fireEvent.click(screen.getByTestId('column-region'));
    expect(headers()).toContain('Region');
    await fireEvent.click(screen.getByTestId('column-account'));
    expect(headers()).not.toContain('Account');
    expect((screen.getByTestId('column-title') as HTMLInputElement).disabled).toBe(true);
    expect(JSON.parse(localStorage.getItem('rampart.explorer.columns')!)).toContain('region');
  });
});
