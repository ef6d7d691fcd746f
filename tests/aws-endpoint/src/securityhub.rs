//! Security Hub (restJson1): GetFindings with filters, sorting and paging; the finding aggregator.

use serde_json::{json, Value};

use crate::filter::{self, SortKey, StringFilter, Window};
use crate::server::{ApiError, Served};
use crate::Dataset;

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidInputException", msg)
}

/// String filter keys and where they look in a finding.
fn string_path(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "Id" => &["Id"],
        "AwsAccountId" => &["AwsAccountId"],
        "AwsAccountName" => &["AwsAccountName"],
        "Region" => &["Region"],
        "RecordState" => &["RecordState"],
        "GeneratorId" => &["GeneratorId"],
        "ProductArn" => &["ProductArn"],
        "ProductName" => &["ProductName"],
        "CompanyName" => &["CompanyName"],
        "Title" => &["Title"],
        "Description" => &["Description"],
        "Type" => &["Types", "*"],
        "SeverityLabel" => &["Severity", "Label"],
        "ComplianceStatus" => &["Compliance", "Status"],
        "ComplianceSecurityControlId" => &["Compliance", "SecurityControlId"],
        "ComplianceAssociatedStandardsId" => &["Compliance", "AssociatedStandards", "*", "StandardsId"],
        "WorkflowStatus" => &["Workflow", "Status"],
        "WorkflowState" => &["WorkflowState"],
        "ResourceType" => &["Resources", "*", "Type"],
        "ResourceId" => &["Resources", "*", "Id"],
        "ResourceRegion" => &["Resources", "*", "Region"],
        "ResourcePartition" => &["Resources", "*", "Partition"],
        _ => return None,
    })
}

/// Date filter keys and the finding field they read.
fn date_field(key: &str) -> Option<&'static str> {
    Some(match key {
        "UpdatedAt" => "UpdatedAt",
        "CreatedAt" => "CreatedAt",
        "FirstObservedAt" => "FirstObservedAt",
        "LastObservedAt" => "LastObservedAt",
        "ProcessedAt" => "ProcessedAt",
        _ => return None,
    })
}

enum Clause {
    Strings(&'static [&'static str], Vec<StringFilter>),
    /// Several date filters on one key are ORed.
    Dates(&'static str, Vec<Window>),
}

impl Clause {
    fn matches(&self, finding: &Value) -> bool {
        match self {
            Clause::Strings(path, filters) => filter::string_filters_match(filters, &filter::values_at(finding, path)),
            Clause::Dates(field, windows) => {
                windows.is_empty()
                    || filter::time_of(finding.get(*field)).is_some_and(|t| windows.iter().any(|w| w.contains(t)))
            }
        }
    }
}

fn compile_filters(filters: Option<&Value>, now: f64) -> Result<Vec<Clause>, ApiError> {
    let Some(filters) = filters.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let map = filters
        .as_object()
        .ok_or_else(|| invalid("Filters must be an object"))?;
    let mut clauses = Vec::new();
    for (key, list) in map {
        if list.is_null() {
            continue;
        }
        if let Some(path) = string_path(key) {
            let parsed = filter::parse_string_filters(key, list, "Value", "Comparison").map_err(invalid)?;
            if !parsed.is_empty() {
                clauses.push(Clause::Strings(path, parsed));
            }
        } else if let Some(field) = date_field(key) {
            let items = list
                .as_array()
                .ok_or_else(|| invalid(format!("Filters.{key} must be a list")))?;
            let windows = items
                .iter()
                .map(|i| filter::parse_date_filter(&format!("Filters.{key}"), i, now).map_err(invalid))
                .collect::<Result<Vec<_>, _>>()?;
            clauses.push(Clause::Dates(field, windows));
        } else {
            return Err(invalid(format!("Filters.{key} is not supported by this test endpoint")));
        }
    }
    Ok(clauses)
}

struct Sorter {
    field: String,
    descending: bool,
}

