//! Listing findings with filters, streamed row by row so that 100k findings print without
//! being held in memory.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Invalid;
use crate::model::{RecordState, Resource, Severity, Source, Status, Vulnerability};
use crate::query::sla::deadline;
use crate::store::settings::SlaDays;
use crate::store::{acceptances, accounts, StoreError};
use crate::time::{format_ts, DAY_MS};

/// Which findings to list. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub sources: Vec<Source>,
    pub statuses: Vec<Status>,
    pub severities: Vec<Severity>,
    pub accounts: Vec<String>,
    /// Only findings of accounts in one of these organizational units (ids) or below one.
    pub units: Vec<String>,
    pub regions: Vec<String>,
    pub record_state: Option<RecordState>,
    /// Only findings mapped to this framework (and requirement, when given).
    pub framework: Option<String>,
    pub requirement: Option<String>,
    /// Only findings no catalog rule maps.
    pub unmapped: bool,
    /// Full-text search over titles, descriptions, resource ids and vulnerability ids; a
    /// single word also matches the finding whose id is or starts with it.
    pub search: Option<String>,
    /// Only findings with a resource of one of these types (as the source wrote them).
    pub resource_types: Vec<String>,
    /// First seen (first observed, else created) at or before / at or after (ms).
    pub first_seen_before: Option<i64>,
    pub first_seen_after: Option<i64>,
    /// Only failing findings past their SLA deadline at this moment (ms).
    pub overdue_at: Option<i64>,
    /// Only findings whose remediation owner in force (see [`crate::store::owners`]) is one of
    /// these, or, with `unowned`, that no assignment covers.
    pub owners: Vec<String>,
    pub unowned: bool,
    /// Only the failing findings this risk acceptance covers at this moment (ms): (id, when).
    pub covered_by: Option<(i64, i64)>,
}

/// One finding as listed by the CLI's `findings` command and the explorer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FindingRow {
    pub id: String,
    /// The product that reported it (ASFF `ProductArn`): with `id`, which finding this is.
    pub product_arn: String,
    pub source: String,
    pub product: String,
    pub account: String,
    /// The account's name (from AWS Organizations, else from its findings).
    pub account_name: Option<String>,
    /// The account's organizational unit, names from the root down (`Root/Workloads/Prod`).
    pub ou_path: Option<String>,
    pub region: String,
    /// The control id as the finding wrote it (a legacy standard's rule number, such as
    /// CIS 1.2's `1.14`, or a consolidated id).
    pub control: Option<String>,
    /// The Security Hub control it resolves to, when that differs from `control`
    /// (`IAM.6` for CIS `1.14`): the id that tells a reader what is checked.
    pub security_control: Option<String>,
    /// Mapped by reference: its control is not in the catalog, and it reaches requirements
    /// through the NIST SP 800-53 controls AWS relates the control to.
    pub mapped_by_reference: bool,
    pub standard: Option<String>,
    pub config_rule: Option<String>,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub record_state: String,
    pub workflow_status: Option<String>,
    /// Resource ids, in the order the source listed them.
    pub resources: Vec<String>,
    pub resource_types: Vec<String>,
    /// CVE / advisory ids carried by the finding.
    pub vulnerabilities: Vec<String>,
    /// Requirements it bears on, as `framework:requirement`.
    pub requirements: Vec<String>,
    pub remediation_url: Option<String>,
    pub first_observed_at: Option<String>,
    pub last_observed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Days since first seen.
    pub age_days: u32,
    /// When a failing finding is due under the workspace's SLA days (RFC 3339).
    pub due_at: Option<String>,
    pub overdue: bool,
    /// A valid risk acceptance covers it (for at least one requirement).
    pub accepted: bool,
    /// Its remediation owner: the most specific assignment in force (the finding's, its
    /// control's, its account's, or the nearest OU's above the account).
    pub owner: Option<String>,
}

/// Column names of [`FindingRow`] in CSV order (documented in the README).
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "source",
    "product",
    "account",
    "region",
    "control",
    "standard",
    "config_rule",
    "title",
    "severity",
    "status",
    "record_state",
    "workflow_status",
    "resources",
    "resource_types",
    "vulnerabilities",
    "requirements",
    "remediation_url",
    "first_observed_at",
    "last_observed_at",
    "created_at",
    "updated_at",
    "age_days",
    "due_at",
    "overdue",
    "accepted",
    "security_control",
    "mapped_by_reference",
    "account_name",
    "ou_path",
    "owner",
];

