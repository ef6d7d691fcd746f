//! Posture from the store: requirement statuses follow the findings mapped to them, any
//! past moment is answered from the history (not from today's rows), manual requirements
//! follow their attestations (which expire and are never edited), and unmapped findings
//! are counted.

use rampart_core::catalog::Catalog;
use rampart_core::query::posture::{posture, Posture, RequirementStatus};
use rampart_core::store::attestations::NewAttestation;
use rampart_core::{ImportInput, Store};
use serde_json::json;

use crate::support::{import_findings, ms};

fn control_finding(id: &str, control: &str, updated: &str, status: &str) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": id,
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": format!("security-control/{control}"), "AwsAccountId": "111122223333",
        "CreatedAt": "2026-03-01T00:00:00Z", "UpdatedAt": updated, "Title": control, "Description": "d",
        "Severity": {"Label": "HIGH"}, "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::{id}")}],
        "Compliance": {"Status": status, "SecurityControlId": control}
    })
}

fn import(store: &mut Store, catalog: &Catalog, findings: Vec<serde_json::Value>) {
    import_findings(store, catalog, "f.json", rampart_core::time::now_ms(), findings);
}

fn status(p: &Posture, fw: &str, req: &str) -> RequirementStatus {
    p.frameworks
        .iter()
        .find(|f| f.id == fw)
        .and_then(|f| f.requirements.iter().find(|r| r.id == req))
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("{fw}:{req} missing"))
}

#[test]
fn requirement_status_follows_findings_now_and_at_any_past_moment() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    // RDS.3 (storage encryption) bears on HIPAA 164.312(a)(2)(iv).
    import(
        &mut store,
        &catalog,
        vec![control_finding("db-1", "RDS.3", "2026-03-01T00:00:00Z", "FAILED")],
    );
    import(
        &mut store,
        &catalog,
        vec![control_finding("db-1", "RDS.3", "2026-03-10T00:00:00Z", "PASSED")],
    );
    let now = ms("2026-03-20T00:00:00Z");
    let today = posture(store.conn(), &catalog, None, None, now).expect("posture");
    assert_eq!(status(&today, "hipaa", "164.312(a)(2)(iv)"), RequirementStatus::Passing);
    let before = posture(store.conn(), &catalog, None, Some(ms("2026-03-05T23:59:59Z")), now).expect("posture");
    assert_eq!(
        status(&before, "hipaa", "164.312(a)(2)(iv)"),
        RequirementStatus::Failing
    );
    assert_eq!(before.as_of, "2026-03-05T23:59:59.000Z");
    let earlier = posture(store.conn(), &catalog, None, Some(ms("2026-02-01T00:00:00Z")), now).expect("posture");
    assert_eq!(
        status(&earlier, "hipaa", "164.312(a)(2)(iv)"),
        RequirementStatus::NoData
    );
    // The point's parent rolls up.
    assert_eq!(status(&before, "hipaa", "164.312(a)(1)"), RequirementStatus::Failing);
    // Every framework and every requirement is listed, with the formula.
    for fw in &catalog.frameworks {
        let f = today
            .frameworks
            .iter()
            .find(|f| f.id == fw.id)
            .expect("framework listed");
        assert_eq!(f.requirements.len(), fw.requirements.len());
        assert!(f.formula.contains("passing"));
    }
    // Score: passing ÷ (passing + failing).
    let h = today.frameworks.iter().find(|f| f.id == "hipaa").expect("hipaa");
    assert_eq!(h.score, Some(f64::from(h.passing) / f64::from(h.passing + h.failing)));
    assert_eq!((h.controls_passed, h.controls_failed), (1, 0));
    assert_eq!(h.control_score, Some(1.0));
}

