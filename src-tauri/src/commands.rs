//! The window's commands. Each parses its arguments, calls one core function on a
//! blocking thread, and maps the error to [`IpcError`]. Listed in `build.rs`.

use chrono::NaiveDate;
use rampart_core::query::changes::{self, Changes};
use rampart_core::query::findings::{self, FindingDetail, FindingsPage, FindingsQuery, SortField};
use rampart_core::query::overview::{self, Overview};
use rampart_core::query::posture::{self, Posture};
use rampart_core::query::requirement::{self, DetailError, RequirementDetail};
use rampart_core::query::sla::{self, OwnerSla, SlaSummary};
use rampart_core::query::trend::{self, Trend};
use rampart_core::store::attestations::NewAttestation;
use rampart_core::store::audit::{self, AuditEntry, AuditReport};
use rampart_core::store::governance::{self, Acceptance, NewAcceptance, Settings};
use rampart_core::store::owners::{OwnerAssignment, OwnerScope, Owners};
use rampart_core::store::sync_state::{self, SourceStatus};
use rampart_core::sync::SyncEvent;
use rampart_core::time::now_ms;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

use crate::export::{self, ExportFormat};
use crate::ipc::{IpcError, WorkspaceStatus};
use crate::state::AppState;
use crate::sync::{SyncReport, SyncRequest};
use crate::workspace::{describe_catalog, CatalogInfo};

#[tauri::command]
pub async fn workspace_status(state: State<'_, AppState>) -> Result<WorkspaceStatus, IpcError> {
    Ok(state.status())
}

#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Result<Overview, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let path = state.db_path().display().to_string();
        state.read(|conn| Ok(overview::overview(conn, &path)?))
    })
    .await
}

fn parse_day(s: &str, what: &str) -> Result<NaiveDate, IpcError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| IpcError::new("bad_request", format!("{what} must be a date as YYYY-MM-DD, not {s:?}")))
}

/// Posture of every framework (or one), now or at the end of `at` (YYYY-MM-DD, UTC).
#[tauri::command]
pub async fn posture(
    state: State<'_, AppState>,
    framework: Option<String>,
    at: Option<String>,
) -> Result<Posture, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        if let Some(fw) = &framework {
            if catalog.framework(fw).is_none() {
                return Err(IpcError::new("not_found", format!("unknown framework {fw:?}")));
            }
        }
        let at = match at.as_deref() {
            Some(d) => Some(
                parse_day(d, "at")?
                    .and_hms_milli_opt(23, 59, 59, 999)
                    .map(|t| t.and_utc().timestamp_millis())
                    .unwrap_or(i64::MAX),
            ),
            None => None,
        };
        state.read(|conn| Ok(posture::posture(conn, &catalog, framework.as_deref(), at, now_ms())?))
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
                other => IpcError::new("not_found", other.to_string()),
            })
        })
    })
    .await
}

/// Records an attestation; returns its id.
#[tauri::command]
pub async fn attest(
    state: State<'_, AppState>,
    framework: String,
    requirement: String,
    by: String,
    statement: String,
    expires: Option<String>,
) -> Result<i64, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        let req = catalog
            .framework(&framework)
            .and_then(|f| f.requirements.iter().find(|r| r.id == requirement))
            .ok_or_else(|| IpcError::new("not_found", format!("unknown requirement {framework}:{requirement}")))?;
        if req.attestation.is_none() {
            return Err(IpcError::new(
                "bad_request",
                format!("{framework}:{requirement} takes no attestation"),
            ));
        }
        if by.trim().is_empty() || statement.trim().is_empty() {
            return Err(IpcError::new(
                "bad_request",
                "Who attests and the statement are both required.",
            ));
        }
        let now = now_ms();
        let expires_at = match expires.as_deref().filter(|s| !s.is_empty()) {
            Some(d) => {
                let ms = parse_day(d, "expires")?
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp_millis())
                    .unwrap_or(0);
                if ms <= now {
                    return Err(IpcError::new("bad_request", "The expiry date must be in the future."));
                }
                Some(ms)
            }
            None => None,
        };
        state.write(|store| {
            Ok(store.attest(&NewAttestation {
                framework: framework.clone(),
                requirement: requirement.clone(),
                by: by.trim().to_string(),
                statement: statement.trim().to_string(),
                at: now,
                expires_at,
                evidence: None,
            })?)
        })
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
        if !(1..=3660).contains(&days) {
            return Err(IpcError::new("bad_request", "days must be between 1 and 3660"));
        }
        let today = chrono::Utc::now().date_naive();
        let to = match until.as_deref().filter(|s| !s.is_empty()) {
            Some(d) => parse_day(d, "until")?.min(today),
            None => today,
        };
        state.write(|store| Ok(store.refresh_snapshots(&catalog, today)?))?;
        let from = to - chrono::Duration::days(i64::from(days) - 1);
        state.read(|conn| Ok(trend::trend(conn, &catalog, framework.as_deref(), from, to, weekly)?))
    })
    .await
}

