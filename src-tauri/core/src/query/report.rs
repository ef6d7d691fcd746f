//! The data of the PDF reports, built from the store: the executive summary (every
//! framework) and the framework report (one framework in full). The renderer
//! (`rampart-report`) only lays these out; every figure in a report comes from here, so
//! tests compare the PDF's text with this model and with `posture`.
//!
//! Each model carries a SHA-256 `fingerprint` of its own content (everything but the
//! moment it was built), so two reports built from the same data say so.
//!
//! Daily snapshots must be up to date for the period's trend
//! ([`crate::Store::refresh_snapshots`]); the callers refresh them first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::changes::{self, ChangeCounts, ChangedFinding};
use super::findings::{list_findings, FindingFilter, FindingRow, Page, SortField};
use super::overview::UnitCount;
use super::posture::{self, Posture, RequirementStatus, SCORE_FORMULA};
use super::requirement::{failing_findings, FailingFinding};
use super::sla::{self, SeveritySla};
use super::trend;
use crate::catalog::{Catalog, Remediation, Rule};
use crate::error::Invalid;
use crate::store::acceptances::{self, Acceptance};
use crate::store::owners::Owners;
use crate::store::StoreError;
use crate::time::{day_of_ms, format_ts};

/// The period a report covers (days, UTC, inclusive) and the moment it is built.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Now (ms): what "current" means (the posture, acceptances, SLA).
    pub now: i64,
}

