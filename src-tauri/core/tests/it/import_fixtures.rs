//! Fixture-driven importer tests: every `tests/fixtures/import/*.json` export is read and
//! its normalised findings compared with `<name>.expected.json`; every
//! `tests/fixtures/import-bad/*.json` must be rejected with the message in `<name>.expected`
//! and leave the database untouched. Run with `BLESS=1` to rewrite the snapshots after a
//! deliberate change (then review the diff).

use std::path::{Path, PathBuf};

use rampart_core::import::{read_export, ImportOptions};
use rampart_core::model::Finding;
use rampart_core::query::findings::{for_each_finding, FindingFilter};
use rampart_core::{ImportInput, Store};
use serde_json::Value;

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with(".expected.json"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", root.display());
    files
}

/// A finding as the snapshot shows it: timestamps readable.
fn snapshot_of(f: &Finding) -> Value {
    let mut v = serde_json::to_value(f).expect("finding serialises");
    if let Value::Object(map) = &mut v {
        for (k, val) in map.iter_mut() {
            if k.ends_with("_at") {
                if let Some(ms) = val.as_i64() {
                    *val = Value::String(rampart_core::time::format_ts(ms));
                }
            }
        }
    }
    v
}

fn compare_or_bless(expected_path: &Path, actual: &Value) {
    let actual_text = serde_json::to_string_pretty(actual).expect("serialise") + "\n";
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(expected_path, &actual_text).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(expected_path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {} (run with BLESS=1 to create it)",
            expected_path.display()
        )
    });
    if expected != actual_text {
        let line = expected
            .lines()
            .zip(actual_text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual_text.lines().count()));
        panic!(
            "{} differs from the importer's output at line {}:\n  expected: {}\n  actual:   {}\n(run with BLESS=1 to accept)",
            expected_path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual_text.lines().nth(line).unwrap_or("<end>")
        );
    }
}

#[test]
fn every_export_shape_normalises_as_snapshotted() {
    for path in fixtures("import") {
        let mut findings = Vec::new();
        let file = std::fs::File::open(&path).expect("open fixture");
        let shape = read_export(file, &ImportOptions::default(), |item| {
            findings.push(snapshot_of(&item.finding));
            Ok::<_, String>(())
        })
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let actual = serde_json::json!({ "shape": shape.as_str(), "findings": findings });
        compare_or_bless(&path.with_extension("expected.json"), &actual);
    }
}

#[test]
fn every_export_shape_imports_every_finding_into_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let mut expected_ids = std::collections::BTreeSet::new();
    for path in fixtures("import") {
        read_export(
            std::fs::File::open(&path).expect("open"),
            &ImportOptions::default(),
            |item| {
                expected_ids.insert(item.finding.id.clone());
                Ok::<_, String>(())
            },
        )
        .expect("fixture reads");
        let reports = store
            .import(
                vec![ImportInput::new(
                    path.display().to_string(),
                    std::fs::File::open(&path).expect("open"),
                )],
                &rampart_core::time::now_ms,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reports.len(), 1);
    }
    let mut stored = std::collections::BTreeSet::new();
    for_each_finding(store.conn(), &FindingFilter::default(), 0, |row| {
        stored.insert(row.id);
        Ok(())
    })
    .expect("list");
    assert_eq!(stored, expected_ids);
}

#[test]
fn bad_files_are_rejected_with_a_message_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let mut store = Store::open(&db).expect("open");
    // Something already stored, which must survive every failed import.
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/securityhub-consolidated.json");
    store
        .import(
            vec![ImportInput::new("good", std::fs::File::open(&good).expect("open"))],
            &rampart_core::time::now_ms,
        )
        .expect("good import");
    let dump = |store: &Store| -> (i64, i64, i64, i64) {
        store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM findings), (SELECT count(*) FROM finding_history),
                        (SELECT count(*) FROM imports), (SELECT count(*) FROM finding_resources)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("counts")
    };
    let before = dump(&store);
    for path in fixtures("import-bad") {
        let expected = std::fs::read_to_string(path.with_extension("expected")).expect("expected message");
        let label = path.file_name().expect("name").to_string_lossy().into_owned();
        // The bad file comes after a good one in the same command: both must be rolled back.
        let err = store
            .import(
                vec![
                    ImportInput::new("good-again", std::fs::File::open(&good).expect("open")),
                    ImportInput::new(label.clone(), std::fs::File::open(&path).expect("open")),
                ],
                &rampart_core::time::now_ms,
            )
            .expect_err(&format!("{label} must be rejected"));
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("{label}: ")),
            "{label}: message does not name the file: {message}"
        );
        if std::env::var_os("BLESS").is_some() && !message.contains(expected.trim()) {
            std::fs::write(
                path.with_extension("expected"),
                format!("{}\n", &message[label.len() + 2..]),
            )
            .expect("bless");
            continue;
        }
        assert!(
            message.contains(expected.trim()),
            "{label}: expected {:?} in {message:?}",
            expected.trim()
        );
        assert_eq!(dump(&store), before, "{label}: the database changed");
    }
}

