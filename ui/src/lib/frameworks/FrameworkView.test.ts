// The framework view against the posture fixture, with the Tauri IPC mocked.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { mockBackend, samplePosture, type Invocation } from '../../test/fixtures';
import FrameworkView from './FrameworkView.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
  window.location.hash = '';
});

function rows(): HTMLElement[] {
  return screen.queryAllByTestId(/^requirement-row-/);
}

describe('FrameworkView', () => {
  it('shows the framework, its scores with the formula, and every requirement with its status', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'hipaa', at: null });

    await screen.findByTestId('requirement-row-164.312(b)');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('HIPAA Security Rule');

    const score = screen.getByTestId('framework-score');
    expect(score.dataset.score).toBe('0.4431723657944191');
    expect(score.textContent?.trim()).toBe('44%');
    const control = screen.getByTestId('framework-control-score');
    expect(control.dataset.controlScore).toBe('0.42328042328042326');
    expect(control.textContent?.trim()).toBe('42%');
    expect(control.parentElement?.querySelector('dt')?.textContent).toBe('Control score (Security Hub)');
    const formula = document.getElementById(score.getAttribute('aria-describedby')!);
    expect(formula?.textContent).toContain(samplePosture().frameworks[2]!.formula);
    expect(control.getAttribute('aria-describedby')).toBe(score.getAttribute('aria-describedby'));
    const summary = screen.getByTestId('framework-summary');
    expect(summary.textContent).toMatch(/25\s*failing/);
    expect(summary.textContent).toMatch(/7\s*not attested/);

    const hipaa = samplePosture().frameworks[2]!;
    expect(rows().map((r) => r.dataset.testid)).toEqual(hipaa.requirements.map((r) => `requirement-row-${r.id}`));
    for (const requirement of hipaa.requirements) {
      expect(screen.getByTestId(`requirement-row-${requirement.id}`).dataset.status).toBe(requirement.status);
    }

    const audit = screen.getByTestId('requirement-row-164.312(b)');
    expect(audit.getAttribute('href')).toBe('#/frameworks/hipaa/164.312(b)');
    expect(audit.textContent).toMatch(/Audit controls/);
    expect(audit.textContent).toMatch(/Failing/);
    expect(audit.textContent).toMatch(/19 failed findings/);
    expect(audit.textContent).toMatch(/132 passed findings/);
    expect(screen.getByTestId('requirement-row-164.308(a)(8)').textContent).toMatch(/Passing/);
    expect(screen.getByTestId('requirement-row-164.316(b)(1)').textContent).toMatch(/Not attested/);
    expect(screen.getByTestId('requirement-row-164.316(b)(2)(i)').textContent).toMatch(/Expired/);

    // Points sit indented under their parent; top-level requirements do not.
    expect(screen.getByTestId('requirement-row-164.312(a)(2)(iv)').classList.contains('child')).toBe(true);
    expect(screen.getByTestId('requirement-row-164.312(a)(1)').classList.contains('child')).toBe(false);
  });

  it('shows the requirements fully met beside the score, and the formula in words under them', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'hipaa', at: null });
    await screen.findByTestId('requirement-row-164.312(b)');

    const met = screen.getByTestId('framework-fully-met');
    expect(met.parentElement?.querySelector('dt')?.textContent).toBe('Requirements fully met');
    // Passing of passing + failing: 1 of 26 (no data and manual requirements left out).
    expect(met.textContent?.replace(/\s+/g, ' ').trim()).toBe('1 of 26');
    expect(met.dataset).toMatchObject({ passing: '1', total: '26' });
    expect(met.getAttribute('aria-describedby')).toBe(screen.getByTestId('framework-score').getAttribute('aria-describedby'));

    // The formula is printed on the page (not only in a tooltip), next to the scores it explains.
    const hipaa = samplePosture().frameworks[2]!;
    const summary = screen.getByTestId('framework-summary');
    const formula = within(summary).getByText(hipaa.formula, { exact: false });
    expect(formula.textContent).toMatch(/^How the scores are computed:/);
    expect(formula.textContent).toMatch(/weighing critical controls 8/);
    expect(summary.textContent).not.toMatch(/passing ÷|with a verdict/);
  });

  it('shows each requirement’s own score, and — for those without one', async () => {
    const posture = samplePosture();
    const hipaa = posture.frameworks[2]!;
    // A failing requirement whose weighted score is high: one low control fails beside passing critical ones.
    hipaa.requirements.find((r) => r.id === '164.312(a)(1)')!.score = 0.9375;
    mockBackend({ posture });
    render(FrameworkView, { framework: 'hipaa', at: null });
    await screen.findByTestId('requirement-row-164.312(b)');

    const audit = screen.getByTestId('requirement-score-164.312(b)');
    expect(audit.dataset.score).toBe('0.4020618556701031');
    expect(audit.textContent).toMatch(/^\s*40%/);
    expect(screen.getByTestId('requirement-score-164.312(a)(1)').textContent).toMatch(/^\s*94%/);
    // Within its row, after the status.
    const row = screen.getByTestId('requirement-row-164.312(b)');
    expect(row.contains(audit)).toBe(true);
    expect(row.textContent).toMatch(/Failing\s*40%/);
    // A passing requirement scores 100%.
    expect(screen.getByTestId('requirement-score-164.308(a)(8)').textContent).toMatch(/^\s*100%/);

    // Manual requirements and those without data have no score: a dash, said in words to a screen reader.
    for (const id of ['164.316(b)(1)', '164.316(b)(2)(i)', '164.312(c)(2)']) {
      const cell = screen.getByTestId(`requirement-score-${id}`);
      expect(cell.dataset.score).toBe('');
      expect(cell.textContent).toMatch(/^\s*—/);
      expect(cell.querySelector('.visually-hidden')?.textContent).toMatch(/no score/);
    }
    expect(hipaa.requirements.find((r) => r.id === '164.312(c)(2)')!.status).toBe('no_data');
  });

  it('filters the requirements by status', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'hipaa', at: null });
    await screen.findByTestId('requirement-row-164.312(b)');
    expect(rows()).toHaveLength(38);

    const filters = screen.getByRole('group', { name: 'Show requirements' });
    await fireEvent.click(within(filters).getByRole('button', { name: /^Failing/ }));
    expect(rows()).toHaveLength(25);
    expect(rows().every((r) => r.dataset.status === 'failing')).toBe(true);
    expect(within(filters).getByRole('button', { name: /^Failing/ }).getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('filter-passing'));
    expect(rows().map((r) => r.dataset.testid)).toEqual(['requirement-row-164.308(a)(8)']);

    await fireEvent.click(screen.getByTestId('filter-no_data'));
    expect(rows().map((r) => r.dataset.status)).toEqual(['no_data', 'no_data']);

    await fireEvent.click(screen.getByTestId('filter-manual'));
    expect(rows()).toHaveLength(10);
    expect(new Set(rows().map((r) => r.dataset.status))).toEqual(new Set(['attested', 'expired', 'not_attested']));

    await fireEvent.click(screen.getByTestId('filter-all'));
    expect(rows()).toHaveLength(38);
  });

  it('says so when a filter matches nothing', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'api12', at: null });
    await screen.findByTestId('requirement-row-API-1');

    await fireEvent.click(screen.getByTestId('filter-passing'));
    expect(rows()).toHaveLength(0);
    expect(screen.getByTestId('requirements-empty').textContent).toMatch(/No requirement is passing/);
  });

  it('has a tab per framework that keeps the as-of day', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'gdpr', at: '2026-09-30' });

    const nav = await screen.findByRole('navigation', { name: 'Frameworks' });
    const tabs = within(nav).getAllByRole('link');
    expect(tabs.map((t) => t.textContent)).toEqual(['Twelve API-security practices', 'GDPR', 'HIPAA Security Rule']);
    expect(tabs.map((t) => t.getAttribute('href'))).toEqual([
      '#/frameworks/api12?at=2026-09-30',
      '#/frameworks/gdpr?at=2026-09-30',
      '#/frameworks/hipaa?at=2026-09-30',
    ]);
    expect(tabs[1]!.getAttribute('aria-current')).toBe('page');
  });

  it('asks for the posture as of the day given and says plainly that it is historical', async () => {
    const seen: Invocation[] = [];
    mockBackend({ posture: samplePosture() }, seen);
    render(FrameworkView, { framework: 'hipaa', at: '2026-09-30' });

    const banner = await screen.findByTestId('historical');
    expect(banner.textContent).toMatch(/Posture as of 2026-09-30/);
    expect(seen).toContainEqual({ cmd: 'posture', args: { at: '2026-09-30' } });
    expect((screen.getByTestId('as-of') as HTMLInputElement).value).toBe('2026-09-30');
    expect(screen.getByTestId('back-to-today').getAttribute('href')).toBe('#/frameworks/hipaa');
  });

  it('goes to the chosen day when the as-of date changes, and back to today when cleared', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'hipaa', at: null });
    await screen.findByTestId('requirement-row-164.312(b)');
    expect(screen.queryByTestId('historical')).toBeNull();

    const input = screen.getByTestId('as-of') as HTMLInputElement;
    await fireEvent.change(input, { target: { value: '2026-03-31' } });
    expect(window.location.hash).toBe('#/frameworks/hipaa?at=2026-03-31');

    await fireEvent.change(input, { target: { value: '' } });
    expect(window.location.hash).toBe('#/frameworks/hipaa');
  });

  it('shows the first framework when none is named', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: null, at: null });

    await screen.findByTestId('requirement-row-API-1');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Twelve API-security practices');
  });

  it('says an unknown framework does not exist and offers the others', async () => {
    mockBackend({ posture: samplePosture() });
    render(FrameworkView, { framework: 'sox', at: null });

    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('not_found');
    expect(error.textContent).toMatch(/This framework does not exist/);
    expect(error.textContent).toMatch(/sox/);
    expect(within(error).getByRole('link', { name: 'Back to the Overview' }).getAttribute('href')).toBe('#/overview');
    expect(screen.getByRole('navigation', { name: 'Frameworks' })).toBeTruthy();
  });

  it('shows a backend error with Try again, and recovers', async () => {
    let fail = true;
    mockBackend({ posture: () => (fail ? { code: 'db_error', message: 'disk I/O error' } : samplePosture()) });
    render(FrameworkView, { framework: 'hipaa', at: null });

    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('db_error');
    expect(error.textContent).toMatch(/disk I\/O error/);
    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('requirement-row-164.312(b)')).toBeTruthy();
  });

  it('waits while the workspace is being prepared', async () => {
    let ready = false;
    mockBackend({
      posture: () => (ready ? samplePosture() : { code: 'not_ready', message: 'preparing' }),
      workspace_status: { state: 'preparing', message: 'Importing demo findings' },
    });
    render(FrameworkView, { framework: 'hipaa', at: null, retryMs: 20 });

    expect((await screen.findByTestId('preparing')).textContent).toMatch(/Importing demo findings/);
    ready = true;
    expect(await screen.findByTestId('requirement-row-164.312(b)')).toBeTruthy();
  });

  it('renders requirement titles and ids as text', async () => {
    const posture = samplePosture();
    const hipaa = posture.frameworks[2]!;
    hipaa.requirements[0] = { ...hipaa.requirements[0]!, title: HOSTILE };
    mockBackend({ posture });
    const { container } = render(FrameworkView, { framework: 'hipaa', at: null });

    const row = await screen.findByTestId(`requirement-row-${hipaa.requirements[0]!.id}`);
    expect(within(row).getByText(HOSTILE)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });
});
