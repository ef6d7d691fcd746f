//! Finding age, remediation deadlines and time to remediate.
//!
//! A failing finding is due `SLA days` (per severity) after it was first seen; past that it
//! is **overdue**. Mean time to remediate is measured on the history: from the moment a
//! finding started failing to the moment it stopped (passed, or archived), over every such
//! run that ended, grouped by the finding's severity.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::model::Severity;
use crate::store::findings::flags;
use crate::store::settings::SlaDays;
use crate::store::StoreError;
use crate::time::DAY_MS;

/// Age and deadline of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub age_days: u32,
    /// When it is due (ms), for failing active findings with an SLA.
    pub due: Option<i64>,
    pub overdue: bool,
}

/// Age and deadline of a finding first seen at `first_seen` (ms).
pub fn deadline(sla: &SlaDays, severity: Severity, failing: bool, first_seen: i64, now: i64) -> Deadline {
    let age_days = ((now - first_seen).max(0) / DAY_MS) as u32;
    let due = if failing {
        sla.days(severity).map(|d| first_seen + i64::from(d) * DAY_MS)
    } else {
        None
    };
    Deadline {
        age_days,
        due,
        overdue: due.is_some_and(|d| now > d),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SeveritySla {
    pub severity: Severity,
    pub sla_days: Option<u32>,
    /// Active failing findings of this severity.
    pub open: u32,
    pub overdue: u32,
    /// Failing runs that ended (fixed or archived), and their mean length in days.
    pub remediated: u32,
    pub mean_days_to_remediate: Option<f64>,
    /// Age in days of the oldest open finding.
    pub oldest_open_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlaSummary {
    pub sla: SlaDays,
    pub by_severity: Vec<SeveritySla>,
}

/// Open, overdue and time-to-remediate figures per severity at `now`.
pub fn summary(conn: &Connection, now: i64) -> Result<SlaSummary, StoreError> {
    summary_of(conn, now, &[])
}

/// [`summary`] over the findings of the accounts in organizational units `units` (and the
/// OUs below them); all findings when `units` is empty.
pub fn summary_of(conn: &Connection, now: i64, units: &[String]) -> Result<SlaSummary, StoreError> {
    let scope = crate::store::accounts::accounts_in(conn, units)?;
    summary_where(conn, now, |_, account| {
        scope.as_ref().is_none_or(|s| s.contains(account))
    })
}

/// [`summary`] over the findings `filter` matches (the explorer's filters: the SLA strip
/// follows what the list shows). Open and overdue count the matching active failing
/// findings; time to remediate, the matching findings' ended failing runs.
pub fn summary_for(
    conn: &Connection,
    now: i64,
    filter: &crate::query::findings::FindingFilter,
) -> Result<SlaSummary, StoreError> {
    let matching = crate::query::findings::matching_fids(conn, filter)?;
    summary_where(conn, now, |fid, _| {
        usize::try_from(fid)
            .ok()
            .and_then(|i| matching.get(i))
            .copied()
            .unwrap_or(false)
    })
}

/// The SLA figures over the findings `keep` (given a finding's row id and account) accepts.
fn summary_where(conn: &Connection, now: i64, keep: impl Fn(i64, &str) -> bool) -> Result<SlaSummary, StoreError> {
    let sla = SlaDays::load(conn)?;
    let mut open: BTreeMap<Severity, (u32, u32, Option<u32>)> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT severity, coalesce(first_observed_at, created_at), account, fid FROM findings
             WHERE record_state = 'active' AND status = 'failed'",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if !keep(r.get(3)?, r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?) {
                continue;
            }
            let Some(sev) = Severity::parse_label(&r.get::<_, String>(0)?) else {
                continue;
            };
            let d = deadline(&sla, sev, true, r.get(1)?, now);
            let e = open.entry(sev).or_default();
            e.0 += 1;
            e.1 += u32::from(d.overdue);
            e.2 = Some(e.2.map_or(d.age_days, |o: u32| o.max(d.age_days)));
        }
    }
    // Failing runs that ended, from the history. Each event's flags say whether it and
    // the event before it were failing, so a run starts at an event that fails after one
    // that did not and ends at one that does not fail after one that did. The total
    // length of a finding's ended runs is then Σ ends − Σ starts + (the start of its
    // run still open, if any): one scan of the window index, no per-finding seeks.
    let mut runs: BTreeMap<Severity, (u32, f64)> = BTreeMap::new();
    {
        let max_fid: i64 = conn.query_row("SELECT coalesce(max(fid), 0) FROM findings", [], |r| r.get(0))?;
        let n = usize::try_from(max_fid).unwrap_or(0) + 1;
        // Per fid: (Σ end − Σ start in ms, ended runs, start of the open run).
        let mut per: Vec<(i64, u32, Option<i64>)> = vec![(0, 0, None); n];
        let mut stmt = conn
            .prepare("SELECT fid, at, flags FROM finding_history INDEXED BY finding_history_window ORDER BY at, fid")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(e) = usize::try_from(r.get::<_, i64>(0)?).ok().and_then(|i| per.get_mut(i)) else {
                continue;
            };
            let (at, bits): (i64, i64) = (r.get(1)?, r.get(2)?);
            let failing = bits & flags::FAILING != 0;
            let was = bits & flags::PREV_FAILING != 0;
            if failing && !was {
                e.0 -= at;
                e.2 = Some(at);
            } else if !failing && was {
                e.0 += at;
                e.1 += 1;
                e.2 = None;
            }
        }
        let mut stmt = conn.prepare("SELECT fid, severity, account FROM findings INDEXED BY findings_overview")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if !keep(r.get(0)?, r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?) {
                continue;
            }
            let Some(&(sum, ended, open)) = usize::try_from(r.get::<_, i64>(0)?).ok().and_then(|i| per.get(i)) else {
                continue;
            };
            if ended == 0 {
                continue;
            }
            let Some(sev) = Severity::parse_label(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?) else {
                continue;
            };
            let e = runs.entry(sev).or_default();
            e.0 += ended;
            e.1 += (sum + open.unwrap_or(0)) as f64 / DAY_MS as f64;
        }
    }
    let by_severity = Severity::ALL
        .iter()
        .map(|s| {
            let (o, over, oldest) = open.get(s).copied().unwrap_or_default();
            let (n, total) = runs.get(s).copied().unwrap_or_default();
            SeveritySla {
                severity: *s,
                sla_days: sla.days(*s),
                open: o,
                overdue: over,
                remediated: n,
                mean_days_to_remediate: (n > 0).then(|| total / f64::from(n)),
                oldest_open_days: oldest,
            }
        })
        .collect();
    Ok(SlaSummary { sla, by_severity })
}

