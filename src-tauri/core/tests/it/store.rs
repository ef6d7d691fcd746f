//! The store's promises: later `UpdatedAt` wins in any file order, re-imports change
//! nothing, every status change lands in the append-only history (late files included),
//! databases from newer builds are refused, and untrusted text round-trips exactly.

use rampart_core::query::findings::{for_each_finding, history, FindingFilter, FindingRow};
use rampart_core::store::{self, findings::raw_json, Store, StoreError};
use rampart_core::ImportInput;
use serde_json::json;

fn asff(id: &str, updated: &str, status: &str) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": id,
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": "security-control/S3.8",
        "AwsAccountId": "111122223333",
        "CreatedAt": "2026-01-01T00:00:00Z",
        "UpdatedAt": updated,
        "Severity": {"Label": "HIGH"},
        "Title": format!("title at {updated}"),
        "Description": "d",
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::b"}],
        "Compliance": {"Status": status, "SecurityControlId": "S3.8"},
        "RecordState": "ACTIVE"
    })
}

fn export(findings: &[serde_json::Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "Findings": findings })).expect("json")
}

fn import(store: &mut Store, label: &str, bytes: Vec<u8>) -> rampart_core::ImportReport {
    store
        .import(
            vec![ImportInput::new(label, std::io::Cursor::new(bytes))],
            &rampart_core::time::now_ms,
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .remove(0)
}

fn rows(store: &Store) -> Vec<FindingRow> {
    let mut out = Vec::new();
    for_each_finding(store.conn(), &FindingFilter::default(), 0, |r| {
        out.push(r);
        Ok(())
    })
    .expect("list");
    out
}

fn statuses(store: &Store, id: &str) -> Vec<(String, String)> {
    history(store.conn(), id, None)
        .expect("history")
        .into_iter()
        .map(|e| (e.at, e.status))
        .collect()
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("w.db")).expect("open");
    (dir, store)
}

#[test]
fn reimporting_the_same_file_changes_nothing() {
    let (_d, mut store) = temp_store();
    let file = export(&[
        asff("a", "2026-03-01T00:00:00Z", "FAILED"),
        asff("b", "2026-03-01T00:00:00Z", "PASSED"),
    ]);
    let first = import(&mut store, "f", file.clone());
    assert_eq!((first.counts.inserted, first.counts.history), (2, 2));
    let before = (rows(&store), statuses(&store, "a"));
    let second = import(&mut store, "f", file);
    assert_eq!(
        (
            second.counts.inserted,
            second.counts.updated,
            second.counts.unchanged,
            second.counts.history
        ),
        (0, 0, 2, 0)
    );
    assert_eq!((rows(&store), statuses(&store, "a")), before);
}

#[test]
fn the_later_updated_at_wins_in_either_file_order() {
    let old = export(&[asff("a", "2026-03-01T00:00:00Z", "FAILED")]);
    let new = export(&[asff("a", "2026-03-02T00:00:00.500+00:00", "PASSED")]);
    let (_d1, mut s1) = temp_store();
    import(&mut s1, "old", old.clone());
    import(&mut s1, "new", new.clone());
    let (_d2, mut s2) = temp_store();
    import(&mut s2, "new", new);
    let late = import(&mut s2, "old", old);
    assert_eq!(late.counts.stale, 1);
    let (r1, r2) = (rows(&s1), rows(&s2));
    assert_eq!(r1.len(), 1);
    assert_eq!(r1[0].status, "passed");
    assert_eq!(r1[0].title, "title at 2026-03-02T00:00:00.500+00:00");
    assert_eq!(r1, r2);
    // Both histories say the same: failed on the 1st, passed on the 2nd.
    let want = vec![
        ("2026-03-01T00:00:00.000Z".to_string(), "failed".to_string()),
        ("2026-03-02T00:00:00.500Z".to_string(), "passed".to_string()),
    ];
    assert_eq!(statuses(&s1, "a"), want);
    assert_eq!(statuses(&s2, "a"), want);
}

#[test]
fn a_late_file_inside_the_known_period_is_written_into_history() {
    let (_d, mut store) = temp_store();
    import(&mut store, "d1", export(&[asff("a", "2026-03-01T00:00:00Z", "FAILED")]));
    import(&mut store, "d3", export(&[asff("a", "2026-03-03T00:00:00Z", "FAILED")]));
    // Day 2 arrives last and says the finding briefly passed.
    import(&mut store, "d2", export(&[asff("a", "2026-03-02T00:00:00Z", "PASSED")]));
    assert_eq!(
        statuses(&store, "a"),
        vec![
            ("2026-03-01T00:00:00.000Z".into(), "failed".into()),
            ("2026-03-02T00:00:00.000Z".into(), "passed".into()),
            ("2026-03-03T00:00:00.000Z".into(), "failed".into()),
        ]
    );
    assert_eq!(rows(&store)[0].status, "failed");
    // The event after the late one now follows it (its `prev_*` are what a full
    // recomputation from the facts gives).
    assert_eq!(store.relink_history().expect("relink"), 0);
    // The same late file again adds nothing.
    let again = import(&mut store, "d2", export(&[asff("a", "2026-03-02T00:00:00Z", "PASSED")]));
    assert_eq!(again.counts.history, 0);
}

