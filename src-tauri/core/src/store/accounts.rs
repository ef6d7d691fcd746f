//! What the workspace knows about accounts beyond their ids: a name and, from AWS
//! Organizations, the organizational unit each account sits in.
//!
//! Names come from two places: AWS Organizations (`ListAccounts`, saved by a sync with
//! [`Store::save_organization`]) and the findings themselves (ASFF `AwsAccountName`, OCSF
//! `cloud.account.name`, noted as they are imported). Organizations' name wins: a finding
//! never renames an account Organizations named. OUs come only from Organizations, as the
//! path from the root (`Root/Workloads/Prod`) and the ids along it, so that choosing an OU
//! takes in the OUs below it. An account that leaves the organisation keeps its name and
//! loses its OU at the next save. All of it is the current placement, not history: an
//! account moved to another OU counts there from then on, in past periods too.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use super::{Store, StoreError};
use crate::error::Invalid;

pub(super) const SCHEMA_V22: &str = "
CREATE TABLE accounts (
    account_id  TEXT PRIMARY KEY,
    name        TEXT,
    -- 'organizations' (ListAccounts) or 'findings' (AwsAccountName, cloud.account.name)
    name_source TEXT CHECK (name_source IN ('organizations', 'findings')),
    ou_id       TEXT REFERENCES org_units(id),   -- the OU (or root) it sits in
    listed_at   INTEGER                          -- when Organizations last listed it (ms)
) STRICT;
CREATE TABLE org_units (
    id        TEXT PRIMARY KEY,     -- ou-xxxx-yyyyyyyy, or the root's r-xxxx
    name      TEXT NOT NULL,
    parent_id TEXT,                 -- NULL for the root
    path      TEXT NOT NULL,        -- names from the root down, joined with '/'
    id_path   TEXT NOT NULL         -- ids from the root down, '/' before and after each
) STRICT;
CREATE INDEX accounts_ou ON accounts(ou_id);
";

/// An organizational unit (or the root) as Organizations describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnitEntry {
    pub id: String,
    pub name: String,
    /// `None` for the root.
    pub parent_id: Option<String>,
}

/// An account as Organizations lists it, with the OU (or root) it sits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccountEntry {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

/// What a sync read from AWS Organizations: every account and the OUs above them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Organization {
    pub units: Vec<OrgUnitEntry>,
    pub accounts: Vec<OrgAccountEntry>,
}

/// What saving an organisation changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgSaved {
    pub accounts: u32,
    pub units: u32,
}

/// An account as the workspace knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountInfo {
    pub id: String,
    pub name: Option<String>,
    /// `organizations` or `findings`.
    pub name_source: Option<String>,
    pub ou_id: Option<String>,
    /// Names from the root down (`Root/Workloads/Prod`).
    pub ou_path: Option<String>,
    /// Ids from the root down, each between slashes (`/r-ab12/ou-ab12-1111/`): whether it
    /// sits below an OU, whatever the OUs' names hold.
    #[serde(skip)]
    #[ts(skip)]
    pub ou_id_path: Option<String>,
}

impl AccountInfo {
    /// Whether it sits in OU `id` or below it.
    pub fn is_in(&self, unit: &str) -> bool {
        self.ou_id_path
            .as_deref()
            .is_some_and(|p| !unit.is_empty() && p.split('/').any(|id| id == unit))
    }
}

/// An organizational unit with the accounts in it and below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OrgUnit {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    /// Names from the root down (`Root/Workloads/Prod`).
    pub path: String,
    /// How many accounts sit in it or in an OU below it.
    pub accounts: u32,
}

