//! Shapes that cross the IPC boundary and are not core data: the error every command
//! returns, and the workspace's readiness.

use serde::Serialize;
use ts_rs::TS;

/// The one error shape the window receives. `code` is stable and the UI branches on it:
/// `not_ready`, `newer_schema`, `not_rampart`, `db_error`, `internal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> IpcError {
        IpcError {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

impl From<rampart_core::StoreError> for IpcError {
    fn from(e: rampart_core::StoreError) -> IpcError {
        IpcError::new(e.code(), e.to_string())
    }
}

/// Whether the workspace can be queried yet (the demo is built on first start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkspaceStatus {
    #[ts(type = "\"ready\" | \"preparing\" | \"error\"")]
    pub state: &'static str,
    pub message: Option<String>,
}