impl FindingRow {
    /// Values in [`CSV_COLUMNS`] order; lists are joined with `;`.
    pub fn csv_values(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.id.clone(),
            self.source.clone(),
            self.product.clone(),
            self.account.clone(),
            self.region.clone(),
            o(&self.control),
            o(&self.standard),
            o(&self.config_rule),
            self.title.clone(),
            self.severity.clone(),
            self.status.clone(),
            self.record_state.clone(),
            o(&self.workflow_status),
            self.resources.join(";"),
            self.resource_types.join(";"),
            self.vulnerabilities.join(";"),
            self.requirements.join(";"),
            o(&self.remediation_url),
            o(&self.first_observed_at),
            o(&self.last_observed_at),
            self.created_at.clone(),
            self.updated_at.clone(),
            self.age_days.to_string(),
            o(&self.due_at),
            self.overdue.to_string(),
            self.accepted.to_string(),
            o(&self.security_control),
            self.mapped_by_reference.to_string(),
            o(&self.account_name),
            o(&self.ou_path),
            o(&self.owner),
        ]
    }
}

fn in_clause(column: &str, values: Vec<String>, clauses: &mut Vec<String>, params: &mut Vec<SqlValue>) {
    if values.is_empty() {
        return;
    }
    let marks = vec!["?"; values.len()].join(", ");
    clauses.push(format!("{column} IN ({marks})"));
    params.extend(values.into_iter().map(SqlValue::Text));
}

/// How to order a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortField {
    /// Most severe first, then most recently updated (the default).
    #[default]
    Severity,
    Updated,
    FirstSeen,
    Title,
    Account,
    Control,
    Status,
    /// Remediation deadline, the earliest (the most overdue) first; findings without one
    /// (passing, archived, informational) last in either direction.
    Due,
}

impl SortField {
    /// The names a sort is asked for by (`age` is another name for `first_seen`).
    pub const NAMES: [&'static str; 8] = [
        "severity",
        "updated",
        "first_seen",
        "title",
        "account",
        "control",
        "status",
        "due",
    ];

    /// The order named `s`, or a refusal listing the known names.
    pub fn named(s: &str) -> Result<SortField, Invalid> {
        SortField::parse(s).ok_or_else(|| {
            Invalid::new(
                "sort",
                format!("unknown sort field {s:?}: use {}", SortField::NAMES.join(", ")),
            )
        })
    }

    pub fn parse(s: &str) -> Option<SortField> {
        Some(match s {
            "severity" => SortField::Severity,
            "updated" => SortField::Updated,
            "first_seen" | "age" => SortField::FirstSeen,
            "title" => SortField::Title,
            "account" => SortField::Account,
            "control" => SortField::Control,
            "status" => SortField::Status,
            "due" => SortField::Due,
            _ => return None,
        })
    }

    /// The ORDER BY clause; `reverse` flips the natural direction. Ties break on id (on the row
    /// id for severity). Deadlines follow the workspace's SLA days `sla`.
    fn order_sql(self, reverse: bool, sla: &SlaDays) -> String {
        let severity_rank = SEVERITY_RANK_SQL;
        if self == SortField::Due {
            let dir = if reverse { "DESC" } else { "ASC" };
            let due = due_sql(sla);
            return format!("({due}) IS NULL, {due} {dir}, {severity_rank}, f.id");
        }
        let (expr, natural_desc) = match self {
            SortField::Severity => (severity_rank.to_string(), false),
            SortField::Updated => ("f.updated_at".to_string(), true),
            SortField::FirstSeen => ("coalesce(f.first_observed_at, f.created_at)".to_string(), false),
            SortField::Title => ("f.title COLLATE NOCASE".to_string(), false),
            SortField::Account => ("f.account".to_string(), false),
            SortField::Control => (
                "coalesce(f.mapped_control, f.control_id, f.config_rule, '~')".to_string(),
                false,
            ),
            SortField::Status => ("f.status".to_string(), false),
            SortField::Due => unreachable!("ordered above"),
        };
        let desc = natural_desc != reverse;
        let dir = if desc { "DESC" } else { "ASC" };
        if self == SortField::Severity {
            // Ties by the row id: the order of the index `findings_explorer_default`.
            let newest = if reverse { "ASC" } else { "DESC" };
            return format!("{expr} {dir}, f.updated_at {newest}, f.fid {dir}");
        }
        format!("{expr} {dir}, f.id")
    }
}

