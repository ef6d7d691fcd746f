//! Risk acceptances and their revocations.
//!
//! An **acceptance** covers one finding, one control (optionally only some accounts or
//! resources) or one requirement, with a reason, an owner, an approver and an expiry,
//! which is required and at most `max_acceptance_days` (a setting) away. While valid, the
//! failing findings it covers do not fail the requirements they map to: they are counted
//! as **accepted**. On expiry they count again; a **revocation** ends it at once. Both are
//! append-only records, each with its audit entry written in the same transaction.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::mapping::load_sets;
use super::settings::settings;
use super::{audit, Store, StoreError};
use crate::catalog::Catalog;
use crate::limits;
use crate::time::{format_ts, DAY_MS};

pub(super) const SCHEMA_V12: &str = "
CREATE TABLE acceptances (
    id         INTEGER PRIMARY KEY,
    scope      TEXT    NOT NULL CHECK (scope IN ('finding', 'control', 'requirement')),
    target     TEXT    NOT NULL,   -- the finding id, the control id, or framework:requirement
    accounts   TEXT    NOT NULL,   -- JSON array of account ids; empty = every account
    resources  TEXT    NOT NULL,   -- JSON array of resource ids; empty = every resource
    reason     TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    approver   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,   -- ms since epoch
    expires_at INTEGER NOT NULL    -- ms since epoch: valid while created_at <= t < expires_at
) STRICT;
CREATE INDEX acceptances_expiry ON acceptances(expires_at);
CREATE TABLE acceptance_revocations (
    acceptance_id INTEGER PRIMARY KEY REFERENCES acceptances(id),
    at            INTEGER NOT NULL,
    by            TEXT    NOT NULL,
    reason        TEXT    NOT NULL
) STRICT;
CREATE TRIGGER acceptances_no_update BEFORE UPDATE ON acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only: revoke and accept again'); END;
CREATE TRIGGER acceptances_no_delete BEFORE DELETE ON acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only: revoke instead'); END;
CREATE TRIGGER acceptance_revocations_no_update BEFORE UPDATE ON acceptance_revocations
BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;
CREATE TRIGGER acceptance_revocations_no_delete BEFORE DELETE ON acceptance_revocations
BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;
-- Acceptances of a control find its findings by the resolved control id.
CREATE INDEX findings_mapped_control ON findings(mapped_control);
";

/// Schema 24: an acceptance may renew an earlier one (same scope), linked both ways in
/// listings; the earlier one keeps its own record and expiry.
pub(super) const SCHEMA_V24: &str = "
ALTER TABLE acceptances ADD COLUMN renews INTEGER REFERENCES acceptances(id);
CREATE INDEX acceptances_renews ON acceptances(renews) WHERE renews IS NOT NULL;
";

/// Acceptances expiring within this many days are flagged.
pub const EXPIRY_WARNING_DAYS: u32 = 14;

/// What an acceptance covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "scope", content = "target", rename_all = "snake_case")]
pub enum Scope {
    /// One finding, by its id.
    Finding(String),
    /// Every finding of a Security Hub control.
    Control(String),
    /// Every finding mapped to a requirement (`framework:requirement`).
    Requirement(String),
}

impl Scope {
    fn kind(&self) -> &'static str {
        match self {
            Scope::Finding(_) => "finding",
            Scope::Control(_) => "control",
            Scope::Requirement(_) => "requirement",
        }
    }

    fn target(&self) -> &str {
        match self {
            Scope::Finding(t) | Scope::Control(t) | Scope::Requirement(t) => t,
        }
    }
}

/// A new acceptance, as asked for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct NewAcceptance {
    pub scope: Scope,
    /// Only these accounts (empty: every account).
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Only these resource ids (empty: every resource).
    #[serde(default)]
    pub resources: Vec<String>,
    pub reason: String,
    pub owner: String,
    pub approver: String,
    /// When it stops applying (ms since epoch).
    #[ts(type = "number")]
    pub expires_at: i64,
    /// The acceptance this one renews (same scope; not revoked): the two are linked.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub renews: Option<i64>,
}

