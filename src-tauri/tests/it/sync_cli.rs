//! `rampart sync` as a user runs it: the real binary against the project's AWS endpoint
//! (tests/aws-endpoint) — killed mid-run and run again, with broken credentials, and
//! with faults — checking what reaches the database, the terminal and the status.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{ok, rampart};
use aws_endpoint::{synth, Dataset, Endpoint, Faults};

const ACCOUNT: &str = "123456789012";
const SECRET: &str = "cli-test-secret-9fK2LmQ7vXw4-must-not-leak";

/// `rampart sync` against `url` with only test credentials from the environment.
fn bare_sync_command(db: &Path, home: &Path, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
    c.arg("--db")
        .arg(db)
        .args(["sync", "--endpoint-url", url])
        .env_remove("RAMPART_DB")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIACLITEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    c
}

/// Security Hub in us-east-1, plus `extra`.
fn sync_command(db: &Path, home: &Path, url: &str, extra: &[&str]) -> Command {
    let mut c = bare_sync_command(db, home, url);
    c.args(["--region", "us-east-1", "--source", "securityhub"]).args(extra);
    c
}

fn active(n: usize) -> Dataset {
    let mut findings = synth::securityhub_findings(n, ACCOUNT, &["us-east-1"], 21);
    for f in &mut findings {
        f["RecordState"] = "ACTIVE".into();
    }
    Dataset {
        account: ACCOUNT.into(),
        securityhub: findings,
        ..Dataset::default()
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    let store = rampart_core::Store::open(db).expect("open");
    store.conn().query_row(sql, [], |r| r.get(0)).expect("count")
}

/// A Security Hub sync started in the background, its output discarded.
fn spawn_quiet(db: &Path, home: &Path, url: &str) -> Child {
    sync_command(db, home, url, &["--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn kill_after_pages(child: Child, ep: &Endpoint, pages: u64) {
    kill_after(child, ep, "GetFindings", pages)
}

/// Kills the sync (SIGKILL) once the endpoint has served `pages` pages of `op`.
fn kill_after(mut child: Child, ep: &Endpoint, op: &str, pages: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while ep.stats().op(op).ok < pages {
        assert!(Instant::now() < deadline, "the sync never got going");
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the sync ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
}

#[test]
fn killing_the_process_mid_sync_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let ep = Endpoint::start(active(1500), Faults::default()).expect("endpoint");
    // 15 pages at 3 a second: the kill lands while pages are still coming.
    let child = spawn_quiet(&db, dir.path(), &ep.url());
    kill_after_pages(child, &ep, 8);
    let kept = count(&db, "SELECT count(*) FROM findings");
    assert!(kept > 0 && kept < 1500, "{kept} findings after the kill");
    let status: serde_json::Value =
        serde_json::from_str(&ok(rampart(&db, &["sync", "--status", "--format", "json"]))).expect("json");
    assert_eq!(status[0]["resumable"], true, "{status}");
    assert!(status[0]["last_success"].is_null());

    ep.reset_stats();
    let out = sync_command(&db, dir.path(), &ep.url(), &[]).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("resuming where the last run stopped"), "{stderr}");
    assert_eq!(count(&db, "SELECT count(*) FROM findings"), 1500);
    assert_eq!(count(&db, "SELECT count(*) FROM finding_history"), 1500);
    // The second run fetched what the first had not stored (plus at most the page in
    // flight when it was killed).
    let served = ep.stats().op("GetFindings").items_served as i64;
    assert!(served <= 1500 - kept + 100, "refetched {served} after keeping {kept}");
    let status: serde_json::Value =
        serde_json::from_str(&ok(rampart(&db, &["sync", "--status", "--format", "json"]))).expect("json");
    assert_eq!(status[0]["resumable"], false);
    assert!(status[0]["last_error"].is_null());
}

/// The same for the new Security Hub's GetFindingsV2, which runs after CSPM's GetFindings:
/// killed while its OCSF pages are coming, the re-run resumes that query, and every finding
/// ends up one row with both documents, its history written once.
#[test]
fn killing_the_process_mid_getfindingsv2_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let ep = Endpoint::start(active(1500), Faults::default()).expect("endpoint");
    let child = spawn_quiet(&db, dir.path(), &ep.url());
    kill_after(child, &ep, "GetFindingsV2", 6);
    let ocsf = "SELECT count(*) FROM finding_raw WHERE format = 'ocsf'";
    let kept = count(&db, ocsf);
    assert_eq!(
        count(&db, "SELECT count(*) FROM findings"),
        1500,
        "CSPM's pages came first"
    );
    assert!(kept > 0 && kept < 1500, "{kept} OCSF documents after the kill");

    ep.reset_stats();
    let out = sync_command(&db, dir.path(), &ep.url(), &[]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("resuming where the last run stopped"), "{stderr}");
    assert_eq!(count(&db, "SELECT count(*) FROM findings"), 1500);
    assert_eq!(count(&db, ocsf), 1500, "every twin keeps its OCSF document, once");
    assert_eq!(
        count(&db, "SELECT count(*) FROM finding_raw WHERE format = 'asff'"),
        1500
    );
    assert_eq!(count(&db, "SELECT count(*) FROM finding_history"), 1500);
    let served = ep.stats().op("GetFindingsV2").items_served as i64;
    assert!(
        served <= 1500 - kept + 100,
        "refetched {served} OCSF findings after keeping {kept}"
    );
}

#[test]
fn broken_credentials_say_which_profile_and_how_to_fix_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let ep = Endpoint::start(active(10), Faults::default()).expect("endpoint");
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile expired-sso]\nregion = us-east-1\ncredential_process = /bin/false\n",
    )
    .expect("config");
    let out: Output = sync_command(&db, dir.path(), &ep.url(), &["--profile", "expired-sso"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("expired-sso"), "{text}");
    assert!(text.contains("aws sso login --profile expired-sso"), "{text}");
    assert_eq!(ep.stats().op("GetFindings").requests, 0);
}

