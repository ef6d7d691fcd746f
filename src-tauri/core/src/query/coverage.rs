//! Catalog coverage against what a workspace actually holds: the Security Hub controls its
//! findings name, and those Security Hub itself lists (its control definitions), sorted by
//! how the catalog treats them.

use std::collections::BTreeSet;

use rusqlite::Connection;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::store::{definitions, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeenControls {
    /// Distinct controls the workspace's findings name (resolved: a legacy rule number
    /// counts as its Security Hub control).
    pub seen: usize,
    /// Of those, in the catalog (current controls).
    pub known: usize,
    /// Of those, retired controls the catalog still knows (old findings).
    pub retired: Vec<String>,
    /// Not in the catalog, mapped by reference through their NIST references.
    pub by_reference: Vec<String>,
    /// Not in the catalog and mapped to nothing (their findings name no NIST reference).
    pub unknown: Vec<String>,
    /// Controls Security Hub lists (from the last sync's definitions).
    pub listed_by_security_hub: usize,
    /// Of those, controls the catalog does not know.
    pub listed_not_in_catalog: Vec<String>,
}

/// How the catalog covers the controls seen in the workspace.
pub fn controls_seen(conn: &Connection, catalog: &Catalog) -> Result<SeenControls, StoreError> {
    let mut seen: Vec<(String, bool)> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT f.mapped_control,
                    max(EXISTS (SELECT 1 FROM finding_requirements fr WHERE fr.fid = f.fid AND fr.rule_kind = 'reference'))
             FROM findings f WHERE f.mapped_control IS NOT NULL AND f.mapped_control <> ''
             GROUP BY f.mapped_control ORDER BY f.mapped_control",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for r in rows {
            seen.push(r?);
        }
    }
    let mut out = SeenControls {
        seen: seen.len(),
        known: 0,
        retired: Vec::new(),
        by_reference: Vec::new(),
        unknown: Vec::new(),
        listed_by_security_hub: 0,
        listed_not_in_catalog: Vec::new(),
    };
    for (id, by_reference) in seen {
        match catalog.controls.get(&id) {
            Some(c) if c.retired.is_some() => out.retired.push(id),
            Some(_) => out.known += 1,
            None if by_reference => out.by_reference.push(id),
            None => out.unknown.push(id),
        }
    }
    let defs = definitions::all(conn)?;
    out.listed_by_security_hub = defs.len();
    let missing: BTreeSet<String> = defs
        .into_keys()
        .filter(|id| !catalog.controls.contains_key(id))
        .collect();
    out.listed_not_in_catalog = missing.into_iter().collect();
    Ok(out)
}
