//! Where each live source stands: one row per (source, account, Region) with the cursor
//! the next sync starts from, the page a run stopped at (so a killed or cancelled run
//! resumes there), and the outcome of the last attempt in plain words.
//!
//! The cursor moves in the same transaction as the page it belongs to (see
//! [`crate::sync`]): a crash leaves either both or neither.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::StoreError;

pub(super) const SCHEMA_V14: &str = "
CREATE TABLE sync_state (
    source        TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    -- Everything updated before this instant (ms) is stored; the next run asks for
    -- what changed since (less a margin for clock skew). NULL: never completed.
    watermark     INTEGER,
    -- A run in progress: when it started (its plan depends on it), the query it was
    -- paging through, and the token of the next page. NULL when no run is pending.
    run_started   INTEGER,
    resume_query  TEXT,
    resume_token  TEXT,
    last_attempt  INTEGER,
    last_success  INTEGER,
    last_error    TEXT,
    last_error_kind TEXT,
    last_pages    INTEGER NOT NULL DEFAULT 0,
    last_findings INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, account, region)
) STRICT;
";

/// One source in one account and Region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct SyncTarget {
    /// `securityhub`, `inspector` or `config`.
    pub source: String,
    pub account: String,
    pub region: String,
}

impl std::fmt::Display for SyncTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.source, self.account, self.region)
    }
}

/// Where a run that did not finish stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    pub run_started: i64,
    /// The key of the query being paged (the plan is rebuilt from `run_started`).
    pub query: String,
    /// The token of the next page of that query; `None` to start the query over.
    pub token: Option<String>,
}

/// The stored cursor of a target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub watermark: Option<i64>,
    pub resume: Option<Resume>,
}

/// What the Sync screen and `rampart sync --status` show for a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceStatus {
    pub target: SyncTarget,
    #[ts(type = "number | null")]
    pub watermark: Option<i64>,
    #[ts(type = "number | null")]
    pub last_attempt: Option<i64>,
    #[ts(type = "number | null")]
    pub last_success: Option<i64>,
    /// The last attempt's error in plain words, or `None` when it succeeded.
    pub last_error: Option<String>,
    /// `denied`, `credentials`, `throttled`, `network`, `service`, `cancelled`, …
    pub last_error_kind: Option<String>,
    /// A run stopped part-way; the next one resumes from its page.
    pub resumable: bool,
    #[ts(type = "number")]
    pub last_pages: i64,
    #[ts(type = "number")]
    pub last_findings: i64,
}

pub fn cursor(conn: &Connection, t: &SyncTarget) -> Result<Cursor, StoreError> {
    let row = conn
        .query_row(
            "SELECT watermark, run_started, resume_query, resume_token FROM sync_state
             WHERE source = ?1 AND account = ?2 AND region = ?3",
            params![t.source, t.account, t.region],
            |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )
        .optional()?;
    Ok(match row {
        None => Cursor::default(),
        Some((watermark, started, query, token)) => Cursor {
            watermark,
            resume: match (started, query) {
                (Some(run_started), Some(query)) => Some(Resume {
                    run_started,
                    query,
                    token,
                }),
                _ => None,
            },
        },
    })
}

fn ensure_row(tx: &Connection, t: &SyncTarget) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO sync_state(source, account, region) VALUES (?1, ?2, ?3)",
        params![t.source, t.account, t.region],
    )?;
    Ok(())
}

/// A run starts: the attempt is recorded (the error of the previous one stays until
/// this one ends).
pub fn begin(conn: &Connection, t: &SyncTarget, at: i64) -> rusqlite::Result<()> {
    ensure_row(conn, t)?;
    conn.execute(
        "UPDATE sync_state SET last_attempt = ?4 WHERE source = ?1 AND account = ?2 AND region = ?3",
        params![t.source, t.account, t.region, at],
    )?;
    Ok(())
}

/// A page was applied: remember where the run is, in the page's own transaction.
pub fn save_progress(tx: &Transaction<'_>, t: &SyncTarget, resume: &Resume) -> rusqlite::Result<()> {
    ensure_row(tx, t)?;
    tx.execute(
        "UPDATE sync_state SET run_started = ?4, resume_query = ?5, resume_token = ?6
         WHERE source = ?1 AND account = ?2 AND region = ?3",
        params![
            t.source,
            t.account,
            t.region,
            resume.run_started,
            resume.query,
            resume.token
        ],
    )?;
    Ok(())
}

/// Every query of the run was paged to its end: the watermark moves to the run's start
/// and the resume point is cleared.
pub fn complete(
    conn: &Connection,
    t: &SyncTarget,
    watermark: i64,
    at: i64,
    pages: i64,
    findings: i64,
) -> rusqlite::Result<()> {
    ensure_row(conn, t)?;
    conn.execute(
        "UPDATE sync_state SET watermark = ?4, run_started = NULL, resume_query = NULL, resume_token = NULL,
            last_success = ?5, last_error = NULL, last_error_kind = NULL, last_pages = ?6, last_findings = ?7
         WHERE source = ?1 AND account = ?2 AND region = ?3",
        params![t.source, t.account, t.region, watermark, at, pages, findings],
    )?;
    Ok(())
}

/// The run stopped on an error (or was cancelled): the resume point stays.
pub fn fail(
    conn: &Connection,
    t: &SyncTarget,
    kind: &str,
    message: &str,
    pages: i64,
    findings: i64,
) -> rusqlite::Result<()> {
    ensure_row(conn, t)?;
    conn.execute(
        "UPDATE sync_state SET last_error = ?4, last_error_kind = ?5, last_pages = ?6, last_findings = ?7
         WHERE source = ?1 AND account = ?2 AND region = ?3",
        params![t.source, t.account, t.region, message, kind, pages, findings],
    )?;
    Ok(())
}

/// Every target ever synced, by source, account and Region.
pub fn statuses(conn: &Connection) -> Result<Vec<SourceStatus>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT source, account, region, watermark, last_attempt, last_success, last_error, last_error_kind,
                resume_query IS NOT NULL, last_pages, last_findings
         FROM sync_state ORDER BY source, account, region",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SourceStatus {
            target: SyncTarget {
                source: r.get(0)?,
                account: r.get(1)?,
                region: r.get(2)?,
            },
            watermark: r.get(3)?,
            last_attempt: r.get(4)?,
            last_success: r.get(5)?,
            last_error: r.get(6)?,
            last_error_kind: r.get(7)?,
            resumable: r.get(8)?,
            last_pages: r.get(9)?,
            last_findings: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