/// What changed after the end of `since` up to the end of `until` (default: now).
#[tauri::command]
pub async fn changes(state: State<'_, AppState>, since: String, until: Option<String>) -> Result<Changes, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let end = |d: NaiveDate| {
            d.and_hms_milli_opt(23, 59, 59, 999)
                .map(|t| t.and_utc().timestamp_millis())
                .unwrap_or(0)
        };
        let since_ms = end(parse_day(&since, "since")?);
        let until_ms = match until.as_deref().filter(|s| !s.is_empty()) {
            Some(d) => end(parse_day(d, "until")?),
            None => now_ms(),
        };
        if since_ms >= until_ms {
            return Err(IpcError::new("bad_request", "since must be before until"));
        }
        state.read(|conn| Ok(changes::changes(conn, since_ms, until_ms)?))
    })
    .await
}

/// One page of the findings explorer.
#[tauri::command]
pub async fn findings_page(state: State<'_, AppState>, query: FindingsQuery) -> Result<FindingsPage, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(findings::findings_page(conn, &query, now_ms())?))).await
}

/// Open, overdue and time-to-remediate figures per severity.
#[tauri::command]
pub async fn sla_summary(state: State<'_, AppState>) -> Result<SlaSummary, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(sla::summary(conn, now_ms())?))).await
}

/// Risk acceptances with status and coverage; only active ones expiring within
/// `expiring` days when given.
#[tauri::command]
pub async fn exceptions(state: State<'_, AppState>, expiring: Option<u32>) -> Result<Vec<Acceptance>, IpcError> {
    let state = state.inner().clone();
    blocking(move || state.read(|conn| Ok(governance::list(conn, now_ms(), expiring)?))).await
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
    blocking(move || state.read(|conn| Ok(governance::settings(conn)?))).await
}

/// Changes the settings (audited, with `by` as the author).
#[tauri::command]
pub async fn set_settings(state: State<'_, AppState>, settings: Settings, by: String) -> Result<Settings, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        if by.trim().is_empty() {
            return Err(IpcError::new("bad_request", "by: required"));
        }
        state.write(|store| {
            store.set_settings(&settings, by.trim(), now_ms())?;
            Ok(governance::settings(store.conn())?)
        })
    })
    .await
}

/// What the window asks to export.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct ExportRequest {
    /// `report` (the executive summary, or `framework`'s report) or `findings` (the
    /// explorer's current selection).
    #[ts(type = "\"report\" | \"findings\"")]
    pub what: String,
    pub format: ExportFormat,
    pub framework: Option<String>,
    /// The report's period (YYYY-MM-DD; default the last 30 days).
    pub from: Option<String>,
    pub to: Option<String>,
    /// The explorer's query (its page and page size are ignored: every match is written).
    pub query: Option<FindingsQuery>,
}

