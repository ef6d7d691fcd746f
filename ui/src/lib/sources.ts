/**
 * The sources Rampart reads findings from, listed once: in the order every list shows them
 * (the explorer's filter, the Sync form, the sync's rows), each with its product name and what
 * it brings. Typed by the generated `Source`, so a source the core adds must be named here.
 */
import type { Source } from './backend';

const INFO: Record<Source, { name: string; what: string }> = {
  securityhub: { name: 'Security Hub', what: 'findings from every product Security Hub aggregates' },
  inspector: { name: 'Inspector', what: 'vulnerability findings and scan coverage' },
  config: { name: 'AWS Config', what: 'rule compliance of each resource' },
};

/** Every source, in the order the UI lists them. */
export const SOURCES: readonly Source[] = Object.keys(INFO) as Source[];

/** Every source with its name and what it brings, in the same order. */
export const SOURCE_INFO: ReadonlyArray<{ key: Source; name: string; what: string }> = SOURCES.map((key) => ({
  key,
  ...INFO[key],
}));

/** Whether `key` is a source Rampart knows. */
export function isSource(key: string): key is Source {
  return Object.hasOwn(INFO, key);
}

/** The product name for a source id; an unknown id is shown as it is. */
export function sourceName(key: string): string {
  return isSource(key) ? INFO[key].name : key;
}

/** Where a source comes in the UI's order; an unknown one after all known ones. */
export function sourceRank(key: string): number {
  return isSource(key) ? SOURCES.indexOf(key) : SOURCES.length;
}

/** The sources of `list` that Rampart knows, each once, in the UI's order. */
export function sourcesInOrder(list: readonly string[]): Source[] {
  return SOURCES.filter((key) => list.includes(key));
}
