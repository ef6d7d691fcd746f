//! The window's commands. Each parses its arguments, calls the core (or `workspace.rs`,
//! `export.rs`) on a blocking thread, and maps the error to [`IpcError`]. Listed in
//! `build.rs`. What a command checks and decides lives in what it calls, once for the
//! window and the command line.

use rampart_core::query::changes::{self, Changes};
use rampart_core::query::findings::{self, FindingDetail, FindingsPage, FindingsQuery};
use rampart_core::query::overview::{self, Overview};
use rampart_core::query::posture::{self, Posture};
use rampart_core::query::requirement::{self, DetailError, RequirementDetail};
use rampart_core::query::sla::{self, OwnerSla, SlaSummary};
use rampart_core::query::trend::{self, Trend};
use rampart_core::store::acceptances::{self, Acceptance, NewAcceptance};
use rampart_core::store::accounts::AccountsView;
use rampart_core::store::attestations::NewAttestation;
use rampart_core::store::audit::{self, AuditEntry, AuditReport};
use rampart_core::store::owners::{OwnerAssignment, OwnerScope, Owners};
use rampart_core::store::settings::{self, Settings};
use rampart_core::store::sync_state::{self, SourceStatus};
use rampart_core::sync::SyncEvent;
use rampart_core::time::{end_of_day_ms, now_ms, parse_day, parse_optional_day};
use rampart_core::{text, ErrorCode, Invalid};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

use crate::export::{self, ExportRequest};
use crate::ipc::{IpcError, WorkspaceStatus};
use crate::state::AppState;
use crate::sync::{SyncReport, SyncRequest};
use crate::workspace::{self, describe_catalog, CatalogInfo};

#[tauri::command]
pub async fn workspace_status(state: State<'_, AppState>) -> Result<WorkspaceStatus, IpcError> {
    Ok(state.status())
}

/// The Overview; with `units`, of the accounts in those organizational units only.
#[tauri::command]
pub async fn overview(state: State<'_, AppState>, units: Option<Vec<String>>) -> Result<Overview, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let units = checked_units(units)?;
        let path = state.db_path().display().to_string();
        state.read(|conn| Ok(overview::overview_of(conn, &path, &units)?))
    })
    .await
}

/// The organizational units a view is scoped to, within the request limits.
fn checked_units(units: Option<Vec<String>>) -> Result<Vec<String>, IpcError> {
    use rampart_core::limits::{check_list, NAME_CHARS, REQUEST_ITEMS};
    let units = units.unwrap_or_default();
    check_list("units", &units, REQUEST_ITEMS, NAME_CHARS)?;
    Ok(units)
}

/// Posture of every framework (or one), now or at the end of `at` (YYYY-MM-DD, UTC).
#[tauri::command]
pub async fn posture(
    state: State<'_, AppState>,
    framework: Option<String>,
    at: Option<String>,
    units: Option<Vec<String>>,
) -> Result<Posture, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let units = checked_units(units)?;
        let catalog = state.catalog()?;
        if let Some(fw) = &framework {
            catalog.find_framework(fw)?;
        }
        let at = parse_optional_day(at.as_deref(), "at")?.map(end_of_day_ms);
        let scope = posture::Scope { units: &units };
        state.read(|conn| {
            Ok(posture::posture_of(
                conn,
                &catalog,
                framework.as_deref(),
                at,
                now_ms(),
                scope,
            )?)
        })
    })
    .await
}

#[tauri::command]
pub async fn requirement_detail(
    state: State<'_, AppState>,
    framework: String,
    requirement: String,
) -> Result<RequirementDetail, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        state.read(|conn| {
            requirement::requirement_detail(conn, &catalog, &framework, &requirement, now_ms()).map_err(|e| match e {
                DetailError::Store(s) => s.into(),
                other => IpcError::new(ErrorCode::NotFound, other.to_string()),
            })
        })
    })
    .await
}

/// Records an attestation (checked by the core as for `rampart attest`); returns its id.
#[tauri::command]
pub async fn attest(
    state: State<'_, AppState>,
    framework: String,
    requirement: String,
    by: String,
    statement: String,
    expires: Option<String>,
    evidence: Option<String>,
) -> Result<i64, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        let expires = parse_optional_day(expires.as_deref(), "expires")?;
        let evidence = match evidence.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(sha) => Some(state.chosen_evidence(sha).ok_or_else(|| {
                Invalid::new(
                    "evidence",
                    "no evidence file with that digest was chosen: choose the file again",
                )
            })?),
        };
        let a = NewAttestation::checked(
            &catalog,
            &framework,
            &requirement,
            &by,
            &statement,
            expires,
            evidence,
            now_ms(),
        )?;
        state.write(|store| Ok(store.attest(&a)?))
    })
    .await
}

