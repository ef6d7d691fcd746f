/**
 * The one model of the sync form, which two screens edit: the Sync screen (what this run reads;
 * its fields are free text, its last values kept in localStorage — a preference, not data, never
 * credentials) and Settings' sync defaults (what a run reads when not told: lists of names, each
 * added or removed, and what is still typed). Both start from the workspace's saved
 * `SyncDefaults`, pick AWS profiles with `toggle`, check Region names with `isRegionName` and
 * keep the sources in the order `lib/sources.ts` lists them. An empty list means the standard
 * choice (the default credentials chain, each profile's Region, every source).
 */
import type { AwsProfile, IpcError, SyncDefaults, SyncRequest } from '../backend';
import { SOURCES, sourcesInOrder } from '../sources';

export type SyncForm = {
  /** Profile names as typed, separated by commas or spaces. */
  profiles: string;
  /** Region names as typed, separated by commas or spaces. */
  regions: string;
  /** The sources checked. */
  sources: string[];
};

export const DEFAULT_FORM: SyncForm = { profiles: '', regions: '', sources: [...SOURCES] };

/** The names in a field: split on commas and white space, blanks and repeats dropped. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((part) => part !== ''))];
}

/** The profiles field with `name` added at the end, or taken out when it is already there. */
export function toggleProfile(text: string, name: string): string {
  return toggle(splitList(text), name).join(' ');
}

/** `list` with `name` taken out, or added at the end when it was not there. */
export function toggle(list: string[], name: string): string[] {
  return list.includes(name) ? list.filter((n) => n !== name) : [...list, name];
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
    sources: sourcesInOrder(form.sources),
    endpoint_url: null,
  };
}

/**
 * The form the workspace's saved sync defaults give: their profiles and Regions, and their
 * sources (none saved: every source checked, which is what an empty list means).
 */
export function formFromDefaults(defaults: SyncDefaults): SyncForm {
  const draft = draftFrom(defaults);
  return {
    profiles: draft.profiles.join(' '),
    regions: draft.regions.join(' '),
    sources: draft.sources.length > 0 ? draft.sources : [...SOURCES],
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
      return {
        profiles: typeof profiles === 'string' ? profiles : '',
        regions: typeof regions === 'string' ? regions : '',
        sources: Array.isArray(sources) ? sourcesInOrder(sources) : [...DEFAULT_FORM.sources],
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

/*
 * Settings' sync defaults: the draft being edited (the lists chosen so far and what is typed in
 * the two "add" fields), adding names to a list, the checks the core makes (so a mistake is
 * caught before saving), the Regions the AWS profiles suggest, and the `SyncDefaults` saved.
 */

export type SyncDraft = {
  profiles: string[];
  regions: string[];
  /** The sources checked; none means all three. */
  sources: string[];
  /** Typed in the profile field but not added yet (added on save). */
  profileText: string;
  /** Typed in the Region field but not added yet (added on save). */
  regionText: string;
};

export type SyncErrors = Partial<Record<'profiles' | 'regions' | 'sources', string>>;

/** The draft of the saved defaults, nothing typed. */
export function draftFrom(defaults: SyncDefaults): SyncDraft {
  return {
    profiles: [...defaults.profiles],
    regions: [...defaults.regions],
    sources: sourcesInOrder(defaults.sources),
    profileText: '',
    regionText: '',
  };
}

/** Why `name` cannot be a profile name (the core's rule), or null. */
export function profileProblem(name: string): string | null {
  // Names are split on white space, so only length and control characters are left to check.
  if (name.length > 128 || /[\u0000-\u001f\u007f]/.test(name)) {
    return `"${name}" is not a profile name (no spaces, at most 128 characters).`;
  }
  return null;
}

/** Why `name` cannot be a Region name, or null. */
export function regionProblem(name: string): string | null {
  return isRegionName(name) ? null : `"${name}" is not an AWS Region name such as eu-west-1.`;
}

/**
 * `list` with the names in `text` (split on commas and white space) added at the end, repeats
 * dropped; or the first problem when one of them is not acceptable (then nothing is added).
 */
export function addNames(
  list: string[],
  text: string,
  problem: (name: string) => string | null,
): { list: string[]; error: string | null } {
  const names = splitList(text);
  for (const name of names) {
    const error = problem(name);
    if (error) return { list, error };
  }
  return { list: [...new Set([...list, ...names])], error: null };
}

/**
 * The defaults to save: the chosen lists with what is still typed in the add fields, each entry
 * checked; or the errors, per list, when something is not acceptable.
 */
export function checkDraft(draft: SyncDraft): { defaults: SyncDefaults | null; errors: SyncErrors } {
  const errors: SyncErrors = {};
  const profiles = addNames(draft.profiles, draft.profileText, profileProblem);
  if (profiles.error) errors.profiles = profiles.error;
  const regions = addNames(draft.regions, draft.regionText, regionProblem);
  if (regions.error) errors.regions = regions.error;
  for (const r of regions.list) {
    const problem = regionProblem(r);
    if (problem && !errors.regions) errors.regions = problem;
  }
  if (Object.keys(errors).length > 0) return { defaults: null, errors };
  return {
    defaults: {
      profiles: profiles.list,
      regions: regions.list,
      sources: sourcesInOrder(draft.sources),
    },
    errors,
  };
}

/** The profiles' Regions not chosen yet, each once, in the order the profiles list them. */
export function regionSuggestions(profiles: AwsProfile[], chosen: string[]): string[] {
  const seen = new Set(chosen);
  const out: string[] = [];
  for (const p of profiles) {
    if (p.region !== null && isRegionName(p.region) && !seen.has(p.region)) {
      seen.add(p.region);
      out.push(p.region);
    }
  }
  return out;
}

const SYNC_FIELDS: Record<string, keyof SyncErrors> = {
  'sync.profiles': 'profiles',
  'sync.regions': 'regions',
  'sync.sources': 'sources',
};

/** The list a core refusal about the sync defaults is about, from its `field` (`sync.regions`), or null. */
export function refusedSyncField(error: IpcError): keyof SyncErrors | null {
  return error.code === 'bad_request' && error.field !== undefined && Object.hasOwn(SYNC_FIELDS, error.field)
    ? SYNC_FIELDS[error.field]!
    : null;
}
