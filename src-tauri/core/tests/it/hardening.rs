//! What a hostile finding producer cannot do to the workspace: replace another product's
//! finding, or pin one with a date in the future.

use rampart_core::catalog::Catalog;
use rampart_core::query::posture::{posture, RequirementStatus};
use rampart_core::time::{format_ts, now_ms};
use rampart_core::{ImportInput, Store};
use serde_json::json;

const HOUR: i64 = 3_600_000;
const FINDING_ID: &str =
    "arn:aws:securityhub:eu-west-1:111122223333:security-control/APIGateway.1/finding/0a1b2c3d-0000-4000-8000-000000000001";
const SECURITY_HUB: &str = "arn:aws:securityhub:eu-west-1::product/aws/securityhub";
/// What any account may send to Security Hub: its own default product.
const CUSTOM: &str = "arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default";

fn finding(product_arn: &str, updated: &str, status: &str) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": FINDING_ID, "ProductArn": product_arn,
        "GeneratorId": "security-control/APIGateway.1", "AwsAccountId": "111122223333",
        "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": updated,
        "Title": "API Gateway REST and WebSocket API execution logging should be enabled",
        "Description": "d", "Severity": {"Label": "MEDIUM"},
        "Resources": [{"Type": "AwsApiGatewayStage", "Id": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"}],
        "Compliance": {"Status": status, "SecurityControlId": "APIGateway.1"}
    })
}

fn import(store: &mut Store, catalog: &Catalog, f: serde_json::Value) -> rampart_core::store::imports::ImportCounts {
    let body = serde_json::to_vec(&json!({ "Findings": [f] })).expect("json");
    let mut reports = store
        .import_mapped(
            vec![ImportInput::new("f.json", std::io::Cursor::new(body))],
            &now_ms,
            catalog,
        )
        .expect("import");
    reports.remove(0).counts
}

/// The attack as reproduced: a custom finding with the real failure's `Id`, PASSED and
/// dated 9999, then the genuine later failure. Neither foreign version touches the real
/// finding, the one from 9999 is refused and counted, and the practices stay failing.
#[test]
fn another_products_finding_with_the_same_id_never_replaces_it() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let now = now_ms();
    let at = |hours_ago: i64| format_ts(now - hours_ago * HOUR);

    let c = import(&mut store, &catalog, finding(SECURITY_HUB, &at(48), "FAILED"));
    assert_eq!((c.inserted, c.future), (1, 0));

    let c = import(&mut store, &catalog, finding(CUSTOM, "9999-12-31T23:59:59Z", "PASSED"));
    assert_eq!(
        (c.findings, c.inserted, c.updated, c.future),
        (1, 0, 0, 1),
        "a date in 9999 is refused"
    );
    // Within the allowance a little ahead of the clock is accepted.
    let c = import(&mut store, &catalog, finding(SECURITY_HUB, &at(-2), "FAILED"));
    assert_eq!((c.updated, c.future), (1, 0));

    let c = import(&mut store, &catalog, finding(CUSTOM, &at(1), "PASSED"));
    assert_eq!(
        (c.inserted, c.updated),
        (1, 0),
        "another product's finding is another finding"
    );

    let rows: Vec<(String, String)> = store
        .conn()
        .prepare("SELECT product_arn, status FROM findings WHERE id = ?1 ORDER BY fid")
        .and_then(|mut s| s.query_map([FINDING_ID], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("rows");
    assert_eq!(
        rows,
        vec![
            (SECURITY_HUB.to_string(), "failed".to_string()),
            (CUSTOM.to_string(), "passed".to_string())
        ]
    );
    let future: i64 = store
        .conn()
        .query_row("SELECT sum(future) FROM imports", [], |r| r.get(0))
        .expect("imports");
    assert_eq!(future, 1, "the import report keeps the refused count");

    let p = posture(store.conn(), &catalog, None, None, now).expect("posture");
    let mut bearing = 0;
    for fw in &p.frameworks {
        for r in fw
            .requirements
            .iter()
            .filter(|r| r.controls.iter().any(|c| c.id == "APIGateway.1"))
        {
            assert_eq!(r.status, RequirementStatus::Failing, "{}:{}", fw.id, r.id);
            bearing += 1;
        }
    }
    assert!(bearing > 0, "APIGateway.1 bears on some requirement");
    let api12 = p.frameworks.iter().find(|f| f.id == "api12").expect("api12");
    assert!(api12.score.expect("scored") < 100.0, "score {:?}", api12.score);
}

/// A finding dated within the allowance ahead of the import's clock is applied; one whose
/// creation or observation lies beyond it is refused like one whose update does.
#[test]
fn every_time_a_finding_carries_is_held_to_the_clock() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let now = now_ms();
    let mut f = finding(SECURITY_HUB, &format_ts(now), "FAILED");
    f["LastObservedAt"] = json!(format_ts(now + 30 * HOUR));
    assert_eq!(import(&mut store, &catalog, f).future, 1);
    let mut f = finding(SECURITY_HUB, &format_ts(now), "FAILED");
    f["CreatedAt"] = json!("3000-01-01T00:00:00Z");
    assert_eq!(import(&mut store, &catalog, f).future, 1);
    let mut f = finding(SECURITY_HUB, &format_ts(now + 20 * HOUR), "FAILED");
    f["LastObservedAt"] = json!(format_ts(now + 20 * HOUR));
    assert_eq!(import(&mut store, &catalog, f).inserted, 1);
}