/// Each framework's trend over `days` days ending `until` (default today), daily or weekly.
/// Brings the daily snapshots up to date first.
#[tauri::command]
pub async fn trend(
    state: State<'_, AppState>,
    framework: Option<String>,
    days: u32,
    until: Option<String>,
    weekly: bool,
) -> Result<Trend, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        let today = chrono::Utc::now().date_naive();
        let (from, to) = trend::window(days, parse_optional_day(until.as_deref(), "until")?, today)?;
        state.write(|store| Ok(store.refresh_snapshots(&catalog, today)?))?;
        state.read(|conn| Ok(trend::trend(conn, &catalog, framework.as_deref(), from, to, weekly)?))
    })
    .await
}

/// What changed after the end of `since` up to the end of `until` (default: now).
#[tauri::command]
pub async fn changes(
    state: State<'_, AppState>,
    since: String,
    until: Option<String>,
    units: Option<Vec<String>>,
) -> Result<Changes, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let units = checked_units(units)?;
        let since = parse_day(&since, "since")?;
        let (since_ms, until_ms) = changes::window(since, parse_optional_day(until.as_deref(), "until")?, now_ms())?;
        state.read(|conn| Ok(changes::changes_of(conn, since_ms, until_ms, &units)?))
    })
    .await
}

/// One page of the findings explorer.
#[tauri::command]
pub async fn findings_page(state: State<'_, AppState>, query: FindingsQuery) -> Result<FindingsPage, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(findings::findings_page(conn, &query, now_ms())?))).await
}

/// The accounts the workspace can name, and the organisation's OUs (for the pickers).
#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> Result<AccountsView, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(rampart_core::store::accounts::accounts_view(conn)?))).await
}

/// Open, overdue and time-to-remediate figures per severity: of the whole workspace, or of the
/// findings an explorer query matches (the strip above the list follows its filters).
#[tauri::command]
pub async fn sla_summary(state: State<'_, AppState>, query: Option<FindingsQuery>) -> Result<SlaSummary, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.read_aside(|conn| {
            let now = now_ms();
            Ok(match &query {
                Some(q) => {
                    q.check_sizes()?;
                    sla::summary_for(conn, now, &q.filter(now))?
                }
                None => sla::summary(conn, now)?,
            })
        })
    })
    .await
}

/// Risk acceptances with status, coverage and what each covers in words; only active ones
/// expiring within `expiring` days when given.
#[tauri::command]
pub async fn exceptions(state: State<'_, AppState>, expiring: Option<u32>) -> Result<Vec<Acceptance>, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        state.read(|conn| {
            let mut list = acceptances::list(conn, now_ms(), expiring)?;
            acceptances::name_targets(conn, &catalog, &mut list)?;
            Ok(list)
        })
    })
    .await
}

/// Records a risk acceptance (the approver is recorded as its author); returns its id.
#[tauri::command]
pub async fn accept_risk(state: State<'_, AppState>, request: NewAcceptance) -> Result<i64, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        let actor = request.approver.trim().to_string();
        state.write(|store| Ok(store.accept(&catalog, &request, &actor, now_ms())?))
    })
    .await
}

/// Revokes a risk acceptance at once.
#[tauri::command]
pub async fn revoke_risk(state: State<'_, AppState>, id: i64, by: String, reason: String) -> Result<(), IpcError> {
    let state = state.inner().clone();
    blocking(move || state.write(|store| Ok(store.revoke(id, &by, &reason, now_ms())?))).await
}

/// The newest audit entries.
#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, limit: u32) -> Result<Vec<AuditEntry>, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(audit::entries(conn, limit.clamp(1, 1000) as usize)?))).await
}

/// Recomputes the audit chain.
#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Result<AuditReport, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(audit::verify(conn)?))).await
}

/// The workspace settings.
#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(settings::settings(conn)?))).await
}

/// Changes the settings (audited, with `by` as the author).
#[tauri::command]
pub async fn set_settings(state: State<'_, AppState>, settings: Settings, by: String) -> Result<Settings, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        if by.trim().is_empty() {
            return Err(Invalid::new("by", "required").into());
        }
        state.write(|store| {
            store.set_settings(&settings, by.trim(), now_ms())?;
            Ok(settings::settings(store.conn())?)
        })
    })
    .await
}