impl Period {
    /// `from`..=`to` as asked: `to` defaults to (and never passes) the day of `now`, `from`
    /// to the 29 days before `to`.
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>, now: i64) -> Result<Period, Invalid> {
        let today = day_of_ms(now);
        let to = to.unwrap_or(today).min(today);
        let from = from.unwrap_or(to - chrono::Duration::days(29));
        if from > to {
            return Err(Invalid::new(
                "from",
                format!("the period starts ({from}) after it ends ({to})"),
            ));
        }
        Ok(Period { from, to, now })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub workspace: String,
    pub accounts: Vec<String>,
    /// Each account as a reader knows it: `name (id)` where a name is known, else the id.
    pub account_labels: Vec<String>,
    /// The organizational units the report covers (their paths), when it covers a part of
    /// the estate; empty: the whole workspace.
    pub units: Vec<String>,
    pub regions: Vec<String>,
    pub from: String,
    pub to: String,
    /// RFC 3339: the moment the posture describes.
    pub as_of: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub day: String,
    pub score: Option<f64>,
    pub failing: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkSummary {
    pub id: String,
    pub name: String,
    pub score: Option<f64>,
    pub control_score: Option<f64>,
    /// The score on the period's first day (from the snapshots), for the change.
    pub score_at_start: Option<f64>,
    pub passing: u32,
    pub failing: u32,
    pub no_data: u32,
    pub attested: u32,
    pub expired: u32,
    pub not_attested: u32,
    /// Failing findings covered by risk acceptances.
    pub accepted_findings: u32,
    pub trend: Vec<TrendPoint>,
    /// The automated requirements with data, weakest first: each one's score now and on
    /// the period's first day.
    pub requirements: Vec<RequirementScore>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequirementScore {
    pub id: String,
    pub title: String,
    pub score: f64,
    pub score_at_start: Option<f64>,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub framework: String,
    pub requirement: String,
    pub title: String,
    pub failed: u32,
    /// The worst severity among its failing controls (from the catalog).
    pub severity: String,
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overdue {
    pub total: u32,
    pub by_severity: Vec<SeveritySla>,
    /// The longest overdue, worst first (at most [`LISTED`]).
    pub oldest: Vec<FindingBrief>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingBrief {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub account: String,
    pub account_name: Option<String>,
    pub region: String,
    pub control: Option<String>,
    pub resource: Option<String>,
    pub age_days: u32,
    pub due_at: Option<String>,
}

impl From<FindingRow> for FindingBrief {
    fn from(r: FindingRow) -> Self {
        FindingBrief {
            id: r.id,
            title: r.title,
            severity: r.severity,
            account: r.account,
            account_name: r.account_name,
            region: r.region,
            control: r.control,
            resource: r.resources.into_iter().next(),
            age_days: r.age_days,
            due_at: r.due_at,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AttestationLine {
    pub framework: String,
    pub requirement: String,
    pub title: String,
    /// attested | expired | not_attested
    pub status: String,
    pub by: Option<String>,
    pub attested_at: Option<String>,
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub control: String,
    pub title: String,
    pub severity: String,
    /// Failing findings not covered by an acceptance.
    pub failing: u32,
    pub accounts: u32,
    pub owner: Option<String>,
    pub first_step: Option<String>,
    pub requirements: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    pub shape: String,
    pub last_import: String,
    pub imports: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeSummary {
    pub totals: ChangeCounts,
    pub by_framework: Vec<(String, ChangeCounts)>,
    /// The most recent changes (at most [`LISTED`]).
    pub latest: Vec<ChangedFinding>,
}

/// The executive summary.
#[derive(Debug, Clone, Serialize)]
pub struct ExecutiveReport {
    pub kind: &'static str,
    pub generated_at: String,
    pub fingerprint: String,
    pub scope: Scope,
    pub formula: String,
    pub active_findings: u32,
    pub failing_findings: u32,
    pub unmapped: u32,
    pub frameworks: Vec<FrameworkSummary>,
    pub changes: ChangeSummary,
    pub top_risks: Vec<Risk>,
    pub overdue: Overdue,
    pub acceptances: Vec<Acceptance>,
    pub attestations: Vec<AttestationLine>,
    pub plan: Vec<PlanItem>,
    pub sources: Vec<SourceLine>,
    /// Each organizational unit's findings and framework scores (its accounts and those of
    /// the OUs below it), when the workspace knows the organisation.
    pub units: Vec<UnitPosture>,
}

/// One organizational unit in the executive summary: its counts (as the Overview gives
/// them) and its framework scores.
#[derive(Debug, Clone, Serialize)]
pub struct UnitPosture {
    #[serde(flatten)]
    pub unit: UnitCount,
    /// Each framework's score over these accounts' findings, in the order of `frameworks`.
    pub scores: Vec<Option<f64>>,
}

/// How many rows a list in a report shows (the exports carry everything).
pub const LISTED: usize = 15;

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

use crate::time::end_of_day_ms as end_of;

fn scope(
    conn: &Connection,
    workspace: &str,
    period: &Period,
    posture: &Posture,
    units: &[String],
) -> Result<Scope, StoreError> {
    let in_scope = crate::store::accounts::accounts_in(conn, units)?;
    let distinct = |col: &str| -> Result<Vec<String>, StoreError> {
        let mut stmt = conn.prepare(&format!("SELECT DISTINCT {col}, account FROM findings ORDER BY 1"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out: Vec<String> = Vec::new();
        for row in rows {
            let (value, account) = row?;
            if in_scope.as_ref().is_none_or(|s| s.contains(&account)) && out.last() != Some(&value) {
                out.push(value);
            }
        }
        Ok(out)
    };
    let accounts = distinct("account")?;
    let names: HashMap<String, String> = crate::store::accounts::accounts(conn)?
        .into_iter()
        .filter_map(|a| a.name.map(|n| (a.id, n)))
        .collect();
    Ok(Scope {
        workspace: workspace.to_string(),
        account_labels: accounts
            .iter()
            .map(|id| match names.get(id) {
                Some(name) => format!("{name} ({id})"),
                None => id.clone(),
            })
            .collect(),
        accounts,
        regions: distinct("region")?,
        units: units
            .iter()
            .map(|u| crate::store::accounts::ou_path(conn, "ou", u))
            .collect::<Result<_, _>>()?,
        from: day(period.from),
        to: day(period.to),
        as_of: posture.as_of.clone(),
    })
}

fn sources(conn: &Connection) -> Result<Vec<SourceLine>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT shape, max(finished_at), count(*) FROM imports WHERE shape <> '' GROUP BY shape ORDER BY shape",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SourceLine {
            shape: r.get(0)?,
            last_import: format_ts(r.get(1)?),
            imports: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// SHA-256 of the model's JSON with the moments of building blanked (the generation
/// time and the posture's "as of"), so that the same data gives the same fingerprint.
fn fingerprint<T: Serialize>(model: &T) -> String {
    let mut v = serde_json::to_value(model).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("generated_at".into(), serde_json::Value::Null);
        o.insert("fingerprint".into(), serde_json::Value::Null);
        if let Some(scope) = o.get_mut("scope").and_then(|s| s.as_object_mut()) {
            scope.insert("as_of".into(), serde_json::Value::Null);
        }
    }
    format!("{:x}", Sha256::digest(v.to_string().as_bytes()))
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "CRITICAL" => 0,
        "HIGH" => 1,
        "MEDIUM" => 2,
        "LOW" => 3,
        _ => 4,
    }
}

/// Each requirement's score in the snapshot of `day`.
fn requirement_scores_on(conn: &Connection, framework: &str, day: &str) -> Result<HashMap<String, f64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT requirement, score FROM snapshot_requirements WHERE framework = ?1 AND day = ?2 AND score IS NOT NULL",
    )?;
    let rows = stmt.query_map(rusqlite::params![framework, day], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A trend's points as the reports show them.
fn points_of(t: Option<&trend::FrameworkTrend>) -> Vec<TrendPoint> {
    t.map(|t| {
        t.points
            .iter()
            .map(|p| TrendPoint {
                day: p.day.clone(),
                score: p.score,
                failing: p.failing,
            })
            .collect()
    })
    .unwrap_or_default()
}

/// A framework's posture with its trend over the period. `start`: each requirement's score
/// on the period's first day when already known (a part of the estate), else read from that
/// day's snapshot.
fn summary(
    conn: &Connection,
    f: &posture::FrameworkPosture,
    points: Vec<TrendPoint>,
    start: Option<&HashMap<String, f64>>,
) -> Result<FrameworkSummary, StoreError> {
    let start = match (start, points.first()) {
        (Some(known), _) => known.clone(),
        (None, Some(p)) => requirement_scores_on(conn, &f.id, &p.day)?,
        (None, None) => HashMap::new(),
    };
    let mut requirements: Vec<RequirementScore> = f
        .requirements
        .iter()
        .filter_map(|r| {
            Some(RequirementScore {
                id: r.id.clone(),
                title: r.title.clone(),
                score: r.score?,
                score_at_start: start.get(&r.id).copied(),
                status: r.status.as_str().to_string(),
            })
        })
        .collect();
    requirements.sort_by(|a, b| a.score.total_cmp(&b.score));
    Ok(FrameworkSummary {
        id: f.id.clone(),
        name: f.name.clone(),
        score: f.score,
        control_score: f.control_score,
        score_at_start: points.first().and_then(|p| p.score),
        passing: f.passing,
        failing: f.failing,
        no_data: f.no_data,
        attested: f.attested,
        expired: f.expired,
        not_attested: f.not_attested,
        accepted_findings: f.requirements.iter().map(|r| r.accepted).sum(),
        trend: points,
        requirements,
    })
}

/// A requirement's attestation state, as the reports list it.
fn attestation_line(framework: &str, r: &posture::RequirementPosture) -> AttestationLine {
    AttestationLine {
        framework: framework.to_string(),
        requirement: r.id.clone(),
        title: r.title.clone(),
        status: r.status.as_str().to_string(),
        by: r.attestation.as_ref().map(|a| a.by.clone()),
        attested_at: r.attestation.as_ref().map(|a| a.attested_at.clone()),
        expires_at: r.attestation.as_ref().and_then(|a| a.expires_at.clone()),
    }
}

/// Builds the executive summary for `period`.
pub fn executive(
    conn: &Connection,
    catalog: &Catalog,
    workspace: &str,
    period: &Period,
) -> Result<ExecutiveReport, StoreError> {
    executive_of(conn, catalog, workspace, period, &[])
}

/// The executive summary of the accounts in organizational units `units` (and the OUs below
/// them): their posture, trend, changes, overdue findings, remediation plan and OUs. The
/// acceptances and attestations listed stay the organisation's (an acceptance counts only
/// for the findings it covers there). All accounts when `units` is empty.
pub fn executive_of(
    conn: &Connection,
    catalog: &Catalog,
    workspace: &str,
    period: &Period,
    units: &[String],
) -> Result<ExecutiveReport, StoreError> {
    let now = period.now;
    let posture = posture::posture_of(conn, catalog, None, None, now, posture::Scope { units })?;
    let scope = scope(conn, workspace, period, &posture, units)?;
    let frameworks = if units.is_empty() {
        let trend = trend::trend(conn, catalog, None, period.from, period.to, false)?;
        posture
            .frameworks
            .iter()
            .map(|f| summary(conn, f, points_of(trend.frameworks.iter().find(|t| t.id == f.id)), None))
            .collect::<Result<_, _>>()?
    } else {
        let (mut points, starts) = scoped_trend(conn, catalog, None, period, units)?;
        posture
            .frameworks
            .iter()
            .map(|f| summary(conn, f, points.remove(&f.id).unwrap_or_default(), starts.get(&f.id)))
            .collect::<Result<_, _>>()?
    };

    // What changed over the period.
    let since = end_of(period.from - chrono::Duration::days(1));
    let until = end_of(period.to).min(now);
    let c = changes::changes_of(conn, since, until.max(since + 1), units)?;
    let changes = ChangeSummary {
        totals: c.totals.clone(),
        by_framework: c
            .by_framework
            .iter()
            .map(|g| (g.key.clone(), g.counts.clone()))
            .collect(),
        latest: c.findings.into_iter().take(LISTED).collect(),
    };

    // Top risks: failing requirements, worst control severity first, then most failing.
    let mut top_risks: Vec<Risk> = Vec::new();
    for f in &posture.frameworks {
        for r in f.requirements.iter().filter(|r| r.status == RequirementStatus::Failing) {
            let controls: Vec<String> = r
                .controls
                .iter()
                .filter(|c| c.status == "failed")
                .map(|c| c.id.clone())
                .collect();
            let severity = controls
                .iter()
                .filter_map(|c| catalog.controls.get(c))
                .map(|c| c.severity.as_str())
                .min_by_key(|s| severity_rank(s))
                .unwrap_or("MEDIUM")
                .to_string();
            top_risks.push(Risk {
                framework: f.id.clone(),
                requirement: r.id.clone(),
                title: r.title.clone(),
                failed: r.failed,
                severity,
                controls,
            });
        }
    }
    top_risks.sort_by(|a, b| {
        severity_rank(&a.severity)
            .cmp(&severity_rank(&b.severity))
            .then(b.failed.cmp(&a.failed))
            .then_with(|| (&a.framework, &a.requirement).cmp(&(&b.framework, &b.requirement)))
    });
    top_risks.truncate(10);

    // Past their SLA.
    let s = sla::summary_of(conn, now, units)?;
    let mut oldest = Vec::new();
    let filter = FindingFilter {
        overdue_at: Some(now),
        units: units.to_vec(),
        ..Default::default()
    };
    list_findings(
        conn,
        &filter,
        SortField::FirstSeen,
        false,
        Some(Page {
            page: 1,
            size: LISTED as u32,
        }),
        now,
        |row| {
            oldest.push(FindingBrief::from(row));
            Ok(())
        },
    )?;
    let overdue = Overdue {
        total: s.by_severity.iter().map(|x| x.overdue).sum(),
        by_severity: s.by_severity,
        oldest,
    };

    let acceptances: Vec<Acceptance> = acceptances::list(conn, now, None)?
        .into_iter()
        .filter(|a| a.status == "active")
        .collect();
    let mut attestations = Vec::new();
    for f in &posture.frameworks {
        for r in f.requirements.iter().filter(|r| r.manual) {
            attestations.push(attestation_line(&f.id, r));
        }
    }

    let plan = plan(conn, catalog, now, units)?;
    // The Overview of the same accounts: its totals, and its OUs (those at or below the
    // report's count every account of theirs, all being in scope).
    let counted = crate::query::overview::overview_of(conn, "", units)?;
    let (active, failing) = (counted.totals.active, counted.totals.failed);
    let mut report = ExecutiveReport {
        kind: "executive",
        generated_at: format_ts(now),
        fingerprint: String::new(),
        scope,
        formula: SCORE_FORMULA.to_string(),
        active_findings: active,
        failing_findings: failing,
        unmapped: posture.unmapped,
        frameworks,
        changes,
        top_risks,
        overdue,
        acceptances,
        attestations,
        plan,
        sources: sources(conn)?,
        units: unit_postures(conn, catalog, &posture, now, units, counted.by_unit)?,
    };
    report.fingerprint = fingerprint(&report);
    Ok(report)
}

/// The OUs at or below `units` (ids); `None` when `units` is empty (every OU).
fn units_below(conn: &Connection, units: &[String]) -> Result<Option<BTreeSet<String>>, StoreError> {
    if units.is_empty() {
        return Ok(None);
    }
    let all = crate::store::accounts::org_units(conn)?;
    let mut below: BTreeSet<String> = units.iter().cloned().collect();
    // Parents come before their children when listed by path.
    for u in &all {
        if u.parent_id.as_ref().is_some_and(|p| below.contains(p)) {
            below.insert(u.id.clone());
        }
    }
    Ok(Some(below))
}

/// Per framework: its report trend points, and its requirements' scores on the first day.
type ScopedTrend = (HashMap<String, Vec<TrendPoint>>, HashMap<String, HashMap<String, f64>>);

/// Each framework's scores over the accounts of `units` at sampled days of the period (every
/// day up to 31 days, else every 7th day back from the last, and the first), from the
/// history; and each framework's requirement scores on the period's first day.
fn scoped_trend(
    conn: &Connection,
    catalog: &Catalog,
    framework: Option<&str>,
    period: &Period,
    units: &[String],
) -> Result<ScopedTrend, StoreError> {
    let days_in = (period.to - period.from).num_days() + 1;
    let step = if days_in <= 31 { 1 } else { 7 };
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut d = period.to;
    while d >= period.from {
        days.push(d);
        d -= chrono::Duration::days(step);
    }
    if days.last() != Some(&period.from) {
        days.push(period.from);
    }
    days.reverse();
    let mut points: HashMap<String, Vec<TrendPoint>> = HashMap::new();
    let mut starts = HashMap::new();
    for (i, on) in days.iter().enumerate() {
        let at = end_of(*on).min(period.now);
        let p = posture::posture_of(conn, catalog, framework, Some(at), period.now, posture::Scope { units })?;
        for fp in &p.frameworks {
            if i == 0 {
                starts.insert(
                    fp.id.clone(),
                    fp.requirements
                        .iter()
                        .filter_map(|r| Some((r.id.clone(), r.score?)))
                        .collect(),
                );
            }
            points.entry(fp.id.clone()).or_default().push(TrendPoint {
                day: day(*on),
                score: fp.score,
                failing: fp.failing,
            });
        }
    }
    Ok((points, starts))
}

/// Each OU's counts (`counted`, from the Overview) and framework scores (posture over its
/// accounts); for a report of some OUs, those and the OUs below them.
fn unit_postures(
    conn: &Connection,
    catalog: &Catalog,
    whole: &Posture,
    now: i64,
    within: &[String],
    counted: Vec<UnitCount>,
) -> Result<Vec<UnitPosture>, StoreError> {
    let below = units_below(conn, within)?;
    let mut out = Vec::new();
    for u in counted {
        if below.as_ref().is_some_and(|b| !b.contains(&u.id)) {
            continue;
        }
        let ids = [u.id.clone()];
        let p = posture::posture_of(conn, catalog, None, None, now, posture::Scope { units: &ids })?;
        out.push(UnitPosture {
            scores: whole
                .frameworks
                .iter()
                .map(|f| p.frameworks.iter().find(|x| x.id == f.id).and_then(|x| x.score))
                .collect(),
            unit: u,
        });
    }
    Ok(out)
}

/// The remediation plan: failing controls (accepted findings left out), worst severity
/// and most failing findings first, with their owner when one is assigned to the control.
fn plan(conn: &Connection, catalog: &Catalog, now: i64, units: &[String]) -> Result<Vec<PlanItem>, StoreError> {
    let in_scope = crate::store::accounts::accounts_in(conn, units)?;
    let accepted = acceptances::coverage(conn, now, None)?.findings;
    let owners = Owners::load(conn)?;
    // control → (failing findings, accounts, failing findings per owner)
    type Tally = (u32, BTreeSet<String>, BTreeMap<String, u32>);
    let mut per: BTreeMap<String, Tally> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT fid, id, mapped_control, account FROM findings
         WHERE record_state = 'active' AND status = 'failed' AND mapped_control IS NOT NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let fid: i64 = r.get(0)?;
        if accepted.contains(&fid) {
            continue;
        }
        let (id, control, account): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
        if in_scope.as_ref().is_some_and(|s| !s.contains(&account)) {
            continue;
        }
        let owner = owners.of(&id, Some(&control), &account).map(str::to_string);
        let e = per.entry(control).or_default();
        e.0 += 1;
        e.1.insert(account);
        if let Some(o) = owner {
            *e.2.entry(o).or_default() += 1;
        }
    }
    let mut items: Vec<PlanItem> = per
        .into_iter()
        .map(|(control, (failing, accounts, owners))| {
            let meta = catalog.controls.get(&control);
            let requirements = catalog
                .frameworks
                .iter()
                .flat_map(|f| f.requirements.iter())
                .filter(|r| r.evidence.iter().any(|e| e.rule == Rule::Control(control.clone())))
                .count() as u32;
            PlanItem {
                title: meta.map(|m| m.title.clone()).unwrap_or_default(),
                severity: meta.map_or("MEDIUM", |m| m.severity.as_str()).to_string(),
                failing,
                accounts: accounts.len() as u32,
                // The owner of most of its failing findings.
                owner: owners.into_iter().max_by_key(|(_, n)| *n).map(|(o, _)| o),
                first_step: meta.and_then(|m: &crate::catalog::Control| first_step(&m.remediation)),
                requirements,
                control,
            }
        })
        .collect();
    items.sort_by(|a, b| {
        severity_rank(&a.severity)
            .cmp(&severity_rank(&b.severity))
            .then(b.failing.cmp(&a.failing))
            .then_with(|| a.control.cmp(&b.control))
    });
    items.truncate(10);
    Ok(items)
}

fn first_step(r: &Remediation) -> Option<String> {
    r.steps.first().cloned()
}

/// One failing control in a framework report (once, whatever number of requirements it
/// fails).
#[derive(Debug, Clone, Serialize)]
pub struct ControlSection {
    pub id: String,
    /// The requirements of the framework it fails.
    pub requirements: Vec<String>,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub failed: u32,
    pub passed: u32,
    pub accepted: u32,
    pub remediation: Option<Remediation>,
    /// Its failing findings, worst first (at most [`FINDINGS_PER_CONTROL`]); `failed`
    /// says how many there are in all.
    pub findings: Vec<FailingFinding>,
}

/// A failing control as one requirement lists it: why it bears on the requirement.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRef {
    pub id: String,
    pub failed: u32,
    pub accepted: u32,
    pub rationale: Option<String>,
}

/// How many failing findings a framework report lists per control (the CSV export has all).
pub const FINDINGS_PER_CONTROL: usize = 15;

#[derive(Debug, Clone, Serialize)]
pub struct RequirementSection {
    pub id: String,
    pub title: String,
    pub parent: Option<String>,
    pub manual: bool,
    pub status: String,
    pub failed: u32,
    pub passed: u32,
    pub accepted: u32,
    pub other: u32,
    pub evidence_rules: u32,
    pub controls_passed: u32,
    pub controls_no_data: u32,
    pub failing_controls: Vec<ControlRef>,
    pub attestation: Option<AttestationLine>,
}

/// One framework in full.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkReport {
    pub kind: &'static str,
    pub generated_at: String,
    pub fingerprint: String,
    pub scope: Scope,
    pub formula: String,
    pub framework: FrameworkSummary,
    pub requirements: Vec<RequirementSection>,
    /// Every failing control once, worst severity and most failing first.
    pub controls: Vec<ControlSection>,
    pub acceptances: Vec<Acceptance>,
    pub unmapped: u32,
    pub sources: Vec<SourceLine>,
}

/// Builds the report of one framework.
pub fn framework(
    conn: &Connection,
    catalog: &Catalog,
    workspace: &str,
    framework_id: &str,
    period: &Period,
) -> Result<Option<FrameworkReport>, StoreError> {
    framework_of(conn, catalog, workspace, framework_id, period, &[])
}

/// A framework's report over the accounts of organizational units `units` (and the OUs
/// below them): their posture, trend (from the history) and failing findings; the
/// acceptances and attestations stay the organisation's. All accounts when `units` is empty.
pub fn framework_of(
    conn: &Connection,
    catalog: &Catalog,
    workspace: &str,
    framework_id: &str,
    period: &Period,
    units: &[String],
) -> Result<Option<FrameworkReport>, StoreError> {
    let Some(fw) = catalog.framework(framework_id) else {
        return Ok(None);
    };
    let now = period.now;
    let within = posture::Scope { units };
    let posture = posture::posture_of(conn, catalog, Some(framework_id), None, now, within)?;
    let all = posture::posture_of(conn, catalog, None, None, now, within)?;
    let Some(fp) = posture.frameworks.first() else {
        return Ok(None);
    };
    let scope = scope(conn, workspace, period, &posture, units)?;
    let (points, start) = if units.is_empty() {
        let trend = trend::trend(conn, catalog, Some(framework_id), period.from, period.to, false)?;
        (points_of(trend.frameworks.first()), None)
    } else {
        let (mut points, mut starts) = scoped_trend(conn, catalog, Some(framework_id), period, units)?;
        (
            points.remove(framework_id).unwrap_or_default(),
            starts.remove(framework_id),
        )
    };
    let accepted = acceptances::coverage(conn, now, None)?;
    let mut requirements = Vec::new();
    let mut controls: BTreeMap<String, ControlSection> = BTreeMap::new();
    for (r, req) in fp.requirements.iter().zip(&fw.requirements) {
        let mut failing_controls = Vec::new();
        for c in r.controls.iter().filter(|c| c.failed > 0 || c.accepted > 0) {
            failing_controls.push(ControlRef {
                id: c.id.clone(),
                failed: c.failed,
                accepted: c.accepted,
                rationale: req
                    .evidence
                    .iter()
                    .find(|e| e.rule == Rule::Control(c.id.clone()))
                    .map(|e| e.why.clone()),
            });
            if let Some(section) = controls.get_mut(&c.id) {
                section.requirements.push(r.id.clone());
                continue;
            }
            let meta = catalog.controls.get(&c.id);
            let mut findings = failing_findings(conn, framework_id, &r.id, Some(&c.id), &accepted, units)?;
            findings.truncate(FINDINGS_PER_CONTROL);
            controls.insert(
                c.id.clone(),
                ControlSection {
                    id: c.id.clone(),
                    requirements: vec![r.id.clone()],
                    title: c.title.clone(),
                    severity: meta.map_or("MEDIUM", |m| m.severity.as_str()).to_string(),
                    status: c.status.clone(),
                    failed: c.failed,
                    passed: c.passed,
                    accepted: c.accepted,
                    remediation: meta.map(|m| m.remediation.clone()),
                    findings,
                },
            );
        }
        failing_controls.sort_by(|a, b| b.failed.cmp(&a.failed).then_with(|| a.id.cmp(&b.id)));
        requirements.push(RequirementSection {
            id: r.id.clone(),
            title: r.title.clone(),
            parent: r.parent.clone(),
            manual: r.manual,
            status: r.status.as_str().to_string(),
            failed: r.failed,
            passed: r.passed,
            accepted: r.accepted,
            other: r.other,
            evidence_rules: req.evidence.len() as u32,
            controls_passed: r.controls.iter().filter(|c| c.status == "passed").count() as u32,
            controls_no_data: r.controls.iter().filter(|c| c.status == "no_data").count() as u32,
            failing_controls,
            attestation: (req.manual || req.attestation.is_some()).then(|| attestation_line(framework_id, r)),
        });
    }
    let mut controls: Vec<ControlSection> = controls.into_values().collect();
    controls.sort_by(|a, b| {
        severity_rank(&a.severity)
            .cmp(&severity_rank(&b.severity))
            .then(b.failed.cmp(&a.failed))
            .then_with(|| a.id.cmp(&b.id))
    });
    let acceptances = acceptances::list(conn, now, None)?
        .into_iter()
        .filter(|a| a.status == "active")
        .filter(|a| match &a.scope {
            acceptances::Scope::Requirement(t) => t.starts_with(&format!("{framework_id}:")),
            _ => true,
        })
        .collect();
    let mut report = FrameworkReport {
        kind: "framework",
        generated_at: format_ts(now),
        fingerprint: String::new(),
        scope,
        formula: SCORE_FORMULA.to_string(),
        framework: summary(conn, fp, points, start.as_ref())?,
        requirements,
        controls,
        acceptances,
        unmapped: all.unmapped,
        sources: sources(conn)?,
    };
    report.fingerprint = fingerprint(&report);
    Ok(Some(report))
}
