//! Connections, routing, quotas, faults, error rendering and the admin routes.

use std::collections::HashMap;
use std::io::BufReader;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::http::{self, ReadError, Request, Response};
use crate::synth::SplitMix64;
use crate::{config, inspector, lock, securityhub, securityhub_v2, Dataset, Faults, OpStats, Stats};

/// Idle keep-alive connections are closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) struct FaultState {
    pub faults: Faults,
    pub rng: SplitMix64,
}

/// A token bucket: `rate` tokens per second, at most `burst`, refilled continuously.
struct Bucket {
    tokens: f64,
    at: Instant,
}

pub(crate) struct Shared {
    pub dataset: Mutex<Dataset>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<Stats>,
    buckets: Mutex<HashMap<(&'static str, String), Bucket>>,
    pub stopping: AtomicBool,
    /// Clones of the open connections, so that shutdown can close them.
    pub conns: Mutex<HashMap<u64, TcpStream>>,
    pub threads: Mutex<Vec<JoinHandle<()>>>,
    seq: AtomicU64,
}

/// The wire protocol of an operation: decides how errors look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// restJson1, Security Hub flavour: `{"Code","Message"}`.
    SecurityHub,
    /// restJson1, Inspector2 flavour: `{"message"}`.
    Inspector,
    /// awsJson1_1: `{"__type","message"}`.
    AwsJson,
    /// awsQuery: XML.
    Query,
}

/// An error answer; rendered according to the operation's protocol.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

/// A successful answer of a data operation.
pub(crate) struct Served {
    pub body: Value,
    /// How many items (findings, resources, results, entries) it carries.
    pub items: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    GetFindings,
    /// The new Security Hub's GetFindingsV2 (OCSF).
    GetFindingsV2,
    ListSecurityControlDefinitions,
    ListFindingAggregators,
    GetFindingAggregator(String),
    ListFindings,
    ListCoverage,
    Config(&'static str),
    GetCallerIdentity,
}

struct Route {
    name: &'static str,
    service: &'static str,
    protocol: Protocol,
    kind: Kind,
}

enum Classified {
    Admin,
    Op(Route),
    Unknown(Protocol),
}

fn classify(req: &Request) -> Classified {
    if req.path.starts_with("/_endpoint/") {
        return Classified::Admin;
    }
    let route = |name, service, protocol, kind| {
        Classified::Op(Route {
            name,
            service,
            protocol,
            kind,
        })
    };
    if let Some(target) = req.header("x-amz-target") {
        return match target.strip_prefix("StarlingDoveService.").and_then(config::operation) {
            Some(op) if req.method == "POST" => route(op, "config", Protocol::AwsJson, Kind::Config(op)),
            _ => Classified::Unknown(Protocol::AwsJson),
        };
    }
    let form = req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if req.path == "/" && req.method == "POST" && form {
        let body = String::from_utf8_lossy(&req.body);
        let action = http::parse_query(&body)
            .into_iter()
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v);
        return match action.as_deref() {
            Some("GetCallerIdentity") => route("GetCallerIdentity", "sts", Protocol::Query, Kind::GetCallerIdentity),
            _ => Classified::Unknown(Protocol::Query),
        };
    }
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/findings") => route("GetFindings", "securityhub", Protocol::SecurityHub, Kind::GetFindings),
        ("POST", "/findingsv2") => route(
            "GetFindingsV2",
            "securityhub",
            Protocol::SecurityHub,
            Kind::GetFindingsV2,
        ),
        ("GET", "/securityControls/definitions") => route(
            "ListSecurityControlDefinitions",
            "securityhub",
            Protocol::SecurityHub,
            Kind::ListSecurityControlDefinitions,
        ),
        ("GET", "/findingAggregator/list") => route(
            "ListFindingAggregators",
            "securityhub",
            Protocol::SecurityHub,
            Kind::ListFindingAggregators,
        ),
        ("GET", p) if p.starts_with("/findingAggregator/get/") => {
            let arn = http::percent_decode(&p["/findingAggregator/get/".len()..], false);
            route(
                "GetFindingAggregator",
                "securityhub",
                Protocol::SecurityHub,
                Kind::GetFindingAggregator(arn),
            )
        }
        ("POST", "/findings/list") => route("ListFindings", "inspector2", Protocol::Inspector, Kind::ListFindings),
        ("POST", "/coverage/list") => route("ListCoverage", "inspector2", Protocol::Inspector, Kind::ListCoverage),
        _ => Classified::Unknown(
            if req.path.starts_with("/findings/") || req.path.starts_with("/coverage/") {
                Protocol::Inspector
            } else {
                Protocol::SecurityHub
            },
        ),
    }
}

