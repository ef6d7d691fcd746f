//! The Overview: counts by severity, status, source and account, and the latest import.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::model::{Severity, Source};
use crate::store::accounts::{self, AccountInfo};
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

/// Active findings of one account, and how many of them fail, with its name and OU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountCount {
    pub account: String,
    pub name: Option<String>,
    pub ou_id: Option<String>,
    /// Names from the root down (`Root/Workloads/Prod`).
    pub ou_path: Option<String>,
    pub total: u32,
    pub failed: u32,
}

/// Active findings of the accounts in one organizational unit or below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UnitCount {
    pub id: String,
    pub name: String,
    pub path: String,
    /// Accounts in it or below it (whether or not they have findings).
    pub accounts: u32,
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
    pub by_account: Vec<AccountCount>,
    /// Every organizational unit AWS Organizations described (empty when never synced
    /// with Organizations access), by path; each counts the accounts below it too.
    pub by_unit: Vec<UnitCount>,
    pub last_import: Option<ImportSummary>,
    pub imports: u32,
    /// Where live sync stands, or `None` when nothing was ever synced.
    pub sync: Option<SyncHealth>,
}

/// The last live sync at a glance: when, and which sources failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncHealth {
    /// Sources × accounts × Regions ever synced.
    pub targets: u32,
    #[ts(type = "number | null")]
    pub last_attempt: Option<i64>,
    #[ts(type = "number | null")]
    pub last_success: Option<i64>,
    /// Targets whose last attempt failed, each with its error in plain words.
    pub failing: Vec<SyncFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncFailure {
    pub target: String,
    pub error: String,
}

fn sync_health(conn: &Connection) -> Result<Option<SyncHealth>, StoreError> {
    let all = crate::store::sync_state::statuses(conn)?;
    if all.is_empty() {
        return Ok(None);
    }
    Ok(Some(SyncHealth {
        targets: all.len() as u32,
        last_attempt: all.iter().filter_map(|s| s.last_attempt).max(),
        last_success: all.iter().filter_map(|s| s.last_success).max(),
        failing: all
            .iter()
            .filter_map(|s| {
                s.last_error.as_ref().map(|e| SyncFailure {
                    target: s.target.to_string(),
                    error: e.clone(),
                })
            })
            .collect(),
    }))
}

/// Builds the Overview from the store.
pub fn overview(conn: &Connection, db_path: &str) -> Result<Overview, StoreError> {
    overview_of(conn, db_path, &[])
}

/// The Overview of the accounts in organizational units `units` (and the OUs below them):
/// its counts over their findings only; the imports, the sync and the list of OUs stay the
/// workspace's. All accounts when `units` is empty.
pub fn overview_of(conn: &Connection, db_path: &str, units: &[String]) -> Result<Overview, StoreError> {
    let known: HashMap<String, AccountInfo> = accounts::accounts(conn)?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let in_scope =
        |account: &str| units.is_empty() || known.get(account).is_some_and(|a| units.iter().any(|u| a.is_in(u)));
    // One pass over a covering index (findings_overview), aggregated here: the findings
    // table itself, with its long descriptions, is never scanned.
    let mut totals = Totals::default();
    let mut sev: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut src: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut acct: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT record_state, status, severity, source, account, count(*) FROM findings INDEXED BY findings_overview
             GROUP BY record_state, status, severity, source, account",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (state, status, severity, source, account, n): (String, String, String, String, String, u32) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
            if !in_scope(&account) {
                continue;
            }
            totals.findings += n;
            if state != "active" {
                totals.archived += n;
                continue;
            }
            totals.active += n;
            let failed = if status == "failed" { n } else { 0 };
            match status.as_str() {
                "failed" => totals.failed += n,
                "passed" => totals.passed += n,
                "warning" => totals.warning += n,
                _ => totals.not_available += n,
            }
            for (map, key) in [(&mut sev, severity), (&mut src, source), (&mut acct, account)] {
                let e = map.entry(key).or_default();
                e.0 += n;
                e.1 += failed;
            }
        }
    }
    let by_severity = Severity::ALL
        .iter()
        .map(|s| {
            let (total, failed) = sev.get(s.as_str()).copied().unwrap_or_default();
            SeverityCount {
                severity: *s,
                total,
                failed,
            }
        })
        .collect();
    let by_source = Source::ALL
        .iter()
        .map(|s| {
            let (total, failed) = src.get(s.as_str()).copied().unwrap_or_default();
            GroupCount {
                key: s.as_str().to_string(),
                total,
                failed,
            }
        })
        .collect();
    let mut by_account: Vec<AccountCount> = acct
        .into_iter()
        .map(|(account, (total, failed))| {
            let info = known.get(&account);
            AccountCount {
                name: info.and_then(|a| a.name.clone()),
                ou_id: info.and_then(|a| a.ou_id.clone()),
                ou_path: info.and_then(|a| a.ou_path.clone()),
                account,
                total,
                failed,
            }
        })
        .collect();
    by_account.sort_by(|a, b| {
        b.failed
            .cmp(&a.failed)
            .then(b.total.cmp(&a.total))
            .then_with(|| a.account.cmp(&b.account))
    });
    let by_unit = accounts::org_units(conn)?
        .into_iter()
        .map(|u| {
            let (mut total, mut failed) = (0, 0);
            for a in &by_account {
                if known.get(&a.account).is_some_and(|k| k.is_in(&u.id)) {
                    total += a.total;
                    failed += a.failed;
                }
            }
            UnitCount {
                id: u.id,
                name: u.name,
                path: u.path,
                accounts: u.accounts,
                total,
                failed,
            }
        })
        .collect();

    Ok(Overview {
        workspace: WorkspaceInfo {
            db_path: db_path.to_string(),
            is_demo: store::is_demo(conn)?,
            schema_version: store::schema_version() as i32,
        },
        totals,
        by_severity,
        by_source,
        by_account,
        by_unit,
        last_import: imports::latest(conn)?,
        imports: imports::count(conn)?,
        sync: sync_health(conn)?,
    })
}
