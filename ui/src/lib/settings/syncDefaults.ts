/**
 * The AWS sync defaults of the Settings form as plain functions: the draft being edited (the
 * lists chosen so far and what is typed in the two "add" fields), adding names to a list, the
 * checks the core makes (so a mistake is caught before saving), the Regions the AWS profiles
 * suggest, and the `SyncDefaults` that is saved. An empty list means the standard choice.
 */
import type { AwsProfile, SyncDefaults } from '../backend';
import { isRegionName, splitList, SYNC_SOURCES } from '../sync/form';

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
    sources: SYNC_SOURCES.map((s) => s.key).filter((k) => defaults.sources.includes(k)),
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

/** `list` with `name` taken out, or added at the end when it was not there. */
export function toggle(list: string[], name: string): string[] {
  return list.includes(name) ? list.filter((n) => n !== name) : [...list, name];
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
      sources: SYNC_SOURCES.map((s) => s.key).filter((k) => draft.sources.includes(k)),
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

/** The field of a core refusal about the sync defaults (`sync.regions: …`), or null. */
export function refusedSyncField(message: string): keyof SyncErrors | null {
  const name = /^sync\.(profiles|regions|sources):/.exec(message)?.[1];
  return (name as keyof SyncErrors | undefined) ?? null;
}