#[test]
fn faults_and_a_denied_region_never_leak_the_secret_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let mut ds = active(300);
    ds.securityhub
        .extend(synth::securityhub_findings(50, ACCOUNT, &["eu-west-1"], 5));
    let ep = Endpoint::start(
        ds,
        Faults {
            seed: 9,
            throttle_rate: 0.3,
            error_500_rate: 0.05,
            drop_connections: 1,
            deny_regions: vec!["eu-west-1".into()],
            ..Faults::default()
        },
    )
    .expect("endpoint");
    let out = sync_command(&db, dir.path(), &ep.url(), &["--region", "eu-west-1"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    // us-east-1 completes; eu-west-1 is refused and named.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("securityhub 123456789012/us-east-1: ")
                && l.ends_with("page(s), 300 findings (300 new, 0 updated): ok")),
        "{stdout}"
    );
    assert!(
        stdout.contains("AccessDenied on securityhub:GetFindings in eu-west-1"),
        "{stdout}"
    );
    assert!(
        stderr.contains("retry"),
        "throttling was retried and reported: {stderr}"
    );
    let status = ok(rampart(&db, &["sync", "--status"]));
    assert!(
        status.contains("AccessDenied on securityhub:GetFindings in eu-west-1"),
        "{status}"
    );

    for text in [&stdout, &stderr, &status] {
        assert!(!text.contains(SECRET));
    }
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "{} holds the secret key",
                path.display()
            );
        }
    }
}

#[test]
fn a_sync_not_told_what_to_read_uses_the_saved_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let mut data = active(0);
    data.securityhub = synth::securityhub_findings(60, ACCOUNT, &["us-east-1", "eu-west-1"], 5);
    for f in &mut data.securityhub {
        f["RecordState"] = "ACTIVE".into();
    }
    let in_eu = data.securityhub.iter().filter(|f| f["Region"] == "eu-west-1").count() as i64;
    assert!(in_eu > 0 && in_eu < 60, "both Regions hold findings");
    let ep = Endpoint::start(data, Faults::default()).expect("endpoint");
    // An empty workspace to hold the settings.
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, r#"{"Findings": []}"#).expect("write");
    ok(rampart(&db, &["import", empty.to_str().expect("utf-8")]));
    let refused = rampart(&db, &["settings", "set", "--sync-region", "eu-west", "--by", "ops"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("sync.regions"));
    let shown = ok(rampart(
        &db,
        &[
            "settings",
            "set",
            "--sync-region",
            "eu-west-1",
            "--sync-source",
            "securityhub",
            "--by",
            "ops",
        ],
    ));
    assert!(shown.contains("Regions eu-west-1; sources securityhub"), "{shown}");
    // No --region and no --source: the saved ones.
    let out = bare_sync_command(&db, dir.path(), &ep.url()).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&db, "SELECT count(*) FROM findings"), in_eu);
    assert_eq!(
        count(&db, "SELECT count(*) FROM findings WHERE region <> 'eu-west-1'"),
        0
    );
    assert_eq!(ep.stats().op("ListFindings").requests, 0, "Inspector was not asked");
}
