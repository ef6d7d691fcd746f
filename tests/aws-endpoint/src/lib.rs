//! A local HTTP server that answers like AWS Security Hub (CSPM's `GetFindings` in ASFF and the new
//! Security Hub's `GetFindingsV2` in OCSF), Inspector2, Config and STS do on the wire, so that the sync
//! engine (through the official AWS SDK for Rust) can be tested and benchmarked against filters, paging,
//! per-region quotas and injected faults without an AWS account.
//!
//! Point an SDK client at [`Endpoint::url`] (`endpoint_url`), with any static credentials: the region and
//! service are read from the SigV4 credential scope, the signature is not checked.
//!
//! ```no_run
//! let ep = aws_endpoint::Endpoint::start(aws_endpoint::Dataset::default(), aws_endpoint::Faults::default()).unwrap();
//! println!("{}", ep.url());
//! ```

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod config;
mod filter;
mod http;
mod inspector;
pub mod ocsf;
mod securityhub;
mod securityhub_v2;
mod server;
pub mod synth;

use server::Shared;

/// What the endpoint serves.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Dataset {
    /// The account STS GetCallerIdentity reports (and the one in aggregator ARNs).
    pub account: String,
    /// Security Hub findings in ASFF; served to the region in their `Region`, by GetFindings as they
    /// are and by GetFindingsV2 as their OCSF twins ([`ocsf::from_asff`]).
    pub securityhub: Vec<Value>,
    /// Inspector2 findings as on the wire; served to the region in their `findingArn`.
    pub inspector: Vec<Value>,
    /// Inspector2 covered resources with their region.
    pub coverage: Vec<(String, Value)>,
    pub config_rules: Vec<ConfigRule>,
    /// The Security Hub cross-region finding aggregator, if any.
    pub aggregator: Option<Aggregator>,
    pub conformance_packs: Vec<ConformancePack>,
    /// Security Hub's control definitions (`SecurityControlDefinition` JSON as on the
    /// wire). When empty, one is made for each control the Security Hub findings name.
    pub control_definitions: Vec<Value>,
    /// When set, the findings belong to an organisation whose accounts the dataset mixes:
    /// the new Security Hub shows the delegated administrator every member's findings (a
    /// request without `Scopes` is organisation-wide) and any other account only its own.
    pub delegated_admin: Option<bool>,
}

/// One AWS Config rule in one region with its evaluation results (EvaluationResult JSON as on the wire).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigRule {
    pub region: String,
    pub name: String,
    pub results: Vec<Value>,
}

/// A Security Hub finding aggregator.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Aggregator {
    pub home_region: String,
    /// `ALL_REGIONS`, `SPECIFIED_REGIONS`, `ALL_REGIONS_EXCEPT_SPECIFIED` or `NO_REGIONS`.
    pub linking_mode: String,
    pub regions: Vec<String>,
}

/// An AWS Config conformance pack: a named group of the region's rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConformancePack {
    pub region: String,
    pub name: String,
    pub rule_names: Vec<String>,
}

/// Fault injection for data requests (Security Hub, Inspector2 and Config operations; never STS or the
/// admin routes). Checked in this order: drop, deny, quota, injected throttle, 500, 503, slow, then the
/// answer (which `invalid_json` may spoil).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Seed of the dice behind the `*_rate` knobs.
    pub seed: u64,
    /// Fraction of data requests answered with a throttling error even when the quota has room.
    pub throttle_rate: f64,
    /// Fraction answered 500 (InternalException / InternalServerException / InternalFailure).
    pub error_500_rate: f64,
    /// Fraction answered 503 ServiceUnavailableException.
    pub error_503_rate: f64,
    /// The next N data requests: the connection is closed without any response.
    pub drop_connections: u32,
    /// Fraction of responses delayed by `slow_ms`.
    pub slow_rate: f64,
    pub slow_ms: u64,
    /// The next N successful data responses: 200 with a truncated JSON body.
    pub invalid_json: u32,
    /// Every data request signed for one of these regions gets 403 AccessDeniedException.
    pub deny_regions: Vec<String>,
    /// Every request for one of these operations (`ListSecurityControlDefinitions`,
    /// `GetFindingsV2`, ...) gets 403 AccessDeniedException, as under an IAM policy that lacks the
    /// action. Operations are matched by name; GetFindings and GetFindingsV2 both need the IAM action
    /// `securityhub:GetFindings`, so a policy without that action is both names here.
    pub deny_operations: Vec<String>,
    /// When set, throttling responses carry `Retry-After: N`.
    pub retry_after_secs: Option<u64>,
    /// Turn the per-region request quotas off (for tests that page through large datasets quickly).
    pub disable_quotas: bool,
}