/// A finding's remediation deadline (ms) under `sla`, as [`deadline`] computes it: first seen
/// plus its severity's days, for active failing findings of a severity with an SLA; NULL
/// otherwise. The days are the workspace's integers, written into the SQL.
fn due_sql(sla: &SlaDays) -> String {
    let ms = |d: u32| i64::from(d) * DAY_MS;
    format!(
        "CASE WHEN f.status = 'failed' AND f.record_state = 'active' THEN coalesce(f.first_observed_at, f.created_at)
           + CASE f.severity WHEN 'CRITICAL' THEN {} WHEN 'HIGH' THEN {} WHEN 'MEDIUM' THEN {} WHEN 'LOW' THEN {} END END",
        ms(sla.critical),
        ms(sla.high),
        ms(sla.medium),
        ms(sla.low)
    )
}

/// Severity as a rank, most severe first: the default order, which the index
/// `findings_explorer_default` (schema v15) holds, so the expression must stay the same.
pub const SEVERITY_RANK_SQL: &str =
    "CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END";

/// A page of a listing: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub size: u32,
}

/// Turns what a user typed into an FTS5 query: every word must appear (as a phrase, so
/// `CVE-2024-3094` or an ARN match as written); the last word also matches as a prefix.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.replace('"', "\"\""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let n = words.len();
    (n > 0).then(|| {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i + 1 == n {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    })
}

/// The WHERE clause and its parameters for a filter.
fn where_clause(
    conn: &Connection,
    filter: &FindingFilter,
    sla: &SlaDays,
) -> Result<(String, Vec<SqlValue>), StoreError> {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    in_clause(
        "f.source",
        filter.sources.iter().map(|s| s.as_str().to_string()).collect(),
        &mut clauses,
        &mut params,
    );
    in_clause(
        "f.status",
        filter.statuses.iter().map(|s| s.as_str().to_string()).collect(),
        &mut clauses,
        &mut params,
    );
    in_clause(
        "f.severity",
        filter.severities.iter().map(|s| s.as_str().to_string()).collect(),
        &mut clauses,
        &mut params,
    );
    in_clause("f.account", filter.accounts.clone(), &mut clauses, &mut params);
    if !filter.units.is_empty() {
        clauses.push(format!("f.account {}", accounts::in_units_sql(filter.units.len())));
        params.extend(filter.units.iter().cloned().map(SqlValue::Text));
    }
    in_clause("f.region", filter.regions.clone(), &mut clauses, &mut params);
    in_clause(
        "f.record_state",
        filter.record_state.iter().map(|s| s.as_str().to_string()).collect(),
        &mut clauses,
        &mut params,
    );
    match (&filter.framework, &filter.requirement) {
        (Some(fw), Some(req)) => {
            clauses.push(
                "EXISTS (SELECT 1 FROM finding_requirements fr WHERE fr.fid = f.fid AND fr.framework = ? AND fr.requirement = ?)"
                    .into(),
            );
            params.push(SqlValue::Text(fw.clone()));
            params.push(SqlValue::Text(req.clone()));
        }
        (Some(fw), None) => {
            clauses.push(
                "EXISTS (SELECT 1 FROM finding_requirements fr WHERE fr.fid = f.fid AND fr.framework = ?)".into(),
            );
            params.push(SqlValue::Text(fw.clone()));
        }
        (None, _) => {}
    }
    if filter.unmapped {
        clauses.push("NOT EXISTS (SELECT 1 FROM finding_requirements fr WHERE fr.fid = f.fid)".into());
    }
    if !filter.resource_types.is_empty() {
        let marks = vec!["?"; filter.resource_types.len()].join(", ");
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM finding_resources r WHERE r.fid = f.fid AND r.type IN ({marks}))"
        ));
        params.extend(filter.resource_types.iter().cloned().map(SqlValue::Text));
    }
    if let Some(t) = filter.first_seen_before {
        clauses.push("coalesce(f.first_observed_at, f.created_at) <= ?".into());
        params.push(SqlValue::Integer(t));
    }
    if let Some(t) = filter.first_seen_after {
        clauses.push("coalesce(f.first_observed_at, f.created_at) >= ?".into());
        params.push(SqlValue::Integer(t));
    }
    if let Some(now) = filter.overdue_at {
        clauses.push(
            "f.status = 'failed' AND f.record_state = 'active' AND coalesce(f.first_observed_at, f.created_at)
             + (CASE f.severity WHEN 'CRITICAL' THEN ? WHEN 'HIGH' THEN ? WHEN 'MEDIUM' THEN ? WHEN 'LOW' THEN ? END) < ?"
                .into(),
        );
        for days in [sla.critical, sla.high, sla.medium, sla.low] {
            params.push(SqlValue::Integer(i64::from(days) * DAY_MS));
        }
        params.push(SqlValue::Integer(now));
    }
    if let Some(text) = filter.search.as_deref() {
        // One word may be (the start of) a finding's id, as copied from AWS or a report.
        let word = text.trim();
        let id_prefix = (!word.is_empty() && !word.contains(char::is_whitespace)).then_some(word);
        let fts = fts_query(text).map(|q| {
            params.push(SqlValue::Text(q));
            "f.fid IN (SELECT rowid FROM findings_fts WHERE findings_fts MATCH ?)"
        });
        let id = id_prefix.map(|w| {
            params.push(SqlValue::Text(w.to_string()));
            params.push(SqlValue::Text(format!("{w}\u{10FFFF}")));
            "(f.id >= ? AND f.id < ?)"
        });
        match (fts, id) {
            (Some(a), Some(b)) => clauses.push(format!("({a} OR {b})")),
            (Some(one), None) | (None, Some(one)) => clauses.push(one.to_string()),
            (None, None) => {}
        }
    }
    if let Some((acceptance, when)) = filter.covered_by {
        let cover = acceptances::coverage(conn, when, None)?;
        let fids = cover.fids_of.get(&acceptance).cloned().unwrap_or_default();
        clauses.push("f.fid IN (SELECT value FROM json_each(?))".into());
        params.push(SqlValue::Text(
            serde_json::to_string(&fids).unwrap_or_else(|_| "[]".into()),
        ));
    }
    if !filter.owners.is_empty() || filter.unowned {
        let owners = crate::store::owners::Owners::load(conn)?;
        let (sql, values) = owners.filter_sql(&filter.owners, filter.unowned);
        clauses.push(sql);
        params.extend(values);
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Ok((sql, params))
}

