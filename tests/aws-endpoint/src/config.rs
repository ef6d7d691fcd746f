//! AWS Config (awsJson1_1, `X-Amz-Target: StarlingDoveService.<Operation>`): rule compliance, evaluation
//! results and conformance packs.

use serde_json::{json, Value};

use crate::filter;
use crate::server::{ApiError, Served};
use crate::{ConfigRule, Dataset};

/// The operations served, by target name.
pub(crate) fn operation(name: &str) -> Option<&'static str> {
    [
        "DescribeComplianceByConfigRule",
        "GetComplianceDetailsByConfigRule",
        "DescribeConfigRules",
        "DescribeConformancePacks",
        "DescribeConformancePackCompliance",
    ]
    .into_iter()
    .find(|op| *op == name)
}

fn bad_param(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidParameterValueException", msg)
}

fn bad_token() -> ApiError {
    ApiError::new(400, "InvalidNextTokenException", "The specified next token is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.")
}

const COMPLIANCE_TYPES: &[&str] = &["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"];

/// An optional list of strings.
fn strings(body: &Value, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad_param(format!("{key} must be a list of strings")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad_param(format!("{key} must be a list of strings"))),
    }
}

fn compliance_types(body: &Value, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    let types = strings(body, key)?;
    if let Some(bad) = types.iter().flatten().find(|t| !COMPLIANCE_TYPES.contains(&t.as_str())) {
        return Err(bad_param(format!("{key} contains an invalid value {bad:?}")));
    }
    Ok(types.filter(|t| !t.is_empty()))
}

/// `Limit`: absent or 0 means `default`; above `max` is an error.
fn limit(body: &Value, default: usize, max: i64, error_code: &'static str) -> Result<usize, ApiError> {
    match body.get("Limit") {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_i64() {
            Some(0) => Ok(default),
            Some(n) if (1..=max).contains(&n) => Ok(n as usize),
            _ => Err(ApiError::new(
                400,
                error_code,
                format!("Limit must be between 0 and {max}, got {v}"),
            )),
        },
    }
}

fn offset(body: &Value, fp: u64) -> Result<usize, ApiError> {
    match body.get("NextToken") {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(s)) if s.is_empty() => Ok(0),
        Some(Value::String(s)) => filter::read_token(s, fp).ok_or_else(bad_token),
        Some(_) => Err(bad_token()),
    }
}

fn with_token(mut body: Value, next: Option<usize>, fp: u64) -> Value {
    if let Some(next) = next {
        body["NextToken"] = json!(filter::make_token(next, fp));
    }
    body
}

fn rules_in<'a>(ds: &'a Dataset, region: &'a str) -> impl Iterator<Item = &'a ConfigRule> + 'a {
    ds.config_rules.iter().filter(move |r| r.region == region)
}

fn no_such_rule(name: &str) -> ApiError {
    ApiError::new(
        400,
        "NoSuchConfigRuleException",
        format!("The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name."),
    )
}

/// COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA, and how many results are NON_COMPLIANT.
fn rule_compliance(rule: &ConfigRule) -> (&'static str, usize) {
    let non_compliant = rule
        .results
        .iter()
        .filter(|r| r.get("ComplianceType").and_then(Value::as_str) == Some("NON_COMPLIANT"))
        .count();
    let verdict = if non_compliant > 0 {
        "NON_COMPLIANT"
    } else if rule.results.is_empty() {
        "INSUFFICIENT_DATA"
    } else {
        "COMPLIANT"
    };
    (verdict, non_compliant)
}

/// A short stable id from a name, for ARNs.
fn short_id(name: &str) -> String {
    let fp = filter::fingerprint("id", name, &[]);
    format!("{:06x}", fp & 0xFF_FFFF)
}

