export type GroupCount = { key: string, total: number, failed: number, };
