// Formatting helpers: shares, bar widths, durations, friendly names, untrusted text shown.
import { describe, expect, it } from 'vitest';
import {
  barPercent,
  codeRuns,
  evidenceKindName,
  clipped,
  DISPLAY_LIMIT,
  externalLink,
  externalUrl,
  formatCount,
  formatDuration,
  formatRelative,
  formatScore,
  formatShare,
  severityName,
  shapeName,
  SEVERITIES,
  shown,
  shownLines,
  sourceName,
  statusLook,
  today,
  wrapPoints,
} from './format';

describe('format', () => {
  it('formats counts with thousands separators', () => {
    expect(formatCount(1234567)).toBe(new Intl.NumberFormat().format(1234567));
    expect(formatCount(0)).toBe('0');
  });

  it.each([
    [0, 0, '—'],
    [0, 10, '0%'],
    [1, 1000, '<1%'],
    [999, 1000, '>99%'],
    [10, 10, '100%'],
    [1, 3, '33%'],
  ])('formatShare(%i, %i) = %s', (part, whole, expected) => {
    expect(formatShare(part, whole)).toBe(expected);
  });

  it('clamps bar widths to 0..100', () => {
    expect(barPercent(5, 0)).toBe(0);
    expect(barPercent(-1, 10)).toBe(0);
    expect(barPercent(5, 10)).toBe(50);
    expect(barPercent(20, 10)).toBe(100);
  });

  it.each([
    ['2026-03-31T09:15:00Z', '2026-03-31T09:15:00.400Z', '0.4 s'],
    ['2026-03-31T09:15:00Z', '2026-03-31T09:15:42Z', '42 s'],
    ['2026-03-31T09:15:00Z', '2026-03-31T09:17:00Z', '2 min'],
    ['2026-03-31T09:15:00Z', '2026-03-31T09:17:05Z', '2 min 5 s'],
    ['garbage', '2026-03-31T09:17:05Z', '—'],
  ])('formatDuration(%s, %s) = %s', (start, end, expected) => {
    expect(formatDuration(start, end)).toBe(expected);
  });

  it('describes times relative to now', () => {
    const now = Date.parse('2026-03-31T12:00:00Z');
    expect(formatRelative('2026-03-31T09:00:00Z', now)).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-3, 'hour'),
    );
    expect(formatRelative('2026-03-31T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('not a date', now)).toBe('');
  });

  it('names sources and shapes, passing unknown ids through', () => {
    expect(sourceName('securityhub')).toBe('Security Hub');
    expect(sourceName('inspector')).toBe('Inspector');
    expect(sourceName('config')).toBe('AWS Config');
    expect(sourceName('guardduty')).toBe('guardduty');
    expect(shapeName('eventbridge-event')).toBe('EventBridge Security Hub event');
    expect(shapeName('something-new')).toBe('something-new');
  });

  it('orders severities from most to least severe', () => {
    expect(SEVERITIES).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']);
  });
});

