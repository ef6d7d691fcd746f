//! Remediation owners. An owner is assigned to one finding, to every finding of a control,
//! of an account, or of the accounts in an organizational unit (and the OUs below it); the
//! most specific assignment wins (finding, then control, then account, then the nearest OU
//! above the account). Assignments are append-only (the latest for a target is in
//! force; assigning an empty owner clears that level) and each is written to the audit
//! log in the same transaction.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{audit, Store, StoreError};

pub(super) const SCHEMA_V13: &str = "
CREATE TABLE owner_assignments (
    id          INTEGER PRIMARY KEY,
    scope       TEXT    NOT NULL CHECK (scope IN ('finding', 'control', 'account')),
    target      TEXT    NOT NULL,
    owner       TEXT    NOT NULL,   -- '' clears the assignment at this level
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT    NOT NULL
) STRICT;
CREATE INDEX owner_assignments_target ON owner_assignments(scope, target, assigned_at);
CREATE TRIGGER owner_assignments_no_update BEFORE UPDATE ON owner_assignments
BEGIN SELECT RAISE(ABORT, 'owner assignments are append-only: assign again'); END;
CREATE TRIGGER owner_assignments_no_delete BEFORE DELETE ON owner_assignments
BEGIN SELECT RAISE(ABORT, 'owner assignments are append-only: assign again'); END;
";

/// Schema 22 lets an owner be assigned to an organizational unit: the table is rebuilt
/// with the wider CHECK (SQLite cannot change one in place), its rows and ids kept.
pub(super) const SCHEMA_V22: &str = "
DROP TRIGGER owner_assignments_no_update;
DROP TRIGGER owner_assignments_no_delete;
DROP INDEX owner_assignments_target;
ALTER TABLE owner_assignments RENAME TO owner_assignments_v13;
CREATE TABLE owner_assignments (
    id          INTEGER PRIMARY KEY,
    scope       TEXT    NOT NULL CHECK (scope IN ('finding', 'control', 'account', 'unit')),
    target      TEXT    NOT NULL,
    owner       TEXT    NOT NULL,   -- '' clears the assignment at this level
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT    NOT NULL
) STRICT;
INSERT INTO owner_assignments(id, scope, target, owner, assigned_at, assigned_by)
    SELECT id, scope, target, owner, assigned_at, assigned_by FROM owner_assignments_v13;
DROP TABLE owner_assignments_v13;
CREATE INDEX owner_assignments_target ON owner_assignments(scope, target, assigned_at);
CREATE TRIGGER owner_assignments_no_update BEFORE UPDATE ON owner_assignments
BEGIN SELECT RAISE(ABORT, 'owner assignments are append-only: assign again'); END;
CREATE TRIGGER owner_assignments_no_delete BEFORE DELETE ON owner_assignments
BEGIN SELECT RAISE(ABORT, 'owner assignments are append-only: assign again'); END;
";

/// What an owner is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OwnerScope {
    Finding,
    Control,
    Account,
    /// An organizational unit (its id): the accounts in it and in the OUs below it.
    Unit,
}

impl OwnerScope {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerScope::Finding => "finding",
            OwnerScope::Control => "control",
            OwnerScope::Account => "account",
            OwnerScope::Unit => "unit",
        }
    }
}

/// The columns [`record_json`] reads.
pub(super) const RECORD_COLUMNS: &str = "id, scope, target, owner, assigned_at, assigned_by";

/// An assignment row as its audit entry records it: (id, details).
pub(super) fn record_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, serde_json::Value)> {
    Ok((
        r.get(0)?,
        serde_json::json!({
            "scope": r.get::<_, String>(1)?,
            "target": r.get::<_, String>(2)?,
            "owner": r.get::<_, String>(3)?,
            "at": r.get::<_, i64>(4)?,
            "by": r.get::<_, String>(5)?,
        }),
    ))
}

/// One assignment in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OwnerAssignment {
    pub scope: OwnerScope,
    pub target: String,
    pub owner: String,
}

/// The assignments in force: the latest per (scope, target), empty owners dropped; and each
/// account's OUs, nearest first, for assignments to an OU.
#[derive(Debug, Default, Clone)]
pub struct Owners(HashMap<(OwnerScope, String), String>, HashMap<String, Vec<String>>);

