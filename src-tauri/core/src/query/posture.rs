//! Posture: the status of every requirement of every framework, the framework score and
//! the per-control score, now or as of any past moment (computed from the history).
//!
//! - A requirement is **failing** when an active finding mapped to it fails, **passing**
//!   when it has evidence and nothing fails, **no data** when nothing evidences it.
//!   Manual requirements are **attested**, **expired** or **not attested**.
//! - Score: the mean over automated requirements with data of each requirement's
//!   severity-weighted share of passing controls (`crate::score`, shared with the daily
//!   snapshots). Beside it, "requirements fully met": passing of passing + failing.
//! - Control score = passed controls ÷ controls with data, as Security Hub computes it.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::ratio;
use crate::catalog::{Catalog, Rule};
use crate::score::{self, UnitCounts};
use crate::store::attestations::{self, Attestation};
use crate::store::definitions::{self, ControlDefinition};
use crate::store::StoreError;
use crate::store::{acceptances, accounts};
use crate::time::format_ts;

/// The formula, stated wherever a score is shown.
pub const SCORE_FORMULA: &str = score::FORMULA;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RequirementStatus {
    Failing,
    Passing,
    NoData,
    Attested,
    Expired,
    NotAttested,
}

impl RequirementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementStatus::Failing => "failing",
            RequirementStatus::Passing => "passing",
            RequirementStatus::NoData => "no_data",
            RequirementStatus::Attested => "attested",
            RequirementStatus::Expired => "expired",
            RequirementStatus::NotAttested => "not_attested",
        }
    }
}

/// A control's state within a requirement.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ControlPosture {
    pub id: String,
    pub title: String,
    /// `failed`, `accepted` (its only failures are covered by risk acceptances), `passed`
    /// or `no_data`.
    pub status: String,
    pub failed: u32,
    pub passed: u32,
    /// Failing findings covered by a valid risk acceptance (not counted in `failed`).
    pub accepted: u32,
    /// The control is not in the catalog: its findings reach the requirement by reference.
    pub by_reference: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RequirementPosture {
    pub id: String,
    pub title: String,
    pub parent: Option<String>,
    pub manual: bool,
    pub status: RequirementStatus,
    /// The severity-weighted share of passing controls, 0–1; null for manual requirements
    /// and requirements without data.
    pub score: Option<f64>,
    /// Active findings mapped here that fail / pass.
    pub failed: u32,
    pub passed: u32,
    /// Failing findings mapped here that a valid risk acceptance covers: they do not
    /// make the requirement fail (and are not in `failed`).
    pub accepted: u32,
    /// Active findings mapped here with a warning or no verdict.
    pub other: u32,
    /// Every control mapped to the requirement, failing first.
    pub controls: Vec<ControlPosture>,
    /// The attestation in force (for manual or partly manual requirements).
    pub attestation: Option<Attestation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FrameworkPosture {
    pub id: String,
    pub name: String,
    /// The mean over automated requirements with data of their scores, 0–1; null when no
    /// requirement has data. `passing` of `passing + failing` is the strict count beside it
    /// ("requirements fully met").
    pub score: Option<f64>,
    /// Passed controls ÷ controls with data, 0–1.
    pub control_score: Option<f64>,
    pub passing: u32,
    pub failing: u32,
    pub no_data: u32,
    pub attested: u32,
    pub expired: u32,
    pub not_attested: u32,
    pub controls_passed: u32,
    pub controls_failed: u32,
    pub formula: String,
    pub requirements: Vec<RequirementPosture>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Posture {
    /// RFC 3339, UTC: the moment the posture describes.
    pub as_of: String,
    pub frameworks: Vec<FrameworkPosture>,
    /// Active findings no rule maps to any requirement.
    pub unmapped: u32,
    /// Active findings mapped by reference: their control is not in the catalog, and they
    /// reach requirements through the NIST SP 800-53 controls AWS relates it to.
    pub by_reference: u32,
    /// Active findings in all.
    pub active: u32,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    failed: u32,
    passed: u32,
    other: u32,
    accepted: u32,
}

impl Counts {
    fn add(&mut self, status: &str, n: u32) {
        match status {
            "failed" => self.failed += n,
            "passed" => self.passed += n,
            _ => self.other += n,
        }
    }

    /// Moves `n` failing findings to accepted.
    fn accept(&mut self, n: u32) {
        let n = n.min(self.failed);
        self.failed -= n;
        self.accepted += n;
    }
}

/// The state each finding was in at `at` (ms), or now when `at` is None, as a CTE named
/// `state(fid, status)` over active findings; with `units`, only the findings of accounts in
/// those organizational units (or below them). Its parameters: `at` (when given), then the
/// units.
fn state_cte(at: Option<i64>, units: &[String]) -> String {
    let scoped = if units.is_empty() {
        String::new()
    } else {
        format!(
            " AND fid IN (SELECT fid FROM findings WHERE account {})",
            accounts::in_units_sql(units.len())
        )
    };
    match at {
        None => format!("state AS (SELECT fid, status FROM findings WHERE record_state = 'active'{scoped})"),
        Some(_) => format!(
            "state AS (SELECT fid, status FROM (
                 SELECT fid, status, record_state,
                        row_number() OVER (PARTITION BY fid ORDER BY at DESC, seq DESC) AS n
                 FROM finding_history WHERE at <= ?1)
             WHERE n = 1 AND record_state = 'active'{scoped})"
        ),
    }
}

