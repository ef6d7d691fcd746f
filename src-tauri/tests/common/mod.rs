//! Helpers shared by the command-line tests: the fixtures folder and running the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A path under `tests/fixtures/`. (Each test file compiles this module on its own; not
/// every one needs every helper.)
#[allow(dead_code)]
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