/// The same estate exported as ASFF (Security Hub CSPM's `get-findings`) and as OCSF (the
/// new Security Hub's `GetFindingsV2`) gives the same findings: each check on each
/// resource in each account has the same status and bears on the same requirements.
#[test]
fn an_estate_read_as_asff_and_as_ocsf_has_the_same_statuses_and_requirements() {
    use rampart_core::catalog::Catalog;
    type Seen = std::collections::BTreeMap<(String, Option<String>, String, String), (String, String, Vec<String>)>;
    let catalog = Catalog::builtin().expect("catalog");
    let read = |name: &str| -> Seen {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("w.db")).expect("open");
        let path = fixtures("pair")
            .into_iter()
            .find(|p| p.ends_with(name))
            .expect("fixture");
        store
            .import_mapped(
                vec![ImportInput::new(name, std::fs::File::open(&path).expect("open"))],
                &rampart_core::time::now_ms,
                &catalog,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Seen::new();
        for_each_finding(store.conn(), &FindingFilter::default(), 0, |row| {
            let key = (
                row.product.clone(),
                row.control.clone(),
                row.resources.join(" "),
                row.account.clone(),
            );
            seen.insert(
                key,
                (row.status.clone(), row.severity.clone(), row.requirements.clone()),
            );
            Ok(())
        })
        .expect("list");
        seen
    };
    let asff = read("estate-asff.json");
    let ocsf = read("estate-ocsf.json");
    assert_eq!(asff.len(), 4, "{asff:#?}");
    assert!(
        asff.values().all(|(_, _, reqs)| !reqs.is_empty()),
        "every finding of the estate is mapped: {asff:#?}"
    );
    assert_eq!(asff, ocsf);
}

/// A check both Security Hubs report is one finding, whichever arrives first and whatever
/// id the new one gives a control's check; both documents are kept with it.
#[test]
fn a_finding_reported_by_both_security_hubs_is_one_row_with_both_documents() {
    let read = |name: &str| {
        std::fs::read(
            fixtures("pair")
                .into_iter()
                .find(|p| p.ends_with(name))
                .expect("fixture"),
        )
        .expect("read")
    };
    let asff = read("estate-asff.json");
    let ocsf = read("estate-ocsf.json");
    // The new Security Hub may give a control's check an id of its own.
    let mut renamed: serde_json::Value = serde_json::from_slice(&ocsf).expect("json");
    for f in renamed["Findings"].as_array_mut().expect("findings") {
        if f["class_uid"] == 2003 {
            let uid = format!("v2/{}", f["finding_info"]["uid"].as_str().expect("uid"));
            f["finding_info"]["uid"] = serde_json::json!(uid);
        }
    }
    let renamed = serde_json::to_vec(&renamed).expect("json");
    for (order, files) in [
        ("ASFF then OCSF", vec![asff.clone(), ocsf.clone()]),
        ("OCSF then ASFF", vec![ocsf.clone(), asff.clone()]),
        (
            "ASFF then OCSF with ids of its own",
            vec![asff.clone(), renamed.clone()],
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("w.db")).expect("open");
        for (i, body) in files.into_iter().enumerate() {
            store
                .import(
                    vec![ImportInput::new(format!("{i}.json"), std::io::Cursor::new(body))],
                    &rampart_core::time::now_ms,
                )
                .unwrap_or_else(|e| panic!("{order}: {e}"));
        }
        let (findings, documents, formats): (i64, i64, i64) = store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM findings), (SELECT count(*) FROM finding_raw),
                        (SELECT count(DISTINCT format) FROM finding_raw)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("counts");
        assert_eq!((findings, documents, formats), (4, 8, 2), "{order}");
        let fid: i64 = store
            .conn()
            .query_row("SELECT fid FROM findings WHERE control_id = 'S3.8'", [], |r| r.get(0))
            .expect("S3.8");
        let id: String = store
            .conn()
            .query_row("SELECT id FROM findings WHERE fid = ?1", [fid], |r| r.get(0))
            .expect("id");
        let detail = rampart_core::query::findings::detail(store.conn(), &id, None)
            .expect("detail")
            .expect("present");
        let mut formats: Vec<String> = detail.other_raw.iter().map(|d| d.format.clone()).collect();
        formats.extend(detail.raw_format.clone());
        formats.sort();
        assert_eq!(formats, ["asff", "ocsf"], "{order}");
    }
}
