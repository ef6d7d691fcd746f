//! Opening a workspace the way both the CLI and the window do: the database (created with
//! the demo on first start when asked), and the catalog — built in, plus the user's own
//! files from the `catalog/` folder beside the database and any given with `--catalog`.

use std::path::{Path, PathBuf};

use rampart_core::catalog::{Catalog, CatalogErrors, Source};
use rampart_core::demo::{self, DemoSpec};
use rampart_core::store::Store;

/// The platform data folder for the app's identifier (what Tauri uses too).
pub fn default_db_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(crate::IDENTIFIER).join("rampart.db"))
}

/// The folder of user catalog files for a workspace: `<db folder>/catalog/`.
pub fn user_catalog_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("catalog")
}

/// Reads catalog files into sources; a file that cannot be read is reported by name.
pub fn read_sources(files: &[PathBuf]) -> anyhow::Result<Vec<Source>> {
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .map(|t| Source::new(f.display().to_string(), t))
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", f.display()))
        })
        .collect()
}

/// The catalog for a workspace: built in + `<db folder>/catalog/*.toml` (sorted) + extra.
pub fn load_catalog(db: &Path, extra: &[PathBuf]) -> anyhow::Result<Catalog> {
    let mut files = Vec::new();
    let dir = user_catalog_dir(db);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files.extend(extra.iter().cloned());
    let sources = read_sources(&files)?;
    Catalog::with_user_files(&sources).map_err(|e: CatalogErrors| anyhow::anyhow!("the catalog has errors:\n{e}"))
}

/// Opens the workspace at `path`, building the demo first when no database exists yet,
/// and maps its findings with `catalog`.
pub fn open_or_create_demo(path: &Path, catalog: &Catalog) -> anyhow::Result<()> {
    let fresh = !path.exists();
    let mut store = Store::open(path)?;
    if fresh {
        let today = chrono::Utc::now().date_naive();
        demo::build(&mut store, &DemoSpec::new(today))?;
    }
    store.ensure_mapped(catalog)?;
    Ok(())
}
