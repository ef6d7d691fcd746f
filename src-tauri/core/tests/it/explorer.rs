//! The findings explorer: full-text search (kept current as findings change), filters,
//! sorting, paging, and ages, deadlines and time to remediate under the SLA days.

use rampart_core::catalog::Catalog;
use rampart_core::model::Severity;
use rampart_core::query::findings::{findings_page, fts_query, page_plan, FindingsQuery};
use rampart_core::query::sla::summary;
use rampart_core::{ImportInput, Store};
use serde_json::json;

use crate::support::ms;

fn finding(
    id: &str,
    title: &str,
    severity: &str,
    updated: &str,
    status: &str,
    resource: &str,
    rtype: &str,
) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": id,
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": "security-control/S3.8", "AwsAccountId": "111122223333",
        "CreatedAt": "2026-03-01T00:00:00Z", "FirstObservedAt": "2026-03-01T00:00:00Z",
        "UpdatedAt": updated, "Title": title, "Description": format!("About {title}."),
        "Severity": {"Label": severity}, "Resources": [{"Type": rtype, "Id": resource}],
        "Compliance": {"Status": status, "SecurityControlId": "S3.8"}
    })
}

fn setup() -> (tempfile::TempDir, Store) {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let mut files = vec![ImportInput::new(
        "a.json",
        std::io::Cursor::new(
            serde_json::to_vec(&json!({"Findings": [
                finding("b1", "Bucket allows public reads", "CRITICAL", "2026-03-01T00:00:00Z", "FAILED", "arn:aws:s3:::payments-exports", "AwsS3Bucket"),
                finding("b2", "Another public bucket", "HIGH", "2026-03-01T00:00:00Z", "FAILED", "arn:aws:s3:::audit-logs", "AwsS3Bucket"),
                finding("b3", "Zebra bucket is fine", "LOW", "2026-03-01T00:00:00Z", "PASSED", "arn:aws:s3:::zebra", "AwsS3Bucket"),
                finding("i1", "Instance reachable", "MEDIUM", "2026-03-01T00:00:00Z", "FAILED", "i-0abc", "AwsEc2Instance"),
            ]}))
            .expect("json"),
        ),
    )];
    let inspector = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/import/inspector2-list-findings.json"),
    )
    .expect("fixture");
    files.push(ImportInput::new("inspector.json", std::io::Cursor::new(inspector)));
    store.import(files, &rampart_core::time::now_ms).expect("import");
    store.ensure_mapped(&catalog).expect("map");
    (dir, store)
}

