export type WorkspaceInfo = { db_path: string, is_demo: boolean, schema_version: number, };