#[test]
fn a_failing_finding_fails_the_requirement_and_unknown_controls_count_as_unmapped() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    import(
        &mut store,
        &catalog,
        vec![
            control_finding("db-1", "RDS.3", "2026-03-01T00:00:00Z", "PASSED"),
            control_finding("db-2", "RDS.3", "2026-03-01T00:00:00Z", "FAILED"),
            control_finding("x-1", "Foo.99", "2026-03-01T00:00:00Z", "FAILED"),
        ],
    );
    let p = posture(store.conn(), &catalog, Some("hipaa"), None, ms("2026-03-02T00:00:00Z")).expect("posture");
    assert_eq!(p.frameworks.len(), 1);
    let r = p.frameworks[0]
        .requirements
        .iter()
        .find(|r| r.id == "164.312(a)(2)(iv)")
        .expect("req");
    assert_eq!((r.status, r.failed, r.passed), (RequirementStatus::Failing, 1, 1));
    let rds3 = r.controls.iter().find(|c| c.id == "RDS.3").expect("control listed");
    assert_eq!((rds3.status.as_str(), rds3.failed, rds3.passed), ("failed", 1, 1));
    assert_eq!(r.controls[0].id, "RDS.3", "failing controls come first");
    assert_eq!((p.unmapped, p.active), (1, 3));
}

/// A finding of a control the catalog does not know, that names its NIST references, is
/// counted as mapped by reference (not unmapped), now and in the history; a row stored
/// before references were kept gets them from its raw JSON when it is mapped again.
#[test]
fn an_unknown_control_with_nist_references_counts_as_mapped_by_reference() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let mut f = control_finding("b-1", "Bedrock.99", "2026-03-01T00:00:00Z", "FAILED");
    f["Compliance"]["RelatedRequirements"] = json!(["NIST.800-53.r5 AU-2", "NIST.800-53.r5 SI-4(20)"]);
    import(
        &mut store,
        &catalog,
        vec![f, control_finding("x-1", "Foo.99", "2026-03-01T00:00:00Z", "FAILED")],
    );
    let now = ms("2026-03-02T00:00:00Z");
    let check = |store: &Store| {
        let p = posture(store.conn(), &catalog, None, None, now).expect("posture");
        assert_eq!((p.unmapped, p.by_reference, p.active), (1, 1, 2));
        assert_eq!(status(&p, "hipaa", "164.312(b)"), RequirementStatus::Failing);
        let r = p.frameworks[2]
            .requirements
            .iter()
            .find(|r| r.id == "164.312(b)")
            .expect("164.312(b)");
        let c = r.controls.iter().find(|c| c.id == "Bedrock.99").expect("listed");
        assert!(c.by_reference && c.status == "failed");
        let past = posture(store.conn(), &catalog, None, Some(now - 1), now).expect("posture");
        assert_eq!((past.unmapped, past.by_reference), (1, 1));
    };
    check(&store);
    // As a workspace written before the references were kept: the column is empty and the
    // mapping is gone; mapping again reads them from the raw JSON.
    store
        .conn()
        .execute_batch(
            "UPDATE findings SET related_nist = NULL;
             DELETE FROM workspace_meta WHERE key = 'catalog_fingerprint';",
        )
        .expect("age the rows");
    store.ensure_mapped(&catalog).expect("map");
    check(&store);
}

#[test]
fn manual_requirements_follow_attestations_which_expire_and_are_never_edited() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let req = "164.316(b)(1)";
    let first = posture(store.conn(), &catalog, Some("hipaa"), None, ms("2026-03-01T00:00:00Z")).expect("posture");
    assert_eq!(status(&first, "hipaa", req), RequirementStatus::NotAttested);
    store
        .attest(&NewAttestation {
            framework: "hipaa".into(),
            requirement: req.into(),
            by: "Dana".into(),
            statement: "Documentation is kept.".into(),
            at: ms("2026-03-01T00:00:00Z"),
            expires_at: Some(ms("2026-06-01T00:00:00Z")),
            evidence: Some(("policy.pdf".into(), "ab".repeat(32))),
        })
        .expect("attest");
    let at = |d: &str| posture(store.conn(), &catalog, Some("hipaa"), Some(ms(d)), ms(d)).expect("posture");
    assert_eq!(
        status(&at("2026-02-28T00:00:00Z"), "hipaa", req),
        RequirementStatus::NotAttested
    );
    assert_eq!(
        status(&at("2026-05-31T23:59:59Z"), "hipaa", req),
        RequirementStatus::Attested
    );
    assert_eq!(
        status(&at("2026-06-01T00:00:00Z"), "hipaa", req),
        RequirementStatus::Expired
    );
    let p = at("2026-04-01T00:00:00Z");
    let r = p.frameworks[0].requirements.iter().find(|r| r.id == req).expect("req");
    let a = r.attestation.as_ref().expect("attestation shown");
    assert_eq!(
        (a.by.as_str(), a.evidence_name.as_deref()),
        ("Dana", Some("policy.pdf"))
    );
    // Manual requirements are counted apart from the score's passing and failing.
    let f = &p.frameworks[0];
    assert_eq!(f.attested, 1);
    let manual = f.requirements.iter().filter(|r| r.manual).count() as u32;
    assert_eq!(f.attested + f.expired + f.not_attested, manual);
    assert_eq!(f.passing + f.failing + f.no_data + manual, f.requirements.len() as u32);
    assert_eq!(
        f.score, None,
        "no automated requirement has a verdict in this workspace"
    );
    // Attestations are append-only.
    for sql in ["UPDATE attestations SET statement = 'x'", "DELETE FROM attestations"] {
        let err = store.conn().execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{err}");
    }
}

