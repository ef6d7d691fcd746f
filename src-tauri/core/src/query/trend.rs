//! Trends: each framework's score, control score and failing requirements per day (or per
//! week) over a period, read from the daily snapshots (see `store::snapshots`).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::ratio;
use crate::catalog::Catalog;
use crate::error::Invalid;
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrendPoint {
    /// YYYY-MM-DD: the state at the end of this day (for weekly points, the week's last day).
    pub day: String,
    pub score: Option<f64>,
    pub control_score: Option<f64>,
    pub passing: u32,
    pub failing: u32,
    pub no_data: u32,
    pub attested: u32,
    pub expired: u32,
    pub not_attested: u32,
    pub controls_passed: u32,
    pub controls_failed: u32,
    /// Active failing findings mapped to the framework.
    pub failed_findings: u32,
    /// Nothing was imported that day: the last known state carried forward.
    pub carried: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FrameworkTrend {
    pub id: String,
    pub name: String,
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Trend {
    pub from: String,
    pub to: String,
    /// `daily` or `weekly`.
    pub granularity: String,
    pub frameworks: Vec<FrameworkTrend>,
}

/// The longest trend that may be asked for, in days (ten years).
pub const MAX_DAYS: u32 = 3660;

/// The days of a trend of `days` days ending `until` (default, and at the latest, `today`).
pub fn window(days: u32, until: Option<NaiveDate>, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Invalid> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Invalid::new("days", format!("must be between 1 and {MAX_DAYS}")));
    }
    let to = until.unwrap_or(today).min(today);
    Ok((to - chrono::Duration::days(i64::from(days) - 1), to))
}

/// The trend of every framework (or one) from `from` to `to` inclusive. Weekly points are
/// the last snapshot of each ISO week.
pub fn trend(
    conn: &Connection,
    catalog: &Catalog,
    framework: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    weekly: bool,
) -> Result<Trend, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT day, passing, failing, no_data, attested, expired, not_attested, controls_passed, controls_failed,
                failed_findings, carried, score
         FROM snapshot_frameworks WHERE framework = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
    )?;
    let (from_s, to_s) = (from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string());
    let mut frameworks = Vec::new();
    for fw in catalog
        .frameworks
        .iter()
        .filter(|f| framework.is_none_or(|id| f.id == id))
    {
        let rows = stmt.query_map(params![fw.id, from_s, to_s], |r| {
            let (passing, failing, controls_passed, controls_failed): (u32, u32, u32, u32) =
                (r.get(1)?, r.get(2)?, r.get(7)?, r.get(8)?);
            Ok(TrendPoint {
                day: r.get(0)?,
                score: r.get(11)?,
                control_score: ratio(controls_passed, controls_failed),
                passing,
                failing,
                no_data: r.get(3)?,
                attested: r.get(4)?,
                expired: r.get(5)?,
                not_attested: r.get(6)?,
                controls_passed,
                controls_failed,
                failed_findings: r.get(9)?,
                carried: r.get::<_, i64>(10)? != 0,
            })
        })?;
        let mut points: Vec<TrendPoint> = rows.collect::<Result<_, _>>()?;
        if weekly {
            let week = |d: &str| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(|d| (d.iso_week().year(), d.iso_week().week()))
                    .ok()
            };
            let mut kept: Vec<TrendPoint> = Vec::new();
            for p in points {
                match kept.last_mut() {
                    Some(last) if week(&last.day) == week(&p.day) => *last = p,
                    _ => kept.push(p),
                }
            }
            points = kept;
        }
        frameworks.push(FrameworkTrend {
            id: fw.id.clone(),
            name: fw.name.clone(),
            points,
        });
    }
    Ok(Trend {
        from: from_s,
        to: to_s,
        granularity: if weekly { "weekly" } else { "daily" }.to_string(),
        frameworks,
    })
}
