//! What the window keeps between commands: the database path, whether the workspace is
//! ready (the demo is generated on first start), and a read-only connection.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rampart_core::rusqlite::Connection;
use rampart_core::store;

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
    pub db_path: PathBuf,
    readiness: Arc<Mutex<Readiness>>,
    reader: Arc<Mutex<Option<Connection>>>,
}

impl AppState {
    pub fn new(db_path: PathBuf) -> AppState {
        AppState {
            db_path,
            readiness: Arc::new(Mutex::new(Readiness::Preparing)),
            reader: Arc::new(Mutex::new(None)),
        }
    }

    /// Opens (migrating) the workspace, or builds the demo when none exists yet, on a
    /// background thread so the window paints at once.
    pub fn prepare_in_background(&self) {
        let path = self.db_path.clone();
        let readiness = Arc::clone(&self.readiness);
        std::thread::spawn(move || {
            let outcome = crate::cli::open_or_create_demo(&path);
            let next = match outcome {
                Ok(()) => Readiness::Ready,
                Err(e) => Readiness::Failed(e),
            };
            *readiness.lock().unwrap_or_else(|p| p.into_inner()) = next;
        });
    }

    pub fn status(&self) -> WorkspaceStatus {
        match &*self.readiness.lock().unwrap_or_else(|p| p.into_inner()) {
            Readiness::Preparing => WorkspaceStatus {
                state: "preparing",
                message: Some("Building the demo workspace…".into()),
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

    /// Runs `f` with the read-only connection, once the workspace is ready.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        match &*self.readiness.lock().unwrap_or_else(|p| p.into_inner()) {
            Readiness::Ready => {}
            Readiness::Preparing => {
                return Err(IpcError::new(
                    "not_ready",
                    "The workspace is still being prepared.",
                ))
            }
            Readiness::Failed(e) => return Err(e.clone()),
        }
        let mut guard = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(store::open_reader(&self.db_path)?);
        }
        match guard.as_ref() {
            Some(conn) => f(conn),
            None => Err(IpcError::new("internal", "no database connection")),
        }
    }
}
