//! Rampart at scale, measured against a baseline in the same run.
//!
//! `cargo bench -p rampart-core --bench scale -- [--size small|full]`
//!
//! 1. **Import**: a generated Security Hub export (`full`: 100,000 findings, ≈300 MB) is
//!    imported and mapped by Rampart, and — as the baseline — parsed with serde_json and
//!    inserted as one row per finding in one SQLite transaction. Each runs in its own
//!    process so that its peak memory (VmHWM) is its own; the two run twice, interleaved,
//!    and each keeps its best time and largest peak. Bars: time and peak memory at most
//!    2× the baseline's.
//! 2. **Queries** with the imported findings and history grown to `full`: 1,000,000 events
//!    over 365 days: overview, framework view (posture), trend (365 days), changes (30
//!    days), one explorer page with search + filter + sort, and one halfway down the default order. Median of repeated runs;
//!    bar: under 50 ms each.
//!
//! 3. **Report**: the executive summary (model built from the store, laid out as a PDF by
//!    the embedded Typst) at that size; bar: under 2 s.
//!
//! Prints a table; exits 1 if a bar is missed (`--no-fail` to only report).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use rampart_core::catalog::Catalog;
use rampart_core::model::Severity;
use rampart_core::query::findings::{findings_page, FindingsQuery};
use rampart_core::query::{changes, overview, posture, trend};
use rampart_core::time::{start_of_day_ms, DAY_MS};
use rampart_core::{ImportInput, Store};

struct Size {
    name: &'static str,
    findings: usize,
    events: usize,
    runs: usize,
}

const SMALL: Size = Size {
    name: "small",
    findings: 5_000,
    events: 50_000,
    runs: 7,
};
const FULL: Size = Size {
    name: "full",
    findings: 100_000,
    events: 1_000_000,
    runs: 15,
};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 17
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Writes an export of `n` findings spread over accounts, Regions and the catalog's controls.
fn generate_export(path: &Path, n: usize, end: NaiveDate) -> std::io::Result<()> {
    let catalog = Catalog::builtin().expect("catalog");
    let controls: Vec<_> = catalog.controls.values().collect();
    let accounts = [
        "111122223333",
        "444455556666",
        "777788889999",
        "210987654321",
        "123456789012",
    ];
    let regions = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"];
    let statuses = ["FAILED", "PASSED", "PASSED", "PASSED", "WARNING", "NOT_AVAILABLE"];
    let mut rng = Rng(7);
    let start = start_of_day_ms(end) - 365 * DAY_MS;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    w.write_all(b"{\"Findings\": [\n")?;
    // A description as long as ASFF allows (1,024 characters) is about ten of these; the
    // rest of a realistic finding's bulk sits in the resource's details.
    let sentence = "Security Hub evaluated this resource against the control and recorded the outcome below. ";
    let filler = sentence.repeat(10);
    let details = sentence.repeat(12);
    for i in 0..n {
        let c = controls[rng.below(controls.len())];
        let (acct, region) = (accounts[rng.below(accounts.len())], regions[rng.below(regions.len())]);
        let created = start + (rng.below(300) as i64) * DAY_MS;
        let updated = created + (rng.below(60) as i64) * DAY_MS;
        let fmt = |ms: i64| rampart_core::time::format_ts(ms);
        let f = serde_json::json!({
            "SchemaVersion": "2018-10-08",
            "Id": format!("arn:aws:securityhub:{region}:{acct}:security-control/{}/finding/{i:08x}-bench", c.id),
            "ProductArn": format!("arn:aws:securityhub:{region}::product/aws/securityhub"),
            "ProductName": "Security Hub", "CompanyName": "AWS", "Region": region,
            "GeneratorId": format!("security-control/{}", c.id), "AwsAccountId": acct,
            "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
            "FirstObservedAt": fmt(created), "LastObservedAt": fmt(updated), "CreatedAt": fmt(created), "UpdatedAt": fmt(updated),
            "Severity": {"Label": c.severity.as_str(), "Original": c.severity.as_str()},
            "Title": c.title, "Description": format!("{} {filler}", c.title),
            "Remediation": {"Recommendation": {"Text": "See the Security Hub documentation.", "Url": format!("https://docs.aws.amazon.com/console/securityhub/{}/remediation", c.id)}},
            "ProductFields": {"RelatedAWSResources:0/name": format!("securityhub-{}-{:06x}", c.config_rule.as_deref().unwrap_or("custom"), i), "RelatedAWSResources:0/type": "AWS::Config::ConfigRule"},
            "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bench-bucket-{i}"), "Partition": "aws", "Region": region,
                           "Tags": {"Environment": "prod", "Owner": format!("team-{}", i % 17)},
                           "Details": {"Other": {"Observation": details}}}],
            "Compliance": {"Status": statuses[rng.below(statuses.len())], "SecurityControlId": c.id,
                           "AssociatedStandards": [{"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"}]},
            "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE"
        });
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut w, &f)?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}

