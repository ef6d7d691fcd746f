//! Filters, sorting and paging tokens shared by the services.

use std::cmp::Ordering;

use chrono::DateTime;
use serde_json::Value;

/// A string comparison as the services spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Equals,
    NotEquals,
    Prefix,
    PrefixNotEquals,
    Contains,
    NotContains,
}

impl Cmp {
    fn parse(s: &str) -> Option<Cmp> {
        Some(match s {
            "EQUALS" => Cmp::Equals,
            "NOT_EQUALS" => Cmp::NotEquals,
            "PREFIX" => Cmp::Prefix,
            "PREFIX_NOT_EQUALS" => Cmp::PrefixNotEquals,
            "CONTAINS" => Cmp::Contains,
            "NOT_CONTAINS" => Cmp::NotContains,
            _ => return None,
        })
    }

    fn negative(self) -> bool {
        matches!(self, Cmp::NotEquals | Cmp::PrefixNotEquals | Cmp::NotContains)
    }

    /// The positive test behind this comparison.
    fn hits(self, wanted: &str, actual: &str) -> bool {
        match self {
            Cmp::Equals | Cmp::NotEquals => actual == wanted,
            Cmp::Prefix | Cmp::PrefixNotEquals => actual.starts_with(wanted),
            Cmp::Contains | Cmp::NotContains => actual.contains(wanted),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct StringFilter {
    pub value: String,
    pub cmp: Cmp,
}

/// Parse a list of string filters (`[{"Value","Comparison"}]`, key spelling given by the caller).
pub(crate) fn parse_string_filters(
    key: &str,
    list: &Value,
    value_key: &str,
    cmp_key: &str,
) -> Result<Vec<StringFilter>, String> {
    let items = list.as_array().ok_or_else(|| format!("filter {key} must be a list"))?;
    items
        .iter()
        .map(|item| parse_string_filter(key, item, value_key, cmp_key))
        .collect()
}

/// Parse one string filter (`{"Value","Comparison"}`); `key` names it in errors.
pub(crate) fn parse_string_filter(
    key: &str,
    item: &Value,
    value_key: &str,
    cmp_key: &str,
) -> Result<StringFilter, String> {
    let value = item
        .get(value_key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("filter {key}: every entry needs a string {value_key}"))?;
    let cmp_text = item
        .get(cmp_key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("filter {key}: every entry needs a {cmp_key}"))?;
    let cmp = Cmp::parse(cmp_text).ok_or_else(|| format!("filter {key}: unknown {cmp_key} {cmp_text:?}"))?;
    Ok(StringFilter {
        value: value.to_string(),
        cmp,
    })
}

/// Within one key: positive comparisons (EQUALS, PREFIX, CONTAINS) are ORed, negative ones ANDed.
/// `values` are the item's values for the field (several for list fields such as resources).
pub(crate) fn string_filters_match(filters: &[StringFilter], values: &[String]) -> bool {
    let mut any_positive = false;
    let mut positive_hit = false;
    for f in filters {
        let hit = values.iter().any(|v| f.cmp.hits(&f.value, v));
        if f.cmp.negative() {
            if hit {
                return false;
            }
        } else {
            any_positive = true;
            positive_hit |= hit;
        }
    }
    !any_positive || positive_hit
}

/// String values at a path; `*` walks every element of a list. Numbers and booleans are rendered as text.
pub(crate) fn values_at(item: &Value, path: &[&str]) -> Vec<String> {
    fn walk(v: &Value, path: &[&str], out: &mut Vec<String>) {
        match path.split_first() {
            None => match v {
                Value::String(s) => out.push(s.clone()),
                Value::Number(n) => out.push(n.to_string()),
                Value::Bool(b) => out.push(b.to_string()),
                Value::Array(items) => items.iter().for_each(|i| walk(i, &[], out)),
                _ => {}
            },
            Some((&"*", rest)) => {
                if let Value::Array(items) = v {
                    items.iter().for_each(|i| walk(i, rest, out));
                }
            }
            Some((key, rest)) => {
                if let Some(next) = v.get(key) {
                    walk(next, rest, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(item, path, &mut out);
    out
}

/// An inclusive time window in epoch seconds.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Window {
    pub start: Option<f64>,
    pub end: Option<f64>,
}

impl Window {
    pub fn contains(&self, t: f64) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e)
    }
}

/// Security Hub's `DateFilter` (`{Start, End}` or `{DateRange: {Value, Unit: DAYS, Comparison}}`, the
/// shape GetFindings and GetFindingsV2 share) as a window; `place` names the filter in errors. A
/// `DateRange` is WITHIN the last `Value` days unless its `Comparison` is OLDER_THAN.
pub(crate) fn parse_date_filter(place: &str, item: &Value, now: f64) -> Result<Window, String> {
    if !item.is_object() {
        return Err(format!("{place}: every DateFilter must be an object"));
    }
    if let Some(range) = item.get("DateRange").filter(|v| !v.is_null()) {
        let value = range
            .get("Value")
            .and_then(Value::as_i64)
            .ok_or_else(|| format!("{place}.DateRange.Value must be an integer"))?;
        match range.get("Unit").and_then(Value::as_str) {
            Some("DAYS") => {}
            other => return Err(format!("{place}.DateRange.Unit must be DAYS, not {other:?}")),
        }
        let bound = now - value as f64 * 86_400.0;
        return match range.get("Comparison").and_then(Value::as_str) {
            None | Some("WITHIN") => Ok(Window {
                start: Some(bound),
                end: None,
            }),
            Some("OLDER_THAN") => Ok(Window {
                start: None,
                end: Some(bound),
            }),
            Some(other) => Err(format!(
                "{place}.DateRange.Comparison must be WITHIN or OLDER_THAN, not {other:?}"
            )),
        };
    }
    let bound = |name: &str| -> Result<Option<f64>, String> {
        match item.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_iso(s)
                .map(Some)
                .ok_or_else(|| format!("{place}.{name}: {s:?} is not an ISO 8601 timestamp")),
            Some(_) => Err(format!("{place}.{name} must be a string")),
        }
    };
    Ok(Window {
        start: bound("Start")?,
        end: bound("End")?,
    })
}

/// An ISO-8601 timestamp (fractional seconds, `Z` or an offset) in epoch seconds.
pub(crate) fn parse_iso(s: &str) -> Option<f64> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis() as f64 / 1000.0)
}

/// A timestamp field as epoch seconds, whether sent as a number or an ISO string.
pub(crate) fn time_of(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_iso(s),
        _ => None,
    }
}

/// Order two optional sort keys; missing values sort last in ascending order.
pub(crate) fn cmp_keys(a: &SortKey, b: &SortKey) -> Ordering {
    match (a, b) {
        (SortKey::Time(x), SortKey::Time(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
        (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
        (SortKey::Missing, _) => Ordering::Greater,
        (_, SortKey::Missing) => Ordering::Less,
        (SortKey::Time(_), SortKey::Text(_)) => Ordering::Less,
        (SortKey::Text(_), SortKey::Time(_)) => Ordering::Greater,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SortKey {
    Time(f64),
    Text(String),
    Missing,
}

// ---- paging tokens -------------------------------------------------------------------------------------

/// Keys sorted, no whitespace: the same request always renders the same text, whatever map ordering
/// serde_json was built with.
pub(crate) fn canonical_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                canonical_json(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// FNV-1a over the operation, the region and the canonical text of the request parts that define the list.
/// The paging of a `Findings`-style request: `MaxResults` (1–100, default 100) and the
/// offset its `NextToken` stands for, a token being valid only for `operation` in `region`
/// with the same `parts` of the request (its filters and sort). Anything else is refused
/// naming what is wrong.
pub(crate) fn paging(
    operation: &str,
    region: &str,
    body: &Value,
    parts: &[&Value],
    same: &str,
) -> Result<(usize, usize, u64), String> {
    let max = match body.get("MaxResults") {
        None | Some(Value::Null) => 100,
        Some(v) => match v.as_i64() {
            Some(n @ 1..=100) => n as usize,
            _ => return Err(format!("MaxResults must be between 1 and 100, got {v}")),
        },
    };
    let fp = fingerprint(operation, region, parts);
    let offset = match body.get("NextToken") {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) if s.is_empty() => 0,
        Some(Value::String(s)) => read_token(s, fp).ok_or_else(|| {
            format!("The NextToken is invalid: it is not a token from a previous {operation} with the same {same}")
        })?,
        Some(_) => return Err("NextToken must be a string".into()),
    };
    Ok((max, offset, fp))
}

pub(crate) fn fingerprint(operation: &str, region: &str, parts: &[&Value]) -> u64 {
    let mut text = format!("{operation}\n{region}\n");
    for p in parts {
        canonical_json(p, &mut text);
        text.push('\n');
    }
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// An opaque token: hex of `v1:<offset>:<fingerprint>`.
pub(crate) fn make_token(offset: usize, fp: u64) -> String {
    format!("v1:{offset}:{fp:016x}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The offset a token stands for, if it decodes and belongs to a request with this fingerprint.
pub(crate) fn read_token(token: &str, fp: u64) -> Option<usize> {
    if token.len() % 2 != 0 || !token.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token[i..i + 2], 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let mut parts = text.split(':');
    if parts.next()? != "v1" {
        return None;
    }
    let offset = parts.next()?.parse().ok()?;
    let got = u64::from_str_radix(parts.next()?, 16).ok()?;
    (parts.next().is_none() && got == fp).then_some(offset)
}

/// One page of `items` from `offset`; the second value is the next offset when more remain.
pub(crate) fn page<T>(items: Vec<T>, offset: usize, limit: usize) -> (Vec<T>, Option<usize>) {
    let total = items.len();
    let end = offset.saturating_add(limit).min(total);
    let next = (end < total).then_some(end);
    let page = items
        .into_iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .collect();
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_round_trip_and_reject_other_requests() {
        let a = fingerprint("GetFindings", "us-east-1", &[&json!({"b": 1, "a": [1, 2]})]);
        let b = fingerprint("GetFindings", "us-east-1", &[&json!({"a": [1, 2], "b": 1})]);
        assert_eq!(a, b);
        let c = fingerprint("GetFindings", "eu-west-1", &[&json!({"a": [1, 2], "b": 1})]);
        assert_ne!(a, c);
        let t = make_token(200, a);
        assert_eq!(read_token(&t, a), Some(200));
        assert_eq!(read_token(&t, c), None);
        assert_eq!(read_token("garbage", a), None);
        assert_eq!(read_token("", a), None);
    }

    #[test]
    fn string_filter_semantics() {
        let f = |v: &str, c: Cmp| StringFilter {
            value: v.into(),
            cmp: c,
        };
        let vals = vec!["FAILED".to_string()];
        assert!(string_filters_match(
            &[f("PASSED", Cmp::Equals), f("FAILED", Cmp::Equals)],
            &vals
        ));
        assert!(!string_filters_match(&[f("PASSED", Cmp::Equals)], &vals));
        assert!(!string_filters_match(
            &[f("FAIL", Cmp::Prefix), f("FAILED", Cmp::NotEquals)],
            &vals
        ));
        assert!(string_filters_match(
            &[f("PASSED", Cmp::NotEquals), f("WARNING", Cmp::NotEquals)],
            &vals
        ));
        assert!(!string_filters_match(&[f("x", Cmp::Equals)], &[]));
        assert!(string_filters_match(&[f("x", Cmp::NotEquals)], &[]));
    }

    #[test]
    fn paging_and_paths() {
        assert_eq!(page((0..5).collect(), 0, 2), (vec![0, 1], Some(2)));
        assert_eq!(page((0..5).collect(), 4, 2), (vec![4], None));
        assert_eq!(page((0..5).collect::<Vec<i32>>(), 9, 2), (vec![], None));
        let v = json!({"Resources": [{"Type": "A"}, {"Type": "B"}], "Severity": {"Label": "HIGH"}});
        assert_eq!(values_at(&v, &["Resources", "*", "Type"]), vec!["A", "B"]);
        assert_eq!(values_at(&v, &["Severity", "Label"]), vec!["HIGH"]);
        assert_eq!(parse_iso("2024-05-01T10:00:00.5+02:00"), Some(1_714_550_400.5));
    }
}
