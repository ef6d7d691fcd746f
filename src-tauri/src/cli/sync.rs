//! `rampart sync`: pulls findings from Security Hub, Inspector and Config. Progress goes
//! to stderr as it happens, the outcome per source and Region to stdout. Ctrl-C cancels:
//! the pages stored so far stay, and the next run resumes after them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::bail;
use rampart_core::store::{sync_state, Store};
use rampart_core::sync::engine::Cancel;
use rampart_core::sync::SyncEvent;

use super::args::TextFormat;
use crate::sync::{SyncReport, SyncRequest};
use crate::workspace::load_catalog;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncSource {
    Securityhub,
    Inspector,
    Config,
}

impl SyncSource {
    fn as_str(self) -> &'static str {
        match self {
            SyncSource::Securityhub => "securityhub",
            SyncSource::Inspector => "inspector",
            SyncSource::Config => "config",
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// AWS profile to use (default: the standard credentials chain). Repeat for several
    /// accounts.
    #[arg(long, value_name = "NAME")]
    pub profile: Vec<String>,
    /// Region to sync (default: the profile's). Repeat for several.
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Source to sync (default: all three). Repeat for several.
    #[arg(long, value_enum)]
    pub source: Vec<SyncSource>,
    /// Send every AWS call to this URL instead (emulators and tests).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Show where each source stands (last attempt, last success, last error) and exit.
    #[arg(long)]
    pub status: bool,
    /// List the profiles of the AWS config files (name, Region, SSO) and exit.
    #[arg(long, conflicts_with = "status")]
    pub list_profiles: bool,
    #[arg(long, value_enum, default_value_t = TextFormat::Table)]
    pub format: TextFormat,
    /// Print no progress lines.
    #[arg(long, short)]
    pub quiet: bool,
    /// Sync into the demo workspace anyway, mixing real findings with its made-up ones.
    #[arg(long)]
    pub into_demo: bool,
}

fn time(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_else(|| "never".into())
}

fn status(db: &Path, format: TextFormat) -> anyhow::Result<()> {
    if !db.exists() {
        bail!("no workspace at {}: nothing was synced yet", db.display());
    }
    let store = Store::open_existing(db)?;
    let rows = sync_state::statuses(store.conn())?;
    if format == TextFormat::Json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("Nothing was synced yet: run `rampart sync`.");
    }
    for r in rows {
        let outcome = match (&r.last_error, r.resumable) {
            (Some(e), true) => format!("failed, resumes where it stopped: {e}"),
            (Some(e), false) => format!("failed: {e}"),
            (None, true) => "stopped part-way; the next run resumes".into(),
            (None, false) => "ok".into(),
        };
        println!(
            "{}: last attempt {}, last success {}, {} pages / {} findings last run — {outcome}",
            r.target,
            time(r.last_attempt),
            time(r.last_success),
            r.last_pages,
            r.last_findings
        );
    }
    Ok(())
}

fn progress(e: &SyncEvent) -> Option<String> {
    Some(match e {
        SyncEvent::Planned { targets } => format!("syncing {} source(s)", targets.len()),
        SyncEvent::TargetStarted {
            target,
            incremental,
            resumed,
        } => format!(
            "{target}: {}",
            match (resumed, incremental) {
                (true, _) => "resuming where the last run stopped",
                (false, true) => "fetching what changed since the last sync",
                (false, false) => "first sync",
            }
        ),
        SyncEvent::Page {
            target,
            query,
            page,
            items,
            findings,
            ..
        } => format!("{target}: {query} page {page}: {items} items ({findings} findings so far)"),
        SyncEvent::Retry {
            target,
            attempt,
            wait_ms,
            reason,
        } => format!(
            "{target}: retry {attempt} in {:.1} s: {reason}",
            *wait_ms as f64 / 1000.0
        ),
        SyncEvent::Skipped { target, reason } => format!("{target}: skipped, {reason}"),
        SyncEvent::Notice { target, message } => format!("{target}: note: {message}"),
        SyncEvent::Organization { .. } => return None,
        SyncEvent::TargetDone { .. } | SyncEvent::TargetFailed { .. } | SyncEvent::Finished { .. } => return None,
    })
}

fn print_report(r: &SyncReport, format: TextFormat) -> anyhow::Result<()> {
    if format == TextFormat::Json {
        println!("{}", serde_json::to_string_pretty(r)?);
        return Ok(());
    }
    for t in &r.targets {
        let head = format!(
            "{}: {} page(s), {} findings ({} new, {} updated)",
            t.target, t.pages, t.findings, t.new, t.updated
        );
        match &t.message {
            None => println!("{head}: ok"),
            Some(m) => println!("{head}: FAILED: {m}"),
        }
    }
    for e in &r.errors {
        println!("{e}");
    }
    if let Some(o) = &r.organization {
        println!("{o}");
    }
    if r.cancelled {
        println!("Cancelled: what was fetched is stored; the next `rampart sync` resumes there.");
    }
    Ok(())
}

pub fn run(db: &Path, extra: &[PathBuf], a: SyncArgs) -> anyhow::Result<()> {
    if a.status {
        return status(db, a.format);
    }
    if a.list_profiles {
        let all = rampart_aws::profiles::list();
        if a.format == TextFormat::Json {
            println!("{}", serde_json::to_string_pretty(&all)?);
        } else if all.is_empty() {
            println!("No profiles in the AWS config files: the default credentials chain is used.");
        } else {
            for p in all {
                println!(
                    "{}  region {}{}",
                    p.name,
                    p.region.as_deref().unwrap_or("(none)"),
                    if p.sso {
                        "  (SSO: `aws sso login --profile NAME` when expired)"
                    } else {
                        ""
                    }
                );
            }
        }
        return Ok(());
    }
    super::run::refuse_demo(db, "a sync", a.into_demo)?;
    let catalog = Arc::new(load_catalog(db, extra)?);
    let req = SyncRequest {
        profiles: a.profile,
        regions: a.region,
        sources: a.source.iter().map(|s| s.as_str().to_string()).collect(),
        endpoint_url: a.endpoint_url,
    };
    let quiet = a.quiet;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(async {
        let cancel = Cancel::default();
        let on_signal = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("cancelling: finishing the page in hand…");
                on_signal.cancel();
            }
        });
        crate::sync::run(
            db,
            catalog,
            &req,
            cancel,
            Arc::new(move |e| {
                if !quiet {
                    if let Some(line) = progress(&e) {
                        eprintln!("{}", rampart_core::text::display(&line));
                    }
                }
            }),
        )
        .await
    })?;
    print_report(&report, a.format)?;
    if report.ok() {
        return Ok(());
    }
    let failed: Vec<String> = report
        .targets
        .iter()
        .filter(|t| !t.ok)
        .map(|t| t.target.to_string())
        .chain(report.errors.iter().cloned())
        .collect();
    if report.cancelled {
        bail!("sync cancelled");
    }
    bail!("sync incomplete: {}", failed.join("; "))
}