pub(crate) fn handle(ds: &Dataset, op: &str, region: &str, body: &Value) -> Result<Served, ApiError> {
    match op {
        "DescribeComplianceByConfigRule" => describe_compliance_by_config_rule(ds, region, body),
        "GetComplianceDetailsByConfigRule" => get_compliance_details(ds, region, body),
        "DescribeConfigRules" => describe_config_rules(ds, region, body),
        "DescribeConformancePacks" => describe_conformance_packs(ds, region, body),
        "DescribeConformancePackCompliance" => describe_conformance_pack_compliance(ds, region, body),
        _ => Err(ApiError::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {op}"),
        )),
    }
}

/// Rules named in `ConfigRuleNames` (every one must exist), or all rules of the region.
fn selected_rules<'a>(
    ds: &'a Dataset,
    region: &'a str,
    names: &Option<Vec<String>>,
) -> Result<Vec<&'a ConfigRule>, ApiError> {
    match names.as_ref().filter(|n| !n.is_empty()) {
        None => Ok(rules_in(ds, region).collect()),
        Some(names) => {
            if let Some(missing) = names.iter().find(|n| !rules_in(ds, region).any(|r| &r.name == *n)) {
                return Err(no_such_rule(missing));
            }
            Ok(rules_in(ds, region).filter(|r| names.contains(&r.name)).collect())
        }
    }
}

fn describe_compliance_by_config_rule(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let names = strings(body, "ConfigRuleNames")?;
    let types = compliance_types(body, "ComplianceTypes")?;
    let fp = filter::fingerprint(
        "DescribeComplianceByConfigRule",
        region,
        &[&json!(names), &json!(types)],
    );
    let offset = offset(body, fp)?;
    let rules = selected_rules(ds, region, &names)?;
    let entries: Vec<Value> = rules
        .into_iter()
        .map(|rule| (rule, rule_compliance(rule)))
        .filter(|(_, (verdict, _))| types.as_ref().is_none_or(|t| t.iter().any(|x| x == verdict)))
        .map(|(rule, (verdict, non_compliant))| {
            let mut compliance = json!({"ComplianceType": verdict});
            if verdict == "NON_COMPLIANT" {
                compliance["ComplianceContributorCount"] =
                    json!({"CappedCount": non_compliant.min(100), "CapExceeded": non_compliant > 100});
            }
            json!({"ConfigRuleName": rule.name, "Compliance": compliance})
        })
        .collect();
    let (page, next) = filter::page(entries, offset, 10);
    let items = page.len() as u64;
    Ok(Served {
        body: with_token(json!({"ComplianceByConfigRules": page}), next, fp),
        items,
    })
}

