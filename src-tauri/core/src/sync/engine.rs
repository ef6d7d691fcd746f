//! The run: every target fetches side by side (up to a concurrency limit), each page is
//! applied by one writer thread that owns the [`Store`], and progress is reported as
//! [`SyncEvent`]s. One target failing (denied, throttled past its retries, offline)
//! does not stop the others.

use crate::store::definitions::ControlDefinition;
use crate::store::imports::ImportCounts;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, Notify, Semaphore};

use super::limit::{quota_for, RateLimiter};
use super::retry::{Jitter, RetryPolicy};
use super::{plan, ErrorKind, FetchError, Fetcher, Page, PlanOptions, Query, QuerySpec, SyncEvent, SyncTarget};
use crate::catalog::Catalog;
use crate::import::ImportOptions;
use crate::ingest::ImportInput;
use crate::store::sync_state::{self, Cursor, Resume};
use crate::store::Store;

/// The resume point of a run whose queries all finished but whose completion was not
/// recorded (the process stopped in between): nothing is left to fetch.
const END: &str = "(end)";

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub plan: PlanOptions,
    pub retry: RetryPolicy,
    /// Pace requests at this fraction of each quota.
    pub rate_margin: f64,
    /// Targets fetched at once.
    pub concurrency: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            plan: PlanOptions::default(),
            retry: RetryPolicy::default(),
            rate_margin: 0.97,
            concurrency: 6,
        }
    }
}

/// Cancels a run: pages already stored stay, and the next run resumes after them.
#[derive(Clone, Default)]
pub struct Cancel(Arc<(AtomicBool, Notify)>);

impl Cancel {
    pub fn cancel(&self) {
        self.0 .0.store(true, Ordering::SeqCst);
        self.0 .1.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0 .0.load(Ordering::SeqCst)
    }

    pub async fn cancelled(&self) {
        loop {
            let notified = self.0 .1.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// How one target ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub target: SyncTarget,
    pub pages: u32,
    pub findings: u32,
    pub error: Option<FetchError>,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub outcomes: Vec<Outcome>,
    pub cancelled: bool,
    pub elapsed: Duration,
}

impl Summary {
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.error.is_some()).count()
    }
}

pub type Events = Arc<dyn Fn(SyncEvent) + Send + Sync>;

/// What a run syncs: a fetcher per target, and the targets left out with the reason
/// (Regions a finding aggregator covers, say).
pub struct Work {
    pub fetchers: Vec<Arc<dyn Fetcher>>,
    pub skipped: Vec<(SyncTarget, String)>,
}