/// The baseline: serde_json parses the file, one row per finding in one transaction.
fn phase_baseline(file: &Path, db: &Path) -> u128 {
    let t = Instant::now();
    let doc: serde_json::Value =
        serde_json::from_reader(std::io::BufReader::new(std::fs::File::open(file).expect("open"))).expect("parse");
    let mut conn = rusqlite::Connection::open(db).expect("db");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("sync");
    conn.execute_batch("CREATE TABLE findings(id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .expect("table");
    let tx = conn.transaction().expect("tx");
    {
        let mut ins = tx
            .prepare("INSERT INTO findings(id, body) VALUES (?1, ?2)")
            .expect("prepare");
        for f in doc["Findings"].as_array().expect("array") {
            ins.execute((f["Id"].as_str().expect("id"), f.to_string()))
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    t.elapsed().as_millis()
}

/// Rampart: import (normalise, store, history, raw JSON, search index) and map.
fn phase_import(file: &Path, db: &Path) -> u128 {
    let t = Instant::now();
    let catalog = Catalog::builtin().expect("catalog");
    let mut store = Store::open(db).expect("store");
    store
        .import_mapped(
            vec![ImportInput::new("bench.json", std::fs::File::open(file).expect("open"))],
            &rampart_core::time::now_ms,
            &catalog,
        )
        .expect("import");
    t.elapsed().as_millis()
}

/// Runs a phase in a child process and returns (ms, peak kB).
fn child(phase: &str, file: &Path, db: &Path) -> (u128, u64) {
    let exe = std::env::current_exe().expect("exe");
    let out = std::process::Command::new(exe)
        .args([
            "--phase",
            phase,
            file.to_str().expect("path"),
            db.to_str().expect("path"),
        ])
        .output()
        .expect("run phase");
    assert!(
        out.status.success(),
        "{phase}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let ms = parts.next().and_then(|s| s.parse().ok()).expect("ms");
    let kb = parts.next().and_then(|s| s.parse().ok()).expect("kb");
    (ms, kb)
}

/// Grows the history to `events` status changes over the year before `end`, as the sync
/// of a busy estate would leave it (one import per day).
fn grow_history(store: &Store, events: usize, end: NaiveDate) {
    let conn = store.conn();
    let have: i64 = conn
        .query_row("SELECT count(*) FROM finding_history", [], |r| r.get(0))
        .expect("count");
    let fids: Vec<i64> = {
        let mut s = conn.prepare("SELECT fid FROM findings").expect("prepare");
        s.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("fids")
    };
    let end_ms = end.and_hms_opt(12, 0, 0).expect("time").and_utc().timestamp_millis();
    let mut rng = Rng(11);
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut ins = conn
            .prepare(
                "INSERT INTO finding_history(fid, at, status, record_state, workflow_status, severity, import_id, recorded_at)
                 VALUES (?1, ?2, ?3, 'active', 'NEW', 'MEDIUM', NULL, ?2)",
            )
            .expect("prepare");
        let extra = events.saturating_sub(have.max(0) as usize);
        // Events sorted in time: spread evenly over 365 days.
        for k in 0..extra {
            let at = end_ms - 365 * DAY_MS + (k as i64 * 365 * DAY_MS) / extra.max(1) as i64;
            let fid = fids[rng.below(fids.len())];
            let status = if rng.below(3) == 0 { "failed" } else { "passed" };
            ins.execute(rusqlite::params![fid, at, status]).expect("insert");
        }
        let mut imp = conn
            .prepare(
                "INSERT INTO imports(label, shape, started_at, finished_at, findings, inserted, updated, unchanged, stale, history)
                 VALUES ('sync', 'securityhub-findings', ?1, ?1, 0, 0, 0, 0, 0, 0)",
            )
            .expect("prepare");
        for d in 0..365 {
            imp.execute([end_ms - d * DAY_MS]).expect("import row");
        }
    }
    // The current rows follow the latest event.
    conn.execute_batch(
        "UPDATE findings SET status = (SELECT h.status FROM finding_history h WHERE h.fid = findings.fid ORDER BY h.at DESC, h.seq DESC LIMIT 1);
         COMMIT; ANALYZE;",
    )
    .expect("update");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn time_runs(runs: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm the page cache and statement caches once
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--phase") {
        let (file, db) = (PathBuf::from(&args[3]), PathBuf::from(&args[4]));
        let ms = match args[2].as_str() {
            "baseline" => phase_baseline(&file, &db),
            _ => phase_import(&file, &db),
        };
        println!("{ms} {}", peak_kb());
        return;
    }
    let size = if args.iter().any(|a| a == "full") || args.windows(2).any(|w| w[0] == "--size" && w[1] == "full") {
        FULL
    } else {
        SMALL
    };
    let no_fail = args.iter().any(|a| a == "--no-fail");
    // `--keep DIR`: work in DIR and, when it already holds a grown workspace from an
    // earlier run, measure only the queries (for iterating on a query).
    let keep = args.windows(2).find(|w| w[0] == "--keep").map(|w| PathBuf::from(&w[1]));
    let temp = tempfile::tempdir().expect("tempdir");
    let dir_path = keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir_path).expect("dir");
    let end = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let db = dir_path.join("rampart.db");
    if keep.is_some() && dir_path.join("grown").exists() {
        println!("reusing the workspace in {}", dir_path.display());
        let catalog = Catalog::builtin().expect("catalog");
        let store = Store::open(&db).expect("store");
        let missed = run_queries(&store, &catalog, &size, end);
        if !missed.is_empty() && !no_fail {
            std::process::exit(1);
        }
        return;
    }
    let file = dir_path.join("export.json");
    let t = Instant::now();
    generate_export(&file, size.findings, end).expect("generate");
    let mb = std::fs::metadata(&file).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    println!(
        "Rampart scale benchmark ({}): {} findings, {:.0} MB export (generated in {:.1} s)",
        size.name,
        size.findings,
        mb,
        t.elapsed().as_secs_f64()
    );

    // Each side runs twice, interleaved, and keeps its best time (and its largest peak
    // memory): this machine's disk and page cache make single runs vary by ±20%.
    let (mut base_ms, mut base_kb, mut imp_ms, mut imp_kb) = (u128::MAX, 0, u128::MAX, 0);
    for round in 0..2 {
        for p in ["baseline.db", "rampart.db"] {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir_path.join(format!("{p}{suffix}")));
            }
        }
        let (ms, kb) = child("baseline", &file, &dir_path.join("baseline.db"));
        println!("  round {}: baseline {ms} ms, {} MB", round + 1, kb / 1024);
        (base_ms, base_kb) = (base_ms.min(ms), base_kb.max(kb));
        let (ms, kb) = child("import", &file, &db);
        println!("  round {}: Rampart  {ms} ms, {} MB", round + 1, kb / 1024);
        (imp_ms, imp_kb) = (imp_ms.min(ms), imp_kb.max(kb));
    }
    let time_ratio = imp_ms as f64 / base_ms.max(1) as f64;
    let mem_ratio = imp_kb as f64 / base_kb.max(1) as f64;
    println!();
    println!(
        "| import of {} findings          | time      | peak memory |",
        size.findings
    );
    println!("|----------------------------------|-----------|-------------|");
    println!(
        "| baseline (serde_json + 1 row)    | {:>7} ms | {:>8} MB |",
        base_ms,
        base_kb / 1024
    );
    println!(
        "| Rampart (import + map)           | {:>7} ms | {:>8} MB |",
        imp_ms,
        imp_kb / 1024
    );
    println!(
        "| ratio (bar: ≤ 2.0)               | {:>9.2} | {:>11.2} |",
        time_ratio, mem_ratio
    );

    let catalog = Catalog::builtin().expect("catalog");
    let mut store = Store::open(&db).expect("store");
    let t = Instant::now();
    grow_history(&store, size.events, end);
    store.relink_history().expect("relink");
    let events: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM finding_history", [], |r| r.get(0))
        .expect("count");
    let grow_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    store.refresh_snapshots(&catalog, end).expect("snapshots");
    let snap_s = t.elapsed().as_secs_f64();
    println!();
    println!(
        "history: {events} events over 365 days (written in {grow_s:.1} s); daily snapshots computed in {snap_s:.2} s"
    );
    if keep.is_some() {
        std::fs::write(dir_path.join("grown"), b"").expect("mark");
    }
    let mut missed = run_queries(&store, &catalog, &size, end);
    if time_ratio > 2.0 {
        missed.push("import time ratio");
    }
    if mem_ratio > 2.0 {
        missed.push("import memory ratio");
    }
    println!();
    if missed.is_empty() {
        println!("all bars met");
    } else {
        println!("bars missed: {}", missed.join(", "));
        drop(store);
        if !no_fail {
            std::process::exit(1);
        }
    }
}

