//! Reading export files into the store: every file given to one call is applied in a
//! single transaction, so a bad file anywhere leaves the database exactly as it was.

use std::io::Read;

use crate::import::{read_export, ImportError, ImportOptions, Shape};
use crate::store::findings::{reindex, Applier};
use crate::store::imports::ImportCounts;
use crate::store::Store;

/// One file (or stdin) to import, named for messages and the import log.
pub struct ImportInput<'a> {
    pub label: String,
    pub reader: Box<dyn Read + 'a>,
    /// Context the file does not carry (account and Region for Config results).
    pub options: ImportOptions,
}

impl<'a> ImportInput<'a> {
    pub fn new(label: impl Into<String>, reader: impl Read + 'a) -> Self {
        ImportInput {
            label: label.into(),
            reader: Box::new(reader),
            options: ImportOptions::default(),
        }
    }

    pub fn with_options(mut self, options: ImportOptions) -> Self {
        self.options = options;
        self
    }
}

/// What one file did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub label: String,
    pub shape: Shape,
    pub import_id: i64,
    pub counts: ImportCounts,
}

/// An import that was rolled back, naming the file and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{label}: {error}")]
pub struct ImportFailure {
    pub label: String,
    #[source]
    pub error: ImportError,
}

impl Store {
    /// Imports every input in one transaction. `clock` gives the current time (ms) for
    /// the import log; the findings' own timestamps decide what wins.
    pub fn import(
        &mut self,
        inputs: Vec<ImportInput<'_>>,
        clock: &dyn Fn() -> i64,
    ) -> Result<Vec<ImportReport>, ImportFailure> {
        let db_failure = |label: &str, e: rusqlite::Error| ImportFailure {
            label: label.to_string(),
            error: ImportError::Sink(format!("database error: {e}")),
        };
        let tx = self.conn_mut().transaction().map_err(|e| db_failure("(database)", e))?;
        let mut reports = Vec::with_capacity(inputs.len());
        let mut search_pending: Vec<(i64, bool)> = Vec::new();
        for input in inputs {
            let label = input.label;
            let started = clock();
            tx.execute(
                "INSERT INTO imports(label, shape, started_at, finished_at, findings, inserted, updated, unchanged, stale, history)
                 VALUES (?1, '', ?2, ?2, 0, 0, 0, 0, 0, 0)",
                rusqlite::params![label, started],
            )
            .map_err(|e| db_failure(&label, e))?;
            let import_id = tx.last_insert_rowid();
            let compressor = zstd::bulk::Compressor::new(1).map_err(|e| ImportFailure {
                label: label.clone(),
                error: ImportError::Sink(format!("compressor: {e}")),
            })?;
            let mut applier = Applier {
                import_id,
                now: started,
                compressor,
                reindex: Vec::new(),
            };
            let mut counts = ImportCounts::default();
            let shape = read_export(input.reader, &input.options, |item| {
                applier
                    .apply(&tx, &item.finding, item.raw.get(), item.format, &mut counts)
                    .map_err(|e| format!("database error at finding #{}: {e}", item.index))
            })
            .map_err(|error| ImportFailure {
                label: label.clone(),
                error,
            })?;
            tx.execute(
                "UPDATE imports SET shape = ?2, finished_at = ?3, findings = ?4, inserted = ?5, updated = ?6,
                    unchanged = ?7, stale = ?8, history = ?9 WHERE id = ?1",
                rusqlite::params![
                    import_id,
                    shape.as_str(),
                    clock(),
                    counts.findings,
                    counts.inserted,
                    counts.updated,
                    counts.unchanged,
                    counts.stale,
                    counts.history
                ],
            )
            .map_err(|e| db_failure(&label, e))?;
            search_pending.append(&mut applier.reindex);
            reports.push(ImportReport {
                label,
                shape,
                import_id,
                counts,
            });
        }
        reindex(&tx, &search_pending).map_err(|e| db_failure("(search index)", e))?;
        tx.commit().map_err(|e| db_failure("(commit)", e))?;
        Ok(reports)
    }
}
