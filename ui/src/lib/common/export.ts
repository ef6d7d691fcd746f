/**
 * What the Export menus offer and the requests they send: a report (the executive summary, or one
 * framework's) as PDF or its JSON data, or the explorer's selection as CSV or JSON.
 */
import type { ExportFormat, ExportRequest, FindingsQuery } from '../backend';

export type ExportOption = { format: ExportFormat; label: string };

export const REPORT_FORMATS: ExportOption[] = [
  { format: 'pdf', label: 'PDF report' },
  { format: 'json', label: 'JSON data' },
];

export const FINDINGS_FORMATS: ExportOption[] = [
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
];

/**
 * A report: the executive summary when `framework` is null (of some organizational units'
 * accounts with `units`); the period defaults to the last 30 days.
 */
export function reportRequest(
  format: ExportFormat,
  options: { framework?: string | null; from?: string | null; to?: string | null; units?: string[] } = {},
): ExportRequest {
  const request: ExportRequest = {
    what: 'report',
    format,
    framework: options.framework ?? null,
    from: options.from ?? null,
    to: options.to ?? null,
    query: null,
  };
  if (options.units !== undefined && options.units.length > 0) request.units = options.units;
  return request;
}

/** Every finding matching the explorer's query (the core ignores its page and page size). */
export function findingsRequest(format: ExportFormat, query: FindingsQuery): ExportRequest {
  return { what: 'findings', format, framework: null, from: null, to: null, query };
}

export const AUDIT_FORMATS: ExportOption[] = [
  { format: 'csv', label: 'CSV (with the hash chain)' },
  { format: 'json', label: 'JSON (with the chain head)' },
];

/** The whole audit log, oldest entry first, with its hash chain. */
export function auditRequest(format: ExportFormat): ExportRequest {
  return { what: 'audit', format, framework: null, from: null, to: null, query: null };
}
