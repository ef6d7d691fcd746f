//! Opening a workspace the way both the CLI and the window do: the database (created with
//! the demo on first start when asked), and the catalog — built in, plus the user's own
//! files from the `catalog/` folder beside the database and any given with `--catalog`.
//! Adding and removing a user catalog file, checked before anything changes, is here too,
//! once for both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rampart_core::catalog::{read_catalog_file, Catalog, CatalogErrors, Source};
use rampart_core::demo::{self, DemoSpec};
use rampart_core::store::Store;
use rampart_core::Invalid;

/// A catalog that does not load: every problem, each with its file and line.
#[derive(Debug, thiserror::Error)]
#[error("the catalog has errors:\n{0}")]
pub struct CatalogRefused(pub CatalogErrors);

/// A catalog file that cannot be added or removed, and why; nothing was changed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FileRefused(pub String);

/// The workspace opened when no `--db` is given: the one last chosen in the window's
/// Settings, else `rampart.db` in the platform data folder for the app's identifier.
pub fn default_db_path() -> Option<PathBuf> {
    saved_choice().or_else(|| dirs::data_dir().map(|d| d.join(crate::IDENTIFIER).join("rampart.db")))
}

/// Where the window keeps its choice of workspace: a path only, never a secret.
fn choice_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(crate::IDENTIFIER).join("workspace.json"))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Choice {
    database: PathBuf,
}

/// The saved choice, when it names an absolute path whose folder still exists.
fn saved_choice() -> Option<PathBuf> {
    let text = std::fs::read_to_string(choice_file()?).ok()?;
    let choice: Choice = serde_json::from_str(&text).ok()?;
    let folder_exists = choice.database.parent().is_some_and(Path::is_dir);
    (choice.database.is_absolute() && folder_exists).then_some(choice.database)
}

/// Remembers `db` as the workspace to open when no `--db` is given.
pub fn save_choice(db: &Path) -> anyhow::Result<()> {
    let file = choice_file().ok_or_else(|| anyhow::anyhow!("no configuration folder on this system"))?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(&Choice {
        database: db.to_path_buf(),
    })?;
    std::fs::write(&file, text).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", file.display()))
}

/// The folder of user catalog files for a workspace: `<db folder>/catalog/`.
pub fn user_catalog_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("catalog")
}

/// Reads catalog files into sources; a file that cannot be read — or is not a regular file,
/// or is larger than `limits::CATALOG_FILE_BYTES` — is reported by name.
pub fn read_sources(files: &[PathBuf]) -> anyhow::Result<Vec<Source>> {
    files
        .iter()
        .map(|f| {
            read_catalog_file(f)
                .map(|t| Source::new(f.display().to_string(), t))
                .map_err(anyhow::Error::from)
        })
        .collect()
}

/// The user's catalog files of a workspace, in load order: `<db folder>/catalog/*.toml`
/// (sorted by name), then `extra`.
pub fn catalog_files(db: &Path, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(user_catalog_dir(db)) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files.extend(extra.iter().cloned());
    files
}

/// The catalog for a workspace: built in + `<db folder>/catalog/*.toml` (sorted) + extra.
pub fn load_catalog(db: &Path, extra: &[PathBuf]) -> anyhow::Result<Catalog> {
    Ok(catalog_from(&read_sources(&catalog_files(db, extra))?)?)
}

/// The built-in catalog with `sources` on top; errors name each file and what is wrong.
pub fn catalog_from(sources: &[Source]) -> Result<Catalog, CatalogRefused> {
    Catalog::with_user_files(sources).map_err(CatalogRefused)
}

/// Checks that the catalog made of `files` loads: a refusal says `context` and each problem.
fn check_files(files: &[PathBuf], context: &str) -> Result<(), FileRefused> {
    read_sources(files)
        .and_then(|s| Ok(catalog_from(&s)?))
        .map(drop)
        .map_err(|e| FileRefused(format!("{context}{e:#}")))
}

/// Who changes the catalog must be named: the audit log records it.
pub fn require_by(by: &str) -> Result<(), Invalid> {
    if by.trim().is_empty() {
        return Err(Invalid::new(
            "by",
            "say who changes the catalog: the audit log records it",
        ));
    }
    Ok(())
}

