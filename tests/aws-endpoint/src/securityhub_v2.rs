//! The new Security Hub (restJson1): `GetFindingsV2` (`POST /findingsv2`) serves the dataset's
//! Security Hub findings as OCSF documents ([`crate::ocsf::from_asff`]), with composite filters,
//! sorting and paging bound to the request.
//!
//! The request, as the AWS SDK sends it:
//! `{"Filters": {"CompositeFilters": [{"StringFilters": [{"FieldName", "Filter": {"Value",
//! "Comparison"}}], "DateFilters": [{"FieldName", "Filter": {"Start", "End", "DateRange"}}],
//! "NumberFilters": [{"FieldName", "Filter": {"Eq", "Gt", "Gte", "Lt", "Lte"}}], "BooleanFilters":
//! [{"FieldName", "Filter": {"Value"}}], "NestedCompositeFilters": [...], "Operator": "AND"|"OR"}],
//! "CompositeOperator": "AND"|"OR"}, "SortCriteria": [{"Field", "SortOrder": "asc"|"desc"}],
//! "MaxResults": 1-100, "NextToken", "Scopes"}`. Within a composite filter its conditions (and
//! nested composites) are combined by its `Operator`, the composites by `CompositeOperator`; both
//! default to AND. A field this endpoint does not know, MapFilters and IpFilters are refused with
//! InvalidInputException naming them. A dataset of an organisation (`Dataset::delegated_admin`)
//! is served as AWS documents it: to the delegated administrator every member account's
//! findings, to any other account only its own; `Scopes` (narrowing the administrator's view
//! to OUs) is refused from anyone else with AccessDeniedException, and not applied otherwise.
//! Without `delegated_admin` the dataset is one estate.

use serde_json::{json, Value};

use crate::filter::{self, SortKey, StringFilter, Window};
use crate::ocsf;
use crate::securityhub::region_visible;
use crate::server::{ApiError, Served};
use crate::Dataset;

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidInputException", msg)
}

/// How deep NestedCompositeFilters may go.
const MAX_NESTING: usize = 8;

/// A NumberFilter's bounds; a value matches when it meets all that are given.
#[derive(Debug, Default)]
struct Bounds {
    eq: Option<f64>,
    gt: Option<f64>,
    gte: Option<f64>,
    lt: Option<f64>,
    lte: Option<f64>,
}

impl Bounds {
    fn contains(&self, v: f64) -> bool {
        self.eq.is_none_or(|b| v == b)
            && self.gt.is_none_or(|b| v > b)
            && self.gte.is_none_or(|b| v >= b)
            && self.lt.is_none_or(|b| v < b)
            && self.lte.is_none_or(|b| v <= b)
    }
}

/// One condition on one OCSF field.
enum Condition {
    Text(&'static str, StringFilter),
    Date(&'static str, Window),
    Number(&'static str, Bounds),
    Boolean(&'static str, bool),
}

impl Condition {
    fn matches(&self, finding: &Value) -> bool {
        match self {
            Condition::Text(field, f) => filter::string_filters_match(
                std::slice::from_ref(f),
                &ocsf::string_values(finding, field).unwrap_or_default(),
            ),
            Condition::Date(field, window) => ocsf::date_value(finding, field)
                .flatten()
                .is_some_and(|t| window.contains(t)),
            Condition::Number(field, bounds) => ocsf::number_values(finding, field)
                .unwrap_or_default()
                .into_iter()
                .any(|v| bounds.contains(v)),
            Condition::Boolean(field, value) => ocsf::bool_values(finding, field).unwrap_or_default().contains(value),
        }
    }
}

/// Conditions and nested groups combined by one operator; an empty group matches everything.
struct Group {
    conditions: Vec<Condition>,
    nested: Vec<Group>,
    /// OR rather than AND.
    any: bool,
}

impl Group {
    fn matches(&self, finding: &Value) -> bool {
        let mut results = self
            .conditions
            .iter()
            .map(|c| c.matches(finding))
            .chain(self.nested.iter().map(|g| g.matches(finding)))
            .peekable();
        if results.peek().is_none() {
            return true;
        }
        if self.any {
            results.any(|r| r)
        } else {
            results.all(|r| r)
        }
    }
}

/// `AND` (the default) or `OR`.
fn parse_operator(place: &str, v: Option<&Value>) -> Result<bool, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(false),
        Some(Value::String(s)) if s == "AND" => Ok(false),
        Some(Value::String(s)) if s == "OR" => Ok(true),
        Some(other) => Err(invalid(format!("{place} must be AND or OR, not {other}"))),
    }
}

/// The items of an optional list member.
fn items<'a>(place: &str, v: Option<&'a Value>) -> Result<&'a [Value], ApiError> {
    match v {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(invalid(format!("{place} must be a list"))),
    }
}

