//! The catalog, posture and attestation commands as a user runs them: the real binary on
//! the demo workspace and on hand-made files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{demo_workspace, fixtures, json, ok, rampart};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The demo workspace these tests share.
fn demo() -> &'static Path {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    DEMO.get_or_init(|| demo_workspace(Some("2026-11-28")))
}

#[test]
fn posture_json_lists_every_framework_and_requirement() {
    let p = json(demo(), &["posture", "--format", "json"]);
    let stats = json(demo(), &["catalog", "stats", "--format", "json"]);
    // The catalog knows every control AWS runs today, and covers every control the demo's
    // findings name.
    assert_eq!(stats["known"].as_array().expect("known").len(), 571);
    let w = &stats["workspace"];
    assert!(w["seen"].as_u64().expect("seen") > 300, "{w}");
    assert_eq!(w["known"], w["seen"], "{w}");
    assert_eq!(w["unknown"], serde_json::json!([]), "{w}");
    assert!(p["as_of"].is_string());
    assert!(p["unmapped"].is_u64());
    let frameworks = p["frameworks"].as_array().expect("frameworks");
    let ids: Vec<&str> = frameworks.iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(ids, ["api12", "gdpr", "hipaa"]);
    for f in frameworks {
        let id = f["id"].as_str().expect("id");
        let reqs = f["requirements"].as_array().expect("requirements");
        assert_eq!(
            reqs.len() as u64,
            stats["requirements"][id].as_u64().expect("count"),
            "{id}"
        );
        assert!(f.get("score").is_some() && f.get("control_score").is_some());
        // The posture's score is the last day's score in the trend, to the digit.
        let t = json(
            demo(),
            &[
                "trend",
                "--framework",
                id,
                "--days",
                "1",
                "--until",
                "2026-11-28",
                "--format",
                "json",
            ],
        );
        assert_eq!(
            t["frameworks"][0]["points"][0]["score"], f["score"],
            "{id}: trend and posture disagree"
        );
        for r in reqs {
            for k in ["id", "title", "status", "failed", "passed", "controls"] {
                assert!(r.get(k).is_some(), "{id}: {k} missing in {r}");
            }
        }
    }
    // The demo's attestations: API-6 current, GDPR Art.24 lapsed.
    let status = |fw: &str, req: &str| {
        frameworks.iter().find(|f| f["id"] == fw).expect("fw")["requirements"]
            .as_array()
            .expect("reqs")
            .iter()
            .find(|r| r["id"] == req)
            .expect("req")["status"]
            .as_str()
            .expect("status")
            .to_string()
    };
    assert_eq!(status("api12", "API-6"), "attested");
    assert_eq!(status("gdpr", "Art.24"), "expired");
    assert_eq!(status("gdpr", "Art.35"), "not_attested");
}

#[test]
fn posture_at_a_past_date_is_that_days_posture() {
    let now = json(demo(), &["posture", "--framework", "api12", "--format", "json"]);
    let then = json(
        demo(),
        &[
            "posture",
            "--framework",
            "api12",
            "--at",
            "2026-09-29",
            "--format",
            "json",
        ],
    );
    assert_eq!(then["as_of"], "2026-09-29T23:59:59.999Z");
    let control_score = |p: &Value| p["frameworks"][0]["control_score"].as_f64().expect("score");
    // The demo's posture improves: 60 days ago fewer controls passed than today.
    assert!(
        control_score(&then) < control_score(&now),
        "{} vs {}",
        control_score(&then),
        control_score(&now)
    );
    // A day before any data there is nothing to judge.
    let before = json(
        demo(),
        &[
            "posture",
            "--framework",
            "hipaa",
            "--at",
            "2025-01-01",
            "--format",
            "json",
        ],
    );
    let reqs = before["frameworks"][0]["requirements"].as_array().expect("reqs");
    assert!(reqs
        .iter()
        .all(|r| ["no_data", "not_attested"].contains(&r["status"].as_str().expect("status"))));
}

