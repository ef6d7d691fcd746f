//! Rampart's live sources: Security Hub, Inspector and Config through the official AWS
//! SDK for Rust, as [`rampart_core::sync::Fetcher`]s.
//!
//! - Credentials come from the standard chain (`aws-config`: environment, profiles, SSO,
//!   `credential_process`, assume-role, instance metadata). Nothing is stored.
//! - The SDK's own retries are off: the engine retries every attempt through its rate
//!   limiter. Timeouts are the SDK's (connect, per attempt).
//! - Each page's body is taken exactly as the service sent it (an interceptor keeps the
//!   bytes the SDK parsed), so a synced finding goes through the same normaliser and is
//!   stored with the same raw JSON as one imported from a file.
//! - Every AWS error is turned into a [`FetchError`] in plain words that name the action
//!   and the Region ([`classify`]).

mod capture;
mod config;
mod inspector;
mod organizations;
pub mod profiles;
mod securityhub;

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rampart_core::sync::{ErrorKind, FetchError, Fetcher, SyncTarget};

pub use capture::Capture;
pub use organizations::organization;

/// How to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// A named profile of `~/.aws/config`; `None` uses the default chain.
    pub profile: Option<String>,
    /// Send every call here instead of AWS (emulators and tests).
    pub endpoint_url: Option<String>,
    /// Give up on one attempt after this long (default 30 s); the engine retries.
    pub attempt_timeout: Option<Duration>,
}

/// Loaded AWS configuration: credentials chain, default Region, endpoint override.
#[derive(Clone)]
pub struct Aws {
    sdk: SdkConfig,
    profile: Option<String>,
}

/// Loads the configuration (nothing is called yet).
pub async fn connect(opts: &ConnectOptions) -> Aws {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(opts.attempt_timeout.unwrap_or(Duration::from_secs(30)))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts);
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    Aws {
        sdk: loader.load().await,
        profile: opts.profile.clone(),
    }
}

/// The three sources, as `rampart sync --source` names them.
pub const SOURCES: [&str; 3] = ["securityhub", "inspector", "config"];

impl Aws {
    /// The Region of the profile or environment, if any.
    pub fn default_region(&self) -> Option<String> {
        self.sdk.region().map(|r| r.to_string())
    }

    pub(crate) fn sdk(&self) -> &SdkConfig {
        &self.sdk
    }

    pub(crate) fn region(region: &str) -> Region {
        Region::new(region.to_string())
    }

    /// The account the credentials belong to (STS `GetCallerIdentity`, which needs no
    /// permission). This is also where missing or expired credentials show up first.
    pub async fn account(&self, region: &str) -> Result<String, FetchError> {
        let conf = aws_sdk_sts::config::Builder::from(&self.sdk)
            .region(Self::region(region))
            .build();
        let client = aws_sdk_sts::Client::from_conf(conf);
        let out = client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify(e, "sts:GetCallerIdentity", region, self.profile.as_deref()))?;
        out.account()
            .map(str::to_string)
            .ok_or_else(|| FetchError::new(ErrorKind::Fatal, "STS GetCallerIdentity returned no account"))
    }

    /// The fetcher of `source` in `account` and `region`.
    pub fn fetcher(&self, source: &str, account: &str, region: &str) -> Option<Arc<dyn Fetcher>> {
        let target = SyncTarget {
            source: source.to_string(),
            account: account.to_string(),
            region: region.to_string(),
        };
        let profile = self.profile.clone();
        Some(match source {
            "securityhub" => Arc::new(securityhub::SecurityHub::new(self, target, profile)),
            "inspector" => Arc::new(inspector::Inspector::new(self, target, profile)),
            "config" => Arc::new(config::Config::new(self, target, profile)),
            _ => return None,
        })
    }
}

/// What to sync: the fetchers, and the targets left out with the reason.
pub struct Targets {
    pub account: String,
    pub fetchers: Vec<Arc<dyn Fetcher>>,
    pub skipped: Vec<(SyncTarget, String)>,
}

/// Resolves the account and builds a fetcher per source and Region. When Security Hub
/// has a cross-Region finding aggregator whose home Region is among `regions`, the
/// Regions it links are synced through the home Region only.
pub async fn targets(aws: &Aws, regions: &[String], sources: &[String]) -> Result<Targets, FetchError> {
    let first = regions.first().ok_or_else(|| {
        FetchError::new(
            ErrorKind::Fatal,
            "no Region to sync: pass --region or set one in the profile",
        )
    })?;
    let account = aws.account(first).await?;
    let mut linked: Vec<(String, String)> = Vec::new();
    if sources.iter().any(|s| s == "securityhub") && regions.len() > 1 {
        for r in regions {
            // An aggregator is looked up in each Region until one is found; a Region that
            // refuses (or an emulator without the API) just has none.
            if let Ok(Some(agg)) = securityhub::aggregator(aws, r).await {
                if regions.contains(&agg.home) {
                    for other in regions.iter().filter(|o| **o != agg.home && agg.links(o)) {
                        linked.push((other.clone(), agg.home.clone()));
                    }
                }
                break;
            }
        }
    }
    let mut out = Targets {
        account: account.clone(),
        fetchers: Vec::new(),
        skipped: Vec::new(),
    };
    for source in sources {
        for region in regions {
            let home = linked.iter().find(|(r, _)| r == region).map(|(_, h)| h);
            match (source.as_str(), home) {
                ("securityhub", Some(home)) => out.skipped.push((
                    SyncTarget {
                        source: source.clone(),
                        account: account.clone(),
                        region: region.clone(),
                    },
                    format!("linked to the finding aggregator in {home}: its findings arrive through {home}"),
                )),
                _ => {
                    if let Some(f) = aws.fetcher(source, &account, region) {
                        out.fetchers.push(f);
                    }
                }
            }
        }
    }
    Ok(out)
}

