//! History over time: daily snapshots (with carried-forward days), their recomputation
//! when an older export arrives late, the trend read from them, and what changed between
//! two days (new, fixed, regressed).

use chrono::NaiveDate;
use rampart_core::catalog::Catalog;
use rampart_core::query::changes::{changes, changes_with};
use rampart_core::query::trend::trend;
use rampart_core::Store;
use serde_json::json;

use crate::support::{import_findings, ms};

const REQ: &str = "164.312(a)(2)(iv)"; // RDS.3 (storage encryption) bears on it.

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn rds3(id: &str, updated: &str, status: &str) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": id,
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": "security-control/RDS.3", "AwsAccountId": "111122223333",
        "CreatedAt": "2026-03-01T00:00:00Z", "UpdatedAt": updated, "Title": id, "Description": "d",
        "Severity": {"Label": "MEDIUM"}, "Resources": [{"Type": "AwsRdsDbInstance", "Id": id}],
        "Compliance": {"Status": status, "SecurityControlId": "RDS.3"}
    })
}

/// Imports `findings` as one file on `import_day` (the import log's date).
fn import(store: &mut Store, catalog: &Catalog, import_day: &str, findings: Vec<serde_json::Value>) {
    import_findings(
        store,
        catalog,
        import_day,
        ms(&format!("{import_day}T12:00:00Z")),
        findings,
    );
}

fn daily(store: &Store, catalog: &Catalog) -> Vec<(String, u32, bool)> {
    let t = trend(
        store.conn(),
        catalog,
        Some("hipaa"),
        day("2026-03-01"),
        day("2026-03-06"),
        false,
    )
    .expect("trend");
    t.frameworks[0]
        .points
        .iter()
        .map(|p| (p.day.clone(), p.failed_findings, p.carried))
        .collect()
}

fn requirement_status(store: &Store, d: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT status FROM snapshot_requirements WHERE framework = 'hipaa' AND requirement = ?1 AND day = ?2",
            [REQ, d],
            |r| r.get(0),
        )
        .expect("snapshot row")
}

