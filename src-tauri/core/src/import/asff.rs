//! AWS Security Finding Format (ASFF): Security Hub's own control findings (consolidated
//! and legacy standard-specific layouts) and the findings it aggregates from Inspector,
//! Config, GuardDuty, IAM Access Analyzer, Macie and partners.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{
    arn_region_account, check_count, check_len, check_opt, check_tags, element_error, required_ts, value_text, By,
    ImportError, TsValue,
};
use crate::limits::{self, asff as max};
use crate::model::{Finding, RecordState, Resource, Severity, Source, Status, Vulnerability};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Asff {
    id: String,
    product_arn: String,
    generator_id: String,
    aws_account_id: String,
    aws_account_name: Option<String>,
    created_at: TsValue,
    updated_at: TsValue,
    title: String,
    description: String,
    resources: Vec<AsffResource>,
    region: Option<String>,
    product_name: Option<String>,
    company_name: Option<String>,
    types: Option<Vec<String>>,
    first_observed_at: Option<TsValue>,
    last_observed_at: Option<TsValue>,
    severity: Option<AsffSeverity>,
    compliance: Option<AsffCompliance>,
    product_fields: Option<BTreeMap<String, Value>>,
    remediation: Option<AsffRemediation>,
    workflow: Option<AsffWorkflow>,
    record_state: Option<String>,
    vulnerabilities: Option<Vec<AsffVulnerability>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffResource {
    #[serde(rename = "Type")]
    kind: String,
    id: String,
    region: Option<String>,
    tags: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffSeverity {
    label: Option<String>,
    normalized: Option<f64>,
    product: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffCompliance {
    status: Option<String>,
    security_control_id: Option<String>,
    #[serde(default)]
    related_requirements: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffRemediation {
    recommendation: Option<AsffRecommendation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffRecommendation {
    text: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffWorkflow {
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffVulnerability {
    id: String,
    vulnerable_packages: Option<Vec<AsffPackage>>,
    cvss: Option<Vec<AsffCvss>>,
    fix_available: Option<String>,
    exploit_available: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffPackage {
    name: Option<String>,
    version: Option<String>,
    fixed_in_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffCvss {
    base_score: Option<f64>,
}

/// Normalises one ASFF finding.
pub fn normalise(raw: &RawValue, index: usize) -> Result<Finding, ImportError> {
    let bad = |id: Option<String>, message: String| ImportError::BadFinding { index, id, message };
    let f: Asff = serde_json::from_str(raw.get()).map_err(|e| bad(sniff_id(raw), element_error(&e)))?;
    // An id too long to keep is too long to quote in the message too.
    check_len(&"Id", &f.id, max::ID, By::Asff).map_err(|m| bad(None, m))?;
    let id = f.id.clone();
    check_sizes(&f).map_err(|m| bad(Some(id.clone()), m))?;
    let created_at = required_ts(&f.created_at, "CreatedAt").map_err(|m| bad(Some(id.clone()), m))?;
    let updated_at = required_ts(&f.updated_at, "UpdatedAt").map_err(|m| bad(Some(id.clone()), m))?;
    let optional_ts = |v: &Option<TsValue>, field: &str| -> Result<Option<i64>, ImportError> {
        v.as_ref()
            .map(|v| required_ts(v, field).map_err(|m| bad(Some(id.clone()), m)))
            .transpose()
    };
    super::check_account("AwsAccountId", &f.aws_account_id).map_err(|m| bad(Some(id.clone()), m))?;
    let first_observed_at = optional_ts(&f.first_observed_at, "FirstObservedAt")?;
    let last_observed_at = optional_ts(&f.last_observed_at, "LastObservedAt")?;
    if f.id.trim().is_empty() {
        return Err(bad(None, "field `Id` is empty".into()));
    }

    let account_name = f.aws_account_name.clone().filter(|n| !n.trim().is_empty());
    let pf = f.product_fields.unwrap_or_default();
    let pf_str = |k: &str| pf.get(k).and_then(value_text).filter(|s| !s.is_empty());

    // A value outside ASFF's documented ones is read as the nearest, and said (`lenient`).
    let mut lenient: Option<String> = None;
    let severity = match &f.severity {
        Some(s) => {
            // The label when it is one; else the deprecated score, else informational.
            let by_score = || {
                s.normalized
                    .or(s.product)
                    .map(Severity::from_normalized)
                    .unwrap_or(Severity::Informational)
            };
            match s.label.as_deref() {
                Some(l) => Severity::parse_label(l).unwrap_or_else(|| {
                    let read = by_score();
                    lenient = Some(super::lenient_note("Severity.Label", l, read.as_str()));
                    read
                }),
                None => by_score(),
            }
        }
        None => Severity::Informational,
    };

    let compliance_status = f.compliance.as_ref().and_then(|c| c.status.as_deref());
    let workflow_status = f.workflow.as_ref().and_then(|w| w.status.clone());
    let status = match compliance_status {
        Some(s) => match s.to_ascii_uppercase().as_str() {
            "PASSED" => Status::Passed,
            "FAILED" => Status::Failed,
            "WARNING" => Status::Warning,
            "NOT_AVAILABLE" => Status::NotAvailable,
            _ => {
                let (status, note) = super::nearest_status("Compliance.Status", s);
                lenient.get_or_insert(note);
                status
            }
        },
        // Not a control check: a vulnerability or threat is failing until it is closed
        // (Inspector) or resolved (workflow).
        None if pf_str("aws/inspector/FindingStatus").as_deref() == Some("CLOSED") => Status::Passed,
        None if workflow_status.as_deref() == Some("RESOLVED") => Status::Passed,
        None => Status::Failed,
    };
    let record_state = match f.record_state.as_deref() {
        None => RecordState::Active,
        Some(s) => RecordState::parse(s).unwrap_or_else(|| {
            lenient.get_or_insert(super::lenient_note("RecordState", s, "ACTIVE"));
            RecordState::Active
        }),
    };

    // Consolidated control findings name the control in Compliance.SecurityControlId and
    // in GeneratorId; legacy standard-specific ones only in ProductFields.
    let consolidated = f
        .compliance
        .as_ref()
        .and_then(|c| c.security_control_id.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| f.generator_id.strip_prefix("security-control/").map(str::to_string));
    let (control_id, standard) = match consolidated {
        Some(c) => (Some(c), None),
        None => match pf_str("ControlId").or_else(|| pf_str("RuleId")) {
            Some(c) => (
                Some(c),
                pf_str("StandardsArn")
                    .or_else(|| pf_str("StandardsGuideArn"))
                    .map(|arn| standard_path(&arn)),
            ),
            None => (None, None),
        },
    };
    let config_rule = pf_str("aws/config/ConfigRuleName").or_else(|| related_config_rule(&pf));
    let related_nist = f
        .compliance
        .as_ref()
        .map(|c| related_nist(&c.related_requirements))
        .unwrap_or_default();

    let region = f
        .region
        .clone()
        .filter(|r| !r.is_empty())
        .or_else(|| {
            arn_region_account(&f.product_arn)
                .map(|(r, _)| r.to_string())
                .filter(|r| !r.is_empty())
        })
        .or_else(|| f.resources.iter().find_map(|r| r.region.clone()))
        .unwrap_or_default();

    let product = product_name(f.product_name.as_deref(), f.company_name.as_deref(), &f.product_arn);
    let remediation = f.remediation.and_then(|r| r.recommendation);
    let remediation_url = remediation
        .as_ref()
        .and_then(|r| r.url.clone())
        .or_else(|| pf_str("RecommendationUrl"));

    let resources = f
        .resources
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let tags = tags_of(r.tags);
            check_tags(&format_args!("Resources[{i}]"), &tags, "Tags").map_err(|m| bad(Some(id.clone()), m))?;
            Ok(Resource {
                kind: r.kind,
                id: r.id,
                region: r.region,
                tags,
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;
    let vulnerabilities = f
        .vulnerabilities
        .unwrap_or_default()
        .into_iter()
        .map(|v| {
            let pkg = v.vulnerable_packages.and_then(|p| p.into_iter().next());
            Vulnerability {
                id: v.id,
                package: pkg.as_ref().and_then(|p| p.name.clone()),
                installed_version: pkg.as_ref().and_then(|p| p.version.clone()),
                fixed_version: pkg.and_then(|p| p.fixed_in_version),
                cvss: v
                    .cvss
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| c.base_score)
                    .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s)))),
                fix_available: v.fix_available.as_deref().map(|s| s != "NO"),
                exploit_available: v.exploit_available.as_deref().map(|s| s == "YES"),
            }
        })
        .collect();

    Ok(Finding {
        id: f.id,
        product_arn: f.product_arn,
        source: Source::Securityhub,
        product,
        account: f.aws_account_id,
        account_name,
        region,
        control_id,
        related_nist,
        declared: Vec::new(),
        standard,
        config_rule,
        generator_id: Some(f.generator_id),
        types: f.types.unwrap_or_default(),
        title: f.title,
        description: f.description,
        severity,
        status,
        record_state,
        workflow_status,
        resources,
        remediation_text: remediation.as_ref().and_then(|r| r.text.clone()),
        remediation_url,
        vulnerabilities,
        first_observed_at,
        last_observed_at,
        created_at,
        updated_at,
        lenient,
    })
}

/// Every text and list of `f` that Rampart keeps, against ASFF's documented maxima (the
/// AWS Security Hub API Reference: `AwsSecurityFinding`, `Resource`, `Compliance`,
/// `Recommendation`) and, where it documents none, Rampart's caps. `Id` is checked before.
fn check_sizes(f: &Asff) -> Result<(), String> {
    use limits::{LIST_ITEMS, LONG_TEXT_CHARS, NAME_CHARS};
    check_len(&"ProductArn", &f.product_arn, max::PRODUCT_ARN, By::Asff)?;
    check_len(&"GeneratorId", &f.generator_id, max::GENERATOR_ID, By::Asff)?;
    check_len(&"Title", &f.title, max::TITLE, By::Asff)?;
    check_len(&"Description", &f.description, max::DESCRIPTION, By::Asff)?;
    check_opt(&"ProductName", f.product_name.as_deref(), max::PRODUCT_NAME, By::Asff)?;
    check_opt(&"CompanyName", f.company_name.as_deref(), max::COMPANY_NAME, By::Asff)?;
    check_opt(
        &"AwsAccountName",
        f.aws_account_name.as_deref(),
        max::ACCOUNT_NAME,
        By::Asff,
    )?;
    check_opt(&"Region", f.region.as_deref(), max::REGION, By::Asff)?;
    if let Some(types) = &f.types {
        check_count(&"Types", types.len(), max::TYPES, By::Asff)?;
        for (i, t) in types.iter().enumerate() {
            check_len(&format_args!("Types[{i}]"), t, NAME_CHARS, By::Rampart)?;
        }
    }
    check_count(&"Resources", f.resources.len(), max::RESOURCES, By::Asff)?;
    for (i, r) in f.resources.iter().enumerate() {
        check_len(
            &format_args!("Resources[{i}].Type"),
            &r.kind,
            max::RESOURCE_TYPE,
            By::Asff,
        )?;
        check_len(&format_args!("Resources[{i}].Id"), &r.id, LONG_TEXT_CHARS, By::Rampart)?;
        check_opt(
            &format_args!("Resources[{i}].Region"),
            r.region.as_deref(),
            max::REGION,
            By::Asff,
        )?;
        // Tags are checked as kept (a tag value that is not a string is kept as its JSON).
    }
    if let Some(c) = &f.compliance {
        check_opt(
            &"Compliance.SecurityControlId",
            c.security_control_id.as_deref(),
            NAME_CHARS,
            By::Rampart,
        )?;
        check_count(
            &"Compliance.RelatedRequirements",
            c.related_requirements.len(),
            max::RELATED_REQUIREMENTS,
            By::Asff,
        )?;
    }
    for (k, v) in f.product_fields.iter().flatten() {
        if limits::chars_over(k, max::PRODUCT_FIELD_KEY).is_some() {
            return Err(format!(
                "a key of field `ProductFields` is {} characters long; ASFF allows at most {}",
                k.chars().count(),
                max::PRODUCT_FIELD_KEY
            ));
        }
        if let Value::String(v) = v {
            check_len(
                &format_args!("ProductFields.{k}"),
                v,
                max::PRODUCT_FIELD_VALUE,
                By::Asff,
            )?;
        }
    }
    if let Some(r) = f.remediation.as_ref().and_then(|r| r.recommendation.as_ref()) {
        check_opt(
            &"Remediation.Recommendation.Text",
            r.text.as_deref(),
            max::RECOMMENDATION_TEXT,
            By::Asff,
        )?;
        check_opt(
            &"Remediation.Recommendation.Url",
            r.url.as_deref(),
            LONG_TEXT_CHARS,
            By::Rampart,
        )?;
    }
    check_opt(
        &"Workflow.Status",
        f.workflow.as_ref().and_then(|w| w.status.as_deref()),
        NAME_CHARS,
        By::Rampart,
    )?;
    if let Some(vulns) = &f.vulnerabilities {
        check_count(&"Vulnerabilities", vulns.len(), LIST_ITEMS, By::Rampart)?;
        for (i, v) in vulns.iter().enumerate() {
            check_len(&format_args!("Vulnerabilities[{i}].Id"), &v.id, NAME_CHARS, By::Rampart)?;
            // Only the first package is kept.
            if let Some(p) = v.vulnerable_packages.as_ref().and_then(|p| p.first()) {
                for (name, value) in [
                    ("Name", &p.name),
                    ("Version", &p.version),
                    ("FixedInVersion", &p.fixed_in_version),
                ] {
                    check_opt(
                        &format_args!("Vulnerabilities[{i}].VulnerablePackages[0].{name}"),
                        value.as_deref(),
                        NAME_CHARS,
                        By::Rampart,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Best-effort id of a finding that failed to parse, for the error message.
fn sniff_id(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        #[serde(rename = "Id")]
        id: Option<Value>,
    }
    serde_json::from_str::<IdOnly>(raw.get())
        .ok()
        .and_then(|i| i.id)
        .and_then(|v| value_text(&v))
        .filter(|id| limits::chars_over(id, max::ID).is_none())
}

/// `arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0` or
/// `arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1` → the part after the kind.
fn standard_path(arn: &str) -> String {
    for marker in ["ruleset/", "standards/"] {
        if let Some(pos) = arn.find(marker) {
            return arn[pos + marker.len()..].to_string();
        }
    }
    arn.to_string()
}

/// The NIST SP 800-53 r5 ids among `Compliance.RelatedRequirements`
/// (`NIST.800-53.r5 SC-7(4)` → `SC-7(4)`); other standards' entries are left out.
pub(crate) fn related_nist(related: &[String]) -> Vec<String> {
    let mut out: Vec<String> = related
        .iter()
        .filter_map(|r| r.trim().strip_prefix("NIST.800-53.r5 "))
        .map(|id| id.trim().to_string())
        .filter(|id| crate::catalog::is_nist_id(id))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The NIST ids of a kept ASFF finding (its raw JSON), for rows stored before they were
/// kept; empty when it names none or cannot be read.
pub fn related_nist_of(raw: &[u8]) -> Vec<String> {
    #[derive(Deserialize)]
    struct Only {
        #[serde(rename = "Compliance")]
        compliance: Option<AsffCompliance>,
    }
    serde_json::from_slice::<Only>(raw)
        .ok()
        .and_then(|o| o.compliance)
        .map(|c| related_nist(&c.related_requirements))
        .unwrap_or_default()
}

/// The `ProductArn` of a kept ASFF finding (its raw JSON), for rows stored before it was
/// kept; None when it cannot be read.
pub fn product_arn_of(raw: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Only {
        #[serde(rename = "ProductArn")]
        product_arn: String,
    }
    serde_json::from_slice::<Only>(raw).ok().map(|o| o.product_arn)
}

/// The service-linked Config rule behind a Security Hub control finding, from
/// `RelatedAWSResources:N/name` where the matching `…/type` is a Config rule.
fn related_config_rule(pf: &BTreeMap<String, Value>) -> Option<String> {
    pf.iter().find_map(|(k, v)| {
        let n = k.strip_prefix("RelatedAWSResources:")?.strip_suffix("/type")?;
        if value_text(v)?.as_str() != "AWS::Config::ConfigRule" {
            return None;
        }
        pf.get(&format!("RelatedAWSResources:{n}/name")).and_then(value_text)
    })
}

/// The product's display name; for AWS's own integrations the ProductArn is reliable.
pub(crate) fn product_name(name: Option<&str>, company: Option<&str>, product_arn: &str) -> String {
    // `product/…` in ASFF; `productv2/…` for the new Security Hub's OCSF findings.
    let tail = product_arn
        .rsplit_once(":product/")
        .or_else(|| product_arn.rsplit_once(":productv2/"))
        .map(|(_, t)| t)
        .unwrap_or("");
    let known = match tail {
        "aws/securityhub" => Some("Security Hub"),
        "aws/inspector" => Some("Inspector"),
        "aws/config" => Some("Config"),
        "aws/guardduty" => Some("GuardDuty"),
        "aws/macie" => Some("Macie"),
        "aws/access-analyzer" => Some("IAM Access Analyzer"),
        "aws/firewall-manager" => Some("Firewall Manager"),
        "aws/health" => Some("Health"),
        "aws/ssm-patch-manager" => Some("Systems Manager Patch Manager"),
        "aws/detective" => Some("Detective"),
        _ => None,
    };
    if let Some(k) = known {
        return k.to_string();
    }
    match (name.filter(|s| !s.is_empty()), company.filter(|s| !s.is_empty())) {
        (Some(n), _) => n.to_string(),
        (None, Some(c)) => c.to_string(),
        (None, None) => tail
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("unknown")
            .to_string(),
    }
}

fn tags_of(tags: Option<BTreeMap<String, Value>>) -> Vec<(String, String)> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = value_text(&v).unwrap_or_else(|| v.to_string());
            (k, v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_paths() {
        assert_eq!(
            standard_path("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"),
            "cis-aws-foundations-benchmark/v/1.2.0"
        );
        assert_eq!(
            standard_path("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1"),
            "pci-dss/v/3.2.1"
        );
    }

    #[test]
    fn normalized_severity_bands() {
        for (n, want) in [
            (0.0, Severity::Informational),
            (1.0, Severity::Low),
            (39.0, Severity::Low),
            (40.0, Severity::Medium),
            (69.0, Severity::Medium),
            (70.0, Severity::High),
            (89.0, Severity::High),
            (90.0, Severity::Critical),
            (100.0, Severity::Critical),
        ] {
            assert_eq!(Severity::from_normalized(n), want, "{n}");
        }
    }
}