const THROTTLING: [&str; 7] = [
    "ThrottlingException",
    "TooManyRequestsException",
    "LimitExceededException",
    "Throttling",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottledException",
];

const DENIED: [&str; 5] = [
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "InvalidAccessException",
];

const BAD_CREDENTIALS: [&str; 7] = [
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

fn login_hint(profile: Option<&str>) -> String {
    match profile {
        Some(p) => {
            format!("run `aws sso login --profile {p}` if it is an SSO profile, or check the profile's credentials")
        }
        None => "set AWS credentials (environment, `aws configure`, or `aws sso login` with --profile)".to_string(),
    }
}

/// Turns an SDK error into a [`FetchError`] that says what failed, where, and what to do.
pub fn classify<E>(err: SdkError<E, HttpResponse>, action: &str, region: &str, profile: Option<&str>) -> FetchError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("").to_string();
            let msg = se.err().message().unwrap_or("").to_string();
            let status = se.raw().status().as_u16();
            let retry_after = se
                .raw()
                .headers()
                .get("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let detail = if msg.is_empty() {
                String::new()
            } else {
                format!(": {msg}")
            };
            let (kind, message) = if THROTTLING.contains(&code.as_str()) || (status == 429 && code.is_empty()) {
                (
                    ErrorKind::Throttled,
                    format!("throttled on {action} in {region} ({code})"),
                )
            } else if code == "InvalidAccessException" {
                (
                    ErrorKind::Denied,
                    format!("{action} in {region} refused (InvalidAccessException): Security Hub is not enabled there, or the account is not subscribed{detail}"),
                )
            } else if DENIED.contains(&code.as_str()) || status == 403 && !BAD_CREDENTIALS.contains(&code.as_str()) {
                (
                    ErrorKind::Denied,
                    format!("AccessDenied on {action} in {region}{detail}"),
                )
            } else if BAD_CREDENTIALS.contains(&code.as_str()) {
                (
                    ErrorKind::Credentials,
                    format!(
                        "the credentials were refused ({code}) on {action} in {region}: {}",
                        login_hint(profile)
                    ),
                )
            } else if msg.to_ascii_lowercase().contains("token")
                && matches!(
                    code.as_str(),
                    "InvalidInputException" | "ValidationException" | "InvalidNextTokenException"
                )
            {
                (
                    ErrorKind::InvalidToken,
                    format!("{code} on {action} in {region}{detail}"),
                )
            } else if status < 300 {
                // A success status whose body did not parse (truncated, not JSON).
                (
                    ErrorKind::Transient,
                    format!("{action} in {region}: the response could not be read (HTTP {status})"),
                )
            } else if status >= 500 {
                (
                    ErrorKind::Transient,
                    format!(
                        "{action} in {region} failed with HTTP {status} ({}){detail}",
                        if code.is_empty() { "no code" } else { &code }
                    ),
                )
            } else {
                (
                    ErrorKind::Fatal,
                    format!(
                        "{action} in {region} failed with HTTP {status} ({}){detail}",
                        if code.is_empty() { "no code" } else { &code }
                    ),
                )
            };
            FetchError {
                kind,
                message,
                retry_after,
            }
        }
        SdkError::TimeoutError(_) => FetchError::new(ErrorKind::Transient, format!("{action} in {region} timed out")),
        SdkError::ResponseError(_) => FetchError::new(
            ErrorKind::Transient,
            format!(
                "{action} in {region}: the response could not be read ({})",
                DisplayErrorContext(&err)
            ),
        ),
        SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => FetchError::new(
            ErrorKind::Transient,
            format!("{action} in {region}: network error ({})", DisplayErrorContext(&err)),
        ),
        _ => {
            let text = DisplayErrorContext(&err).to_string();
            let lower = text.to_ascii_lowercase();
            if lower.contains("credential") || lower.contains("sso") || lower.contains("token") {
                let expired = lower.contains("expired");
                FetchError::new(
                    ErrorKind::Credentials,
                    format!(
                        "{} for {action} in {region}: {}",
                        if expired && lower.contains("sso") {
                            "SSO session expired"
                        } else {
                            "no usable AWS credentials"
                        },
                        login_hint(profile)
                    ),
                )
            } else if matches!(err, SdkError::DispatchFailure(_)) {
                FetchError::new(ErrorKind::Transient, format!("{action} in {region}: {text}"))
            } else {
                FetchError::new(ErrorKind::Fatal, format!("{action} in {region}: {text}"))
            }
        }
    }
}

/// Where a fetcher works (its target) and which profile's credentials it uses: what an
/// error message names.
pub(crate) struct Origin {
    pub target: SyncTarget,
    pub profile: Option<String>,
}

impl Origin {
    pub fn fail<E>(&self, e: SdkError<E, HttpResponse>, action: &str) -> FetchError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        classify(e, action, &self.target.region, self.profile.as_deref())
    }
}

/// A page token: AWS sends an empty string on some last pages.
pub(crate) fn token(t: Option<&str>) -> Option<String> {
    t.filter(|t| !t.is_empty()).map(str::to_string)
}
