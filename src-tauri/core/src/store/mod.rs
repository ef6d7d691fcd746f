//! The SQLite store: one file per workspace, schema migrations, connection setup, and the
//! rule that a database written by a newer Rampart is refused rather than damaged.
//!
//! One writer ([`Store`]); readers open their own read-only connections ([`open_reader`]).

pub mod acceptances;
pub mod accounts;
pub mod attestations;
pub mod audit;
pub mod definitions;
pub mod findings;
pub mod imports;
pub mod mapping;
pub mod owners;
pub mod settings;
pub mod snapshots;
pub mod sync_state;

use std::path::{Path, PathBuf};

use std::sync::LazyLock;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

use crate::error::ErrorCode;

/// Everything that can go wrong opening or using the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database {path} was written by a newer version of Rampart (schema {found}, this build knows up to {known}); upgrade Rampart to open it")]
    NewerSchema { path: PathBuf, found: i64, known: i64 },
    #[error("cannot open the database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("cannot create the folder for {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a Rampart database ({reason})")]
    NotRampart { path: PathBuf, reason: String },
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A request with a bad value: names the field and what is wrong with it.
    #[error(transparent)]
    Invalid(#[from] crate::error::Invalid),
    /// A stored setting whose text cannot be read (written by hand or damaged).
    #[error("the workspace setting {key} holds {value:?}, which is not a valid value; set it again with `rampart settings set`")]
    Setting { key: String, value: String },
    /// A request about something that does not exist.
    #[error("{0}")]
    NotFound(String),
}

impl From<crate::error::NotFound> for StoreError {
    fn from(e: crate::error::NotFound) -> StoreError {
        StoreError::NotFound(e.0)
    }
}

impl From<crate::error::Refusal> for StoreError {
    fn from(e: crate::error::Refusal) -> StoreError {
        match e {
            crate::error::Refusal::Invalid(i) => i.into(),
            crate::error::Refusal::NotFound(n) => n.into(),
        }
    }
}

impl StoreError {
    /// A refused request: `field` is the request field it is about.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> StoreError {
        StoreError::Invalid(crate::error::Invalid::new(field, message))
    }

    /// The stable code for the IPC boundary and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::NewerSchema { .. } => ErrorCode::NewerSchema,
            StoreError::NotRampart { .. } => ErrorCode::NotRampart,
            StoreError::Invalid(_) => ErrorCode::BadRequest,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            _ => ErrorCode::DbError,
        }
    }

    /// For [`StoreError::Invalid`], the request field it is about.
    pub fn field(&self) -> Option<&str> {
        match self {
            StoreError::Invalid(i) => Some(&i.field),
            _ => None,
        }
    }
}

/// `workspace_meta`: the workspace's own key/value facts (settings, the audit chain's head,
/// the demo mark). Part of schema version 1.
const META_V1: &str = "
CREATE TABLE workspace_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
";

/// The schema, one entry per version in order: its length is the schema version. Each
/// table's DDL lives beside the code that writes it.
const MIGRATIONS: &[&[&str]] = &[
    &[META_V1, imports::SCHEMA_V1],
    &[findings::SCHEMA_V1],
    &[mapping::SCHEMA_V3],
    &[attestations::SCHEMA_V3],
    &[snapshots::SCHEMA_V5],
    &[findings::SCHEMA_V6],
    &[findings::SCHEMA_V7],
    &[mapping::SCHEMA_V8],
    &[findings::SCHEMA_V9],
    &[mapping::SCHEMA_V10],
    &[audit::SCHEMA_V11],
    &[acceptances::SCHEMA_V12],
    &[owners::SCHEMA_V13],
    &[sync_state::SCHEMA_V14],
    &[findings::SCHEMA_V15],
    &[snapshots::SCHEMA_V16],
    &[findings::SCHEMA_V17, mapping::SCHEMA_V17],
    &[definitions::SCHEMA_V18],
    &[findings::SCHEMA_V19],
    &[findings::SCHEMA_V20],
    &[findings::SCHEMA_V21],
    &[accounts::SCHEMA_V22, owners::SCHEMA_V22],
    &[findings::SCHEMA_V23],
    &[acceptances::SCHEMA_V24],
];

fn migrations() -> Migrations<'static> {
    static STEPS: LazyLock<Vec<String>> = LazyLock::new(|| MIGRATIONS.iter().map(|parts| parts.concat()).collect());
    Migrations::new(
        STEPS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i + 1 {
                // Rebuilds the findings table: foreign keys are checked before it commits.
                19 => M::up_with_hook(sql, findings::identity_v19).foreign_key_check(),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // The window and the command line may write to one workspace at once; a long import
    // holds the write lock for seconds.
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

fn check_not_newer(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let found = user_version(conn).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => StoreError::NotRampart {
            path: path.to_path_buf(),
            reason: "the file is not an SQLite database".into(),
        },
        other => StoreError::Open {
            path: path.to_path_buf(),
            source: other,
        },
    })?;
    if found > schema_version() {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: schema_version(),
        });
    }
    Ok(found)
}

