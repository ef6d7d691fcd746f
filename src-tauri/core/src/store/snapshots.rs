//! Daily posture snapshots: for every day from the first recorded event to today, the
//! status of every requirement and each framework's scores, as of the end of that day
//! (UTC). Days on which nothing was imported carry the last known state forward and are
//! marked `carried`.
//!
//! Derived data, refreshed by [`Store::refresh_snapshots`]: from scratch when the catalog
//! changes, otherwise from the earliest day touched by history written since the last
//! refresh — so an older export imported late recomputes the days it falls in.
//!
//! One sweep over the history in time order keeps per-requirement counters up to date as
//! findings change state; each day's snapshot is read off the counters.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, OptionalExtension};

use super::{acceptances, meta, Store, StoreError};
use crate::catalog::Catalog;
use crate::score::{self, UnitCounts};
use crate::time::{day_of_ms as day_of, end_of_day_ms as end_of, DAY_MS};

pub(super) const SCHEMA_V5: &str = "
CREATE TABLE snapshot_frameworks (
    framework       TEXT    NOT NULL,
    day             TEXT    NOT NULL,   -- YYYY-MM-DD (UTC); the state at the end of the day
    passing         INTEGER NOT NULL,
    failing         INTEGER NOT NULL,
    no_data         INTEGER NOT NULL,
    attested        INTEGER NOT NULL,
    expired         INTEGER NOT NULL,
    not_attested    INTEGER NOT NULL,
    controls_passed INTEGER NOT NULL,
    controls_failed INTEGER NOT NULL,
    failed_findings INTEGER NOT NULL,   -- active failing findings mapped to the framework
    carried         INTEGER NOT NULL,   -- 1: nothing was imported that day
    PRIMARY KEY (framework, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE snapshot_requirements (
    framework   TEXT    NOT NULL,
    requirement TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    failed      INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    PRIMARY KEY (framework, requirement, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX snapshot_requirements_day ON snapshot_requirements(framework, day);
";

/// The score of a day (`crate::score`): each framework's and each requirement's, null
/// without data. The snapshots are recomputed from scratch on the next refresh.
pub(super) const SCHEMA_V16: &str = "
ALTER TABLE snapshot_frameworks ADD COLUMN score REAL;
ALTER TABLE snapshot_requirements ADD COLUMN score REAL;
DELETE FROM workspace_meta WHERE key = 'snapshots_fingerprint';
";

/// What a finding counts towards: requirement slots, (framework, control) slots, score
/// units ((requirement, control or "") slots), frameworks.
#[derive(Default)]
struct Slots {
    requirements: Vec<usize>,
    controls: Vec<usize>,
    units: Vec<usize>,
    frameworks: Vec<usize>,
}

/// A failing finding in a risk acceptance's scope, with the slots it counts towards.
struct AcceptedFinding {
    fid: i64,
    requirements: Vec<usize>,
    controls: Vec<usize>,
    units: Vec<usize>,
}

/// One framework's snapshot of a day: the counts (passing, failing, no data, attested,
/// expired, not attested, controls passed, controls failed, failed findings) and the score.
struct FrameworkRow {
    framework: String,
    day: String,
    counts: [u32; 10],
    score: Option<f64>,
    carried: bool,
}

/// One requirement's snapshot of a day.
struct RequirementRow {
    framework: String,
    requirement: String,
    day: String,
    status: &'static str,
    failed: u32,
    passed: u32,
    score: Option<f64>,
}

/// What a finding counts as in a snapshot.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Absent = 0,
    Failed = 1,
    Passed = 2,
    Other = 3,
}

fn verdict(status: &str, record_state: &str) -> Verdict {
    match (record_state, status) {
        ("active", "failed") => Verdict::Failed,
        ("active", "passed") => Verdict::Passed,
        ("active", _) => Verdict::Other,
        _ => Verdict::Absent,
    }
}

impl Store {
    /// Brings the daily snapshots up to `today` (inclusive). Returns the number of days
    /// written.
    pub fn refresh_snapshots(&mut self, catalog: &Catalog, today: NaiveDate) -> Result<u32, StoreError> {
        let conn = self.conn();
        let same_catalog = meta(conn, "snapshots_fingerprint")?.as_deref() == Some(catalog.fingerprint.as_str());
        let seen_seq: i64 = meta(conn, "snapshots_history_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let seen_att: i64 = meta(conn, "snapshots_attestation_id")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let through: Option<NaiveDate> =
            meta(conn, "snapshots_through")?.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
        let (first_at, max_seq): (Option<i64>, i64) =
            conn.query_row("SELECT min(at), coalesce(max(seq), 0) FROM finding_history", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let Some(first_at) = first_at else { return Ok(0) };
        let first_day = day_of(first_at);
        let max_att: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM attestations", [], |r| r.get(0))?;
        let seen_audit: i64 = meta(conn, "snapshots_audit_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let max_audit: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| r.get(0))?;

        // The earliest day whose snapshot may have changed.
        let mut from = match (same_catalog, through) {
            (true, Some(t)) => t + Duration::days(1),
            _ => first_day,
        };
        if same_catalog {
            let touched: Option<i64> =
                conn.query_row("SELECT min(at) FROM finding_history WHERE seq > ?1", [seen_seq], |r| {
                    r.get(0)
                })?;
            if let Some(t) = touched {
                from = from.min(day_of(t));
            }
            let att: Option<i64> = conn.query_row(
                "SELECT min(min(attested_at, coalesce(expires_at, attested_at))) FROM attestations WHERE id > ?1",
                [seen_att],
                |r| r.get(0),
            )?;
            if let Some(t) = att {
                from = from.min(day_of(t));
            }
            // Risk acceptances made or revoked since: from the day they were.
            let gov: Option<i64> = conn.query_row(
                "SELECT min(at) FROM audit_log WHERE seq > ?1 AND action IN ('acceptance.create', 'acceptance.revoke')",
                [seen_audit],
                |r| r.get(0),
            )?;
            if let Some(t) = gov {
                from = from.min(day_of(t));
            }
        }
        from = from.max(first_day);
        if from > today {
            return Ok(0);
        }

        // Requirement slots and each finding's slots.
        let mut slot_of: HashMap<(String, String), usize> = HashMap::new();
        let mut slots: Vec<(usize, usize)> = Vec::new(); // (framework index, requirement index)
        for (fi, fw) in catalog.frameworks.iter().enumerate() {
            for (ri, r) in fw.requirements.iter().enumerate() {
                slot_of.insert((fw.id.clone(), r.id.clone()), slots.len());
                slots.push((fi, ri));
            }
        }
        let mut control_slot: HashMap<(usize, String), usize> = HashMap::new();
        // Score units: (requirement slot, control or "") → unit slot.
        let mut unit_slot: HashMap<(usize, String), usize> = HashMap::new();
        let mut finding_slots: HashMap<i64, Slots> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT fr.fid, fr.framework, fr.requirement, f.mapped_control
                 FROM finding_requirements fr JOIN findings f ON f.fid = fr.fid",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let fid: i64 = r.get(0)?;
                let key = (r.get::<_, String>(1)?, r.get::<_, String>(2)?);
                let Some(&slot) = slot_of.get(&key) else { continue };
                let entry = finding_slots.entry(fid).or_default();
                entry.requirements.push(slot);
                if !entry.frameworks.contains(&slots[slot].0) {
                    entry.frameworks.push(slots[slot].0);
                }
                let control: Option<String> = r.get(3)?;
                let n = unit_slot.len();
                let us = *unit_slot
                    .entry((slot, control.clone().unwrap_or_default()))
                    .or_insert(n);
                if !entry.units.contains(&us) {
                    entry.units.push(us);
                }
                if let Some(control) = control {
                    let fi = slots[slot].0;
                    let n = control_slot.len();
                    let cs = *control_slot.entry((fi, control)).or_insert(n);
                    if !entry.controls.contains(&cs) {
                        entry.controls.push(cs);
                    }
                }
            }
        }
        let control_fw: Vec<usize> = {
            let mut v = vec![0; control_slot.len()];
            for ((fi, _), i) in &control_slot {
                v[*i] = *fi;
            }
            v
        };
        // Each requirement slot's units with their weights.
        let definitions = super::definitions::all(conn)?;
        let mut units_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); slots.len()];
        for ((slot, control), &u) in &unit_slot {
            units_of[*slot].push((u, score::unit_weight(catalog, &definitions, control)));
        }
        // Attestations per manual requirement slot, in time order.
        let mut attestations: HashMap<usize, Vec<(i64, Option<i64>)>> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT framework, requirement, attested_at, expires_at FROM attestations ORDER BY attested_at, id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(&slot) = slot_of.get(&(r.get::<_, String>(0)?, r.get::<_, String>(1)?)) {
                    attestations.entry(slot).or_default().push((r.get(2)?, r.get(3)?));
                }
            }
        }
        // Risk acceptances, with the requirement and control slots of the findings in
        // their scope: on a day one is valid, those of its findings failing that day
        // count as accepted, not failed.
        struct Accepted {
            scoped: acceptances::Scoped,
            findings: Vec<AcceptedFinding>,
        }
        let accepted: Vec<Accepted> = acceptances::scoped(conn, None)?
            .into_iter()
            .map(|a| {
                let findings = a
                    .findings
                    .iter()
                    .map(|(fid, control, pairs)| {
                        let mut rs = Vec::new();
                        let mut cs = Vec::new();
                        let mut us = Vec::new();
                        for p in pairs {
                            if let Some(&slot) = slot_of.get(p) {
                                rs.push(slot);
                                if let Some(&c) = control_slot.get(&(slots[slot].0, control.clone())) {
                                    cs.push(c);
                                }
                                if let Some(&u) = unit_slot.get(&(slot, control.clone())) {
                                    us.push(u);
                                }
                            }
                        }
                        AcceptedFinding {
                            fid: *fid,
                            requirements: rs,
                            controls: cs,
                            units: us,
                        }
                    })
                    .collect();
                Accepted { scoped: a, findings }
            })
            .collect();
        let import_days: std::collections::HashSet<NaiveDate> = {
            let mut stmt = conn.prepare("SELECT DISTINCT finished_at / ?1 FROM imports")?;
            let rows = stmt.query_map([DAY_MS], |r| r.get::<_, i64>(0))?;
            rows.filter_map(Result::ok).map(|d| day_of(d * DAY_MS)).collect()
        };

        // The sweep.
        let mut state: HashMap<i64, Verdict> = HashMap::new();
        let mut req_counts = vec![[0u32; 4]; slots.len()];
        let mut ctl_counts = vec![[0u32; 4]; control_slot.len()];
        let mut unit_counts = vec![[0u32; 4]; unit_slot.len()];
        let mut fw_failed = vec![0u32; catalog.frameworks.len()];
        let mut fw_rows: Vec<FrameworkRow> = Vec::new();
        let mut req_rows: Vec<RequirementRow> = Vec::new();
        let mut stmt = conn.prepare("SELECT fid, at, status, record_state FROM finding_history ORDER BY at, seq")?;
        let mut events = stmt.query([])?;
        let mut pending: Option<(i64, i64, Verdict)> = None;
        let mut day = first_day;
        while day <= today {
            let cutoff = end_of(day);
            loop {
                let ev = match pending.take() {
                    Some(e) => e,
                    None => match events.next()? {
                        Some(r) => (
                            r.get(0)?,
                            r.get(1)?,
                            verdict(&r.get::<_, String>(2)?, &r.get::<_, String>(3)?),
                        ),
                        None => break,
                    },
                };
                if ev.1 > cutoff {
                    pending = Some(ev);
                    break;
                }
                let (fid, _, new) = ev;
                let old = state.insert(fid, new).unwrap_or(Verdict::Absent);
                if old != new {
                    if let Some(Slots {
                        requirements: rs,
                        controls: cs,
                        units: us,
                        frameworks: fws,
                    }) = finding_slots.get(&fid)
                    {
                        for &f in fws {
                            fw_failed[f] -= u32::from(old == Verdict::Failed);
                            fw_failed[f] += u32::from(new == Verdict::Failed);
                        }
                        for &s in rs {
                            req_counts[s][old as usize] -= u32::from(old != Verdict::Absent);
                            req_counts[s][new as usize] += u32::from(new != Verdict::Absent);
                        }
                        for &c in cs {
                            ctl_counts[c][old as usize] -= u32::from(old != Verdict::Absent);
                            ctl_counts[c][new as usize] += u32::from(new != Verdict::Absent);
                        }
                        for &u in us {
                            unit_counts[u][old as usize] -= u32::from(old != Verdict::Absent);
                            unit_counts[u][new as usize] += u32::from(new != Verdict::Absent);
                        }
                    }
                }
            }
            if day >= from {
                let carried = !import_days.contains(&day);
                let day_s = day.format("%Y-%m-%d").to_string();
                // Failing findings accepted that day, per requirement and control slot.
                let mut req_accepted: HashMap<usize, u32> = HashMap::new();
                let mut ctl_accepted: HashMap<usize, u32> = HashMap::new();
                let mut unit_accepted: HashMap<usize, u32> = HashMap::new();
                // (fid, slot, which counter: 0 requirement, 1 control, 2 unit)
                let mut seen: std::collections::HashSet<(i64, usize, u8)> = std::collections::HashSet::new();
                for a in accepted.iter().filter(|a| a.scoped.valid_at(cutoff)) {
                    for AcceptedFinding {
                        fid,
                        requirements: rs,
                        controls: cs,
                        units: us,
                    } in &a.findings
                    {
                        if state.get(fid) != Some(&Verdict::Failed) {
                            continue;
                        }
                        for &r in rs {
                            if seen.insert((*fid, r, 0)) {
                                *req_accepted.entry(r).or_default() += 1;
                            }
                        }
                        for &c in cs {
                            if seen.insert((*fid, c, 1)) {
                                *ctl_accepted.entry(c).or_default() += 1;
                            }
                        }
                        for &u in us {
                            if seen.insert((*fid, u, 2)) {
                                *unit_accepted.entry(u).or_default() += 1;
                            }
                        }
                    }
                }
                let mut per_fw = vec![[0u32; 10]; catalog.frameworks.len()];
                let mut fw_scores: Vec<Vec<Option<f64>>> = vec![Vec::new(); catalog.frameworks.len()];
                for (slot, &(fi, ri)) in slots.iter().enumerate() {
                    let req = &catalog.frameworks[fi].requirements[ri];
                    let mut c = req_counts[slot];
                    let acc = req_accepted
                        .get(&slot)
                        .copied()
                        .unwrap_or(0)
                        .min(c[Verdict::Failed as usize]);
                    c[Verdict::Failed as usize] -= acc;
                    let status = if req.manual {
                        let latest = attestations
                            .get(&slot)
                            .and_then(|list| list.iter().rev().find(|(at, _)| *at <= cutoff).copied());
                        match latest {
                            None => "not_attested",
                            Some((_, Some(exp))) if exp <= cutoff => "expired",
                            Some(_) => "attested",
                        }
                    } else if c[Verdict::Failed as usize] > 0 {
                        "failing"
                    } else if c[Verdict::Passed as usize] > 0 || acc > 0 {
                        "passing"
                    } else {
                        "no_data"
                    };
                    let i = match status {
                        "passing" => 0,
                        "failing" => 1,
                        "no_data" => 2,
                        "attested" => 3,
                        "expired" => 4,
                        _ => 5,
                    };
                    per_fw[fi][i] += 1;
                    let req_score = if req.manual {
                        None
                    } else {
                        score::requirement_score(units_of[slot].iter().map(|&(u, w)| {
                            let k = unit_counts[u];
                            let acc = unit_accepted
                                .get(&u)
                                .copied()
                                .unwrap_or(0)
                                .min(k[Verdict::Failed as usize]);
                            let counts = UnitCounts {
                                failed: k[Verdict::Failed as usize] - acc,
                                passed: k[Verdict::Passed as usize],
                                accepted: acc,
                            };
                            (w, counts)
                        }))
                    };
                    fw_scores[fi].push(req_score);
                    req_rows.push(RequirementRow {
                        framework: catalog.frameworks[fi].id.clone(),
                        requirement: req.id.clone(),
                        day: day_s.clone(),
                        status,
                        failed: c[Verdict::Failed as usize],
                        passed: c[Verdict::Passed as usize],
                        score: req_score,
                    });
                }
                for (c, counts) in ctl_counts.iter().enumerate() {
                    let fi = control_fw[c];
                    let acc = ctl_accepted.get(&c).copied().unwrap_or(0);
                    if counts[Verdict::Failed as usize] > acc {
                        per_fw[fi][7] += 1;
                    } else if counts[Verdict::Passed as usize] > 0 || acc > 0 {
                        per_fw[fi][6] += 1;
                    }
                }
                for (fi, n) in fw_failed.iter().enumerate() {
                    per_fw[fi][8] = *n;
                }
                for (fi, counts) in per_fw.into_iter().enumerate() {
                    let fw_score = score::framework_score(fw_scores[fi].iter().copied());
                    fw_rows.push(FrameworkRow {
                        framework: catalog.frameworks[fi].id.clone(),
                        day: day_s.clone(),
                        counts,
                        score: fw_score,
                        carried,
                    });
                }
            }
            day += Duration::days(1);
        }
        drop(events);
        drop(stmt);

        let from_s = from.format("%Y-%m-%d").to_string();
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM snapshot_frameworks WHERE day >= ?1", [&from_s])?;
        tx.execute("DELETE FROM snapshot_requirements WHERE day >= ?1", [&from_s])?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO snapshot_frameworks(framework, day, passing, failing, no_data, attested, expired, not_attested,
                    controls_passed, controls_failed, failed_findings, carried, score)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for r in &fw_rows {
                let c = &r.counts;
                ins.execute(params![
                    r.framework,
                    r.day,
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    c[4],
                    c[5],
                    c[6],
                    c[7],
                    c[8],
                    r.carried,
                    r.score
                ])?;
            }
            let mut ins = tx.prepare(
                "INSERT INTO snapshot_requirements(framework, requirement, day, status, failed, passed, score)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for r in &req_rows {
                ins.execute(params![
                    r.framework,
                    r.requirement,
                    r.day,
                    r.status,
                    r.failed,
                    r.passed,
                    r.score
                ])?;
            }
        }
        for (k, v) in [
            ("snapshots_fingerprint", catalog.fingerprint.clone()),
            ("snapshots_history_seq", max_seq.to_string()),
            ("snapshots_attestation_id", max_att.to_string()),
            ("snapshots_audit_seq", max_audit.to_string()),
            ("snapshots_through", today.format("%Y-%m-%d").to_string()),
        ] {
            tx.execute(
                "INSERT INTO workspace_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![k, v],
            )?;
        }
        tx.commit()?;
        let days = (fw_rows.len() / catalog.frameworks.len().max(1)) as u32;
        Ok(days)
    }
}

/// The last day snapshots were computed through, if any.
pub fn computed_through(conn: &rusqlite::Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT value FROM workspace_meta WHERE key = 'snapshots_through'",
            [],
            |r| r.get(0),
        )
        .optional()?)
}
