//! What the window keeps between commands: the database path, whether the workspace is
//! ready (the demo is generated on first start), and a read-only connection.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rampart_core::catalog::Catalog;
use rampart_core::rusqlite::Connection;
use rampart_core::store;

use rampart_core::ErrorCode;

use crate::ipc::{IpcError, WorkspaceStatus};

#[derive(Clone)]
enum Readiness {
    Preparing,
    Ready,
    Failed(IpcError),
}

/// Cheap to clone: commands take a clone onto a blocking thread.
#[derive(Clone)]
pub struct AppState {
    /// The open workspace; Settings may switch it to another file.
    db_path: Arc<Mutex<PathBuf>>,
    catalog_files: Vec<PathBuf>,
    catalog: Arc<Mutex<Option<Arc<Catalog>>>>,
    readiness: Arc<Mutex<Readiness>>,
    reader: Arc<Mutex<Option<Connection>>>,
    /// A second read-only connection for figures asked beside a view's own query (the SLA
    /// strip beside the explorer's page), so neither waits for the other: SQLite lets readers
    /// run at once.
    aside: Arc<Mutex<Option<Connection>>>,
    writer: Arc<Mutex<()>>,
    /// The sync in progress, if any (one at a time), to cancel it.
    sync: Arc<Mutex<Option<rampart_core::sync::engine::Cancel>>>,
    /// What was made private when the workspace and the app's folders were opened
    /// (Settings shows it).
    notices: Arc<Mutex<Vec<String>>>,
    /// Evidence files chosen in the system dialog for an attestation: their name by their
    /// SHA-256, so `attest` records a digest Rust computed, never one the page supplies.
    evidence: Arc<Mutex<std::collections::HashMap<String, String>>>,
}

impl AppState {
    pub fn new(db_path: PathBuf, catalog_files: Vec<PathBuf>) -> AppState {
        AppState {
            db_path: Arc::new(Mutex::new(db_path)),
            catalog_files,
            catalog: Arc::new(Mutex::new(None)),
            readiness: Arc::new(Mutex::new(Readiness::Preparing)),
            reader: Arc::new(Mutex::new(None)),
            aside: Arc::new(Mutex::new(None)),
            writer: Arc::new(Mutex::new(())),
            sync: Arc::new(Mutex::new(None)),
            notices: Arc::new(Mutex::new(Vec::new())),
            evidence: Arc::new(Mutex::new(std::collections::HashMap::new())),
        }
    }

    /// Remembers an evidence file chosen in the dialog (its name, by its SHA-256).
    pub fn choose_evidence(&self, sha256: &str, name: &str) {
        self.evidence
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(sha256.to_string(), name.to_string());
    }

    /// The evidence chosen with this SHA-256, as (name, SHA-256); None when no file with that
    /// digest was chosen in this window.
    pub fn chosen_evidence(&self, sha256: &str) -> Option<(String, String)> {
        let chosen = self.evidence.lock().unwrap_or_else(|p| p.into_inner());
        chosen.get(sha256).map(|name| (name.clone(), sha256.to_string()))
    }

    /// Keeps notices about the workspace for Settings.
    pub fn add_notices(&self, notices: Vec<String>) {
        self.notices.lock().unwrap_or_else(|p| p.into_inner()).extend(notices);
    }

    /// What was made private since the window started.
    pub fn notices(&self) -> Vec<String> {
        self.notices.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The database file of the open workspace.
    pub fn db_path(&self) -> PathBuf {
        self.db_path.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The catalog files given with `--catalog` (on top of the workspace's folder).
    pub fn extra_catalog_files(&self) -> &[PathBuf] {
        &self.catalog_files
    }

    /// Changes the workspace's catalog files with `change` while no other write runs;
    /// `change` maps the findings again and returns the catalog then in force, which the
    /// window then uses. On error nothing changes and the message says why.
    pub fn change_catalog<T>(
        &self,
        change: impl FnOnce(&std::path::Path, &[PathBuf]) -> anyhow::Result<(T, Catalog)>,
    ) -> Result<T, IpcError> {
        let _one_writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let (out, catalog) = change(&self.db_path(), &self.catalog_files)?;
        *self.catalog.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(catalog));
        Ok(out)
    }

    /// Opens the workspace at `path` (created empty when `create`) in the window, as
    /// [`AppState::switch_to`] does, and remembers it for the next start. Returns its
    /// absolute path.
    pub fn open_workspace(&self, path: PathBuf, create: bool) -> Result<PathBuf, IpcError> {
        let path = std::path::absolute(&path).unwrap_or(path);
        self.switch_to(path.clone(), create)?;
        crate::workspace::save_choice(&path)?;
        Ok(path)
    }

    /// Runs one sync of the open workspace (one at a time: `busy` while another runs),
    /// streaming progress to `events`. The endpoint override is never taken from the
    /// page: only `RAMPART_ENDPOINT_URL` (emulators and tests) sets it.
    pub async fn sync(
        &self,
        request: crate::sync::SyncRequest,
        events: rampart_core::sync::engine::Events,
    ) -> Result<crate::sync::SyncReport, IpcError> {
        let catalog = self.catalog()?;
        let Some(cancel) = self.begin_sync() else {
            return Err(IpcError::new(ErrorCode::Busy, "A sync is already running."));
        };
        let request = crate::sync::SyncRequest {
            endpoint_url: std::env::var("RAMPART_ENDPOINT_URL").ok().filter(|u| !u.is_empty()),
            ..request
        };
        let result = crate::sync::run(&self.db_path(), catalog, &request, cancel, events).await;
        self.end_sync();
        Ok(result?)
    }

    /// Switches the window to the workspace at `path` (created empty when `create`), and
    /// prepares it in the background like the first one. Refused while a sync runs.
    pub fn switch_to(&self, path: PathBuf, create: bool) -> Result<(), IpcError> {
        if self.sync.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
            return Err(IpcError::new(
                ErrorCode::Busy,
                "A sync is running: cancel it or let it finish before opening another workspace.",
            ));
        }
        if matches!(
            *self.readiness.lock().unwrap_or_else(|p| p.into_inner()),
            Readiness::Preparing
        ) {
            return Err(IpcError::new(
                ErrorCode::NotReady,
                "The workspace is still being prepared: try again in a moment.",
            ));
        }
        let _one_writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if create {
            if path.exists() {
                return Err(IpcError::new(
                    ErrorCode::BadRequest,
                    format!("{} already exists: open it instead", path.display()),
                ));
            }
        } else if !path.is_file() {
            return Err(IpcError::new(
                ErrorCode::NotFound,
                format!("{}: no such file", path.display()),
            ));
        }
        // Opening checks that the file is a Rampart workspace (or creates an empty one)
        // before the window lets go of the current one; an existing file must already be one.
        if create {
            drop(rampart_core::Store::open(&path)?);
        } else {
            drop(rampart_core::Store::open_existing(&path)?);
        }
        self.add_notices(crate::private::secure_workspace(&path));
        *self.reader.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.aside.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.catalog.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.readiness.lock().unwrap_or_else(|p| p.into_inner()) = Readiness::Preparing;
        *self.db_path.lock().unwrap_or_else(|p| p.into_inner()) = path;
        self.prepare_in_background();
        Ok(())
    }

    /// The catalog the workspace was mapped with (set once the workspace is ready).
    pub fn catalog(&self) -> Result<Arc<Catalog>, IpcError> {
        self.catalog
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| IpcError::new(ErrorCode::NotReady, "The workspace is still being prepared."))
    }

