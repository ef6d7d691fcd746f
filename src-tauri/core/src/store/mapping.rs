//! Which requirements each finding bears on, as the current catalog says. Derived data:
//! rebuilt for every finding when the catalog changes (its fingerprint is stored), and for
//! new or updated findings after each import.

use std::collections::HashMap;

use rusqlite::params;

use super::{meta, Store, StoreError};
use crate::catalog::mapping::{FindingKey, Mapper};
use crate::catalog::Catalog;
use crate::model::Source;

/// Current counts per (framework, requirement, control) of active findings by verdict,
/// kept up to date by the mapping step so that today's posture is a small read. The row
/// ('', '', '') counts active findings no rule maps. `findings.counted` is the verdict a
/// finding currently contributes (0 none, 1 failed, 2 passed, 3 other).
pub(super) const SCHEMA_V8: &str = "
CREATE TABLE requirement_counts (
    framework   TEXT    NOT NULL,
    requirement TEXT    NOT NULL,
    control     TEXT    NOT NULL,
    failed      INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    other       INTEGER NOT NULL,
    PRIMARY KEY (framework, requirement, control)
) STRICT, WITHOUT ROWID;
ALTER TABLE findings ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
-- Rebuild everything on the next mapping pass.
DELETE FROM workspace_meta WHERE key = 'catalog_fingerprint';
";

pub(super) const SCHEMA_V3: &str = "
ALTER TABLE findings ADD COLUMN mapped_control TEXT;      -- the Security Hub control, legacy ids resolved
ALTER TABLE findings ADD COLUMN mapped INTEGER NOT NULL DEFAULT 0;  -- 1 once mapped with the current catalog
CREATE INDEX findings_unmapped ON findings(mapped) WHERE mapped = 0;

CREATE TABLE finding_requirements (
    fid         INTEGER NOT NULL REFERENCES findings(fid),
    framework   TEXT    NOT NULL,
    requirement TEXT    NOT NULL,
    rule_kind   TEXT    NOT NULL,   -- control | config_rule | inspector_type | type_prefix | product
    rule_value  TEXT    NOT NULL,
    via         TEXT,               -- the point of this requirement that matched, if inherited
    PRIMARY KEY (framework, requirement, fid)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_requirements_fid ON finding_requirements(fid);
";

/// The verdict a finding contributes to the counts: 0 none (archived), 1 failed, 2 passed, 3 other.
fn verdict_code(status: &str, record_state: &str) -> i64 {
    match (record_state, status) {
        ("active", "failed") => 1,
        ("active", "passed") => 2,
        ("active", _) => 3,
        _ => 0,
    }
}

/// Changes to `requirement_counts`, gathered in memory and written once per pass.
#[derive(Default)]
struct Deltas(HashMap<(String, String, String), [i64; 3]>);

impl Deltas {
    fn add(&mut self, key: (&str, &str, &str), verdict: i64, by: i64) {
        let slot = match verdict {
            1 => 0,
            2 => 1,
            _ => 2,
        };
        self.0
            .entry((key.0.to_string(), key.1.to_string(), key.2.to_string()))
            .or_default()[slot] += by;
    }

    fn apply(self, tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        let mut upsert = tx.prepare(
            "INSERT INTO requirement_counts(framework, requirement, control, failed, passed, other)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(framework, requirement, control) DO UPDATE SET
                 failed = failed + excluded.failed, passed = passed + excluded.passed, other = other + excluded.other",
        )?;
        for ((fw, req, ctl), d) in self.0 {
            if d != [0, 0, 0] {
                upsert.execute(params![fw, req, ctl, d[0], d[1], d[2]])?;
            }
        }
        tx.execute(
            "DELETE FROM requirement_counts WHERE failed = 0 AND passed = 0 AND other = 0",
            [],
        )?;
        Ok(())
    }
}

impl Store {
    /// Maps every finding not yet mapped with this catalog. Returns how many were mapped.
    pub fn ensure_mapped(&mut self, catalog: &Catalog) -> Result<u64, StoreError> {
        let stale = meta(self.conn(), "catalog_fingerprint")?.as_deref() != Some(catalog.fingerprint.as_str());
        let tx = self.conn_mut().transaction()?;
        if stale {
            tx.execute("DELETE FROM finding_requirements", [])?;
            tx.execute("DELETE FROM requirement_counts", [])?;
            tx.execute(
                "UPDATE findings SET mapped = 0, counted = 0 WHERE mapped <> 0 OR counted <> 0",
                [],
            )?;
            tx.execute(
                "INSERT INTO workspace_meta(key, value) VALUES ('catalog_fingerprint', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [&catalog.fingerprint],
            )?;
        }
        let mapper = Mapper::new(catalog);
        let mut deltas = Deltas::default();
        let mut n = 0;
        {
            let mut select = tx.prepare(
                "SELECT fid, source, product, control_id, standard, config_rule, types, status, record_state,
                        coalesce(mapped_control, ''), counted
                 FROM findings WHERE mapped = 0",
            )?;
            let mut old_rows = tx.prepare("SELECT framework, requirement FROM finding_requirements WHERE fid = ?1")?;
            let mut clear = tx.prepare("DELETE FROM finding_requirements WHERE fid = ?1")?;
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO finding_requirements(fid, framework, requirement, rule_kind, rule_value, via)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut done =
                tx.prepare("UPDATE findings SET mapped = 1, mapped_control = ?2, counted = ?3 WHERE fid = ?1")?;
            let mut rows = select.query([])?;
            while let Some(r) = rows.next()? {
                let fid: i64 = r.get(0)?;
                let source = Source::parse(&r.get::<_, String>(1)?).unwrap_or(Source::Securityhub);
                let product: String = r.get(2)?;
                let control_id: Option<String> = r.get(3)?;
                let standard: Option<String> = r.get(4)?;
                let config_rule: Option<String> = r.get(5)?;
                let types: Vec<String> = serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default();
                let key = FindingKey {
                    source,
                    product: &product,
                    control_id: control_id.as_deref(),
                    standard: standard.as_deref(),
                    config_rule: config_rule.as_deref(),
                    types: &types,
                };
                let (status, record_state): (String, String) = (r.get(7)?, r.get(8)?);
                let (old_control, old_counted): (String, i64) = (r.get(9)?, r.get(10)?);
                // Take back what the finding counted for before…
                if old_counted != 0 {
                    let old: Vec<(String, String)> = old_rows
                        .query_map([fid], |x| Ok((x.get(0)?, x.get(1)?)))?
                        .collect::<Result<_, _>>()?;
                    if old.is_empty() {
                        deltas.add(("", "", ""), old_counted, -1);
                    }
                    for (fw, req) in &old {
                        deltas.add((fw, req, &old_control), old_counted, -1);
                    }
                }
                clear.execute([fid])?;
                let matches = mapper.map(&key);
                for m in &matches {
                    let (kind, value) = m.rule.parts();
                    insert.execute(params![fid, m.framework, m.requirement, kind, value, m.via])?;
                }
                let control = mapper.resolve_control(&key);
                // …and count it as it is now.
                let counted = verdict_code(&status, &record_state);
                if counted != 0 {
                    let ctl = control.as_deref().unwrap_or("");
                    if matches.is_empty() {
                        deltas.add(("", "", ""), counted, 1);
                    }
                    for m in &matches {
                        deltas.add((&m.framework, &m.requirement, ctl), counted, 1);
                    }
                }
                done.execute(params![fid, control, counted])?;
                n += 1;
            }
        }
        deltas.apply(&tx)?;
        tx.commit()?;
        Ok(n)
    }
}