fn ids(store: &Store, q: &FindingsQuery, now: i64) -> Vec<String> {
    findings_page(store.conn(), q, now)
        .expect("page")
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn query() -> FindingsQuery {
    FindingsQuery {
        page: 1,
        page_size: 50,
        ..Default::default()
    }
}

#[test]
fn search_matches_titles_resources_and_cve_ids_and_follows_updates() {
    let (_d, mut store) = setup();
    let now = ms("2026-03-10T00:00:00Z");
    let search = |s: &str| FindingsQuery {
        search: Some(s.into()),
        ..query()
    };
    assert_eq!(ids(&store, &search("public"), now).len(), 2);
    assert_eq!(ids(&store, &search("payments-exports"), now), ["b1"]);
    assert_eq!(ids(&store, &search("CVE-2024-6387"), now).len(), 1);
    assert_eq!(
        ids(&store, &search("openssh"), now).len(),
        1,
        "package names are in titles"
    );
    assert_eq!(
        ids(&store, &search("zeb"), now),
        ["b3"],
        "the last word matches as a prefix"
    );
    assert!(ids(&store, &search("\"; DROP TABLE findings; --"), now).is_empty());
    assert!(fts_query("  \"  ").is_none());
    // A newer version with a new title replaces the indexed text.
    let body = serde_json::to_vec(&json!({"Findings": [
        finding("b3", "Renamed giraffe bucket", "LOW", "2026-03-05T00:00:00Z", "PASSED", "arn:aws:s3:::zebra", "AwsS3Bucket")
    ]}))
    .expect("json");
    store
        .import(
            vec![ImportInput::new("b.json", std::io::Cursor::new(body))],
            &rampart_core::time::now_ms,
        )
        .expect("import");
    assert_eq!(ids(&store, &search("giraffe"), now), ["b3"]);
    assert!(
        ids(&store, &search("fine"), now).is_empty(),
        "the old title is no longer indexed"
    );
    assert_eq!(ids(&store, &search("zebra"), now), ["b3"], "the resource id still is");
}

#[test]
fn filters_sorting_and_paging_combine() {
    let (_d, store) = setup();
    let now = ms("2026-03-10T00:00:00Z");
    let q = FindingsQuery {
        resource_types: vec!["AwsS3Bucket".into()],
        sort: Some("title".into()),
        page_size: 2,
        ..query()
    };
    let page1 = findings_page(store.conn(), &q, now).expect("page");
    assert_eq!(page1.total, 3);
    assert_eq!(
        page1.rows.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
        ["Another public bucket", "Bucket allows public reads"]
    );
    let page2 = findings_page(store.conn(), &FindingsQuery { page: 2, ..q.clone() }, now).expect("page");
    assert_eq!(page2.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["b3"]);
    let reversed = ids(
        &store,
        &FindingsQuery {
            reverse: true,
            ..q.clone()
        },
        now,
    );
    assert_eq!(reversed, ["b3", "b1"]);
    let critical = FindingsQuery {
        severities: vec![Severity::Critical],
        search: Some("bucket".into()),
        ..query()
    };
    assert_eq!(ids(&store, &critical, now), ["b1"]);
    let hipaa = FindingsQuery {
        framework: Some("hipaa".into()),
        requirement: Some("164.312(a)(1)".into()),
        ..query()
    };
    let mapped = ids(&store, &hipaa, now);
    // S3.8 and Inspector's network reachability bear on access control; a package CVE does not.
    assert!(
        mapped.contains(&"b1".to_string()) && !mapped.iter().any(|id| id.ends_with("00001111")),
        "{mapped:?}"
    );
}

#[test]
fn ages_deadlines_and_time_to_remediate_follow_the_sla_days() {
    let (_d, mut store) = setup();
    // 8 days after first seen: the CRITICAL failure (7 days) is overdue, the HIGH one
    // (30 days) and the MEDIUM one (90 days) are not.
    let now = ms("2026-03-09T00:00:01Z");
    let page = findings_page(
        store.conn(),
        &FindingsQuery {
            resource_types: vec!["AwsS3Bucket".into(), "AwsEc2Instance".into()],
            ..query()
        },
        now,
    )
    .expect("page");
    let row = |id: &str| page.rows.iter().find(|r| r.id == id).expect("row").clone();
    assert_eq!((row("b1").age_days, row("b1").overdue), (8, true));
    assert_eq!(row("b1").due_at.as_deref(), Some("2026-03-08T00:00:00.000Z"));
    assert_eq!(
        (row("b2").overdue, row("b2").due_at.as_deref()),
        (false, Some("2026-03-31T00:00:00.000Z"))
    );
    assert_eq!(row("b3").due_at, None, "passing findings have no deadline");
    let overdue = FindingsQuery {
        overdue_only: true,
        ..query()
    };
    assert_eq!(ids(&store, &overdue, now), ["b1"]);
    // Stricter SLA days from the workspace settings apply at once.
    store
        .set_meta("sla_days", r#"{"critical":7,"high":5,"medium":90,"low":180}"#)
        .expect("settings");
    let openssh = "arn:aws:inspector2:eu-central-1:444455556666:finding/aaaabbbbccccddddeeeeffff00001111";
    assert_eq!(
        ids(&store, &overdue, now),
        ["b1", openssh, "b2"],
        "HIGH now allows 5 days"
    );
    // b1 is fixed 10 days after it started failing: one remediation, mean 10 days.
    let body = serde_json::to_vec(&json!({"Findings": [
        finding("b1", "Bucket allows public reads", "CRITICAL", "2026-03-11T00:00:00Z", "PASSED", "arn:aws:s3:::payments-exports", "AwsS3Bucket")
    ]}))
    .expect("json");
    store
        .import(
            vec![ImportInput::new("fix.json", std::io::Cursor::new(body))],
            &rampart_core::time::now_ms,
        )
        .expect("import");
    let s = summary(store.conn(), ms("2026-03-12T00:00:00Z")).expect("summary");
    let crit = s
        .by_severity
        .iter()
        .find(|r| r.severity == Severity::Critical)
        .expect("critical");
    assert_eq!((crit.open, crit.remediated), (0, 1));
    assert_eq!(crit.mean_days_to_remediate, Some(10.0));
    let high = s
        .by_severity
        .iter()
        .find(|r| r.severity == Severity::High)
        .expect("high");
    assert_eq!(
        (high.open, high.overdue, high.oldest_open_days),
        (2, 2, Some(19)),
        "b2 and the openssh CVE (first seen Feb 20)"
    );
}

#[test]
fn a_finding_inserted_and_replaced_in_one_import_is_indexed_once_as_it_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let file = |title: &str, updated: &str| {
        let f = finding("x1", title, "LOW", updated, "FAILED", "arn:aws:s3:::x", "AwsS3Bucket");
        ImportInput::new(
            title,
            std::io::Cursor::new(serde_json::to_vec(&json!({"Findings": [f]})).expect("json")),
        )
    };
    store
        .import(
            vec![
                file("alpha bucket", "2026-03-01T00:00:00Z"),
                file("beta bucket", "2026-03-02T00:00:00Z"),
            ],
            &rampart_core::time::now_ms,
        )
        .expect("import");
    let now = ms("2026-03-03T00:00:00Z");
    let search = |s: &str| FindingsQuery {
        search: Some(s.into()),
        ..query()
    };
    assert!(ids(&store, &search("alpha"), now).is_empty());
    assert_eq!(ids(&store, &search("beta"), now), ["x1"]);
    assert_eq!(ids(&store, &search("bucket"), now), ["x1"], "one entry, not two");
}

#[test]
fn the_default_order_pages_through_an_index_without_sorting() {
    let (_d, store) = setup();
    let mut q = query();
    q.record_state = Some(rampart_core::model::RecordState::Active);
    q.page = 500;
    let plan = page_plan(store.conn(), &q, 0).expect("plan");
    assert!(plan.contains("findings_explorer_default"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    // A severity chip keeps the order on the index too.
    q.severities = vec![Severity::Critical];
    let plan = page_plan(store.conn(), &q, 0).expect("plan");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn a_findings_detail_has_its_resources_tags_vulnerabilities_history_and_raw_json() {
    let (_d, store) = setup();
    let d = rampart_core::query::findings::detail(store.conn(), "b1", None)
        .expect("detail")
        .expect("b1 exists");
    assert_eq!(d.description, "About Bucket allows public reads.");
    assert_eq!(d.resources.len(), 1);
    assert_eq!(d.resources[0].id, "arn:aws:s3:::payments-exports");
    assert_eq!(d.history.len(), 1);
    assert_eq!(d.history[0].status, "failed");
    let raw: serde_json::Value = serde_json::from_str(d.raw.as_deref().expect("raw")).expect("json");
    assert_eq!(raw["Id"], "b1");
    assert!(rampart_core::query::findings::detail(store.conn(), "nope", None)
        .expect("query")
        .is_none());
    // An Inspector finding carries its vulnerability with package and versions.
    let page = findings_page(
        store.conn(),
        &FindingsQuery {
            search: Some("CVE".into()),
            ..query()
        },
        0,
    )
    .expect("page");
    let vuln = page
        .rows
        .iter()
        .find(|r| !r.vulnerabilities.is_empty())
        .expect("a CVE finding");
    let d = rampart_core::query::findings::detail(store.conn(), &vuln.id, Some(&vuln.product_arn))
        .expect("detail")
        .expect("exists");
    assert!(!d.vulnerabilities.is_empty());
    assert!(d.vulnerabilities[0].id.starts_with("CVE-"));
    assert!(d.vulnerabilities[0].package.is_some());
    assert!(
        d.resources.iter().any(|r| !r.tags.is_empty()),
        "its resource's tags: {:?}",
        d.resources
    );
}

/// A question larger than anyone asks is refused naming its field, before any query runs:
/// a 2 MB search, a filter of 100,000 accounts, a 1 MB finding id.
#[test]
fn oversized_questions_are_refused_naming_the_field() {
    let (_dir, store) = setup();
    let now = ms("2026-03-02T00:00:00Z");
    let refused = |q: FindingsQuery| match findings_page(store.conn(), &q, now) {
        Err(rampart_core::StoreError::Invalid(e)) => e.to_string(),
        other => panic!("not refused: {:?}", other.map(|p| p.total)),
    };
    let mut q = query();
    q.search = Some("bucket ".repeat(300_000));
    assert!(refused(q).starts_with("search: too long"));
    let mut q = query();
    q.accounts = (0..100_000).map(|i| format!("{i:012}")).collect();
    assert!(refused(q).starts_with("accounts: 100000 values"));
    let mut q = query();
    q.regions = vec!["r".repeat(5000)];
    assert!(refused(q).starts_with("regions: value #1: too long"));
    let e = rampart_core::query::findings::detail(store.conn(), &"x".repeat(1 << 20), None).expect_err("refused");
    assert!(e.to_string().starts_with("id: too long"), "{e}");
    // At the limits, it answers.
    let mut q = query();
    q.search = Some("b".repeat(rampart_core::limits::SEARCH_CHARS));
    assert!(findings_page(store.conn(), &q, now).is_ok());
}
