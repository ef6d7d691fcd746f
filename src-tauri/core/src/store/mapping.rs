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

/// The distinct sets of requirements findings map to (a few hundred), so that grouping
/// many findings by requirement reads one small integer per finding instead of joining
/// `finding_requirements`. `requirements` holds `framework:requirement` lines, sorted.
pub(super) const SCHEMA_V10: &str = "
CREATE TABLE requirement_sets (
    id           INTEGER PRIMARY KEY,
    requirements TEXT NOT NULL UNIQUE
) STRICT;
ALTER TABLE findings ADD COLUMN req_set INTEGER REFERENCES requirement_sets(id);
CREATE INDEX findings_dims ON findings(req_set, mapped_control, account);
DELETE FROM workspace_meta WHERE key = 'catalog_fingerprint';
";

/// Findings mapped by reference (their control is not in the catalog; `rule_kind` is
/// `reference`), counted by posture.
pub(super) const SCHEMA_V17: &str = "
CREATE INDEX finding_requirements_by_reference ON finding_requirements(fid) WHERE rule_kind = 'reference';
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

/// The ids of requirement sets, cached for one mapping pass.
struct RequirementSets(HashMap<String, i64>);

impl RequirementSets {
    fn load(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<RequirementSets> {
        let mut stmt = tx.prepare("SELECT requirements, id FROM requirement_sets")?;
        let map = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(RequirementSets(map))
    }

    /// The set's id (created if new); `None` when nothing matched.
    fn id_of(
        &mut self,
        tx: &rusqlite::Transaction<'_>,
        matches: &[crate::catalog::mapping::Match],
    ) -> rusqlite::Result<Option<i64>> {
        if matches.is_empty() {
            return Ok(None);
        }
        let mut lines: Vec<String> = matches
            .iter()
            .map(|m| format!("{}:{}", m.framework, m.requirement))
            .collect();
        lines.sort();
        lines.dedup();
        let key = lines.join("\n");
        if let Some(id) = self.0.get(&key) {
            return Ok(Some(*id));
        }
        tx.prepare_cached("INSERT INTO requirement_sets(requirements) VALUES (?1)")?
            .execute([&key])?;
        let id = tx.last_insert_rowid();
        self.0.insert(key, id);
        Ok(Some(id))
    }
}

/// Every requirement set: id → its (framework, requirement) pairs.
pub(crate) fn load_sets(conn: &rusqlite::Connection) -> rusqlite::Result<HashMap<i64, Vec<(String, String)>>> {
    let mut stmt = conn.prepare_cached("SELECT id, requirements FROM requirement_sets")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, set_members(&r.get::<_, String>(1)?))))?;
    rows.collect()
}

/// Splits a requirement set's text into (framework, requirement) pairs.
pub(crate) fn set_members(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(f, r)| (f.to_string(), r.to_string()))
        .collect()
}

/// A finding's mapping: its requirements and the columns the findings row keeps of it.
pub(crate) struct Mapped {
    matches: Vec<crate::catalog::mapping::Match>,
    /// The Security Hub control (legacy ids resolved).
    pub(crate) control: Option<String>,
    /// The verdict it contributes to the counts (see `verdict_code`).
    pub(crate) counted: i64,
    pub(crate) set: Option<i64>,
}

/// One mapping pass inside a transaction: maps findings one by one (from
/// [`Store::ensure_mapped`] or as an import applies them) and writes the count changes
/// at the end.
pub(crate) struct MapPass<'c> {
    mapper: Mapper<'c>,
    deltas: Deltas,
    sets: RequirementSets,
}

