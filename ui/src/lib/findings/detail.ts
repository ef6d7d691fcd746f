/**
 * What the explorer's finding panel derives from a finding's row, as plain functions:
 *
 * - the catalog's guidance: its control's remediation (problem, why it matters, steps, console,
 *   CLI, link). The core has it per control inside a requirement's detail, so the finding's
 *   requirements are asked in turn (at most `tries`) until one lists the finding's control or
 *   Config rule. Inspector and GuardDuty findings have no control: null.
 * - its timeline: the moments the row carries (first and last observed, created, updated, due)
 *   and, once the finding's detail has come, its own recorded status changes, oldest first.
 * - the finding's JSON as its source sent it, pretty-printed when it parses.
 * - a public reference for a CVE id (the NVD entry), for well-formed ids only.
 * - yes/no/unknown words for a vulnerability's fix and exploit flags.
 */
import { getRequirementDetail, type ControlDetail, type FindingRow, type HistoryEvent, type RemediationView } from '../backend';
import { sourceName } from '../format';
import { splitRequirement } from './query';

export type Guidance = { control: string; title: string; remediation: RemediationView };

/** The control of `controls` that `finding` is about: same control id, else same Config rule. */
export function matchControl(finding: Pick<FindingRow, 'control' | 'config_rule'>, controls: ControlDetail[]): ControlDetail | null {
  if (finding.control) {
    const byId = controls.find((c) => c.id === finding.control);
    if (byId) return byId;
  }
  if (finding.config_rule) return controls.find((c) => c.config_rule !== null && c.config_rule === finding.config_rule) ?? null;
  return null;
}

/** The guidance for `finding`, or null when it has no control or no requirement lists it with remediation. */
export async function findGuidance(
  finding: Pick<FindingRow, 'control' | 'config_rule' | 'requirements'>,
  fetch: typeof getRequirementDetail = getRequirementDetail,
  tries = 3,
): Promise<Guidance | null> {
  if (!finding.control && !finding.config_rule) return null;
  const keys = finding.requirements.map(splitRequirement).filter((k) => k !== null).slice(0, tries);
  for (const key of keys) {
    const detail = await fetch(key.framework, key.requirement);
    const control = matchControl(finding, detail.controls);
    if (control?.remediation) return { control: control.id, title: control.title, remediation: control.remediation };
  }
  return null;
}

export type TimelineKind = 'first_observed' | 'created' | 'last_observed' | 'updated' | 'due' | 'status';

/**
 * One moment of a finding's timeline, with what happened then (several things may share a
 * moment). A recorded status change is an entry of its own (kind `status`) carrying the change.
 */
export type TimelineEvent = { at: string; kinds: TimelineKind[]; labels: string[]; change?: HistoryEvent };

/**
 * The moments of a finding, oldest first: first observed, created in its source, last observed,
 * last updated, (for a failing one) when it is or was due, and each of its recorded status
 * changes (`history`, from the finding's detail). Missing or unreadable times are left out;
 * moments of the row at the same time share one entry; a status change comes after the row's
 * moments of the same time.
 */
export function findingTimeline(
  row: Pick<FindingRow, 'source' | 'first_observed_at' | 'created_at' | 'last_observed_at' | 'updated_at' | 'due_at' | 'overdue'>,
  history: HistoryEvent[] = [],
): TimelineEvent[] {
  const moments: Array<[TimelineKind, string, string | null]> = [
    ['first_observed', 'First observed', row.first_observed_at],
    ['created', `Created in ${sourceName(row.source)}`, row.created_at],
    ['last_observed', 'Last observed', row.last_observed_at],
    ['updated', 'Last updated', row.updated_at],
    ['due', row.overdue ? 'Due (overdue)' : 'Due', row.due_at],
  ];
  const known = moments
    .filter((m): m is [TimelineKind, string, string] => m[2] !== null && !Number.isNaN(Date.parse(m[2])))
    // A stable sort keeps the order above for equal times (first observed before created…).
    .sort((a, b) => Date.parse(a[2]) - Date.parse(b[2]));
  const events: TimelineEvent[] = [];
  for (const [kind, label, at] of known) {
    const last = events.at(-1);
    if (last && Date.parse(last.at) === Date.parse(at)) {
      last.kinds.push(kind);
      last.labels.push(label);
    } else {
      events.push({ at, kinds: [kind], labels: [label] });
    }
  }
  const changes: TimelineEvent[] = history
    .filter((h) => !Number.isNaN(Date.parse(h.at)))
    .map((h) => ({ at: h.at, kinds: ['status'], labels: ['Status'], change: h }));
  // Stable: the row's moments first, then the changes in the order the core sent them (oldest first).
  return [...events, ...changes].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** `raw` pretty-printed when it is JSON (`parsed`), else as it is. */
export function prettyRaw(raw: string): { text: string; parsed: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), parsed: true };
  } catch {
    return { text: raw, parsed: false };
  }
}

/** A vulnerability flag in words: Yes, No, or Unknown when the source did not say. */
export function yesNo(flag: boolean | null): 'Yes' | 'No' | 'Unknown' {
  return flag === null ? 'Unknown' : flag ? 'Yes' : 'No';
}

/** The NVD page of a CVE id (`CVE-2021-44228`), or null for anything else (vendor advisories, odd text). */
export function cveLink(id: string): string | null {
  return /^CVE-\d{4}-\d{4,}$/.test(id) ? `https://nvd.nist.gov/vuln/detail/${id}` : null;
}
