//! The stable error codes Rampart reports: to the window across IPC (the UI branches on
//! them, never on the message) and to scripts. Each module keeps its own error enum and
//! says which code each variant carries.

use serde::Serialize;
use ts_rs::TS;

/// The stable code of every error Rampart reports, at the IPC boundary and to scripts.
/// The window branches on it, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The workspace is still being prepared (the first start builds the demo): retry shortly.
    NotReady,
    /// The database was written by a newer Rampart: upgrade to open it.
    NewerSchema,
    /// The file is not a Rampart workspace (another SQLite database, or not SQLite at all).
    NotRampart,
    /// The database could not be opened or queried.
    DbError,
    /// What was asked for does not exist: a framework, requirement, finding or acceptance.
    NotFound,
    /// The request was refused as invalid; the error names the field.
    BadRequest,
    /// The compliance catalog (built in plus the user's files) does not load or validate.
    CatalogError,
    /// A sync is already running (one at a time).
    Busy,
    /// Anything else.
    Internal,
}

impl ErrorCode {
    /// The code as it is sent (`not_ready`, `bad_request`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotReady => "not_ready",
            ErrorCode::NewerSchema => "newer_schema",
            ErrorCode::NotRampart => "not_rampart",
            ErrorCode::DbError => "db_error",
            ErrorCode::NotFound => "not_found",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::CatalogError => "catalog_error",
            ErrorCode::Busy => "busy",
            ErrorCode::Internal => "internal",
        }
    }
}

/// Scripts and tests compare a code with its name.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused request: the field it is about and what is wrong with it. Shown as
/// `field: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &str, message: impl std::fmt::Display) -> Invalid {
        Invalid {
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}

/// A request about something that does not exist (a framework, a requirement, a finding).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotFound(pub String);

/// A refusal of a request: invalid input, or something that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    NotFound(#[from] NotFound),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_is_sent_as_its_name() {
        for code in [
            ErrorCode::NotReady,
            ErrorCode::NewerSchema,
            ErrorCode::NotRampart,
            ErrorCode::DbError,
            ErrorCode::NotFound,
            ErrorCode::BadRequest,
            ErrorCode::CatalogError,
            ErrorCode::Busy,
            ErrorCode::Internal,
        ] {
            assert_eq!(serde_json::to_value(code).expect("json"), code.as_str());
        }
    }
}
