export type WorkspaceStatus = { state: "ready" | "preparing" | "error", message: string | null, };
