//! Security Hub's own definitions of its controls (`ListSecurityControlDefinitions`), kept
//! from the last sync: the title, severity and remediation link of a control the catalog
//! does not know, so that a finding mapped by reference still says what it checks.
//! Everything in it came from AWS: text, never markup.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::{Store, StoreError};

pub(super) const SCHEMA_V18: &str = "
CREATE TABLE control_definitions (
    id              TEXT    PRIMARY KEY,   -- SecurityControlId, as AWS spells it
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    severity        TEXT    NOT NULL,      -- SeverityRating: CRITICAL, HIGH, MEDIUM, LOW
    remediation_url TEXT,
    seen_at         INTEGER NOT NULL       -- ms: the sync that last listed it
) STRICT;
";

/// One control as Security Hub defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlDefinition {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: String,
    pub remediation_url: Option<String>,
}

impl Store {
    /// Stores one page of definitions (a later page replaces what an earlier sync said of
    /// the same control) and, in the same transaction, whatever `finish` records (the sync
    /// cursor). A control new here, or whose severity changed, changes how much it weighs
    /// in the score: the daily snapshots are then recomputed on their next refresh.
    pub fn save_control_definitions(
        &mut self,
        defs: &[ControlDefinition],
        now: i64,
        finish: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let tx = self.conn_mut().transaction()?;
        let mut reweighed = false;
        {
            let mut was = tx.prepare_cached("SELECT severity FROM control_definitions WHERE id = ?1")?;
            for d in defs {
                let before: Option<String> = was.query_row([&d.id], |r| r.get(0)).optional()?;
                reweighed |= before.as_deref() != Some(d.severity.as_str());
            }
        }
        if reweighed {
            tx.execute("DELETE FROM workspace_meta WHERE key = 'snapshots_fingerprint'", [])?;
        }
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO control_definitions(id, title, description, severity, remediation_url, seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET title = excluded.title, description = excluded.description,
                    severity = excluded.severity, remediation_url = excluded.remediation_url, seen_at = excluded.seen_at",
            )?;
            for d in defs {
                put.execute(params![
                    d.id,
                    d.title,
                    d.description,
                    d.severity,
                    d.remediation_url,
                    now
                ])?;
            }
        }
        finish(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

/// Every stored definition, by control id.
pub fn all(conn: &Connection) -> Result<HashMap<String, ControlDefinition>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, title, description, severity, remediation_url FROM control_definitions")?;
    let rows = stmt.query_map([], |r| {
        Ok(ControlDefinition {
            id: r.get(0)?,
            title: r.get(1)?,
            description: r.get(2)?,
            severity: r.get(3)?,
            remediation_url: r.get(4)?,
        })
    })?;
    let mut out = HashMap::new();
    for d in rows {
        let d = d?;
        out.insert(d.id.clone(), d);
    }
    Ok(out)
}