impl Organization {
    /// Checks what Organizations sent before anything is written: ids and names within
    /// AWS's limits, every parent known, no cycle.
    fn paths(&self) -> Result<BTreeMap<String, (String, String)>, Invalid> {
        use crate::limits::{asff::ACCOUNT_NAME, check_text, NAME_CHARS, OU_NAME_CHARS};
        let by_id: HashMap<&str, &OrgUnitEntry> = self.units.iter().map(|u| (u.id.as_str(), u)).collect();
        for u in &self.units {
            check_text("organizational unit id", &u.id, NAME_CHARS)?;
            check_text("organizational unit name", &u.name, OU_NAME_CHARS)?;
        }
        for a in &self.accounts {
            crate::import::check_account("account id", &a.id).map_err(|m| Invalid::new("account", m))?;
            check_text("account name", &a.name, ACCOUNT_NAME)?;
            if !by_id.contains_key(a.parent_id.as_str()) {
                return Err(Invalid::new(
                    "account",
                    format!(
                        "account {} sits in {:?}, which Organizations did not describe",
                        a.id, a.parent_id
                    ),
                ));
            }
        }
        let mut out = BTreeMap::new();
        for u in &self.units {
            let (mut names, mut ids) = (Vec::new(), Vec::new());
            let mut at = Some(u);
            while let Some(unit) = at {
                if ids.len() > self.units.len() {
                    return Err(Invalid::new(
                        "organizational unit",
                        format!("{} is its own ancestor", u.id),
                    ));
                }
                names.push(unit.name.as_str());
                ids.push(unit.id.as_str());
                at = match unit.parent_id.as_deref() {
                    None => None,
                    Some(p) => Some(*by_id.get(p).ok_or_else(|| {
                        Invalid::new(
                            "organizational unit",
                            format!("{} sits in {p:?}, which Organizations did not describe", unit.id),
                        )
                    })?),
                };
            }
            names.reverse();
            ids.reverse();
            out.insert(u.id.clone(), (names.join("/"), format!("/{}/", ids.join("/"))));
        }
        Ok(out)
    }
}

impl Store {
    /// Saves what Organizations listed, in one transaction: each account's name and OU,
    /// and the OUs above them. Names from findings give way; an account no longer listed
    /// keeps its name and loses its OU.
    pub fn save_organization(&mut self, org: &Organization, now: i64) -> Result<OrgSaved, StoreError> {
        let paths = org.paths()?;
        let tx = self.conn_mut().transaction()?;
        save_organization_in(&tx, org, &paths, now)?;
        tx.commit()?;
        Ok(OrgSaved {
            accounts: org.accounts.len() as u32,
            units: org.units.len() as u32,
        })
    }
}

fn save_organization_in(
    tx: &Transaction<'_>,
    org: &Organization,
    paths: &BTreeMap<String, (String, String)>,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute("UPDATE accounts SET ou_id = NULL WHERE ou_id IS NOT NULL", [])?;
    tx.execute("DELETE FROM org_units", [])?;
    {
        let mut unit =
            tx.prepare("INSERT INTO org_units(id, name, parent_id, path, id_path) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for u in &org.units {
            let (path, id_path) = &paths[&u.id];
            unit.execute(params![u.id, u.name, u.parent_id, path, id_path])?;
        }
    }
    let mut account = tx.prepare(
        "INSERT INTO accounts(account_id, name, name_source, ou_id, listed_at)
         VALUES (?1, ?2, 'organizations', ?3, ?4)
         ON CONFLICT(account_id) DO UPDATE SET name = excluded.name, name_source = 'organizations',
             ou_id = excluded.ou_id, listed_at = excluded.listed_at",
    )?;
    for a in &org.accounts {
        account.execute(params![a.id, a.name, a.parent_id, now])?;
    }
    Ok(())
}

/// Notes the name a finding gives its account, unless Organizations named it.
pub(crate) fn note_name(tx: &Transaction<'_>, account: &str, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO accounts(account_id, name, name_source) VALUES (?1, ?2, 'findings')
         ON CONFLICT(account_id) DO UPDATE SET name = excluded.name, name_source = 'findings'
         WHERE accounts.name_source IS NOT 'organizations' AND accounts.name IS NOT excluded.name",
    )?
    .execute(params![account, name])?;
    Ok(())
}

/// The accounts the workspace can name and the organisation's OUs: what the window's
/// pickers and labels use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountsView {
    pub accounts: Vec<AccountInfo>,
    pub units: Vec<OrgUnit>,
}

/// [`accounts`] and [`org_units`] together.
pub fn accounts_view(conn: &Connection) -> Result<AccountsView, StoreError> {
    Ok(AccountsView {
        accounts: accounts(conn)?,
        units: org_units(conn)?,
    })
}

