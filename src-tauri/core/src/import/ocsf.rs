//! OCSF findings (Open Cybersecurity Schema Framework, 1.1–1.6): what the new AWS Security
//! Hub stores and returns (`GetFindingsV2`, `StartExportJobV2`, EventBridge "Findings
//! Imported V2"), and what scanners such as Prowler write. Three classes matter:
//! 2003 compliance findings (a control's check), 2002 vulnerability findings (CVEs with
//! their packages) and 2004 detection findings (threats; Prowler's checks).
//!
//! Identity is the product and the finding's own id (`metadata.product.uid`,
//! `finding_info.uid`), as AWS's `OcsfFindingIdentifier` defines it with the account.
//! OCSF documents no maximum lengths: Rampart's caps (`By::Rampart`) hold every text it keeps.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{check_count, check_len, check_opt, check_tags, element_error, quoted, value_text, By, ImportError};
use crate::limits::{self, LIST_ITEMS, LONG_TEXT_CHARS, NAME_CHARS};
use crate::model::{Finding, RecordState, Resource, Severity, Source, Status, Vulnerability};

#[derive(Deserialize)]
struct Ocsf {
    class_uid: Option<i64>,
    finding_info: Option<FindingInfo>,
    metadata: Option<Metadata>,
    cloud: Option<Cloud>,
    severity_id: Option<i64>,
    severity: Option<String>,
    status_id: Option<i64>,
    status: Option<String>,
    /// Prowler's result of a check: PASS, FAIL, MANUAL.
    status_code: Option<String>,
    activity_id: Option<i64>,
    compliance: Option<Compliance>,
    #[serde(default)]
    resources: Vec<OcsfResource>,
    #[serde(default)]
    vulnerabilities: Vec<OcsfVulnerability>,
    remediation: Option<Remediation>,
    message: Option<String>,
    time: Option<Value>,
    time_dt: Option<String>,
    /// Prowler: `compliance` (framework → requirement ids it declares the check evidences).
    unmapped: Option<Unmapped>,
}

