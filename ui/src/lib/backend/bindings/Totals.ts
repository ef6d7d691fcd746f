export type Totals = { findings: number, active: number, archived: number, failed: number, passed: number, warning: number, not_available: number, };