/// The `FieldName` of a filter, which must be one of `known`.
fn field_name(place: &str, item: &Value, kind: &str, known: &[&'static str]) -> Result<&'static str, ApiError> {
    let name = item
        .get("FieldName")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("{place}.FieldName is missing: every filter names its field")))?;
    known.iter().copied().find(|k| *k == name).ok_or_else(|| {
        invalid(format!(
            "{place}.FieldName: {name:?} is not a {kind} field this test endpoint filters on (it knows {})",
            known.join(", ")
        ))
    })
}

/// The `Filter` object of a filter.
fn filter_of<'a>(place: &str, item: &'a Value) -> Result<&'a Value, ApiError> {
    item.get("Filter")
        .filter(|f| f.is_object())
        .ok_or_else(|| invalid(format!("{place}.Filter must be an object")))
}

fn parse_group(place: &str, v: &Value, now: f64, depth: usize) -> Result<Group, ApiError> {
    let map = v
        .as_object()
        .ok_or_else(|| invalid(format!("{place} must be an object")))?;
    let mut group = Group {
        conditions: Vec::new(),
        nested: Vec::new(),
        any: parse_operator(&format!("{place}.Operator"), map.get("Operator"))?,
    };
    let date_fields: Vec<&'static str> = ocsf::DATE_FIELDS.iter().map(|(name, _)| *name).collect();
    for (key, value) in map {
        let here = format!("{place}.{key}");
        match key.as_str() {
            "Operator" => {}
            "StringFilters" => {
                for (i, item) in items(&here, Some(value))?.iter().enumerate() {
                    let at = format!("{here}[{i}]");
                    let field = field_name(&at, item, "string", ocsf::STRING_FIELDS)?;
                    let parsed = filter::parse_string_filter(
                        &format!("{at}.Filter"),
                        filter_of(&at, item)?,
                        "Value",
                        "Comparison",
                    )
                    .map_err(invalid)?;
                    group.conditions.push(Condition::Text(field, parsed));
                }
            }
            "DateFilters" => {
                for (i, item) in items(&here, Some(value))?.iter().enumerate() {
                    let at = format!("{here}[{i}]");
                    let field = field_name(&at, item, "date", &date_fields)?;
                    let window = filter::parse_date_filter(&format!("{at}.Filter"), filter_of(&at, item)?, now)
                        .map_err(invalid)?;
                    group.conditions.push(Condition::Date(field, window));
                }
            }
            "NumberFilters" => {
                for (i, item) in items(&here, Some(value))?.iter().enumerate() {
                    let at = format!("{here}[{i}]");
                    let field = field_name(&at, item, "number", ocsf::NUMBER_FIELDS)?;
                    let f = filter_of(&at, item)?;
                    let bound = |name: &str| -> Result<Option<f64>, ApiError> {
                        match f.get(name) {
                            None | Some(Value::Null) => Ok(None),
                            Some(v) => v
                                .as_f64()
                                .map(Some)
                                .ok_or_else(|| invalid(format!("{at}.Filter.{name} must be a number, not {v}"))),
                        }
                    };
                    let bounds = Bounds {
                        eq: bound("Eq")?,
                        gt: bound("Gt")?,
                        gte: bound("Gte")?,
                        lt: bound("Lt")?,
                        lte: bound("Lte")?,
                    };
                    if [bounds.eq, bounds.gt, bounds.gte, bounds.lt, bounds.lte]
                        .iter()
                        .all(Option::is_none)
                    {
                        return Err(invalid(format!("{at}.Filter needs one of Eq, Gt, Gte, Lt, Lte")));
                    }
                    group.conditions.push(Condition::Number(field, bounds));
                }
            }
            "BooleanFilters" => {
                for (i, item) in items(&here, Some(value))?.iter().enumerate() {
                    let at = format!("{here}[{i}]");
                    let field = field_name(&at, item, "boolean", ocsf::BOOL_FIELDS)?;
                    let wanted = filter_of(&at, item)?
                        .get("Value")
                        .and_then(Value::as_bool)
                        .ok_or_else(|| invalid(format!("{at}.Filter.Value must be true or false")))?;
                    group.conditions.push(Condition::Boolean(field, wanted));
                }
            }
            "NestedCompositeFilters" => {
                let nested = items(&here, Some(value))?;
                if !nested.is_empty() && depth >= MAX_NESTING {
                    return Err(invalid(format!(
                        "{here}: composite filters nest at most {MAX_NESTING} deep here"
                    )));
                }
                for (i, item) in nested.iter().enumerate() {
                    group
                        .nested
                        .push(parse_group(&format!("{here}[{i}]"), item, now, depth + 1)?);
                }
            }
            "MapFilters" | "IpFilters" => {
                if !items(&here, Some(value))?.is_empty() {
                    return Err(invalid(format!("{here} are not supported by this test endpoint")));
                }
            }
            _ => {
                return Err(invalid(format!(
                    "{here} is not a member of a CompositeFilter this test endpoint knows"
                )))
            }
        }
    }
    Ok(group)
}

