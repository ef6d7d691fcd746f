//! Which requirements each finding bears on, as the current catalog says. Derived data:
//! rebuilt for every finding when the catalog changes (its fingerprint is stored), and for
//! new or updated findings after each import.

use rusqlite::params;

use super::{meta, Store, StoreError};
use crate::catalog::mapping::{FindingKey, Mapper};
use crate::catalog::{Catalog, Rule};
use crate::model::Source;

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

fn rule_parts(rule: &Rule) -> (&'static str, &str) {
    match rule {
        Rule::Control(v) => ("control", v),
        Rule::ConfigRule(v) => ("config_rule", v),
        Rule::InspectorType(v) => ("inspector_type", v),
        Rule::TypePrefix(v) => ("type_prefix", v),
        Rule::Product(v) => ("product", v),
    }
}

impl Store {
    /// Maps every finding not yet mapped with this catalog. Returns how many were mapped.
    pub fn ensure_mapped(&mut self, catalog: &Catalog) -> Result<u64, StoreError> {
        let stale = meta(self.conn(), "catalog_fingerprint")?.as_deref() != Some(catalog.fingerprint.as_str());
        let tx = self.conn_mut().transaction()?;
        if stale {
            tx.execute("DELETE FROM finding_requirements", [])?;
            tx.execute("UPDATE findings SET mapped = 0 WHERE mapped <> 0", [])?;
            tx.execute(
                "INSERT INTO workspace_meta(key, value) VALUES ('catalog_fingerprint', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [&catalog.fingerprint],
            )?;
        }
        let mapper = Mapper::new(catalog);
        let mut n = 0;
        {
            let mut select = tx.prepare(
                "SELECT fid, source, product, control_id, standard, config_rule, types FROM findings WHERE mapped = 0",
            )?;
            let mut clear = tx.prepare("DELETE FROM finding_requirements WHERE fid = ?1")?;
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO finding_requirements(fid, framework, requirement, rule_kind, rule_value, via)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut done = tx.prepare("UPDATE findings SET mapped = 1, mapped_control = ?2 WHERE fid = ?1")?;
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
                clear.execute([fid])?;
                for m in mapper.map(&key) {
                    let (kind, value) = rule_parts(&m.rule);
                    insert.execute(params![fid, m.framework, m.requirement, kind, value, m.via])?;
                }
                done.execute(params![fid, mapper.resolve_control(&key)])?;
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
    }
}
