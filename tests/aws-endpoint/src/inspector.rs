//! Inspector2 (restJson1): ListFindings and ListCoverage with filters and paging.

use serde_json::{json, Value};

use crate::filter::{self, SortKey, StringFilter, Window};
use crate::server::{ApiError, Served};
use crate::Dataset;

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "ValidationException", msg)
}

enum Clause {
    Strings(&'static [&'static str], Vec<StringFilter>),
    Dates(&'static str, Vec<Window>),
    /// `[{"lowerInclusive","upperInclusive"}]`, ORed.
    Numbers(&'static str, Vec<(Option<f64>, Option<f64>)>),
}

impl Clause {
    fn matches(&self, item: &Value) -> bool {
        match self {
            Clause::Strings(path, filters) => filter::string_filters_match(filters, &filter::values_at(item, path)),
            Clause::Dates(field, windows) => {
                filter::time_of(item.get(*field)).is_some_and(|t| windows.iter().any(|w| w.contains(t)))
            }
            Clause::Numbers(field, ranges) => item.get(*field).and_then(Value::as_f64).is_some_and(|n| {
                ranges
                    .iter()
                    .any(|(lo, hi)| lo.is_none_or(|lo| n >= lo) && hi.is_none_or(|hi| n <= hi))
            }),
        }
    }
}

/// How a filter key reads an item.
enum Field {
    Strings(&'static [&'static str]),
    Date(&'static str),
    Number(&'static str),
}

fn finding_field(key: &str) -> Option<Field> {
    Some(match key {
        "awsAccountId" => Field::Strings(&["awsAccountId"]),
        "findingArn" => Field::Strings(&["findingArn"]),
        "findingStatus" => Field::Strings(&["status"]),
        "findingType" => Field::Strings(&["type"]),
        "severity" => Field::Strings(&["severity"]),
        "title" => Field::Strings(&["title"]),
        "fixAvailable" => Field::Strings(&["fixAvailable"]),
        "exploitAvailable" => Field::Strings(&["exploitAvailable"]),
        "vulnerabilityId" => Field::Strings(&["packageVulnerabilityDetails", "vulnerabilityId"]),
        "vulnerabilitySource" => Field::Strings(&["packageVulnerabilityDetails", "source"]),
        "vendorSeverity" => Field::Strings(&["packageVulnerabilityDetails", "vendorSeverity"]),
        "resourceType" => Field::Strings(&["resources", "*", "type"]),
        "resourceId" => Field::Strings(&["resources", "*", "id"]),
        "updatedAt" => Field::Date("updatedAt"),
        "firstObservedAt" => Field::Date("firstObservedAt"),
        "lastObservedAt" => Field::Date("lastObservedAt"),
        "inspectorScore" => Field::Number("inspectorScore"),
        _ => return None,
    })
}

fn coverage_field(key: &str) -> Option<Field> {
    Some(match key {
        "accountId" => Field::Strings(&["accountId"]),
        "resourceId" => Field::Strings(&["resourceId"]),
        "resourceType" => Field::Strings(&["resourceType"]),
        "scanType" => Field::Strings(&["scanType"]),
        "scanMode" => Field::Strings(&["scanMode"]),
        "scanStatusCode" => Field::Strings(&["scanStatus", "statusCode"]),
        "scanStatusReason" => Field::Strings(&["scanStatus", "reason"]),
        "lastScannedAt" => Field::Date("lastScannedAt"),
        _ => return None,
    })
}

fn compile(criteria: Option<&Value>, field_of: fn(&str) -> Option<Field>) -> Result<Vec<Clause>, ApiError> {
    let Some(criteria) = criteria.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let map = criteria
        .as_object()
        .ok_or_else(|| invalid("filterCriteria must be an object"))?;
    let mut clauses = Vec::new();
    for (key, list) in map {
        if list.is_null() {
            continue;
        }
        let field = field_of(key)
            .ok_or_else(|| invalid(format!("filterCriteria.{key} is not supported by this test endpoint")))?;
        let items = list
            .as_array()
            .ok_or_else(|| invalid(format!("filterCriteria.{key} must be a list")))?;
        if items.is_empty() {
            continue;
        }
        clauses.push(match field {
            Field::Strings(path) => Clause::Strings(
                path,
                filter::parse_string_filters(key, list, "value", "comparison").map_err(invalid)?,
            ),
            Field::Date(name) => {
                let windows = items
                    .iter()
                    .map(|i| {
                        let bound = |b: &str| match i.get(b) {
                            None | Some(Value::Null) => Ok(None),
                            v => filter::time_of(v)
                                .map(Some)
                                .ok_or_else(|| invalid(format!("filterCriteria.{key}.{b} must be epoch seconds"))),
                        };
                        Ok(Window {
                            start: bound("startInclusive")?,
                            end: bound("endInclusive")?,
                        })
                    })
                    .collect::<Result<Vec<_>, ApiError>>()?;
                Clause::Dates(name, windows)
            }
            Field::Number(name) => Clause::Numbers(
                name,
                items
                    .iter()
                    .map(|i| {
                        (
                            i.get("lowerInclusive").and_then(Value::as_f64),
                            i.get("upperInclusive").and_then(Value::as_f64),
                        )
                    })
                    .collect(),
            ),
        });
    }
    Ok(clauses)
}

fn max_results(body: &Value, max: i64) -> Result<usize, ApiError> {
    match body.get("maxResults") {
        None | Some(Value::Null) => Ok(max as usize),
        Some(v) => match v.as_i64() {
            Some(n) if (1..=max).contains(&n) => Ok(n as usize),
            _ => Err(invalid(format!("maxResults must be between 1 and {max}, got {v}"))),
        },
    }
}

fn offset(body: &Value, fp: u64) -> Result<usize, ApiError> {
    match body.get("nextToken") {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(s)) if s.is_empty() => Ok(0),
        Some(Value::String(s)) => filter::read_token(s, fp).ok_or_else(|| invalid("The nextToken is invalid")),
        Some(_) => Err(invalid("nextToken must be a string")),
    }
}

/// The region in `arn:aws:inspector2:REGION:ACCOUNT:finding/ID`.
fn arn_region(finding: &Value) -> &str {
    finding
        .get("findingArn")
        .and_then(Value::as_str)
        .and_then(|arn| arn.split(':').nth(3))
        .unwrap_or_default()
}

fn severity_rank(s: &str) -> f64 {
    match s {
        "CRITICAL" => 4.0,
        "HIGH" => 3.0,
        "MEDIUM" => 2.0,
        "LOW" => 1.0,
        "INFORMATIONAL" => 0.0,
        _ => -1.0,
    }
}

fn sort_key(field: &str, finding: &Value) -> Result<SortKey, ApiError> {
    let time = |name: &str| filter::time_of(finding.get(name)).map_or(SortKey::Missing, SortKey::Time);
    let text = |path: &[&str]| {
        filter::values_at(finding, path)
            .into_iter()
            .next()
            .map_or(SortKey::Missing, SortKey::Text)
    };
    Ok(match field {
        "LAST_OBSERVED_AT" => time("lastObservedAt"),
        "FIRST_OBSERVED_AT" => time("firstObservedAt"),
        "INSPECTOR_SCORE" => finding
            .get("inspectorScore")
            .and_then(Value::as_f64)
            .map_or(SortKey::Missing, SortKey::Time),
        "SEVERITY" => SortKey::Time(severity_rank(
            finding.get("severity").and_then(Value::as_str).unwrap_or_default(),
        )),
        "AWS_ACCOUNT_ID" => text(&["awsAccountId"]),
        "FINDING_STATUS" => text(&["status"]),
        "FINDING_TYPE" => text(&["type"]),
        "RESOURCE_TYPE" => text(&["resources", "*", "type"]),
        "VULNERABILITY_ID" => text(&["packageVulnerabilityDetails", "vulnerabilityId"]),
        other => {
            return Err(invalid(format!(
                "sortCriteria.field {other} is not supported by this test endpoint"
            )))
        }
    })
}

pub(crate) fn list_findings(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let max = max_results(body, 100)?;
    let criteria = body.get("filterCriteria");
    let sort = body.get("sortCriteria").filter(|v| !v.is_null());
    let null = Value::Null;
    let fp = filter::fingerprint(
        "ListFindings",
        region,
        &[criteria.unwrap_or(&null), sort.unwrap_or(&null)],
    );
    let offset = offset(body, fp)?;
    let clauses = compile(criteria, finding_field)?;
    let mut matched: Vec<&Value> = ds
        .inspector
        .iter()
        .filter(|f| arn_region(f) == region)
        .filter(|f| clauses.iter().all(|c| c.matches(f)))
        .collect();
    if let Some(sort) = sort {
        let field = sort
            .get("field")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("sortCriteria.field is required"))?;
        let descending = match sort.get("sortOrder").and_then(Value::as_str) {
            Some("ASC") => false,
            Some("DESC") => true,
            other => {
                return Err(invalid(format!(
                    "sortCriteria.sortOrder must be ASC or DESC, not {other:?}"
                )))
            }
        };
        let mut keyed = matched
            .into_iter()
            .map(|f| Ok((sort_key(field, f)?, f)))
            .collect::<Result<Vec<_>, ApiError>>()?;
        keyed.sort_by(|(a, _), (b, _)| match (a, b) {
            (SortKey::Missing, _) | (_, SortKey::Missing) => filter::cmp_keys(a, b),
            _ if descending => filter::cmp_keys(b, a),
            _ => filter::cmp_keys(a, b),
        });
        matched = keyed.into_iter().map(|(_, f)| f).collect();
    }
    let (page, next) = filter::page(matched, offset, max);
    let items = page.len() as u64;
    let mut out = json!({ "findings": page });
    if let Some(next) = next {
        out["nextToken"] = json!(filter::make_token(next, fp));
    }
    Ok(Served { body: out, items })
}

pub(crate) fn list_coverage(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let max = max_results(body, 200)?;
    let criteria = body.get("filterCriteria");
    let null = Value::Null;
    let fp = filter::fingerprint("ListCoverage", region, &[criteria.unwrap_or(&null)]);
    let offset = offset(body, fp)?;
    let clauses = compile(criteria, coverage_field)?;
    let matched: Vec<&Value> = ds
        .coverage
        .iter()
        .filter(|(r, _)| r == region)
        .map(|(_, c)| c)
        .filter(|c| clauses.iter().all(|cl| cl.matches(c)))
        .collect();
    let (page, next) = filter::page(matched, offset, max);
    let items = page.len() as u64;
    let mut out = json!({ "coveredResources": page });
    if let Some(next) = next {
        out["nextToken"] = json!(filter::make_token(next, fp));
    }
    Ok(Served { body: out, items })
}