/// Writes a report or the explorer's selection to a file the user picks in the system's
/// save dialog (opened here, so the page never supplies a path). Returns the path written,
/// or null when the dialog was cancelled. With `RAMPART_EXPORT_DIR` set (unattended use
/// and tests), writes into that folder under the suggested name without asking.
#[tauri::command]
pub async fn export(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<Option<String>, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let catalog = state.catalog()?;
        let bad = |m: String| IpcError::new("bad_request", m);
        if let Some(fw) = &request.framework {
            if catalog.framework(fw).is_none() {
                return Err(IpcError::new("not_found", format!("unknown framework {fw:?}")));
            }
        }
        let day = |s: &Option<String>, what: &str| -> Result<Option<NaiveDate>, IpcError> {
            s.as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| parse_day(d, what))
                .transpose()
        };
        let period = export::period(day(&request.from, "from")?, day(&request.to, "to")?, now_ms())
            .map_err(|e| bad(e.to_string()))?;
        let today = period.to.format("%Y-%m-%d");
        let ext = request.format.extension();
        let name = match (request.what.as_str(), &request.framework) {
            ("findings", _) if request.format == ExportFormat::Pdf => {
                return Err(bad("findings are exported as CSV or JSON".into()));
            }
            ("findings", _) => format!("rampart-findings-{today}.{ext}"),
            ("report", _) if request.format == ExportFormat::Csv => {
                return Err(bad("a report is exported as PDF or JSON".into()));
            }
            ("report", None) => format!("rampart-executive-summary-{today}.{ext}"),
            ("report", Some(fw)) => format!("rampart-{fw}-report-{today}.{ext}"),
            (other, _) => return Err(bad(format!("nothing to export called {other:?}"))),
        };
        let path = match std::env::var_os("RAMPART_EXPORT_DIR") {
            Some(dir) => std::path::PathBuf::from(dir).join(&name),
            None => {
                use tauri_plugin_dialog::DialogExt;
                let chosen = app
                    .dialog()
                    .file()
                    .set_file_name(&name)
                    .add_filter(ext.to_uppercase(), &[ext])
                    .blocking_save_file();
                match chosen.map(|p| p.into_path()) {
                    None => return Ok(None),
                    Some(Ok(p)) => p,
                    Some(Err(e)) => return Err(bad(format!("the chosen file cannot be used: {e}"))),
                }
            }
        };
        let internal = |e: anyhow::Error| IpcError::new("internal", format!("{e:#}"));
        let bytes = if request.what == "findings" {
            let query = request.query.clone().unwrap_or_default();
            let sort = query.sort.as_deref().and_then(SortField::parse).unwrap_or_default();
            state.read(|conn| {
                export::findings_bytes(
                    conn,
                    &query.filter(period.now),
                    (sort, query.reverse),
                    period.now,
                    request.format,
                )
                .map_err(internal)
            })?
        } else {
            let workspace = state
                .db_path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            state.write(|store| {
                export::report_bytes(
                    store,
                    &catalog,
                    &workspace,
                    request.format,
                    request.framework.as_deref(),
                    &period,
                )
                .map_err(internal)
            })?
        };
        export::write_whole(&path, &bytes).map_err(internal)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Pulls findings from AWS, streaming progress over `on_event`; returns how each source
/// and Region ended. One sync at a time. The endpoint override is never taken from the
/// page: only `RAMPART_ENDPOINT_URL` (emulators and tests) sets it.
#[tauri::command]
pub async fn sync_start(
    state: State<'_, AppState>,
    request: SyncRequest,
    on_event: tauri::ipc::Channel<SyncEvent>,
) -> Result<SyncReport, IpcError> {
    let state = state.inner().clone();
    let catalog = state.catalog()?;
    let Some(cancel) = state.begin_sync() else {
        return Err(IpcError::new("busy", "A sync is already running."));
    };
    let request = SyncRequest {
        endpoint_url: std::env::var("RAMPART_ENDPOINT_URL").ok().filter(|u| !u.is_empty()),
        ..request
    };
    let events: rampart_core::sync::engine::Events = Arc::new(move |e| {
        // The page may have gone away (window reloaded): progress is then dropped.
        let _ = on_event.send(e);
    });
    let result = crate::sync::run(&state.db_path(), catalog, &request, cancel, events).await;
    state.end_sync();
    result.map_err(|e| IpcError::from_anyhow(&e))
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
    tauri::async_runtime::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(IpcError::new("internal", format!("the query thread failed: {e}"))))
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
}

#[tauri::command]
pub async fn workspace_details(state: State<'_, AppState>) -> Result<WorkspaceDetails, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let db = state.db_path();
        let catalog = describe_catalog(&db, state.extra_catalog_files()).map_err(|e| IpcError::from_anyhow(&e))?;
        Ok(WorkspaceDetails {
            database_bytes: std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0),
            is_default: crate::workspace::default_db_path().as_deref() == Some(db.as_path()),
            database: db.display().to_string(),
            catalog,
        })
    })
    .await
}