/// Writes a report or the explorer's selection to a file the user picks in the system's
/// save dialog (opened here, so the page never supplies a path). Returns the path written,
/// or null when the dialog was cancelled.
#[tauri::command]
pub async fn export(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<Option<String>, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        let mut plan = export::plan(&catalog, &request, now_ms())?;
        plan.file_name = export::name_for_workspace(&state.db_path(), &plan.file_name);
        let Some(path) = export_path(&app, &plan)? else {
            return Ok(None);
        };
        let bytes = state.write(|store| Ok(export::bytes(store, &catalog, &plan)?))?;
        export::write_whole(&path, &bytes)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Where an export goes: the file the user names in the save dialog (in a test build, see
/// [`crate::hooks::export_dir`]). None when cancelled.
fn export_path(app: &tauri::AppHandle, plan: &export::ExportPlan) -> Result<Option<PathBuf>, IpcError> {
    if let Some(dir) = crate::hooks::export_dir() {
        return Ok(Some(export::unused_path(&dir, &plan.file_name)));
    }
    let ext = plan.format.extension();
    pick_file(
        app,
        Dialog::Export { name: &plan.file_name },
        Some((&ext.to_uppercase(), ext)),
    )
}

/// Pulls findings from AWS, streaming progress over `on_event`; returns how each source
/// and Region ended. One sync at a time. The endpoint override is never taken from the
/// page: only `RAMPART_ENDPOINT_URL` (emulators and tests) sets it.
#[tauri::command]
pub async fn sync_start(
    state: State<'_, AppState>,
    request: SyncRequest,
    into_demo: Option<bool>,
    on_event: tauri::ipc::Channel<SyncEvent>,
) -> Result<SyncReport, IpcError> {
    // Real findings go into the demo's made-up ones only when the user said so (the Sync
    // screen's "Add real findings to the demo anyway"); the page cannot skip the question.
    let is_demo = {
        let state = state.inner().clone();
        blocking(move || state.read(|conn| Ok(rampart_core::store::is_demo(conn)?))).await?
    };
    if is_demo && into_demo != Some(true) {
        return Err(IpcError::new(
            ErrorCode::BadRequest,
            "This is the demo workspace: its accounts and findings are made up, and a sync would mix real findings \
             into them. Sync into a workspace of your own, or say to add them to the demo anyway.",
        ));
    }
    let events: rampart_core::sync::engine::Events = Arc::new(move |e| {
        // The page may have gone away (window reloaded): progress is then dropped.
        let _ = on_event.send(e);
    });
    state.inner().sync(request, events).await
}

/// Cancels the running sync (the pages stored so far stay). False when none runs.
#[tauri::command]
pub fn sync_cancel(state: State<'_, AppState>) -> bool {
    state.cancel_sync()
}

/// Where each source, account and Region stands.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<Vec<SourceStatus>, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(sync_state::statuses(conn)?))).await
}

/// The profiles of the standard AWS config files (names, Regions, SSO), for choosing
/// what to sync. No credential is read or returned.
#[tauri::command]
pub fn aws_profiles() -> Vec<rampart_aws::profiles::AwsProfile> {
    rampart_aws::profiles::list()
}

/// Runs database work off the async runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, IpcError> + Send + 'static) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(IpcError::new(
            ErrorCode::Internal,
            format!("the query thread failed: {e}"),
        ))
    })
}

/// Open, overdue and accepted failing findings per remediation owner, with the
/// assignments in force.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct OwnersView {
    pub owners: Vec<OwnerSla>,
    pub assignments: Vec<OwnerAssignment>,
}

#[tauri::command]
pub async fn owners(state: State<'_, AppState>) -> Result<OwnersView, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.read(|conn| {
            Ok(OwnersView {
                owners: sla::by_owner(conn, now_ms())?,
                assignments: Owners::load(conn)?.assignments(),
            })
        })
    })
    .await
}

/// Assigns (or, with an empty owner, clears) the remediation owner of a finding, a control
/// or an account; audited with `by` as the author.
#[tauri::command]
pub async fn assign_owner(
    state: State<'_, AppState>,
    scope: OwnerScope,
    target: String,
    owner: String,
    by: String,
) -> Result<i64, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.write(|store| Ok(store.assign_owner(scope, &target, owner.trim(), by.trim(), now_ms())?)))
        .await
}

/// Where the open workspace lives and the catalog it is mapped with.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct WorkspaceDetails {
    pub database: String,
    #[ts(type = "number")]
    pub database_bytes: u64,
    /// Opened when Rampart starts without `--db`.
    pub is_default: bool,
    pub catalog: CatalogInfo,
    /// What Rampart made private because other users could read it (the workspace, its
    /// folder or catalog files, left open by an earlier version or another tool).
    pub notices: Vec<String>,
}

#[tauri::command]
pub async fn workspace_details(state: State<'_, AppState>) -> Result<WorkspaceDetails, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let db = state.db_path();
        Ok(WorkspaceDetails {
            catalog: describe_catalog(&db, state.extra_catalog_files())?,
            database_bytes: std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0),
            is_default: workspace::default_db_path().as_deref() == Some(db.as_path()),
            database: db.display().to_string(),
            notices: state.notices(),
        })
    })
    .await
}