fn get_compliance_details(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let name = body
        .get("ConfigRuleName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad_param("ConfigRuleName is required"))?;
    let types = compliance_types(body, "ComplianceTypes")?;
    let limit = limit(body, 10, 100, "InvalidParameterValueException")?;
    let fp = filter::fingerprint(
        "GetComplianceDetailsByConfigRule",
        region,
        &[&json!(name), &json!(types)],
    );
    let offset = offset(body, fp)?;
    let rule = rules_in(ds, region)
        .find(|r| r.name == name)
        .ok_or_else(|| no_such_rule(name))?;
    let results: Vec<&Value> = rule
        .results
        .iter()
        .filter(|r| {
            types.as_ref().is_none_or(|t| {
                let ct = r.get("ComplianceType").and_then(Value::as_str).unwrap_or_default();
                t.iter().any(|x| x == ct)
            })
        })
        .collect();
    let (page, next) = filter::page(results, offset, limit);
    let items = page.len() as u64;
    Ok(Served {
        body: with_token(json!({"EvaluationResults": page}), next, fp),
        items,
    })
}

fn describe_config_rules(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let names = strings(body, "ConfigRuleNames")?;
    let fp = filter::fingerprint("DescribeConfigRules", region, &[&json!(names)]);
    let offset = offset(body, fp)?;
    let rules: Vec<Value> = selected_rules(ds, region, &names)?
        .into_iter()
        .map(|r| {
            let id = format!("config-rule-{}", short_id(&format!("{region}/{}", r.name)));
            json!({
                "ConfigRuleName": r.name,
                "ConfigRuleArn": format!("arn:aws:config:{region}:{}:config-rule/{id}", ds.account),
                "ConfigRuleId": id,
                "Source": {"Owner": "AWS", "SourceIdentifier": r.name.to_ascii_uppercase().replace('-', "_")},
                "ConfigRuleState": "ACTIVE",
                "EvaluationModes": [{"Mode": "DETECTIVE"}],
            })
        })
        .collect();
    let (page, next) = filter::page(rules, offset, 25);
    let items = page.len() as u64;
    Ok(Served {
        body: with_token(json!({"ConfigRules": page}), next, fp),
        items,
    })
}

fn no_such_pack(name: &str) -> ApiError {
    ApiError::new(
        400,
        "NoSuchConformancePackException",
        format!("Conformance pack {name} does not exist."),
    )
}

fn describe_conformance_packs(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let names = strings(body, "ConformancePackNames")?.filter(|n| !n.is_empty());
    let limit = limit(body, 20, 20, "InvalidLimitException")?;
    let fp = filter::fingerprint("DescribeConformancePacks", region, &[&json!(names)]);
    let offset = offset(body, fp)?;
    let packs: Vec<_> = ds.conformance_packs.iter().filter(|p| p.region == region).collect();
    if let Some(missing) = names.iter().flatten().find(|n| !packs.iter().any(|p| &p.name == *n)) {
        return Err(no_such_pack(missing));
    }
    let details: Vec<Value> = packs
        .into_iter()
        .filter(|p| names.as_ref().is_none_or(|n| n.contains(&p.name)))
        .map(|p| {
            let id = format!("conformance-pack-{}", short_id(&format!("{region}/{}", p.name)));
            json!({
                "ConformancePackName": p.name,
                "ConformancePackArn": format!("arn:aws:config:{region}:{}:conformance-pack/{}/{id}", ds.account, p.name),
                "ConformancePackId": id,
                "ConformancePackInputParameters": [],
            })
        })
        .collect();
    let (page, next) = filter::page(details, offset, limit);
    let items = page.len() as u64;
    Ok(Served {
        body: with_token(json!({"ConformancePackDetails": page}), next, fp),
        items,
    })
}

fn describe_conformance_pack_compliance(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let name = body
        .get("ConformancePackName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad_param("ConformancePackName is required"))?;
    let limit = limit(body, 100, 1000, "InvalidLimitException")?;
    let filters = body.get("Filters").cloned().unwrap_or(Value::Null);
    let rule_names = strings(&filters, "ConfigRuleNames")?.filter(|n| !n.is_empty());
    let wanted_type = filters.get("ComplianceType").and_then(Value::as_str);
    let fp = filter::fingerprint("DescribeConformancePackCompliance", region, &[&json!(name), &filters]);
    let offset = offset(body, fp)?;
    let pack = ds
        .conformance_packs
        .iter()
        .find(|p| p.region == region && p.name == name)
        .ok_or_else(|| no_such_pack(name))?;
    if let Some(missing) = rule_names.iter().flatten().find(|n| !pack.rule_names.contains(n)) {
        return Err(ApiError::new(
            400,
            "NoSuchConfigRuleInConformancePackException",
            format!("Config rule {missing} is not in conformance pack {name}."),
        ));
    }
    let list: Vec<Value> = pack
        .rule_names
        .iter()
        .filter(|r| rule_names.as_ref().is_none_or(|n| n.contains(r)))
        .map(|r| {
            let verdict = rules_in(ds, region)
                .find(|rule| &rule.name == r)
                .map_or("INSUFFICIENT_DATA", |rule| rule_compliance(rule).0);
            (r, verdict)
        })
        .filter(|(_, verdict)| wanted_type.is_none_or(|t| t == *verdict))
        .map(|(r, verdict)| json!({"ConfigRuleName": r, "ComplianceType": verdict, "Controls": []}))
        .collect();
    let (page, next) = filter::page(list, offset, limit);
    let items = page.len() as u64;
    Ok(Served {
        body: with_token(
            json!({"ConformancePackName": name, "ConformancePackRuleComplianceList": page}),
            next,
            fp,
        ),
        items,
    })
}