impl Owners {
    pub fn load(conn: &Connection) -> Result<Owners, StoreError> {
        let mut stmt =
            conn.prepare_cached("SELECT scope, target, owner FROM owner_assignments ORDER BY assigned_at, id")?;
        let mut map = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let scope = match r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)? {
                "finding" => OwnerScope::Finding,
                "control" => OwnerScope::Control,
                "unit" => OwnerScope::Unit,
                _ => OwnerScope::Account,
            };
            let (target, owner): (String, String) = (r.get(1)?, r.get(2)?);
            if owner.is_empty() {
                map.remove(&(scope, target));
            } else {
                map.insert((scope, target), owner);
            }
        }
        let mut units = HashMap::new();
        if map.keys().any(|(scope, _)| *scope == OwnerScope::Unit) {
            for a in super::accounts::accounts(conn)? {
                if let Some(path) = &a.ou_id_path {
                    let nearest_first: Vec<String> = path
                        .split('/')
                        .filter(|p| !p.is_empty())
                        .rev()
                        .map(str::to_string)
                        .collect();
                    units.insert(a.id, nearest_first);
                }
            }
        }
        Ok(Owners(map, units))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A SQL condition on a finding `f` (a row of `findings`) that holds when [`Owners::of`]
    /// gives it one of `wanted`, or, with `unowned`, no owner; and its parameters. The
    /// assignments in force are few, so they are written out as lists: a level applies when
    /// no more specific level is assigned (to anyone), exactly as `of` falls through.
    pub fn filter_sql(&self, wanted: &[String], unowned: bool) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut params = Vec::new();
        // `expr IN (…)` over `targets`, or a constant when there are none.
        let mut is_in = |expr: &str, targets: Vec<&str>, negate: bool| -> String {
            if targets.is_empty() {
                return if negate { "1" } else { "0" }.to_string();
            }
            let marks = vec!["?"; targets.len()].join(", ");
            params.extend(targets.into_iter().map(|t| Value::Text(t.to_string())));
            format!("{expr} {}IN ({marks})", if negate { "NOT " } else { "" })
        };
        let of = |scope: OwnerScope, want: Option<&[String]>| -> Vec<&str> {
            let mut v: Vec<&str> = self
                .0
                .iter()
                .filter(|((sc, _), owner)| *sc == scope && want.is_none_or(|w| w.contains(owner)))
                .map(|((_, target), _)| target.as_str())
                .collect();
            v.sort_unstable();
            v
        };
        // Accounts whose owner comes from their nearest assigned OU, and that owner.
        let by_unit: Vec<(&str, &str)> = {
            let mut v: Vec<(&str, &str)> = self
                .1
                .iter()
                .filter_map(|(account, units)| {
                    let owner = units.iter().find_map(|u| self.0.get(&(OwnerScope::Unit, u.clone())))?;
                    Some((account.as_str(), owner.as_str()))
                })
                .collect();
            v.sort_unstable();
            v
        };
        let unit_accounts = |want: Option<&[String]>| -> Vec<&str> {
            by_unit
                .iter()
                .filter(|(_, owner)| want.is_none_or(|w| w.iter().any(|x| x == owner)))
                .map(|(a, _)| *a)
                .collect()
        };
        const ID: &str = "f.id";
        const CONTROL: &str = "coalesce(f.mapped_control, f.control_id, '')";
        const ACCOUNT: &str = "f.account";
        let mut any = Vec::new();
        if !wanted.is_empty() {
            let w = Some(wanted);
            // Parameters bind in the order the conditions appear in the SQL, so build them so.
            let finding = is_in(ID, of(OwnerScope::Finding, w), false);
            let no_finding = is_in(ID, of(OwnerScope::Finding, None), true);
            let control = is_in(CONTROL, of(OwnerScope::Control, w), false);
            let no_control = is_in(CONTROL, of(OwnerScope::Control, None), true);
            let account = is_in(ACCOUNT, of(OwnerScope::Account, w), false);
            let no_account = is_in(ACCOUNT, of(OwnerScope::Account, None), true);
            let unit = is_in(ACCOUNT, unit_accounts(w), false);
            any.push(format!(
                "({finding} OR ({no_finding} AND ({control} OR ({no_control} AND ({account} OR ({no_account} AND {unit}))))))"
            ));
        }
        if unowned {
            let no_finding = is_in(ID, of(OwnerScope::Finding, None), true);
            let no_control = is_in(CONTROL, of(OwnerScope::Control, None), true);
            let no_account = is_in(ACCOUNT, of(OwnerScope::Account, None), true);
            let no_unit = is_in(ACCOUNT, unit_accounts(None), true);
            any.push(format!(
                "({no_finding} AND {no_control} AND {no_account} AND {no_unit})"
            ));
        }
        (format!("({})", any.join(" OR ")), params)
    }

    /// The assignments in force, by scope (accounts, controls, findings) then target.
    pub fn assignments(&self) -> Vec<OwnerAssignment> {
        let rank = |s: OwnerScope| match s {
            OwnerScope::Unit => 0,
            OwnerScope::Account => 1,
            OwnerScope::Control => 2,
            OwnerScope::Finding => 3,
        };
        let mut out: Vec<OwnerAssignment> = self
            .0
            .iter()
            .map(|((scope, target), owner)| OwnerAssignment {
                scope: *scope,
                target: target.clone(),
                owner: owner.clone(),
            })
            .collect();
        out.sort_by(|a, b| (rank(a.scope), &a.target).cmp(&(rank(b.scope), &b.target)));
        out
    }

    /// The owner of a finding: its own, else its control's, else its account's, else that
    /// of the nearest OU above its account.
    pub fn of(&self, finding_id: &str, control: Option<&str>, account: &str) -> Option<&str> {
        let get = |s: OwnerScope, t: &str| self.0.get(&(s, t.to_string())).map(String::as_str);
        get(OwnerScope::Finding, finding_id)
            .or_else(|| control.and_then(|c| get(OwnerScope::Control, c)))
            .or_else(|| get(OwnerScope::Account, account))
            .or_else(|| self.1.get(account)?.iter().find_map(|unit| get(OwnerScope::Unit, unit)))
    }
}

