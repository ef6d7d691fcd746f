//! Reading export files into the store: every file given to one call is applied in a
//! single transaction, so a bad file anywhere leaves the database exactly as it was.

use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender};

use crate::catalog::Catalog;
use crate::import::{read_export, ImportError, ImportOptions, RawFormat, Shape};
use crate::model::Finding;
use crate::store::findings::{reindex, Applier};
use crate::store::imports::ImportCounts;
use crate::store::mapping::MapPass;
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
    /// the import log; the findings' own timestamps decide what wins. The findings are
    /// left unmapped: [`Store::ensure_mapped`] maps them (see [`Store::import_mapped`]).
    pub fn import(
        &mut self,
        inputs: Vec<ImportInput<'_>>,
        clock: &dyn Fn() -> i64,
    ) -> Result<Vec<ImportReport>, ImportFailure> {
        self.import_with(inputs, clock, None, None)
    }

    /// Imports as [`Store::import`] does and maps each finding with `catalog` as it is
    /// applied, in the same transaction (one pass instead of two). Findings left
    /// unmapped from before, or all of them if the catalog changed, are mapped first.
    pub fn import_mapped(
        &mut self,
        inputs: Vec<ImportInput<'_>>,
        clock: &dyn Fn() -> i64,
        catalog: &Catalog,
    ) -> Result<Vec<ImportReport>, ImportFailure> {
        self.ensure_mapped(catalog).map_err(|e| ImportFailure {
            label: "(mapping)".into(),
            error: ImportError::Sink(e.to_string()),
        })?;
        self.import_with(inputs, clock, Some(catalog), None)
    }

    /// Imports one page fetched by a live sync, mapping each finding with `catalog` as
    /// it is applied, and runs `finish` in the same transaction just before the commit
    /// (the sync saves its cursor there, so the page and the cursor are stored together
    /// or not at all). The caller maps what was stored before once, with
    /// [`Store::ensure_mapped`], before the first page (not per page: that scans).
    pub fn import_page(
        &mut self,
        input: ImportInput<'_>,
        clock: &dyn Fn() -> i64,
        catalog: &Catalog,
        finish: Finish<'_>,
    ) -> Result<ImportReport, ImportFailure> {
        let mut reports = self.import_with(vec![input], clock, Some(catalog), Some(finish))?;
        Ok(reports.remove(0))
    }

    /// Reading and writing run side by side: this thread reads each file, normalises its
    /// findings and compresses their raw JSON, and hands them over a bounded channel to a
    /// writer thread that applies them in the one transaction. The writer commits only
    /// when every file was read to its end; any error on either side rolls back.
    fn import_with(
        &mut self,
        inputs: Vec<ImportInput<'_>>,
        clock: &dyn Fn() -> i64,
        catalog: Option<&Catalog>,
        finish: Option<Finish<'_>>,
    ) -> Result<Vec<ImportReport>, ImportFailure> {
        let conn = self.conn_mut();
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel::<Msg>(256);
            let writer = scope.spawn(move || write_all(conn, catalog, receive, finish));
            let read = read_all(inputs, clock, &send);
            drop(send);
            let written = match writer.join() {
                Ok(w) => w,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            match (read, written) {
                (Ok(()), Ok(Some(reports))) => Ok(reports),
                // A database error stops the reader too ("the writer stopped"): the
                // writer's error is the one to tell.
                (_, Err(w)) => Err(w),
                // A read error stops the writer, which rolls back.
                (Err(r), Ok(_)) => Err(r),
                (Ok(()), Ok(None)) => Err(ImportFailure {
                    label: "(import)".into(),
                    error: ImportError::Sink("the writer stopped before the commit".into()),
                }),
            }
        })
    }
}

/// Work done in an import's transaction just before it commits.
pub type Finish<'a> = Box<dyn FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()> + Send + 'a>;

/// What the reading side sends to the writer.
enum Msg {
    Start {
        label: String,
        started: i64,
    },
    Item(Box<Prepared>),
    End {
        shape: Shape,
        finished: i64,
    },
    /// Every file was read: commit.
    Commit,
}

/// A finding ready to apply: normalised, its raw JSON compressed.
struct Prepared {
    index: usize,
    finding: Finding,
    raw: Vec<u8>,
    format: RawFormat,
}