/// Every account the workspace knows a name or an OU for, by id.
pub fn accounts(conn: &Connection) -> Result<Vec<AccountInfo>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.account_id, a.name, a.name_source, a.ou_id, o.path, o.id_path
         FROM accounts a LEFT JOIN org_units o ON o.id = a.ou_id ORDER BY a.account_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(AccountInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            name_source: r.get(2)?,
            ou_id: r.get(3)?,
            ou_path: r.get(4)?,
            ou_id_path: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The accounts in organizational units `units` or below them; `None` (every account) when
/// `units` is empty.
pub fn accounts_in(conn: &Connection, units: &[String]) -> Result<Option<HashSet<String>>, StoreError> {
    if units.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        accounts(conn)?
            .into_iter()
            .filter(|a| units.iter().any(|u| a.is_in(u)))
            .map(|a| a.id)
            .collect(),
    ))
}

/// The findings (row ids) of the accounts in organizational units `units` or below them.
pub fn findings_in(conn: &Connection, units: &[String]) -> Result<HashSet<i64>, StoreError> {
    let fids = conn
        .prepare(&format!(
            "SELECT fid FROM findings WHERE account {}",
            in_units_sql(units.len())
        ))?
        .query_map(rusqlite::params_from_iter(units.iter()), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(fids)
}

/// Refuses, naming `field`, any of `units` the workspace knows no organizational unit by.
pub fn check_units(conn: &Connection, field: &str, units: &[String]) -> Result<(), StoreError> {
    for unit in units {
        ou_path(conn, field, unit)?;
    }
    Ok(())
}

/// The OUs (and the root) with the number of accounts in or below each, by path.
pub fn org_units(conn: &Connection) -> Result<Vec<OrgUnit>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.name, o.parent_id, o.path,
                (SELECT count(*) FROM accounts a JOIN org_units p ON p.id = a.ou_id
                 WHERE instr(p.id_path, o.id_path) = 1)
         FROM org_units o ORDER BY o.path, o.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OrgUnit {
            id: r.get(0)?,
            name: r.get(1)?,
            parent_id: r.get(2)?,
            path: r.get(3)?,
            accounts: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The path of OU `id`, or a refusal naming `field` when the workspace knows no such OU.
pub fn ou_path(conn: &Connection, field: &str, id: &str) -> Result<String, StoreError> {
    conn.prepare_cached("SELECT path FROM org_units WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            StoreError::invalid(
                field,
                format!(
                    "no organizational unit {:?} in this workspace (sync with Organizations access to learn them)",
                    crate::text::display(id)
                ),
            )
        })
}