#[derive(Deserialize)]
struct Unmapped {
    compliance: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct FindingInfo {
    uid: Option<String>,
    title: Option<String>,
    desc: Option<String>,
    #[serde(default)]
    types: Vec<String>,
    created_time: Option<Value>,
    created_time_dt: Option<String>,
    modified_time: Option<Value>,
    modified_time_dt: Option<String>,
    first_seen_time: Option<Value>,
    first_seen_time_dt: Option<String>,
    last_seen_time: Option<Value>,
    last_seen_time_dt: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    product: Option<Product>,
    /// The check that produced it (Prowler: `accessanalyzer_enabled`).
    event_code: Option<String>,
}

#[derive(Deserialize)]
struct Product {
    uid: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Cloud {
    account: Option<Account>,
    region: Option<String>,
}

#[derive(Deserialize)]
struct Account {
    uid: Option<Value>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Compliance {
    control: Option<String>,
    status_id: Option<i64>,
    status: Option<String>,
    #[serde(default)]
    standards: Vec<String>,
    #[serde(default)]
    requirements: Vec<String>,
}

#[derive(Deserialize)]
struct OcsfResource {
    uid: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    region: Option<String>,
    #[serde(default)]
    tags: Vec<KeyValue>,
    data: Option<Value>,
}

#[derive(Deserialize)]
struct KeyValue {
    name: Option<String>,
    value: Option<Value>,
}

#[derive(Deserialize)]
struct OcsfVulnerability {
    cve: Option<Cve>,
    advisory: Option<Advisory>,
    #[serde(default)]
    affected_packages: Vec<Package>,
    fix_available: Option<bool>,
    is_fix_available: Option<bool>,
    is_exploit_available: Option<bool>,
    exploit_available: Option<bool>,
}

#[derive(Deserialize)]
struct Cve {
    uid: Option<String>,
    #[serde(default)]
    cvss: Vec<Cvss>,
}

#[derive(Deserialize)]
struct Advisory {
    uid: Option<String>,
}

#[derive(Deserialize)]
struct Cvss {
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Package {
    name: Option<String>,
    version: Option<String>,
    fixed_in_version: Option<String>,
}

#[derive(Deserialize)]
struct Remediation {
    desc: Option<String>,
    #[serde(default)]
    references: Vec<String>,
}

/// OCSF's `severity_id`: 1 informational … 5 critical, 6 fatal (as critical); otherwise
/// the `severity` caption, else informational.
fn severity_of(id: Option<i64>, caption: Option<&str>) -> Severity {
    match id {
        Some(1) => Severity::Informational,
        Some(2) => Severity::Low,
        Some(3) => Severity::Medium,
        Some(4) => Severity::High,
        Some(5) | Some(6) => Severity::Critical,
        _ => match caption.map(str::to_ascii_lowercase).as_deref() {
            Some("fatal") => Severity::Critical,
            Some(c) => Severity::parse_label(c).unwrap_or(Severity::Informational),
            None => Severity::Informational,
        },
    }
}

/// A time given as OCSF's `_dt` text, else as its number: milliseconds by the schema
/// (`timestamp_t`), but seconds in some scanners' output (Prowler), told apart by size.
fn time_of(dt: Option<&str>, number: Option<&Value>, field: &str) -> Result<Option<i64>, String> {
    if let Some(text) = dt.filter(|t| !t.is_empty()) {
        return crate::time::parse_ts(text)
            .map(Some)
            .ok_or_else(|| format!("field `{field}_dt` is not a timestamp: {}", quoted(text)));
    }
    match number {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let v = n.as_f64().unwrap_or(f64::NAN);
            let ms = if v.abs() < 1e11 {
                crate::time::epoch_seconds_to_ms(v)
            } else {
                crate::time::epoch_seconds_to_ms(v / 1000.0)
            };
            ms.map(Some)
                .ok_or_else(|| format!("field `{field}` is not a timestamp: {v}"))
        }
        Some(Value::String(s)) => crate::time::parse_ts(s)
            .map(Some)
            .ok_or_else(|| format!("field `{field}` is not a timestamp: {}", quoted(s))),
        Some(other) => Err(format!("field `{field}` is not a timestamp: {other}")),
    }
}

/// The compliance result: `compliance.status_id` (1 pass, 2 warning, 3 fail), its caption,
/// or Prowler's `status_code`. None when the finding states none (threats, CVEs).
fn compliance_status(f: &Ocsf, lenient: &mut Option<String>) -> Option<Status> {
    if let Some(c) = &f.compliance {
        match c.status_id {
            Some(1) => return Some(Status::Passed),
            Some(2) => return Some(Status::Warning),
            Some(3) => return Some(Status::Failed),
            _ => {}
        }
        if let Some(s) = c.status.as_deref() {
            return Some(match s.to_ascii_lowercase().as_str() {
                "pass" | "passed" => Status::Passed,
                "warning" => Status::Warning,
                "fail" | "failed" => Status::Failed,
                "unknown" | "other" | "" => Status::NotAvailable,
                _ => {
                    let (status, note) = super::nearest_status("compliance.status", s);
                    *lenient = Some(note);
                    status
                }
            });
        }
    }
    match f.status_code.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("PASS") => Some(Status::Passed),
        Some("FAIL") => Some(Status::Failed),
        // A check the scanner cannot decide needs a person: no verdict.
        Some("MANUAL") => Some(Status::NotAvailable),
        Some(other) => {
            let (status, note) = super::nearest_status("status_code", other);
            *lenient = Some(note);
            Some(status)
        }
        None => None,
    }
}

/// A resource's id: its `uid` when that is an ARN, else the ARN a scanner put in its data
/// (Prowler: `data.metadata.arn`), else the `uid` as given.
fn resource_id(r: &OcsfResource) -> String {
    let uid = r.uid.clone().unwrap_or_default();
    if uid.starts_with("arn:") {
        return uid;
    }
    r.data
        .as_ref()
        .and_then(|d| d.pointer("/metadata/arn"))
        .and_then(Value::as_str)
        .filter(|a| a.starts_with("arn:"))
        .map(str::to_string)
        .unwrap_or(uid)
}

/// Normalises one OCSF finding.
pub fn normalise(raw: &RawValue, index: usize) -> Result<Finding, ImportError> {
    let bad = |id: Option<String>, message: String| ImportError::BadFinding { index, id, message };
    let f: Ocsf = serde_json::from_str(raw.get()).map_err(|e| bad(None, element_error(&e)))?;
    let info = f
        .finding_info
        .as_ref()
        .ok_or_else(|| bad(None, "no `finding_info`: the finding cannot be identified".into()))?;
    let id = info
        .uid
        .clone()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| bad(None, "no `finding_info.uid`: the finding cannot be identified".into()))?;
    check_len(&"finding_info.uid", &id, limits::asff::ID, By::Rampart).map_err(|m| bad(None, m))?;
    let here = |m: String| bad(Some(id.clone()), m);

