//! The command line as a user runs it: the real `rampart` binary against real files and
//! a real SQLite workspace. Covers the foundation's acceptance checks: every export shape
//! imports, `findings --format json` has the documented fields, re-imports change nothing,
//! older versions do not overwrite newer ones, bad files are rejected cleanly, usage
//! errors exit 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{fixtures, ok, rampart};
use serde_json::Value;

fn good_exports() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures("import"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".json") && !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    v.sort();
    v
}

fn findings_json(db: &Path) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(&ok(rampart(db, &["findings", "--format", "json"]))).expect("json array")
}

#[test]
fn every_shape_imports_and_lists_with_the_documented_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.db");
    let files = good_exports();
    let mut args = vec!["import"];
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let out = ok(rampart(&db, &args));
    for shape in [
        "securityhub-findings",
        "eventbridge-event",
        "inspector2-findings",
        "config-evaluations",
        "ocsf-findings",
    ] {
        assert!(out.contains(shape), "{shape} missing from:\n{out}");
    }
    // A status outside the documented values is read as the nearest, kept and counted.
    assert!(
        out.lines()
            .any(|l| l.contains("config-unknown-compliance.json") && l.contains("1 read leniently")),
        "{out}"
    );
    let rows = findings_json(&db);
    // One row per finding, a finding being its product and id: some files hold the same
    // findings in another shape (one per line, a single one), which are not counted twice.
    let expected: std::collections::BTreeSet<(String, String)> = files
        .iter()
        .flat_map(|p| {
            let snap: Value =
                serde_json::from_str(&std::fs::read_to_string(p.with_extension("expected.json")).expect("snapshot"))
                    .expect("snapshot json");
            snap["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .map(|f| {
                    (
                        f["product_arn"].as_str().unwrap_or("").to_string(),
                        f["id"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(rows.len(), expected.len());
    for row in &rows {
        for field in [
            "id",
            "source",
            "account",
            "region",
            "control",
            "config_rule",
            "title",
            "severity",
            "status",
            "record_state",
            "resources",
            "updated_at",
        ] {
            assert!(row.get(field).is_some(), "{field} missing in {row}");
        }
        assert!(row["resources"].is_array());
    }
    let sources: std::collections::BTreeSet<&str> = rows.iter().filter_map(|r| r["source"].as_str()).collect();
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        ["config", "inspector", "securityhub"]
    );

    // The same files again: nothing changes.
    let again = ok(rampart(&db, &args));
    assert!(!again.contains(" updated,") || again.contains("0 updated"), "{again}");
    assert!(again.lines().all(|l| l.contains(": 0 new, 0 updated")), "{again}");
    assert_eq!(findings_json(&db), rows);

    // CSV: a header plus one parseable row per finding (fields may hold quoted commas).
    let csv = ok(rampart(&db, &["findings", "--format", "csv"]));
    let mut records = split_csv(&csv);
    let header = records.remove(0);
    assert_eq!(header[0], "id");
    assert_eq!(records.len(), rows.len());
    assert!(records.iter().all(|r| r.len() == header.len()));
    // Table output never lets terminal escapes through.
    let table = ok(rampart(&db, &["findings"]));
    assert!(!table.contains('\u{1b}'));
}

/// A small RFC 4180 reader, enough to check the output's structure.
fn split_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

#[test]
fn a_legacy_rule_number_is_shown_with_the_security_hub_control_it_resolves_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("legacy.db");
    let legacy = fixtures("import/securityhub-legacy.json");
    ok(rampart(&db, &["import", legacy.to_str().expect("path")]));
    let all = findings_json(&db);
    let cis = all
        .iter()
        .find(|f| {
            f["standard"]
                .as_str()
                .is_some_and(|s| s.starts_with("cis-aws-foundations-benchmark"))
        })
        .expect("the CIS 1.2 finding");
    assert_eq!(cis["control"], "1.10");
    assert_eq!(cis["security_control"], "IAM.16");
    // A consolidated id that is already the control's is not repeated.
    let fsbp = all.iter().find(|f| f["control"] == "KMS.4").expect("the FSBP finding");
    assert!(fsbp["security_control"].is_null(), "{fsbp}");
    let table = ok(rampart(&db, &["findings"]));
    assert!(table.contains("1.10 (IAM.16)"), "{table}");
    let csv = ok(rampart(&db, &["findings", "--format", "csv"]));
    let header = csv.lines().next().expect("header");
    assert!(
        header.ends_with(",security_control,mapped_by_reference,account_name,ou_path,owner"),
        "{header}"
    );
}

#[test]
fn an_older_version_does_not_overwrite_a_newer_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.db");
    let finding = |updated: &str, status: &str| {
        serde_json::json!({"Findings": [{
            "SchemaVersion": "2018-10-08", "Id": "f-1",
            "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
            "GeneratorId": "security-control/KMS.4", "AwsAccountId": "111122223333",
            "CreatedAt": "2026-03-01T00:00:00Z", "UpdatedAt": updated, "Title": status, "Description": "d",
            "Resources": [{"Type": "AwsKmsKey", "Id": "k"}], "Compliance": {"Status": status}
        }]})
    };
    let new = dir.path().join("new.json");
    let old = dir.path().join("old.json");
    std::fs::write(&new, finding("2026-03-09T00:00:00Z", "PASSED").to_string()).expect("write");
    std::fs::write(&old, finding("2026-03-02T00:00:00Z", "FAILED").to_string()).expect("write");
    ok(rampart(&db, &["import", new.to_str().expect("path")]));
    let out = ok(rampart(&db, &["import", old.to_str().expect("path")]));
    assert!(out.contains("1 older than stored"), "{out}");
    let rows = findings_json(&db);
    assert_eq!(
        (rows[0]["status"].as_str(), rows[0]["title"].as_str()),
        (Some("passed"), Some("PASSED"))
    );
}

#[test]
fn bad_files_exit_1_name_the_file_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.db");
    let good = fixtures("import/securityhub-consolidated.json");
    ok(rampart(&db, &["import", good.to_str().expect("path")]));
    let before = findings_json(&db);
    let mut bad: Vec<PathBuf> = std::fs::read_dir(fixtures("import-bad"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    bad.sort();
    assert!(bad.len() >= 8);
    for file in bad {
        let out = rampart(
            &db,
            &["import", good.to_str().expect("path"), file.to_str().expect("path")],
        );
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
        assert!(
            stderr.contains(&file.display().to_string()),
            "does not name the file: {stderr}"
        );
        let expected = std::fs::read_to_string(file.with_extension("expected")).expect("expected");
        assert!(stderr.contains(expected.trim()), "{stderr}");
        assert_eq!(findings_json(&db), before, "{} changed the database", file.display());
    }
}

#[test]
fn stdin_usage_errors_and_missing_workspaces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.db");
    // '-' reads stdin.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["--db", db.to_str().expect("path"), "import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let body = std::fs::read(fixtures("import/eventbridge-event.json")).expect("fixture");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&body)
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(ok(out).contains("(stdin): eventbridge-event (1 findings"));
    // Usage errors exit 2.
    assert_eq!(rampart(&db, &["import"]).status.code(), Some(2));
    assert_eq!(rampart(&db, &["findings", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(rampart(&db, &["no-such-command"]).status.code(), Some(2));
    // Reading commands do not create a workspace that does not exist.
    let missing = dir.path().join("missing.db");
    let out = rampart(&missing, &["findings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no workspace at"));
    assert!(!missing.exists());
    // A file that is not there is named.
    let out = rampart(&db, &["import", "/nonexistent/export.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/export.json: cannot open"));
}

/// Untrusted text never drives the terminal: a finding id or catalog text carrying escape
/// sequences (an OSC title, an OSC 52 clipboard write, BEL, clear screen) is printed as
/// text, and a bidi control shows as its code point.
#[test]
fn escape_sequences_in_ids_and_catalog_text_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let bad = dir.path().join("bad.json");
    let finding = serde_json::json!({"Findings": [{
        "SchemaVersion": "2018-10-08", "Id": "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}y",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub", "GeneratorId": "g",
        "AwsAccountId": "111122223333", "CreatedAt": "yesterday", "UpdatedAt": "2026-03-01T00:00:00Z",
        "Title": "t", "Description": "d", "Resources": []
    }]});
    std::fs::write(&bad, serde_json::to_vec(&finding).expect("json")).expect("write");
    let out = rampart(&db, &["import", bad.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("<U+202E>"), "{err}");
    let catalog = dir.path().join("evil.toml");
    std::fs::write(
        &catalog,
        "[framework]\nid = \"evil\"\nname = \"E\\u001b]52;c;ZXZpbA==\\u0007vil\"\n\n[[requirement]]\nid = \"R\\u001b[31m1\"\ntitle = \"t\"\nsummary = \"s\"\n[[requirement.evidence]]\ncontrol = \"Nope.1\\u001b[2J\"\nwhy = \"w\"\n",
    )
    .expect("catalog");
    let checked = rampart(&db, &["catalog", "check", catalog.to_str().expect("path")]);
    assert!(!checked.status.success());
    let text = String::from_utf8_lossy(&checked.stderr).into_owned();
    assert!(text.contains("Nope.1"), "{text}");
    // A valid custom framework whose name and titles carry escapes: the posture table shows
    // them as text.
    let custom = dir.path().join("custom.toml");
    std::fs::write(
        &custom,
        "[framework]\nid = \"evil\"\nname = \"E\\u001b]52;c;ZXZpbA==\\u0007vil\"\n\n[[requirement]]\nid = \"R1\"\ntitle = \"t\\u001b[2J\\u202eitle\"\nsummary = \"s\"\n[[requirement.evidence]]\ncontrol = \"S3.8\"\nwhy = \"w\"\n",
    )
    .expect("catalog");
    let good = crate::common::fixtures("import").join("securityhub-consolidated.json");
    ok(rampart(&db, &["import", good.to_str().expect("path")]));
    let table = ok(rampart(&db, &["--catalog", custom.to_str().expect("path"), "posture"]));
    assert!(table.contains("E ]52;c;ZXZpbA== vil"), "{table}");
    for stream in [err, text, table] {
        assert!(
            !stream.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{stream:?}"
        );
    }
}

/// A Prowler check that names no Security Hub control maps to the requirements Prowler
/// declares (HIPAA 164.312(b) here; its manual 164.308(a)(1)(ii)(A) is never reached by a
/// scan), and a row stored before declarations were kept gets them from its OCSF document
/// when it is mapped again.
#[test]
fn a_prowler_check_maps_to_the_requirements_it_declares() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("prowler.db");
    let text = std::fs::read_to_string(fixtures("import/prowler-ocsf.json")).expect("fixture");
    let mut doc: Value = serde_json::from_str(&text).expect("json");
    doc[0]["unmapped"]["compliance"]["HIPAA"] = serde_json::json!(["164_312_b", "164_308_a_1_ii_a"]);
    let id = doc[0]["finding_info"]["uid"].as_str().expect("uid").to_string();
    let file = dir.path().join("prowler.json");
    std::fs::write(&file, serde_json::to_string(&doc).expect("json")).expect("write");
    ok(rampart(&db, &["import", file.to_str().expect("path")]));
    let requirements = |db: &Path| -> Vec<Value> {
        let all = findings_json(db);
        let row = all.iter().find(|f| f["id"] == id).expect("the Prowler finding");
        row["requirements"].as_array().expect("requirements").clone()
    };
    assert_eq!(requirements(&db), [Value::from("hipaa:164.312(b)")]);
    // As stored before schema 23: nothing kept, to be mapped again.
    {
        let store = rampart_core::Store::open(&db).expect("open");
        store
            .conn()
            .execute_batch("UPDATE findings SET declared = NULL, mapped = 0; DELETE FROM finding_requirements;")
            .expect("age the row");
    }
    assert_eq!(requirements(&db), [Value::from("hipaa:164.312(b)")]);
}

#[test]
fn real_findings_go_into_the_demo_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    ok(rampart(&db, &["demo", "--end-day", "2026-11-28"]));
    let before = findings_json(&db).len();
    let export = fixtures("import/asff-single-finding.json");
    let export = export.to_str().expect("path");
    let refused = rampart(&db, &["import", export]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("is the demo workspace") && said.contains("--into-demo"),
        "{said}"
    );
    assert_eq!(findings_json(&db).len(), before, "nothing was imported");
    let sync = rampart(&db, &["sync", "--region", "us-east-1"]);
    assert!(String::from_utf8_lossy(&sync.stderr).contains("a sync would mix real findings"));
    ok(rampart(&db, &["import", "--into-demo", export]));
    assert!(findings_json(&db).len() > before, "asked for: imported");
    // Any other workspace takes an import without a word.
    let other = dir.path().join("mine.db");
    ok(rampart(&other, &["import", export]));
}