/// An acceptance as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Acceptance {
    #[ts(type = "number")]
    pub id: i64,
    pub scope: Scope,
    pub accounts: Vec<String>,
    pub resources: Vec<String>,
    pub reason: String,
    pub owner: String,
    pub approver: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub expires_at: String,
    /// `active`, `expired`, `revoked` or `pending` (created after the moment asked about).
    pub status: String,
    /// Whole days left until expiry, while active.
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// Active and expiring within [`EXPIRY_WARNING_DAYS`].
    pub expiring_soon: bool,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    /// Failing findings it covers now (while active).
    pub covers: u32,
    /// The acceptance this one renews, and the one that renews this one.
    #[ts(type = "number | null")]
    pub renews: Option<i64>,
    #[ts(type = "number | null")]
    pub renewed_by: Option<i64>,
    /// What the target is, in words: a control's or requirement's title from the catalog, a
    /// finding's title from the workspace (see [`name_targets`]); None until named, or when
    /// neither knows it.
    pub title: Option<String>,
}

/// Names what each acceptance covers (`Acceptance::title`), for people reading a list: a
/// control's title (its id matched as Security Hub does, ignoring case), a requirement's
/// title, a finding's own title.
pub fn name_targets(
    conn: &Connection,
    catalog: &crate::catalog::Catalog,
    list: &mut [Acceptance],
) -> Result<(), StoreError> {
    let mut finding_title =
        conn.prepare_cached("SELECT title FROM findings WHERE id = ?1 ORDER BY updated_at DESC LIMIT 1")?;
    for a in list.iter_mut() {
        a.title = match &a.scope {
            Scope::Control(id) => catalog
                .controls
                .get(id)
                .or_else(|| catalog.controls.values().find(|c| c.id.eq_ignore_ascii_case(id)))
                .map(|c| c.title.clone()),
            Scope::Requirement(target) => catalog.find_target(target).ok().map(|(_, r)| r.title.clone()),
            Scope::Finding(id) => {
                use rusqlite::OptionalExtension;
                finding_title.query_row([id], |r| r.get::<_, String>(0)).optional()?
            }
        };
    }
    Ok(())
}

/// The columns [`record_json`] reads.
pub(super) const RECORD_COLUMNS: &str =
    "id, scope, target, accounts, resources, reason, owner, approver, created_at, expires_at, renews";

/// An acceptance row as its audit entry records it: (id, details).
pub(super) fn record_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, serde_json::Value)> {
    let list = |i: usize| -> rusqlite::Result<serde_json::Value> {
        Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or(serde_json::Value::Null))
    };
    Ok((
        r.get(0)?,
        serde_json::json!({
            "scope": r.get::<_, String>(1)?,
            "target": r.get::<_, String>(2)?,
            "accounts": list(3)?,
            "resources": list(4)?,
            "reason": r.get::<_, String>(5)?,
            "owner": r.get::<_, String>(6)?,
            "approver": r.get::<_, String>(7)?,
            "created_at": r.get::<_, i64>(8)?,
            "expires_at": r.get::<_, i64>(9)?,
        }),
    ))
    .and_then(|(id, mut details)| {
        // A renewal says which acceptance it renews; an acceptance recorded before renewals
        // existed (or not renewing one) is recorded exactly as it always was.
        if let Some(old) = r.get::<_, Option<i64>>(10)? {
            details["renews"] = serde_json::json!(old);
        }
        Ok((id, details))
    })
}

