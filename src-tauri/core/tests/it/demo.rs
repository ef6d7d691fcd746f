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

    // A part of the estate. The organisation's root holds every demo account: its posture
    // is the whole workspace's. The OUs that split it share out its findings: per
    // requirement their failing, passing and accepted findings add up to the whole's, now
    // and on a past day, and each has a posture of its own.
    use rampart_core::query::posture::{posture_of, Posture, Scope};
    let scoped = |store: &Store, units: &[&str], at: Option<i64>| -> Posture {
        let units: Vec<String> = units.iter().map(|u| u.to_string()).collect();
        posture_of(store.conn(), &catalog, None, at, now, Scope { units: &units }).expect("scoped posture")
    };
    let of = |units: &[&str], at: Option<i64>| scoped(&a, units, at);
    let root = of(&["r-d3m0"], None);
    assert_eq!(root.frameworks, from_counts.frameworks);
    assert_eq!((root.active, root.unmapped), (from_counts.active, from_counts.unmapped));
    let leaves = ["ou-d3m0-prod0001", "ou-d3m0-stag0001", "ou-d3m0-secu0001"];
    for at in [None, Some(now - 60 * rampart_core::time::DAY_MS)] {
        let whole = of(&["r-d3m0"], at);
        let parts: Vec<Posture> = leaves.iter().map(|u| of(&[u], at)).collect();
        assert_eq!(parts.iter().map(|p| p.active).sum::<u32>(), whole.active);
        for (fi, fw) in whole.frameworks.iter().enumerate() {
            for (ri, req) in fw.requirements.iter().enumerate() {
                let sum = |get: fn(&rampart_core::query::posture::RequirementPosture) -> u32| {
                    parts
                        .iter()
                        .map(|p| get(&p.frameworks[fi].requirements[ri]))
                        .sum::<u32>()
                };
                assert_eq!(
                    (sum(|r| r.failed), sum(|r| r.passed), sum(|r| r.accepted)),
                    (req.failed, req.passed, req.accepted),
                    "{} {}",
                    fw.id,
                    req.id
                );
            }
        }
    }
    let prod = of(&["ou-d3m0-prod0001"], None);
    assert!(prod.active > 0 && prod.active < root.active);

    // Deterministic: the same seed and day give the same workspace.
    let mut b = Store::open(&dir.path().join("b.db")).expect("open");
    demo::build(&mut b, &DemoSpec::new(end)).expect("demo builds");
    assert_eq!(fingerprint(&a), fingerprint(&b));
    // And it refuses to pile onto a workspace that has data.
    assert!(matches!(
        demo::build(&mut b, &DemoSpec::new(end)),
        Err(demo::DemoError::NotEmpty)
    ));

    // An acceptance of a staging finding counts in staging (and the root above it) only.
    let staged: String = a
        .conn()
        .query_row(
            "SELECT id FROM findings WHERE account = '777788889999' AND status = 'failed'
               AND record_state = 'active' AND req_set IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a failing staging finding");
    let new = rampart_core::store::acceptances::NewAcceptance {
        scope: rampart_core::store::acceptances::Scope::Finding(staged),
        accounts: Vec::new(),
        resources: Vec::new(),
        reason: "decommissioned next sprint".into(),
        owner: "platform".into(),
        approver: "ciso".into(),
        expires_at: now + 30 * rampart_core::time::DAY_MS,
        renews: None,
    };
    a.accept(&catalog, &new, "ciso", now).expect("accept");
    let accepted = |units: &[&str]| -> u32 {
        scoped(&a, units, None)
            .frameworks
            .iter()
            .flat_map(|f| &f.requirements)
            .map(|r| r.accepted)
            .sum()
    };
    assert!(accepted(&["ou-d3m0-stag0001"]) > 0);
    assert_eq!(accepted(&["ou-d3m0-prod0001"]), 0);
    assert_eq!(accepted(&["r-d3m0"]), accepted(&["ou-d3m0-stag0001"]));
}
