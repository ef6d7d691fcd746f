//! Amazon Inspector v2 findings as `aws inspector2 list-findings` prints them (camelCase;
//! timestamps as ISO strings from the CLI or epoch seconds from the wire).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{
    arn_region_account, check_count, check_len, check_opt, check_tags, element_error, required_ts, value_text, By,
    ImportError, TsValue,
};
use crate::limits::{self, inspector as max};
use crate::model::{Finding, RecordState, Resource, Severity, Source, Status, Vulnerability};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InspectorFinding {
    finding_arn: String,
    aws_account_id: String,
    #[serde(rename = "type")]
    kind: String,
    description: String,
    severity: String,
    first_observed_at: TsValue,
    last_observed_at: TsValue,
    status: String,
    resources: Vec<InspectorResource>,
    title: Option<String>,
    updated_at: Option<TsValue>,
    remediation: Option<InspectorRemediation>,
    package_vulnerability_details: Option<PackageVulnerability>,
    fix_available: Option<String>,
    exploit_available: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InspectorResource {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    region: Option<String>,
    tags: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct InspectorRemediation {
    recommendation: Option<InspectorRecommendation>,
}

#[derive(Deserialize)]
struct InspectorRecommendation {
    text: Option<String>,
    // The wire really spells this one with a capital U.
    #[serde(rename = "Url", alias = "url")]
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageVulnerability {
    vulnerability_id: String,
    vulnerable_packages: Option<Vec<VulnerablePackage>>,
    cvss: Option<Vec<InspectorCvss>>,
    source_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VulnerablePackage {
    name: Option<String>,
    version: Option<String>,
    fixed_in_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InspectorCvss {
    base_score: Option<f64>,
}

/// Normalises one Inspector v2 finding.
pub fn normalise(raw: &RawValue, index: usize) -> Result<Finding, ImportError> {
    let bad = |id: Option<String>, message: String| ImportError::BadFinding { index, id, message };
    let f: InspectorFinding = serde_json::from_str(raw.get()).map_err(|e| bad(sniff_arn(raw), element_error(&e)))?;
    // An id too long to keep is too long to quote in the message too.
    check_len(&"findingArn", &f.finding_arn, max::FINDING_ARN, By::Inspector).map_err(|m| bad(None, m))?;
    let id = f.finding_arn.clone();
    check_sizes(&f).map_err(|m| bad(Some(id.clone()), m))?;
    let ts = |v: &TsValue, field: &str| required_ts(v, field).map_err(|m| bad(Some(id.clone()), m));
    super::check_account("awsAccountId", &f.aws_account_id).map_err(|m| bad(Some(id.clone()), m))?;
    let first = ts(&f.first_observed_at, "firstObservedAt")?;
    let last = ts(&f.last_observed_at, "lastObservedAt")?;
    let updated = match &f.updated_at {
        Some(v) => ts(v, "updatedAt")?,
        None => last,
    };
    // A value outside Inspector's documented ones is read as the nearest, and said.
    let mut lenient: Option<String> = None;
    let severity = Severity::parse_label(&f.severity).unwrap_or_else(|| {
        lenient = Some(super::lenient_note("severity", &f.severity, "INFORMATIONAL"));
        Severity::Informational
    });
    let (status, record_state, workflow) = match f.status.as_str() {
        "ACTIVE" => (Status::Failed, RecordState::Active, "NEW"),
        "SUPPRESSED" => (Status::Failed, RecordState::Active, "SUPPRESSED"),
        "CLOSED" => (Status::Passed, RecordState::Archived, "RESOLVED"),
        other => {
            // Open until Inspector says it is closed.
            lenient.get_or_insert(super::lenient_note("status", other, "ACTIVE"));
            (Status::Failed, RecordState::Active, "NEW")
        }
    };
    let region = f
        .resources
        .iter()
        .find_map(|r| r.region.clone())
        .or_else(|| arn_region_account(&f.finding_arn).map(|(r, _)| r.to_string()))
        .unwrap_or_default();

    let vulnerabilities: Vec<Vulnerability> = f
        .package_vulnerability_details
        .as_ref()
        .map(|p| {
            let pkgs = p.vulnerable_packages.as_deref().unwrap_or_default();
            let cvss = p
                .cvss
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.base_score)
                .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
            let one = |pkg: Option<&VulnerablePackage>| Vulnerability {
                id: p.vulnerability_id.clone(),
                package: pkg.and_then(|p| p.name.clone()),
                installed_version: pkg.and_then(|p| p.version.clone()),
                fixed_version: pkg.and_then(|p| p.fixed_in_version.clone()),
                cvss,
                fix_available: f.fix_available.as_deref().map(|s| s != "NO"),
                exploit_available: f.exploit_available.as_deref().map(|s| s == "YES"),
            };
            if pkgs.is_empty() {
                vec![one(None)]
            } else {
                pkgs.iter().map(|p| one(Some(p))).collect()
            }
        })
        .unwrap_or_default();

    let title = f
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| match vulnerabilities.first() {
            Some(v) => match &v.package {
                Some(p) => format!("{} - {}", v.id, p),
                None => v.id.clone(),
            },
            None => f.kind.clone(),
        });
    let recommendation = f.remediation.and_then(|r| r.recommendation);
    let remediation_url = recommendation.as_ref().and_then(|r| r.url.clone()).or_else(|| {
        f.package_vulnerability_details
            .as_ref()
            .and_then(|p| p.source_url.clone())
    });

    let resources = f
        .resources
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let tags: Vec<(String, String)> = r
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| {
                    let v = value_text(&v).unwrap_or_else(|| v.to_string());
                    (k, v)
                })
                .collect();
            check_tags(&format_args!("resources[{i}]"), &tags, "tags").map_err(|m| bad(Some(id.clone()), m))?;
            Ok(Resource {
                kind: r.kind,
                id: r.id,
                region: r.region,
                tags,
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;
    let product_arn = super::aws_product_arn(&f.finding_arn, &region, "inspector");
    Ok(Finding {
        id: f.finding_arn,
        product_arn,
        source: Source::Inspector,
        product: "Inspector".into(),
        account: f.aws_account_id,
        account_name: None,
        region,
        control_id: None,
        related_nist: Vec::new(),
        declared: Vec::new(),
        standard: None,
        config_rule: None,
        generator_id: None,
        types: vec![f.kind],
        title,
        description: f.description,
        severity,
        status,
        record_state,
        workflow_status: Some(workflow.into()),
        resources,
        remediation_text: recommendation.and_then(|r| r.text),
        remediation_url,
        vulnerabilities,
        first_observed_at: Some(first),
        last_observed_at: Some(last),
        created_at: first,
        updated_at: updated,
        lenient,
    })
}

/// Every text and list of `f` that Rampart keeps, against the maxima of the Inspector v2
/// API model and, where it documents none, Rampart's caps. `findingArn` is checked before.
fn check_sizes(f: &InspectorFinding) -> Result<(), String> {
    use limits::{LIST_ITEMS, LONG_TEXT_CHARS, NAME_CHARS};
    check_len(&"type", &f.kind, NAME_CHARS, By::Rampart)?;
    check_len(&"description", &f.description, max::DESCRIPTION, By::Inspector)?;
    check_opt(&"title", f.title.as_deref(), max::TITLE, By::Inspector)?;
    check_count(&"resources", f.resources.len(), max::RESOURCES, By::Inspector)?;
    for (i, r) in f.resources.iter().enumerate() {
        check_len(&format_args!("resources[{i}].type"), &r.kind, NAME_CHARS, By::Rampart)?;
        check_len(&format_args!("resources[{i}].id"), &r.id, LONG_TEXT_CHARS, By::Rampart)?;
        check_opt(
            &format_args!("resources[{i}].region"),
            r.region.as_deref(),
            NAME_CHARS,
            By::Rampart,
        )?;
        // Tags are checked as kept (a tag value that is not a string is kept as its JSON).
    }
    if let Some(r) = f.remediation.as_ref().and_then(|r| r.recommendation.as_ref()) {
        check_opt(
            &"remediation.recommendation.text",
            r.text.as_deref(),
            LONG_TEXT_CHARS,
            By::Rampart,
        )?;
        check_opt(
            &"remediation.recommendation.Url",
            r.url.as_deref(),
            LONG_TEXT_CHARS,
            By::Rampart,
        )?;
    }
    if let Some(p) = &f.package_vulnerability_details {
        let at = "packageVulnerabilityDetails";
        check_len(
            &format_args!("{at}.vulnerabilityId"),
            &p.vulnerability_id,
            max::VULNERABILITY_ID,
            By::Inspector,
        )?;
        check_opt(
            &format_args!("{at}.sourceUrl"),
            p.source_url.as_deref(),
            LONG_TEXT_CHARS,
            By::Rampart,
        )?;
        let packages = p.vulnerable_packages.as_deref().unwrap_or_default();
        check_count(
            &format_args!("{at}.vulnerablePackages"),
            packages.len(),
            LIST_ITEMS,
            By::Rampart,
        )?;
        for (i, pkg) in packages.iter().enumerate() {
            for (name, value) in [
                ("name", &pkg.name),
                ("version", &pkg.version),
                ("fixedInVersion", &pkg.fixed_in_version),
            ] {
                check_opt(
                    &format_args!("{at}.vulnerablePackages[{i}].{name}"),
                    value.as_deref(),
                    max::PACKAGE_TEXT,
                    By::Inspector,
                )?;
            }
        }
    }
    Ok(())
}

fn sniff_arn(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct ArnOnly {
        #[serde(rename = "findingArn")]
        arn: Option<Value>,
    }
    serde_json::from_str::<ArnOnly>(raw.get())
        .ok()
        .and_then(|a| a.arn)
        .and_then(|v| value_text(&v))
        .filter(|arn| limits::chars_over(arn, max::FINDING_ARN).is_none())
}

/// A resource as `aws inspector2 list-coverage` prints it (`coveredResources[]`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CoveredResource {
    account_id: String,
    resource_id: String,
    resource_type: String,
    scan_type: Option<String>,
    scan_status: Option<ScanStatus>,
    last_scanned_at: Option<TsValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanStatus {
    status_code: String,
    reason: Option<String>,
}

/// The finding type given to coverage records, so the catalog can name them.
pub const COVERAGE_TYPE: &str = "COVERAGE";

/// Normalises one Inspector coverage record into a finding about the resource: failed
/// when Inspector does not scan it (evidence against continuous security testing),
/// passed when it does. The Region comes from `opts` (the record has none); the time is
/// when it was fetched (`opts.observed_at`), else its last scan.
pub fn normalise_coverage(raw: &RawValue, index: usize, opts: &super::ImportOptions) -> Result<Finding, ImportError> {
    let bad = |message: String| ImportError::BadFinding {
        index,
        id: None,
        message,
    };
    let c: CoveredResource = serde_json::from_str(raw.get()).map_err(|e| bad(element_error(&e)))?;
    super::check_account("accountId", &c.account_id).map_err(bad)?;
    check_len(&"resourceId", &c.resource_id, max::COVERED_RESOURCE_ID, By::Inspector).map_err(bad)?;
    check_len(&"resourceType", &c.resource_type, limits::NAME_CHARS, By::Rampart).map_err(bad)?;
    check_opt(&"scanType", c.scan_type.as_deref(), limits::NAME_CHARS, By::Rampart).map_err(bad)?;
    if let Some(s) = &c.scan_status {
        check_opt(
            &"scanStatus.reason",
            s.reason.as_deref(),
            limits::NAME_CHARS,
            By::Rampart,
        )
        .map_err(bad)?;
    }
    let scanned_at = match &c.last_scanned_at {
        Some(v) => Some(required_ts(v, "lastScannedAt").map_err(bad)?),
        None => None,
    };
    let at = opts
        .observed_at
        .or(scanned_at)
        .ok_or_else(|| bad("field `lastScannedAt` is missing and the import gives no observation time".to_string()))?;
    let region = opts.region.clone().unwrap_or_default();
    let scan = c.scan_type.clone().unwrap_or_else(|| "scan".into());
    let (code, reason) = match &c.scan_status {
        Some(s) => (s.status_code.as_str(), s.reason.clone().unwrap_or_default()),
        None => ("INACTIVE", String::new()),
    };
    let (status, title, description) = if code == "ACTIVE" {
        (
            Status::Passed,
            format!("Inspector scans {} {}", c.resource_type, c.resource_id),
            format!("Amazon Inspector {scan} scanning is active for this resource."),
        )
    } else {
        (
            Status::Failed,
            format!("Inspector does not scan {} {}", c.resource_type, c.resource_id),
            format!(
                "Amazon Inspector {scan} scanning is not active for this resource{}, so its vulnerabilities are not tested.",
                if reason.is_empty() { String::new() } else { format!(" (reason: {reason})") }
            ),
        )
    };
    Ok(Finding {
        id: format!(
            "inspector-coverage:{}:{region}:{}:{}",
            c.account_id, c.resource_type, c.resource_id
        ),
        product_arn: super::aws_product_arn(&c.resource_id, &region, "inspector"),
        source: Source::Inspector,
        product: "Inspector".into(),
        account: c.account_id,
        account_name: None,
        region: region.clone(),
        control_id: None,
        related_nist: Vec::new(),
        declared: Vec::new(),
        standard: None,
        config_rule: None,
        generator_id: None,
        types: vec![COVERAGE_TYPE.into()],
        title,
        description,
        severity: if status == Status::Failed { Severity::Medium } else { Severity::Informational },
        status,
        record_state: RecordState::Active,
        workflow_status: None,
        resources: vec![Resource {
            kind: c.resource_type,
            id: c.resource_id,
            region: (!region.is_empty()).then_some(region),
            tags: Vec::new(),
        }],
        remediation_text: (status == Status::Failed).then(|| {
            "Enable Inspector scanning for this resource type in the account, and for EC2 make sure the instance is managed by Systems Manager.".to_string()
        }),
        remediation_url: None,
        vulnerabilities: Vec::new(),
        first_observed_at: scanned_at,
        last_observed_at: scanned_at,
        created_at: at,
        updated_at: at,
        lenient: None,
    })
}
