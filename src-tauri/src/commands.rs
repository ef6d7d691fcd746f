//! The window's commands. Each parses its arguments, calls one core function on a
//! blocking thread, and maps the error to [`IpcError`]. Listed in `build.rs`.

use rampart_core::query::overview::{self, Overview};
use tauri::State;

use crate::ipc::{IpcError, WorkspaceStatus};
use crate::state::AppState;

#[tauri::command]
pub async fn workspace_status(state: State<'_, AppState>) -> Result<WorkspaceStatus, IpcError> {
    Ok(state.status())
}

#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Result<Overview, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let path = state.db_path.display().to_string();
        state.read(|conn| Ok(overview::overview(conn, &path)?))
    })
    .await
}

/// Runs database work off the async runtime's threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| {
            Err(IpcError::new(
                "internal",
                format!("the query thread failed: {e}"),
            ))
        })
}
