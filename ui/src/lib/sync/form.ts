/**
 * The one model of the sync form, which two screens edit: the Sync screen (what this run reads)
 * and Settings' sync defaults (what a run reads when not told). Both hold a `SyncForm`: for
 * profiles and Regions, the names chosen (a list) and what is typed but not added yet (text
 * split on commas and spaces); the names a form stands for are both (`namesIn`). Settings shows
 * the lists with an "add" field; the Sync screen has only the typed field, so its lists stay
 * empty (`allTyped`) and its chips edit the text (`toggleTyped`). Both are checked by `check`,
 * with the core's rules, and turn into what the core takes: `toDefaults` (Settings saves it) and
 * `toRequest` (the Sync screen starts a run with it). An empty list means the standard choice
 * (the default credentials chain, each profile's Region, every source).
 *
 * What differs between the screens is said in a `FormSurface` (`SYNC_SCREEN`, `SETTINGS`): the
 * words of the Region check, and whether no source checked is refused or means every source.
 * The Sync screen also keeps its last values in localStorage (a preference, not data, never
 * credentials), as the text its fields show.
 */
import type { AwsProfile, IpcError, SyncDefaults, SyncRequest } from '../backend';
import { SOURCES, sourcesInOrder } from '../sources';

export type SyncForm = {
  /** Profile names chosen. */
  profiles: string[];
  /** Region names chosen. */
  regions: string[];
  /** The sources checked. */
  sources: string[];
  /** Profile names typed but not in `profiles`, separated by commas or spaces. */
  profileText: string;
  /** Region names typed but not in `regions`, separated by commas or spaces. */
  regionText: string;
};

/** The two lists of names a form has. */
export type NameKey = 'profiles' | 'regions';

const TEXT = { profiles: 'profileText', regions: 'regionText' } as const satisfies Record<NameKey, keyof SyncForm>;

export type SyncErrors = Partial<Record<NameKey | 'sources', string>>;

/**
 * What a screen says differently about the same form. The Settings words are the core's (its
 * refusal of a saved default reads the same); the Sync screen's are its own.
 */
export type FormSurface = {
  /** The sentence for names a list cannot take, given all of them. */
  words: Record<NameKey, (bad: string[]) => string>;
  /** The message when no source is checked; null where none checked means every source. */
  noSources: string | null;
};

/** `"a" is not …` or `"a", "b" are not …`. */
function notA(bad: string[], one: string, many: string, tail: string): string {
  const names = bad.map((n) => `"${n}"`).join(', ');
  return `${names} ${bad.length === 1 ? `is not ${one}` : `are not ${many}`} ${tail}`;
}

const profileWords = (bad: string[]): string =>
  notA(bad, 'a profile name', 'profile names', '(no spaces, at most 128 characters).');

export const SYNC_SCREEN: FormSurface = {
  words: {
    profiles: profileWords,
    regions: (bad) => notA(bad, 'a Region name', 'Region names', 'such as us-east-1.'),
  },
  noSources: 'Choose at least one source.',
};

export const SETTINGS: FormSurface = {
  words: {
    profiles: profileWords,
    regions: (bad) => notA(bad, 'an AWS Region name', 'AWS Region names', 'such as eu-west-1.'),
  },
  noSources: null,
};

/** Nothing chosen or typed, every source checked. */
export const DEFAULT_FORM: SyncForm = { profiles: [], regions: [], sources: [...SOURCES], profileText: '', regionText: '' };

/** The names in typed text: split on commas and white space, blanks and repeats dropped. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((part) => part !== ''))];
}

/** The names a form stands for in `key`: those chosen, then those typed, each once. */
export function namesIn(form: SyncForm, key: NameKey): string[] {
  return [...new Set([...form[key], ...splitList(form[TEXT[key]])])];
}

/** `list` with `name` taken out, or added at the end when it was not there. */
export function toggle(list: string[], name: string): string[] {
  return list.includes(name) ? list.filter((n) => n !== name) : [...list, name];
}

/** Typed text with `name` added at the end, or taken out when it is already there. */
export function toggleTyped(text: string, name: string): string {
  return toggle(splitList(text), name).join(' ');
}

// us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, ap-southeast-5… (the core's shape check)
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Whether `name` has the shape of an AWS Region name, as the core checks it. */
export function isRegionName(name: string): boolean {
  return REGION.test(name);
}