impl Sorter {
    fn key(&self, finding: &Value) -> SortKey {
        if date_field(&self.field).is_some() {
            return filter::time_of(finding.get(&self.field)).map_or(SortKey::Missing, SortKey::Time);
        }
        let path: Vec<&str> = match string_path(&self.field) {
            Some(p) => p.to_vec(),
            None => vec![self.field.as_str()],
        };
        filter::values_at(finding, &path)
            .into_iter()
            .next()
            .map_or(SortKey::Missing, SortKey::Text)
    }
}

fn compile_sort(sort: Option<&Value>) -> Result<Vec<Sorter>, ApiError> {
    let Some(sort) = sort.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let items = sort.as_array().ok_or_else(|| invalid("SortCriteria must be a list"))?;
    items
        .iter()
        .map(|c| {
            let field = c
                .get("Field")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("SortCriteria: every criterion needs a Field"))?;
            let descending = match c.get("SortOrder").and_then(Value::as_str) {
                None | Some("desc") => true,
                Some("asc") => false,
                Some(other) => {
                    return Err(invalid(format!(
                        "SortCriteria: SortOrder must be asc or desc, not {other:?}"
                    )))
                }
            };
            Ok(Sorter {
                field: field.to_string(),
                descending,
            })
        })
        .collect()
}

/// Which finding regions a request in `region` sees (the finding aggregator's home region sees
/// its linked regions too).
pub(crate) fn region_visible<'a>(ds: &'a Dataset, region: &'a str) -> impl Fn(&str) -> bool + 'a {
    move |finding_region: &str| {
        if finding_region == region {
            return true;
        }
        match &ds.aggregator {
            Some(agg) if agg.home_region == region => match agg.linking_mode.as_str() {
                "ALL_REGIONS" => true,
                "SPECIFIED_REGIONS" => agg.regions.iter().any(|r| r == finding_region),
                "ALL_REGIONS_EXCEPT_SPECIFIED" => !agg.regions.iter().any(|r| r == finding_region),
                _ => false,
            },
            _ => false,
        }
    }
}

pub(crate) fn get_findings(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    let filters = body.get("Filters");
    let sort = body.get("SortCriteria");
    let null = Value::Null;
    let (max, offset, fp) = filter::paging(
        "GetFindings",
        region,
        body,
        &[filters.unwrap_or(&null), sort.unwrap_or(&null)],
        "Filters and SortCriteria",
    )
    .map_err(invalid)?;
    let clauses = compile_filters(filters, now)?;
    let sorters = compile_sort(sort)?;
    let visible = region_visible(ds, region);
    let mut matched: Vec<&Value> = ds
        .securityhub
        .iter()
        .filter(|f| visible(f.get("Region").and_then(Value::as_str).unwrap_or_default()))
        .filter(|f| clauses.iter().all(|c| c.matches(f)))
        .collect();
    if !sorters.is_empty() {
        let mut keyed: Vec<(Vec<SortKey>, &Value)> = matched
            .into_iter()
            .map(|f| (sorters.iter().map(|s| s.key(f)).collect(), f))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for ((x, y), s) in a.iter().zip(b).zip(&sorters) {
                let ord = match (x, y) {
                    // Missing values go last whichever the order.
                    (SortKey::Missing, _) | (_, SortKey::Missing) => filter::cmp_keys(x, y),
                    _ if s.descending => filter::cmp_keys(y, x),
                    _ => filter::cmp_keys(x, y),
                };
                if ord.is_ne() {
                    return ord;
                }
            }
            std::cmp::Ordering::Equal
        });
        matched = keyed.into_iter().map(|(_, f)| f).collect();
    }
    let (page, next) = filter::page(matched, offset, max);
    let items = page.len() as u64;
    let mut out = json!({ "Findings": page });
    if let Some(next) = next {
        out["NextToken"] = json!(filter::make_token(next, fp));
    }
    Ok(Served { body: out, items })
}

fn aggregator_arn(ds: &Dataset) -> Option<String> {
    ds.aggregator.as_ref().map(|a| {
        format!(
            "arn:aws:securityhub:{}:{}:finding-aggregator/1",
            a.home_region, ds.account
        )
    })
}