describe('posture formatting', () => {
  it.each([
    [null, '—'],
    [0, '0%'],
    [0.004, '<1%'],
    [0.038461538461538464, '4%'],
    [0.4105691056910569, '41%'],
    [0.995, '>99%'],
    [1, '100%'],
  ])('formatScore(%s) = %s', (score, expected) => {
    expect(formatScore(score)).toBe(expected);
  });

  it('names every status with words and an icon, never by colour alone', () => {
    expect(statusLook('failing')).toEqual({ label: 'Failing', tone: 'danger', icon: 'cross' });
    expect(statusLook('not_attested').label).toBe('Not attested');
    expect(statusLook('no_data').label).toBe('No data');
    expect(statusLook('something_new')).toEqual({ label: 'something_new', tone: 'neutral', icon: 'dash' });
  });

  it('names the sync states the status chip shows, while a run goes and as stored', () => {
    const looks = (states: string[]) => states.map((s) => statusLook(s).label);
    expect(looks(['waiting', 'running', 'done', 'failed', 'skipped', 'cancelled'])).toEqual([
      'Waiting',
      'Running',
      'Done',
      'Failed',
      'Skipped',
      'Cancelled',
    ]);
    expect(looks(['ok', 'interrupted', 'never', 'syncing'])).toEqual(['Synced', 'Did not finish', 'Never synced', 'Syncing now']);
    expect(statusLook('running')).toEqual({ label: 'Running', tone: 'info', icon: 'spin' });
    expect(statusLook('ok').tone).toBe('success');
    expect(statusLook('interrupted').tone).toBe('warning');
  });

  it('gives today as YYYY-MM-DD in local time', () => {
    expect(today(new Date(2026, 8, 3, 23, 59))).toBe('2026-09-03');
  });

  it('only lets http(s) URLs become links', () => {
    expect(externalUrl('https://docs.aws.amazon.com/console/securityhub/ELB.5/remediation')).toBe(
      'https://docs.aws.amazon.com/console/securityhub/ELB.5/remediation',
    );
    expect(externalUrl('javascript:alert(1)')).toBeNull();
    expect(externalUrl('JaVaScRiPt:alert(1)')).toBeNull();
    expect(externalUrl('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(externalUrl('not a url')).toBeNull();
    expect(externalUrl(null)).toBeNull();
  });

  it('clips long untrusted text for rows and headings, on code points, after showing it safely', () => {
    expect(clipped('short')).toBe('short');
    const huge = 'x'.repeat(1_000_000);
    const out = clipped(huge);
    expect(out).toBe(`${'x'.repeat(DISPLAY_LIMIT)}…`);
    expect(clipped('😀'.repeat(400), 3)).toBe('😀😀😀…');
    expect(clipped(`\u202e${'a'.repeat(500)}`, 2)).toBe('<U+202E>a…');
  });

  it('only links https addresses on AWS documentation, consoles and NVD, with the host to show', () => {
    expect(externalLink('https://us-east-1.console.aws.amazon.com/s3/home')).toEqual({
      href: 'https://us-east-1.console.aws.amazon.com/s3/home',
      host: 'us-east-1.console.aws.amazon.com',
    });
    expect(externalLink('https://nvd.nist.gov/vuln/detail/CVE-2021-44228')?.host).toBe('nvd.nist.gov');
    for (const bad of [
      'http://docs.aws.amazon.com/',
      'https://console.aws.amazon.com@evil.example/',
      'https://user:pw@docs.aws.amazon.com/',
      'https://docs.aws.amazon.com:8443/',
      'https://aws.amazon.com.evil.example/',
      'https://notaws.amazon.com/',
      'https://evil.example/?next=https://docs.aws.amazon.com/',
      'https://bucket.s3.amazonaws.com/index.html',
      'https://ubuntu.com/security/CVE-2021-44228',
    ]) {
      expect(externalLink(bad), bad).toBeNull();
    }
  });

  it('splits `code` out of catalog prose and leaves unpaired backticks alone', () => {
    expect(codeRuns('Run `aws s3 ls` now')).toEqual([
      { code: false, text: 'Run ' },
      { code: true, text: 'aws s3 ls' },
      { code: false, text: ' now' },
    ]);
    expect(codeRuns('a ` b')).toEqual([{ code: false, text: 'a ` b' }]);
  });

  it('names severities and evidence kinds, passing unknown ones through', () => {
    expect(severityName('HIGH')).toBe('High');
    expect(severityName('WEIRD')).toBe('WEIRD');
    expect(evidenceKindName('config_rule')).toBe('AWS Config rule');
    // A control the catalog does not know, matched through a NIST SP 800-53 id.
    expect(evidenceKindName('reference')).toBe('NIST reference');
    expect(evidenceKindName('declared')).toBe('Declared by the scanner');
    expect(evidenceKindName('new_kind')).toBe('new_kind');
  });
});

describe('wrapPoints', () => {
  it('cuts after colons and slashes and loses nothing', () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188';
    expect(wrapPoints(arn).join('')).toBe(arn);
    expect(wrapPoints('arn:aws:s3:::bucket/key')).toEqual(['arn:', 'aws:', 's3:', ':', ':', 'bucket/', 'key']);
    expect(wrapPoints('plain')).toEqual(['plain']);
  });
});

// The same cases as the core's `rampart_core::text` tests, so the window shows what the CLI,
// CSV and PDF show.
describe('shown', () => {
  it('turns control characters into spaces and shows invisible characters as code points', () => {
    expect(shown('plain')).toBe('plain');
    // OSC 52 (clipboard write), BEL, clear screen, C1 CSI.
    expect(shown('a\u001b]52;c;ZXZpbA==\u0007b')).toBe('a ]52;c;ZXZpbA== b');
    expect(shown('x\u001b[2Jy\u009bz')).toBe('x [2Jy z');
    expect(shown('\u202E1234')).toBe('<U+202E>1234');
    expect(shown('ab\u200Bcd\uFEFF')).toBe('ab<U+200B>cd<U+FEFF>');
    expect(shown('one\ntwo')).toBe('one two');
    expect(shownLines('one\ntwo\t\u001b[0m')).toBe('one\ntwo\t [0m');
  });

  it('shows every bidi control and zero-width character, and nothing else', () => {
    const bidi = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c];
    const zeroWidth = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];
    for (const code of [...bidi, ...zeroWidth]) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      expect(shown(`a${String.fromCodePoint(code)}b`)).toBe(`a<U+${hex}>b`);
      expect(shownLines(String.fromCodePoint(code))).toBe(`<U+${hex}>`);
    }
    // Neighbours of those ranges, and other scripts, pass through.
    for (const text of ['\u2029', '\u202F', '\u2065', '\u206A', '\u2061', '\u200A', '\u0600', 'שלום', 'مرحبا', 'é', '😀', '~']) {
      expect(shown(text)).toBe(text);
    }
  });

  it('turns every C0, DEL and C1 control into a space; one line drops newlines and tabs too', () => {
    for (let code = 0; code <= 0x9f; code += 1) {
      if (code > 0x1f && code < 0x7f) continue;
      const c = String.fromCharCode(code);
      expect(shown(`a${c}b`)).toBe('a b');
      expect(shownLines(`a${c}b`)).toBe(code === 0x0a || code === 0x09 ? `a${c}b` : 'a b');
    }
    expect(shown('a\r\nb')).toBe('a  b');
    expect(shownLines('a\r\nb')).toBe('a \nb');
  });

  it('is the same text when nothing needs showing, and changes nothing twice', () => {
    const arn = 'arn:aws:s3:::my-bucket/key with spaces';
    expect(shown(arn)).toBe(arn);
    const once = shown('\u202Eevil\u200B\u0007');
    expect(once).toBe('<U+202E>evil<U+200B> ');
    expect(shown(once)).toBe(once);
    expect(shown('')).toBe('');
  });
});

describe('the locale', () => {
  it('stands English (US) in for the POSIX locale, whose numbers have no separators', async () => {
    const { pickLocale } = await import('./format');
    expect(pickLocale('en-US-POSIX')).toBe('en-US');
    expect(pickLocale('en-US-u-va-posix')).toBe('en-US');
    expect(pickLocale('C')).toBe('en-US');
    expect(pickLocale('und')).toBe('en-US');
    expect(pickLocale('de-DE')).toBe('de-DE');
    expect(pickLocale('en-GB')).toBe('en-GB');
    expect(new Intl.NumberFormat(pickLocale('en-US-u-va-posix')).format(100000)).toBe('100,000');
  });
});