/// Open failing findings of one owner (or of nobody).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OwnerSla {
    /// None: findings no assignment covers.
    pub owner: Option<String>,
    /// Active failing findings, accepted risks excluded.
    pub open: u32,
    pub overdue: u32,
    /// Active failing findings a valid risk acceptance covers (not due while it lasts).
    pub accepted: u32,
    /// The earliest deadline among the open ones not yet overdue (RFC 3339).
    pub next_due: Option<String>,
    /// Days past due of the most overdue one.
    pub most_overdue_days: Option<u32>,
}

/// Open, overdue and accepted failing findings per remediation owner (see
/// [`crate::store::owners`]), owners with the most overdue first, the unowned last.
pub fn by_owner(conn: &Connection, now: i64) -> Result<Vec<OwnerSla>, StoreError> {
    let sla = SlaDays::load(conn)?;
    let owners = crate::store::owners::Owners::load(conn)?;
    let accepted = crate::store::acceptances::coverage(conn, now, None)?.findings;
    let mut per: BTreeMap<Option<String>, OwnerSla> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT fid, id, mapped_control, account, severity, coalesce(first_observed_at, created_at) FROM findings
         WHERE record_state = 'active' AND status = 'failed'",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (fid, id, control, account): (i64, String, Option<String>, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let owner = owners.of(&id, control.as_deref(), &account).map(str::to_string);
        let e = per.entry(owner.clone()).or_insert_with(|| OwnerSla {
            owner,
            open: 0,
            overdue: 0,
            accepted: 0,
            next_due: None,
            most_overdue_days: None,
        });
        if accepted.contains(&fid) {
            e.accepted += 1;
            continue;
        }
        e.open += 1;
        let sev = Severity::parse_label(&r.get::<_, String>(4)?).unwrap_or(Severity::Informational);
        let d = deadline(&sla, sev, true, r.get(5)?, now);
        match d.due {
            Some(due) if d.overdue => {
                e.overdue += 1;
                let late = ((now - due) / DAY_MS) as u32;
                e.most_overdue_days = Some(e.most_overdue_days.map_or(late, |m| m.max(late)));
            }
            Some(due) => {
                let text = crate::time::format_ts(due);
                if e.next_due.as_ref().is_none_or(|n| text < *n) {
                    e.next_due = Some(text);
                }
            }
            None => {}
        }
    }
    let mut out: Vec<OwnerSla> = per.into_values().collect();
    out.sort_by(|a, b| {
        a.owner
            .is_none()
            .cmp(&b.owner.is_none())
            .then(b.overdue.cmp(&a.overdue))
            .then(b.open.cmp(&a.open))
            .then(a.owner.cmp(&b.owner))
    });
    Ok(out)
}