/// Times the queries and prints their table; returns the names of those over the bar.
fn run_queries(store: &Store, catalog: &Catalog, size: &Size, end: NaiveDate) -> Vec<&'static str> {
    let events: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM finding_history", [], |r| r.get(0))
        .expect("count");
    let conn = store.conn();
    let now = end.and_hms_opt(23, 0, 0).expect("time").and_utc().timestamp_millis();
    let explorer = FindingsQuery {
        search: Some("encrypted".into()),
        severities: vec![Severity::High, Severity::Medium, Severity::Critical],
        statuses: vec![rampart_core::model::Status::Failed],
        sort: Some("updated".into()),
        page: 3,
        page_size: 100,
        ..Default::default()
    };
    // What the window opens on: every active finding, most severe first, a page deep down
    // (as when the scrollbar is dragged to the middle).
    let deep = FindingsQuery {
        record_state: Some(rampart_core::model::RecordState::Active),
        page: (size.findings / 2 / 200).max(1) as u32,
        page_size: 200,
        ..Default::default()
    };
    let results = [
        (
            "overview",
            time_runs(size.runs, || drop(overview::overview(conn, "bench").expect("overview"))),
        ),
        (
            "framework view (HIPAA posture)",
            time_runs(size.runs, || {
                drop(posture::posture(conn, catalog, Some("hipaa"), None, now).expect("posture"))
            }),
        ),
        (
            "trend, 365 days, 3 frameworks",
            time_runs(size.runs, || {
                drop(trend::trend(conn, catalog, None, end - chrono::Duration::days(364), end, false).expect("trend"))
            }),
        ),
        (
            "changes, last 30 days",
            time_runs(size.runs, || {
                drop(changes::changes(conn, now - 30 * DAY_MS, now).expect("changes"))
            }),
        ),
        (
            "explorer page: search + filter + sort",
            time_runs(size.runs, || drop(findings_page(conn, &explorer, now).expect("page"))),
        ),
        (
            "explorer page: default order, halfway down",
            time_runs(size.runs, || drop(findings_page(conn, &deep, now).expect("page"))),
        ),
    ];
    // The executive summary: the report model built from the store, laid out as a PDF.
    let period = rampart_core::query::report::Period {
        from: end - chrono::Duration::days(29),
        to: end,
        now,
    };
    let mut pdf_bytes = 0;
    let report_ms = time_runs(3.min(size.runs), || {
        let model = rampart_core::query::report::executive(conn, catalog, "bench", &period).expect("report model");
        pdf_bytes = rampart_report::render(rampart_report::Kind::Executive, &model)
            .expect("render")
            .len();
    });
    println!();
    println!(
        "| query ({} findings, {} events)        | median ms | bar   |",
        size.findings, events
    );
    println!("|------------------------------------------|-----------|-------|");
    let mut missed = Vec::new();
    for (name, ms) in &results {
        let ok = *ms < 50.0;
        println!(
            "| {:<40} | {:>9.1} | {} |",
            name,
            ms,
            if ok { "ok   " } else { "MISS " }
        );
        if !ok {
            missed.push(*name);
        }
    }
    let ok = report_ms < 2000.0;
    println!();
    println!("| report                                   | median ms | bar     |");
    println!("|------------------------------------------|-----------|---------|");
    println!(
        "| executive summary PDF ({:>4} kB)          | {:>9.1} | {} |",
        pdf_bytes / 1024,
        report_ms,
        if ok { "ok < 2 s" } else { "MISS    " }
    );
    if !ok {
        missed.push("executive summary PDF");
    }
    missed
}
