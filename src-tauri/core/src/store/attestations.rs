//! Attestations: an officer's signed statement that a requirement no API can judge is
//! met. Append-only: a newer attestation supersedes an older one, nothing is edited.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::{Store, StoreError};
use crate::catalog::Catalog;
use crate::error::{Invalid, Refusal};
use crate::limits;
use crate::time::{format_ts, start_of_day_ms};

pub(super) const SCHEMA_V3: &str = "
CREATE TABLE attestations (
    id              INTEGER PRIMARY KEY,
    framework       TEXT    NOT NULL,
    requirement     TEXT    NOT NULL,
    attested_by     TEXT    NOT NULL,
    statement       TEXT    NOT NULL,
    attested_at     INTEGER NOT NULL,   -- ms since epoch
    expires_at      INTEGER,            -- ms since epoch; NULL = does not expire
    evidence_name   TEXT,               -- file name of the supporting evidence, if any
    evidence_sha256 TEXT                -- its SHA-256 (hex); the file itself is not stored
) STRICT;
CREATE INDEX attestations_requirement ON attestations(framework, requirement, attested_at);
CREATE TRIGGER attestations_no_update BEFORE UPDATE ON attestations
BEGIN SELECT RAISE(ABORT, 'attestations are append-only'); END;
CREATE TRIGGER attestations_no_delete BEFORE DELETE ON attestations
BEGIN SELECT RAISE(ABORT, 'attestations are append-only'); END;
";

/// A new attestation.
#[derive(Debug, Clone)]
pub struct NewAttestation {
    pub framework: String,
    pub requirement: String,
    pub by: String,
    pub statement: String,
    pub at: i64,
    pub expires_at: Option<i64>,
    pub evidence: Option<(String, String)>,
}

impl NewAttestation {
    /// An attestation asked for at `now`, checked: the requirement exists and takes
    /// attestations, who attests and what are given and within their limits
    /// ([`limits::PERSON_CHARS`], [`limits::STATEMENT_CHARS`]: the log is append-only, so
    /// nothing too long may reach it), and the expiry (the start of that day, UTC) is in the
    /// future. The same checks for the window and the command line.
    #[allow(clippy::too_many_arguments)]
    pub fn checked(
        catalog: &Catalog,
        framework: &str,
        requirement: &str,
        by: &str,
        statement: &str,
        expires: Option<chrono::NaiveDate>,
        evidence: Option<(String, String)>,
        now: i64,
    ) -> Result<NewAttestation, Refusal> {
        let r = catalog.find_requirement(framework, requirement)?;
        if r.attestation.is_none() {
            return Err(Invalid::new(
                "requirement",
                format!("{framework}:{requirement} is judged from AWS findings only; it takes no attestation"),
            )
            .into());
        }
        for (field, value) in [("by", by), ("statement", statement)] {
            if value.trim().is_empty() {
                return Err(Invalid::new(field, "required").into());
            }
        }
        limits::check_text("by", by.trim(), limits::PERSON_CHARS)?;
        limits::check_text("statement", statement.trim(), limits::STATEMENT_CHARS)?;
        let expires_at = expires.map(start_of_day_ms);
        if expires_at.is_some_and(|e| e <= now) {
            return Err(Invalid::new("expires", "The expiry date must be in the future.").into());
        }
        Ok(NewAttestation {
            framework: framework.to_string(),
            requirement: requirement.to_string(),
            by: by.trim().to_string(),
            statement: statement.trim().to_string(),
            at: now,
            expires_at,
            evidence,
        })
    }
}

/// A supporting document of an attestation: its file name and SHA-256 (hex), read from
/// `path` (the file itself is not stored). It must be a regular file of at most
/// [`limits::EVIDENCE_FILE_BYTES`]: a FIFO, a device such as `/dev/zero` or a directory is
/// refused at once, and a file that grows while it is read stops at the cap, so the
/// command always ends.
pub fn evidence_of(path: &std::path::Path) -> Result<(String, String), Invalid> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    limits::stream_regular_file(path, "an evidence file", limits::EVIDENCE_FILE_BYTES, |chunk| {
        hasher.update(chunk)
    })
    .map_err(|e| Invalid::new("evidence", e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, format!("{:x}", hasher.finalize())))
}

/// An attestation as shown with a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Attestation {
    pub id: i32,
    pub by: String,
    pub statement: String,
    /// RFC 3339, UTC.
    pub attested_at: String,
    pub expires_at: Option<String>,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
}

/// The columns [`record_json`] reads.
pub(super) const RECORD_COLUMNS: &str =
    "id, framework, requirement, attested_by, statement, attested_at, expires_at, evidence_name, evidence_sha256";

/// An attestation row as its audit entry records it: (id, details).
pub(super) fn record_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, serde_json::Value)> {
    Ok((
        r.get(0)?,
        serde_json::json!({
            "framework": r.get::<_, String>(1)?,
            "requirement": r.get::<_, String>(2)?,
            "by": r.get::<_, String>(3)?,
            "statement": r.get::<_, String>(4)?,
            "at": r.get::<_, i64>(5)?,
            "expires_at": r.get::<_, Option<i64>>(6)?,
            "evidence_name": r.get::<_, Option<String>>(7)?,
            "evidence_sha256": r.get::<_, Option<String>>(8)?,
        }),
    ))
}

/// Appends the audit entry of attestation `id` (written in `tx`).
pub(super) fn audit_attestation(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<(), StoreError> {
    let (id, details) = tx.query_row(
        &format!("SELECT {RECORD_COLUMNS} FROM attestations WHERE id = ?1"),
        [id],
        record_json,
    )?;
    let by = details["by"].as_str().unwrap_or_default().to_string();
    let at = details["at"].as_i64().unwrap_or_default();
    super::audit::append(
        tx,
        at,
        &by,
        "attestation.create",
        &format!("attestation:{id}"),
        &details,
    )?;
    Ok(())
}

impl Store {
    /// Records an attestation and its audit entry, in one transaction.
    pub fn attest(&mut self, a: &NewAttestation) -> Result<i64, StoreError> {
        let (name, sha) = match &a.evidence {
            Some((n, s)) => (Some(n.as_str()), Some(s.as_str())),
            None => (None, None),
        };
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO attestations(framework, requirement, attested_by, statement, attested_at, expires_at,
                evidence_name, evidence_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.framework,
                a.requirement,
                a.by,
                a.statement,
                a.at,
                a.expires_at,
                name,
                sha
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit_attestation(&tx, id)?;
        tx.commit()?;
        Ok(id)
    }
}

/// The attestation in force for a requirement at `at` (the latest made on or before it),
/// whether or not it has expired by then.
pub fn latest(
    conn: &Connection,
    framework: &str,
    requirement: &str,
    at: i64,
) -> Result<Option<(Attestation, Option<i64>)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, attested_by, statement, attested_at, expires_at, evidence_name, evidence_sha256
             FROM attestations WHERE framework = ?1 AND requirement = ?2 AND attested_at <= ?3
             ORDER BY attested_at DESC, id DESC LIMIT 1",
            params![framework, requirement, at],
            |r| {
                let expires: Option<i64> = r.get(4)?;
                Ok((
                    Attestation {
                        id: r.get(0)?,
                        by: r.get(1)?,
                        statement: r.get(2)?,
                        attested_at: format_ts(r.get(3)?),
                        expires_at: expires.map(format_ts),
                        evidence_name: r.get(5)?,
                        evidence_sha256: r.get(6)?,
                    },
                    expires,
                ))
            },
        )
        .optional()?)
}
