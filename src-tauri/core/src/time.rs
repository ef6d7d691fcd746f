//! Timestamps as AWS writes them: RFC 3339 with or without fractions and offsets, the
//! AWS CLI's `+00:00` style, offsets without a colon, and epoch seconds (JSON numbers).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

use crate::error::Invalid;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// `days` whole days in milliseconds.
pub fn days_ms(days: u32) -> i64 {
    i64::from(days) * DAY_MS
}

/// The first millisecond of a day (UTC).
pub fn start_of_day_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

/// The last millisecond of a day (UTC): a moment "at the end of" that day.
pub fn end_of_day_ms(d: NaiveDate) -> i64 {
    start_of_day_ms(d) + DAY_MS - 1
}

/// The day (UTC) a moment falls on.
pub fn day_of_ms(ms: i64) -> NaiveDate {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Parses a day written `YYYY-MM-DD`; a refusal names `field`.
pub fn parse_day(s: &str, field: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::new(field, format!("must be a date as YYYY-MM-DD, not {s:?}")))
}

/// Parses an optional day, where an empty text means none.
pub fn parse_optional_day(s: Option<&str>, field: &str) -> Result<Option<NaiveDate>, Invalid> {
    s.filter(|d| !d.trim().is_empty())
        .map(|d| parse_day(d, field))
        .transpose()
}

/// Parses an AWS timestamp string into milliseconds since the epoch (UTC).
pub fn parse_ts(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    // Offsets written without a colon (`+0000`), or a space instead of `T`.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.timestamp_millis());
        }
    }
    // No offset at all: AWS means UTC.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&dt).timestamp_millis());
        }
    }
    // A bare number in a string: epoch seconds.
    s.parse::<f64>().ok().and_then(epoch_seconds_to_ms)
}

/// Epoch seconds (as the JSON wire protocols send them) to milliseconds.
pub fn epoch_seconds_to_ms(secs: f64) -> Option<i64> {
    if secs.is_finite() && (0.0..1.0e11).contains(&secs) {
        Some((secs * 1000.0).round() as i64)
    } else {
        None
    }
}

/// Formats milliseconds since the epoch as RFC 3339 UTC with milliseconds.
pub fn format_ts(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => ms.to_string(),
    }
}

/// Now, in milliseconds. Only the outermost layer (CLI, app) calls this; the core takes
/// `now` as an argument.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_aws_writes() {
        let base = 1_700_000_000_000; // 2023-11-14T22:13:20Z
        for (s, want) in [
            ("2023-11-14T22:13:20Z", base),
            ("2023-11-14T22:13:20.000Z", base),
            ("2023-11-14T22:13:20.123456Z", base + 123),
            ("2023-11-14T22:13:20.123456789Z", base + 123),
            ("2023-11-14T23:13:20+01:00", base),
            ("2023-11-14T22:13:20.500000+00:00", base + 500),
            ("2023-11-14T17:13:20-0500", base),
            ("2023-11-14T22:13:20", base),
            ("2023-11-14 22:13:20.25", base + 250),
            ("1700000000", base),
            ("1700000000.5", base + 500),
        ] {
            assert_eq!(parse_ts(s), Some(want), "{s}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for s in ["", "yesterday", "2023-13-45T00:00:00Z", "NaN", "-5"] {
            assert_eq!(parse_ts(s), None, "{s}");
        }
    }

    #[test]
    fn formats_as_rfc3339_utc_millis() {
        assert_eq!(format_ts(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
