export type IpcError = { code: string, message: string, };
