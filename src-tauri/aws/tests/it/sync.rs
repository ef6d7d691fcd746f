//! Live sync through the real SDK against the project's own endpoint (tests/aws-endpoint),
//! which speaks the Security Hub, Inspector, Config and STS wire protocols, enforces the
//! GetFindings quota and injects faults. Each test has its own endpoint and database.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, Once};

use aws_endpoint::{synth, Aggregator, ConformancePack, Dataset, Endpoint, Faults};
use rampart_aws::{connect, targets, ConnectOptions};
use rampart_core::catalog::Catalog;
use rampart_core::query::findings::{for_each_finding, FindingFilter, FindingRow};
use rampart_core::store::{sync_state, Store};
use rampart_core::sync::engine::{self, Cancel, Events, Summary, SyncOptions, Work};
use rampart_core::sync::{ErrorKind, SyncEvent};
use rampart_core::ImportInput;

const ACCOUNT: &str = "123456789012";
const SECRET: &str = "rampart-test-secret-Zq8vW3nP5tK1xY7m-never-stored";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn credentials() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIARAMPARTTEST");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET);
        std::env::remove_var("AWS_SESSION_TOKEN");
        std::env::remove_var("AWS_PROFILE");
        std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/rampart/config");
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/rampart/credentials");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    });
}

const PACK: &str = "Operational-Best-Practices-for-HIPAA-Security";

fn dataset(sh: usize, insp: usize) -> Dataset {
    let config_rules = synth::config_rules(12, 15, &REGIONS, 10);
    // Three of the us-east-1 rules belong to a conformance pack.
    let pack_rules: Vec<String> = config_rules
        .iter()
        .filter(|r| r.region == "us-east-1")
        .take(3)
        .map(|r| r.name.clone())
        .collect();
    Dataset {
        account: ACCOUNT.into(),
        securityhub: synth::securityhub_findings(sh, ACCOUNT, &REGIONS, 7),
        inspector: synth::inspector_findings(insp, ACCOUNT, &REGIONS, 8),
        coverage: synth::coverage(30, ACCOUNT, &REGIONS, 9),
        config_rules,
        conformance_packs: vec![ConformancePack {
            region: "us-east-1".into(),
            name: PACK.into(),
            rule_names: pack_rules,
        }],
        ..Dataset::default()
    }
}

/// A quick retry policy so fault tests do not sleep for real backoff.
fn fast() -> SyncOptions {
    let mut o = SyncOptions::default();
    o.retry.throttled_base = std::time::Duration::from_millis(50);
    o.retry.transient_base = std::time::Duration::from_millis(20);
    o.retry.cap = std::time::Duration::from_secs(2);
    o
}

struct Run {
    summary: Summary,
    events: Vec<SyncEvent>,
}

fn sync_with(
    db: &Path,
    url: &str,
    sources: &[&str],
    opts: SyncOptions,
    cancel: Cancel,
    after_pages: Option<usize>,
) -> Run {
    credentials();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let aws = connect(&ConnectOptions {
            profile: None,
            endpoint_url: Some(url.to_string()),
            attempt_timeout: Some(std::time::Duration::from_secs(2)),
        })
        .await;
        let regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
        let sources: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
        let t = targets(&aws, &regions, &sources).await.expect("targets");
        assert_eq!(t.account, ACCOUNT);
        let seen: Arc<Mutex<Vec<SyncEvent>>> = Arc::default();
        let events: Events = {
            let seen = seen.clone();
            let cancel = cancel.clone();
            Arc::new(move |e: SyncEvent| {
                let mut s = seen.lock().unwrap();
                s.push(e);
                let pages = s.iter().filter(|e| matches!(e, SyncEvent::Page { .. })).count();
                if after_pages.is_some_and(|n| pages >= n) {
                    cancel.cancel();
                }
            })
        };
        let catalog = Arc::new(Catalog::builtin().unwrap());
        let store = Store::open(db).unwrap();
        let (_store, summary) = engine::run(
            store,
            catalog,
            Work {
                fetchers: t.fetchers,
                skipped: t.skipped,
            },
            opts,
            cancel,
            events,
            Arc::new(rampart_core::time::now_ms),
        )
        .await;
        let events = seen.lock().unwrap().clone();
        Run { summary, events }
    })
}

fn sync(db: &Path, url: &str, sources: &[&str]) -> Run {
    sync_with(db, url, sources, fast(), Cancel::default(), None)
}

