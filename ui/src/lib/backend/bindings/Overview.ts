import type { GroupCount } from "./GroupCount";
import type { ImportSummary } from "./ImportSummary";
import type { SeverityCount } from "./SeverityCount";
import type { Totals } from "./Totals";
import type { WorkspaceInfo } from "./WorkspaceInfo";

export type Overview = { workspace: WorkspaceInfo, totals: Totals, by_severity: Array<SeverityCount>, by_source: Array<GroupCount>, by_account: Array<GroupCount>, last_import: ImportSummary | null, imports: number, };