    let product = f.metadata.as_ref().and_then(|m| m.product.as_ref());
    let product_arn = product
        .and_then(|p| p.uid.clone().or_else(|| p.name.clone()))
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            here("field `metadata.product.uid` is missing: the product is half of a finding's identity".into())
        })?;
    // The new Security Hub names AWS's integrations `productv2/aws/…`; they are the same
    // products as CSPM's `product/aws/…`, so one check read from both is one finding.
    let product_arn = match product_arn.split_once("::productv2/aws/") {
        Some((head, tail)) => format!("{head}::product/aws/{tail}"),
        None => product_arn,
    };
    let product_name = super::asff::product_name(product.and_then(|p| p.name.as_deref()), None, &product_arn);
    let account = match f
        .cloud
        .as_ref()
        .and_then(|c| c.account.as_ref())
        .and_then(|a| a.uid.as_ref())
    {
        Some(v) => value_text(v).unwrap_or_default(),
        None => {
            return Err(here(
                "field `cloud.account.uid` is missing: a finding must name its account".into(),
            ))
        }
    };
    super::check_account("cloud.account.uid", &account).map_err(here)?;
    let account_name = f
        .cloud
        .as_ref()
        .and_then(|c| c.account.as_ref())
        .and_then(|a| a.name.clone())
        .filter(|n| !n.trim().is_empty());
    check_opt(&"cloud.account.name", account_name.as_deref(), NAME_CHARS, By::Rampart).map_err(here)?;

    let created = time_of(
        info.created_time_dt.as_deref(),
        info.created_time.as_ref(),
        "finding_info.created_time",
    )
    .map_err(here)?;
    let modified = time_of(
        info.modified_time_dt.as_deref(),
        info.modified_time.as_ref(),
        "finding_info.modified_time",
    )
    .map_err(here)?;
    let event_time = time_of(f.time_dt.as_deref(), f.time.as_ref(), "time").map_err(here)?;
    let first_seen = time_of(
        info.first_seen_time_dt.as_deref(),
        info.first_seen_time.as_ref(),
        "finding_info.first_seen_time",
    )
    .map_err(here)?;
    let last_seen = time_of(
        info.last_seen_time_dt.as_deref(),
        info.last_seen_time.as_ref(),
        "finding_info.last_seen_time",
    )
    .map_err(here)?;
    let updated_at = modified.or(event_time).or(last_seen).or(created).ok_or_else(|| {
        here("no time: neither `finding_info.modified_time_dt`, `time_dt` nor `finding_info.created_time_dt`".into())
    })?;
    let created_at = created.or(first_seen).unwrap_or(updated_at);

    let title = info
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| f.metadata.as_ref().and_then(|m| m.event_code.clone()))
        .unwrap_or_else(|| "OCSF finding".to_string());
    let description = info.desc.clone().or_else(|| f.message.clone()).unwrap_or_default();
    check_len(&"finding_info.title", &title, NAME_CHARS, By::Rampart).map_err(here)?;
    check_len(
        &"finding_info.desc",
        &description,
        limits::OCSF_DESCRIPTION_CHARS,
        By::Rampart,
    )
    .map_err(here)?;
    check_count(
        &"finding_info.types",
        info.types.len(),
        limits::asff::TYPES,
        By::Rampart,
    )
    .map_err(here)?;
    check_count(&"resources", f.resources.len(), limits::asff::RESOURCES, By::Rampart).map_err(here)?;
    check_count(&"vulnerabilities", f.vulnerabilities.len(), LIST_ITEMS, By::Rampart).map_err(here)?;

    // Status: the compliance result when there is one; otherwise (threats, CVEs) a finding
    // is failing until it is resolved (status_id 4) — as ASFF findings without one are.
    let mut lenient = None;
    let status = match compliance_status(&f, &mut lenient) {
        Some(s) => s,
        None if f.status_id == Some(4) => Status::Passed,
        None => Status::Failed,
    };
    // Archived (status_id 5), or closed by its producer (activity 3, Close).
    let record_state = if f.status_id == Some(5) || f.activity_id == Some(3) {
        RecordState::Archived
    } else {
        RecordState::Active
    };
    let workflow_status = f
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_uppercase().replace(' ', "_"));

    let compliance = f.compliance.as_ref();
    let control_id = compliance.and_then(|c| c.control.clone()).filter(|c| !c.is_empty());
    check_opt(&"compliance.control", control_id.as_deref(), NAME_CHARS, By::Rampart).map_err(here)?;
    let related_nist = compliance
        .map(|c| super::asff::related_nist(&c.requirements))
        .unwrap_or_default();
    let standard = compliance.and_then(|c| c.standards.first().cloned());
    let declared = f
        .unmapped
        .as_ref()
        .and_then(|u| u.compliance.as_ref())
        .map(declared_requirements)
        .unwrap_or_default();

    let region = f
        .cloud
        .as_ref()
        .and_then(|c| c.region.clone())
        .filter(|r| !r.is_empty())
        .or_else(|| f.resources.iter().find_map(|r| r.region.clone()))
        .unwrap_or_default();
    check_len(&"cloud.region", &region, NAME_CHARS, By::Rampart).map_err(here)?;

    let mut resources = Vec::with_capacity(f.resources.len());
    for (i, r) in f.resources.iter().enumerate() {
        let rid = resource_id(r);
        check_len(&format_args!("resources[{i}].uid"), &rid, LONG_TEXT_CHARS, By::Rampart).map_err(here)?;
        let kind = r.kind.clone().unwrap_or_default();
        check_len(&format_args!("resources[{i}].type"), &kind, NAME_CHARS, By::Rampart).map_err(here)?;
        let tags: Vec<(String, String)> = r
            .tags
            .iter()
            .filter_map(|t| {
                Some((
                    t.name.clone()?,
                    t.value.as_ref().and_then(value_text).unwrap_or_default(),
                ))
            })
            .collect();
        check_tags(&format_args!("resources[{i}]"), &tags, "tags").map_err(here)?;
        resources.push(Resource {
            kind,
            id: rid,
            region: r.region.clone().filter(|r| !r.is_empty()),
            tags,
        });
    }

    let mut vulnerabilities = Vec::new();
    for (i, v) in f.vulnerabilities.iter().enumerate() {
        let Some(vid) = v
            .cve
            .as_ref()
            .and_then(|c| c.uid.clone())
            .or_else(|| v.advisory.as_ref().and_then(|a| a.uid.clone()))
        else {
            continue;
        };
        check_len(
            &format_args!("vulnerabilities[{i}].cve.uid"),
            &vid,
            NAME_CHARS,
            By::Rampart,
        )
        .map_err(here)?;
        let cvss = v
            .cve
            .as_ref()
            .into_iter()
            .flat_map(|c| c.cvss.iter())
            .filter_map(|c| c.base_score)
            .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
        let pkg = v.affected_packages.first();
        for (field, text) in [
            ("name", pkg.and_then(|p| p.name.as_deref())),
            ("version", pkg.and_then(|p| p.version.as_deref())),
        ] {
            check_opt(
                &format_args!("vulnerabilities[{i}].affected_packages[0].{field}"),
                text,
                NAME_CHARS,
                By::Rampart,
            )
            .map_err(here)?;
        }
        vulnerabilities.push(Vulnerability {
            id: vid,
            package: pkg.and_then(|p| p.name.clone()),
            installed_version: pkg.and_then(|p| p.version.clone()),
            fixed_version: pkg.and_then(|p| p.fixed_in_version.clone()),
            cvss,
            fix_available: v.fix_available.or(v.is_fix_available),
            exploit_available: v.is_exploit_available.or(v.exploit_available),
        });
    }

    let remediation_text = f
        .remediation
        .as_ref()
        .and_then(|r| r.desc.clone())
        .filter(|d| !d.is_empty());
    check_opt(
        &"remediation.desc",
        remediation_text.as_deref(),
        limits::OCSF_DESCRIPTION_CHARS,
        By::Rampart,
    )
    .map_err(here)?;
    let remediation_url = f
        .remediation
        .as_ref()
        .and_then(|r| r.references.iter().find(|u| u.starts_with("https://")).cloned());
    check_opt(
        &"remediation.references",
        remediation_url.as_deref(),
        LONG_TEXT_CHARS,
        By::Rampart,
    )
    .map_err(here)?;

    let generator_id = f
        .metadata
        .as_ref()
        .and_then(|m| m.event_code.clone())
        .or_else(|| control_id.as_ref().map(|c| format!("security-control/{c}")));
    check_opt(&"metadata.event_code", generator_id.as_deref(), NAME_CHARS, By::Rampart).map_err(here)?;
    let mut types = info.types.clone();
    if let Some(class) = f.class_uid {
        types.push(format!("OCSF/{class}"));
    }

    Ok(Finding {
        id,
        product_arn,
        source: Source::Securityhub,
        product: product_name,
        account,
        account_name,
        region,
        control_id,
        standard,
        config_rule: None,
        generator_id,
        types,
        related_nist,
        declared,
        title,
        description,
        severity: severity_of(f.severity_id, f.severity.as_deref()),
        status,
        record_state,
        workflow_status,
        resources,
        remediation_text,
        remediation_url,
        vulnerabilities,
        first_observed_at: first_seen,
        last_observed_at: last_seen,
        created_at,
        updated_at,
        lenient,
    })
}

