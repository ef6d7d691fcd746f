//! Generates the permission set for the app's own commands: only these are granted to the
//! window (see `capabilities/main.json`); no core plugin commands beyond what it lists.

/// Every `#[tauri::command]` the window may call. Adding a command means adding it here
/// and to `capabilities/main.json`.
const COMMANDS: &[&str] = &[
    "overview",
    "workspace_status",
    "posture",
    "requirement_detail",
    "attest",
    "trend",
    "changes",
    "findings_page",
    "accounts",
    "sla_summary",
    "exceptions",
    "accept_risk",
    "revoke_risk",
    "audit_log",
    "audit_verify",
    "settings",
    "set_settings",
    "export",
    "sync_start",
    "sync_cancel",
    "sync_status",
    "aws_profiles",
    "owners",
    "assign_owner",
    "workspace_details",
    "catalog_add",
    "catalog_remove",
    "open_workspace",
    "finding_detail",
    "choose_evidence",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
