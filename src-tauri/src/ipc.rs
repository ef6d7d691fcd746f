//! Shapes that cross the IPC boundary and are not core data: the error every command
//! returns, and the workspace's readiness.

use rampart_core::error::{NotFound, Refusal};
use rampart_core::{ErrorCode, Invalid, StoreError};
use serde::Serialize;
use ts_rs::TS;

use crate::workspace::{CatalogRefused, FileRefused};

/// The one error shape the window receives: a stable `code` the UI branches on, the
/// message to show, and for invalid input the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    /// For `bad_request`: the request field that is wrong (`by`, `owner`, `expires`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// Maps an error from the workspace glue by its type, keeping the core's codes.
    pub fn from_anyhow(e: &anyhow::Error) -> IpcError {
        if let Some(s) = e.downcast_ref::<StoreError>() {
            return IpcError::from(s);
        }
        if let Some(i) = e.downcast_ref::<Invalid>() {
            return IpcError::from(i.clone());
        }
        if let Some(r) = e.downcast_ref::<Refusal>() {
            return IpcError::from(r.clone());
        }
        if let Some(n) = e.downcast_ref::<NotFound>() {
            return IpcError::new(ErrorCode::NotFound, n.to_string());
        }
        if let Some(f) = e.downcast_ref::<FileRefused>() {
            return IpcError::new(ErrorCode::BadRequest, f.to_string());
        }
        if e.downcast_ref::<CatalogRefused>().is_some() {
            return IpcError::new(ErrorCode::CatalogError, format!("{e:#}"));
        }
        IpcError::new(ErrorCode::Internal, format!("{e:#}"))
    }
}

impl From<&StoreError> for IpcError {
    fn from(e: &StoreError) -> IpcError {
        IpcError {
            code: e.code(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
        }
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> IpcError {
        IpcError::from(&e)
    }
}

impl From<Invalid> for IpcError {
    fn from(e: Invalid) -> IpcError {
        IpcError {
            code: ErrorCode::BadRequest,
            message: e.to_string(),
            field: Some(e.field),
        }
    }
}

impl From<NotFound> for IpcError {
    fn from(e: NotFound) -> IpcError {
        IpcError::new(ErrorCode::NotFound, e.0)
    }
}

impl From<Refusal> for IpcError {
    fn from(e: Refusal) -> IpcError {
        match e {
            Refusal::Invalid(i) => i.into(),
            Refusal::NotFound(n) => n.into(),
        }
    }
}

impl From<anyhow::Error> for IpcError {
    fn from(e: anyhow::Error) -> IpcError {
        IpcError::from_anyhow(&e)
    }
}

/// Whether the workspace can be queried yet (the demo is built on first start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkspaceStatus {
    #[ts(type = "\"ready\" | \"preparing\" | \"error\"")]
    pub state: &'static str,
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_their_code_and_field_by_type_not_text() {
        let invalid: anyhow::Error = Invalid::new("owner", "required").into();
        let e = IpcError::from_anyhow(&invalid);
        assert_eq!(
            (e.code, e.field.as_deref(), e.message.as_str()),
            (ErrorCode::BadRequest, Some("owner"), "owner: required")
        );
        let sources = vec![rampart_core::catalog::Source::new("x.toml", "[framework\n")];
        let refused: anyhow::Error = crate::workspace::catalog_from(&sources).expect_err("broken").into();
        assert_eq!(IpcError::from_anyhow(&refused).code, ErrorCode::CatalogError);
        // A message that merely says the words is not a catalog error.
        let text = anyhow::anyhow!("the catalog has errors, says a finding's title");
        assert_eq!(IpcError::from_anyhow(&text).code, ErrorCode::Internal);
        let missing: anyhow::Error = rampart_core::error::NotFound("no such thing".into()).into();
        assert_eq!(IpcError::from_anyhow(&missing).code, ErrorCode::NotFound);
        let json = serde_json::to_value(IpcError::new(ErrorCode::Busy, "one at a time")).expect("json");
        assert_eq!(json, serde_json::json!({"code": "busy", "message": "one at a time"}));
    }
}
