//! One requirement in depth: what it asks, the rules that evidence it and why, each
//! mapped control with its remediation and its failing findings, and the attestations.

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::posture::{self, RequirementPosture};
use crate::catalog::{Catalog, Remediation, Rule};
use crate::store::attestations::Attestation;
use crate::store::{acceptances, StoreError};
use crate::time::format_ts;

/// How many failing findings are listed per control (the rest are counted).
pub const FINDINGS_PER_CONTROL: u32 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EvidenceView {
    /// control | config_rule | inspector_type | type_prefix | product
    pub kind: String,
    pub value: String,
    pub why: String,
}

/// A failing finding as listed under a control.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FailingFinding {
    pub id: String,
    /// The product that reported it: with `id`, which finding this is.
    pub product_arn: String,
    pub title: String,
    pub severity: String,
    pub account: String,
    /// The account's name, when the workspace knows one.
    pub account_name: Option<String>,
    pub region: String,
    pub resources: Vec<String>,
    pub updated_at: String,
    /// A valid risk acceptance covers it for this requirement: it does not make the
    /// requirement fail.
    pub accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ControlDetail {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub config_rule: Option<String>,
    /// failed | accepted | passed | no_data
    pub status: String,
    pub failed: u32,
    pub passed: u32,
    /// Failing findings a valid risk acceptance covers (not in `failed`).
    pub accepted: u32,
    /// Why this control bears on the requirement (the mapping's rationale).
    pub rationale: Option<String>,
    pub remediation: Option<Remediation>,
    /// Its failing findings (accepted ones included, marked), worst first.
    pub failing: Vec<FailingFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RequirementDetail {
    pub framework_id: String,
    pub framework_name: String,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub manual: bool,
    /// What an attestation states, when the requirement takes one.
    pub attestation_prompt: Option<String>,
    pub posture: RequirementPosture,
    pub evidence: Vec<EvidenceView>,
    pub controls: Vec<ControlDetail>,
    /// Failing findings matched by rules other than a control (Inspector, GuardDuty, …).
    pub other_failing: Vec<FailingFinding>,
    /// Every attestation made for it, newest first.
    pub attestations: Vec<Attestation>,
}

#[derive(Debug, thiserror::Error)]
pub enum DetailError {
    #[error("unknown framework {0:?}")]
    UnknownFramework(String),
    #[error("framework {0} has no requirement {1:?}")]
    UnknownRequirement(String, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DetailError {
    fn from(e: rusqlite::Error) -> Self {
        DetailError::Store(e.into())
    }
}

/// The failing findings of a requirement (of one control, or those reaching it otherwise),
/// worst first, accepted ones marked; with `units`, of those organizational units' accounts
/// only.
pub(crate) fn failing_findings(
    conn: &Connection,
    framework: &str,
    requirement: &str,
    control: Option<&str>,
    accepted: &acceptances::Coverage,
    units: &[String],
) -> Result<Vec<FailingFinding>, StoreError> {
    failing_in(conn, framework, requirement, control, accepted, units).map_err(|e| match e {
        DetailError::Store(s) => s,
        other => StoreError::NotFound(other.to_string()),
    })
}

fn failing_in(
    conn: &Connection,
    framework: &str,
    requirement: &str,
    control: Option<&str>,
    accepted: &acceptances::Coverage,
    units: &[String],
) -> Result<Vec<FailingFinding>, DetailError> {
    let scoped = if units.is_empty() {
        String::new()
    } else {
        format!(" AND f.account {}", crate::store::accounts::in_units_sql(units.len()))
    };
    let sql = format!(
        "SELECT f.id, f.title, f.severity, f.account, f.region, f.updated_at,
                (SELECT json_group_array(resource_id ORDER BY ord) FROM finding_resources r WHERE r.fid = f.fid),
                f.fid, f.product_arn, (SELECT a.name FROM accounts a WHERE a.account_id = f.account)
         FROM finding_requirements fr JOIN findings f ON f.fid = fr.fid
         WHERE fr.framework = ?1 AND fr.requirement = ?2 AND f.record_state = 'active' AND f.status = 'failed'
           AND {}{scoped}
         ORDER BY CASE f.severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END,
                  f.updated_at DESC, f.id
         LIMIT {FINDINGS_PER_CONTROL}",
        if control.is_some() { "f.mapped_control = ?3" } else { "(f.mapped_control IS NULL OR fr.rule_kind <> 'control')" }
    );
    let mut stmt = conn.prepare(&sql)?;
    let map = |r: &rusqlite::Row<'_>| {
        Ok(FailingFinding {
            id: r.get(0)?,
            product_arn: r.get(8)?,
            title: r.get(1)?,
            severity: r.get(2)?,
            account: r.get(3)?,
            account_name: r.get(9)?,
            region: r.get(4)?,
            updated_at: format_ts(r.get(5)?),
            resources: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
            accepted: accepted
                .pairs
                .contains(&(r.get(7)?, framework.to_string(), requirement.to_string())),
        })
    };
    let values: Vec<&str> = [framework, requirement]
        .into_iter()
        .chain(control)
        .chain(units.iter().map(String::as_str))
        .collect();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values), map)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Everything the Requirement view shows, as of now.
pub fn requirement_detail(
    conn: &Connection,
    catalog: &Catalog,
    framework: &str,
    requirement: &str,
    now: i64,
) -> Result<RequirementDetail, DetailError> {
    let fw = catalog
        .framework(framework)
        .ok_or_else(|| DetailError::UnknownFramework(framework.to_string()))?;
    let req = fw
        .requirements
        .iter()
        .find(|r| r.id == requirement)
        .ok_or_else(|| DetailError::UnknownRequirement(framework.to_string(), requirement.to_string()))?;
    let p = posture::posture(conn, catalog, Some(framework), None, now)?;
    let rp = p
        .frameworks
        .into_iter()
        .next()
        .and_then(|f| f.requirements.into_iter().find(|r| r.id == requirement))
        .ok_or_else(|| DetailError::UnknownRequirement(framework.to_string(), requirement.to_string()))?;

    let evidence = req
        .evidence
        .iter()
        .map(|e| {
            let (kind, value) = e.rule.parts();
            EvidenceView {
                kind: kind.into(),
                value: value.to_string(),
                why: e.why.clone(),
            }
        })
        .collect();
    let accepted = acceptances::coverage(conn, now, None)?;
    let mut controls = Vec::new();
    for c in &rp.controls {
        let meta = catalog.controls.get(&c.id);
        let rationale = req
            .evidence
            .iter()
            .find(|e| e.rule == Rule::Control(c.id.clone()))
            .map(|e| e.why.clone());
        controls.push(ControlDetail {
            id: c.id.clone(),
            title: c.title.clone(),
            severity: meta.map(|m| m.severity.as_str().to_string()).unwrap_or_default(),
            config_rule: meta.and_then(|m| m.config_rule.clone()),
            status: c.status.clone(),
            failed: c.failed,
            passed: c.passed,
            accepted: c.accepted,
            rationale,
            remediation: meta.map(|m| m.remediation.clone()),
            failing: if c.failed > 0 || c.accepted > 0 {
                failing_in(conn, framework, requirement, Some(&c.id), &accepted, &[])?
            } else {
                Vec::new()
            },
        });
    }
    let mut stmt = conn.prepare(
        "SELECT id, attested_by, statement, attested_at, expires_at, evidence_name, evidence_sha256
         FROM attestations WHERE framework = ?1 AND requirement = ?2 ORDER BY attested_at DESC, id DESC",
    )?;
    let attestations = stmt
        .query_map(params![framework, requirement], |r| {
            Ok(Attestation {
                id: r.get(0)?,
                by: r.get(1)?,
                statement: r.get(2)?,
                attested_at: format_ts(r.get(3)?),
                expires_at: r.get::<_, Option<i64>>(4)?.map(format_ts),
                evidence_name: r.get(5)?,
                evidence_sha256: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RequirementDetail {
        framework_id: fw.id.clone(),
        framework_name: fw.name.clone(),
        id: req.id.clone(),
        title: req.title.clone(),
        summary: req.summary.clone(),
        parent: req.parent.clone(),
        children: fw
            .requirements
            .iter()
            .filter(|r| r.parent.as_deref() == Some(&req.id))
            .map(|r| r.id.clone())
            .collect(),
        manual: req.manual,
        attestation_prompt: req.attestation.clone(),
        other_failing: failing_in(conn, framework, requirement, None, &accepted, &[])?,
        posture: rp,
        evidence,
        controls,
        attestations,
    })
}
