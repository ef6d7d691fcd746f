//! Test hooks: answers to the system's file dialogs from the environment, so the end-to-end
//! tests can drive the real window unattended. They exist only in builds with the
//! `test-hooks` feature (what `make test` builds for the window tests); the build users run
//! compiles the stubs below, so no page and no environment can skip a dialog there.
//! `make hooks-absent` checks a build without the feature for the variables' names.

use std::path::PathBuf;

/// The file an open or new-file dialog answers with (`RAMPART_OPEN_FILE`), instead of
/// asking the user.
#[cfg(feature = "test-hooks")]
pub fn open_file() -> Option<PathBuf> {
    std::env::var_os("RAMPART_OPEN_FILE").map(PathBuf::from)
}

/// The folder exports are written to under their suggested name (`RAMPART_EXPORT_DIR`),
/// instead of a save dialog.
#[cfg(feature = "test-hooks")]
pub fn export_dir() -> Option<PathBuf> {
    std::env::var_os("RAMPART_EXPORT_DIR").map(PathBuf::from)
}

#[cfg(not(feature = "test-hooks"))]
pub fn open_file() -> Option<PathBuf> {
    None
}

#[cfg(not(feature = "test-hooks"))]
pub fn export_dir() -> Option<PathBuf> {
    None
}
