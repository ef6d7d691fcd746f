//! Current findings and their append-only status history.
//!
//! Applying a finding version follows one rule: **the later `UpdatedAt` wins**, whatever
//! order files arrive in. A version older than the stored one does not touch the current
//! row, but if it shows a different state at its own time it is still written into the
//! history, so trends computed later see it.

use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;

use crate::catalog::mapping::FindingKey;
use crate::import::RawFormat;
use crate::model::Finding;
use crate::store::imports::ImportCounts;
use crate::store::mapping::{MapPass, Mapped};

/// Full-text index over titles, descriptions, resource ids and vulnerability ids
/// (contentless: the text lives in the tables above; rowid = findings.fid).
pub(super) const SCHEMA_V6: &str = "
CREATE VIRTUAL TABLE findings_fts USING fts5(
    title, description, resources, vulns,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO findings_fts(rowid, title, description, resources, vulns)
SELECT f.fid, f.title, f.description,
       coalesce((SELECT group_concat(resource_id, ' ') FROM finding_resources r WHERE r.fid = f.fid), ''),
       coalesce((SELECT group_concat(vuln_id, ' ') FROM finding_vulnerabilities v WHERE v.fid = f.fid), '')
FROM findings f;
";

/// A covering index for the Overview's counts. It also serves every filter that the
/// older (state, status, severity) and source indexes served, so those go: fewer indexes
/// to maintain on each import.
pub(super) const SCHEMA_V7: &str = "
CREATE INDEX findings_overview ON findings(record_state, status, severity, source, account);
DROP INDEX findings_state;
DROP INDEX findings_source;
";

/// Recomputes every history row's `flags` from the facts (see [`SCHEMA_V9`]).
macro_rules! relink_history_sql {
    () => {
        "
UPDATE finding_history SET flags = p.f
FROM (SELECT seq,
             (status = 'failed' AND record_state = 'active')
             | CASE WHEN lag(seq) OVER w IS NULL THEN 0
                    ELSE 2 | ((lag(status) OVER w = 'failed' AND lag(record_state) OVER w = 'active') << 2)
                           | ((lag(status) OVER w = 'passed') << 3)
               END AS f
      FROM finding_history WINDOW w AS (PARTITION BY fid ORDER BY at, seq)) AS p
WHERE p.seq = finding_history.seq AND finding_history.flags IS NOT p.f;
"
    };
}
pub(super) const RELINK_HISTORY: &str = relink_history_sql!();

/// Each history row also carries, in `flags`, what "what changed in a window" needs to
/// know about it and about the event just before it, so that query reads only the
/// window's rows in one small covering index:
/// 1 = failing (status failed, record active); 2 = an earlier event exists; 4 = the
/// earlier event was failing; 8 = the earlier event's status was passed.
/// `flags` is derived from the facts and is the only column an UPDATE may touch: an
/// older version imported late, between two events, re-links the event after it.
/// The explorer's default order (most severe first, then the latest update) walks this index
/// instead of sorting every active finding for each page: a page deep in 100k findings reads
/// only the index (whose entries end with the rowid, the order's last key: entries stay small,
/// so imports pay little for it). The expression must stay the explorer's severity rank
/// (`SEVERITY_RANK_SQL`, which the explorer's tests check against this index).
/// The NIST SP 800-53 ids AWS relates a finding's control to (JSON array; NULL for rows
/// written before they were kept: read from the raw JSON when the finding is next mapped).
pub(super) const SCHEMA_V17: &str = "
ALTER TABLE findings ADD COLUMN related_nist TEXT;
";

/// The requirements a scanner declares a check evidences (V23; JSON array of
/// `framework:requirement`; NULL for rows written before: read from the kept OCSF document
/// when the finding is next mapped, which the migration asks for those that can have any).
pub(super) const SCHEMA_V23: &str = "
ALTER TABLE findings ADD COLUMN declared TEXT;
UPDATE findings SET mapped = 0
 WHERE control_id IS NULL
   AND EXISTS (SELECT 1 FROM finding_raw r WHERE r.fid = findings.fid AND r.format = 'ocsf');
";

/// A finding is `(product_arn, id)`, as AWS defines it (V19): another product's finding
/// with the same `Id` is a different finding and can never replace this one. The column is
/// added here; [`identity_v19`] fills it from what each row's source said and rebuilds the
/// table so that `id` alone is no longer unique. The import report also counts the
/// findings refused for a time in the future.
pub(super) const SCHEMA_V19: &str = "
ALTER TABLE findings ADD COLUMN product_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN future INTEGER NOT NULL DEFAULT 0;
";

/// The findings table rebuilt with its identity (SQLite cannot drop a column's UNIQUE):
/// the steps SQLite documents for other kinds of table change, run with foreign keys off
/// and checked before the migration commits. Row ids (`fid`) are kept, so every table
/// that refers to a finding, and the search index, still do.
const REBUILD_V19: &str = "
CREATE TABLE findings_v19 (
    fid               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL,   -- the source's own id; unique with product_arn
    product_arn       TEXT    NOT NULL,   -- ASFF ProductArn (see model::Finding::product_arn)
    source            TEXT    NOT NULL,
    product           TEXT    NOT NULL,
    account           TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    control_id        TEXT,
    standard          TEXT,
    config_rule       TEXT,
    generator_id      TEXT,
    types             TEXT    NOT NULL,   -- JSON array of strings
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    severity          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    record_state      TEXT    NOT NULL,
    workflow_status   TEXT,
    remediation_text  TEXT,
    remediation_url   TEXT,
    first_observed_at INTEGER,
    last_observed_at  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    import_id         INTEGER REFERENCES imports(id),
    mapped_control    TEXT,
    mapped            INTEGER NOT NULL DEFAULT 0,
    counted           INTEGER NOT NULL DEFAULT 0,
    req_set           INTEGER REFERENCES requirement_sets(id),
    related_nist      TEXT                -- JSON array, see SCHEMA_V17
) STRICT;
INSERT INTO findings_v19(fid, id, product_arn, source, product, account, region, control_id, standard,
    config_rule, generator_id, types, title, description, severity, status, record_state, workflow_status,
    remediation_text, remediation_url, first_observed_at, last_observed_at, created_at, updated_at,
    import_id, mapped_control, mapped, counted, req_set, related_nist)
SELECT fid, id, product_arn, source, product, account, region, control_id, standard,
    config_rule, generator_id, types, title, description, severity, status, record_state, workflow_status,
    remediation_text, remediation_url, first_observed_at, last_observed_at, created_at, updated_at,
    import_id, mapped_control, mapped, counted, req_set, related_nist
FROM findings;
DROP TABLE findings;
ALTER TABLE findings_v19 RENAME TO findings;
CREATE UNIQUE INDEX findings_identity ON findings(id, product_arn);
CREATE INDEX findings_account ON findings(account);
CREATE INDEX findings_control ON findings(control_id);
CREATE INDEX findings_rule ON findings(config_rule);
CREATE INDEX findings_overview ON findings(record_state, status, severity, source, account);
CREATE INDEX findings_mapped_control ON findings(mapped_control);
CREATE INDEX findings_unmapped ON findings(mapped) WHERE mapped = 0;
CREATE INDEX findings_dims ON findings(req_set, mapped_control, account);
CREATE INDEX findings_explorer_default ON findings(
    record_state,
    (CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END),
    updated_at DESC
);
";

/// Fills `product_arn` for the rows of an earlier workspace the way the importers set it:
/// an ASFF finding's own `ProductArn` from its kept JSON; Inspector's and Config's from
/// the service, Region and partition. Then rebuilds the table (see [`REBUILD_V19`]).
pub(super) fn identity_v19(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    use crate::import::aws_product_arn;
    /// One row to fill: what decides its product.
    struct Old {
        fid: i64,
        id: String,
        source: String,
        region: String,
        format: Option<String>,
        raw: Option<Vec<u8>>,
        resource: Option<String>,
    }
    // In batches by row id, so that memory stays bounded by a batch of kept JSON.
    let mut read = tx.prepare(
        "SELECT f.fid, f.id, f.source, f.region, r.format, r.raw,
                (SELECT resource_id FROM finding_resources x WHERE x.fid = f.fid AND x.ord = 0)
         FROM findings f LEFT JOIN finding_raw r ON r.fid = f.fid
         WHERE f.fid > ?1 ORDER BY f.fid LIMIT 2000",
    )?;
    let mut set = tx.prepare("UPDATE findings SET product_arn = ?2 WHERE fid = ?1")?;
    let mut after = i64::MIN;
    loop {
        let batch: Vec<Old> = read
            .query_map([after], |r| {
                Ok(Old {
                    fid: r.get(0)?,
                    id: r.get(1)?,
                    source: r.get(2)?,
                    region: r.get(3)?,
                    format: r.get(4)?,
                    raw: r.get(5)?,
                    resource: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let Some(last) = batch.last() else { break };
        after = last.fid;
        for old in batch {
            let resource = old.resource.unwrap_or_default();
            let arn = match (old.format.as_deref(), old.source.as_str()) {
                (Some("asff"), _) => old
                    .raw
                    .and_then(|b| zstd::stream::decode_all(b.as_slice()).ok())
                    .and_then(|bytes| crate::import::asff::product_arn_of(&bytes))
                    .unwrap_or_default(),
                (Some("inspector2"), _) => aws_product_arn(&old.id, &old.region, "inspector"),
                (Some("inspector2-coverage"), _) => aws_product_arn(&resource, &old.region, "inspector"),
                (_, "config") => aws_product_arn(&resource, &old.region, "config"),
                _ => String::new(),
            };
            set.execute(params![old.fid, arn])?;
        }
    }
    drop((read, set));
    tx.execute_batch(REBUILD_V19)?;
    Ok(())
}

/// The import report also counts the findings read leniently: a value outside the
/// format's documented ones read as the nearest (`model::Finding::lenient`).
pub(super) const SCHEMA_V20: &str = "
ALTER TABLE imports ADD COLUMN lenient INTEGER NOT NULL DEFAULT 0;
";

/// A finding's raw documents, one per format (V21): a check both Security Hubs report is
/// one finding, and what each sent is kept (ASFF from CSPM, OCSF from the new one).
pub(super) const SCHEMA_V21: &str = "
CREATE TABLE finding_raw_v21 (
    fid    INTEGER NOT NULL REFERENCES findings(fid),
    format TEXT    NOT NULL,
    raw    BLOB    NOT NULL,   -- the source's JSON for the latest version in this format, zstd
    PRIMARY KEY (fid, format)
) STRICT;
INSERT INTO finding_raw_v21(fid, format, raw) SELECT fid, format, raw FROM finding_raw;
DROP TABLE finding_raw;
ALTER TABLE finding_raw_v21 RENAME TO finding_raw;
";

pub(super) const SCHEMA_V15: &str = "
CREATE INDEX findings_explorer_default ON findings(
    record_state,
    (CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END),
    updated_at DESC
);
";

pub(super) const SCHEMA_V9: &str = concat!(
    "
ALTER TABLE finding_history ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER finding_history_no_update;
CREATE TRIGGER finding_history_no_update
BEFORE UPDATE OF seq, fid, at, status, record_state, workflow_status, severity, import_id, recorded_at
ON finding_history
BEGIN SELECT RAISE(ABORT, 'finding_history is append-only'); END;
DROP INDEX finding_history_at;
CREATE INDEX finding_history_window ON finding_history(at, fid, flags);
-- A larger in-memory hash before the search index writes a segment: a big import
-- writes fewer, larger segments and merges them less (about 8% of an import's time).
INSERT INTO findings_fts(findings_fts, rank) VALUES ('hashsize', 67108864);
",
    relink_history_sql!()
);

/// History `flags` bits (see [`SCHEMA_V9`]).
pub mod flags {
    pub const FAILING: i64 = 1;
    pub const HAS_PREV: i64 = 2;
    pub const PREV_FAILING: i64 = 4;
    pub const PREV_PASSED: i64 = 8;
}

pub(super) const SCHEMA_V1: &str = "
CREATE TABLE findings (
    fid               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    source            TEXT    NOT NULL,
    product           TEXT    NOT NULL,
    account           TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    control_id        TEXT,
    standard          TEXT,
    config_rule       TEXT,
    generator_id      TEXT,
    types             TEXT    NOT NULL,  -- JSON array of strings
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    severity          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    record_state      TEXT    NOT NULL,
    workflow_status   TEXT,
    remediation_text  TEXT,
    remediation_url   TEXT,
    first_observed_at INTEGER,
    last_observed_at  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    import_id         INTEGER REFERENCES imports(id)
) STRICT;
CREATE INDEX findings_state   ON findings(record_state, status, severity);
CREATE INDEX findings_account ON findings(account);
CREATE INDEX findings_source  ON findings(source);
CREATE INDEX findings_control ON findings(control_id);
CREATE INDEX findings_rule    ON findings(config_rule);

CREATE TABLE finding_resources (
    fid         INTEGER NOT NULL REFERENCES findings(fid),
    ord         INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    resource_id TEXT    NOT NULL,
    region      TEXT,
    tags        TEXT    NOT NULL,  -- JSON array of [key, value] pairs
    PRIMARY KEY (fid, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_resources_id ON finding_resources(resource_id);

CREATE TABLE finding_vulnerabilities (
    fid               INTEGER NOT NULL REFERENCES findings(fid),
    ord               INTEGER NOT NULL,
    vuln_id           TEXT    NOT NULL,
    package           TEXT,
    installed_version TEXT,
    fixed_version     TEXT,
    cvss              REAL,
    fix_available     INTEGER,
    exploit_available INTEGER,
    PRIMARY KEY (fid, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_vulnerabilities_id ON finding_vulnerabilities(vuln_id);

-- The source's own JSON for the current version, zstd-compressed: nothing it said is lost.
CREATE TABLE finding_raw (
    fid    INTEGER PRIMARY KEY REFERENCES findings(fid),
    format TEXT NOT NULL,
    raw    BLOB NOT NULL
) STRICT;

-- Append-only: one row each time a finding's state (status, record state, workflow
-- status or severity) is seen to change, at the finding's own UpdatedAt.
CREATE TABLE finding_history (
    seq             INTEGER PRIMARY KEY,
    fid             INTEGER NOT NULL REFERENCES findings(fid),
    at              INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    record_state    TEXT    NOT NULL,
    workflow_status TEXT,
    severity        TEXT    NOT NULL,
    import_id       INTEGER REFERENCES imports(id),
    recorded_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX finding_history_fid_at ON finding_history(fid, at);
CREATE INDEX finding_history_at ON finding_history(at);
CREATE TRIGGER finding_history_no_update BEFORE UPDATE ON finding_history
BEGIN SELECT RAISE(ABORT, 'finding_history is append-only'); END;
CREATE TRIGGER finding_history_no_delete BEFORE DELETE ON finding_history
BEGIN SELECT RAISE(ABORT, 'finding_history is append-only'); END;
";

/// The part of a finding whose changes the history records.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HistState {
    status: String,
    record_state: String,
    workflow_status: Option<String>,
    severity: String,
}

impl HistState {
    fn failing(&self) -> bool {
        self.status == "failed" && self.record_state == "active"
    }

    /// The bits an event following this state carries about it.
    fn as_prev(&self) -> i64 {
        let mut b = flags::HAS_PREV;
        if self.failing() {
            b |= flags::PREV_FAILING;
        }
        if self.status == "passed" {
            b |= flags::PREV_PASSED;
        }
        b
    }

    fn of(f: &Finding) -> HistState {
        HistState {
            status: f.status.as_str().to_string(),
            record_state: f.record_state.as_str().to_string(),
            workflow_status: f.workflow_status.clone(),
            severity: f.severity.as_str().to_string(),
        }
    }

    fn from_row(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<HistState> {
        Ok(HistState {
            status: r.get(first)?,
            record_state: r.get(first + 1)?,
            workflow_status: r.get(first + 2)?,
            severity: r.get(first + 3)?,
        })
    }
}

/// Per-transaction context for applying findings.
pub(crate) struct Applier<'c> {
    pub(crate) import_id: i64,
    pub(crate) now: i64,
    /// Findings whose search entry must be (re)written: (fid, whether it had one before).
    pub(crate) reindex: Vec<(i64, bool)>,
    /// Maps each inserted or updated finding as it is applied, when the import was given
    /// the catalog (else they are left for [`crate::Store::ensure_mapped`]).
    pub(crate) mapping: Option<MapPass<'c>>,
    /// The account names findings of this call gave, as last noted (see `accounts`).
    pub(crate) named: HashMap<String, String>,
}

/// Writes the search entries of the findings an import call inserted or replaced, in
/// three statements. A finding first inserted by this call has no entry to delete, even
/// if a later file of the same call replaced it.
pub(crate) fn reindex(tx: &Transaction<'_>, pending: &[(i64, bool)]) -> rusqlite::Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS search_pending(fid INTEGER PRIMARY KEY, had_entry INTEGER NOT NULL);
         DELETE FROM temp.search_pending;",
    )?;
    {
        let mut ins =
            tx.prepare("INSERT INTO temp.search_pending(fid, had_entry) VALUES (?1, ?2) ON CONFLICT(fid) DO NOTHING")?;
        for (fid, had) in pending {
            ins.execute(params![fid, had])?;
        }
    }
    tx.execute_batch(
        "DELETE FROM findings_fts WHERE rowid IN (SELECT fid FROM temp.search_pending WHERE had_entry = 1);
         INSERT INTO findings_fts(rowid, title, description, resources, vulns)
         SELECT f.fid, f.title, f.description,
                coalesce((SELECT group_concat(resource_id, ' ') FROM finding_resources r WHERE r.fid = f.fid), ''),
                coalesce((SELECT group_concat(vuln_id, ' ') FROM finding_vulnerabilities v WHERE v.fid = f.fid), '')
         FROM temp.search_pending p JOIN findings f ON f.fid = p.fid;
         DELETE FROM temp.search_pending;",
    )
}

impl Applier<'_> {
    /// The finding's mapping, when this import maps as it goes.
    fn mapping_of(&mut self, tx: &Transaction<'_>, f: &Finding) -> rusqlite::Result<Option<Mapped>> {
        let Some(pass) = self.mapping.as_mut() else {
            return Ok(None);
        };
        let key = FindingKey {
            source: f.source,
            product: &f.product,
            control_id: f.control_id.as_deref(),
            standard: f.standard.as_deref(),
            config_rule: f.config_rule.as_deref(),
            types: &f.types,
            related_nist: &f.related_nist,
            declared: &f.declared,
        };
        pass.compute(tx, &key, f.status.as_str(), f.record_state.as_str())
            .map(Some)
    }

    fn record_mapping(
        &mut self,
        tx: &Transaction<'_>,
        fid: i64,
        m: Option<&Mapped>,
        old: (&str, i64),
        fresh: bool,
    ) -> rusqlite::Result<()> {
        match (self.mapping.as_mut(), m) {
            (Some(pass), Some(m)) => pass.record(tx, fid, m, old, fresh),
            _ => Ok(()),
        }
    }

    /// Applies one finding version read from a file or a sync page; `raw` is the
    /// source's JSON for it, zstd-compressed.
    pub(crate) fn apply(
        &mut self,
        tx: &Transaction<'_>,
        f: &Finding,
        raw: &[u8],
        format: RawFormat,
        counts: &mut ImportCounts,
    ) -> rusqlite::Result<()> {
        counts.findings += 1;
        let limit = self.now.saturating_add(crate::limits::FUTURE_ALLOWANCE_MS);
        let times = [
            Some(f.updated_at),
            Some(f.created_at),
            f.first_observed_at,
            f.last_observed_at,
        ];
        if times.into_iter().flatten().any(|t| t > limit) {
            counts.future += 1;
            return Ok(());
        }
        if f.lenient.is_some() {
            counts.lenient += 1;
        }
        if let Some(name) = &f.account_name {
            if self.named.get(&f.account) != Some(name) {
                super::accounts::note_name(tx, &f.account, name)?;
                self.named.insert(f.account.clone(), name.clone());
            }
        }
        type Current = (i64, i64, HistState, (String, i64));
        let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Current> {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                HistState::from_row(r, 2)?,
                (r.get::<_, String>(6)?, r.get::<_, i64>(7)?),
            ))
        };
        let mut current = tx
            .prepare_cached(
                "SELECT fid, updated_at, status, record_state, workflow_status, severity,
                        coalesce(mapped_control, ''), counted
                 FROM findings WHERE id = ?1 AND product_arn = ?2",
            )?
            .query_row([&f.id, &f.product_arn], read)
            .optional()?;
        // A Security Hub control's check reported by both Security Hubs is one finding: the
        // same control on the same resource in the same account, already stored from the
        // other format (CSPM's ASFF, the new one's OCSF), whatever id each gave it. The
        // resource drives the lookup (CROSS JOIN keeps it the outer loop): by control or
        // account it would read thousands of rows for each new finding of a large import.
        if current.is_none() && f.product_arn.ends_with("::product/aws/securityhub") {
            if let (Some(control), Some(resource)) = (f.control_id.as_deref(), f.resources.first()) {
                current = tx
                    .prepare_cached(TWIN_SQL)?
                    .query_row(
                        params![resource.id, f.account, f.product_arn, control, format.as_str()],
                        read,
                    )
                    .optional()?;
            }
        }
        let new_state = HistState::of(f);
        match current {
            None => {
                let m = self.mapping_of(tx, f)?;
                let fid = self.insert_row(tx, f, m.as_ref())?;
                self.write_children(tx, fid, f, raw, format, false)?;
                self.record_mapping(tx, fid, m.as_ref(), ("", 0), true)?;
                self.history(tx, fid, f.updated_at, &new_state, None)?;
                counts.inserted += 1;
                counts.history += 1;
            }
            Some((fid, stored_at, stored_state, (old_control, old_counted))) if f.updated_at > stored_at => {
                let m = self.mapping_of(tx, f)?;
                self.update_row(tx, fid, f, m.as_ref())?;
                self.write_children(tx, fid, f, raw, format, true)?;
                self.record_mapping(tx, fid, m.as_ref(), (&old_control, old_counted), false)?;
                if new_state != stored_state {
                    // The history ends at the stored state, so that is what came before.
                    self.history(tx, fid, f.updated_at, &new_state, Some(&stored_state))?;
                    counts.history += 1;
                }
                counts.updated += 1;
            }
            Some((fid, stored_at, _, _)) if f.updated_at == stored_at => {
                counts.unchanged += 1;
                keep_first_raw(tx, fid, raw, format)?;
            }
            Some((fid, stored_at, stored_state, _)) => {
                counts.stale += 1;
                counts.history += self.late_history(tx, fid, f.updated_at, &new_state, stored_at, &stored_state)?;
                keep_first_raw(tx, fid, raw, format)?;
            }
        }
        Ok(())
    }

    /// An older version arrived after a newer one. Records its state at its own time if
    /// that differs from what the history says held then; if nothing is recorded after
    /// it, also records the stored (newer) state again so the history ends where the
    /// current row is. Returns the number of events written.
    fn late_history(
        &mut self,
        tx: &Transaction<'_>,
        fid: i64,
        at: i64,
        state: &HistState,
        stored_at: i64,
        stored_state: &HistState,
    ) -> rusqlite::Result<u32> {
        let exact: bool = tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM finding_history WHERE fid = ?1 AND at = ?2)")?
            .query_row(params![fid, at], |r| r.get(0))?;
        if exact {
            return Ok(0);
        }
        let before = tx
            .prepare_cached(
                "SELECT status, record_state, workflow_status, severity FROM finding_history
                 WHERE fid = ?1 AND at < ?2 ORDER BY at DESC, seq DESC LIMIT 1",
            )?
            .query_row(params![fid, at], |r| HistState::from_row(r, 0))
            .optional()?;
        if before.as_ref() == Some(state) {
            return Ok(0);
        }
        self.history(tx, fid, at, state, before.as_ref())?;
        // The event after this one (if any) now follows it.
        let relinked = tx
            .prepare_cached(
                "UPDATE finding_history SET flags = (flags & 1) | ?3
                 WHERE seq = (SELECT seq FROM finding_history WHERE fid = ?1 AND at > ?2 ORDER BY at, seq LIMIT 1)",
            )?
            .execute(params![fid, at, state.as_prev()])?;
        if relinked == 0 && stored_state != state {
            self.history(tx, fid, stored_at, stored_state, Some(state))?;
            return Ok(2);
        }
        Ok(1)
    }

    /// Appends one event; `prev` is the state the history held just before it.
    fn history(
        &self,
        tx: &Transaction<'_>,
        fid: i64,
        at: i64,
        s: &HistState,
        prev: Option<&HistState>,
    ) -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT INTO finding_history(fid, at, status, record_state, workflow_status, severity, import_id,
                recorded_at, flags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            fid,
            at,
            s.status,
            s.record_state,
            s.workflow_status,
            s.severity,
            self.import_id,
            self.now,
            i64::from(s.failing()) | prev.map_or(0, HistState::as_prev)
        ])?;
        Ok(())
    }

    /// Inserts the row, with its mapping columns when `m` is given (else unmapped).
    fn insert_row(&self, tx: &Transaction<'_>, f: &Finding, m: Option<&Mapped>) -> rusqlite::Result<i64> {
        tx.prepare_cached(
            "INSERT INTO findings(id, source, product, account, region, control_id, standard, config_rule,
                generator_id, types, title, description, severity, status, record_state, workflow_status,
                remediation_text, remediation_url, first_observed_at, last_observed_at, created_at, updated_at,
                import_id, mapped, mapped_control, counted, req_set, related_nist, product_arn, declared)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
        )?
        .execute(params![
            f.id,
            f.source.as_str(),
            f.product,
            f.account,
            f.region,
            f.control_id,
            f.standard,
            f.config_rule,
            f.generator_id,
            types_json(&f.types),
            f.title,
            f.description,
            f.severity.as_str(),
            f.status.as_str(),
            f.record_state.as_str(),
            f.workflow_status,
            f.remediation_text,
            f.remediation_url,
            f.first_observed_at,
            f.last_observed_at,
            f.created_at,
            f.updated_at,
            self.import_id,
            m.is_some(),
            m.and_then(|m| m.control.as_deref()),
            m.map_or(0, |m| m.counted),
            m.and_then(|m| m.set),
            types_json(&f.related_nist),
            f.product_arn,
            types_json(&f.declared),
        ])?;
        Ok(tx.last_insert_rowid())
    }

    /// Updates the row. With `m` its mapping columns are set; without, it is marked
    /// unmapped and keeps what it counted for until it is mapped again.
    fn update_row(&self, tx: &Transaction<'_>, fid: i64, f: &Finding, m: Option<&Mapped>) -> rusqlite::Result<()> {
        // First sightings only move earlier and last sightings only later, whatever the
        // newer version says.
        tx.prepare_cached(
            "UPDATE findings SET source = ?2, product = ?3, account = ?4, region = ?5, control_id = ?6,
                standard = ?7, config_rule = ?8, generator_id = ?9, types = ?10, title = ?11, description = ?12,
                severity = ?13, status = ?14, record_state = ?15, workflow_status = ?16, remediation_text = ?17,
                remediation_url = ?18,
                first_observed_at = CASE WHEN first_observed_at IS NULL OR ?19 < first_observed_at
                                         THEN coalesce(?19, first_observed_at) ELSE first_observed_at END,
                last_observed_at = max(coalesce(last_observed_at, ?20), coalesce(?20, last_observed_at)),
                created_at = min(created_at, ?21), updated_at = ?22, import_id = ?23, mapped = ?24,
                mapped_control = CASE WHEN ?24 THEN ?25 ELSE mapped_control END,
                counted = CASE WHEN ?24 THEN ?26 ELSE counted END,
                req_set = CASE WHEN ?24 THEN ?27 ELSE req_set END,
                related_nist = ?28, declared = ?29
             WHERE fid = ?1",
        )?
        .execute(params![
            fid,
            f.source.as_str(),
            f.product,
            f.account,
            f.region,
            f.control_id,
            f.standard,
            f.config_rule,
            f.generator_id,
            types_json(&f.types),
            f.title,
            f.description,
            f.severity.as_str(),
            f.status.as_str(),
            f.record_state.as_str(),
            f.workflow_status,
            f.remediation_text,
            f.remediation_url,
            f.first_observed_at,
            f.last_observed_at,
            f.created_at,
            f.updated_at,
            self.import_id,
            m.is_some(),
            m.and_then(|m| m.control.as_deref()),
            m.map_or(0, |m| m.counted),
            m.and_then(|m| m.set),
            types_json(&f.related_nist),
            types_json(&f.declared),
        ])?;
        Ok(())
    }

    fn write_children(
        &mut self,
        tx: &Transaction<'_>,
        fid: i64,
        f: &Finding,
        raw: &[u8],
        format: RawFormat,
        replace: bool,
    ) -> rusqlite::Result<()> {
        // The search index is written once per import call (see `reindex`): FTS5 flushes
        // its pending terms at every statement's savepoint, so row-by-row indexing is slow.
        self.reindex.push((fid, replace));
        if replace {
            tx.prepare_cached("DELETE FROM finding_resources WHERE fid = ?1")?
                .execute([fid])?;
            tx.prepare_cached("DELETE FROM finding_vulnerabilities WHERE fid = ?1")?
                .execute([fid])?;
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO finding_resources(fid, ord, type, resource_id, region, tags) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (ord, r) in f.resources.iter().enumerate() {
                let tags = serde_json::to_string(&r.tags).unwrap_or_else(|_| "[]".into());
                stmt.execute(params![fid, ord as i64, r.kind, r.id, r.region, tags])?;
            }
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO finding_vulnerabilities(fid, ord, vuln_id, package, installed_version, fixed_version,
                    cvss, fix_available, exploit_available) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (ord, v) in f.vulnerabilities.iter().enumerate() {
                stmt.execute(params![
                    fid,
                    ord as i64,
                    v.id,
                    v.package,
                    v.installed_version,
                    v.fixed_version,
                    v.cvss,
                    v.fix_available,
                    v.exploit_available
                ])?;
            }
        }
        tx.prepare_cached("INSERT OR REPLACE INTO finding_raw(fid, format, raw) VALUES (?1, ?2, ?3)")?
            .execute(params![fid, format.as_str(), raw])?;
        Ok(())
    }
}

/// The stored finding a control's check from the other Security Hub joins (see
/// `Applier::apply`): on the resource's index first, whatever the statistics say.
const TWIN_SQL: &str = "SELECT f.fid, f.updated_at, f.status, f.record_state, f.workflow_status, f.severity,
        coalesce(f.mapped_control, ''), f.counted
 FROM finding_resources r CROSS JOIN findings f ON f.fid = r.fid
 WHERE r.resource_id = ?1 AND r.ord = 0 AND f.account = ?2 AND f.product_arn = ?3 AND f.control_id = ?4
   AND NOT EXISTS (SELECT 1 FROM finding_raw x WHERE x.fid = f.fid AND x.format = ?5)
 ORDER BY f.fid LIMIT 1";

/// Keeps a version's raw JSON when the finding has none in its format yet (the twin of a
/// finding the other Security Hub reported, arriving no newer): both documents are kept.
fn keep_first_raw(tx: &Transaction<'_>, fid: i64, raw: &[u8], format: RawFormat) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO finding_raw(fid, format, raw) VALUES (?1, ?2, ?3)")?
        .execute(params![fid, format.as_str(), raw])?;
    Ok(())
}

fn types_json(types: &[String]) -> String {
    serde_json::to_string(types).unwrap_or_else(|_| "[]".into())
}

/// A finding's kept JSON in `format`, decompressed, if there is one.
fn kept_raw(conn: &rusqlite::Connection, fid: i64, format: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    let blob: Option<Vec<u8>> = conn
        .query_row(
            "SELECT raw FROM finding_raw WHERE fid = ?1 AND format = ?2",
            params![fid, format],
            |r| r.get(0),
        )
        .optional()?;
    Ok(blob.and_then(|b| zstd::stream::decode_all(b.as_slice()).ok()))
}

/// The NIST SP 800-53 ids in a kept ASFF finding's `Compliance.RelatedRequirements`, for
/// rows written before `related_nist` was kept.
pub(super) fn related_nist_from_raw(conn: &rusqlite::Connection, fid: i64) -> rusqlite::Result<Vec<String>> {
    Ok(kept_raw(conn, fid, "asff")?
        .map(|bytes| crate::import::asff::related_nist_of(&bytes))
        .unwrap_or_default())
}

/// The requirements a kept OCSF document's scanner declares (`unmapped.compliance`), for
/// rows written before `declared` was kept.
pub(super) fn declared_from_raw(conn: &rusqlite::Connection, fid: i64) -> rusqlite::Result<Vec<String>> {
    Ok(kept_raw(conn, fid, "ocsf")?
        .map(|bytes| crate::import::ocsf::declared_of(&bytes))
        .unwrap_or_default())
}

/// The raw JSON documents kept for a finding (by row id), decompressed: one per format
/// its source sent it in, the most recently written first.
pub fn raw_json(conn: &rusqlite::Connection, fid: i64) -> rusqlite::Result<Vec<(String, String)>> {
    let rows: Vec<(String, Vec<u8>)> = conn
        .prepare_cached("SELECT format, raw FROM finding_raw WHERE fid = ?1 ORDER BY rowid DESC")?
        .query_map([fid], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(format, blob)| {
            let bytes = zstd::stream::decode_all(blob.as_slice())
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Blob, Box::new(e)))?;
            Ok((format, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Looking for a finding's twin reads the rows of its resource only: a plan that started
    /// from the control or the account made a 100,000-finding import quadratic.
    #[test]
    fn the_twin_lookup_starts_from_the_resource() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::Store::open(&dir.path().join("w.db")).expect("open");
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {TWIN_SQL}"))
            .expect("plan")
            .query_map(params!["r", "a", "p", "c", "ocsf"], |r| r.get::<_, String>(3))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("steps");
        assert!(plan[0].contains("finding_resources_id"), "{plan:#?}");
        assert!(plan.iter().all(|s| !s.starts_with("SCAN")), "{plan:#?}");
    }
}