/// Maps the workspace's findings with its catalog as it now is and records the change in
/// the audit log; returns that catalog.
fn apply_catalog_change(
    db: &Path,
    extra: &[PathBuf],
    action: &str,
    name: &str,
    by: &str,
    now: i64,
) -> anyhow::Result<Catalog> {
    let catalog = load_catalog(db, extra)?;
    let mut store = Store::open(db)?;
    store.ensure_mapped(&catalog)?;
    store.record_catalog_change(action, name, &catalog.fingerprint, by.trim(), now)?;
    Ok(catalog)
}

/// Adds the catalog file `source` to the workspace at `db`: it must be a `.toml` file whose
/// name is not yet in use, and valid together with the files in force; it is then copied
/// into the workspace's `catalog/` folder, the findings are mapped again and the change is
/// audited as `by`. If that fails, the copy is removed again. Returns the file's name and
/// the catalog now in force.
pub fn add_catalog_file(
    db: &Path,
    extra: &[PathBuf],
    source: &Path,
    by: &str,
    now: i64,
) -> anyhow::Result<(String, Catalog)> {
    require_by(by)?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .ok_or_else(|| FileRefused(format!("{}: a catalog file is a .toml file", source.display())))?;
    let folder = user_catalog_dir(db);
    let dest = folder.join(&name);
    if dest.exists() {
        return Err(FileRefused(format!(
            "{name}: a catalog file of that name is already in use; remove it first"
        ))
        .into());
    }
    // Read once: what is checked is what is kept (a file swapped after the check, or a
    // FIFO, never reaches the folder).
    let text = read_catalog_file(source).map_err(|e| FileRefused(e.to_string()))?;
    let mut sources = read_sources(&catalog_files(db, extra)).map_err(|e| FileRefused(format!("{e:#}")))?;
    sources.push(Source::new(source.display().to_string(), text.clone()));
    catalog_from(&sources).map_err(|e| FileRefused(format!("{e:#}")))?;
    std::fs::create_dir_all(&folder).map_err(|e| FileRefused(format!("{}: cannot create: {e}", folder.display())))?;
    crate::export::write_whole(&dest, text.as_bytes()).map_err(|e| FileRefused(format!("{e:#}")))?;
    match apply_catalog_change(db, extra, "catalog.add", &name, by, now) {
        Ok(catalog) => Ok((name, catalog)),
        Err(e) => {
            let _ = std::fs::remove_file(&dest);
            Err(e)
        }
    }
}

/// Removes the file `name` from the workspace's `catalog/` folder, after checking that the
/// catalog stays valid without it (another file may build on it); the findings are mapped
/// again and the change is audited as `by`. If that fails, the file is put back. Returns
/// the catalog now in force.
pub fn remove_catalog_file(db: &Path, extra: &[PathBuf], name: &str, by: &str, now: i64) -> anyhow::Result<Catalog> {
    require_by(by)?;
    let folder = user_catalog_dir(db);
    let in_folder = catalog_files(db, &[])
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == name))
        .ok_or_else(|| rampart_core::error::NotFound(format!("{name}: no such file in {}", folder.display())))?;
    let rest: Vec<PathBuf> = catalog_files(db, extra)
        .into_iter()
        .filter(|p| *p != in_folder)
        .collect();
    check_files(&rest, &format!("without {name}, "))?;
    let kept = read_catalog_file(&in_folder).map_err(|e| FileRefused(e.to_string()))?;
    std::fs::remove_file(&in_folder).map_err(|e| FileRefused(format!("{name}: cannot remove: {e}")))?;
    apply_catalog_change(db, extra, "catalog.remove", name, by, now).inspect_err(|_| {
        let _ = std::fs::write(&in_folder, kept);
    })
}

/// One user catalog file and what it brings to the catalog.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct CatalogFileInfo {
    /// The file name.
    pub name: String,
    pub path: String,
    /// In the workspace's `catalog/` folder (so the window may remove it), rather than given
    /// with `--catalog`.
    pub in_folder: bool,
    /// Frameworks it defines that were not there before it.
    pub adds_frameworks: Vec<String>,
    /// Frameworks already there whose requirements or evidence it changes.
    pub changes_frameworks: Vec<String>,
    pub adds_controls: u32,
}