/// The single writer connection to a workspace database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// New files and their folder are made readable by their owner only.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_as(path, true)
    }

    /// Opens a workspace that must already exist, for what only reads it (the CLI's reading
    /// commands, the window's "Open another workspace"): never creates a file, and never
    /// writes Rampart's schema into one that is not yet a workspace (an empty file, another
    /// program's database). An older workspace is brought up to date, as any opening does.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        Store::open_as(path, false)
    }

    /// [`Store::open`] when `create`, else [`Store::open_existing`].
    fn open_as(path: &Path, create: bool) -> Result<Store, StoreError> {
        if create {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.exists() {
                    create_private_dir(dir).map_err(|source| StoreError::Folder {
                        path: path.to_path_buf(),
                        source,
                    })?;
                }
            }
            if !path.exists() {
                create_private_file(path).map_err(|source| StoreError::Folder {
                    path: path.to_path_buf(),
                    source,
                })?;
            }
        }
        // The default flags less CREATE: the file was made above (private), or must exist.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if !create && f.code == rusqlite::ErrorCode::CannotOpen => {
                StoreError::NotFound(format!("no workspace at {}", path.display()))
            }
            source => StoreError::Open {
                path: path.to_path_buf(),
                source,
            },
        })?;
        configure(&conn)?;
        let found = check_not_newer(&conn, path)?;
        if found == 0 && !create {
            let empty = std::fs::metadata(path).is_ok_and(|m| m.len() == 0);
            return Err(StoreError::NotRampart {
                path: path.to_path_buf(),
                reason: if empty {
                    "the file is empty: not yet a workspace, and only reading commands were asked for".into()
                } else {
                    "it holds no Rampart workspace".into()
                },
            });
        }
        if found == 0 {
            // A fresh file, or some other SQLite database: refuse to write our tables
            // into a database that already holds tables of its own.
            let tables: i64 = conn.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(StoreError::NotRampart {
                    path: path.to_path_buf(),
                    reason: "it already holds tables that Rampart did not create".into(),
                });
            }
            // Findings rows run to a few kB (descriptions): with 4 kB pages each takes a
            // page of its own and half of it is wasted; 8 kB pages pack them. Only takes
            // effect on an empty file, before the first table.
            conn.pragma_update(None, "page_size", 8192)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 64 MiB of page cache for the writer: imports touch many index pages.
        conn.pragma_update(None, "cache_size", -65536)?;
        // A migration that rebuilds a table needs foreign keys off (they are a no-op to
        // switch inside its transaction); it checks them itself before committing.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = migrations().to_latest(&mut conn);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrated?;
        // Write transactions take the write lock when they begin: a deferred one that
        // reads first and then writes would fail at once (SQLITE_BUSY, no waiting) if
        // another process wrote in between, as the window and the CLI may.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.audit_earlier_attestations()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access through the writer connection (the CLI uses one connection for both).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Attestations made before the audit log existed (schema 10 and older) get their
    /// entries once, in the order they were made.
    fn audit_earlier_attestations(&mut self) -> Result<(), StoreError> {
        let pending: Vec<i64> = {
            let mut stmt = self.conn.prepare(
                "SELECT id FROM attestations a WHERE NOT EXISTS (SELECT 1 FROM audit_log)
                 ORDER BY attested_at, id",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        if pending.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for id in pending {
            attestations::audit_attestation(&tx, id)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Recomputes the derived `flags` of the whole history from its facts (for
    /// history written by other means than the importer, such as benchmarks). Returns
    /// how many rows changed.
    pub fn relink_history(&mut self) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(findings::RELINK_HISTORY, [])?;
        tx.commit()?;
        Ok(n)
    }

    /// Marks the workspace as the bundled demo (or not).
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO workspace_meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )?;
        Ok(())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Cheap, and keeps the query planner's statistics fresh for the next start.
        let _ = self.conn.execute_batch("PRAGMA optimize");
    }
}

/// Opens a read-only connection for queries. The database must exist and be current.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    configure(&conn)?;
    let found = check_not_newer(&conn, path)?;
    if found < schema_version() {
        return Err(StoreError::NotRampart {
            path: path.to_path_buf(),
            reason: format!("schema version {found}; open it once with this version of Rampart to upgrade it"),
        });
    }
    Ok(conn)
}

/// Reads a workspace setting.
pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM workspace_meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Whether the workspace is the bundled demo (its accounts and findings made up): what the
/// window, the CLI and the reports check before mixing real findings in or naming it.
pub fn is_demo(conn: &Connection) -> Result<bool, StoreError> {
    Ok(meta(conn, "demo")?.as_deref() == Some("1"))
}

