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

impl IpcError {
    /// Maps an error from the workspace glue, keeping the store's stable codes.
    pub fn from_anyhow(e: &anyhow::Error) -> IpcError {
        match e.downcast_ref::<rampart_core::StoreError>() {
            Some(s) => IpcError::new(s.code(), s.to_string()),
            None if e.to_string().contains("the catalog has errors") => {
                IpcError::new("catalog_error", format!("{e:#}"))
            }
            None => IpcError::new("internal", format!("{e:#}")),
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
