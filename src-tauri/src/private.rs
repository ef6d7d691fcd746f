//! Everything Rampart writes is its user's alone: folders 0700, files 0600.
//!
//! - [`restrict_umask`] runs first in every process (the window's, whose WebKit processes
//!   inherit it, and the CLI's), so whatever is created afterwards — the workspace and its
//!   SQLite journal, `catalog/` and its files, `workspace.json`, exports, WebKit's own data —
//!   is created private, whichever code creates it.
//! - [`prepare_app_folders`] creates the app's data and configuration folders before the
//!   webview starts (WebKit would otherwise make the data folder first, 0755).
//! - [`secure_workspace`] tightens what an earlier version or another tool left open (a
//!   0644 workspace, a 0755 folder) and says what it changed, once.

use std::path::{Path, PathBuf};

use rampart_core::store::create_private_dir;

/// Makes every file and folder this process creates private to its user (umask 077).
pub fn restrict_umask() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// The app's own folders: its data folder (default workspace, WebKit's data) and its
/// configuration folder (`workspace.json`).
pub fn app_folders() -> Vec<PathBuf> {
    [dirs::data_dir(), dirs::config_dir()]
        .into_iter()
        .flatten()
        .map(|d| d.join(crate::IDENTIFIER))
        .collect()
}

/// Creates the app's folders 0700 (tightening them if they exist and are wider); returns a
/// notice for each one tightened.
pub fn prepare_app_folders() -> Vec<String> {
    let mut notices = Vec::new();
    for dir in app_folders() {
        if let Err(e) = create_private_dir(&dir) {
            notices.push(format!("{}: cannot create: {e}", dir.display()));
            continue;
        }
        notices.extend(tighten(&dir, 0o700));
    }
    notices
}

/// Tightens the workspace at `db` if an earlier version or another tool left it readable by
/// others: the database and SQLite's journal files beside it, its `catalog/` folder and
/// files, and its folder when that is the app's own. Returns one notice per change (what
/// was made private, and what it was).
pub fn secure_workspace(db: &Path) -> Vec<String> {
    let mut notices = Vec::new();
    let mut files = vec![db.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        files.push(PathBuf::from(name));
    }
    for f in &files {
        notices.extend(tighten(f, 0o600));
    }
    let catalog = crate::workspace::user_catalog_dir(db);
    notices.extend(tighten(&catalog, 0o700));
    if let Ok(entries) = std::fs::read_dir(&catalog) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                notices.extend(tighten(&e.path(), 0o600));
            }
        }
    }
    // The folder is tightened only when it is the app's own: a workspace the user keeps in
    // their documents folder does not make that folder private.
    if let Some(folder) = db.parent().filter(|f| app_folders().iter().any(|a| a == f)) {
        notices.extend(tighten(folder, 0o700));
    }
    notices
}

/// Removes group and other permissions from `path` (to `mode`) when it has any; a notice
/// says so. Missing files and symbolic links are left alone.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        return None;
    }
    let was = meta.permissions().mode() & 0o7777;
    if was & 0o077 == 0 {
        return None;
    }
    Some(
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
            Ok(()) => format!(
                "{} was readable by other users ({was:04o}); it is now private to you ({mode:04o})",
                path.display()
            ),
            Err(e) => format!(
                "{} is readable by other users ({was:04o}) and could not be made private: {e}",
                path.display()
            ),
        },
    )
}

#[cfg(not(unix))]
fn tighten(_path: &Path, _mode: u32) -> Option<String> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn a_workspace_left_readable_is_tightened_with_a_notice_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("w.db");
        std::fs::write(&db, b"").expect("db");
        let wal = dir.path().join("w.db-wal");
        std::fs::write(&wal, b"").expect("wal");
        let catalog = dir.path().join("catalog");
        std::fs::create_dir(&catalog).expect("catalog");
        std::fs::write(catalog.join("a.toml"), b"").expect("file");
        for (p, m) in [
            (&db, 0o644),
            (&wal, 0o664),
            (&catalog, 0o755),
            (&catalog.join("a.toml"), 0o644),
        ] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod");
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let notices = secure_workspace(&db);
        assert_eq!(notices.len(), 4, "{notices:?}");
        assert!(
            notices[0].contains("w.db was readable by other users (0644)"),
            "{notices:?}"
        );
        assert_eq!(
            [mode(&db), mode(&wal), mode(&catalog), mode(&catalog.join("a.toml"))],
            [0o600, 0o600, 0o700, 0o600]
        );
        // The folder holding it is not the app's: left as it was.
        assert_ne!(mode(dir.path()) & 0o077, 0o000, "a user's own folder is not changed");
        assert!(secure_workspace(&db).is_empty(), "nothing more to say the second time");
    }

    #[test]
    fn a_symlink_is_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"").expect("target");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let db = dir.path().join("w.db");
        std::os::unix::fs::symlink(&target, &db).expect("link");
        assert!(secure_workspace(&db).is_empty());
        assert_eq!(mode(&target), 0o644);
    }
}