/// `Filters` (an `OcsfFindingFilters`) as one group of its composite filters.
fn parse_filters(filters: Option<&Value>, now: f64) -> Result<Group, ApiError> {
    let mut top = Group {
        conditions: Vec::new(),
        nested: Vec::new(),
        any: false,
    };
    let Some(filters) = filters.filter(|v| !v.is_null()) else {
        return Ok(top);
    };
    let map = filters
        .as_object()
        .ok_or_else(|| invalid("Filters must be an object"))?;
    for (key, value) in map {
        match key.as_str() {
            "CompositeOperator" => top.any = parse_operator("Filters.CompositeOperator", Some(value))?,
            "CompositeFilters" => {
                for (i, item) in items("Filters.CompositeFilters", Some(value))?.iter().enumerate() {
                    top.nested
                        .push(parse_group(&format!("Filters.CompositeFilters[{i}]"), item, now, 0)?);
                }
            }
            _ => {
                return Err(invalid(format!(
                    "Filters.{key} is not a member of Filters (CompositeFilters, CompositeOperator)"
                )))
            }
        }
    }
    Ok(top)
}

/// What a sort criterion orders by.
enum SortField {
    Date(&'static str),
    Text(&'static str),
}

struct Sorter {
    field: SortField,
    descending: bool,
}

impl Sorter {
    fn key(&self, finding: &Value) -> SortKey {
        match self.field {
            SortField::Date(field) => ocsf::date_value(finding, field)
                .flatten()
                .map_or(SortKey::Missing, SortKey::Time),
            SortField::Text(field) => ocsf::string_values(finding, field)
                .unwrap_or_default()
                .into_iter()
                .next()
                .map_or(SortKey::Missing, SortKey::Text),
        }
    }
}

fn compile_sort(sort: Option<&Value>) -> Result<Vec<Sorter>, ApiError> {
    items("SortCriteria", sort)?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let place = format!("SortCriteria[{i}]");
            let name = c
                .get("Field")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(format!("{place}.Field is missing: every criterion names its field")))?;
            let field = if let Some((date, _)) = ocsf::DATE_FIELDS.iter().find(|(d, _)| *d == name) {
                SortField::Date(date)
            } else if let Some(text) = ocsf::STRING_FIELDS.iter().find(|s| **s == name) {
                SortField::Text(text)
            } else {
                return Err(invalid(format!(
                    "{place}.Field: {name:?} is not a field this test endpoint sorts on (dates: {}; strings: {})",
                    ocsf::DATE_FIELDS.iter().map(|(d, _)| *d).collect::<Vec<_>>().join(", "),
                    ocsf::STRING_FIELDS.join(", ")
                )));
            };
            let descending = match c.get("SortOrder").and_then(Value::as_str) {
                None | Some("desc") => true,
                Some("asc") => false,
                Some(other) => return Err(invalid(format!("{place}.SortOrder must be asc or desc, not {other:?}"))),
            };
            Ok(Sorter { field, descending })
        })
        .collect()
}

