//! Sync benchmark: how close to Security Hub's GetFindings quota (3 requests/s, burst 6)
//! a first sync runs, against the project's endpoint enforcing that quota with a token
//! bucket, and what an incremental re-sync fetches after 1% of the findings changed.
//!
//! `cargo bench -p rampart-aws --bench sync --profile dev -- [--size full|small] [--no-fail]`
//! (the work is paced by the quota, not the CPU, so an unoptimised build measures the
//! same). Full size: 20,000 findings. Fails when the achieved rate is under 90% of the
//! quota, when the endpoint had to refuse a request for going over it, or when the
//! incremental run fetched anything but the changed findings.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use aws_endpoint::{synth, Dataset, Endpoint, Faults};
use rampart_aws::{connect, targets, ConnectOptions};
use rampart_core::catalog::Catalog;
use rampart_core::store::Store;
use rampart_core::sync::engine::{self, Cancel, SyncOptions};
use rampart_core::sync::SyncEvent;

const ACCOUNT: &str = "123456789012";
const QUOTA: f64 = 3.0;

struct Measured {
    requests: u64,
    seconds: f64,
    served: u64,
    throttled: u64,
    retries: u64,
    failed: usize,
}

fn sync(db: &std::path::Path, ep: &Endpoint) -> Measured {
    ep.reset_stats();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let retries = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let failed = rt.block_on(async {
        let aws = connect(&ConnectOptions {
            endpoint_url: Some(ep.url()),
            ..ConnectOptions::default()
        })
        .await;
        let t = targets(&aws, &["us-east-1".to_string()], &["securityhub".to_string()])
            .await
            .expect("targets");
        let counter = retries.clone();
        let events: engine::Events = Arc::new(move |e| {
            if matches!(e, SyncEvent::Retry { .. }) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        let store = Store::open(db).unwrap();
        let catalog = Arc::new(Catalog::builtin().unwrap());
        let (_s, summary) = engine::run(
            store,
            catalog,
            engine::Work {
                fetchers: t.fetchers,
                skipped: t.skipped,
            },
            SyncOptions::default(),
            Cancel::default(),
            events,
            Arc::new(rampart_core::time::now_ms),
        )
        .await;
        for o in &summary.outcomes {
            if let Some(e) = &o.error {
                eprintln!("{}: {}", o.target, e.message);
            }
        }
        summary.failed()
    });
    let seconds = started.elapsed().as_secs_f64();
    let gf = ep.stats().op("GetFindings");
    Measured {
        requests: gf.requests,
        seconds,
        served: gf.items_served,
        throttled: gf.throttled_quota,
        retries: retries.load(Ordering::Relaxed),
        failed,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let small = args.windows(2).any(|w| w[0] == "--size" && w[1] == "small");
    let no_fail = args.iter().any(|a| a == "--no-fail");
    let n = if small { 2_000 } else { 20_000 };
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIABENCH");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "bench-secret");
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/rampart/config");
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/rampart/credentials");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");

    let mut findings = synth::securityhub_findings(n, ACCOUNT, &["us-east-1"], 11);
    // Every finding active, so the first sync's one query pages through all of them, and
    // none updated in the last hour, so that what the incremental run fetches is exactly
    // what changed in between.
    let hour_ago = rampart_core::time::now_ms() - 3_600_000;
    for f in &mut findings {
        f["RecordState"] = "ACTIVE".into();
        if f["UpdatedAt"]
            .as_str()
            .and_then(rampart_core::time::parse_ts)
            .is_some_and(|t| t > hour_ago)
        {
            f["UpdatedAt"] = "2026-01-01T00:00:00.000Z".into();
        }
    }
    let ds = Dataset {
        account: ACCOUNT.into(),
        securityhub: findings,
        ..Dataset::default()
    };
    let ep = Endpoint::start(ds, Faults::default()).expect("endpoint");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");

    println!("sync benchmark: {n} Security Hub findings, GetFindings quota {QUOTA}/s burst 6 enforced by the endpoint");
    let started = rampart_core::time::now_ms();
    let first = sync(&db, &ep);
    let rate = first.requests as f64 / first.seconds;
    println!(
        "first sync:       {} requests in {:.1} s = {:.2} req/s ({:.0}% of the quota); {} findings; refused over quota: {}; retries: {}",
        first.requests,
        first.seconds,
        rate,
        100.0 * rate / QUOTA,
        first.served,
        first.throttled,
        first.retries
    );
    // A later sync starts with a full bucket of its own: let the service's bucket refill
    // too (burst 6 at 3/s takes 2 s), as it has between syncs minutes apart.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let touched = ep.touch_securityhub(0.01, 3).len() as u64;
    // The incremental run asks from the first run's start less a 5-minute margin for
    // clock skew: findings updated in that margin come again, by design.
    let margin = started - SyncOptions::default().plan.overlap_ms;
    let mut expected = 0u64;
    ep.update_securityhub(|all| {
        expected = all
            .iter()
            .filter(|f| {
                f["UpdatedAt"]
                    .as_str()
                    .and_then(rampart_core::time::parse_ts)
                    .is_some_and(|t| t >= margin)
            })
            .count() as u64;
    });
    let again = sync(&db, &ep);
    println!(
        "incremental sync: {} changed findings ({} updated since the first run's start less the margin); fetched {} in {} requests ({:.1} s); refused over quota: {}",
        touched, expected, again.served, again.requests, again.seconds, again.throttled
    );

    let mut problems = Vec::new();
    if first.failed + again.failed > 0 {
        problems.push("a sync failed".to_string());
    }
    if first.served != n as u64 {
        problems.push(format!("the first sync fetched {} findings, not {n}", first.served));
    }
    // The small size is mostly the burst: its rate says nothing.
    if !small && rate < 0.9 * QUOTA {
        problems.push(format!("{rate:.2} req/s is under 90% of the quota"));
    }
    if first.throttled + again.throttled > 0 {
        problems.push("the endpoint refused requests over its quota".to_string());
    }
    if again.served != expected {
        problems.push(format!(
            "the incremental sync fetched {} findings, not the {expected} changed",
            again.served
        ));
    }
    if problems.is_empty() {
        println!("all bars met");
    } else {
        println!("MISSED: {}", problems.join("; "));
        if !no_fail {
            std::process::exit(1);
        }
    }
}