/// (requests per second, burst) for an operation, per region. GetFindingsV2 has its own bucket at
/// GetFindings' rate.
fn quota(kind: &Kind) -> (f64, f64) {
    match kind {
        Kind::GetFindings | Kind::GetFindingsV2 => (3.0, 6.0),
        Kind::ListFindingAggregators | Kind::GetFindingAggregator(_) | Kind::ListSecurityControlDefinitions => {
            (10.0, 30.0)
        }
        Kind::ListFindings | Kind::ListCoverage | Kind::Config(_) => (10.0, 20.0),
        Kind::GetCallerIdentity => (f64::INFINITY, f64::INFINITY),
    }
}

/// The IAM action an operation needs, as an AccessDeniedException names it: GetFindingsV2 is
/// authorised by `securityhub:GetFindings`.
fn iam_action(route: &Route) -> &'static str {
    match route.kind {
        Kind::GetFindingsV2 => "GetFindings",
        _ => route.name,
    }
}

fn throttle_error(protocol: Protocol) -> ApiError {
    match protocol {
        Protocol::SecurityHub => ApiError::new(429, "TooManyRequestsException", "Rate exceeded"),
        Protocol::Inspector => ApiError::new(429, "ThrottlingException", "Rate exceeded"),
        _ => ApiError::new(400, "ThrottlingException", "Rate exceeded"),
    }
}

fn internal_error(protocol: Protocol) -> ApiError {
    match protocol {
        Protocol::SecurityHub => ApiError::new(500, "InternalException", "Internal service error"),
        Protocol::Inspector => ApiError::new(500, "InternalServerException", "Internal server error"),
        _ => ApiError::new(
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error.",
        ),
    }
}

fn unavailable_error() -> ApiError {
    ApiError::new(
        503,
        "ServiceUnavailableException",
        "Service is unavailable. Please retry.",
    )
}

