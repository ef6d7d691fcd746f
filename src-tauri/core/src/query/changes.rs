//! What changed between two moments: findings that are **new** (first seen in the window
//! and failing at its end), **fixed** (failing at the start, not at the end) and
//! **regressed** (passed, then failed again within the window, and failing at its end),
//! with counts by framework, requirement, control and account.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
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
    /// The changed findings, newest change first (at most [`LISTED`]).
    pub findings: Vec<ChangedFinding>,
}

/// How many changed findings are listed (newest change first); totals and groups count all.
pub const LISTED: usize = 1000;

/// Changes in the window (`since`, `until`] (ms).
///
/// One range scan over the window's events (index on `at`), one index seek per touched
/// finding for its state before the window, then grouping in SQL over a temporary table
/// of the classified findings.
pub fn changes(conn: &Connection, since: i64, until: i64) -> Result<Changes, StoreError> {
    // fid → (failing before, seen before, failing now, regressed in window, when)
    let mut classified: Vec<(i64, &'static str, i64)> = Vec::new();
    {
        let mut events = conn.prepare(
            "SELECT fid, at, status = 'failed' AND record_state = 'active', status
             FROM finding_history WHERE at > ?1 AND at <= ?2 ORDER BY fid, at, seq",
        )?;
        let mut before = conn.prepare(
            "SELECT status = 'failed' AND record_state = 'active', status FROM finding_history
             WHERE fid = ?1 AND at <= ?2 ORDER BY at DESC, seq DESC LIMIT 1",
        )?;
        let mut rows = events.query(params![since, until])?;
        struct Walk {
            fid: i64,
            seen_before: bool,
            failing_before: bool,
            prev_status: Option<String>,
            first_at: i64,
            regressed_at: Option<i64>,
            failing: bool,
            last_at: i64,
        }
        let finish = |w: &Walk, out: &mut Vec<(i64, &'static str, i64)>| {
            if !w.seen_before && w.failing {
                out.push((w.fid, "new", w.first_at));
            } else if w.failing && w.regressed_at.is_some() {
                out.push((w.fid, "regressed", w.regressed_at.unwrap_or(w.last_at)));
            } else if w.failing_before && !w.failing {
                out.push((w.fid, "fixed", w.last_at));
            }
        };
        let mut cur: Option<Walk> = None;
        while let Some(r) = rows.next()? {
            let (fid, at, failing, status): (i64, i64, bool, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            if cur.as_ref().is_none_or(|w| w.fid != fid) {
                if let Some(w) = cur.take() {
                    finish(&w, &mut classified);
                }
                let prior: Option<(bool, String)> = before
                    .query_row(params![fid, since], |x| Ok((x.get(0)?, x.get(1)?)))
                    .optional()?;
                cur = Some(Walk {
                    fid,
                    seen_before: prior.is_some(),
                    failing_before: prior.as_ref().is_some_and(|p| p.0),
                    prev_status: prior.map(|p| p.1),
                    first_at: at,
                    regressed_at: None,
                    failing: false,
                    last_at: at,
                });
            }
            if let Some(w) = cur.as_mut() {
                if failing && w.prev_status.as_deref() == Some("passed") {
                    w.regressed_at = Some(at);
                }
                w.prev_status = Some(status);
                w.failing = failing;
                w.last_at = at;
            }
        }
        if let Some(w) = cur.take() {
            finish(&w, &mut classified);
        }
    }
    classified.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));

    let mut totals = ChangeCounts::default();
    for (_, kind, _) in &classified {
        totals.add(kind);
    }
    // Group in SQL over a temporary table of the classified findings.
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS changed(fid INTEGER PRIMARY KEY, kind TEXT NOT NULL, at INTEGER NOT NULL);
         DELETE FROM temp.changed;",
    )?;
    {
        let mut ins = conn.prepare("INSERT INTO temp.changed(fid, kind, at) VALUES (?1, ?2, ?3)")?;
        for (fid, kind, at) in &classified {
            ins.execute(params![fid, kind, at])?;
        }
    }
    let group = |sql: &str| -> Result<Vec<ChangeGroup>, StoreError> {
        let mut m: BTreeMap<String, ChangeCounts> = BTreeMap::new();
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (key, kind, n): (String, String, u32) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let e = m.entry(key).or_default();
            for _ in 0..n {
                e.add(&kind);
            }
        }
        let mut v: Vec<ChangeGroup> = m.into_iter().map(|(key, counts)| ChangeGroup { key, counts }).collect();
        v.sort_by(|a, b| {
            let t = |c: &ChangeCounts| c.new + c.fixed + c.regressed;
            t(&b.counts).cmp(&t(&a.counts)).then_with(|| a.key.cmp(&b.key))
        });
        Ok(v)
    };
    let by_framework = group(
        "SELECT framework, kind, count(DISTINCT c.fid) FROM temp.changed c JOIN finding_requirements fr ON fr.fid = c.fid
         GROUP BY framework, kind",
    )?;
    let by_requirement = group(
        "SELECT framework || ':' || requirement, kind, count(*) FROM temp.changed c
         JOIN finding_requirements fr ON fr.fid = c.fid GROUP BY 1, kind",
    )?;
    let by_control = group(
        "SELECT f.mapped_control, kind, count(*) FROM temp.changed c JOIN findings f ON f.fid = c.fid
         WHERE f.mapped_control IS NOT NULL GROUP BY 1, kind",
    )?;
    let by_account = group(
        "SELECT f.account, kind, count(*) FROM temp.changed c JOIN findings f ON f.fid = c.fid GROUP BY 1, kind",
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT f.id, c.kind, c.at, f.title, f.severity, f.account, f.region, f.mapped_control,
                (SELECT json_group_array(fr.framework || ':' || fr.requirement ORDER BY fr.framework, fr.requirement)
                   FROM finding_requirements fr WHERE fr.fid = f.fid)
         FROM temp.changed c JOIN findings f ON f.fid = c.fid
         ORDER BY c.at DESC, f.id LIMIT {LISTED}"
    ))?;
    let findings = stmt
        .query_map([], |r| {
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
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Changes {
        since: format_ts(since),
        until: format_ts(until),
        totals,
        by_framework,
        by_requirement,
        by_control,
        by_account,
        findings,
    })
}