pub(crate) fn list_finding_aggregators(ds: &Dataset, query: &[(String, String)]) -> Result<Served, ApiError> {
    // There is at most one aggregator, so one page; MaxResults is still checked like the service does.
    if let Some((_, v)) = query.iter().find(|(k, _)| k == "MaxResults") {
        if !v.parse::<i64>().is_ok_and(|n| (1..=100).contains(&n)) {
            return Err(invalid(format!("MaxResults must be between 1 and 100, got {v}")));
        }
    }
    let list: Vec<Value> = aggregator_arn(ds)
        .into_iter()
        .map(|arn| json!({"FindingAggregatorArn": arn}))
        .collect();
    let items = list.len() as u64;
    Ok(Served {
        body: json!({ "FindingAggregators": list }),
        items,
    })
}

pub(crate) fn get_finding_aggregator(ds: &Dataset, arn: &str) -> Result<Served, ApiError> {
    match (&ds.aggregator, aggregator_arn(ds)) {
        (Some(agg), Some(own)) if own == arn => Ok(Served {
            body: json!({
                "FindingAggregatorArn": own,
                "FindingAggregationRegion": agg.home_region,
                "RegionLinkingMode": agg.linking_mode,
                "Regions": agg.regions,
            }),
            items: 1,
        }),
        _ => Err(ApiError::new(
            404,
            "ResourceNotFoundException",
            format!("Finding aggregator {arn} not found"),
        )),
    }
}

/// `ListSecurityControlDefinitions`: the dataset's definitions, or one per control its
/// findings name (title and severity from the first such finding), in id order; pages of
/// `MaxResults` (1–100, 25 when absent) with a `NextToken`.
pub(crate) fn list_security_control_definitions(
    ds: &Dataset,
    region: &str,
    query: &[(String, String)],
) -> Result<Served, ApiError> {
    let param = |k: &str| query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
    let max = match param("MaxResults") {
        None => 25,
        Some(v) => match v.parse::<usize>() {
            Ok(n @ 1..=100) => n,
            _ => return Err(invalid(format!("MaxResults must be between 1 and 100, got {v}"))),
        },
    };
    let standard = param("StandardsArn").map(|s| json!(s)).unwrap_or(Value::Null);
    let fp = filter::fingerprint("ListSecurityControlDefinitions", region, &[&standard]);
    let offset = match param("NextToken") {
        None | Some("") => 0,
        Some(t) => filter::read_token(t, fp).ok_or_else(|| {
            invalid("The NextToken is invalid: it is not a token from a previous ListSecurityControlDefinitions")
        })?,
    };
    let mut defs: Vec<Value> = if ds.control_definitions.is_empty() {
        let mut by_id: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
        for f in &ds.securityhub {
            let Some(id) = f["Compliance"]["SecurityControlId"].as_str() else {
                continue;
            };
            by_id.entry(id.to_string()).or_insert_with(|| {
                json!({
                    "SecurityControlId": id,
                    "Title": f["Title"].as_str().unwrap_or_default(),
                    "Description": f["Description"].as_str().unwrap_or_default(),
                    "RemediationUrl": format!("https://docs.aws.amazon.com/console/securityhub/{id}/remediation"),
                    "SeverityRating": f["Severity"]["Label"].as_str().unwrap_or("MEDIUM"),
                    "CurrentRegionAvailability": "AVAILABLE",
                })
            });
        }
        by_id.into_values().collect()
    } else {
        ds.control_definitions.clone()
    };
    defs.sort_by(|a, b| a["SecurityControlId"].as_str().cmp(&b["SecurityControlId"].as_str()));
    let (page, next) = filter::page(defs, offset, max);
    let items = page.len() as u64;
    let mut out = json!({ "SecurityControlDefinitions": page });
    if let Some(next) = next {
        out["NextToken"] = json!(filter::make_token(next, fp));
    }
    Ok(Served { body: out, items })
}