/// The requirements a scanner declares a check evidences (Prowler's `unmapped.compliance`:
/// framework name → requirement ids), in the catalog's notation, for the frameworks Rampart
/// knows the scanner's notation of: HIPAA (`164_308_a_1_ii_a` → `hipaa:164.308(a)(1)(ii)(A)`)
/// and GDPR (`article_32` → `gdpr:Art.32`). Others (CIS, PCI, …) are left out.
fn declared_requirements(compliance: &BTreeMap<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (framework, ids) in compliance {
        let ids = ids.as_array().map(Vec::as_slice).unwrap_or_default();
        let name = framework.to_ascii_uppercase();
        for id in ids.iter().filter_map(Value::as_str) {
            let converted = match name.as_str() {
                "HIPAA" => hipaa_requirement(id).map(|r| format!("hipaa:{r}")),
                "GDPR" => gdpr_requirement(id).map(|r| format!("gdpr:{r}")),
                _ => None,
            };
            if let Some(r) = converted.filter(|r| !out.contains(r)) {
                out.push(r);
            }
        }
        if out.len() >= LIST_ITEMS {
            break;
        }
    }
    out
}

/// The declared requirements of one OCSF finding's JSON (see [`declared_requirements`]),
/// for a finding stored before they were kept.
pub(crate) fn declared_of(raw: &[u8]) -> Vec<String> {
    serde_json::from_slice::<Value>(raw)
        .ok()
        .and_then(|v| {
            let compliance = v.get("unmapped")?.get("compliance")?.clone();
            serde_json::from_value::<BTreeMap<String, Value>>(compliance).ok()
        })
        .map(|c| declared_requirements(&c))
        .unwrap_or_default()
}

