//! The demo workspace is built through the real import pipeline, is deterministic, and
//! covers what the product needs to show: all sources, several accounts and Regions, the
//! named services, 180 days of history in which posture improves with regressions.

use chrono::NaiveDate;
use rampart_core::demo::{self, DemoSpec};
use rampart_core::query::overview::overview;
use rampart_core::time::DAY_MS;
use rampart_core::Store;

fn fingerprint(store: &Store) -> String {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, status, record_state, severity, updated_at FROM findings ORDER BY id")
        .expect("prepare");
    let rows: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let history: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM finding_history", [], |r| r.get(0))
        .expect("h");
    format!("{}\n{history}", rows.join("\n"))
}

/// Failed and passed active findings as of `at` (ms), from the history alone.
fn posture_at(store: &Store, at: i64) -> (i64, i64) {
    store
        .conn()
        .query_row(
            "WITH last AS (
                SELECT h.fid, h.status, h.record_state,
                       row_number() OVER (PARTITION BY h.fid ORDER BY h.at DESC, h.seq DESC) AS n
                FROM finding_history h WHERE h.at <= ?1)
             SELECT coalesce(sum(status = 'failed'), 0), coalesce(sum(status = 'passed'), 0)
             FROM last WHERE n = 1 AND record_state = 'active'",
            [at],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("posture")
}

#[test]
fn the_demo_is_realistic_deterministic_and_built_by_the_importer() {
    let end = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = Store::open(&dir.path().join("a.db")).expect("open");
    let reports = demo::build(&mut a, &DemoSpec::new(end)).expect("demo builds");

    // Every export shape went through the importer.
    let shapes: std::collections::BTreeSet<&str> = reports.iter().map(|r| r.shape.as_str()).collect();
    assert_eq!(
        shapes.into_iter().collect::<Vec<_>>(),
        [
            "config-evaluations",
            "eventbridge-event",
            "inspector2-findings",
            "securityhub-findings"
        ]
    );
    let o = overview(a.conn(), "a.db").expect("overview");
    assert!(o.workspace.is_demo);
    assert!(
        o.by_source.iter().all(|s| s.total > 0 && s.failed > 0),
        "{:?}",
        o.by_source
    );
    assert!(o.by_account.len() >= 4, "{:?}", o.by_account);
    assert!(o.totals.active > 1_000, "{:?}", o.totals);
    assert_eq!(o.imports as usize, reports.len());

    // The named services are all there.
    for prefix in [
        "APIGateway.",
        "IAM.",
        "KMS.",
        "S3.",
        "RDS.",
        "CloudTrail.",
        "SecretsManager.",
        "Lambda.",
        "SSM.",
    ] {
        let n: i64 = a
            .conn()
            .query_row(
                "SELECT count(*) FROM findings WHERE control_id LIKE ?1 || '%'",
                [prefix],
                |r| r.get(0),
            )
            .expect("count");
        assert!(n > 0, "no {prefix} findings");
    }
    let regions: i64 = a
        .conn()
        .query_row("SELECT count(DISTINCT region) FROM findings", [], |r| r.get(0))
        .expect("r");
    assert!(regions >= 3);
    let cves: i64 = a
        .conn()
        .query_row(
            "SELECT count(DISTINCT vuln_id) FROM finding_vulnerabilities WHERE vuln_id LIKE 'CVE-%'",
            [],
            |r| r.get(0),
        )
        .expect("cves");
    assert!(cves >= 10, "{cves}");

    // 180 days of history: posture improves from the first month to the last day, and
    // some findings regressed (passed, then failed again).
    let (first, last): (i64, i64) = a
        .conn()
        .query_row("SELECT min(at), max(at) FROM finding_history", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("span");
    assert!(
        (last - first) / DAY_MS >= 178,
        "history spans {} days",
        (last - first) / DAY_MS
    );
    let day = DAY_MS;
    let (f_early, p_early) = posture_at(&a, first + 20 * day);
    let (f_late, p_late) = posture_at(&a, last);
    let rate = |f: i64, p: i64| p as f64 / (f + p) as f64;
    assert!(
        rate(f_late, p_late) > rate(f_early, p_early) + 0.1,
        "early {f_early}/{p_early}, late {f_late}/{p_late}"
    );
    let regressions: i64 = a
        .conn()
        .query_row(
            "SELECT count(*) FROM (SELECT status, lag(status) OVER (PARTITION BY fid ORDER BY at, seq) AS prev
                                   FROM finding_history) WHERE prev = 'passed' AND status = 'failed'",
            [],
            |r| r.get(0),
        )
        .expect("regressions");
    assert!(regressions > 5, "{regressions}");

    // Today's posture (kept as running counts) equals the posture computed from the
    // history for the same moment.
    let catalog = rampart_core::catalog::Catalog::builtin().expect("catalog");
    a.ensure_mapped(&catalog).expect("map");
    let now = last + 1;
    let from_counts = rampart_core::query::posture::posture(a.conn(), &catalog, None, None, now).expect("posture");
    let from_history =
        rampart_core::query::posture::posture(a.conn(), &catalog, None, Some(now), now).expect("posture");
    assert_eq!(from_counts.frameworks, from_history.frameworks);
    assert_eq!(
        (from_counts.active, from_counts.unmapped),
        (from_history.active, from_history.unmapped)
    );

    // Deterministic: the same seed and day give the same workspace.
    let mut b = Store::open(&dir.path().join("b.db")).expect("open");
    demo::build(&mut b, &DemoSpec::new(end)).expect("demo builds");
    assert_eq!(fingerprint(&a), fingerprint(&b));
    // And it refuses to pile onto a workspace that has data.
    assert!(matches!(
        demo::build(&mut b, &DemoSpec::new(end)),
        Err(demo::DemoError::NotEmpty)
    ));
}