/// Whether `s` is an AWS account id (12 digits).
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl Store {
    /// Records an acceptance after checking it: the reason, owner and approver are given
    /// and within their limits, as are who records it and the lists of accounts and
    /// resources (checked before anything is written: acceptances are append-only);
    /// the expiry is in the future and within `max_acceptance_days`; the finding, control
    /// or requirement exists (a manual requirement is attested, not accepted).
    pub fn accept(&mut self, catalog: &Catalog, a: &NewAcceptance, actor: &str, now: i64) -> Result<i64, StoreError> {
        for (field, v) in [("reason", &a.reason), ("owner", &a.owner), ("approver", &a.approver)] {
            if v.trim().is_empty() {
                return Err(StoreError::invalid(field, "required"));
            }
        }
        limits::check_text("reason", a.reason.trim(), limits::REASON_CHARS)?;
        for (field, v) in [("owner", a.owner.as_str()), ("approver", &a.approver), ("by", actor)] {
            limits::check_text(field, v.trim(), limits::PERSON_CHARS)?;
        }
        for (field, n) in [("accounts", a.accounts.len()), ("resources", a.resources.len())] {
            if n > limits::ACCEPTANCE_ITEMS {
                return Err(StoreError::invalid(
                    field,
                    format!("{n} entries; at most {} are allowed", limits::ACCEPTANCE_ITEMS),
                ));
            }
        }
        for r in &a.resources {
            limits::check_text("resources", r, limits::LONG_TEXT_CHARS)?;
        }
        let max = settings(self.conn())?.max_acceptance_days;
        if a.expires_at <= now {
            return Err(StoreError::invalid(
                "expires",
                format!("{} is not in the future", format_ts(a.expires_at)),
            ));
        }
        if a.expires_at - now > i64::from(max) * DAY_MS {
            return Err(StoreError::invalid(
                "expires",
                format!(
                    "{} is more than {max} days away (the workspace's maximum, setting max_acceptance_days)",
                    format_ts(a.expires_at)
                ),
            ));
        }
        for acct in &a.accounts {
            if !is_account_id(acct) {
                return Err(StoreError::invalid(
                    "accounts",
                    format!("{acct:?} is not a 12-digit AWS account id"),
                ));
            }
        }
        if a.resources.iter().any(|r| r.trim().is_empty()) {
            return Err(StoreError::invalid("resources", "an empty resource id"));
        }
        match &a.scope {
            Scope::Finding(id) => {
                let known: bool =
                    self.conn()
                        .query_row("SELECT EXISTS(SELECT 1 FROM findings WHERE id = ?1)", [id], |r| {
                            r.get(0)
                        })?;
                if !known {
                    return Err(StoreError::NotFound(format!("no finding has the id {id:?}")));
                }
            }
            Scope::Control(c) => {
                let seen: bool = self.conn().query_row(
                    "SELECT EXISTS(SELECT 1 FROM findings WHERE mapped_control = ?1)",
                    [c],
                    |r| r.get(0),
                )?;
                if !seen && !catalog.controls.contains_key(c) {
                    return Err(StoreError::NotFound(format!(
                        "{c:?} is neither a control of the catalog nor one any finding has"
                    )));
                }
            }
            Scope::Requirement(key) => {
                let (fw, req) = key.split_once(':').ok_or_else(|| {
                    StoreError::invalid("requirement", format!("{key:?} is not framework:requirement"))
                })?;
                let r = catalog
                    .framework(fw)
                    .and_then(|f| f.requirements.iter().find(|r| r.id == req))
                    .ok_or_else(|| StoreError::NotFound(format!("unknown requirement {key}")))?;
                if r.manual {
                    return Err(StoreError::invalid(
                        "requirement",
                        format!("{key} is judged by attestation only; attest it instead of accepting a risk"),
                    ));
                }
            }
        }
        if let Some(old) = a.renews {
            use rusqlite::OptionalExtension;
            let earlier: Option<(String, String, bool)> = self
                .conn()
                .query_row(
                    "SELECT a.scope, a.target, EXISTS(SELECT 1 FROM acceptance_revocations r WHERE r.acceptance_id = a.id)
                     FROM acceptances a WHERE a.id = ?1",
                    [old],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((scope, target, revoked)) = earlier else {
                return Err(StoreError::NotFound(format!("no risk acceptance no. {old} to renew")));
            };
            if revoked {
                return Err(StoreError::invalid(
                    "renews",
                    format!("acceptance no. {old} was revoked: record a new acceptance rather than renew it"),
                ));
            }
            if scope != a.scope.kind() || target != a.scope.target() {
                return Err(StoreError::invalid(
                    "renews",
                    format!("a renewal keeps the scope of acceptance no. {old} ({scope} {target})"),
                ));
            }
        }
        let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO acceptances(scope, target, accounts, resources, reason, owner, approver, created_at, expires_at, renews)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                a.scope.kind(),
                a.scope.target(),
                json(&a.accounts),
                json(&a.resources),
                a.reason.trim(),
                a.owner.trim(),
                a.approver.trim(),
                now,
                a.expires_at,
                a.renews
            ],
        )?;
        let id = tx.last_insert_rowid();
        let (_, details) = tx.query_row(
            &format!("SELECT {RECORD_COLUMNS} FROM acceptances WHERE id = ?1"),
            [id],
            record_json,
        )?;
        audit::append(
            &tx,
            now,
            actor,
            "acceptance.create",
            &format!("acceptance:{id}"),
            &details,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Revokes an acceptance: it stops applying at `now`.
    pub fn revoke(&mut self, id: i64, by: &str, reason: &str, now: i64) -> Result<(), StoreError> {
        if by.trim().is_empty() {
            return Err(StoreError::invalid("by", "required"));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::invalid("reason", "required"));
        }
        limits::check_text("by", by.trim(), limits::PERSON_CHARS)?;
        limits::check_text("reason", reason.trim(), limits::REASON_CHARS)?;
        let found: Option<(i64, Option<i64>)> = self
            .conn()
            .query_row(
                "SELECT a.expires_at, r.at FROM acceptances a
                 LEFT JOIN acceptance_revocations r ON r.acceptance_id = a.id WHERE a.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match found {
            None => return Err(StoreError::NotFound(format!("no acceptance has the id {id}"))),
            Some((_, Some(at))) => {
                return Err(StoreError::invalid(
                    "id",
                    format!("acceptance {id} was already revoked on {}", format_ts(at)),
                ))
            }
            Some(_) => {}
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO acceptance_revocations(acceptance_id, at, by, reason) VALUES (?1, ?2, ?3, ?4)",
            params![id, now, by.trim(), reason.trim()],
        )?;
        let details = serde_json::json!({"acceptance": id, "at": now, "by": by.trim(), "reason": reason.trim()});
        audit::append(
            &tx,
            now,
            by.trim(),
            "acceptance.revoke",
            &format!("acceptance:{id}"),
            &details,
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// A finding in an acceptance's scope: (fid, its control or "", the (framework,
/// requirement) pairs it is accepted for).
pub(crate) type ScopedFinding = (i64, String, Vec<(String, String)>);

/// An acceptance row: id, scope, target, accounts, resources, created, expires, revoked.
type AcceptanceRow = (i64, String, String, String, String, i64, i64, Option<i64>);

/// An acceptance's validity and the findings in its scope, whatever their state.
pub(crate) struct Scoped {
    pub id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub findings: Vec<ScopedFinding>,
}

impl Scoped {
    pub fn valid_at(&self, t: i64) -> bool {
        self.created_at <= t && t < self.expires_at && self.revoked_at.is_none_or(|r| r > t)
    }
}

/// Every acceptance (or only those valid at `valid_at`) with the findings in its scope.
pub(crate) fn scoped(conn: &Connection, valid_at: Option<i64>) -> Result<Vec<Scoped>, StoreError> {
    let list: Vec<AcceptanceRow> = {
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, a.scope, a.target, a.accounts, a.resources, a.created_at, a.expires_at, r.at
             FROM acceptances a LEFT JOIN acceptance_revocations r ON r.acceptance_id = a.id ORDER BY a.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut out = Vec::new();
    let mut sets: Option<HashMap<i64, Vec<(String, String)>>> = None;
    for (id, scope, target, accounts, resources, created_at, expires_at, revoked_at) in list {
        let mut a = Scoped {
            id,
            created_at,
            expires_at,
            revoked_at,
            findings: Vec::new(),
        };
        if valid_at.is_some_and(|t| !a.valid_at(t)) {
            continue;
        }
        if sets.is_none() {
            sets = Some(load_sets(conn)?);
        }
        let sets = sets.as_ref().expect("loaded above");
        let accounts: Vec<String> = serde_json::from_str(&accounts).unwrap_or_default();
        let resources: Vec<String> = serde_json::from_str(&resources).unwrap_or_default();
        let cols = "f.fid, f.account, coalesce(f.mapped_control, ''), f.req_set";
        let only: Option<(String, String)> = match scope.as_str() {
            "requirement" => match target.split_once(':') {
                Some((fw, req)) => Some((fw.to_string(), req.to_string())),
                None => continue,
            },
            _ => None,
        };
        let mut stmt = conn.prepare_cached(&match scope.as_str() {
            "finding" => format!("SELECT {cols} FROM findings f WHERE f.id = ?1"),
            "control" => format!("SELECT {cols} FROM findings f WHERE f.mapped_control = ?1"),
            _ => format!(
                "SELECT {cols} FROM finding_requirements fr JOIN findings f ON f.fid = fr.fid
                 WHERE fr.framework = ?1 AND fr.requirement = ?2"
            ),
        })?;
        let mut rows = match &only {
            None => stmt.query([&target])?,
            Some((fw, req)) => stmt.query(params![fw, req])?,
        };
        let mut on_resource = conn.prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM finding_resources r, json_each(?2) j WHERE r.fid = ?1 AND r.resource_id = j.value)",
        )?;
        let resource_list = serde_json::to_string(&resources).unwrap_or_default();
        while let Some(r) = rows.next()? {
            let (fid, account, control, set): (i64, String, String, Option<i64>) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            if !accounts.is_empty() && !accounts.contains(&account) {
                continue;
            }
            if !resources.is_empty() && !on_resource.query_row(params![fid, resource_list], |x| x.get::<_, bool>(0))? {
                continue;
            }
            let pairs = match &only {
                Some(p) => vec![p.clone()],
                None => set.and_then(|s| sets.get(&s)).cloned().unwrap_or_default(),
            };
            a.findings.push((fid, control, pairs));
        }
        out.push(a);
    }
    Ok(out)
}

/// What valid acceptances cover at a moment: failing findings, and where they count.
#[derive(Debug, Default, Clone)]
pub struct Coverage {
    /// Covered failing findings per (framework, requirement, control or "").
    pub by_requirement: HashMap<(String, String, String), u32>,
    /// The covered failing findings (fids), whichever requirement they were accepted for.
    pub findings: HashSet<i64>,
    /// (fid, framework, requirement) covered: a finding accepted for one requirement
    /// still fails its others.
    pub pairs: HashSet<(i64, String, String)>,
    /// Covered failing findings per acceptance id.
    pub per_acceptance: HashMap<i64, u32>,
    /// The covered failing findings (fids) of each acceptance: what "Covers N" lists.
    pub fids_of: HashMap<i64, Vec<i64>>,
    /// Each covered finding's control ("" for none), as `by_requirement` keys it.
    pub controls: HashMap<i64, String>,
}

impl Coverage {
    /// Covered failing findings per (framework, requirement, control) among `fids` only: an
    /// acceptance's effect on a part of the estate (an organizational unit's accounts).
    pub fn by_requirement_among(&self, fids: &HashSet<i64>) -> HashMap<(String, String, String), u32> {
        let mut out: HashMap<(String, String, String), u32> = HashMap::new();
        for (fid, fw, req) in self.pairs.iter().filter(|(fid, _, _)| fids.contains(fid)) {
            let control = self.controls.get(fid).cloned().unwrap_or_default();
            *out.entry((fw.clone(), req.clone(), control)).or_default() += 1;
        }
        out
    }
}

/// The failing findings that valid acceptances cover at `when`. Findings' states are
/// today's when `at` is None, else those at `at` (from the history).
pub fn coverage(conn: &Connection, when: i64, at: Option<i64>) -> Result<Coverage, StoreError> {
    let mut out = Coverage::default();
    let valid = scoped(conn, Some(when))?;
    if valid.is_empty() {
        return Ok(out);
    }
    let mut now_state =
        conn.prepare_cached("SELECT status = 'failed' AND record_state = 'active' FROM findings WHERE fid = ?1")?;
    let mut past_state = conn.prepare_cached(
        "SELECT status = 'failed' AND record_state = 'active' FROM finding_history
         WHERE fid = ?1 AND at <= ?2 ORDER BY at DESC, seq DESC LIMIT 1",
    )?;
    let mut failing: HashMap<i64, bool> = HashMap::new();
    for a in valid {
        let mut n = 0;
        for (fid, control, pairs) in a.findings {
            let is_failing = match failing.get(&fid) {
                Some(f) => *f,
                None => {
                    let f = match at {
                        None => now_state.query_row([fid], |x| x.get(0)).optional()?,
                        Some(t) => past_state.query_row(params![fid, t], |x| x.get(0)).optional()?,
                    }
                    .unwrap_or(false);
                    failing.insert(fid, f);
                    f
                }
            };
            if !is_failing {
                continue;
            }
            n += 1;
            out.fids_of.entry(a.id).or_default().push(fid);
            out.findings.insert(fid);
            out.controls.entry(fid).or_insert_with(|| control.clone());
            for (fw, req) in pairs {
                if out.pairs.insert((fid, fw.clone(), req.clone())) {
                    *out.by_requirement.entry((fw, req, control.clone())).or_default() += 1;
                }
            }
        }
        out.per_acceptance.insert(a.id, n);
    }
    Ok(out)
}

/// Every acceptance (or only those active and expiring within `expiring_days`), newest
/// first, with its status at `now` and how many failing findings it covers.
pub fn list(conn: &Connection, now: i64, expiring_days: Option<u32>) -> Result<Vec<Acceptance>, StoreError> {
    let cover = coverage(conn, now, None)?;
    let mut stmt = conn.prepare(
        "SELECT a.id, a.scope, a.target, a.accounts, a.resources, a.reason, a.owner, a.approver, a.created_at,
                a.expires_at, r.at, r.by, r.reason, a.renews,
                (SELECT max(n.id) FROM acceptances n WHERE n.renews = a.id)
         FROM acceptances a LEFT JOIN acceptance_revocations r ON r.acceptance_id = a.id
         ORDER BY a.created_at DESC, a.id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        let (id, scope, target): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
        let (created, expires, revoked): (i64, i64, Option<i64>) = (r.get(8)?, r.get(9)?, r.get(10)?);
        let status = if revoked.is_some_and(|t| t <= now) {
            "revoked"
        } else if created > now {
            "pending"
        } else if expires <= now {
            "expired"
        } else {
            "active"
        };
        let days_left = (status == "active").then(|| (expires - now) / DAY_MS);
        let renewed_by: Option<i64> = r.get(14)?;
        Ok(Acceptance {
            id,
            scope: match scope.as_str() {
                "finding" => Scope::Finding(target),
                "control" => Scope::Control(target),
                _ => Scope::Requirement(target),
            },
            accounts: list(r.get(3)?),
            resources: list(r.get(4)?),
            reason: r.get(5)?,
            owner: r.get(6)?,
            approver: r.get(7)?,
            created_at: format_ts(created),
            expires_at: format_ts(expires),
            status: status.to_string(),
            days_left,
            // A renewed acceptance carries on in its renewal: nothing to warn about.
            expiring_soon: status == "active"
                && renewed_by.is_none()
                && expires - now <= i64::from(EXPIRY_WARNING_DAYS) * DAY_MS,
            revoked_at: revoked.map(format_ts),
            revoked_by: r.get(11)?,
            revoke_reason: r.get(12)?,
            covers: cover.per_acceptance.get(&id).copied().unwrap_or(0),
            renews: r.get(13)?,
            renewed_by,
            title: None,
        })
    })?;
    let mut out: Vec<Acceptance> = rows.collect::<Result<_, _>>()?;
    if let Some(days) = expiring_days {
        out.retain(|a| {
            a.status == "active" && a.renewed_by.is_none() && a.days_left.is_some() && {
                // within `days` of expiry
                let left_ms = crate::time::parse_ts(&a.expires_at).unwrap_or(0) - now;
                left_ms <= i64::from(days) * DAY_MS
            }
        });
    }
    Ok(out)
}
