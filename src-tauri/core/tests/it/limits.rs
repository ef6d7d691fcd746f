//! The limits on untrusted sizes (#20, item 6): a finding's text beyond what AWS documents
//! is refused at import, naming the field; a finding's JSON has a ceiling; evidence and
//! catalog files are regular files under a cap, refused at once otherwise (never waited
//! on, never read for ever). The fixtures in `tests/fixtures/import-bad/` cover one field
//! of each source; these are the cases too large, or too live, for a fixture file.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use rampart_core::catalog::read_catalog_file;
use rampart_core::limits::{self, ReadRefused};
use rampart_core::store::attestations::evidence_of;
use rampart_core::{ImportInput, Store};
use serde_json::json;

fn asff(id: &str) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": id,
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": "security-control/S3.8", "AwsAccountId": "111122223333",
        "CreatedAt": "2026-03-01T00:00:00Z", "UpdatedAt": "2026-03-01T00:00:00Z",
        "Title": "S3 general purpose buckets should block public access", "Description": "d",
        "Severity": {"Label": "HIGH"},
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::b"}],
        "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"}
    })
}

fn import(store: &mut Store, findings: Vec<serde_json::Value>) -> Result<(), String> {
    let body = serde_json::to_vec(&json!({ "Findings": findings })).expect("json");
    store
        .import(
            vec![ImportInput::new("f.json", std::io::Cursor::new(body))],
            &rampart_core::time::now_ms,
        )
        .map(drop)
        .map_err(|e| e.to_string())
}

fn rows(store: &Store) -> (i64, i64, i64) {
    store
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM findings), (SELECT count(*) FROM finding_history),
                    (SELECT count(*) FROM imports)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts")
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("w.db")).expect("open");
    (dir, store)
}

/// The security review's case: a 1 MB title froze the window. It is refused at import,
/// naming the field, its length and ASFF's maximum, and nothing is stored.
#[test]
fn a_1_mb_asff_title_is_refused_naming_the_field_and_nothing_is_stored() {
    let (_d, mut store) = temp_store();
    import(&mut store, vec![asff("kept")]).expect("a normal finding");
    let before = rows(&store);
    let mut f = asff("huge-title");
    f["Title"] = json!("T".repeat(1024 * 1024));
    let err = import(&mut store, vec![asff("also-kept"), f]).expect_err("refused");
    assert_eq!(
        err,
        "f.json: finding #1 (huge-title): read as ASFF (Security Hub CSPM): field `Title` is 1048576 characters long; ASFF allows at most 256"
    );
    assert_eq!(rows(&store), before, "nothing of the file was stored");
}

/// AWS counts characters, not bytes: text at each maximum is accepted however many bytes
/// its characters take, and kept whole.
#[test]
fn text_at_the_documented_maximum_is_kept_whole_counting_characters() {
    let (_d, mut store) = temp_store();
    let title = "é".repeat(limits::asff::TITLE); // 512 bytes
    let description = "🔥".repeat(limits::asff::DESCRIPTION); // 4096 bytes
    let mut f = asff("at-the-limit");
    f["Title"] = json!(title);
    f["Description"] = json!(description);
    f["Resources"][0]["Tags"] = json!({ "k".repeat(limits::TAG_KEY_CHARS): "v".repeat(limits::TAG_VALUE_CHARS) });
    f["Resources"] = json!(vec![f["Resources"][0].clone(); limits::asff::RESOURCES]);
    import(&mut store, vec![f]).expect("at the limits");
    let (t, d): (String, String) = store
        .conn()
        .query_row("SELECT title, description FROM findings", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row");
    assert_eq!((t, d), (title, description));
}

/// A finding whose JSON is over the ceiling is refused whatever field holds the bulk
/// (here one Rampart does not even read).
#[test]
fn a_finding_of_more_than_2_mib_of_json_is_refused() {
    let (_d, mut store) = temp_store();
    let mut f = asff("bulky");
    f["Resources"][0]["Details"] = json!({"Other": {"Blob": "b".repeat(limits::FINDING_JSON_BYTES)}});
    let err = import(&mut store, vec![f]).expect_err("refused");
    assert!(
        err.starts_with("f.json: finding #0: its JSON is ") && err.contains("Rampart reads at most 2097152 bytes"),
        "{err}"
    );
    assert_eq!(rows(&store), (0, 0, 0));
}

/// An unknown value is read leniently and quoted in the note, but never whole: a 1 MB
/// severity label makes a one-line note, and the finding is kept and counted.
#[test]
fn an_unknown_1_mb_value_is_quoted_briefly() {
    let (_d, mut store) = temp_store();
    let mut f = asff("odd-severity");
    f["Severity"]["Label"] = json!(format!("\u{202E}{}", "x".repeat(1024 * 1024)));
    let body = serde_json::to_vec(&json!({ "Findings": [f] })).expect("json");
    let mut notes = Vec::new();
    rampart_core::import::read_export(std::io::Cursor::new(&body), &Default::default(), |item| {
        notes.push(item.finding.lenient.clone().unwrap_or_default());
        Ok::<_, String>(())
    })
    .expect("read");
    assert!(
        notes[0].starts_with("`Severity.Label` \"<U+202E>"),
        "{}",
        &notes[0][..80.min(notes[0].len())]
    );
    assert!(notes[0].ends_with("read as INFORMATIONAL"), "{}", notes[0]);
    assert!(notes[0].len() < 400, "{} bytes", notes[0].len());
    let reports = store
        .import(
            vec![rampart_core::ImportInput::new("f.json", std::io::Cursor::new(body))],
            &rampart_core::time::now_ms,
        )
        .expect("kept");
    assert_eq!((reports[0].counts.inserted, reports[0].counts.lenient), (1, 1));
}

/// Runs `f` on another thread and fails the test if it has not returned within 10 s: a
/// refusal that waits on a FIFO would otherwise hang the test run instead of failing it.
fn within_10_s<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("{what}: still running after 10 s"))
}