/// Per-operation counters, keyed by operation name (e.g. `GetFindings`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Stats {
    pub operations: BTreeMap<String, OpStats>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OpStats {
    /// Every request routed to the operation, whatever happened to it.
    pub requests: u64,
    /// Answered 200 with a well-formed body.
    pub ok: u64,
    /// Refused by the per-region quota.
    pub throttled_quota: u64,
    /// Refused by `Faults::throttle_rate`.
    pub throttled_injected: u64,
    /// Injected 500 and 503 answers.
    pub errors_5xx: u64,
    /// Connections closed without an answer (`Faults::drop_connections`).
    pub dropped: u64,
    /// 200 answers with a spoiled body (`Faults::invalid_json`).
    pub invalid_json: u64,
    /// 403 answers for denied regions.
    pub denied: u64,
    /// Other 4xx answers: bad input, bad NextToken, unknown rule, missing or mis-scoped credentials.
    pub errors_4xx: u64,
    /// Findings, covered resources, evaluation results or compliance entries served in `ok` answers.
    pub items_served: u64,
    /// Wall-clock time (ms since the epoch) of the first and the last request.
    pub first_at_ms: Option<i64>,
    pub last_at_ms: Option<i64>,
}

impl Stats {
    /// The counters of one operation (zero if it was never called).
    pub fn op(&self, name: &str) -> OpStats {
        self.operations.get(name).cloned().unwrap_or_default()
    }
}

/// A running endpoint on 127.0.0.1. Stops on [`Endpoint::shutdown`] or drop.
pub struct Endpoint {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// Start on an ephemeral port of 127.0.0.1.
    pub fn start(dataset: Dataset, faults: Faults) -> std::io::Result<Endpoint> {
        Endpoint::start_on(0, dataset, faults)
    }

    /// Start on 127.0.0.1:`port` (0 = any free port).
    pub fn start_on(port: u16, dataset: Dataset, faults: Faults) -> std::io::Result<Endpoint> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(dataset, faults));
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("aws-endpoint-accept".into())
                .spawn(move || server::accept_loop(shared, listener))?
        };
        Ok(Endpoint {
            shared,
            addr,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Replace the faults; counters (`drop_connections`, `invalid_json`) and the dice restart from the new values.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    /// The faults in force, with `drop_connections` and `invalid_json` showing what is left of them.
    pub fn faults(&self) -> Faults {
        self.shared.current_faults()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = Stats::default();
    }

    pub fn update_securityhub(&self, f: impl FnOnce(&mut Vec<Value>)) {
        f(&mut lock(&self.shared.dataset).securityhub);
    }

    pub fn update_inspector(&self, f: impl FnOnce(&mut Vec<Value>)) {
        f(&mut lock(&self.shared.dataset).inspector);
    }

    /// Change anything in the dataset (coverage, Config rules, the aggregator, ...).
    pub fn update_dataset(&self, f: impl FnOnce(&mut Dataset)) {
        f(&mut lock(&self.shared.dataset));
    }

    /// For `fraction` of the Security Hub findings (a deterministic pick from `seed`; at least one when the
    /// fraction is above zero), set `UpdatedAt` to now and flip `Compliance.Status` FAILED <-> PASSED.
    /// Returns the Ids of the findings touched.
    pub fn touch_securityhub(&self, fraction: f64, seed: u64) -> Vec<String> {
        self.shared.touch_securityhub(fraction, seed)
    }

    /// Stop accepting, close the open connections and wait (briefly) for their threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(accept) = self.accept.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = accept.join();
        for stream in lock(&self.shared.conns).values() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        let handles = std::mem::take(&mut *lock(&self.shared.threads));
        let deadline = Instant::now() + Duration::from_secs(2);
        for handle in handles {
            while !handle.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if handle.is_finished() {
                let _ = handle.join();
            }
            // Otherwise abandon it: it holds only an Arc and exits at its next socket operation.
        }
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Lock, ignoring poisoning (a panicking connection thread must not take the endpoint down).
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
