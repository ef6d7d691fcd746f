//! The findings explorer: full-text search (kept current as findings change), filters,
//! sorting, paging, and ages, deadlines and time to remediate under the SLA days.

use rampart_core::catalog::Catalog;
use rampart_core::model::Severity;
use rampart_core::query::findings::{findings_page, fts_query, page_plan, FindingsQuery};
use rampart_core::query::sla::{summary, summary_for};
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

#[test]
fn a_single_word_also_finds_the_finding_with_that_id_or_id_start() {
    let (_d, store) = setup();
    let now = ms("2026-03-10T00:00:00Z");
    let search = |s: &str| FindingsQuery {
        search: Some(s.into()),
        ..query()
    };
    let openssh = "arn:aws:inspector2:eu-central-1:444455556666:finding/aaaabbbbccccddddeeeeffff00001111";
    assert_eq!(ids(&store, &search(openssh), now), [openssh], "the whole id, as copied");
    assert_eq!(
        ids(
            &store,
            &search("arn:aws:inspector2:eu-central-1:444455556666:finding/aaaabbbbccccddddeeeeffff00001"),
            now
        ),
        [openssh],
        "the start of an id"
    );
    assert_eq!(
        ids(&store, &search(" b2 "), now),
        ["b2"],
        "a short id, spaces around it"
    );
    assert!(
        ids(&store, &search("b2 public"), now).is_empty(),
        "two words are a text search: no title has both"
    );
    assert_eq!(ids(&store, &search("public"), now).len(), 2, "text search is unchanged");
}

#[test]
fn sorting_by_due_date_puts_the_most_overdue_first_and_the_undue_last() {
    let (_d, store) = setup();
    let now = ms("2026-03-09T00:00:01Z");
    let openssh = "arn:aws:inspector2:eu-central-1:444455556666:finding/aaaabbbbccccddddeeeeffff00001111";
    let due = FindingsQuery {
        sort: Some("due".into()),
        page_size: 500,
        ..query()
    };
    let page = findings_page(store.conn(), &due, now).expect("page");
    let order: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
    let pos = |id: &str| order.iter().position(|x| *x == id).expect(id);
    // Due dates: b1 Mar 8 (overdue), b2 Mar 31, i1 May 30; the openssh CVE (HIGH, first seen
    // Feb 20) Mar 22. b3 passes: no deadline.
    assert!(
        pos("b1") < pos(openssh) && pos(openssh) < pos("b2") && pos("b2") < pos("i1"),
        "{order:?}"
    );
    let dues: Vec<Option<&str>> = page.rows.iter().map(|r| r.due_at.as_deref()).collect();
    let first_none = dues.iter().position(Option::is_none).expect("some without a deadline");
    assert!(dues[first_none..].iter().all(Option::is_none), "undue last: {dues:?}");
    let with_due: Vec<&str> = dues.iter().flatten().copied().collect();
    assert!(with_due.windows(2).all(|w| w[0] <= w[1]), "{with_due:?}");
    // Reversed: the latest deadline first, the undue still last.
    let rev = findings_page(store.conn(), &FindingsQuery { reverse: true, ..due }, now).expect("page");
    let rdues: Vec<Option<&str>> = rev.rows.iter().map(|r| r.due_at.as_deref()).collect();
    let with_due: Vec<&str> = rdues.iter().flatten().copied().collect();
    assert!(with_due.windows(2).all(|w| w[0] >= w[1]), "{with_due:?}");
    assert!(rdues.last().expect("rows").is_none());
    assert_eq!(rev.rows.first().map(|r| r.id.as_str()), Some("i1"));
}

#[test]
fn the_sla_figures_follow_the_explorer_filters() {
    let (_d, store) = setup();
    let now = ms("2026-03-09T00:00:01Z");
    let whole = summary(store.conn(), now).expect("summary");
    let unfiltered = summary_for(store.conn(), now, &FindingsQuery::default().filter(now)).expect("summary");
    assert_eq!(whole, unfiltered, "no filter: the workspace's figures");
    let buckets = FindingsQuery {
        resource_types: vec!["AwsS3Bucket".into()],
        ..query()
    };
    let s = summary_for(store.conn(), now, &buckets.filter(now)).expect("summary");
    let open = |sev: Severity| {
        s.by_severity
            .iter()
            .find(|r| r.severity == sev)
            .map(|r| (r.open, r.overdue))
    };
    assert_eq!(open(Severity::Critical), Some((1, 1)), "b1");
    assert_eq!(
        open(Severity::High),
        Some((1, 0)),
        "b2 only: the openssh CVE is not a bucket"
    );
    assert_eq!(open(Severity::Medium), Some((0, 0)), "i1 is an instance");
    let whole_high = whole
        .by_severity
        .iter()
        .find(|r| r.severity == Severity::High)
        .map(|r| r.open);
    assert_eq!(whole_high, Some(2));
}