/// How many findings match `filter`.
pub fn count_findings(conn: &Connection, filter: &FindingFilter) -> Result<u64, StoreError> {
    let (where_sql, params) = where_clause(conn, filter, &SlaDays::load(conn)?)?;
    count_where(conn, &where_sql, &params)
}

/// How many findings a WHERE clause (from [`where_clause`]) matches.
fn count_where(conn: &Connection, where_sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row(
        &format!("SELECT count(*) FROM findings f {where_sql}"),
        rusqlite::params_from_iter(params),
        |r| r.get(0),
    )?;
    Ok(n.max(0) as u64)
}

/// Which findings match `filter`: indexed by row id (`fid`), true for a match.
pub fn matching_fids(conn: &Connection, filter: &FindingFilter) -> Result<Vec<bool>, StoreError> {
    let (where_sql, params) = where_clause(conn, filter, &SlaDays::load(conn)?)?;
    let max_fid: i64 = conn.query_row("SELECT coalesce(max(fid), 0) FROM findings", [], |r| r.get(0))?;
    let mut matching = vec![false; usize::try_from(max_fid).unwrap_or(0) + 1];
    let mut stmt = conn.prepare(&format!("SELECT f.fid FROM findings f {where_sql}"))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    while let Some(r) = rows.next()? {
        if let Some(m) = usize::try_from(r.get::<_, i64>(0)?)
            .ok()
            .and_then(|i| matching.get_mut(i))
        {
            *m = true;
        }
    }
    Ok(matching)
}

/// Calls `each` for every finding matching `filter`, most severe and most recent first.
/// Ages and deadlines are computed at `now` (ms).
pub fn for_each_finding(
    conn: &Connection,
    filter: &FindingFilter,
    now: i64,
    each: impl FnMut(FindingRow) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    list_findings(conn, filter, SortField::Severity, false, None, now, each)
}

