//! The Overview: counts by severity, status, source and account, and the latest import.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::model::{Severity, Source};
use crate::store::imports::{self, ImportSummary};
use crate::store::{self, StoreError};

/// Which database the window is showing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkspaceInfo {
    pub db_path: String,
    pub is_demo: bool,
    pub schema_version: i32,
}

/// Totals. All counts but `findings` and `archived` are over active findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Totals {
    pub findings: u32,
    pub active: u32,
    pub archived: u32,
    pub failed: u32,
    pub passed: u32,
    pub warning: u32,
    pub not_available: u32,
}

/// Active findings of one severity, and how many of them fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SeverityCount {
    pub severity: Severity,
    pub total: u32,
    pub failed: u32,
}

/// Active findings of one source or account, and how many of them fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct GroupCount {
    pub key: String,
    pub total: u32,
    pub failed: u32,
}

/// Everything the Overview screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Overview {
    pub workspace: WorkspaceInfo,
    pub totals: Totals,
    /// Every severity, most severe first, including those with no findings.
    pub by_severity: Vec<SeverityCount>,
    /// Every source, including those with no findings.
    pub by_source: Vec<GroupCount>,
    /// Accounts with active findings, most failures first.
    pub by_account: Vec<GroupCount>,
    pub last_import: Option<ImportSummary>,
    pub imports: u32,
}

/// Builds the Overview from the store.
pub fn overview(conn: &Connection, db_path: &str) -> Result<Overview, StoreError> {
    let totals = conn.query_row(
        "SELECT count(*),
                coalesce(sum(record_state = 'active'), 0),
                coalesce(sum(record_state = 'archived'), 0),
                coalesce(sum(record_state = 'active' AND status = 'failed'), 0),
                coalesce(sum(record_state = 'active' AND status = 'passed'), 0),
                coalesce(sum(record_state = 'active' AND status = 'warning'), 0),
                coalesce(sum(record_state = 'active' AND status = 'not_available'), 0)
         FROM findings",
        [],
        |r| {
            Ok(Totals {
                findings: r.get(0)?,
                active: r.get(1)?,
                archived: r.get(2)?,
                failed: r.get(3)?,
                passed: r.get(4)?,
                warning: r.get(5)?,
                not_available: r.get(6)?,
            })
        },
    )?;

    let grouped = |column: &str| -> Result<Vec<GroupCount>, StoreError> {
        // `column` is one of two fixed names below, never user input.
        let sql = format!(
            "SELECT {column}, count(*), coalesce(sum(status = 'failed'), 0) FROM findings
             WHERE record_state = 'active' GROUP BY {column} ORDER BY 3 DESC, 2 DESC, 1"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(GroupCount {
                key: r.get(0)?,
                total: r.get(1)?,
                failed: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    };

    let sev_rows = grouped("severity")?;
    let by_severity = Severity::ALL
        .iter()
        .map(|s| {
            let row = sev_rows.iter().find(|g| g.key == s.as_str());
            SeverityCount {
                severity: *s,
                total: row.map_or(0, |g| g.total),
                failed: row.map_or(0, |g| g.failed),
            }
        })
        .collect();
    let src_rows = grouped("source")?;
    let by_source = Source::ALL
        .iter()
        .map(|s| {
            src_rows
                .iter()
                .find(|g| g.key == s.as_str())
                .cloned()
                .unwrap_or(GroupCount {
                    key: s.as_str().to_string(),
                    total: 0,
                    failed: 0,
                })
        })
        .collect();

    Ok(Overview {
        workspace: WorkspaceInfo {
            db_path: db_path.to_string(),
            is_demo: store::meta(conn, "demo")?.as_deref() == Some("1"),
            schema_version: store::schema_version() as i32,
        },
        totals,
        by_severity,
        by_source,
        by_account: grouped("account")?,
        last_import: imports::latest(conn)?,
        imports: imports::count(conn)?,
    })
}