/// Whether the new Security Hub still holds a finding at `now` (seconds): it deletes an
/// active finding 90 days and a closed (archived) one 14 days after its last update.
fn retained(f: &Value, now: f64) -> bool {
    let Some(updated) = f
        .get("UpdatedAt")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    else {
        return true;
    };
    let age_days = (now - updated.timestamp_millis() as f64 / 1000.0) / 86_400.0;
    let archived = f.get("RecordState").and_then(Value::as_str) == Some("ARCHIVED");
    age_days <= if archived { 14.0 } else { 90.0 }
}

/// `GetFindingsV2`: the findings visible in `region` (and still retained, see [`retained`])
/// that match `Filters`, ordered by `SortCriteria` (ties broken by `finding_info.uid`, then
/// the product, so pages never overlap; without criteria in the dataset's order), as pages of
/// `MaxResults` OCSF documents. The `NextToken` is opaque: the offset of the next page bound
/// to the operation, the region and the request's Filters, SortCriteria and Scopes (see
/// `filter::paging`), so it is refused with anything else.
pub(crate) fn get_findings_v2(ds: &Dataset, region: &str, body: &Value) -> Result<Served, ApiError> {
    let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    let filters = body.get("Filters");
    let sort = body.get("SortCriteria");
    let null = Value::Null;
    let (max, offset, fp) = filter::paging(
        "GetFindingsV2",
        region,
        body,
        &[
            filters.unwrap_or(&null),
            sort.unwrap_or(&null),
            body.get("Scopes").unwrap_or(&null),
        ],
        "Filters, SortCriteria and Scopes",
    )
    .map_err(invalid)?;
    let scoped = body.get("Scopes").is_some_and(|s| !s.is_null());
    if scoped && ds.delegated_admin == Some(false) {
        return Err(ApiError::new(
            403,
            "AccessDeniedException",
            "Only the delegated administrator account can use Scopes",
        ));
    }
    // A member account sees its own findings; the administrator (or a one-estate dataset),
    // every one.
    let own = |f: &&Value| {
        ds.delegated_admin != Some(false) || f.get("AwsAccountId").and_then(Value::as_str) == Some(ds.account.as_str())
    };
    let wanted = parse_filters(filters, now)?;
    let sorters = compile_sort(sort)?;
    let visible = region_visible(ds, region);
    let mut matched: Vec<&Value> = ds
        .securityhub
        .iter()
        .filter(|f| visible(f.get("Region").and_then(Value::as_str).unwrap_or_default()))
        .filter(|f| retained(f, now))
        .filter(own)
        .filter(|f| wanted.matches(f))
        .collect();
    if !sorters.is_empty() {
        let text = |f: &Value, key: &str| f.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        let mut keyed: Vec<(Vec<SortKey>, String, String, &Value)> = matched
            .into_iter()
            .map(|f| {
                (
                    sorters.iter().map(|s| s.key(f)).collect(),
                    text(f, "Id"),
                    text(f, "ProductArn"),
                    f,
                )
            })
            .collect();
        keyed.sort_by(|(a, a_id, a_product, _), (b, b_id, b_product, _)| {
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
            a_id.cmp(b_id).then_with(|| a_product.cmp(b_product))
        });
        matched = keyed.into_iter().map(|(_, _, _, f)| f).collect();
    }
    let (page, next) = filter::page(matched, offset, max);
    let findings: Vec<Value> = page.into_iter().map(ocsf::from_asff).collect();
    let items = findings.len() as u64;
    let mut out = json!({ "Findings": findings });
    if let Some(next) = next {
        out["NextToken"] = json!(filter::make_token(next, fp));
    }
    Ok(Served { body: out, items })
}
