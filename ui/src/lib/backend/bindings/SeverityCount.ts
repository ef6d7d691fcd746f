import type { Severity } from "./Severity";

export type SeverityCount = { severity: Severity, total: number, failed: number, };