/// The wall clock (ms since the epoch), given by the caller: cursors and the status
/// are dated with it.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What the fetching side asks of the writer thread.
enum Apply {
    Begin {
        target: SyncTarget,
        reply: oneshot::Sender<Result<Cursor, String>>,
    },
    Page {
        target: SyncTarget,
        label: String,
        body: Vec<u8>,
        options: ImportOptions,
        resume: Resume,
        reply: oneshot::Sender<Result<ImportCounts, String>>,
    },
    Definitions {
        target: SyncTarget,
        definitions: Vec<ControlDefinition>,
        resume: Resume,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Complete {
        target: SyncTarget,
        watermark: i64,
        pages: u32,
        findings: u32,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Fail {
        target: SyncTarget,
        kind: ErrorKind,
        message: String,
        pages: u32,
        findings: u32,
        reply: oneshot::Sender<Result<(), String>>,
    },
}

fn writer(mut store: Store, catalog: Arc<Catalog>, clock: Clock, requests: std::sync::mpsc::Receiver<Apply>) -> Store {
    let now: &(dyn Fn() -> i64 + Send + Sync) = &*clock;
    // What was stored before is mapped once, up front; each page is then mapped as it
    // is applied.
    let mapped = store
        .ensure_mapped(&catalog)
        .map(|_| ())
        .map_err(|e| format!("mapping the workspace: {e}"));
    for req in requests {
        match req {
            Apply::Begin { target, reply } => {
                let r = mapped
                    .clone()
                    .and_then(|()| sync_state::begin(store.conn(), &target, now()).map_err(|e| e.to_string()))
                    .and_then(|()| sync_state::cursor(store.conn(), &target).map_err(|e| e.to_string()));
                let _ = reply.send(r);
            }
            Apply::Page {
                target,
                label,
                body,
                options,
                resume,
                reply,
            } => {
                let input = ImportInput::new(label, std::io::Cursor::new(body)).with_options(options);
                let r = store
                    .import_page(
                        input,
                        now,
                        &catalog,
                        Box::new(move |tx| sync_state::save_progress(tx, &target, &resume)),
                    )
                    .map(|rep| rep.counts)
                    .map_err(|e| e.to_string());
                let _ = reply.send(r);
            }
            Apply::Definitions {
                target,
                definitions,
                resume,
                reply,
            } => {
                let r = store
                    .save_control_definitions(&definitions, now(), |tx| {
                        sync_state::save_progress(tx, &target, &resume)
                    })
                    .map_err(|e| e.to_string());
                let _ = reply.send(r);
            }
            Apply::Complete {
                target,
                watermark,
                pages,
                findings,
                reply,
            } => {
                let r = sync_state::complete(store.conn(), &target, watermark, now(), pages.into(), findings.into())
                    .map_err(|e| e.to_string());
                let _ = reply.send(r);
            }
            Apply::Fail {
                target,
                kind,
                message,
                pages,
                findings,
                reply,
            } => {
                let r = sync_state::fail(
                    store.conn(),
                    &target,
                    kind.as_str(),
                    &message,
                    pages.into(),
                    findings.into(),
                )
                .map_err(|e| e.to_string());
                let _ = reply.send(r);
            }
        }
    }
    store
}

struct Ctx {
    opts: SyncOptions,
    clock: Clock,
    cancel: Cancel,
    events: Events,
    apply: Mutex<std::sync::mpsc::Sender<Apply>>,
    limiters: Mutex<HashMap<(String, String, String), Arc<RateLimiter>>>,
    jitter: Mutex<Jitter>,
}

impl Ctx {
    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<Result<T, String>>) -> Apply) -> Result<T, FetchError> {
        let (send, receive) = oneshot::channel();
        let sent = self.apply.lock().unwrap_or_else(|p| p.into_inner()).send(make(send));
        let stopped = || FetchError::new(ErrorKind::Fatal, "the database writer stopped");
        sent.map_err(|_| stopped())?;
        receive
            .await
            .map_err(|_| stopped())?
            .map_err(|e| FetchError::new(ErrorKind::Fatal, format!("could not store the page: {e}")))
    }

    fn limiter(&self, action: &str, t: &SyncTarget) -> Arc<RateLimiter> {
        let key = (action.to_string(), t.account.clone(), t.region.clone());
        self.limiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_insert_with(|| Arc::new(RateLimiter::new(quota_for(action), self.opts.rate_margin)))
            .clone()
    }

    fn cancelled_error() -> FetchError {
        FetchError::new(
            ErrorKind::Cancelled,
            "cancelled before it finished; the next sync resumes here",
        )
    }

    /// One page, through the rate limiter, retried per the policy.
    async fn fetch(&self, f: &dyn Fetcher, q: &Query, token: Option<&str>) -> Result<Page, FetchError> {
        let target = f.target();
        let limiter = self.limiter(q.action(), target);
        let mut attempt = 0u32;
        loop {
            tokio::select! {
                () = limiter.acquire() => {}
                () = self.cancel.cancelled() => return Err(Self::cancelled_error()),
            }
            let result = tokio::select! {
                r = f.fetch(q, token) => r,
                () = self.cancel.cancelled() => return Err(Self::cancelled_error()),
            };
            let e = match result {
                Ok(page) => return Ok(page),
                Err(e) => e,
            };
            if e.kind == ErrorKind::Throttled {
                limiter.throttled();
            }
            let unit = self.jitter.lock().unwrap_or_else(|p| p.into_inner()).unit();
            let Some(wait) = self.opts.retry.delay(e.kind, attempt, unit, e.retry_after) else {
                return Err(if attempt > 0 {
                    FetchError {
                        message: format!("{} (gave up after {} attempts)", e.message, attempt + 1),
                        ..e
                    }
                } else {
                    e
                });
            };
            (self.events)(SyncEvent::Retry {
                target: target.clone(),
                attempt: attempt + 1,
                wait_ms: wait.as_millis() as u64,
                reason: e.message.clone(),
            });
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.cancel.cancelled() => return Err(Self::cancelled_error()),
            }
            attempt += 1;
        }
    }
}

