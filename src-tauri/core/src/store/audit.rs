//! The audit trail: every acceptance, revocation, attestation, owner assignment and
//! settings change is appended here, in the same transaction as the change itself.
//! Entries are hash-chained: each records the SHA-256 of the previous entry, and its own
//! hash covers its content and that link. The newest entry's number and hash are also
//! kept in `workspace_meta`, so removing the newest entries is detected too. `verify`
//! recomputes the chain and compares each acceptance, revocation, attestation and owner
//! assignment with the entry that recorded it.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::StoreError;
use crate::time::format_ts;

pub(super) const SCHEMA_V11: &str = "
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,   -- ms since epoch
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,   -- acceptance.create | acceptance.revoke | attestation.create | setting.change | owner.assign
    subject   TEXT    NOT NULL,   -- what it is about, e.g. acceptance:3 or setting:sla_days
    details   TEXT    NOT NULL,   -- JSON: the record as written
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// The record as written (JSON text).
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over its fields and the previous entry's hash, as one
/// JSON array (a fixed, unambiguous encoding).
pub fn entry_hash(seq: i64, at: i64, actor: &str, action: &str, subject: &str, details: &str, prev: &str) -> String {
    let canonical = serde_json::json!([seq, at, actor, action, subject, details, prev]).to_string();
    format!("{:x}", Sha256::digest(canonical.as_bytes()))
}

/// Appends an entry inside `tx` (the transaction of the change it records).
pub(crate) fn append(
    tx: &Transaction<'_>,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<i64, StoreError> {
    let head: Option<(i64, String)> = tx
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (seq, prev) = match head {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let details = details.to_string();
    let hash = entry_hash(seq, at, actor, action, subject, &details, &prev);
    tx.execute(
        "INSERT INTO audit_log(seq, at, actor, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, subject, details, prev, hash],
    )?;
    tx.execute(
        "INSERT INTO workspace_meta(key, value) VALUES ('audit_head', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [format!("{seq} {hash}")],
    )?;
    Ok(seq)
}

/// The log, newest first (at most `limit` entries).
pub fn entries(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log
         ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: format_ts(r.get(1)?),
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            details: r.get(5)?,
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The result of `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u32,
    /// Empty when the log is intact; otherwise one line per problem, naming the entry.
    pub problems: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Recomputes the chain, checks it ends where the recorded head says, and checks that
/// every acceptance, revocation and attestation matches the entry that recorded it.
pub fn verify(conn: &Connection) -> Result<AuditReport, StoreError> {
    let mut problems = Vec::new();
    let mut stmt =
        conn.prepare("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let (mut expected_seq, mut prev_hash) = (1i64, GENESIS.to_string());
    let mut n = 0u32;
    let mut recorded: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        n += 1;
        let (seq, at): (i64, i64) = (r.get(0)?, r.get(1)?);
        let (actor, action, subject, details): (String, String, String, String) =
            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let (prev, hash): (String, String) = (r.get(6)?, r.get(7)?);
        if seq != expected_seq {
            let missing = if seq == expected_seq + 1 {
                format!("entry {expected_seq} is missing (deleted)")
            } else {
                format!("entries {expected_seq} to {} are missing (deleted)", seq - 1)
            };
            problems.push(missing);
        }
        if prev != prev_hash {
            problems.push(format!(
                "entry {seq} does not follow the entry before it (its previous-hash link is broken)"
            ));
        }
        if entry_hash(seq, at, &actor, &action, &subject, &details, &prev) != hash {
            problems.push(format!(
                "entry {seq} ({action} {subject}) was edited: its content does not match its hash"
            ));
        }
        if action.ends_with(".create") || action == "acceptance.revoke" || action == "owner.assign" {
            recorded.insert(format!("{action} {subject}"), details);
        }
        expected_seq = seq + 1;
        prev_hash = hash;
    }
    let head = super::meta(conn, "audit_head")?;
    let last = expected_seq - 1;
    match head.as_deref().and_then(|h| h.split_once(' ')) {
        Some((s, h)) => {
            let s: i64 = s.parse().unwrap_or(-1);
            if s != last || h != prev_hash {
                problems.push(if s > last {
                    format!(
                        "entries {} to {s} are missing (the newest entries were deleted)",
                        last + 1
                    )
                } else {
                    format!("the log's newest entry ({last}) is not the one recorded as newest ({s})")
                });
            }
        }
        None if n > 0 => problems.push("the record of the newest entry is missing".into()),
        None => {}
    }
    // The records themselves must equal what their entries recorded.
    for (key, current) in current_records(conn)? {
        match recorded.get(&key) {
            None => problems.push(format!("{key} has no audit entry")),
            Some(d) if !same_json(d, &current) => problems.push(format!("{key} was edited after it was recorded")),
            Some(_) => {}
        }
    }
    Ok(AuditReport { entries: n, problems })
}

fn same_json(a: &str, b: &serde_json::Value) -> bool {
    serde_json::from_str::<serde_json::Value>(a).is_ok_and(|v| &v == b)
}

/// Every audited record, keyed as its entry is (`action subject`), with its details.
fn current_records(conn: &Connection) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM acceptances",
        super::acceptances::RECORD_COLUMNS
    ))?;
    let rows = stmt.query_map([], super::acceptances::record_json)?;
    for r in rows {
        let (id, v) = r?;
        out.push((format!("acceptance.create acceptance:{id}"), v));
    }
    let mut stmt = conn.prepare("SELECT acceptance_id, at, by, reason FROM acceptance_revocations")?;
    let rows = stmt.query_map([], |r| {
        let id: i64 = r.get(0)?;
        Ok((
            id,
            serde_json::json!({"acceptance": id, "at": r.get::<_, i64>(1)?, "by": r.get::<_, String>(2)?,
                               "reason": r.get::<_, String>(3)?}),
        ))
    })?;
    for r in rows {
        let (id, v) = r?;
        out.push((format!("acceptance.revoke acceptance:{id}"), v));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM owner_assignments",
        super::owners::RECORD_COLUMNS
    ))?;
    let rows = stmt.query_map([], super::owners::record_json)?;
    for r in rows {
        let (id, v) = r?;
        out.push((format!("owner.assign owner:{id}"), v));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM attestations",
        super::attestations::RECORD_COLUMNS
    ))?;
    let rows = stmt.query_map([], super::attestations::record_json)?;
    for r in rows {
        let (id, v) = r?;
        out.push((format!("attestation.create attestation:{id}"), v));
    }
    Ok(out)
}

impl super::Store {
    /// Records that a catalog file was added to or removed from the workspace's catalog
    /// folder (`action` is `catalog.add` or `catalog.remove`): mappings, and so posture,
    /// change with it. `fingerprint` identifies the catalog in force afterwards.
    pub fn record_catalog_change(
        &mut self,
        action: &str,
        file: &str,
        fingerprint: &str,
        actor: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        if !matches!(action, "catalog.add" | "catalog.remove") {
            return Err(StoreError::invalid(
                "action",
                format!("{action:?} is not a catalog change"),
            ));
        }
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("by", "required"));
        }
        crate::limits::check_text("by", actor.trim(), crate::limits::PERSON_CHARS)?;
        let tx = self.conn_mut().transaction()?;
        let details = serde_json::json!({"file": file, "catalog_fingerprint": fingerprint});
        append(&tx, now, actor.trim(), action, &format!("catalog:{file}"), &details)?;
        tx.commit()?;
        Ok(())
    }
}
