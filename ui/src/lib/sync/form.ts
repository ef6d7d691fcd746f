/**
 * The Sync form as plain functions: the fields as typed, their checks, the request the core
 * takes, and the last values kept in localStorage (a preference, not data; never credentials).
 * On a first visit (nothing kept yet) the form starts from the workspace's saved sync defaults
 * (Settings), through `formFromDefaults`.
 */
import type { SyncDefaults, SyncRequest } from '../backend';

/** The sources a sync can read, in the order the form lists them. */
export const SYNC_SOURCES: ReadonlyArray<{ key: string; label: string; what: string }> = [
  { key: 'securityhub', label: 'Security Hub', what: 'findings from every product Security Hub aggregates' },
  { key: 'inspector', label: 'Inspector', what: 'vulnerability findings and scan coverage' },
  { key: 'config', label: 'AWS Config', what: 'rule compliance of each resource' },
];

export type SyncForm = {
  /** Profile names as typed, separated by commas or spaces. */
  profiles: string;
  /** Region names as typed, separated by commas or spaces. */
  regions: string;
  /** The sources checked. */
  sources: string[];
};

export const DEFAULT_FORM: SyncForm = { profiles: '', regions: '', sources: SYNC_SOURCES.map((s) => s.key) };

/** The names in a field: split on commas and white space, blanks and repeats dropped. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((part) => part !== ''))];
}

/** The profiles field with `name` added at the end, or taken out when it is already there. */
export function toggleProfile(text: string, name: string): string {
  const names = splitList(text);
  return (names.includes(name) ? names.filter((n) => n !== name) : [...names, name]).join(' ');
}

// us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, ap-southeast-5… (the core's shape check)
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Whether `name` has the shape of an AWS Region name, as the core checks it. */
export function isRegionName(name: string): boolean {
  return REGION.test(name);
}

export type FormErrors = Partial<Record<'regions' | 'sources', string>>;

/** What is wrong with the form, per field; empty when it can be sent. */
export function validate(form: SyncForm): FormErrors {
  const errors: FormErrors = {};
  const bad = splitList(form.regions).filter((r) => !REGION.test(r));
  if (bad.length > 0) {
    const names = bad.map((r) => `"${r}"`).join(', ');
    errors.regions = `${names} ${bad.length === 1 ? 'is not a Region name' : 'are not Region names'} such as us-east-1.`;
  }
  if (form.sources.length === 0) errors.sources = 'Choose at least one source.';
  return errors;
}

/** The request for the core. The endpoint is never the page's to choose (the core ignores it too). */
export function toRequest(form: SyncForm): SyncRequest {
  return {
    profiles: splitList(form.profiles),
    regions: splitList(form.regions),
    sources: SYNC_SOURCES.map((s) => s.key).filter((key) => form.sources.includes(key)),
    endpoint_url: null,
  };
}

/**
 * The form the workspace's saved sync defaults give: their profiles and Regions, and their
 * sources (none saved: every source checked, which is what an empty list means).
 */
export function formFromDefaults(defaults: SyncDefaults): SyncForm {
  const known = SYNC_SOURCES.map((s) => s.key);
  const sources = known.filter((k) => defaults.sources.includes(k));
  return {
    profiles: defaults.profiles.join(' '),
    regions: defaults.regions.join(' '),
    sources: sources.length > 0 ? sources : known,
  };
}

const STORAGE_KEY = 'rampart.sync.form';

/** Whether the form has values kept from an earlier visit (then they win over the saved defaults). */
export function hasSavedForm(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) != null;
  } catch {
    return false;
  }
}

/** The values the form had last time, or the defaults (every source checked). */
export function loadForm(): SyncForm {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (typeof saved === 'object' && saved !== null) {
      const { profiles, regions, sources } = saved as Record<string, unknown>;
      const known = SYNC_SOURCES.map((s) => s.key);
      return {
        profiles: typeof profiles === 'string' ? profiles : '',
        regions: typeof regions === 'string' ? regions : '',
        sources: Array.isArray(sources) ? known.filter((k) => sources.includes(k)) : [...known],
      };
    }
  } catch {
    // A damaged preference falls back to the defaults.
  }
  return { ...DEFAULT_FORM, sources: [...DEFAULT_FORM.sources] };
}

export function saveForm(form: SyncForm): void {
  try {
    globalThis.localStorage?.setItem(
      STORAGE_KEY,
      JSON.stringify({ profiles: form.profiles, regions: form.regions, sources: [...form.sources] }),
    );
  } catch {
    // Storage can be unavailable; the values then last for this session only.
  }
}