/// Calls `each` for the findings matching `filter` in the given order, optionally one page.
pub fn list_findings(
    conn: &Connection,
    filter: &FindingFilter,
    sort: SortField,
    reverse: bool,
    page: Option<Page>,
    now: i64,
    mut each: impl FnMut(FindingRow) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let sla = SlaDays::load(conn)?;
    let (where_sql, params) = where_clause(conn, filter, &sla)?;
    list_where(
        conn,
        &sla,
        (&where_sql, &params),
        &sort.order_sql(reverse, &sla),
        page,
        now,
        &mut each,
    )
}

/// [`list_findings`] for a WHERE clause already built (a page and its count share one: an
/// owner or acceptance filter reads the assignments or the coverage once).
fn list_where(
    conn: &Connection,
    sla: &SlaDays,
    (where_sql, params): (&str, &[SqlValue]),
    order: &str,
    page: Option<Page>,
    now: i64,
    each: &mut impl FnMut(FindingRow) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let accepted = acceptances::coverage(conn, now, None)?.findings;
    let owners = crate::store::owners::Owners::load(conn)?;
    let columns = "f.id, f.source, f.product, f.account, f.region, f.control_id, f.standard, f.config_rule, f.title,
                f.severity, f.status, f.record_state, f.workflow_status, f.remediation_url,
                f.first_observed_at, f.last_observed_at, f.created_at, f.updated_at,
                (SELECT json_group_array(resource_id ORDER BY ord) FROM finding_resources r WHERE r.fid = f.fid),
                (SELECT json_group_array(type ORDER BY ord) FROM finding_resources r WHERE r.fid = f.fid),
                (SELECT json_group_array(DISTINCT vuln_id) FROM finding_vulnerabilities v WHERE v.fid = f.fid),
                (SELECT json_group_array(framework || ':' || requirement ORDER BY framework, requirement)
                   FROM finding_requirements fr WHERE fr.fid = f.fid),
                f.fid, f.mapped_control,
                EXISTS (SELECT 1 FROM finding_requirements fr WHERE fr.fid = f.fid AND fr.rule_kind = 'reference'),
                f.product_arn,
                (SELECT a.name FROM accounts a WHERE a.account_id = f.account),
                (SELECT o.path FROM accounts a JOIN org_units o ON o.id = a.ou_id WHERE a.account_id = f.account)";
    let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
    let read = |r: &rusqlite::Row<'_>| -> Result<FindingRow, StoreError> {
        let severity: String = r.get(9)?;
        let status: String = r.get(10)?;
        let record_state: String = r.get(11)?;
        let first_seen: i64 = r.get::<_, Option<i64>>(14)?.unwrap_or(r.get(16)?);
        let d = deadline(
            sla,
            Severity::parse_label(&severity).unwrap_or(Severity::Informational),
            status == "failed" && record_state == "active",
            first_seen,
            now,
        );
        let control: Option<String> = r.get(5)?;
        let mapped: Option<String> = r.get(23)?;
        let (id, account): (String, String) = (r.get(0)?, r.get(3)?);
        let owner = owners
            .of(&id, mapped.as_deref().or(control.as_deref()), &account)
            .map(str::to_string);
        Ok(FindingRow {
            owner,
            security_control: mapped.filter(|m| control.as_deref() != Some(m.as_str())),
            mapped_by_reference: r.get(24)?,
            control,
            id,
            product_arn: r.get(25)?,
            source: r.get(1)?,
            product: r.get(2)?,
            account,
            account_name: r.get(26)?,
            ou_path: r.get(27)?,
            region: r.get(4)?,
            standard: r.get(6)?,
            config_rule: r.get(7)?,
            title: r.get(8)?,
            severity,
            status,
            record_state,
            workflow_status: r.get(12)?,
            remediation_url: r.get(13)?,
            first_observed_at: r.get::<_, Option<i64>>(14)?.map(format_ts),
            last_observed_at: r.get::<_, Option<i64>>(15)?.map(format_ts),
            created_at: format_ts(r.get(16)?),
            updated_at: format_ts(r.get(17)?),
            resources: list(r.get(18)?),
            resource_types: list(r.get(19)?),
            vulnerabilities: list(r.get(20)?),
            requirements: list(r.get(21)?),
            age_days: d.age_days,
            due_at: d.due.map(format_ts),
            overdue: d.overdue,
            accepted: accepted.contains(&r.get::<_, i64>(22)?),
        })
    };
    let Some(p) = page else {
        // Every match (exports): one pass, in order.
        let sql = format!("SELECT {columns} FROM findings f {where_sql} ORDER BY {order}");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            each(read(r)?)?;
            n += 1;
        }
        return Ok(n);
    };
    // One page: first the page's rows in order, sorting only the sort keys (so a page deep in
    // 100k findings does not build the resource and requirement lists of every row before
    // it), then those rows' columns.
    let ids: Vec<i64> = conn
        .prepare(&page_ids_sql(where_sql, order, p))?
        .query_map(rusqlite::params_from_iter(params), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    let wanted = serde_json::to_string(&ids).unwrap_or_default();
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns} FROM findings f WHERE f.fid IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut by_fid: HashMap<i64, FindingRow> = HashMap::with_capacity(ids.len());
    let mut rows = stmt.query([wanted])?;
    while let Some(r) = rows.next()? {
        by_fid.insert(r.get(22)?, read(r)?);
    }
    let mut n = 0;
    for fid in ids {
        if let Some(row) = by_fid.remove(&fid) {
            each(row)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The query of one page's finding ids, in order.
fn page_ids_sql(where_sql: &str, order: &str, p: Page) -> String {
    let offset = u64::from(p.page.saturating_sub(1)) * u64::from(p.size);
    format!(
        "SELECT f.fid FROM findings f {where_sql} ORDER BY {order} LIMIT {} OFFSET {offset}",
        p.size
    )
}

/// How SQLite finds one explorer page for `q` (its query plan, one step per line): tests use
/// it to check that the default order reads an index rather than sorting every finding.
pub fn page_plan(conn: &Connection, q: &FindingsQuery, now: i64) -> Result<String, StoreError> {
    let sla = SlaDays::load(conn)?;
    let (where_sql, params) = where_clause(conn, &q.filter(now), &sla)?;
    let sort = q.sort_field()?;
    let page = Page {
        page: q.page.max(1),
        size: q.page_size.clamp(1, 500),
    };
    let sql = format!(
        "EXPLAIN QUERY PLAN {}",
        page_ids_sql(&where_sql, &sort.order_sql(q.reverse, &sla), page)
    );
    let mut stmt = conn.prepare(&sql)?;
    let steps: Vec<String> = stmt
        .query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3))?
        .collect::<Result<_, _>>()?;
    Ok(steps.join("\n"))
}

