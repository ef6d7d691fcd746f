//! The `imports` table: one row per file (or sync batch) applied, with what it changed.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::StoreError;
use crate::time::format_ts;

pub(super) const SCHEMA_V1: &str = "
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    label       TEXT    NOT NULL,   -- file name, '-' for stdin, or the demo day
    shape       TEXT    NOT NULL,   -- see import::Shape::as_str
    started_at  INTEGER NOT NULL,   -- ms since epoch
    finished_at INTEGER NOT NULL,
    findings    INTEGER NOT NULL,   -- findings read from the file
    inserted    INTEGER NOT NULL,   -- new findings
    updated     INTEGER NOT NULL,   -- findings replaced by a newer version
    unchanged   INTEGER NOT NULL,   -- same UpdatedAt as stored: nothing to do
    stale       INTEGER NOT NULL,   -- older than stored: kept for history only
    history     INTEGER NOT NULL    -- status-history events recorded
) STRICT;
";

/// What one imported file did to the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportSummary {
    pub id: i32,
    pub label: String,
    pub shape: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    pub findings: u32,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub stale: u32,
    /// Findings not applied because a time they carry lies in the future (beyond
    /// [`crate::limits::FUTURE_ALLOWANCE_MS`]).
    pub future: u32,
    /// Findings kept with a value outside their format's documented ones, read as the
    /// nearest (see `model::Finding::lenient`).
    pub lenient: u32,
}

/// Counters kept while a file is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub findings: u32,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub stale: u32,
    pub history: u32,
    /// Not applied: dated in the future.
    pub future: u32,
    /// Read leniently: a value outside the documented ones, read as the nearest.
    pub lenient: u32,
}

/// The most recent import, if any.
pub fn latest(conn: &Connection) -> Result<Option<ImportSummary>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, label, shape, started_at, finished_at, findings, inserted, updated, unchanged, stale, future, lenient
             FROM imports ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(ImportSummary {
                    id: r.get(0)?,
                    label: r.get(1)?,
                    shape: r.get(2)?,
                    started_at: format_ts(r.get(3)?),
                    finished_at: format_ts(r.get(4)?),
                    findings: r.get(5)?,
                    inserted: r.get(6)?,
                    updated: r.get(7)?,
                    unchanged: r.get(8)?,
                    stale: r.get(9)?,
                    future: r.get(10)?,
                    lenient: r.get(11)?,
                })
            },
        )
        .optional()?)
}

/// How many imports the workspace has seen.
pub fn count(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM imports", [], |r| r.get(0))?)
}