fn rows(db: &Path) -> BTreeMap<String, FindingRow> {
    let store = Store::open(db).unwrap();
    let mut out = BTreeMap::new();
    for_each_finding(store.conn(), &FindingFilter::default(), 0, |r| {
        out.insert(r.id.clone(), r);
        Ok(())
    })
    .unwrap();
    out
}

fn count(db: &Path, sql: &str) -> i64 {
    let store = Store::open(db).unwrap();
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The same data imported from files, the way `rampart import` reads CLI exports.
fn imported(ds: &Dataset, dir: &Path) -> BTreeMap<String, FindingRow> {
    let db = dir.join("imported.db");
    let mut store = Store::open(&db).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let sh = serde_json::to_vec(&serde_json::json!({ "Findings": ds.securityhub })).unwrap();
    let insp = serde_json::to_vec(&serde_json::json!({ "findings": ds.inspector })).unwrap();
    let mut inputs = vec![
        ImportInput::new("sh.json", std::io::Cursor::new(sh)),
        ImportInput::new("inspector.json", std::io::Cursor::new(insp)),
    ];
    for rule in &ds.config_rules {
        let body = serde_json::to_vec(&serde_json::json!({ "EvaluationResults": rule.results })).unwrap();
        inputs.push(
            ImportInput::new(format!("{}.json", rule.name), std::io::Cursor::new(body)).with_options(
                rampart_core::import::ImportOptions {
                    account: Some(ACCOUNT.into()),
                    region: Some(rule.region.clone()),
                    observed_at: None,
                    conformance_pack: ds
                        .conformance_packs
                        .iter()
                        .find(|p| p.region == rule.region && p.rule_names.contains(&rule.name))
                        .map(|p| p.name.clone()),
                },
            ),
        );
    }
    store
        .import_mapped(inputs, &rampart_core::time::now_ms, &catalog)
        .unwrap();
    drop(store);
    rows(&db)
}

/// The Security Hub findings a first sync fetches: every active one, and the archived
/// ones updated in the last 30 days (older archived findings are history AWS is about
/// to delete, not posture).
fn fetchable(ds: &Dataset) -> Vec<&serde_json::Value> {
    let cutoff = rampart_core::time::now_ms() - rampart_core::time::days_ms(30);
    ds.securityhub
        .iter()
        .filter(|f| {
            f["RecordState"] == "ACTIVE"
                || rampart_core::time::parse_ts(f["UpdatedAt"].as_str().unwrap()).unwrap() >= cutoff
        })
        .collect()
}

fn strip_times(mut r: FindingRow) -> FindingRow {
    r.age_days = 0;
    r.due_at = None;
    r.overdue = false;
    r
}

#[test]
fn a_first_sync_stores_exactly_what_every_source_holds() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dataset(250, 120);
    let expected = imported(&ds, dir.path());
    let ep = Endpoint::start(ds.clone(), Faults::default()).unwrap();
    let db = dir.path().join("sync.db");
    let run = sync(&db, &ep.url(), &["securityhub", "inspector", "config"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    assert_eq!(run.summary.outcomes.len(), 6);
    assert_eq!(ep.stats().op("DescribeConformancePackCompliance").ok, 1);

    let got = rows(&db);
    // Every finding of the three sources, by id, as an import of the same data stores it
    // (status, severity, mapped requirements…); plus the coverage records.
    let wanted: BTreeSet<&str> = fetchable(&ds).iter().map(|f| f["Id"].as_str().unwrap()).collect();
    let old_archived = ds.securityhub.len() - wanted.len();
    for (id, want) in &expected {
        if want.source == "securityhub" && !wanted.contains(id.as_str()) {
            assert!(!got.contains_key(id), "{id}: archived long ago, not fetched");
            continue;
        }
        let have = got.get(id).unwrap_or_else(|| panic!("{id} was not synced"));
        assert_eq!(strip_times(have.clone()), strip_times(want.clone()), "{id}");
    }
    let coverage: Vec<_> = got
        .values()
        .filter(|r| r.id.starts_with("inspector-coverage:"))
        .collect();
    assert_eq!(coverage.len(), ds.coverage.len());
    assert_eq!(got.len(), expected.len() - old_archived + coverage.len());
    // Evaluations of a conformance pack's rules name the pack.
    let in_pack = got
        .values()
        .filter(|r| r.standard.as_deref() == Some(&format!("conformance-pack/{PACK}")))
        .count();
    assert_eq!(in_pack, 3 * 15);
    // Not scanned by Inspector is failing evidence for security testing (API-7).
    let unscanned = ds
        .coverage
        .iter()
        .filter(|(_, c)| c["scanStatus"]["statusCode"] != "ACTIVE")
        .count();
    assert!(unscanned > 0);
    assert_eq!(coverage.iter().filter(|r| r.status == "failed").count(), unscanned);
    assert!(coverage
        .iter()
        .all(|r| r.requirements.iter().any(|q| q == "api12:API-7")));

    // The GetFindings quota was respected: no request was refused for going over it.
    let stats = ep.stats();
    let gf = stats.op("GetFindings");
    assert_eq!(gf.throttled_quota, 0, "{gf:?}");
    assert!(gf.ok >= 4, "paged in 100s over two Regions: {gf:?}");

    // Status: every target succeeded, with a watermark.
    let store = Store::open(&db).unwrap();
    let st = sync_state::statuses(store.conn()).unwrap();
    assert_eq!(st.len(), 6);
    assert!(st
        .iter()
        .all(|s| s.last_error.is_none() && s.watermark.is_some() && !s.resumable));
}

#[test]
fn throttling_errors_and_a_dropped_connection_store_every_finding_once() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dataset(600, 150);
    let faults = Faults {
        seed: 3,
        throttle_rate: 0.30,
        error_500_rate: 0.05,
        drop_connections: 1,
        invalid_json: 1,
        // Past the 2-second attempt timeout: the attempt is abandoned and retried.
        slow_rate: 0.1,
        slow_ms: 2500,
        ..Faults::default()
    };
    let ep = Endpoint::start(ds.clone(), faults).unwrap();
    let db = dir.path().join("sync.db");
    let run = sync(&db, &ep.url(), &["securityhub", "inspector"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    let retries = run
        .events
        .iter()
        .filter(|e| matches!(e, SyncEvent::Retry { .. }))
        .count();
    let stats = ep.stats();
    let injected: u64 = stats
        .operations
        .values()
        .map(|o| o.throttled_injected + o.errors_5xx + o.dropped + o.invalid_json)
        .sum();
    assert!(injected > 5, "faults were injected: {stats:?}");
    // Every fault the SDK saw was retried by the engine (a dropped idle connection may be
    // retried by the HTTP client itself before the SDK sees it).
    assert!(
        run.events
            .iter()
            .any(|e| matches!(e, SyncEvent::Retry { reason, .. } if reason.contains("timed out"))),
        "a slow response timed out and was retried"
    );
    assert!(retries > 0, "{retries} retries, {injected} faults");

    let got = rows(&db);
    let wanted = fetchable(&ds);
    for f in &wanted {
        assert!(got.contains_key(f["Id"].as_str().unwrap()));
    }
    for f in &ds.inspector {
        assert!(got.contains_key(f["findingArn"].as_str().unwrap()));
    }
    // Exactly once: one row per finding, one history event per finding.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM findings WHERE id NOT LIKE 'inspector-coverage:%'"
        ),
        (wanted.len() + ds.inspector.len()) as i64
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT fid FROM finding_history GROUP BY fid HAVING count(*) > 1)"
        ),
        0
    );

    // The secret key the SDK signed with is nowhere: not in the database, not in any
    // event or error message.
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("sync.db-wal")) {
        bytes.extend(wal);
    }
    assert!(!bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));
    let text = format!("{:?} {:?}", run.events, run.summary);
    assert!(!text.contains(SECRET));
    assert!(!text.contains("AKIARAMPARTTEST"));
}