/// `164_308_a_1_ii_a` → `164.308(a)(1)(ii)(A)`: part and section, then the paragraph levels
/// of 45 CFR (a letter, a number, a roman numeral, a capital letter).
fn hipaa_requirement(id: &str) -> Option<String> {
    let mut parts = id.split(['_', '.']).filter(|p| !p.is_empty());
    let (part, section) = (parts.next()?, parts.next()?);
    if !part.bytes().all(|b| b.is_ascii_digit()) || !section.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = format!("{part}.{section}");
    for (depth, p) in parts.enumerate() {
        if depth > 3 || !p.bytes().all(|b| b.is_ascii_alphanumeric()) || p.len() > 8 {
            return None;
        }
        let level = if depth == 3 {
            p.to_ascii_uppercase()
        } else {
            p.to_ascii_lowercase()
        };
        out.push_str(&format!("({level})"));
    }
    Some(out)
}

/// `article_32` → `Art.32`; `article_32_1_b` → `Art.32(1)(b)`.
fn gdpr_requirement(id: &str) -> Option<String> {
    let rest = id.to_ascii_lowercase();
    let rest = rest
        .strip_prefix("article_")
        .or_else(|| rest.strip_prefix("art_"))?
        .to_string();
    let mut parts = rest.split('_').filter(|p| !p.is_empty());
    let article = parts.next().filter(|a| a.bytes().all(|b| b.is_ascii_digit()))?;
    let mut out = format!("Art.{article}");
    for p in parts {
        if !p.bytes().all(|b| b.is_ascii_alphanumeric()) || p.len() > 8 {
            return None;
        }
        out.push_str(&format!("({p})"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prowler_requirement_ids_are_read_in_the_catalogs_notation() {
        assert_eq!(
            hipaa_requirement("164_308_a_1_ii_a").as_deref(),
            Some("164.308(a)(1)(ii)(A)")
        );
        assert_eq!(hipaa_requirement("164_312_b").as_deref(), Some("164.312(b)"));
        assert_eq!(hipaa_requirement("164_312_e_2_i").as_deref(), Some("164.312(e)(2)(i)"));
        assert_eq!(hipaa_requirement("not_a_section"), None);
        assert_eq!(gdpr_requirement("article_25").as_deref(), Some("Art.25"));
        assert_eq!(gdpr_requirement("article_32_1_b").as_deref(), Some("Art.32(1)(b)"));
        assert_eq!(gdpr_requirement("recital_39"), None);
        let compliance: BTreeMap<String, Value> = serde_json::from_value(serde_json::json!({
            "CIS-3.0": ["1.20"],
            "HIPAA": ["164_308_a_1_ii_a", "164_308_a_1_ii_a"],
            "GDPR": ["article_30"],
        }))
        .unwrap();
        assert_eq!(
            declared_requirements(&compliance),
            ["gdpr:Art.30", "hipaa:164.308(a)(1)(ii)(A)"]
        );
    }

    #[test]
    fn times_are_read_from_text_or_numbers_in_seconds_or_milliseconds() {
        let secs = serde_json::json!(1_739_539_623);
        let ms = serde_json::json!(1_739_539_623_000_i64);
        assert_eq!(time_of(None, Some(&secs), "t"), Ok(Some(1_739_539_623_000)));
        assert_eq!(time_of(None, Some(&ms), "t"), Ok(Some(1_739_539_623_000)));
        assert_eq!(
            time_of(Some("2025-02-14T14:27:03.913874"), Some(&secs), "t"),
            Ok(crate::time::parse_ts("2025-02-14T14:27:03.913Z"))
        );
        assert!(time_of(Some("soon"), None, "t").unwrap_err().contains("`t_dt`"));
        assert_eq!(time_of(None, None, "t"), Ok(None));
    }

    #[test]
    fn severity_ids_and_captions() {
        assert_eq!(severity_of(Some(6), None), Severity::Critical);
        assert_eq!(severity_of(Some(3), Some("High")), Severity::Medium);
        assert_eq!(severity_of(Some(99), Some("High")), Severity::High);
        assert_eq!(severity_of(None, Some("Fatal")), Severity::Critical);
        assert_eq!(severity_of(None, None), Severity::Informational);
    }
}