impl<'c> MapPass<'c> {
    pub(crate) fn new(tx: &rusqlite::Transaction<'_>, catalog: &'c Catalog) -> rusqlite::Result<MapPass<'c>> {
        Ok(MapPass {
            mapper: Mapper::new(catalog),
            deltas: Deltas::default(),
            sets: RequirementSets::load(tx)?,
        })
    }

    /// What `key` maps to, with its verdict for the counts.
    pub(crate) fn compute(
        &mut self,
        tx: &rusqlite::Transaction<'_>,
        key: &FindingKey<'_>,
        status: &str,
        record_state: &str,
    ) -> rusqlite::Result<Mapped> {
        let matches = self.mapper.map(key);
        let set = self.sets.id_of(tx, &matches)?;
        Ok(Mapped {
            control: self.mapper.resolve_control(key),
            counted: verdict_code(status, record_state),
            set,
            matches,
        })
    }

    /// Writes a finding's requirements and its count changes: takes back what it counted
    /// for before (`old_control`, `old_counted` as stored) and counts it as it is now.
    /// `fresh`: the finding was just inserted (nothing to take back or clear). The caller
    /// stores `m`'s columns in the findings row.
    pub(crate) fn record(
        &mut self,
        tx: &rusqlite::Transaction<'_>,
        fid: i64,
        m: &Mapped,
        old: (&str, i64),
        fresh: bool,
    ) -> rusqlite::Result<()> {
        let (old_control, old_counted) = old;
        if !fresh {
            if old_counted != 0 {
                let old: Vec<(String, String)> = tx
                    .prepare_cached("SELECT framework, requirement FROM finding_requirements WHERE fid = ?1")?
                    .query_map([fid], |x| Ok((x.get(0)?, x.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                if old.is_empty() {
                    self.deltas.add(("", "", ""), old_counted, -1);
                }
                for (fw, req) in &old {
                    self.deltas.add((fw, req, old_control), old_counted, -1);
                }
            }
            tx.prepare_cached("DELETE FROM finding_requirements WHERE fid = ?1")?
                .execute([fid])?;
        }
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO finding_requirements(fid, framework, requirement, rule_kind, rule_value, via)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for x in &m.matches {
                let (kind, value) = x.rule.parts();
                insert.execute(params![fid, x.framework, x.requirement, kind, value, x.via])?;
            }
        }
        if m.counted != 0 {
            let ctl = m.control.as_deref().unwrap_or("");
            if m.matches.is_empty() {
                self.deltas.add(("", "", ""), m.counted, 1);
            }
            for x in &m.matches {
                self.deltas.add((&x.framework, &x.requirement, ctl), m.counted, 1);
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self, tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        self.deltas.apply(tx)
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
                "UPDATE findings SET mapped = 0, counted = 0, req_set = NULL
                 WHERE mapped <> 0 OR counted <> 0 OR req_set IS NOT NULL",
                [],
            )?;
            tx.execute("DELETE FROM requirement_sets", [])?;
            tx.execute(
                "INSERT INTO workspace_meta(key, value) VALUES ('catalog_fingerprint', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [&catalog.fingerprint],
            )?;
        }
        let mut pass = MapPass::new(&tx, catalog)?;
        let known: std::collections::HashSet<String> =
            catalog.controls.keys().map(|c| c.to_ascii_lowercase()).collect();
        let mut n = 0;
        {
            let mut select = tx.prepare(
                "SELECT fid, source, product, control_id, standard, config_rule, types, status, record_state,
                        coalesce(mapped_control, ''), counted, related_nist, declared
                 FROM findings WHERE mapped = 0",
            )?;
            let mut rows = select.query([])?;
            while let Some(r) = rows.next()? {
                let product: String = r.get(2)?;
                let control_id: Option<String> = r.get(3)?;
                let standard: Option<String> = r.get(4)?;
                let config_rule: Option<String> = r.get(5)?;
                let types: Vec<String> = serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default();
                let fid: i64 = r.get(0)?;
                // Lists kept since schemas 17 and 23; a row written before has NULL and gets
                // them from its raw JSON once, where they can matter: the NIST references of a
                // control the catalog does not know, a scanner's declarations when the finding
                // names no control.
                let unknown = control_id
                    .as_deref()
                    .is_some_and(|c| !known.contains(&c.to_ascii_lowercase()));
                let related_nist = kept_list(&tx, fid, r.get(11)?, "related_nist", || {
                    if unknown {
                        super::findings::related_nist_from_raw(&tx, fid)
                    } else {
                        Ok(Vec::new())
                    }
                })?;
                let declared = kept_list(&tx, fid, r.get(12)?, "declared", || {
                    if control_id.is_none() {
                        super::findings::declared_from_raw(&tx, fid)
                    } else {
                        Ok(Vec::new())
                    }
                })?;
                let key = FindingKey {
                    source: Source::parse(&r.get::<_, String>(1)?).unwrap_or(Source::Securityhub),
                    product: &product,
                    control_id: control_id.as_deref(),
                    standard: standard.as_deref(),
                    config_rule: config_rule.as_deref(),
                    types: &types,
                    related_nist: &related_nist,
                    declared: &declared,
                };
                let (status, record_state): (String, String) = (r.get(7)?, r.get(8)?);
                let (old_control, old_counted): (String, i64) = (r.get(9)?, r.get(10)?);
                let m = pass.compute(&tx, &key, &status, &record_state)?;
                pass.record(&tx, fid, &m, (&old_control, old_counted), false)?;
                tx.prepare_cached(
                    "UPDATE findings SET mapped = 1, mapped_control = ?2, counted = ?3, req_set = ?4 WHERE fid = ?1",
                )?
                .execute(params![fid, m.control, m.counted, m.set])?;
                n += 1;
            }
        }
        pass.finish(&tx)?;
        tx.commit()?;
        Ok(n)
    }
}

/// A finding's kept list (`related_nist`, `declared`: a JSON array), or for a row written
/// before the column existed (NULL), the list `from_raw` reads, written back so it is read once.
fn kept_list(
    tx: &rusqlite::Transaction<'_>,
    fid: i64,
    kept: Option<String>,
    column: &'static str,
    from_raw: impl FnOnce() -> rusqlite::Result<Vec<String>>,
) -> rusqlite::Result<Vec<String>> {
    if let Some(json) = kept {
        return Ok(serde_json::from_str(&json).unwrap_or_default());
    }
    let list = from_raw()?;
    tx.prepare_cached(&format!("UPDATE findings SET {column} = ?2 WHERE fid = ?1"))?
        .execute(params![
            fid,
            serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
        ])?;
    Ok(list)
}