    /// Opens (migrating) the workspace, or builds the demo when none exists yet, on a
    /// background thread so the window paints at once.
    pub fn prepare_in_background(&self) {
        let path = self.db_path();
        let files = self.catalog_files.clone();
        let readiness = Arc::clone(&self.readiness);
        let catalog_slot = Arc::clone(&self.catalog);
        std::thread::spawn(move || {
            let outcome = crate::workspace::load_catalog(&path, &files).and_then(|catalog| {
                crate::workspace::open_or_create_demo(&path, &catalog)?;
                Ok(catalog)
            });
            let next = match outcome {
                Ok(catalog) => {
                    *catalog_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(catalog));
                    Readiness::Ready
                }
                Err(e) => Readiness::Failed(IpcError::from_anyhow(&e)),
            };
            *readiness.lock().unwrap_or_else(|p| p.into_inner()) = next;
        });
    }

    pub fn status(&self) -> WorkspaceStatus {
        match &*self.readiness.lock().unwrap_or_else(|p| p.into_inner()) {
            Readiness::Preparing => WorkspaceStatus {
                state: "preparing",
                message: Some("Preparing the workspace (a first start builds the demo)…".into()),
            },
            Readiness::Ready => WorkspaceStatus {
                state: "ready",
                message: None,
            },
            Readiness::Failed(e) => WorkspaceStatus {
                state: "error",
                message: Some(e.message.clone()),
            },
        }
    }

    /// Claims the sync slot: `None` when a sync is already running.
    fn begin_sync(&self) -> Option<rampart_core::sync::engine::Cancel> {
        let mut slot = self.sync.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return None;
        }
        let cancel = rampart_core::sync::engine::Cancel::default();
        *slot = Some(cancel.clone());
        Some(cancel)
    }

    fn end_sync(&self) {
        *self.sync.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Cancels the running sync; false when none runs.
    pub fn cancel_sync(&self) -> bool {
        match &*self.sync.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }

    /// Runs `f` with a writer for the workspace (short-lived: the window writes rarely).
    pub fn write<T>(&self, f: impl FnOnce(&mut rampart_core::Store) -> Result<T, IpcError>) -> Result<T, IpcError> {
        self.read(|_| Ok(()))?;
        let _one_writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut store = rampart_core::Store::open(&self.db_path())?;
        f(&mut store)
    }

    /// Runs `f` with the read-only connection, once the workspace is ready.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, IpcError>) -> Result<T, IpcError> {
        self.read_on(&self.reader, f)
    }

    /// Like [`AppState::read`], on the second read-only connection: for figures shown beside
    /// a view's own query, which should not hold it up.
    pub fn read_aside<T>(&self, f: impl FnOnce(&Connection) -> Result<T, IpcError>) -> Result<T, IpcError> {
        self.read_on(&self.aside, f)
    }

    fn read_on<T>(
        &self,
        slot: &Mutex<Option<Connection>>,
        f: impl FnOnce(&Connection) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        match &*self.readiness.lock().unwrap_or_else(|p| p.into_inner()) {
            Readiness::Ready => {}
            Readiness::Preparing => {
                return Err(IpcError::new(
                    ErrorCode::NotReady,
                    "The workspace is still being prepared.",
                ))
            }
            Readiness::Failed(e) => return Err(e.clone()),
        }
        let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(store::open_reader(&self.db_path())?);
        }
        match guard.as_ref() {
            Some(conn) => f(conn),
            None => Err(IpcError::new(ErrorCode::Internal, "no database connection")),
        }
    }
}