#[test]
fn findings_filter_by_framework_and_requirement_and_carry_their_requirements() {
    let rows = json(
        demo(),
        &[
            "findings",
            "--framework",
            "hipaa",
            "--requirement",
            "164.312(b)",
            "--status",
            "failed",
            "--format",
            "json",
        ],
    );
    let rows = rows.as_array().expect("rows");
    assert!(!rows.is_empty());
    for r in rows {
        assert_eq!(r["status"], "failed");
        let reqs: Vec<&str> = r["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert!(reqs.contains(&"hipaa:164.312(b)"), "{reqs:?}");
    }
    // The requirement view agrees with the posture's count.
    let posture = json(demo(), &["posture", "--framework", "hipaa", "--format", "json"]);
    let failed = posture["frameworks"][0]["requirements"]
        .as_array()
        .expect("reqs")
        .iter()
        .find(|r| r["id"] == "164.312(b)")
        .expect("req")["failed"]
        .as_u64()
        .expect("failed");
    let active_failed = rows.iter().filter(|r| r["record_state"] == "active").count() as u64;
    assert_eq!(active_failed, failed);
    // Unknown ids are usage mistakes, named.
    let out = rampart(demo(), &["findings", "--framework", "sox"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown framework \"sox\""));
    let out = rampart(demo(), &["findings", "--requirement", "164.312(b)"]);
    assert_eq!(out.status.code(), Some(2), "--requirement needs --framework");
}

#[test]
fn requirement_detail_shows_remediation_for_failing_controls() {
    let d = json(demo(), &["requirement", "hipaa:164.312(b)", "--format", "json"]);
    assert_eq!(d["status"], Value::Null, "status lives in posture");
    assert_eq!(d["posture"]["status"], "failing");
    let controls = d["controls"].as_array().expect("controls");
    let failing = controls
        .iter()
        .find(|c| c["status"] == "failed")
        .expect("a failing control");
    assert!(!failing["rationale"].as_str().expect("rationale").is_empty());
    assert!(!failing["remediation"]["steps"].as_array().expect("steps").is_empty());
    assert!(!failing["failing"].as_array().expect("findings").is_empty());
    let text = ok(rampart(demo(), &["requirement", "hipaa:164.312(b)"]));
    assert!(text.contains("Audit controls") && text.contains("1. "));
}

#[test]
fn attest_records_who_what_and_the_evidence_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.db");
    ok(rampart(
        &db,
        &[
            "import",
            fixtures("import/securityhub-consolidated.json").to_str().expect("path"),
        ],
    ));
    let evidence = dir.path().join("sdlc-policy.pdf");
    std::fs::write(&evidence, b"%PDF-1.7 the API lifecycle standard").expect("write");
    let sha = format!("{:x}", Sha256::digest(std::fs::read(&evidence).expect("read")));
    let out = ok(rampart(
        &db,
        &[
            "attest",
            "api12:API-6",
            "--by",
            "Dana Whitfield",
            "--statement",
            "All public APIs are versioned.",
            "--evidence",
            evidence.to_str().expect("path"),
            "--expires",
            "2099-01-01",
        ],
    ));
    assert!(out.contains(&sha), "{out}");
    let d = json(&db, &["requirement", "api12:API-6", "--format", "json"]);
    assert_eq!(d["posture"]["status"], "attested");
    assert_eq!(d["attestations"][0]["evidence_sha256"], sha.as_str());
    assert_eq!(d["attestations"][0]["expires_at"], "2099-01-01T00:00:00.000Z");
    // Requirements judged only by findings take no attestation; past expiries are refused.
    let out = rampart(&db, &["attest", "hipaa:164.312(e)(1)", "--by", "x", "--statement", "y"]);
    assert_eq!(out.status.code(), Some(1));
    let out = rampart(
        &db,
        &[
            "attest",
            "api12:API-6",
            "--by",
            "x",
            "--statement",
            "y",
            "--expires",
            "2001-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = rampart(&db, &["attest", "api12:API-99", "--by", "x", "--statement", "y"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no requirement \"API-99\""));
}

#[test]
fn custom_catalog_files_are_checked_and_loaded_from_the_workspace_folder() {
    let good = fixtures("catalog/custom-framework.toml");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let out = ok(rampart(&db, &["catalog", "check", good.to_str().expect("path")]));
    assert!(out.starts_with("ok:"), "{out}");
    let bad = fixtures("catalog-bad/dangling-control.toml");
    let out = rampart(&db, &["catalog", "check", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dangling-control.toml:14:") && err.contains("unknown control \"Nope.42\""),
        "{err}"
    );
    // A file in <db folder>/catalog/ is part of the workspace's catalog.
    ok(rampart(
        &db,
        &[
            "import",
            fixtures("import/securityhub-consolidated.json").to_str().expect("path"),
        ],
    ));
    std::fs::create_dir_all(dir.path().join("catalog")).expect("mkdir");
    std::fs::copy(&good, dir.path().join("catalog/acme.toml")).expect("copy");
    let p = json(&db, &["posture", "--framework", "acme", "--format", "json"]);
    let reqs = p["frameworks"][0]["requirements"].as_array().expect("reqs");
    assert_eq!(reqs[0]["id"], "ACME-1");
    assert_eq!(reqs[0]["status"], "failing", "the S3.8 fixture finding fails");
    let stats = ok(rampart(&db, &["catalog", "stats"]));
    assert!(stats.contains("acme"), "{stats}");
}