fn render_error(protocol: Protocol, err: &ApiError, request_id: &str) -> Response {
    let (content_type, body) = match protocol {
        Protocol::SecurityHub => (
            "application/json",
            json!({"Code": err.code, "Message": err.message}).to_string(),
        ),
        Protocol::Inspector => {
            let mut body = json!({"message": err.message});
            if err.code == "ValidationException" {
                body["reason"] = json!("OTHER");
                body["fields"] = json!([]);
            }
            ("application/json", body.to_string())
        }
        Protocol::AwsJson => (
            "application/x-amz-json-1.1",
            json!({"__type": err.code, "message": err.message}).to_string(),
        ),
        Protocol::Query => {
            let kind = if err.status >= 500 { "Receiver" } else { "Sender" };
            let xml = format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>{kind}</Type>\
                 <Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
                err.code,
                xml_escape(&err.message)
            );
            ("text/xml", xml)
        }
    };
    Response::new(err.status, content_type, body.into_bytes()).with_header("x-amzn-ErrorType", err.code)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn content_type(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson => "application/x-amz-json-1.1",
        Protocol::Query => "text/xml",
        _ => "application/json",
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// What the connection loop does with a request.
enum Action {
    Respond(Response),
    /// Close the connection without answering.
    Drop,
}

impl Shared {
    pub fn new(dataset: Dataset, faults: Faults) -> Shared {
        Shared {
            dataset: Mutex::new(dataset),
            faults: Mutex::new(FaultState {
                rng: SplitMix64::new(faults.seed),
                faults,
            }),
            stats: Mutex::new(Stats::default()),
            buckets: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            threads: Mutex::new(Vec::new()),
            seq: AtomicU64::new(1),
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = FaultState {
            rng: SplitMix64::new(faults.seed),
            faults,
        };
    }

    pub fn current_faults(&self) -> Faults {
        lock(&self.faults).faults.clone()
    }

    fn next_id(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    fn request_id(&self) -> String {
        let n = self.next_id();
        let mut rng = SplitMix64::new(n);
        let h = rng.hex(20);
        format!("{n:08x}-{}-{}-{}-{}", &h[0..4], &h[4..8], &h[8..12], &h[12..20])
    }

    fn record(&self, op: &str, f: impl FnOnce(&mut OpStats)) {
        let mut stats = lock(&self.stats);
        f(stats.operations.entry(op.to_string()).or_default());
    }

    /// Count a request arriving.
    fn arrived(&self, op: &str) {
        let now = now_ms();
        self.record(op, |s| {
            s.requests += 1;
            s.first_at_ms.get_or_insert(now);
            s.last_at_ms = Some(now);
        });
    }

    /// Take one token from the (operation, region) bucket.
    fn take_token(&self, op: &'static str, region: &str, (rate, burst): (f64, f64)) -> bool {
        if !rate.is_finite() {
            return true;
        }
        let mut buckets = lock(&self.buckets);
        let now = Instant::now();
        let bucket = buckets
            .entry((op, region.to_string()))
            .or_insert(Bucket { tokens: burst, at: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn touch_securityhub(&self, fraction: f64, seed: u64) -> Vec<String> {
        let mut ds = lock(&self.dataset);
        let n = ds.securityhub.len();
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        let mut k = (n as f64 * fraction).round() as usize;
        if k == 0 && fraction > 0.0 && n > 0 {
            k = 1;
        }
        // Partial Fisher-Yates: the first k of a seeded shuffle.
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = SplitMix64::new(seed);
        for i in 0..k {
            let j = i + rng.below((n - i) as u64) as usize;
            order.swap(i, j);
        }
        let now = crate::synth::iso_millis(chrono::Utc::now());
        let mut picked = order[..k].to_vec();
        picked.sort_unstable();
        picked
            .into_iter()
            .map(|i| {
                let f = &mut ds.securityhub[i];
                f["UpdatedAt"] = json!(now);
                if f.get("ProcessedAt").is_some() {
                    f["ProcessedAt"] = json!(now);
                }
                if f.get("LastObservedAt").is_some() {
                    f["LastObservedAt"] = json!(now);
                }
                let flipped = match f.pointer("/Compliance/Status").and_then(Value::as_str) {
                    Some("FAILED") => Some("PASSED"),
                    Some("PASSED") => Some("FAILED"),
                    _ => None,
                };
                if let Some(status) = flipped {
                    f["Compliance"]["Status"] = json!(status);
                }
                f.get("Id").and_then(Value::as_str).unwrap_or_default().to_string()
            })
            .collect()
    }

    fn dispatch(&self, req: &Request, request_id: &str) -> Action {
        match classify(req) {
            Classified::Admin => Action::Respond(self.admin(req)),
            Classified::Unknown(protocol) => {
                let err = ApiError::new(
                    404,
                    "UnknownOperationException",
                    format!("No operation matches {} {}", req.method, req.path),
                );
                Action::Respond(render_error(protocol, &err, request_id))
            }
            Classified::Op(route) => self.operation(req, &route, request_id),
        }
    }

    fn operation(&self, req: &Request, route: &Route, request_id: &str) -> Action {
        let protocol = route.protocol;
        self.arrived(route.name);
        let fail = |err: ApiError, counter: fn(&mut OpStats)| {
            self.record(route.name, counter);
            Action::Respond(render_error(protocol, &err, request_id))
        };

        let Some((region, service)) = req.header("authorization").and_then(http::credential_scope) else {
            let err = ApiError::new(
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            );
            return fail(err, |s| s.errors_4xx += 1);
        };
        if service != route.service {
            let err = ApiError::new(
                403,
                "InvalidSignatureException",
                format!("Credential should be scoped to correct service: '{}'.", route.service),
            );
            return fail(err, |s| s.errors_4xx += 1);
        }

        if route.kind == Kind::GetCallerIdentity {
            let account = lock(&self.dataset).account.clone();
            let xml = format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/rampart-test</Arn>\
                 <UserId>AIDATEST</UserId><Account>{account}</Account></GetCallerIdentityResult>\
                 <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            );
            self.record(route.name, |s| s.ok += 1);
            return Action::Respond(Response::new(200, "text/xml", xml.into_bytes()));
        }

        // Faults, in order: drop, deny, quota, injected throttle, 500, 503, slow.
        let slow_ms = {
            let mut state = lock(&self.faults);
            if state.faults.drop_connections > 0 {
                state.faults.drop_connections -= 1;
                drop(state);
                self.record(route.name, |s| s.dropped += 1);
                return Action::Drop;
            }
            let retry_after = state.faults.retry_after_secs;
            let throttled = |err: ApiError| match retry_after {
                Some(secs) => render_error(protocol, &err, request_id).with_header("Retry-After", secs.to_string()),
                None => render_error(protocol, &err, request_id),
            };
            if state.faults.deny_regions.contains(&region)
                || state.faults.deny_operations.iter().any(|o| o == route.name)
            {
                drop(state);
                let account = lock(&self.dataset).account.clone();
                let err = ApiError::new(
                    if protocol == Protocol::AwsJson { 400 } else { 403 },
                    "AccessDeniedException",
                    format!(
                        "User: arn:aws:iam::{account}:user/test is not authorized to perform: {}:{} \
                         in region {region} with an explicit deny in a service control policy",
                        route.service,
                        iam_action(route)
                    ),
                );
                return fail(err, |s| s.denied += 1);
            }
            if !state.faults.disable_quotas && !self.take_token(route.name, &region, quota(&route.kind)) {
                drop(state);
                self.record(route.name, |s| s.throttled_quota += 1);
                return Action::Respond(throttled(throttle_error(protocol)));
            }
            // Always four rolls per request, so a given request meets the same dice whatever the rates.
            let rolls = [
                state.rng.next_f64(),
                state.rng.next_f64(),
                state.rng.next_f64(),
                state.rng.next_f64(),
            ];
            let f = &state.faults;
            if rolls[0] < f.throttle_rate {
                drop(state);
                self.record(route.name, |s| s.throttled_injected += 1);
                return Action::Respond(throttled(throttle_error(protocol)));
            }
            if rolls[1] < f.error_500_rate {
                drop(state);
                return fail(internal_error(protocol), |s| s.errors_5xx += 1);
            }
            if rolls[2] < f.error_503_rate {
                drop(state);
                return fail(unavailable_error(), |s| s.errors_5xx += 1);
            }
            (rolls[3] < f.slow_rate).then_some(f.slow_ms)
        };
        if let Some(ms) = slow_ms {
            let until = Instant::now() + Duration::from_millis(ms);
            while Instant::now() < until && !self.stopping.load(Ordering::Relaxed) {
                std::thread::sleep((until - Instant::now()).min(Duration::from_millis(50)));
            }
        }

        let result = self.serve(req, route, &region);
        match result {
            Err(err) => {
                let counter: fn(&mut OpStats) = if err.status >= 500 {
                    |s| s.errors_5xx += 1
                } else {
                    |s| s.errors_4xx += 1
                };
                fail(err, counter)
            }
            Ok(served) => {
                let mut body = served.body.to_string().into_bytes();
                let spoil = {
                    let mut state = lock(&self.faults);
                    let spoil = state.faults.invalid_json > 0;
                    if spoil {
                        state.faults.invalid_json -= 1;
                    }
                    spoil
                };
                if spoil {
                    body.truncate((body.len() / 2).max(1));
                    self.record(route.name, |s| s.invalid_json += 1);
                } else {
                    self.record(route.name, |s| {
                        s.ok += 1;
                        s.items_served += served.items;
                    });
                }
                Action::Respond(Response::new(200, content_type(protocol), body))
            }
        }
    }

    fn serve(&self, req: &Request, route: &Route, region: &str) -> Result<Served, ApiError> {
        let ds = lock(&self.dataset);
        match &route.kind {
            Kind::GetFindingAggregator(arn) => return securityhub::get_finding_aggregator(&ds, arn),
            Kind::ListFindingAggregators => return securityhub::list_finding_aggregators(&ds, &req.query),
            Kind::ListSecurityControlDefinitions => {
                return securityhub::list_security_control_definitions(&ds, region, &req.query)
            }
            _ => {}
        }
        let body = parse_body(&req.body).map_err(|msg| match route.protocol {
            Protocol::SecurityHub => ApiError::new(400, "InvalidInputException", msg),
            Protocol::Inspector => ApiError::new(400, "ValidationException", msg),
            _ => ApiError::new(400, "SerializationException", msg),
        })?;
        match &route.kind {
            Kind::GetFindings => securityhub::get_findings(&ds, region, &body),
            Kind::GetFindingsV2 => securityhub_v2::get_findings_v2(&ds, region, &body),
            Kind::ListFindings => inspector::list_findings(&ds, region, &body),
            Kind::ListCoverage => inspector::list_coverage(&ds, region, &body),
            Kind::Config(op) => config::handle(&ds, op, region, &body),
            _ => Err(ApiError::new(500, "InternalFailure", "unroutable operation")),
        }
    }

    fn admin(&self, req: &Request) -> Response {
        let bad = |msg: String| Response::json(400, &json!({"Code": "InvalidInputException", "Message": msg}));
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/_endpoint/health") => Response::json(200, &json!({"ok": true})),
            ("GET", "/_endpoint/stats") => Response::json(200, &json!(lock(&self.stats).clone())),
            ("POST", "/_endpoint/reset-stats") => {
                *lock(&self.stats) = Stats::default();
                Response::json(200, &json!({"ok": true}))
            }
            ("GET", "/_endpoint/faults") => Response::json(200, &json!(self.current_faults())),
            ("POST", "/_endpoint/faults") => match serde_json::from_slice::<Faults>(&req.body) {
                Ok(faults) => {
                    self.set_faults(faults);
                    Response::json(200, &json!({"ok": true}))
                }
                Err(e) => bad(format!("invalid Faults JSON: {e}")),
            },
            ("POST", "/_endpoint/touch") => {
                let body = match parse_body(&req.body) {
                    Ok(b) => b,
                    Err(e) => return bad(e),
                };
                let fraction = body.get("fraction").and_then(Value::as_f64).unwrap_or(0.01);
                let seed = body.get("seed").and_then(Value::as_u64).unwrap_or(1);
                Response::json(200, &json!({"ids": self.touch_securityhub(fraction, seed)}))
            }
            _ => Response::json(
                404,
                &json!({"Code": "UnknownOperationException", "Message": format!("no admin route {} {}", req.method, req.path)}),
            )
            .with_header("x-amzn-ErrorType", "UnknownOperationException"),
        }
    }
}

/// A JSON request body; empty means `{}`.
fn parse_body(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err("the request body must be a JSON object".into()),
        Err(e) => Err(format!("the request body is not valid JSON: {e}")),
    }
}

pub(crate) fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = match conn {
            Ok(s) => s,
            Err(_) => {
                // E.g. out of file descriptors: back off instead of spinning.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let id = shared.next_id();
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.conns).insert(id, clone);
        }
        let worker = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name(format!("aws-endpoint-conn-{id}"))
            .spawn(move || serve_connection(worker, stream, id));
        let mut threads = lock(&shared.threads);
        threads.retain(|h| !h.is_finished());
        match spawned {
            Ok(handle) => threads.push(handle),
            Err(_) => {
                lock(&shared.conns).remove(&id);
            }
        }
    }
}

fn serve_connection(shared: Arc<Shared>, stream: TcpStream, id: u64) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    if let Ok(mut writer) = stream.try_clone() {
        let mut reader = BufReader::new(stream);
        while !shared.stopping.load(Ordering::Relaxed) {
            let req = match http::read_request(&mut reader, &mut writer) {
                Ok(req) => req,
                Err(ReadError::Closed) | Err(ReadError::Io) => break,
                Err(ReadError::Bad(msg)) => {
                    let resp = Response::json(400, &json!({"Code": "BadRequest", "Message": msg}));
                    let _ = http::write_response(&mut writer, &resp, &shared.request_id(), true);
                    break;
                }
                Err(ReadError::TooLarge) => {
                    let resp = Response::json(413, &json!({"Code": "RequestEntityTooLarge", "Message": "too large"}));
                    let _ = http::write_response(&mut writer, &resp, &shared.request_id(), true);
                    break;
                }
            };
            let close = req.wants_close();
            let request_id = shared.request_id();
            match shared.dispatch(&req, &request_id) {
                Action::Drop => break,
                Action::Respond(resp) => {
                    if http::write_response(&mut writer, &resp, &request_id, close).is_err() || close {
                        break;
                    }
                }
            }
        }
        let _ = writer.shutdown(Shutdown::Both);
    }
    lock(&shared.conns).remove(&id);
}
