//! Helpers shared by the command-line tests: the fixtures folder and running the real binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

/// A path under `tests/fixtures/`.
pub fn fixtures(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(p)
}

/// Runs `rampart --db DB ARGS…` with no stdin and no `$RAMPART_DB`.
pub fn rampart(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RAMPART_DB")
        .stdin(Stdio::null())
        .output()
        .expect("run rampart")
}

/// The stdout of a successful run; fails the test with stderr otherwise.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// The JSON a successful run prints.
pub fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(rampart(db, args))).expect("json")
}

/// A demo workspace ending on `end_day` (YYYY-MM-DD; None: today), built once per test run
/// and shared by the tests that ask for the same one (kept in a temp dir).
pub fn demo_workspace(end_day: Option<&str>) -> PathBuf {
    static BUILT: Mutex<BTreeMap<Option<String>, PathBuf>> = Mutex::new(BTreeMap::new());
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    built
        .entry(end_day.map(str::to_string))
        .or_insert_with(|| {
            let dir = tempfile::tempdir().expect("tempdir").keep();
            let db = dir.join("demo.db");
            match end_day {
                Some(day) => ok(rampart(&db, &["demo", "--end-day", day])),
                None => ok(rampart(&db, &["demo"])),
            };
            db
        })
        .clone()
}
