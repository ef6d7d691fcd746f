//! What Rampart writes is private to its user, and a command that only reads never makes a
//! workspace: the real binary, run on real files.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{fixtures, ok, rampart};

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).expect("stat").permissions().mode() & 0o777
}

/// Every file and folder under `root`, with its mode.
fn walk(root: &Path, out: &mut Vec<(String, u32, bool)>) {
    for e in std::fs::read_dir(root).expect("read_dir").flatten() {
        let p = e.path();
        let dir = e.file_type().expect("type").is_dir();
        out.push((p.display().to_string(), mode(&p), dir));
        if dir {
            walk(&p, out);
        }
    }
}

#[test]
fn every_file_and_folder_rampart_creates_is_private() {
    let home = tempfile::tempdir().expect("tempdir");
    // A permissive umask, as many desktops have: Rampart must not rely on the user's.
    let root = home.path().join("data");
    let db = root.join("nested/w.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("RAMPART_DB")
            .env("HOME", home.path())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run");
        ok(out)
    };
    run(&["demo"]);
    run(&[
        "catalog",
        "add",
        fixtures("catalog/custom-framework.toml").to_str().expect("path"),
        "--by",
        "Dana",
    ]);
    let csv = root.join("exports/findings.csv");
    std::fs::create_dir_all(csv.parent().expect("parent")).expect("exports");
    std::fs::set_permissions(csv.parent().expect("parent"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    run(&["report", "--format", "csv", "--out", csv.to_str().expect("path")]);
    let mut found = Vec::new();
    walk(&root.join("nested"), &mut found);
    found.push((csv.display().to_string(), mode(&csv), false));
    assert!(found.iter().any(|(p, _, _)| p.ends_with("catalog")), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(p, _, _)| p.ends_with("w.db-wal") || p.ends_with("w.db")),
        "{found:?}"
    );
    let open: Vec<_> = found.iter().filter(|(_, m, _)| m & 0o077 != 0).collect();
    assert!(open.is_empty(), "readable by others: {open:?}");
    assert_eq!(mode(&root.join("nested")), 0o700);
    for (p, m, dir) in &found {
        assert_eq!(*m, if *dir { 0o700 } else { 0o600 }, "{p}");
    }
}

#[test]
fn a_workspace_left_readable_by_others_is_tightened_with_a_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    ok(rampart(&db, &["demo"]));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = rampart(&db, &["posture"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(out);
    assert!(stderr.contains("was readable by other users (0644)"), "{stderr}");
    assert_eq!(mode(&db), 0o600);
    let again = rampart(&db, &["posture"]);
    assert!(String::from_utf8_lossy(&again.stderr).is_empty(), "said once");
}

#[test]
fn a_reading_command_never_writes_a_schema_into_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    for args in [
        &["posture"][..],
        &["findings"],
        &["audit"],
        &["sync", "--status"],
        &["exceptions"],
    ] {
        let out = rampart(&empty, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is not a Rampart database") || stderr.contains("no workspace"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            std::fs::metadata(&empty).expect("stat").len(),
            0,
            "{args:?} wrote into the file"
        );
    }
    let missing = dir.path().join("missing.db");
    let out = rampart(&missing, &["posture"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists(), "a reading command created a workspace");
}