fn read_all(
    inputs: Vec<ImportInput<'_>>,
    clock: &dyn Fn() -> i64,
    send: &SyncSender<Msg>,
) -> Result<(), ImportFailure> {
    // The writer hung up: it failed, and will say why.
    let gone = |label: &str| ImportFailure {
        label: label.to_string(),
        error: ImportError::Sink("the database writer stopped".into()),
    };
    let mut compressor = zstd::bulk::Compressor::new(1).map_err(|e| ImportFailure {
        label: "(compressor)".into(),
        error: ImportError::Sink(format!("compressor: {e}")),
    })?;
    for input in inputs {
        let label = input.label;
        send.send(Msg::Start {
            label: label.clone(),
            started: clock(),
        })
        .map_err(|_| gone(&label))?;
        let shape = read_export(input.reader, &input.options, |item| {
            let raw = compressor
                .compress(item.raw.get().as_bytes())
                .map_err(|e| format!("compressing finding #{}: {e}", item.index))?;
            send.send(Msg::Item(Box::new(Prepared {
                index: item.index,
                finding: item.finding,
                raw,
                format: item.format,
            })))
            .map_err(|_| "the database writer stopped".to_string())
        })
        .map_err(|error| ImportFailure {
            label: label.clone(),
            error,
        })?;
        send.send(Msg::End {
            shape,
            finished: clock(),
        })
        .map_err(|_| gone(&label))?;
    }
    send.send(Msg::Commit).map_err(|_| gone("(commit)"))
}

/// Applies what the reader sends; `Ok(None)` when the reader stopped before the end (the
/// transaction is rolled back).
fn write_all(
    conn: &mut rusqlite::Connection,
    catalog: Option<&Catalog>,
    receive: Receiver<Msg>,
    finish: Option<Finish<'_>>,
) -> Result<Option<Vec<ImportReport>>, ImportFailure> {
    let mut finish = finish;
    let db_failure = |label: &str, e: rusqlite::Error| ImportFailure {
        label: label.to_string(),
        error: ImportError::Sink(format!("database error: {e}")),
    };
    let tx = conn.transaction().map_err(|e| db_failure("(database)", e))?;
    let mut reports = Vec::new();
    let mut search_pending: Vec<(i64, bool)> = Vec::new();
    let mut mapping = match catalog {
        Some(c) => Some(MapPass::new(&tx, c).map_err(|e| db_failure("(mapping)", e))?),
        None => None,
    };
    // The file being written: (label, its applier, its counts).
    let mut current: Option<(String, Applier<'_>, ImportCounts)> = None;
    for msg in receive {
        match msg {
            Msg::Start { label, started } => {
                tx.execute(
                    "INSERT INTO imports(label, shape, started_at, finished_at, findings, inserted, updated, unchanged, stale, history)
                     VALUES (?1, '', ?2, ?2, 0, 0, 0, 0, 0, 0)",
                    rusqlite::params![label, started],
                )
                .map_err(|e| db_failure(&label, e))?;
                let applier = Applier {
                    import_id: tx.last_insert_rowid(),
                    now: started,
                    reindex: Vec::new(),
                    mapping: mapping.take(),
                    named: Default::default(),
                };
                current = Some((label, applier, ImportCounts::default()));
            }
            Msg::Item(p) => {
                let Some((label, applier, counts)) = current.as_mut() else {
                    continue;
                };
                applier
                    .apply(&tx, &p.finding, &p.raw, p.format, counts)
                    .map_err(|e| ImportFailure {
                        label: label.clone(),
                        error: ImportError::Sink(format!("database error at finding #{}: {e}", p.index)),
                    })?;
            }
            Msg::End { shape, finished } => {
                let Some((label, mut applier, counts)) = current.take() else {
                    continue;
                };
                tx.execute(
                    "UPDATE imports SET shape = ?2, finished_at = ?3, findings = ?4, inserted = ?5, updated = ?6,
                        unchanged = ?7, stale = ?8, history = ?9, future = ?10, lenient = ?11 WHERE id = ?1",
                    rusqlite::params![
                        applier.import_id,
                        shape.as_str(),
                        finished,
                        counts.findings,
                        counts.inserted,
                        counts.updated,
                        counts.unchanged,
                        counts.stale,
                        counts.history,
                        counts.future,
                        counts.lenient
                    ],
                )
                .map_err(|e| db_failure(&label, e))?;
                search_pending.append(&mut applier.reindex);
                mapping = applier.mapping.take();
                reports.push(ImportReport {
                    label,
                    shape,
                    import_id: applier.import_id,
                    counts,
                });
            }
            Msg::Commit => {
                if let Some(pass) = mapping.take() {
                    pass.finish(&tx).map_err(|e| db_failure("(mapping)", e))?;
                }
                reindex(&tx, &search_pending).map_err(|e| db_failure("(search index)", e))?;
                if let Some(f) = finish.take() {
                    f(&tx).map_err(|e| db_failure("(sync cursor)", e))?;
                }
                tx.commit().map_err(|e| db_failure("(commit)", e))?;
                return Ok(Some(reports));
            }
        }
    }
    // The reader stopped before the end: the transaction rolls back as it drops.
    Ok(None)
}