/// Creates `dir` and its missing parents readable by their owner only (0700).
#[cfg(unix)]
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace made before findings had their product (schema 18) is migrated: each
    /// row gets the product its source named (an ASFF finding's own `ProductArn` from its
    /// kept JSON, Inspector's from its Region), keeps its row id, history and children,
    /// and another product's finding with the same id is then a second finding.
    #[test]
    fn a_schema_18_workspace_gets_each_findings_product_and_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            conn.pragma_update(None, "foreign_keys", "OFF").expect("fk");
            migrations().to_version(&mut conn, 18).expect("schema 18");
            let asff = serde_json::json!({
                "Id": "shared-id", "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub"
            });
            let blob = zstd::stream::encode_all(asff.to_string().as_bytes(), 3).expect("zstd");
            conn.execute_batch(
                "INSERT INTO imports(id, label, shape, started_at, finished_at, findings, inserted, updated,
                     unchanged, stale, history) VALUES (1, 'old.json', 'securityhub-findings', 1, 1, 2, 2, 0, 0, 0, 2);
                 INSERT INTO findings(fid, id, source, product, account, region, types, title, description,
                     severity, status, record_state, created_at, updated_at, import_id)
                 VALUES (7, 'shared-id', 'securityhub', 'Security Hub', '111122223333', 'eu-west-1', '[]',
                         'APIGateway.1', 'd', 'HIGH', 'failed', 'active', 1000, 1000, 1),
                        (9, 'arn:aws-us-gov:inspector2:us-gov-west-1:111122223333:finding/abc', 'inspector',
                         'Inspector', '111122223333', 'us-gov-west-1', '[]', 'CVE', 'd', 'HIGH', 'failed',
                         'active', 1000, 1000, 1);
                 INSERT INTO finding_history(fid, at, status, record_state, severity, import_id, recorded_at, flags)
                 VALUES (7, 1000, 'failed', 'active', 'HIGH', 1, 1, 1), (9, 1000, 'failed', 'active', 'HIGH', 1, 1, 1);
                 INSERT INTO finding_resources(fid, ord, type, resource_id, tags)
                 VALUES (7, 0, 'AwsApiGatewayStage', 'arn:aws:apigateway:eu-west-1::/restapis/a/stages/p', '[]');",
            )
            .expect("v18 rows");
            conn.execute(
                "INSERT INTO finding_raw(fid, format, raw) VALUES (7, 'asff', ?1), (9, 'inspector2', x'00')",
                [&blob],
            )
            .expect("raw");
        }
        let store = Store::open(&path).expect("migrates");
        let rows: Vec<(i64, String)> = store
            .conn()
            .prepare("SELECT fid, product_arn FROM findings ORDER BY fid")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .expect("rows");
        assert_eq!(
            rows,
            vec![
                (7, "arn:aws:securityhub:eu-west-1::product/aws/securityhub".to_string()),
                (
                    9,
                    "arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/inspector".to_string()
                ),
            ]
        );
        let (history, resources, broken): (i64, i64, i64) = store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM finding_history h JOIN findings f USING (fid)),
                        (SELECT count(*) FROM finding_resources r JOIN findings f USING (fid)),
                        (SELECT count(*) FROM pragma_foreign_key_check)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("counts");
        assert_eq!((history, resources, broken), (2, 1, 0));
        // The same id from another product is another finding; the same product's is not.
        store
            .conn()
            .execute(
                "INSERT INTO findings(id, product_arn, source, product, account, region, types, title,
                     description, severity, status, record_state, created_at, updated_at)
                 VALUES ('shared-id', 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default',
                         'securityhub', 'x', '999988887777', 'eu-west-1', '[]', 't', 'd', 'LOW', 'passed',
                         'active', 2000, 2000)",
                [],
            )
            .expect("another product's finding with the same id");
        assert!(store
            .conn()
            .execute(
                "INSERT INTO findings(id, product_arn, source, product, account, region, types, title,
                     description, severity, status, record_state, created_at, updated_at)
                 SELECT id, product_arn, source, product, account, region, types, title, description, severity,
                        status, record_state, created_at, updated_at FROM findings WHERE fid = 7",
                [],
            )
            .is_err());
    }

    /// The store keeps what is written; the query layer above it reads. A stored setting or
    /// a type the store needs lives in `store/` (or `model`, `time`), never in `query/`.
    #[test]
    fn the_store_never_names_the_query_layer() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
        // Spelled in two parts so that this test does not find itself.
        let needle = ["query", "::"].concat();
        let mut offenders = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("src/store") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("read");
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if code.contains(&needle) {
                    offenders.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
        assert!(offenders.is_empty(), "store/ names query:\n{}", offenders.join("\n"));
    }

    /// `schema.sql` (beside Cargo.toml) is the schema the migrations make, for reading and
    /// review; it fails when they drift apart. `BLESS=1` rewrites it.
    #[test]
    fn schema_sql_is_what_the_migrations_make() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("w.db")).expect("open");
        let mut stmt = store
            .conn()
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY tbl_name, CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name")
            .expect("schema");
        let parts: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("sql");
        let made = format!(
            "-- The schema of a Rampart workspace at version {} (what the migrations in\n\
             -- src/store/ make; checked by store::tests, rewritten with BLESS=1).\n\n{};\n",
            schema_version(),
            parts.join(";\n\n")
        );
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.sql");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&file, &made).expect("write schema.sql");
            return;
        }
        let kept = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            kept == made,
            "{} is stale: run `BLESS=1 cargo test -p rampart-core schema_sql` and commit it",
            file.display()
        );
    }
}