/// One recorded change of a finding's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HistoryEvent {
    /// When the source says it happened (the version's `UpdatedAt`), RFC 3339.
    pub at: String,
    pub status: String,
    pub record_state: String,
    pub workflow_status: Option<String>,
    pub severity: String,
}

/// The row id of finding `id` as reported by `product_arn`; without a product, of the one
/// finding with that id (an error names the products when several reported one).
fn fid_of(conn: &Connection, id: &str, product_arn: Option<&str>) -> Result<Option<i64>, StoreError> {
    let found: Vec<(i64, String)> = conn
        .prepare_cached("SELECT fid, product_arn FROM findings WHERE id = ?1 AND (?2 IS NULL OR product_arn = ?2)")?
        .query_map(rusqlite::params![id, product_arn], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    match found.as_slice() {
        [] => Ok(None),
        [(fid, _)] => Ok(Some(*fid)),
        several => Err(StoreError::invalid(
            "product_arn",
            format!(
                "{} products reported a finding with this id ({}): name the product",
                several.len(),
                several
                    .iter()
                    .map(|(_, p)| crate::text::display(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// One finding's status history, oldest first (see [`fid_of`] for `product_arn`).
pub fn history(conn: &Connection, id: &str, product_arn: Option<&str>) -> Result<Vec<HistoryEvent>, StoreError> {
    let Some(fid) = fid_of(conn, id, product_arn)? else {
        return Ok(Vec::new());
    };
    history_of(conn, fid)
}

fn history_of(conn: &Connection, fid: i64) -> Result<Vec<HistoryEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, status, record_state, workflow_status, severity
         FROM finding_history WHERE fid = ?1 ORDER BY at, seq",
    )?;
    let rows = stmt.query_map([fid], |r| {
        Ok(HistoryEvent {
            at: format_ts(r.get(0)?),
            status: r.get(1)?,
            record_state: r.get(2)?,
            workflow_status: r.get(3)?,
            severity: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What the finding panel shows beyond the explorer's row: the description, each resource
/// with its tags, each vulnerability with its package and scores, the finding's own history
/// of status changes, and the finding exactly as its source sent it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FindingDetail {
    pub id: String,
    pub product_arn: String,
    pub description: String,
    pub remediation_text: Option<String>,
    pub types: Vec<String>,
    pub generator_id: Option<String>,
    pub resources: Vec<Resource>,
    pub vulnerabilities: Vec<Vulnerability>,
    /// Oldest first.
    pub history: Vec<HistoryEvent>,
    /// The shape the source sent (`securityhub-findings`, `inspector2-findings`…).
    pub raw_format: Option<String>,
    /// The finding's JSON exactly as the source sent it.
    pub raw: Option<String>,
    /// The same finding as the other Security Hub sent it (a control's check reported by
    /// both CSPM and the new Security Hub is one finding, with both documents).
    pub other_raw: Vec<RawDocument>,
}

/// A finding's JSON in one format, exactly as its source sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RawDocument {
    /// `asff`, `ocsf`, `inspector2`, …
    pub format: String,
    pub raw: String,
}

/// The detail of finding `id` reported by `product_arn` (see [`fid_of`]), or None when
/// there is no such finding.
pub fn detail(conn: &Connection, id: &str, product_arn: Option<&str>) -> Result<Option<FindingDetail>, StoreError> {
    crate::limits::check_text("id", id, crate::limits::REQUEST_ID_CHARS)?;
    crate::limits::check_text(
        "product_arn",
        product_arn.unwrap_or(""),
        crate::limits::REQUEST_ID_CHARS,
    )?;
    let Some(fid) = fid_of(conn, id, product_arn)? else {
        return Ok(None);
    };
    let (description, remediation_text, types, generator_id, product_arn) = conn.query_row(
        "SELECT description, remediation_text, types, generator_id, product_arn FROM findings WHERE fid = ?1",
        [fid],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        },
    )?;
    let resources = conn
        .prepare_cached("SELECT type, resource_id, region, tags FROM finding_resources WHERE fid = ?1 ORDER BY ord")?
        .query_map([fid], |r| {
            Ok(Resource {
                kind: r.get(0)?,
                id: r.get(1)?,
                region: r.get(2)?,
                tags: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let vulnerabilities = conn
        .prepare_cached(
            "SELECT vuln_id, package, installed_version, fixed_version, cvss, fix_available, exploit_available
             FROM finding_vulnerabilities WHERE fid = ?1 ORDER BY ord",
        )?
        .query_map([fid], |r| {
            Ok(Vulnerability {
                id: r.get(0)?,
                package: r.get(1)?,
                installed_version: r.get(2)?,
                fixed_version: r.get(3)?,
                cvss: r.get(4)?,
                fix_available: r.get::<_, Option<i64>>(5)?.map(|v| v != 0),
                exploit_available: r.get::<_, Option<i64>>(6)?.map(|v| v != 0),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut raws = crate::store::findings::raw_json(conn, fid)?.into_iter();
    let raw = raws.next();
    let other_raw = raws.map(|(format, raw)| RawDocument { format, raw }).collect();
    Ok(Some(FindingDetail {
        id: id.to_string(),
        product_arn,
        description,
        remediation_text,
        types: serde_json::from_str(&types).unwrap_or_default(),
        generator_id,
        resources,
        vulnerabilities,
        history: history_of(conn, fid)?,
        raw_format: raw.as_ref().map(|(f, _)| f.clone()),
        raw: raw.map(|(_, r)| r),
        other_raw,
    }))
}

/// An explorer query as the window sends it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
#[serde(default)]
pub struct FindingsQuery {
    pub search: Option<String>,
    pub sources: Vec<Source>,
    pub statuses: Vec<Status>,
    pub severities: Vec<Severity>,
    pub accounts: Vec<String>,
    /// Organizational unit ids: their accounts and those of the OUs below them.
    pub units: Vec<String>,
    pub regions: Vec<String>,
    pub resource_types: Vec<String>,
    pub record_state: Option<RecordState>,
    pub framework: Option<String>,
    pub requirement: Option<String>,
    pub unmapped: bool,
    pub min_age_days: Option<u32>,
    pub max_age_days: Option<u32>,
    pub overdue_only: bool,
    /// Remediation owners in force (as assigned); with `unowned`, also findings nobody owns.
    pub owners: Vec<String>,
    pub unowned: bool,
    /// Only the failing findings this risk acceptance (its id) covers now.
    #[ts(type = "number | null")]
    pub acceptance: Option<i64>,
    /// severity | updated | first_seen | title | account | control | status | due
    pub sort: Option<String>,
    pub reverse: bool,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
}

/// One page of findings and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FindingsPage {
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
    pub rows: Vec<FindingRow>,
}

impl FindingsQuery {
    /// Refuses a question larger than anyone asks (see `limits`): a search of more than
    /// `SEARCH_CHARS`, a filter listing more than `REQUEST_ITEMS` values or a value longer
    /// than `NAME_CHARS`, an id longer than `REQUEST_ID_CHARS`. The page sends what it is
    /// given: this keeps a compromised or runaway page from making each query costly.
    pub fn check_sizes(&self) -> Result<(), Invalid> {
        use crate::limits::{check_list, check_text, NAME_CHARS, REQUEST_ID_CHARS, REQUEST_ITEMS, SEARCH_CHARS};
        check_text("search", self.search.as_deref().unwrap_or(""), SEARCH_CHARS)?;
        check_list("accounts", &self.accounts, REQUEST_ITEMS, NAME_CHARS)?;
        check_list("units", &self.units, REQUEST_ITEMS, NAME_CHARS)?;
        check_list("regions", &self.regions, REQUEST_ITEMS, NAME_CHARS)?;
        check_list("resource_types", &self.resource_types, REQUEST_ITEMS, NAME_CHARS)?;
        check_list("owners", &self.owners, REQUEST_ITEMS, crate::limits::PERSON_CHARS)?;
        check_text("framework", self.framework.as_deref().unwrap_or(""), REQUEST_ID_CHARS)?;
        check_text(
            "requirement",
            self.requirement.as_deref().unwrap_or(""),
            REQUEST_ID_CHARS,
        )?;
        check_text("sort", self.sort.as_deref().unwrap_or(""), REQUEST_ID_CHARS)
    }

    /// The order asked for (the default when none); an unknown name is refused.
    pub fn sort_field(&self) -> Result<SortField, Invalid> {
        match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(SortField::default()),
            Some(s) => SortField::named(s),
        }
    }

    /// The filter this query means at `now` (ms).
    pub fn filter(&self, now: i64) -> FindingFilter {
        let days_ago = |d: u32| now - i64::from(d) * DAY_MS;
        FindingFilter {
            sources: self.sources.clone(),
            statuses: self.statuses.clone(),
            severities: self.severities.clone(),
            accounts: self.accounts.clone(),
            units: self.units.clone(),
            regions: self.regions.clone(),
            record_state: self.record_state,
            framework: self.framework.clone(),
            requirement: if self.framework.is_some() {
                self.requirement.clone()
            } else {
                None
            },
            unmapped: self.unmapped,
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            resource_types: self.resource_types.clone(),
            first_seen_before: self.min_age_days.map(days_ago),
            first_seen_after: self.max_age_days.map(days_ago),
            overdue_at: self.overdue_only.then_some(now),
            owners: self.owners.clone(),
            unowned: self.unowned,
            covered_by: self.acceptance.map(|id| (id, now)),
        }
    }
}

/// Runs an explorer query: one page (at most 500 rows) and the total.
pub fn findings_page(conn: &Connection, q: &FindingsQuery, now: i64) -> Result<FindingsPage, StoreError> {
    q.check_sizes()?;
    let filter = q.filter(now);
    let page = Page {
        page: q.page.max(1),
        size: q.page_size.clamp(1, 500),
    };
    let sort = q.sort_field()?;
    let sla = SlaDays::load(conn)?;
    let (where_sql, params) = where_clause(conn, &filter, &sla)?;
    let mut rows = Vec::with_capacity(page.size as usize);
    let order = sort.order_sql(q.reverse, &sla);
    list_where(conn, &sla, (&where_sql, &params), &order, Some(page), now, &mut |r| {
        rows.push(r);
        Ok(())
    })?;
    let total = count_where(conn, &where_sql, &params)?;
    Ok(FindingsPage {
        total: total.min(u64::from(u32::MAX)) as u32,
        page: page.page,
        page_size: page.size,
        rows,
    })
}