/// A part of the estate posture can be computed for: the accounts of these organizational
/// units (ids) and of the OUs below them. Empty: the whole workspace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    pub units: &'a [String],
}

/// Computes posture for every framework (or one), now (`at = None`) or as of `at` (ms).
/// `now` decides which attestations have expired when `at` is None.
pub fn posture(
    conn: &Connection,
    catalog: &Catalog,
    framework: Option<&str>,
    at: Option<i64>,
    now: i64,
) -> Result<Posture, StoreError> {
    posture_of(conn, catalog, framework, at, now, Scope::default())
}

/// [`posture`] of a part of the estate (see [`Scope`]): its findings only, the acceptances'
/// effect on them only; manual requirements keep their attestations (they are about the
/// organisation, not an account).
pub fn posture_of(
    conn: &Connection,
    catalog: &Catalog,
    framework: Option<&str>,
    at: Option<i64>,
    now: i64,
    scope: Scope<'_>,
) -> Result<Posture, StoreError> {
    let when = at.unwrap_or(now);
    let params: Vec<SqlValue> = at
        .map(SqlValue::Integer)
        .into_iter()
        .chain(scope.units.iter().cloned().map(SqlValue::Text))
        .collect();
    let cte = state_cte(at, scope.units);

    // Findings per (framework, requirement, control, status).
    let mut req_counts: HashMap<(String, String), Counts> = HashMap::new();
    let mut ctl_counts: HashMap<(String, String, String), Counts> = HashMap::new();
    let mut add = |fw: String, req: String, ctl: String, status: &str, n: u32| {
        req_counts.entry((fw.clone(), req.clone())).or_default().add(status, n);
        // Findings without a control are one unit of the score, under the key "".
        ctl_counts.entry((fw, req, ctl)).or_default().add(status, n);
    };
    let (active, unmapped): (u32, u32) = match at {
        // Now, for the whole workspace: the counts kept up to date by the mapping step
        // (store::mapping).
        None if scope.units.is_empty() => {
            let mut unmapped = 0;
            let mut stmt =
                conn.prepare("SELECT framework, requirement, control, failed, passed, other FROM requirement_counts")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (fw, req, ctl): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                let (failed, passed, other): (u32, u32, u32) = (r.get(3)?, r.get(4)?, r.get(5)?);
                if fw.is_empty() {
                    unmapped += failed + passed + other;
                    continue;
                }
                add(fw.clone(), req.clone(), ctl.clone(), "failed", failed);
                add(fw.clone(), req.clone(), ctl.clone(), "passed", passed);
                add(fw, req, ctl, "other", other);
            }
            let active: u32 = conn.query_row(
                "SELECT count(*) FROM findings INDEXED BY findings_overview WHERE record_state = 'active'",
                [],
                |r| r.get(0),
            )?;
            (active, unmapped)
        }
        // A past moment, or a part of the estate: each finding's state from the history or
        // the findings.
        _ => {
            let sql = format!(
                "WITH {cte}
                 SELECT fr.framework, fr.requirement, coalesce(f.mapped_control, ''), s.status, count(*)
                 FROM state s JOIN finding_requirements fr ON fr.fid = s.fid JOIN findings f ON f.fid = s.fid
                 GROUP BY 1, 2, 3, 4"
            );
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            while let Some(r) = rows.next()? {
                let status: String = r.get(3)?;
                add(r.get(0)?, r.get(1)?, r.get(2)?, &status, r.get(4)?);
            }
            conn.query_row(
                &format!(
                    "WITH {cte} SELECT count(*),
                            coalesce(sum(NOT EXISTS (SELECT 1 FROM finding_requirements fr WHERE fr.fid = s.fid)), 0)
                     FROM state s"
                ),
                rusqlite::params_from_iter(params.iter()),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
        }
    };

    let by_reference: u32 = conn.query_row(
        &format!(
            "WITH {cte} SELECT count(DISTINCT s.fid) FROM state s
             JOIN finding_requirements fr ON fr.fid = s.fid WHERE fr.rule_kind = 'reference'"
        ),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;

    // Failing findings covered by valid risk acceptances count as accepted, not failed.
    let cover = acceptances::coverage(conn, when, at)?;
    let covered = if scope.units.is_empty() || cover.findings.is_empty() {
        cover.by_requirement
    } else {
        cover.by_requirement_among(&accounts::findings_in(conn, scope.units)?)
    };
    for ((fw, req, ctl), n) in &covered {
        if let Some(c) = req_counts.get_mut(&(fw.clone(), req.clone())) {
            c.accept(*n);
        }
        if let Some(c) = ctl_counts.get_mut(&(fw.clone(), req.clone(), ctl.clone())) {
            c.accept(*n);
        }
    }

    // Security Hub's own word on controls the catalog does not know.
    let definitions = definitions::all(conn)?;
    // Each requirement's controls (and "" for findings without one), found once.
    let mut units_of: HashMap<(&str, &str), Vec<(&str, Counts)>> = HashMap::new();
    for ((fw, req, c), k) in &ctl_counts {
        units_of
            .entry((fw.as_str(), req.as_str()))
            .or_default()
            .push((c.as_str(), *k));
    }
    let mut frameworks = Vec::new();
    for fw in catalog
        .frameworks
        .iter()
        .filter(|f| framework.is_none_or(|id| f.id == id))
    {
        let mut out = FrameworkPosture {
            id: fw.id.clone(),
            name: fw.name.clone(),
            score: None,
            control_score: None,
            passing: 0,
            failing: 0,
            no_data: 0,
            attested: 0,
            expired: 0,
            not_attested: 0,
            controls_passed: 0,
            controls_failed: 0,
            formula: SCORE_FORMULA.to_string(),
            requirements: Vec::new(),
        };
        // Control verdicts across the whole framework, for the control score.
        let mut fw_controls: BTreeMap<String, Counts> = BTreeMap::new();
        for req in &fw.requirements {
            let counts = req_counts
                .get(&(fw.id.clone(), req.id.clone()))
                .copied()
                .unwrap_or_default();
            let mut controls: Vec<ControlPosture> = Vec::new();
            let mut listed = std::collections::BTreeSet::new();
            for ev in &req.evidence {
                if let Rule::Control(c) = &ev.rule {
                    if listed.insert(c.clone()) {
                        let k = ctl_counts
                            .get(&(fw.id.clone(), req.id.clone(), c.clone()))
                            .copied()
                            .unwrap_or_default();
                        controls.push(control_posture(catalog, &definitions, c, k));
                    }
                }
            }
            let here = units_of
                .get(&(fw.id.as_str(), req.id.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            // Controls whose findings reached this requirement another way (a point of it,
            // a Config rule) are listed too.
            for (c, k) in here {
                if !c.is_empty() && listed.insert(c.to_string()) {
                    controls.push(control_posture(catalog, &definitions, c, *k));
                }
            }
            for c in &controls {
                let e = fw_controls.entry(c.id.clone()).or_default();
                e.failed += c.failed;
                e.passed += c.passed + c.accepted;
            }
            controls.sort_by(|a, b| {
                let rank = |s: &str| match s {
                    "failed" => 0,
                    "passed" => 1,
                    _ => 2,
                };
                rank(&a.status)
                    .cmp(&rank(&b.status))
                    .then_with(|| b.failed.cmp(&a.failed))
                    .then_with(|| a.id.cmp(&b.id))
            });
            let attestation = attestations::latest(conn, &fw.id, &req.id, when)?;
            let status = if req.manual {
                match &attestation {
                    None => RequirementStatus::NotAttested,
                    Some((_, Some(expiry))) if *expiry <= when => RequirementStatus::Expired,
                    Some(_) => RequirementStatus::Attested,
                }
            } else if counts.failed > 0 {
                RequirementStatus::Failing
            } else if counts.passed > 0 || counts.accepted > 0 {
                RequirementStatus::Passing
            } else {
                RequirementStatus::NoData
            };
            match status {
                RequirementStatus::Failing => out.failing += 1,
                RequirementStatus::Passing => out.passing += 1,
                RequirementStatus::NoData => out.no_data += 1,
                RequirementStatus::Attested => out.attested += 1,
                RequirementStatus::Expired => out.expired += 1,
                RequirementStatus::NotAttested => out.not_attested += 1,
            }
            out.requirements.push(RequirementPosture {
                id: req.id.clone(),
                title: req.title.clone(),
                parent: req.parent.clone(),
                manual: req.manual,
                status,
                score: if req.manual {
                    None
                } else {
                    score::requirement_score(here.iter().map(|(c, k)| {
                        let counts = UnitCounts {
                            failed: k.failed,
                            passed: k.passed,
                            accepted: k.accepted,
                        };
                        (score::unit_weight(catalog, &definitions, c), counts)
                    }))
                },
                failed: counts.failed,
                passed: counts.passed,
                accepted: counts.accepted,
                other: counts.other,
                controls,
                attestation: attestation.map(|(a, _)| a),
            });
        }
        for k in fw_controls.values() {
            if k.failed > 0 {
                out.controls_failed += 1;
            } else if k.passed > 0 {
                out.controls_passed += 1;
            }
        }
        out.score = score::framework_score(out.requirements.iter().map(|r| r.score));
        out.control_score = ratio(out.controls_passed, out.controls_failed);
        frameworks.push(out);
    }
    Ok(Posture {
        as_of: format_ts(when),
        frameworks,
        unmapped,
        by_reference,
        active,
    })
}

fn control_posture(
    catalog: &Catalog,
    definitions: &HashMap<String, ControlDefinition>,
    id: &str,
    k: Counts,
) -> ControlPosture {
    ControlPosture {
        id: id.to_string(),
        title: catalog
            .controls
            .get(id)
            .map(|c| c.title.clone())
            .or_else(|| definitions.get(id).map(|d| d.title.clone()))
            .unwrap_or_default(),
        status: if k.failed > 0 {
            "failed"
        } else if k.accepted > 0 {
            "accepted"
        } else if k.passed > 0 {
            "passed"
        } else {
            "no_data"
        }
        .to_string(),
        failed: k.failed,
        passed: k.passed,
        accepted: k.accepted,
        by_reference: !catalog.controls.contains_key(id),
    }
}