#[test]
fn the_owner_filter_lists_exactly_the_findings_each_owner_is_shown_on() {
    use rampart_core::demo::{self, DemoSpec};
    use rampart_core::query::findings::{for_each_finding, FindingFilter};
    use rampart_core::store::owners::OwnerScope;
    use std::collections::BTreeSet;

    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let mut spec = DemoSpec::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("day"));
    spec.days = 6;
    demo::build(&mut store, &spec).expect("demo");
    let now = ms("2026-11-28T12:00:00Z");
    let rows = |store: &Store, filter: &FindingFilter| {
        let mut out = Vec::new();
        for_each_finding(store.conn(), filter, now, |r| {
            out.push((r.id, r.security_control.or(r.control), r.account, r.owner));
            Ok(())
        })
        .expect("list");
        out
    };
    let all = rows(&store, &FindingFilter::default());
    // An OU above an account's own OU, a second account, a control failing in that account
    // and one of its findings: every level of the fall-through, each shadowing the next.
    let accounts = rampart_core::store::accounts::accounts(store.conn()).expect("accounts");
    let nested = accounts
        .iter()
        .find_map(|a| {
            let path: Vec<&str> = a.ou_id_path.as_deref()?.split('/').filter(|p| !p.is_empty()).collect();
            (path.len() >= 3).then(|| (a.id.clone(), path[path.len() - 2].to_string()))
        })
        .expect("the demo nests an account two OUs down");
    // The other account sits under the same OU (its own assignment shadows the OU's), so an
    // account outside it stays unowned.
    let other = accounts
        .iter()
        .find(|a| {
            a.id != nested.0
                && a.ou_id_path
                    .as_deref()
                    .is_some_and(|p| p.contains(&format!("/{}/", nested.1)))
        })
        .expect("another account under that OU")
        .id
        .clone();
    let (finding, control) = all
        .iter()
        .find_map(|(id, c, acct, _)| (acct == &other).then(|| Some((id.clone(), c.clone()?))).flatten())
        .expect("a finding with a control in the other account");
    let cleared = all
        .iter()
        .find_map(|(_, c, _, _)| c.clone().filter(|c| c != &control))
        .expect("a second control");
    let by = "Test";
    store
        .assign_owner(OwnerScope::Unit, &nested.1, "Platform", by, now)
        .expect("unit");
    store
        .assign_owner(OwnerScope::Account, &other, "Payments", by, now)
        .expect("account");
    store
        .assign_owner(OwnerScope::Control, &control, "Storage", by, now)
        .expect("control");
    store
        .assign_owner(OwnerScope::Finding, &finding, "Alice", by, now)
        .expect("finding");
    store
        .assign_owner(OwnerScope::Control, &cleared, "Gone", by, now)
        .expect("control");
    store
        .assign_owner(OwnerScope::Control, &cleared, "", by, now)
        .expect("cleared");

    let all = rows(&store, &FindingFilter::default());
    let expect = |wanted: &[&str], unowned: bool| -> BTreeSet<String> {
        all.iter()
            .filter(|(_, _, _, o)| match o {
                Some(o) => wanted.contains(&o.as_str()),
                None => unowned,
            })
            .map(|(id, ..)| id.clone())
            .collect()
    };
    for (wanted, unowned) in [
        (vec!["Platform"], false),
        (vec!["Payments"], false),
        (vec!["Storage"], false),
        (vec!["Alice"], false),
        (vec!["Gone"], false),
        (vec!["Payments", "Alice"], false),
        (vec![], true),
        (vec!["Storage"], true),
    ] {
        let filter = FindingFilter {
            owners: wanted.iter().map(|s| s.to_string()).collect(),
            unowned,
            ..Default::default()
        };
        let got: BTreeSet<String> = rows(&store, &filter).into_iter().map(|(id, ..)| id).collect();
        let want = expect(&wanted, unowned);
        assert_eq!(got, want, "owners {wanted:?}, unowned {unowned}");
        if wanted != ["Gone"] {
            assert!(
                !want.is_empty(),
                "owners {wanted:?}, unowned {unowned}: the test must reach some"
            );
        }
    }
}

/// A search (text, or a finding's id) is answered from the full-text index and the default
/// order's index; the table itself is never scanned. (Walking the order until a page is full
/// still costs more as the workspace grows: #22.)
#[test]
fn a_search_reads_the_text_index_not_the_findings_table() {
    let (_d, store) = setup();
    let q = FindingsQuery {
        search: Some("bucket".into()),
        record_state: Some(rampart_core::model::RecordState::Active),
        ..query()
    };
    let plan = page_plan(store.conn(), &q, 0).expect("plan");
    assert!(plan.contains("findings_fts VIRTUAL TABLE"), "{plan}");
    assert!(plan.contains("USING INDEX findings_explorer_default"), "{plan}");
    assert!(
        !plan
            .lines()
            .any(|l| l.trim() == "SCAN f" || l.trim_start().starts_with("SCAN f ")),
        "{plan}"
    );
}
