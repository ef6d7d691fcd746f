//! One sync, as the command line and the window both run it: connect with each profile
//! (or the default credentials chain), resolve the account and the targets, run the
//! core's engine, and tally what happened per target.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rampart_aws::{connect, targets, ConnectOptions};
use rampart_core::catalog::Catalog;
use rampart_core::store::Store;
use rampart_core::sync::engine::{self, Cancel, Events, SyncOptions, Work};
use rampart_core::sync::{ErrorKind, SyncEvent, SyncTarget};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to sync. Empty lists mean: the default profile, its Region, every source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    pub sources: Vec<String>,
    /// Emulators and tests only.
    pub endpoint_url: Option<String>,
}

/// How one target ended.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TargetReport {
    pub target: SyncTarget,
    pub ok: bool,
    pub error_kind: Option<ErrorKind>,
    pub message: Option<String>,
    pub pages: u32,
    pub findings: u32,
    pub new: u32,
    pub updated: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub targets: Vec<TargetReport>,
    /// Profiles that could not be used at all (no credentials, no Region), with why.
    pub errors: Vec<String>,
    /// What AWS Organizations gave (accounts named, OUs), or why it could not be read.
    pub organization: Option<String>,
    pub cancelled: bool,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl SyncReport {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && !self.cancelled && self.targets.iter().all(|t| t.ok)
    }
}

/// Per-attempt timeout; `RAMPART_SYNC_ATTEMPT_TIMEOUT_MS` shortens it (tests of slow
/// endpoints).
fn attempt_timeout() -> Duration {
    std::env::var("RAMPART_SYNC_ATTEMPT_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(30))
}

/// The request with each list it leaves empty taken from the workspace's saved sync
/// settings (`settings set --sync-profile …`, or the window's Settings).
fn with_saved_defaults(db: &Path, req: &SyncRequest) -> anyhow::Result<SyncRequest> {
    let saved = if db.exists() {
        let store = Store::open(db)?;
        rampart_core::store::settings::settings(store.conn())?.sync
    } else {
        Default::default()
    };
    let pick = |given: &[String], saved: Vec<String>| if given.is_empty() { saved } else { given.to_vec() };
    Ok(SyncRequest {
        profiles: pick(&req.profiles, saved.profiles),
        regions: pick(&req.regions, saved.regions),
        sources: pick(&req.sources, saved.sources),
        endpoint_url: req.endpoint_url.clone(),
    })
}

/// Runs a sync against the workspace at `db`. `events` sees every progress event.
pub async fn run(
    db: &Path,
    catalog: Arc<Catalog>,
    req: &SyncRequest,
    cancel: Cancel,
    events: Events,
) -> anyhow::Result<SyncReport> {
    {
        use rampart_core::limits::{check_list, NAME_CHARS, REQUEST_ID_CHARS, REQUEST_ITEMS};
        check_list("profiles", &req.profiles, REQUEST_ITEMS, NAME_CHARS)?;
        check_list("regions", &req.regions, REQUEST_ITEMS, NAME_CHARS)?;
        check_list("sources", &req.sources, REQUEST_ITEMS, NAME_CHARS)?;
        rampart_core::limits::check_text(
            "endpoint_url",
            req.endpoint_url.as_deref().unwrap_or(""),
            REQUEST_ID_CHARS,
        )?;
    }
    let req = &with_saved_defaults(db, req)?;
    let sources: Vec<String> = if req.sources.is_empty() {
        rampart_aws::SOURCES.iter().map(|s| s.to_string()).collect()
    } else {
        req.sources.clone()
    };
    if let Some(bad) = sources.iter().find(|s| !rampart_aws::SOURCES.contains(&s.as_str())) {
        anyhow::bail!("unknown source {bad:?}; known: {}", rampart_aws::SOURCES.join(", "));
    }
    let profiles: Vec<Option<String>> = if req.profiles.is_empty() {
        vec![None]
    } else {
        req.profiles.iter().cloned().map(Some).collect()
    };
    let mut fetchers = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    // Account names and OUs: from the first profile whose organisation answers.
    let mut organization: Option<(String, rampart_core::store::accounts::Organization)> = None;
    let mut org_refusals: Vec<(String, String)> = Vec::new();
    for profile in profiles {
        let name = profile.clone().unwrap_or_else(|| "default credentials".into());
        let aws = connect(&ConnectOptions {
            profile,
            endpoint_url: req.endpoint_url.clone(),
            attempt_timeout: Some(attempt_timeout()),
        })
        .await;
        let regions = if req.regions.is_empty() {
            match aws.default_region() {
                Some(r) => vec![r],
                None => {
                    errors.push(format!(
                        "{name}: no Region: pass --region or set `region` in the profile"
                    ));
                    continue;
                }
            }
        } else {
            req.regions.clone()
        };
        match targets(&aws, &regions, &sources).await {
            Ok(t) => {
                if organization.is_none() {
                    let stop = cancel.clone();
                    match rampart_aws::organization(&aws, &move || stop.is_cancelled()).await {
                        Ok(org) => organization = Some((t.account.clone(), org)),
                        Err(e) => org_refusals.push((t.account.clone(), e.message)),
                    }
                }
                fetchers.extend(t.fetchers);
                skipped.extend(t.skipped);
            }
            Err(e) => errors.push(format!("{name}: {}", e.message)),
        }
    }
    let mut store = Store::open(db)?;
    let org_line = match organization {
        Some((account, org)) => {
            let saved = store.save_organization(&org, rampart_core::time::now_ms())?;
            events(SyncEvent::Organization {
                account: account.clone(),
                accounts: saved.accounts,
                units: saved.units,
                refused: None,
            });
            Some(format!(
                "AWS Organizations (as {account}): {} accounts named, in {} organizational units",
                saved.accounts, saved.units
            ))
        }
        None => org_refusals.into_iter().next().map(|(account, why)| {
            let line = format!(
                "AWS Organizations (as {account}): account names and OUs not read: {why}. \
                 Names come from the findings where they carry them; the sync goes on."
            );
            events(SyncEvent::Organization {
                account,
                accounts: 0,
                units: 0,
                refused: Some(why),
            });
            line
        }),
    };
    // Tally new and updated findings per target from the page events.
    let tally: Arc<Mutex<BTreeMap<SyncTarget, (u32, u32)>>> = Arc::default();
    let counting: Events = {
        let tally = tally.clone();
        Arc::new(move |e: SyncEvent| {
            if let SyncEvent::Page {
                target, new, updated, ..
            } = &e
            {
                let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
                let slot = t.entry(target.clone()).or_default();
                slot.0 += new;
                slot.1 += updated;
            }
            events(e);
        })
    };
    let (_store, summary) = engine::run(
        store,
        catalog,
        Work { fetchers, skipped },
        SyncOptions::default(),
        cancel,
        counting,
        Arc::new(rampart_core::time::now_ms),
    )
    .await;
    let tally = tally.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut targets: Vec<TargetReport> = summary
        .outcomes
        .into_iter()
        .map(|o| {
            let (new, updated) = tally.get(&o.target).copied().unwrap_or_default();
            TargetReport {
                ok: o.error.is_none(),
                error_kind: o.error.as_ref().map(|e| e.kind),
                message: o.error.map(|e| e.message),
                pages: o.pages,
                findings: o.findings,
                new,
                updated,
                target: o.target,
            }
        })
        .collect();
    targets.sort_by(|a, b| a.target.cmp(&b.target));
    Ok(SyncReport {
        targets,
        errors,
        organization: org_line,
        cancelled: summary.cancelled,
        elapsed_ms: summary.elapsed.as_millis() as u64,
    })
}