/// A file the user picks in the system's open (or, for a new file, save) dialog, opened
/// here so the page never supplies a path. `RAMPART_OPEN_FILE` answers instead of the
/// dialog (unattended use and tests). None when the dialog was cancelled.
fn pick_file(
    app: &tauri::AppHandle,
    title: &str,
    filter: (&str, &str),
    new_name: Option<&str>,
) -> Result<Option<PathBuf>, IpcError> {
    if let Some(path) = std::env::var_os("RAMPART_OPEN_FILE") {
        return Ok(Some(PathBuf::from(path)));
    }
    use tauri_plugin_dialog::DialogExt;
    let dialog = app.dialog().file().set_title(title).add_filter(filter.0, &[filter.1]);
    let chosen = match new_name {
        Some(name) => dialog.set_file_name(name).blocking_save_file(),
        None => dialog.blocking_pick_file(),
    };
    match chosen.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(p)) => Ok(Some(p)),
        Some(Err(e)) => Err(IpcError::new(
            "bad_request",
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
        let bad = |m: String| IpcError::new("bad_request", m);
        if by.trim().is_empty() {
            return Err(bad("by: say who changes the catalog: the audit log records it".into()));
        }
        state.catalog()?;
        let Some(source) = pick_file(&app, "Add a catalog file", ("Rampart catalog (TOML)", "toml"), None)? else {
            return Ok(None);
        };
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .ok_or_else(|| bad(format!("{}: a catalog file is a .toml file", source.display())))?;
        let db = state.db_path();
        let folder = crate::workspace::user_catalog_dir(&db);
        let dest = folder.join(&name);
        if dest.exists() {
            return Err(bad(format!(
                "{name}: a catalog file of that name is already in use; remove it first"
            )));
        }
        // Checked together with the files already in force, before anything is copied.
        let mut files = crate::workspace::catalog_files(&db, state.extra_catalog_files());
        files.push(source.clone());
        crate::workspace::read_sources(&files)
            .and_then(|s| crate::workspace::catalog_from(&s))
            .map_err(|e| bad(format!("{e:#}")))?;
        std::fs::create_dir_all(&folder).map_err(|e| bad(format!("{}: cannot create: {e}", folder.display())))?;
        std::fs::copy(&source, &dest).map_err(|e| bad(format!("{}: cannot copy: {e}", source.display())))?;
        let catalog = match state.reload_catalog() {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_file(&dest);
                return Err(e);
            }
        };
        state.write(|store| {
            Ok(store.record_catalog_change("catalog.add", &name, &catalog.fingerprint, &by, now_ms())?)
        })?;
        Ok(Some(name))
    })
    .await
}

/// Removes a file from the workspace's `catalog/` folder and maps the findings again.
#[tauri::command]
pub async fn catalog_remove(state: State<'_, AppState>, name: String, by: String) -> Result<(), IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let bad = |m: String| IpcError::new("bad_request", m);
        if by.trim().is_empty() {
            return Err(bad("by: say who changes the catalog: the audit log records it".into()));
        }
        let db = state.db_path();
        let folder = crate::workspace::user_catalog_dir(&db);
        let in_folder = crate::workspace::catalog_files(&db, &[])
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == name.as_str()))
            .ok_or_else(|| IpcError::new("not_found", format!("{name}: no such file in {}", folder.display())))?;
        // The catalog without it must still be valid (another file may build on it).
        let rest: Vec<PathBuf> = crate::workspace::catalog_files(&db, state.extra_catalog_files())
            .into_iter()
            .filter(|p| *p != in_folder)
            .collect();
        crate::workspace::read_sources(&rest)
            .and_then(|s| crate::workspace::catalog_from(&s))
            .map_err(|e| bad(format!("without {name}, {e:#}")))?;
        let kept = std::fs::read(&in_folder).map_err(|e| bad(format!("{name}: cannot read: {e}")))?;
        std::fs::remove_file(&in_folder).map_err(|e| bad(format!("{name}: cannot remove: {e}")))?;
        let catalog = match state.reload_catalog() {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::write(&in_folder, kept);
                return Err(e);
            }
        };
        state.write(|store| {
            Ok(store.record_catalog_change("catalog.remove", &name, &catalog.fingerprint, &by, now_ms())?)
        })
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
        let (title, new_name) = if create {
            ("Create a new workspace", Some("rampart.db"))
        } else {
            ("Open a workspace", None)
        };
        let Some(path) = pick_file(&app, title, ("Rampart workspace", "db"), new_name)? else {
            return Ok(None);
        };
        let path = if path.is_absolute() {
            path
        } else {
            std::env::current_dir().map(|d| d.join(&path)).unwrap_or(path)
        };
        state.switch_to(path.clone(), create)?;
        crate::workspace::save_choice(&path).map_err(|e| IpcError::from_anyhow(&e))?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// The finding panel's detail of one finding: resources with tags, vulnerabilities, its own
/// status history and its JSON as the source sent it.
#[tauri::command]
pub async fn finding_detail(state: State<'_, AppState>, id: String) -> Result<FindingDetail, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.read(|conn| {
            findings::detail(conn, &id)?.ok_or_else(|| IpcError::new("not_found", format!("no finding {id:?}")))
        })
    })
    .await
}