/// Every table the mapping writes, as sorted text.
fn mapping_tables(store: &Store) -> Vec<String> {
    let conn = store.conn();
    let mut out = Vec::new();
    for sql in [
        "SELECT f.id, f.mapped, coalesce(f.mapped_control, '-'), f.counted, coalesce(s.requirements, '-')
         FROM findings f LEFT JOIN requirement_sets s ON s.id = f.req_set ORDER BY f.id",
        "SELECT f.id, r.framework, r.requirement, r.rule_kind, r.rule_value, coalesce(r.via, '-')
         FROM finding_requirements r JOIN findings f ON f.fid = r.fid ORDER BY 1, 2, 3",
        "SELECT framework, requirement, control, failed, passed, other FROM requirement_counts ORDER BY 1, 2, 3",
    ] {
        let mut stmt = conn.prepare(sql).expect("prepare");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|v| v.join("|"))
            })
            .expect("query")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows");
        out.extend(rows);
    }
    out
}

#[test]
fn mapping_while_importing_equals_mapping_afterwards() {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import");
    let batches: Vec<Vec<serde_json::Value>> = vec![
        vec![
            control_finding("a", "S3.5", "2026-03-01T00:00:00Z", "FAILED"),
            control_finding("b", "RDS.3", "2026-03-01T00:00:00Z", "PASSED"),
            control_finding("c", "NOPE.1", "2026-03-01T00:00:00Z", "FAILED"),
        ],
        // a fixed, b failing, and an older version of b that arrives late (stale).
        vec![
            control_finding("a", "S3.5", "2026-03-02T00:00:00Z", "PASSED"),
            control_finding("b", "RDS.3", "2026-03-02T00:00:00Z", "FAILED"),
            control_finding("b", "RDS.3", "2026-02-20T00:00:00Z", "PASSED"),
        ],
    ];
    let mut after = Store::open(&dir.path().join("after.db")).expect("open");
    let mut inline = Store::open(&dir.path().join("inline.db")).expect("open");
    let files = || {
        let mut v: Vec<_> = std::fs::read_dir(&fixtures)
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.ends_with(".json") && !name.ends_with(".expected.json") && !name.starts_with("config-")
            })
            .collect();
        v.sort();
        v.into_iter()
            .map(|p| ImportInput::new(p.display().to_string(), std::fs::File::open(&p).expect("open")))
            .collect::<Vec<_>>()
    };
    after.import(files(), &rampart_core::time::now_ms).expect("import");
    after.ensure_mapped(&catalog).expect("map");
    inline
        .import_mapped(files(), &rampart_core::time::now_ms, &catalog)
        .expect("import");
    for batch in batches {
        let body = serde_json::to_vec(&json!({ "Findings": batch })).expect("json");
        after
            .import(
                vec![ImportInput::new("f.json", std::io::Cursor::new(body.clone()))],
                &rampart_core::time::now_ms,
            )
            .expect("import");
        after.ensure_mapped(&catalog).expect("map");
        inline
            .import_mapped(
                vec![ImportInput::new("f.json", std::io::Cursor::new(body))],
                &rampart_core::time::now_ms,
                &catalog,
            )
            .expect("import");
        assert_eq!(mapping_tables(&inline), mapping_tables(&after));
    }
    assert!(mapping_tables(&inline).len() > 20);
    // Nothing is left for a separate pass.
    assert_eq!(inline.ensure_mapped(&catalog).expect("map"), 0);
}

