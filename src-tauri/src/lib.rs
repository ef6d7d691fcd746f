//! The Rampart shell: parses the command line, then either runs a CLI command over
//! `rampart-core` or opens the window. No logic lives here that the core could own.

mod cli;
mod commands;
mod export;
mod external;
mod hooks;
mod ipc;
mod private;
mod state;
pub mod sync;
mod workspace;

pub use commands::{ChosenEvidence, OwnersView, WorkspaceDetails};
pub use export::{ExportFormat, ExportKind, ExportRequest};
pub use ipc::{IpcError, WorkspaceStatus};
pub use workspace::{CatalogFileInfo, CatalogInfo, FrameworkInfo};

/// The app's identifier (also in `tauri.conf.json`): names the data folder.
pub const IDENTIFIER: &str = "dev.rampart.desktop";

/// Runs Rampart and returns the process exit code (0 ok, 1 failure, 2 usage).
pub fn run() -> i32 {
    private::restrict_umask();
    let args = match cli::parse() {
        Ok(a) => a,
        Err(code) => return code,
    };
    match args.command {
        Some(command) => cli::execute(args.db, args.catalogs, command),
        None => run_window(args.db, args.catalogs),
    }
}

/// Without a GPU (virtual machines, remote desktops, Xvfb), WebKitGTK composites layers with
/// OpenGL emulated in software, and every frame of a scrolling table then costs 150–300 ms;
/// drawing without compositing takes ~15 ms. So when the machine has no GPU render node,
/// compositing is turned off — unless the user chose either way in the environment.
#[cfg(target_os = "linux")]
fn choose_webkit_rendering() {
    const KEY: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(KEY).is_some() {
        return;
    }
    let has_gpu = std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    if !has_gpu {
        // Before any thread starts and before WebKit reads its environment.
        std::env::set_var(KEY, "1");
    }
}

fn run_window(db: Option<std::path::PathBuf>, catalogs: Vec<std::path::PathBuf>) -> i32 {
    #[cfg(target_os = "linux")]
    choose_webkit_rendering();
    let db_path = match db.or_else(workspace::default_db_path) {
        Some(p) => p,
        None => {
            eprintln!("rampart: cannot find a data folder for the database; pass --db PATH");
            return 1;
        }
    };
    // Before the webview starts: WebKit would otherwise create the data folder first, 0755.
    let mut notices = private::prepare_app_folders();
    notices.extend(private::secure_workspace(&db_path));
    for n in &notices {
        eprintln!("rampart: {}", rampart_core::text::display(n));
    }
    let app_state = state::AppState::new(db_path, catalogs);
    app_state.add_notices(notices);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(app_state)
        .setup(|app| {
            use tauri::Manager;
            app.state::<state::AppState>().prepare_in_background();
            // The main window is built here rather than from the config alone, so that links
            // the page opens in a new window go to the system browser (AWS hosts only, see
            // `external`) instead of a second webview, and the window itself never leaves
            // the app's own pages.
            for config in app.config().app.windows.clone() {
                tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                    .on_navigation(external::guard_navigation)
                    .on_new_window(|url, _features| {
                        external::open(&url);
                        tauri::webview::NewWindowResponse::Deny
                    })
                    .build()?;
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::overview,
            commands::workspace_status,
            commands::posture,
            commands::requirement_detail,
            commands::attest,
            commands::trend,
            commands::changes,
            commands::findings_page,
            commands::accounts,
            commands::sla_summary,
            commands::exceptions,
            commands::accept_risk,
            commands::revoke_risk,
            commands::audit_log,
            commands::audit_verify,
            commands::settings,
            commands::set_settings,
            commands::export,
            commands::sync_start,
            commands::sync_cancel,
            commands::sync_status,
            commands::aws_profiles,
            commands::owners,
            commands::assign_owner,
            commands::workspace_details,
            commands::catalog_add,
            commands::catalog_remove,
            commands::open_workspace,
            commands::finding_detail,
            commands::choose_evidence
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("rampart: the window could not start: {e}");
            1
        }
    }
}