/// One framework of the catalog in force.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct FrameworkInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub requirements: u32,
    pub manual: u32,
    /// Defined by a user file rather than shipped with Rampart.
    pub custom: bool,
}

/// The catalog a workspace is mapped with, and where its parts come from.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct CatalogInfo {
    /// The folder whose `*.toml` files are loaded on top of the built-in catalog.
    pub folder: String,
    pub files: Vec<CatalogFileInfo>,
    pub frameworks: Vec<FrameworkInfo>,
    pub controls: u32,
    pub fingerprint: String,
}

/// Per framework id: (requirement count, evidence rule count).
fn shape(c: &Catalog) -> BTreeMap<String, (usize, usize)> {
    c.frameworks
        .iter()
        .map(|f| {
            let evidence = f.requirements.iter().map(|r| r.evidence.len()).sum();
            (f.id.clone(), (f.requirements.len(), evidence))
        })
        .collect()
}

/// Describes the catalog of the workspace at `db`: each user file is loaded on top of the
/// ones before it, and what changed is what it brings.
pub fn describe_catalog(db: &Path, extra: &[PathBuf]) -> anyhow::Result<CatalogInfo> {
    let files = catalog_files(db, extra);
    let sources = read_sources(&files)?;
    let builtin = catalog_from(&[])?;
    let mut before = builtin.clone();
    let mut described = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let after = catalog_from(&sources[..=i])?;
        let (old, new) = (shape(&before), shape(&after));
        described.push(CatalogFileInfo {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            in_folder: i < files.len() - extra.len(),
            adds_frameworks: new.keys().filter(|k| !old.contains_key(*k)).cloned().collect(),
            changes_frameworks: new
                .iter()
                .filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v))
                .map(|(k, _)| k.clone())
                .collect(),
            adds_controls: after.controls.len().saturating_sub(before.controls.len()) as u32,
        });
        before = after;
    }
    let builtin_ids: Vec<&str> = builtin.frameworks.iter().map(|f| f.id.as_str()).collect();
    Ok(CatalogInfo {
        folder: user_catalog_dir(db).display().to_string(),
        files: described,
        frameworks: before
            .frameworks
            .iter()
            .map(|f| FrameworkInfo {
                id: f.id.clone(),
                name: f.name.clone(),
                version: f.version.clone(),
                requirements: f.requirements.len() as u32,
                manual: f.requirements.iter().filter(|r| r.manual).count() as u32,
                custom: !builtin_ids.contains(&f.id.as_str()),
            })
            .collect(),
        controls: before.controls.len() as u32,
        fingerprint: before.fingerprint.clone(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/catalog")
            .join(name)
    }

    #[test]
    fn each_user_file_is_described_by_what_it_brings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("w.db");
        let folder = user_catalog_dir(&db);
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::copy(fixture("custom-framework.toml"), folder.join("a-custom.toml")).expect("copy");
        let info = describe_catalog(&db, &[fixture("remap.toml")]).expect("describe");
        assert_eq!(info.folder, folder.display().to_string());
        let names: Vec<_> = info.files.iter().map(|f| (f.name.as_str(), f.in_folder)).collect();
        assert_eq!(names, [("a-custom.toml", true), ("remap.toml", false)]);
        assert_eq!(info.files[0].adds_frameworks, ["acme"]);
        assert!(info.files[0].changes_frameworks.is_empty());
        assert!(info.files[1].adds_frameworks.is_empty());
        assert_eq!(info.files[1].changes_frameworks, ["api12", "hipaa"]);
        let acme = info.frameworks.iter().find(|f| f.id == "acme").expect("acme");
        assert!(acme.custom && acme.manual == 1 && acme.requirements == 3);
        assert!(info.frameworks.iter().filter(|f| f.id != "acme").all(|f| !f.custom));
        assert_eq!(
            info.fingerprint,
            load_catalog(&db, &[fixture("remap.toml")]).expect("load").fingerprint
        );
    }

    #[test]
    fn a_bad_file_is_named_in_the_error() {
        let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/catalog-bad/syntax-error.toml");
        let e = read_sources(&[bad])
            .and_then(|s| Ok(catalog_from(&s)?))
            .expect_err("refused");
        assert!(format!("{e:#}").contains("syntax-error.toml"), "{e:#}");
    }
}