#[test]
fn catalog_files_are_added_and_removed_from_the_command_line_and_audited() {
    let good = fixtures("catalog/custom-framework.toml");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    ok(rampart(
        &db,
        &[
            "import",
            fixtures("import/securityhub-consolidated.json").to_str().expect("path"),
        ],
    ));
    // A broken file is refused with its file and line, and nothing is copied.
    let bad = fixtures("catalog-bad/dangling-control.toml");
    let out = rampart(&db, &["catalog", "add", bad.to_str().expect("path"), "--by", "Officer"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dangling-control.toml:14:"), "{err}");
    assert!(!dir.path().join("catalog/dangling-control.toml").exists());
    // Who changes the catalog is required.
    let out = rampart(&db, &["catalog", "add", good.to_str().expect("path"), "--by", " "]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("by:"), "{out:?}");
    let out = ok(rampart(
        &db,
        &["catalog", "add", good.to_str().expect("path"), "--by", "Officer"],
    ));
    assert!(out.contains("custom-framework.toml added"), "{out}");
    assert!(dir.path().join("catalog/custom-framework.toml").exists());
    let p = json(&db, &["posture", "--framework", "acme", "--format", "json"]);
    assert_eq!(p["frameworks"][0]["requirements"][0]["status"], "failing");
    // The same name again is refused.
    let out = rampart(
        &db,
        &["catalog", "add", good.to_str().expect("path"), "--by", "Officer"],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already in use"),
        "{out:?}"
    );
    ok(rampart(
        &db,
        &["catalog", "remove", "custom-framework.toml", "--by", "Officer"],
    ));
    assert!(!dir.path().join("catalog/custom-framework.toml").exists());
    let out = rampart(&db, &["posture", "--framework", "acme"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown framework \"acme\""),
        "{out:?}"
    );
    let audit = json(&db, &["audit", "--format", "json"]);
    let actions: Vec<&str> = audit
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"catalog.add") && actions.contains(&"catalog.remove"),
        "{actions:?}"
    );
}

#[test]
fn trend_shows_the_demos_improvement_and_changes_list_the_last_week() {
    let t = json(
        demo(),
        &["trend", "--days", "180", "--until", "2026-11-28", "--format", "json"],
    );
    assert_eq!(t["to"], "2026-11-28");
    for f in t["frameworks"].as_array().expect("frameworks") {
        let points = f["points"].as_array().expect("points");
        assert_eq!(points.len(), 180, "{}", f["id"]);
        let first = &points[10];
        let last = &points[179];
        let cs = |p: &Value| p["control_score"].as_f64().expect("control score");
        let score = |p: &Value| p["score"].as_f64().expect("score");
        let ff = |p: &Value| p["failed_findings"].as_u64().expect("failed findings");
        // The headline score moves with the work: at least 10 points over the 180 days,
        // and not a straight line (the demo has regressions).
        assert!(
            score(&points[179]) >= score(&points[0]) + 0.10,
            "{}: score {} → {}",
            f["id"],
            score(&points[0]),
            score(&points[179])
        );
        assert!(
            points.windows(2).any(|w| score(&w[1]) < score(&w[0])),
            "{}: the score never dips",
            f["id"]
        );
        assert!(
            cs(last) > cs(first) + 0.15,
            "{}: control score {} → {}",
            f["id"],
            cs(first),
            cs(last)
        );
        assert!(
            ff(last) * 2 < ff(first),
            "{}: failing findings {} → {}",
            f["id"],
            ff(first),
            ff(last)
        );
        assert!(
            points.iter().all(|p| p["carried"] == false),
            "the demo imports every day"
        );
    }
    let c = json(
        demo(),
        &[
            "changes",
            "--since",
            "2026-11-21",
            "--until",
            "2026-11-28",
            "--format",
            "json",
        ],
    );
    let totals = &c["totals"];
    assert!(totals["fixed"].as_u64().expect("fixed") > 0, "{totals}");
    assert!(totals["new"].as_u64().expect("new") > 0, "{totals}");
    let findings = c["findings"].as_array().expect("findings");
    assert_eq!(
        findings.len() as u64,
        ["new", "fixed", "regressed"]
            .iter()
            .map(|k| totals[k].as_u64().expect("count"))
            .sum::<u64>()
    );
    for f in findings {
        let at = f["at"].as_str().expect("at");
        assert!(("2026-11-22".."2026-11-29").contains(&at), "{at}");
    }
    let text = ok(rampart(
        demo(),
        &["changes", "--since", "2026-11-21", "--until", "2026-11-28"],
    ));
    assert!(text.contains("new") && text.contains("fixed"));
}