/// `IN (…)` that holds for the accounts sitting in any of `n` OUs (each bound to a `?`) or
/// in an OU below one of them.
pub fn in_units_sql(n: usize) -> String {
    let any = vec!["instr(p.id_path, '/' || ? || '/') > 0"; n.max(1)].join(" OR ");
    format!("IN (SELECT a.account_id FROM accounts a JOIN org_units p ON p.id = a.ou_id WHERE {any})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("w.db")).unwrap();
        (dir, store)
    }

    fn org() -> Organization {
        let unit = |id: &str, name: &str, parent: Option<&str>| OrgUnitEntry {
            id: id.into(),
            name: name.into(),
            parent_id: parent.map(Into::into),
        };
        let account = |id: &str, name: &str, parent: &str| OrgAccountEntry {
            id: id.into(),
            name: name.into(),
            parent_id: parent.into(),
        };
        Organization {
            units: vec![
                unit("r-ab12", "Root", None),
                unit("ou-ab12-11111111", "Workloads", Some("r-ab12")),
                unit("ou-ab12-22222222", "Prod", Some("ou-ab12-11111111")),
                unit("ou-ab12-33333333", "Security", Some("r-ab12")),
            ],
            accounts: vec![
                account("111111111111", "payments-prod", "ou-ab12-22222222"),
                account("222222222222", "sandbox", "ou-ab12-11111111"),
                account("333333333333", "audit", "ou-ab12-33333333"),
                account("444444444444", "management", "r-ab12"),
            ],
        }
    }

    #[test]
    fn an_organisation_gives_names_paths_and_counts_below_each_unit() {
        let (_dir, mut store) = open();
        store.save_organization(&org(), 1).unwrap();
        let accounts = accounts(store.conn()).unwrap();
        let prod = accounts.iter().find(|a| a.id == "111111111111").unwrap();
        assert_eq!(prod.name.as_deref(), Some("payments-prod"));
        assert_eq!(prod.ou_path.as_deref(), Some("Root/Workloads/Prod"));
        let units = org_units(store.conn()).unwrap();
        let count = |path: &str| units.iter().find(|u| u.path == path).unwrap().accounts;
        assert_eq!(count("Root"), 4);
        assert_eq!(count("Root/Workloads"), 2);
        assert_eq!(count("Root/Workloads/Prod"), 1);
        assert_eq!(count("Root/Security"), 1);
    }

    #[test]
    fn a_finding_names_an_account_only_where_organizations_did_not() {
        let (_dir, mut store) = open();
        {
            let tx = store.conn_mut().transaction().unwrap();
            note_name(&tx, "111111111111", "from-a-finding").unwrap();
            note_name(&tx, "999999999999", "outside").unwrap();
            tx.commit().unwrap();
        }
        store.save_organization(&org(), 1).unwrap();
        let tx = store.conn_mut().transaction().unwrap();
        note_name(&tx, "111111111111", "renamed-by-a-finding").unwrap();
        tx.commit().unwrap();
        let all = accounts(store.conn()).unwrap();
        let name = |id: &str| all.iter().find(|a| a.id == id).unwrap().name.clone();
        assert_eq!(name("111111111111").as_deref(), Some("payments-prod"));
        assert_eq!(name("999999999999").as_deref(), Some("outside"));
    }

    #[test]
    fn an_account_that_left_keeps_its_name_and_loses_its_unit() {
        let (_dir, mut store) = open();
        store.save_organization(&org(), 1).unwrap();
        let mut smaller = org();
        smaller.accounts.retain(|a| a.id != "222222222222");
        store.save_organization(&smaller, 2).unwrap();
        let all = accounts(store.conn()).unwrap();
        let gone = all.iter().find(|a| a.id == "222222222222").unwrap();
        assert_eq!((gone.name.as_deref(), gone.ou_id.as_deref()), (Some("sandbox"), None));
    }

    #[test]
    fn an_owner_of_a_unit_owns_the_accounts_below_it_unless_one_is_assigned_nearer() {
        use crate::store::owners::{OwnerScope, Owners};
        let (_dir, mut store) = open();
        store.save_organization(&org(), 1).unwrap();
        store
            .assign_owner(OwnerScope::Unit, "ou-ab12-11111111", "workloads-team", "lead", 2)
            .unwrap();
        store
            .assign_owner(OwnerScope::Unit, "r-ab12", "cloud-office", "lead", 2)
            .unwrap();
        store
            .assign_owner(OwnerScope::Account, "222222222222", "sandbox-owner", "lead", 2)
            .unwrap();
        let owners = Owners::load(store.conn()).unwrap();
        // In Prod, below Workloads: the nearest OU with an owner.
        assert_eq!(owners.of("f", None, "111111111111"), Some("workloads-team"));
        // An account assignment is nearer than any OU.
        assert_eq!(owners.of("f", None, "222222222222"), Some("sandbox-owner"));
        // Security has no owner of its own: the root's.
        assert_eq!(owners.of("f", None, "333333333333"), Some("cloud-office"));
        // Outside the organisation: nobody.
        assert_eq!(owners.of("f", None, "999999999999"), None);
        let err = store
            .assign_owner(OwnerScope::Unit, "ou-ab12-99999999", "x", "lead", 3)
            .unwrap_err();
        assert_eq!(err.field(), Some("unit"), "{err}");
    }

    #[test]
    fn an_unknown_parent_or_a_cycle_is_refused_and_nothing_changes() {
        let (_dir, mut store) = open();
        store.save_organization(&org(), 1).unwrap();
        let mut orphan = org();
        orphan.accounts[0].parent_id = "ou-ab12-99999999".into();
        let err = store.save_organization(&orphan, 2).unwrap_err().to_string();
        assert!(err.contains("ou-ab12-99999999"), "{err}");
        let mut cycle = org();
        cycle.units[0].parent_id = Some("ou-ab12-22222222".into());
        let err = store.save_organization(&cycle, 2).unwrap_err().to_string();
        assert!(err.contains("own ancestor"), "{err}");
        assert_eq!(org_units(store.conn()).unwrap().len(), 4);
    }
}