/// An evidence file as the window shows it once chosen: its name, size and SHA-256 (what an
/// attestation records; the file itself stays where it is).
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct ChosenEvidence {
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub sha256: String,
}

/// Opens the system dialog to choose an attestation's evidence file, and hashes it here (the
/// page never names a path). Returns what was chosen, or null when the dialog was cancelled;
/// `attest` then takes the digest.
#[tauri::command]
pub async fn choose_evidence(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ChosenEvidence>, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let Some(path) = pick_file(
            &app,
            Dialog::Open {
                title: "Choose the evidence file",
            },
            None,
        )?
        else {
            return Ok(None);
        };
        let (name, sha256) = rampart_core::store::attestations::evidence_of(&path)?;
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        state.choose_evidence(&sha256, &name);
        Ok(Some(ChosenEvidence { name, bytes, sha256 }))
    })
    .await
}

/// Which system dialog [`pick_file`] opens.
enum Dialog<'a> {
    /// Pick an existing file.
    Open { title: &'a str },
    /// Name a new file, offering `name`.
    New { title: &'a str, name: &'a str },
    /// Name the file an export is written to, offering `name`.
    Export { name: &'a str },
}

/// A file the user picks in the system's open or save dialog, opened here so the page never
/// supplies a path (in a test build, see [`crate::hooks::open_file`]). None when the dialog
/// was cancelled.
fn pick_file(
    app: &tauri::AppHandle,
    dialog: Dialog<'_>,
    filter: Option<(&str, &str)>,
) -> Result<Option<PathBuf>, IpcError> {
    use tauri_plugin_dialog::DialogExt;
    if let (Dialog::Open { .. } | Dialog::New { .. }, Some(path)) = (&dialog, crate::hooks::open_file()) {
        return Ok(Some(path));
    }
    let file = match filter {
        Some((name, extension)) => app.dialog().file().add_filter(name, &[extension]),
        None => app.dialog().file(),
    };
    let chosen = match dialog {
        Dialog::Open { title } => file.set_title(title).blocking_pick_file(),
        Dialog::New { title, name } => file.set_title(title).set_file_name(name).blocking_save_file(),
        Dialog::Export { name } => file.set_file_name(name).blocking_save_file(),
    };
    match chosen.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(p)) => Ok(Some(p)),
        Some(Err(e)) => Err(IpcError::new(
            ErrorCode::BadRequest,
            format!("the chosen file cannot be used: {e}"),
        )),
    }
}

/// Adds a catalog file (custom frameworks or mappings) the user picks: it is checked with
/// the catalog in force, copied into the workspace's `catalog/` folder, and the findings
/// are mapped again. Returns the file's name, or null when the dialog was cancelled.
#[tauri::command]
pub async fn catalog_add(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    by: String,
) -> Result<Option<String>, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        workspace::require_by(&by)?;
        state.catalog()?;
        let dialog = Dialog::Open {
            title: "Add a catalog file",
        };
        let Some(source) = pick_file(&app, dialog, Some(("Rampart catalog (TOML)", "toml")))? else {
            return Ok(None);
        };
        state
            .change_catalog(|db, extra| workspace::add_catalog_file(db, extra, &source, &by, now_ms()))
            .map(Some)
    })
    .await
}

/// Removes a file from the workspace's `catalog/` folder and maps the findings again.
#[tauri::command]
pub async fn catalog_remove(state: State<'_, AppState>, name: String, by: String) -> Result<(), IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.change_catalog(|db, extra| Ok(((), workspace::remove_catalog_file(db, extra, &name, &by, now_ms())?)))
    })
    .await
}

/// Opens another workspace (an existing database, or a new empty one when `create`) picked
/// in the system's dialog, and remembers it for the next start. Returns its path, or null
/// when the dialog was cancelled.
#[tauri::command]
pub async fn open_workspace(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    create: bool,
) -> Result<Option<String>, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let dialog = if create {
            Dialog::New {
                title: "Create a new workspace",
                name: "rampart.db",
            }
        } else {
            Dialog::Open {
                title: "Open a workspace",
            }
        };
        let Some(path) = pick_file(&app, dialog, Some(("Rampart workspace", "db")))? else {
            return Ok(None);
        };
        Ok(Some(state.open_workspace(path, create)?.display().to_string()))
    })
    .await
}

/// The finding panel's detail of one finding: resources with tags, vulnerabilities, its own
/// status history and its JSON as the source sent it.
#[tauri::command]
pub async fn finding_detail(
    state: State<'_, AppState>,
    id: String,
    product_arn: Option<String>,
) -> Result<FindingDetail, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.read(|conn| {
            findings::detail(conn, &id, product_arn.as_deref())?
                .ok_or_else(|| IpcError::new(ErrorCode::NotFound, format!("no finding {:?}", text::display(&id))))
        })
    })
    .await
}