fn fifo(dir: &Path) -> PathBuf {
    let path = dir.join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
    path
}

/// A file of `len` bytes that takes no room on disk.
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(len))
        .expect("sparse file");
    path
}

/// `rampart attest --evidence` on a FIFO or `/dev/zero` never returned (#20, item 6):
/// evidence must be a regular file under its cap, and anything else is refused at once,
/// naming the file.
#[test]
fn evidence_that_is_not_a_small_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pipe = fifo(dir.path());
    let big = sparse(dir.path(), "huge.bin", limits::EVIDENCE_FILE_BYTES + 1);
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("mkdir");
    for (path, expected) in [
        (
            pipe,
            "is a FIFO (named pipe), not a regular file; only a regular file is read",
        ),
        (
            PathBuf::from("/dev/zero"),
            "is a character device, not a regular file; only a regular file is read",
        ),
        (
            folder,
            "is a directory, not a regular file; only a regular file is read",
        ),
        (
            big,
            "is 268435457 bytes; an evidence file may be at most 256 MiB (268435456 bytes)",
        ),
    ] {
        let shown = path.display().to_string();
        let err = within_10_s(&shown, move || evidence_of(&path)).expect_err(&shown);
        assert_eq!(err.field, "evidence");
        assert_eq!(err.message, format!("{shown}: {expected}"));
    }

    let policy = dir.path().join("policy.pdf");
    std::fs::write(&policy, b"abc").expect("write");
    assert_eq!(
        evidence_of(&policy).expect("a regular file"),
        (
            "policy.pdf".to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_string()
        )
    );
}

/// The catalog reader the CLI and the window share: a regular UTF-8 file under its cap.
#[test]
fn a_catalog_file_is_read_only_when_it_is_a_small_regular_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/catalog/custom-framework.toml");
    let text = read_catalog_file(&fixture).expect("a catalog file");
    assert_eq!(text, std::fs::read_to_string(&fixture).expect("read"));

    let big = sparse(dir.path(), "big.toml", limits::CATALOG_FILE_BYTES + 1);
    let err = read_catalog_file(&big).expect_err("too big");
    assert!(matches!(err, ReadRefused::TooLarge { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: is 8388609 bytes; a catalog file may be at most 8 MiB (8388608 bytes)",
            big.display()
        )
    );

    let pipe = fifo(dir.path());
    let shown = pipe.display().to_string();
    let err = within_10_s("catalog FIFO", move || read_catalog_file(&pipe)).expect_err("a FIFO");
    assert_eq!(
        err.to_string(),
        format!("{shown}: is a FIFO (named pipe), not a regular file; only a regular file is read")
    );

    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"name = \"caf\xe9\"\n").expect("write");
    let err = read_catalog_file(&latin1).expect_err("not UTF-8");
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read: ", latin1.display())),
        "{err}"
    );

    let missing = dir.path().join("missing.toml");
    let err = read_catalog_file(&missing).expect_err("missing");
    assert!(matches!(err, ReadRefused::Open { .. }), "{err}");
}
