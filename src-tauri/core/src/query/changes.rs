//! What changed between two moments: findings that are **new** (first seen in the window
//! and failing at its end), **fixed** (failing at the start, not at the end) and
//! **regressed** (passed, then failed again within the window, and failing at its end),
//! with counts by framework, requirement, control and account.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::store::StoreError;
use crate::time::format_ts;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ChangeCounts {
    pub new: u32,
    pub fixed: u32,
    pub regressed: u32,
}

impl ChangeCounts {
    fn add(&mut self, kind: &str) {
        match kind {
            "new" => self.new += 1,
            "fixed" => self.fixed += 1,
            _ => self.regressed += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangeGroup {
    /// Framework id, `framework:requirement`, control id or account id.
    pub key: String,
    pub counts: ChangeCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangedFinding {
    pub id: String,
    /// new | fixed | regressed
    pub kind: String,
    /// When the finding reached the state that makes it count (RFC 3339).
    pub at: String,
    pub title: String,
    pub severity: String,
    pub account: String,
    pub region: String,
    pub control: Option<String>,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Changes {
    pub since: String,
    pub until: String,
    pub totals: ChangeCounts,
    pub by_framework: Vec<ChangeGroup>,
    pub by_requirement: Vec<ChangeGroup>,
    pub by_control: Vec<ChangeGroup>,
    pub by_account: Vec<ChangeGroup>,
    /// Every changed finding, newest change first.
    pub findings: Vec<ChangedFinding>,
}

/// Changes in the window (`since`, `until`] (ms).
pub fn changes(conn: &Connection, since: i64, until: i64) -> Result<Changes, StoreError> {
    let sql = "
        WITH touched AS (SELECT DISTINCT fid FROM finding_history WHERE at > ?1 AND at <= ?2),
        state_a AS (
            SELECT fid, status = 'failed' AND record_state = 'active' AS failing FROM (
                SELECT h.fid, h.status, h.record_state,
                       row_number() OVER (PARTITION BY h.fid ORDER BY h.at DESC, h.seq DESC) AS n
                FROM finding_history h JOIN touched t ON t.fid = h.fid WHERE h.at <= ?1)
            WHERE n = 1),
        state_b AS (
            SELECT fid, at, status = 'failed' AND record_state = 'active' AS failing FROM (
                SELECT h.fid, h.at, h.status, h.record_state,
                       row_number() OVER (PARTITION BY h.fid ORDER BY h.at DESC, h.seq DESC) AS n
                FROM finding_history h JOIN touched t ON t.fid = h.fid WHERE h.at <= ?2)
            WHERE n = 1),
        firsts AS (
            SELECT h.fid, min(h.at) AS first_at FROM finding_history h JOIN touched t ON t.fid = h.fid GROUP BY h.fid),
        regress AS (
            SELECT fid, max(at) AS at FROM (
                SELECT h.fid, h.at, h.status, h.record_state,
                       lag(h.status) OVER (PARTITION BY h.fid ORDER BY h.at, h.seq) AS prev
                FROM finding_history h JOIN touched t ON t.fid = h.fid WHERE h.at <= ?2)
            WHERE at > ?1 AND status = 'failed' AND record_state = 'active' AND prev = 'passed'
            GROUP BY fid),
        classified AS (
            SELECT b.fid,
                   CASE WHEN fi.first_at > ?1 AND b.failing THEN 'new'
                        WHEN b.failing AND r.fid IS NOT NULL THEN 'regressed'
                        WHEN coalesce(a.failing, 0) AND NOT b.failing THEN 'fixed' END AS kind,
                   CASE WHEN fi.first_at > ?1 AND b.failing THEN fi.first_at
                        WHEN b.failing AND r.fid IS NOT NULL THEN r.at
                        ELSE b.at END AS at
            FROM state_b b JOIN firsts fi ON fi.fid = b.fid
            LEFT JOIN state_a a ON a.fid = b.fid LEFT JOIN regress r ON r.fid = b.fid)
        SELECT f.id, c.kind, c.at, f.title, f.severity, f.account, f.region, f.mapped_control,
               (SELECT json_group_array(fr.framework || ':' || fr.requirement ORDER BY fr.framework, fr.requirement)
                  FROM finding_requirements fr WHERE fr.fid = f.fid)
        FROM classified c JOIN findings f ON f.fid = c.fid
        WHERE c.kind IS NOT NULL
        ORDER BY c.at DESC, f.id";
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![since, until], |r| {
        Ok(ChangedFinding {
            id: r.get(0)?,
            kind: r.get(1)?,
            at: format_ts(r.get(2)?),
            title: r.get(3)?,
            severity: r.get(4)?,
            account: r.get(5)?,
            region: r.get(6)?,
            control: r.get(7)?,
            requirements: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
        })
    })?;
    let findings: Vec<ChangedFinding> = rows.collect::<Result<_, _>>()?;

    let mut totals = ChangeCounts::default();
    let mut by_fw: BTreeMap<String, ChangeCounts> = BTreeMap::new();
    let mut by_req: BTreeMap<String, ChangeCounts> = BTreeMap::new();
    let mut by_ctl: BTreeMap<String, ChangeCounts> = BTreeMap::new();
    let mut by_acct: BTreeMap<String, ChangeCounts> = BTreeMap::new();
    for f in &findings {
        totals.add(&f.kind);
        let mut fws = std::collections::BTreeSet::new();
        for r in &f.requirements {
            by_req.entry(r.clone()).or_default().add(&f.kind);
            if let Some((fw, _)) = r.split_once(':') {
                fws.insert(fw.to_string());
            }
        }
        for fw in fws {
            by_fw.entry(fw).or_default().add(&f.kind);
        }
        if let Some(c) = &f.control {
            by_ctl.entry(c.clone()).or_default().add(&f.kind);
        }
        by_acct.entry(f.account.clone()).or_default().add(&f.kind);
    }
    let groups = |m: BTreeMap<String, ChangeCounts>| -> Vec<ChangeGroup> {
        let mut v: Vec<ChangeGroup> = m.into_iter().map(|(key, counts)| ChangeGroup { key, counts }).collect();
        v.sort_by(|a, b| {
            let t = |c: &ChangeCounts| c.new + c.fixed + c.regressed;
            t(&b.counts).cmp(&t(&a.counts)).then_with(|| a.key.cmp(&b.key))
        });
        v
    };
    Ok(Changes {
        since: format_ts(since),
        until: format_ts(until),
        totals,
        by_framework: groups(by_fw),
        by_requirement: groups(by_req),
        by_control: groups(by_ctl),
        by_account: groups(by_acct),
        findings,
    })
}