#[test]
fn a_denied_region_fails_alone_and_says_where_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dataset(200, 0);
    let ep = Endpoint::start(
        ds.clone(),
        Faults {
            deny_regions: vec!["eu-west-1".into()],
            ..Faults::default()
        },
    )
    .unwrap();
    let db = dir.path().join("sync.db");
    let run = sync(&db, &ep.url(), &["securityhub"]);
    let failed: Vec<_> = run.summary.outcomes.iter().filter(|o| o.error.is_some()).collect();
    assert_eq!(failed.len(), 1);
    let e = failed[0].error.as_ref().unwrap();
    assert_eq!(failed[0].target.region, "eu-west-1");
    assert_eq!(e.kind, ErrorKind::Denied);
    assert!(
        e.message
            .contains("AccessDenied on securityhub:GetFindings in eu-west-1"),
        "{}",
        e.message
    );
    // The other Region's findings are stored.
    let got = rows(&db);
    let east: Vec<_> = fetchable(&ds)
        .into_iter()
        .filter(|f| f["Region"] == "us-east-1")
        .collect();
    assert!(!east.is_empty());
    assert!(east.iter().all(|f| got.contains_key(f["Id"].as_str().unwrap())));
    assert!(got.values().all(|r| r.region == "us-east-1"));
    // The status says it in plain words.
    let store = Store::open(&db).unwrap();
    let st = sync_state::statuses(store.conn()).unwrap();
    let eu = st.iter().find(|s| s.target.region == "eu-west-1").unwrap();
    assert_eq!(eu.last_error_kind.as_deref(), Some("denied"));
    assert!(eu.last_error.as_deref().unwrap().contains("securityhub:GetFindings"));
    assert!(eu.last_success.is_none());
    let us = st.iter().find(|s| s.target.region == "us-east-1").unwrap();
    assert!(us.last_error.is_none() && us.last_success.is_some());
}