/// A small framework for the score cases: R1 holds a critical and a low control, R2 a
/// medium one, R3 is manual (never scored).
const SCORE_FRAMEWORK: &str = r#"
[framework]
id = "score-test"
name = "Score test"

[[requirement]]
id = "R1"
title = "Critical and low"
summary = "Two controls of different severity."
[[requirement.evidence]]
control = "CodeBuild.1"
why = "critical"
[[requirement.evidence]]
control = "APIGateway.3"
why = "low"

[[requirement]]
id = "R2"
title = "Medium"
summary = "One medium control."
[[requirement.evidence]]
control = "ACM.1"
why = "medium"

[[requirement]]
id = "R3"
title = "Manual"
summary = "Attested only."
manual = true
attestation = "State it."
"#;

/// The framework score of each case, now (posture) and from the day's snapshot (trend):
/// they must agree, since both use `rampart_core::score`.
#[test]
fn the_framework_score_weighs_severity_and_each_requirement_equally() {
    let catalog = Catalog::with_user_files(&[rampart_core::catalog::Source::new("score.toml", SCORE_FRAMEWORK)])
        .unwrap_or_else(|e| panic!("{e}"));
    let f = |id: &str, control: &str, status: &str| control_finding(id, control, "2026-03-01T00:00:00Z", status);
    // (case, findings, expected score, expected requirements fully met)
    let cases: Vec<(&str, Vec<serde_json::Value>, f64, u32)> = vec![
        (
            "everything fails",
            vec![
                f("a", "CodeBuild.1", "FAILED"),
                f("b", "APIGateway.3", "FAILED"),
                f("c", "ACM.1", "FAILED"),
            ],
            0.0,
            0,
        ),
        (
            "the critical control fixed",
            vec![
                f("a", "CodeBuild.1", "PASSED"),
                f("b", "APIGateway.3", "FAILED"),
                f("c", "ACM.1", "FAILED"),
            ],
            (8.0 / 9.0) / 2.0,
            0,
        ),
        (
            "the low control fixed",
            vec![
                f("a", "CodeBuild.1", "FAILED"),
                f("b", "APIGateway.3", "PASSED"),
                f("c", "ACM.1", "FAILED"),
            ],
            (1.0 / 9.0) / 2.0,
            0,
        ),
        (
            "one failing resource fails its control",
            vec![
                f("a", "CodeBuild.1", "PASSED"),
                f("a2", "CodeBuild.1", "FAILED"),
                f("b", "APIGateway.3", "PASSED"),
                f("c", "ACM.1", "PASSED"),
            ],
            (1.0 / 9.0 + 1.0) / 2.0,
            1,
        ),
        (
            "a requirement without data is left out",
            vec![f("a", "CodeBuild.1", "PASSED"), f("b", "APIGateway.3", "FAILED")],
            8.0 / 9.0,
            0,
        ),
        (
            "everything passes",
            vec![
                f("a", "CodeBuild.1", "PASSED"),
                f("b", "APIGateway.3", "PASSED"),
                f("c", "ACM.1", "PASSED"),
            ],
            1.0,
            2,
        ),
    ];
    let mut scores = std::collections::BTreeMap::new();
    for (case, findings, want, met) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("w.db")).expect("open");
        import_findings(&mut store, &catalog, "f.json", ms("2026-03-01T00:00:00Z"), findings);
        let now = ms("2026-03-02T12:00:00Z");
        let p = posture(store.conn(), &catalog, Some("score-test"), None, now).expect("posture");
        let fw = &p.frameworks[0];
        let got = fw.score.unwrap_or_else(|| panic!("{case}: no score"));
        assert!((got - want).abs() < 1e-9, "{case}: score {got}, expected {want}");
        assert_eq!(fw.passing, met, "{case}: requirements fully met");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
        store.refresh_snapshots(&catalog, day).expect("snapshots");
        let t = rampart_core::query::trend::trend(store.conn(), &catalog, Some("score-test"), day, day, false)
            .expect("trend");
        let from_history = t.frameworks[0].points[0].score.expect("snapshot score");
        assert!(
            (from_history - got).abs() < 1e-9,
            "{case}: the snapshot says {from_history}, the posture {got}"
        );
        scores.insert(case, got);
    }
    assert!(scores["the critical control fixed"] > scores["the low control fixed"]);
    assert!(scores["the low control fixed"] > scores["everything fails"]);
}