/** Whether `name` can be a profile name, as the core checks it (names never hold white space: they are split on it). */
export function isProfileName(name: string): boolean {
  return name.length <= 128 && !/[\u0000-\u001f\u007f]/.test(name);
}

const ACCEPTS: Record<NameKey, (name: string) => boolean> = { profiles: isProfileName, regions: isRegionName };

/** The check of names for list `key`: what is wrong with them, in the screen's words, or null. */
export function checkNames(key: NameKey, surface: FormSurface): (names: string[]) => string | null {
  return (names) => {
    const bad = names.filter((n) => !ACCEPTS[key](n));
    return bad.length > 0 ? surface.words[key](bad) : null;
  };
}

/**
 * `list` with the names in `text` added at the end, repeats dropped; or what is wrong when one of
 * them is not acceptable (then nothing is added).
 */
export function addNames(
  list: string[],
  text: string,
  problem: (names: string[]) => string | null,
): { list: string[]; error: string | null } {
  const names = splitList(text);
  const error = problem(names);
  return error ? { list, error } : { list: [...new Set([...list, ...names])], error: null };
}

/** What the form stands for, as the core keeps sync defaults (not checked). */
export function toDefaults(form: SyncForm): SyncDefaults {
  return {
    profiles: namesIn(form, 'profiles'),
    regions: namesIn(form, 'regions'),
    sources: sourcesInOrder(form.sources),
  };
}

/** The request for the core. The endpoint is never the page's to choose (the core ignores it too). */
export function toRequest(form: SyncForm): SyncRequest {
  return { ...toDefaults(form), endpoint_url: null };
}

/**
 * The form checked as the core would check it, with the screen's words: what it stands for, or
 * null and what is wrong per field (in the order the form shows them).
 */
export function check(form: SyncForm, surface: FormSurface): { defaults: SyncDefaults | null; errors: SyncErrors } {
  const errors: SyncErrors = {};
  for (const key of ['profiles', 'regions'] as const) {
    const problem = checkNames(key, surface)(namesIn(form, key));
    if (problem) errors[key] = problem;
  }
  if (form.sources.length === 0 && surface.noSources !== null) errors.sources = surface.noSources;
  return { defaults: Object.keys(errors).length > 0 ? null : toDefaults(form), errors };
}

/**
 * The form saved sync defaults give: their lists, nothing typed, and their sources; none saved
 * means every source, so a screen that refuses none checked shows all three checked.
 */
export function formFrom(defaults: SyncDefaults, surface: FormSurface): SyncForm {
  const sources = sourcesInOrder(defaults.sources);
  return {
    profiles: [...defaults.profiles],
    regions: [...defaults.regions],
    sources: sources.length === 0 && surface.noSources !== null ? [...SOURCES] : sources,
    profileText: '',
    regionText: '',
  };
}

/** The names of `key` as one typed field: the text as typed when nothing is chosen. */
function typedText(form: SyncForm, key: NameKey): string {
  return form[key].length === 0 ? form[TEXT[key]] : namesIn(form, key).join(' ');
}

/** The same form with every name typed, none chosen: as a screen with only text fields edits it. */
export function allTyped(form: SyncForm): SyncForm {
  return {
    profiles: [],
    regions: [],
    sources: [...form.sources],
    profileText: typedText(form, 'profiles'),
    regionText: typedText(form, 'regions'),
  };
}

/** The form as text fields show it, and as localStorage keeps it. */
export type FieldText = { profiles: string; regions: string; sources: string[] };

export function fieldText(form: SyncForm): FieldText {
  return { profiles: typedText(form, 'profiles'), regions: typedText(form, 'regions'), sources: [...form.sources] };
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

/** The values the form had last time, all typed, or the defaults (every source checked). */
export function loadForm(): SyncForm {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (typeof saved === 'object' && saved !== null) {
      const { profiles, regions, sources } = saved as Record<string, unknown>;
      return {
        profiles: [],
        regions: [],
        profileText: typeof profiles === 'string' ? profiles : '',
        regionText: typeof regions === 'string' ? regions : '',
        sources: Array.isArray(sources) ? sourcesInOrder(sources) : [...DEFAULT_FORM.sources],
      };
    }
  } catch {
    // A damaged preference falls back to the defaults.
  }
  return { ...DEFAULT_FORM, profiles: [], regions: [], sources: [...DEFAULT_FORM.sources] };
}

export function saveForm(form: SyncForm): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(fieldText(form)));
  } catch {
    // Storage can be unavailable; the values then last for this session only.
  }
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