#[test]
fn an_incremental_sync_fetches_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut ds = dataset(1000, 0);
    // Nothing updated in the last hour: the next run's margin for clock skew (5 minutes
    // before the watermark) must bring back only what changes below.
    let hour_ago = rampart_core::time::now_ms() - 3_600_000;
    for f in &mut ds.securityhub {
        if rampart_core::time::parse_ts(f["UpdatedAt"].as_str().unwrap()).unwrap() > hour_ago {
            f["UpdatedAt"] = "2026-01-01T00:00:00.000Z".into();
        }
    }
    let ep = Endpoint::start(ds, Faults::default()).unwrap();
    let db = dir.path().join("sync.db");
    assert_eq!(sync(&db, &ep.url(), &["securityhub"]).summary.failed(), 0);
    let history_before = count(&db, "SELECT count(*) FROM finding_history");
    ep.reset_stats();
    let touched = ep.touch_securityhub(0.01, 5);
    assert_eq!(touched.len(), 10);
    let run = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0);
    assert!(run.events.iter().any(|e| matches!(
        e,
        SyncEvent::TargetStarted {
            incremental: true,
            resumed: false,
            ..
        }
    )));
    let served = ep.stats().op("GetFindings").items_served;
    assert_eq!(served, touched.len() as u64, "only the changed findings were fetched");
    // Each change is one new history event, with the flipped status.
    assert_eq!(
        count(&db, "SELECT count(*) FROM finding_history"),
        history_before + touched.len() as i64
    );
}

#[test]
fn a_cancelled_sync_keeps_its_pages_and_the_next_one_resumes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dataset(900, 0);
    let ep = Endpoint::start(ds.clone(), Faults::default()).unwrap();
    let db = dir.path().join("sync.db");
    let cancel = Cancel::default();
    let first = sync_with(&db, &ep.url(), &["securityhub"], fast(), cancel, Some(3));
    assert!(first.summary.cancelled);
    assert!(first
        .summary
        .outcomes
        .iter()
        .any(|o| o.error.as_ref().is_some_and(|e| e.kind == ErrorKind::Cancelled)));
    let kept = count(&db, "SELECT count(*) FROM findings");
    let all = fetchable(&ds).len() as i64;
    assert!(kept >= 300 && kept < all, "{kept}");
    ep.reset_stats();
    let second = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(second.summary.failed(), 0, "{:#?}", second.summary.outcomes);
    assert!(second
        .events
        .iter()
        .any(|e| matches!(e, SyncEvent::TargetStarted { resumed: true, .. })));
    assert_eq!(count(&db, "SELECT count(*) FROM findings"), all);
    assert_eq!(count(&db, "SELECT count(*) FROM finding_history"), all);
    // The resumed run did not fetch everything again.
    assert!(ep.stats().op("GetFindings").items_served as i64 <= all - kept + 100);
}

#[test]
fn regions_linked_to_a_finding_aggregator_are_synced_through_its_home() {
    let dir = tempfile::tempdir().unwrap();
    let mut ds = dataset(300, 0);
    ds.aggregator = Some(Aggregator {
        home_region: "us-east-1".into(),
        linking_mode: "ALL_REGIONS".into(),
        regions: vec![],
    });
    let ep = Endpoint::start(ds.clone(), Faults::default()).unwrap();
    let db = dir.path().join("sync.db");
    let run = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0);
    assert_eq!(run.summary.outcomes.len(), 1);
    assert!(run
        .events
        .iter()
        .any(|e| matches!(e, SyncEvent::Skipped { target, .. } if target.region == "eu-west-1")));
    assert_eq!(rows(&db).len(), fetchable(&ds).len());
}