impl Store {
    /// Assigns (or, with an empty `owner`, clears) the owner of a finding, a control, an
    /// account or an OU. The finding and the OU must exist; an account id has 12 digits; a control id, the
    /// owner and who assigns are within their limits (checked before anything is written:
    /// assignments are append-only).
    pub fn assign_owner(
        &mut self,
        scope: OwnerScope,
        target: &str,
        owner: &str,
        by: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let target = target.trim();
        if target.is_empty() {
            return Err(StoreError::invalid(scope.as_str(), "required"));
        }
        if by.trim().is_empty() {
            return Err(StoreError::invalid("by", "required"));
        }
        crate::limits::check_text("owner", owner.trim(), crate::limits::PERSON_CHARS)?;
        crate::limits::check_text("by", by.trim(), crate::limits::PERSON_CHARS)?;
        crate::limits::check_text(scope.as_str(), target, crate::limits::NAME_CHARS)?;
        match scope {
            OwnerScope::Finding => {
                let known: bool =
                    self.conn()
                        .query_row("SELECT EXISTS(SELECT 1 FROM findings WHERE id = ?1)", [target], |r| {
                            r.get(0)
                        })?;
                if !known {
                    return Err(StoreError::NotFound(format!("no finding has the id {target:?}")));
                }
            }
            OwnerScope::Unit => {
                super::accounts::ou_path(self.conn(), "unit", target)?;
            }
            OwnerScope::Account if !super::acceptances::is_account_id(target) => {
                return Err(StoreError::invalid(
                    "account",
                    format!("{target:?} is not a 12-digit AWS account id"),
                ));
            }
            _ => {}
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO owner_assignments(scope, target, owner, assigned_at, assigned_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![scope.as_str(), target, owner.trim(), now, by.trim()],
        )?;
        let id = tx.last_insert_rowid();
        let (_, details) = tx.query_row(
            &format!("SELECT {RECORD_COLUMNS} FROM owner_assignments WHERE id = ?1"),
            [id],
            record_json,
        )?;
        audit::append(&tx, now, by.trim(), "owner.assign", &format!("owner:{id}"), &details)?;
        tx.commit()?;
        Ok(id)
    }
}