/// Syncs every target and returns the store (for the caller to keep using) and how
/// each target ended. Skipped targets are reported, not fetched.
pub async fn run(
    store: Store,
    catalog: Arc<Catalog>,
    work: Work,
    opts: SyncOptions,
    cancel: Cancel,
    events: Events,
    clock: Clock,
) -> (Store, Summary) {
    let Work { fetchers, skipped } = work;
    let started = Instant::now();
    let (send, receive) = std::sync::mpsc::channel();
    let writer_clock = clock.clone();
    let seed = clock() as u64;
    let writer = tokio::task::spawn_blocking(move || writer(store, catalog, writer_clock, receive));
    let ctx = Arc::new(Ctx {
        opts: opts.clone(),
        clock,
        cancel: cancel.clone(),
        events: events.clone(),
        apply: Mutex::new(send),
        limiters: Mutex::new(HashMap::new()),
        jitter: Mutex::new(Jitter::new(seed)),
    });
    events(SyncEvent::Planned {
        targets: fetchers.iter().map(|f| f.target().clone()).collect(),
    });
    for (target, reason) in skipped {
        events(SyncEvent::Skipped { target, reason });
    }
    let permits = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let mut tasks = Vec::new();
    for f in fetchers {
        let (ctx, permits) = (ctx.clone(), permits.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            run_target(&ctx, f).await
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        match t.await {
            Ok(o) => outcomes.push(o),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    drop(ctx);
    let store = match writer.await {
        Ok(s) => s,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    let summary = Summary {
        cancelled: cancel.is_cancelled(),
        elapsed: started.elapsed(),
        outcomes,
    };
    let failed = summary.failed() as u32;
    events(SyncEvent::Finished {
        succeeded: summary.outcomes.len() as u32 - failed,
        failed,
        cancelled: summary.cancelled,
        elapsed_ms: summary.elapsed.as_millis() as u64,
    });
    (store, summary)
}

async fn run_target(ctx: &Ctx, f: Arc<dyn Fetcher>) -> Outcome {
    let target = f.target().clone();
    let started = Instant::now();
    let (mut pages, mut findings) = (0u32, 0u32);
    let result = sync_target(ctx, &*f, &mut pages, &mut findings).await;
    let error = match result {
        Ok(()) => {
            (ctx.events)(SyncEvent::TargetDone {
                target: target.clone(),
                pages,
                findings,
                elapsed_ms: started.elapsed().as_millis() as u64,
            });
            None
        }
        Err(e) => {
            let (kind, message) = (e.kind, e.message.clone());
            let recorded = ctx
                .ask(|reply| Apply::Fail {
                    target: target.clone(),
                    kind,
                    message: message.clone(),
                    pages,
                    findings,
                    reply,
                })
                .await;
            let e = match recorded {
                Ok(()) => e,
                Err(db) => FetchError::new(ErrorKind::Fatal, format!("{message}; and recording it failed: {db}")),
            };
            (ctx.events)(SyncEvent::TargetFailed {
                target: target.clone(),
                error_kind: e.kind,
                message: e.message.clone(),
                pages,
                findings,
            });
            Some(e)
        }
    };
    Outcome {
        target,
        pages,
        findings,
        error,
    }
}

async fn sync_target(ctx: &Ctx, f: &dyn Fetcher, pages: &mut u32, findings: &mut u32) -> Result<(), FetchError> {
    let target = f.target().clone();
    let cursor = ctx
        .ask(|reply| Apply::Begin {
            target: target.clone(),
            reply,
        })
        .await?;
    let run_started = cursor
        .resume
        .as_ref()
        .map(|r| r.run_started)
        .unwrap_or_else(|| (ctx.clock)());
    let mut queries: VecDeque<Query> = plan(&target.source, cursor.watermark, run_started, &ctx.opts.plan).into();
    let mut token: Option<String> = None;
    if let Some(r) = &cursor.resume {
        if r.query == END {
            queries.clear();
        } else if let Some(at) = queries.iter().position(|q| q.key == r.query) {
            queries.drain(..at);
            token = r.token.clone();
        }
        // A query the plan no longer has (a Config rule's details): start over, which
        // stores nothing twice.
    }
    (ctx.events)(SyncEvent::TargetStarted {
        target: target.clone(),
        incremental: cursor.watermark.is_some(),
        resumed: cursor.resume.is_some(),
    });
    while let Some(q) = queries.pop_front() {
        let mut page_no = 0u32;
        let mut restarted = false;
        loop {
            if ctx.cancel.is_cancelled() {
                return Err(Ctx::cancelled_error());
            }
            let mut page = match ctx.fetch(f, &q, token.as_deref()).await {
                Ok(p) => p,
                Err(e) if e.kind == ErrorKind::InvalidToken && token.is_some() && !restarted => {
                    restarted = true;
                    token = None;
                    (ctx.events)(SyncEvent::Retry {
                        target: target.clone(),
                        attempt: 1,
                        wait_ms: 0,
                        reason: format!("the page token was refused ({}); the query starts over", e.message),
                    });
                    continue;
                }
                Err(e) if q.optional() && matches!(e.kind, ErrorKind::Denied | ErrorKind::Fatal) => {
                    (ctx.events)(SyncEvent::Notice {
                        target: target.clone(),
                        message: format!(
                            "{} was not read ({}); {}",
                            q.operation(),
                            e.message,
                            q.missing_when_refused()
                        ),
                    });
                    token = None;
                    break;
                }
                Err(e) => return Err(e),
            };
            page_no += 1;
            *pages += 1;
            // A Config rule page's rules are fetched right after it, before its next page.
            for follow in page.follow_up.into_iter().rev() {
                queries.push_front(follow);
            }
            let resume = Resume {
                run_started,
                query: if page.next_token.is_some() {
                    q.key.clone()
                } else {
                    queries
                        .front()
                        .map(|n| n.key.clone())
                        .unwrap_or_else(|| END.to_string())
                },
                token: page.next_token.clone(),
            };
            let definitions = std::mem::take(&mut page.definitions);
            let counts = match page.body {
                None if !definitions.is_empty() => {
                    ctx.ask(|reply| Apply::Definitions {
                        target: target.clone(),
                        definitions,
                        resume,
                        reply,
                    })
                    .await?;
                    ImportCounts::default()
                }
                Some(body) => {
                    let label = format!(
                        "sync {} {}/{} {} page {page_no}",
                        target.source, target.account, target.region, q.key
                    );
                    let options = page.options;
                    ctx.ask(|reply| Apply::Page {
                        target: target.clone(),
                        label,
                        body,
                        options,
                        resume,
                        reply,
                    })
                    .await?
                }
                None => ImportCounts::default(),
            };
            // What the page's import set aside or read leniently, said once per page.
            let findings_word = |n: u32| {
                if n == 1 {
                    "1 finding".to_string()
                } else {
                    format!("{n} findings")
                }
            };
            for (n, what) in [
                (
                    counts.future,
                    "carried a time more than a day in the future: not applied",
                ),
                (
                    counts.lenient,
                    "carried a value outside the documented ones, read as the nearest (the raw JSON keeps what AWS sent)",
                ),
            ] {
                if n > 0 {
                    (ctx.events)(SyncEvent::Notice {
                        target: target.clone(),
                        message: format!("{} on page {page_no} of {} {what}", findings_word(n), q.key),
                    });
                }
            }
            *findings += match q.spec {
                // The new Security Hub reports CSPM's checks again: its twins join findings
                // already counted, so it adds only what it brought.
                QuerySpec::SecurityHubFindingsV2 { .. } => counts.inserted + counts.updated,
                _ => counts.findings - counts.future,
            };
            let (new, updated) = (counts.inserted, counts.updated);
            (ctx.events)(SyncEvent::Page {
                target: target.clone(),
                query: q.key.clone(),
                page: page_no,
                items: page.items as u32,
                new,
                updated,
                findings: *findings,
            });
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
    }
    ctx.ask(|reply| Apply::Complete {
        target: target.clone(),
        watermark: run_started,
        pages: *pages,
        findings: *findings,
        reply,
    })
    .await
}