#[test]
fn history_is_append_only() {
    let (_d, mut store) = temp_store();
    import(&mut store, "f", export(&[asff("a", "2026-03-01T00:00:00Z", "FAILED")]));
    for sql in [
        "UPDATE finding_history SET status = 'passed'",
        "UPDATE finding_history SET at = 0",
        "DELETE FROM finding_history",
    ] {
        let err = store.conn().execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn a_database_from_a_newer_rampart_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    drop(Store::open(&path).expect("open"));
    {
        let conn = rampart_core::rusqlite::Connection::open(&path).expect("raw open");
        conn.pragma_update(None, "user_version", 99).expect("bump");
    }
    let bytes_before = std::fs::read(&path).expect("read");
    match Store::open(&path) {
        Err(e @ StoreError::NewerSchema { found: 99, .. }) => assert_eq!(e.code(), "newer_schema"),
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert!(matches!(store::open_reader(&path), Err(StoreError::NewerSchema { .. })));
    assert_eq!(std::fs::read(&path).expect("read"), bytes_before);
}

#[test]
fn a_foreign_sqlite_file_is_not_taken_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("other.db");
    {
        let conn = rampart_core::rusqlite::Connection::open(&path).expect("raw open");
        conn.execute_batch("CREATE TABLE notes(x)").expect("create");
    }
    assert!(matches!(Store::open(&path), Err(StoreError::NotRampart { .. })));
}

#[cfg(unix)]
#[test]
fn the_database_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/folder/w.db");
    let mut store = Store::open(&path).expect("open");
    import(&mut store, "f", export(&[asff("a", "2026-03-01T00:00:00Z", "FAILED")]));
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().expect("parent")), 0o700);
    assert_eq!(mode(&path.with_extension("db-wal")), 0o600);
}

#[test]
fn untrusted_text_round_trips_exactly() {
    let (_d, mut store) = temp_store();
    // As long as ASFF allows a description: kept whole, character for character.
    let long: String = "A long description with <b>markup</b> & entities. 🔥 "
        .chars()
        .cycle()
        .take(rampart_core::limits::asff::DESCRIPTION)
        .collect();
    let titles = [
        "<img src=x onerror=alert(1)>",
        "<script>window.pwned = 1</script>",
        "'; DROP TABLE findings; --",
        "\u{202E}gnp.exe \u{202D} مرحبا بالعالم 🔥🛡️ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "tab\tnewline\nnul\u{0}bell\u{7}esc\u{1b}[31m",
    ];
    let mut findings = Vec::new();
    for (i, t) in titles.iter().enumerate() {
        let mut f = asff(&format!("adv-{i}"), "2026-03-01T00:00:00Z", "FAILED");
        f["Title"] = json!(t);
        f["Description"] = json!(if i == 0 { long.as_str() } else { *t });
        f["Resources"][0]["Id"] = json!(format!("arn:aws:s3:::{t}"));
        f["Resources"][0]["Tags"] =
            json!({ "Name": "x' OR '1'='1", "<b>": "\"; DELETE FROM imports; --", "emoji🔑": t });
        findings.push(f);
    }
    import(&mut store, "adversarial.json", export(&findings));
    let stored = rows(&store);
    for (i, t) in titles.iter().enumerate() {
        let row = stored.iter().find(|r| r.id == format!("adv-{i}")).expect("stored");
        assert_eq!(row.title, *t);
        assert_eq!(row.resources, vec![format!("arn:aws:s3:::{t}")]);
    }
    let description: String = store
        .conn()
        .query_row("SELECT description FROM findings WHERE id = 'adv-0'", [], |r| r.get(0))
        .expect("description");
    assert_eq!(description, long);
    let tags: String = store
        .conn()
        .query_row(
            "SELECT r.tags FROM finding_resources r JOIN findings f ON f.fid = r.fid WHERE f.id = 'adv-2'",
            [],
            |r| r.get(0),
        )
        .expect("tags");
    let tags: Vec<(String, String)> = serde_json::from_str(&tags).expect("tags json");
    assert!(tags.contains(&("Name".into(), "x' OR '1'='1".into())));
    assert!(tags.contains(&("<b>".into(), "\"; DELETE FROM imports; --".into())));
    // The raw JSON kept is the finding exactly as the file had it.
    let fid: i64 = store
        .conn()
        .query_row("SELECT fid FROM findings WHERE id = 'adv-4'", [], |r| r.get(0))
        .expect("fid");
    let (format, raw) = raw_json(store.conn(), fid)
        .expect("raw")
        .into_iter()
        .next()
        .expect("present");
    assert_eq!(format, "asff");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&raw).expect("raw parses"),
        findings[4]
    );
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .expect("imports");
    assert_eq!(n, 1);
}

#[test]
fn a_database_error_mid_import_is_reported_and_rolls_everything_back() {
    let (_d, mut store) = temp_store();
    import(
        &mut store,
        "first",
        export(&[asff("kept", "2026-03-01T00:00:00Z", "FAILED")]),
    );
    // The writer fails on the second finding of the second file (of three).
    store
        .conn()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON findings WHEN NEW.id = 'boom'
             BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;",
        )
        .expect("trigger");
    let many: Vec<_> = (0..600)
        .map(|i| asff(&format!("f{i}"), "2026-03-02T00:00:00Z", "PASSED"))
        .collect();
    let inputs = vec![
        ImportInput::new("one.json", std::io::Cursor::new(export(&many))),
        ImportInput::new(
            "two.json",
            std::io::Cursor::new(export(&[
                asff("a", "2026-03-02T00:00:00Z", "PASSED"),
                asff("boom", "2026-03-02T00:00:00Z", "FAILED"),
            ])),
        ),
        ImportInput::new("three.json", std::io::Cursor::new(export(&many))),
    ];
    let err = store
        .import(inputs, &rampart_core::time::now_ms)
        .expect_err("must fail");
    let text = err.to_string();
    assert!(
        text.starts_with("two.json: database error at finding #1") && text.contains("refused by a test trigger"),
        "{text}"
    );
    let ids: Vec<String> = rows(&store).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, vec!["kept".to_string()]);
    let imports: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .expect("count");
    assert_eq!(imports, 1);
}