/// A sync also reads Security Hub's control definitions (paged): a control the catalog
/// does not know gets AWS's title and severity, and its finding, naming NIST references,
/// is mapped by reference.
#[test]
fn a_sync_reads_control_definitions_and_maps_unknown_controls_by_reference() {
    let mut ds = dataset(30, 0);
    let mut unknown = ds.securityhub[0].clone();
    unknown["Id"] =
        serde_json::json!("arn:aws:securityhub:us-east-1:123456789012:security-control/Bedrock.99/finding/x");
    unknown["Region"] = serde_json::json!("us-east-1");
    unknown["RecordState"] = serde_json::json!("ACTIVE");
    unknown["GeneratorId"] = serde_json::json!("security-control/Bedrock.99");
    unknown["Compliance"] = serde_json::json!({
        "Status": "FAILED",
        "SecurityControlId": "Bedrock.99",
        "RelatedRequirements": ["NIST.800-53.r5 AU-2", "NIST.800-53.r5 AU-12"]
    });
    ds.securityhub.push(unknown);
    // More definitions than one page of 100.
    ds.control_definitions = (0..230)
        .map(|i| {
            serde_json::json!({
                "SecurityControlId": format!("Demo.{i}"),
                "Title": format!("Demo control {i}"),
                "Description": "d",
                "SeverityRating": "LOW",
                "RemediationUrl": format!("https://docs.aws.amazon.com/console/securityhub/Demo.{i}/remediation"),
                "CurrentRegionAvailability": "AVAILABLE"
            })
        })
        .chain(std::iter::once(serde_json::json!({
            "SecurityControlId": "Bedrock.99",
            "Title": "Bedrock model invocation logging should be enabled <b>",
            "Description": "d",
            "SeverityRating": "HIGH",
            "RemediationUrl": "https://docs.aws.amazon.com/console/securityhub/Bedrock.99/remediation",
            "CurrentRegionAvailability": "AVAILABLE"
        })))
        .collect();
    let ep = Endpoint::start(ds, Faults::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let run = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    // 231 definitions in pages of 100, in each of the two Regions.
    assert_eq!(ep.stats().op("ListSecurityControlDefinitions").ok, 6);
    let store = Store::open(&db).unwrap();
    let defs = rampart_core::store::definitions::all(store.conn()).unwrap();
    assert_eq!(defs.len(), 231);
    let b = &defs["Bedrock.99"];
    assert_eq!(b.title, "Bedrock model invocation logging should be enabled <b>");
    assert_eq!(b.severity, "HIGH");
    let row = rows(&db)
        .into_values()
        .find(|r| r.control.as_deref() == Some("Bedrock.99"))
        .expect("the finding");
    assert!(row.mapped_by_reference, "{row:?}");
    assert!(
        row.requirements.iter().any(|r| r == "hipaa:164.312(b)"),
        "{:?}",
        row.requirements
    );
}

/// An IAM policy without ListSecurityControlDefinitions (an older one) does not fail the
/// sync: the findings are stored and the run says what was not read.
#[test]
fn a_refused_control_definitions_call_is_a_notice_not_a_failure() {
    let ds = dataset(20, 0);
    let faults = Faults {
        deny_operations: vec!["ListSecurityControlDefinitions".into()],
        ..Faults::default()
    };
    let ep = Endpoint::start(ds, faults).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let run = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    let notices: Vec<&String> = run
        .events
        .iter()
        .filter_map(|e| match e {
            SyncEvent::Notice { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(
        notices[0].contains("securityhub:ListSecurityControlDefinitions was not read"),
        "{}",
        notices[0]
    );
    assert!(count(&db, "SELECT count(*) FROM findings") > 0);
    assert_eq!(count(&db, "SELECT count(*) FROM control_definitions"), 0);
}

/// The new Security Hub (`GetFindingsV2`, OCSF) is read beside CSPM: every check it shares
/// with CSPM is one finding with both documents, a later run asks it only for what changed,
/// and where it is refused the run says so and CSPM's findings are stored.
#[test]
fn the_new_security_hub_is_read_and_its_twins_join_cspm_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut ds = dataset(300, 0);
    let hour_ago = rampart_core::time::now_ms() - 3_600_000;
    for f in &mut ds.securityhub {
        if rampart_core::time::parse_ts(f["UpdatedAt"].as_str().unwrap()).unwrap() > hour_ago {
            f["UpdatedAt"] = "2026-01-01T00:00:00.000Z".into();
        }
    }
    let ep = Endpoint::start(ds.clone(), Faults::default()).unwrap();
    let db = dir.path().join("sync.db");
    let run = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    let v2 = ep.stats().op("GetFindingsV2");
    assert!(v2.ok > 0 && v2.items_served > 0, "GetFindingsV2 was read: {v2:?}");
    let fetched = fetchable(&ds).len() as i64;
    assert_eq!(
        count(&db, "SELECT count(*) FROM findings"),
        fetched,
        "one row per finding"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM finding_raw WHERE format = 'ocsf'"),
        v2.items_served as i64,
        "each finding the new Security Hub reported keeps its OCSF document"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM findings f WHERE (SELECT count(*) FROM finding_raw r WHERE r.fid = f.fid) = 2"
        ),
        v2.items_served as i64,
        "and its ASFF one: both documents on one finding"
    );

    // A later run asks the new Security Hub only for what changed.
    ep.reset_stats();
    let touched = ep.touch_securityhub(0.02, 11);
    let run = sync(&db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0);
    assert_eq!(ep.stats().op("GetFindingsV2").items_served, touched.len() as u64);
    assert_eq!(count(&db, "SELECT count(*) FROM findings"), fetched);

    // Refused (not enabled, or not allowed): a notice, and CSPM's findings are stored.
    let denied = Endpoint::start(
        ds,
        Faults {
            deny_operations: vec!["GetFindingsV2".into()],
            ..Faults::default()
        },
    )
    .unwrap();
    let other = dir.path().join("denied.db");
    let run = sync(&other, &denied.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    assert!(run.events.iter().any(|e| matches!(e, SyncEvent::Notice { message, .. }
        if message.contains("securityhub:GetFindingsV2 was not read") && message.contains("CSPM's findings are stored"))));
    assert_eq!(count(&other, "SELECT count(*) FROM findings"), fetched);
}

/// The delegated administrator of an organisation reads every member account's findings
/// from the new Security Hub in its one target: AWS serves them to a request without
/// `Scopes`, which is what the sync sends. Each is stored under its own account. A member
/// account's sync reads only its own.
#[test]
fn the_delegated_administrator_reads_the_whole_organisation_in_one_target() {
    const MEMBERS: [&str; 2] = ["111111111111", "222222222222"];
    let dir = tempfile::tempdir().unwrap();
    let mut findings = synth::securityhub_findings(30, ACCOUNT, &["us-east-1"], 31);
    for (i, member) in MEMBERS.iter().enumerate() {
        findings.extend(synth::securityhub_findings(20, member, &["us-east-1"], 40 + i as u64));
    }
    for f in &mut findings {
        f["RecordState"] = "ACTIVE".into();
    }
    let estate = |admin: bool| Dataset {
        account: ACCOUNT.into(),
        securityhub: findings.clone(),
        delegated_admin: Some(admin),
        ..Dataset::default()
    };
    let ocsf_by_account = |db: &Path| -> BTreeMap<String, i64> {
        let store = Store::open(db).unwrap();
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT f.account, count(*) FROM finding_raw r JOIN findings f ON f.fid = r.fid
                 WHERE r.format = 'ocsf' GROUP BY f.account",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };

    let ep = Endpoint::start(estate(true), Faults::default()).unwrap();
    let admin_db = dir.path().join("admin.db");
    let run = sync(&admin_db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    let targets: BTreeSet<String> = run.summary.outcomes.iter().map(|o| o.target.account.clone()).collect();
    assert_eq!(targets, BTreeSet::from([ACCOUNT.to_string()]), "one target");
    let want: BTreeMap<String, i64> = [(ACCOUNT, 30), (MEMBERS[0], 20), (MEMBERS[1], 20)]
        .into_iter()
        .map(|(a, n)| (a.to_string(), n))
        .collect();
    assert_eq!(
        ocsf_by_account(&admin_db),
        want,
        "every member's findings, each under its account"
    );

    let ep = Endpoint::start(estate(false), Faults::default()).unwrap();
    let member_db = dir.path().join("member.db");
    let run = sync(&member_db, &ep.url(), &["securityhub"]);
    assert_eq!(run.summary.failed(), 0, "{:#?}", run.summary.outcomes);
    assert_eq!(
        ocsf_by_account(&member_db),
        BTreeMap::from([(ACCOUNT.to_string(), 30)]),
        "a member sees its own"
    );
}