#[test]
fn snapshots_carry_forward_and_are_recomputed_when_an_old_export_arrives_late() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    import(
        &mut store,
        &catalog,
        "2026-03-01",
        vec![
            rds3("a", "2026-03-01T08:00:00Z", "FAILED"),
            rds3("b", "2026-03-01T08:00:00Z", "PASSED"),
        ],
    );
    // Nothing is imported on the 2nd.
    import(
        &mut store,
        &catalog,
        "2026-03-03",
        vec![rds3("a", "2026-03-03T08:00:00Z", "PASSED")],
    );
    import(
        &mut store,
        &catalog,
        "2026-03-04",
        vec![rds3("b", "2026-03-04T08:00:00Z", "PASSED")],
    );
    import(
        &mut store,
        &catalog,
        "2026-03-05",
        vec![
            rds3("a", "2026-03-05T08:00:00Z", "FAILED"),
            rds3("c", "2026-03-05T08:00:00Z", "FAILED"),
        ],
    );
    store.refresh_snapshots(&catalog, day("2026-03-06")).expect("snapshots");
    assert_eq!(
        daily(&store, &catalog),
        vec![
            ("2026-03-01".into(), 1, false),
            ("2026-03-02".into(), 1, true),
            ("2026-03-03".into(), 0, false),
            ("2026-03-04".into(), 0, false),
            ("2026-03-05".into(), 2, false),
            ("2026-03-06".into(), 2, true),
        ]
    );
    assert_eq!(requirement_status(&store, "2026-03-04"), "passing");
    assert_eq!(requirement_status(&store, "2026-03-05"), "failing");

    // An export from the 2nd, imported on the 7th, says b was failing then.
    import(
        &mut store,
        &catalog,
        "2026-03-07",
        vec![rds3("b", "2026-03-02T08:00:00Z", "FAILED")],
    );
    let days = store.refresh_snapshots(&catalog, day("2026-03-06")).expect("snapshots");
    assert_eq!(days, 5, "the 2nd to the 6th are recomputed");
    assert_eq!(
        daily(&store, &catalog),
        vec![
            ("2026-03-01".into(), 1, false),
            ("2026-03-02".into(), 2, true),
            ("2026-03-03".into(), 1, false),
            ("2026-03-04".into(), 0, false),
            ("2026-03-05".into(), 2, false),
            ("2026-03-06".into(), 2, true),
        ]
    );
    assert_eq!(requirement_status(&store, "2026-03-03"), "failing");
    // Nothing new: nothing to recompute.
    assert_eq!(
        store.refresh_snapshots(&catalog, day("2026-03-06")).expect("snapshots"),
        0
    );

    // What changed after the 2nd up to the 5th: b fixed, a regressed (fixed on the 3rd,
    // failing again on the 5th), c new.
    let c = changes(
        store.conn(),
        ms("2026-03-02T23:59:59.999Z"),
        ms("2026-03-05T23:59:59.999Z"),
    )
    .expect("changes");
    let kinds: Vec<(String, String)> = c.findings.iter().map(|f| (f.id.clone(), f.kind.clone())).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(kinds.contains(&("a".into(), "regressed".into())));
    assert!(kinds.contains(&("b".into(), "fixed".into())));
    assert!(kinds.contains(&("c".into(), "new".into())));
    assert_eq!((c.totals.new, c.totals.fixed, c.totals.regressed), (1, 1, 1));
    let hipaa = c.by_framework.iter().find(|g| g.key == "hipaa").expect("hipaa group");
    assert_eq!(
        (hipaa.counts.new, hipaa.counts.fixed, hipaa.counts.regressed),
        (1, 1, 1)
    );
    assert!(c.by_requirement.iter().any(|g| g.key == format!("hipaa:{REQ}")));
    // Reading the grouping attributes by one index scan gives the same answer as by lookups.
    let scanned = changes_with(
        store.conn(),
        ms("2026-03-02T23:59:59.999Z"),
        ms("2026-03-05T23:59:59.999Z"),
        0,
        None,
    )
    .expect("changes");
    assert_eq!(scanned, c);
    // The late event was linked in between: each event's `prev_*` is what a full
    // recomputation from the facts gives.
    assert_eq!(store.relink_history().expect("relink"), 0);
    assert_eq!(c.by_control[0].key, "RDS.3");
    // A window with no events has no changes.
    let quiet = changes(
        store.conn(),
        ms("2026-03-05T23:59:59.999Z"),
        ms("2026-03-06T23:59:59.999Z"),
    )
    .expect("changes");
    assert!(quiet.findings.is_empty());
}

#[test]
fn weekly_trend_keeps_each_weeks_last_day() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    import(
        &mut store,
        &catalog,
        "2026-03-02",
        vec![rds3("a", "2026-03-02T08:00:00Z", "FAILED")],
    );
    import(
        &mut store,
        &catalog,
        "2026-03-10",
        vec![rds3("a", "2026-03-10T08:00:00Z", "PASSED")],
    );
    store.refresh_snapshots(&catalog, day("2026-03-17")).expect("snapshots");
    let t = trend(
        store.conn(),
        &catalog,
        Some("hipaa"),
        day("2026-03-02"),
        day("2026-03-17"),
        true,
    )
    .expect("trend");
    let days: Vec<&str> = t.frameworks[0].points.iter().map(|p| p.day.as_str()).collect();
    // ISO weeks end on Sunday: the 8th and the 15th; the 17th ends the range.
    assert_eq!(days, ["2026-03-08", "2026-03-15", "2026-03-17"]);
    assert_eq!(t.frameworks[0].points[0].failing, 2, "{REQ} and its parent fail");
    assert_eq!(t.frameworks[0].points[1].failing, 0);
    assert_eq!(t.frameworks[0].points[1].score, Some(1.0));
}
