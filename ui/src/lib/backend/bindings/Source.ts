export type Source = "securityhub" | "inspector" | "config";
