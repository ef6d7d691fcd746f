export type Status = "failed" | "passed" | "warning" | "not_available";
