//! Live sync: fetch → plan → apply.
//!
//! - **Plan** ([`plan`]): from a target's stored cursor, the queries of one run — a first
//!   sync asks for everything active plus what changed recently, later runs only for
//!   what changed since the watermark. Pure, so it is tested as data.
//! - **Fetch** ([`Fetcher`]): a source (Security Hub, Inspector, Config in one account
//!   and Region) runs one page of a query and hands back the page's JSON exactly as the
//!   service sent it. The AWS implementations live in the `rampart-aws` crate; this core
//!   knows no network code.
//! - **Apply** ([`engine`]): each page goes through the same importer, normaliser, store
//!   and history as a file import, in its own transaction together with the cursor, so a
//!   crash or a cancel keeps every page already fetched and the next run resumes there.
//!
//! The engine paces each API with its own token bucket ([`limit`]), retries throttling
//! and transient failures with capped, jittered backoff ([`retry`]), runs targets side by
//! side and reports progress as [`SyncEvent`]s.

pub mod engine;
pub mod limit;
pub mod retry;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::import::ImportOptions;
pub use crate::store::sync_state::{SourceStatus, SyncTarget};
use crate::time::DAY_MS;

/// A boxed future, so that sources can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What one query asks for. The live sources turn these into API calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuerySpec {
    /// Security Hub `GetFindings`: findings updated at or after `updated_since` (ms), and
    /// only those in `record_state` when given.
    SecurityHubFindings {
        updated_since: Option<i64>,
        record_state: Option<&'static str>,
    },
    /// Inspector `ListFindings`, updated at or after `updated_since` (ms).
    InspectorFindings { updated_since: Option<i64> },
    /// Inspector `ListCoverage`: every resource Inspector knows and whether it scans it.
    InspectorCoverage,
    /// Config `DescribeConformancePacks`: each page names the packs whose rules are
    /// then looked up, so that evaluations can say which pack they belong to.
    ConfigPacks,
    /// Config `DescribeConformancePackCompliance` for one pack: its rules.
    ConfigPackRules { pack: String },
    /// Config `DescribeComplianceByConfigRule`: the rules; each page names the rules
    /// whose evaluations are then fetched.
    ConfigRules,
    /// Config `GetComplianceDetailsByConfigRule` for one rule.
    ConfigRuleDetails { rule: String },
    /// Security Hub `ListSecurityControlDefinitions`: every control Security Hub runs,
    /// with its title, severity and remediation link.
    SecurityHubControlDefinitions,
    /// The new AWS Security Hub's `GetFindingsV2` (OCSF): findings modified at or after
    /// `updated_since` (ms; `finding_info.modified_time_dt`), oldest first. It keeps
    /// closed findings 14 days and active ones 90 days after their last update: what
    /// Rampart stores outlives that.
    SecurityHubFindingsV2 { updated_since: Option<i64> },
}

/// One query of a run, with a key that names it in the resume point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub key: String,
    pub spec: QuerySpec,
}

impl Query {
    /// A query whose refusal does not fail the target: what it reads only adds to the
    /// findings (control definitions; an older IAM policy or an emulator may lack it).
    pub fn optional(&self) -> bool {
        matches!(
            self.spec,
            QuerySpec::SecurityHubControlDefinitions | QuerySpec::SecurityHubFindingsV2 { .. }
        )
    }

    /// The API operation, as AWS names it, for messages.
    pub fn operation(&self) -> &'static str {
        match self.spec {
            QuerySpec::SecurityHubFindingsV2 { .. } => "securityhub:GetFindingsV2",
            _ => self.action(),
        }
    }

    /// What is missing when an optional query is refused.
    pub fn missing_when_refused(&self) -> &'static str {
        match self.spec {
            QuerySpec::SecurityHubFindingsV2 { .. } => {
                "the new Security Hub is not enabled here or not allowed: Security Hub CSPM's findings are stored"
            }
            _ => "the findings are stored, but a control the catalog does not know shows without Security Hub's title and severity",
        }
    }

    /// The IAM action the query calls, which is also the API whose quota paces it.
    pub fn action(&self) -> &'static str {
        match self.spec {
            // GetFindingsV2 is authorised by the same action, and paced with it.
            QuerySpec::SecurityHubFindings { .. } | QuerySpec::SecurityHubFindingsV2 { .. } => {
                "securityhub:GetFindings"
            }
            QuerySpec::InspectorFindings { .. } => "inspector2:ListFindings",
            QuerySpec::InspectorCoverage => "inspector2:ListCoverage",
            QuerySpec::ConfigPacks => "config:DescribeConformancePacks",
            QuerySpec::ConfigPackRules { .. } => "config:DescribeConformancePackCompliance",
            QuerySpec::ConfigRules => "config:DescribeComplianceByConfigRule",
            QuerySpec::ConfigRuleDetails { .. } => "config:GetComplianceDetailsByConfigRule",
            QuerySpec::SecurityHubControlDefinitions => "securityhub:ListSecurityControlDefinitions",
        }
    }
}

/// One page as fetched.
#[derive(Debug, Default)]
pub struct Page {
    /// The response body when it carries findings, in a shape the importer reads
    /// (`{"Findings": …}`, `{"findings": …}`, `{"coveredResources": …}`,
    /// `{"EvaluationResults": …}`). `None` for pages that only list (Config rules).
    pub body: Option<Vec<u8>>,
    /// Context the body lacks (account and Region for Config and coverage).
    pub options: ImportOptions,
    pub next_token: Option<String>,
    /// Queries this page calls for (a Config rule page names its rules).
    pub follow_up: Vec<Query>,
    /// Control definitions (`ListSecurityControlDefinitions`), stored as such.
    pub definitions: Vec<crate::store::definitions::ControlDefinition>,
    /// How many items the page held (findings, rules or resources).
    pub items: usize,
}

/// Why a request failed, sorted by what the engine does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Over the quota: wait and retry (more attempts than other failures).
    Throttled,
    /// Network failure, timeout, 5xx, or a response that is not valid JSON: retry.
    Transient,
    /// The page token was refused (expired or from another query): restart the query.
    InvalidToken,
    /// The credentials lack a permission, or the service is not enabled there.
    Denied,
    /// No credentials, or they expired (an SSO session, say).
    Credentials,
    /// Anything else: not retried.
    Fatal,
    /// The user cancelled the run.
    Cancelled,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Throttled => "throttled",
            ErrorKind::Transient => "transient",
            ErrorKind::InvalidToken => "invalid_token",
            ErrorKind::Denied => "denied",
            ErrorKind::Credentials => "credentials",
            ErrorKind::Fatal => "fatal",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

/// A failed request, in plain words (never carrying credentials).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FetchError {
    pub kind: ErrorKind,
    pub message: String,
    /// The service's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

impl FetchError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> FetchError {
        FetchError {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }
}

/// One source in one account and Region, able to fetch pages.
pub trait Fetcher: Send + Sync {
    fn target(&self) -> &SyncTarget;
    /// Runs one page of `query`, from `token` (`None`: the first page).
    fn fetch<'a>(&'a self, query: &'a Query, token: Option<&'a str>) -> BoxFuture<'a, Result<Page, FetchError>>;
}

/// How far back a first sync and each incremental one look.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    /// A first Security Hub sync takes every active finding plus the archived ones
    /// updated in this many days.
    pub first_sync_days: i64,
    /// Incremental runs ask from the watermark less this margin (clock skew between
    /// this machine and AWS, and findings whose update lands late).
    pub overlap_ms: i64,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            first_sync_days: 30,
            overlap_ms: 5 * 60 * 1000,
        }
    }
}

/// The queries of one run of `source` (`securityhub`, `inspector`, `config`).
pub fn plan(source: &str, watermark: Option<i64>, run_started: i64, opts: &PlanOptions) -> Vec<Query> {
    let since = watermark.map(|w| w - opts.overlap_ms);
    let q = |key: &str, spec| Query {
        key: key.to_string(),
        spec,
    };
    match source {
        "securityhub" => {
            let mut queries = match since {
                None => vec![
                    q(
                        "active",
                        QuerySpec::SecurityHubFindings {
                            updated_since: None,
                            record_state: Some("ACTIVE"),
                        },
                    ),
                    q(
                        "archived-recent",
                        QuerySpec::SecurityHubFindings {
                            updated_since: Some(run_started - opts.first_sync_days * DAY_MS),
                            record_state: Some("ARCHIVED"),
                        },
                    ),
                ],
                Some(s) => vec![q(
                    "updated",
                    QuerySpec::SecurityHubFindings {
                        updated_since: Some(s),
                        record_state: None,
                    },
                )],
            };
            // What Security Hub says of its controls: for those the catalog does not know.
            queries.push(q("control-definitions", QuerySpec::SecurityHubControlDefinitions));
            // The new Security Hub, where it is enabled: everything it holds the first time
            // (it keeps findings at most 90 days), then what changed. A check it shares with
            // CSPM joins the same finding (see store::findings).
            queries.push(q("v2", QuerySpec::SecurityHubFindingsV2 { updated_since: since }));
            queries
        }
        "inspector" => vec![
            q("findings", QuerySpec::InspectorFindings { updated_since: since }),
            q("coverage", QuerySpec::InspectorCoverage),
        ],
        "config" => vec![q("packs", QuerySpec::ConfigPacks), q("rules", QuerySpec::ConfigRules)],
        _ => Vec::new(),
    }
}

/// Progress of a run, streamed to the command line and the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    /// The run will sync these targets.
    Planned { targets: Vec<SyncTarget> },
    /// A target starts; `resumed` when it continues a run that stopped part-way.
    TargetStarted {
        target: SyncTarget,
        incremental: bool,
        resumed: bool,
    },
    /// A page was stored.
    Page {
        target: SyncTarget,
        query: String,
        page: u32,
        items: u32,
        new: u32,
        updated: u32,
        /// Findings stored for this target so far in the run.
        findings: u32,
    },
    /// A request failed and will be retried after `wait_ms`.
    Retry {
        target: SyncTarget,
        attempt: u32,
        #[ts(type = "number")]
        wait_ms: u64,
        reason: String,
    },
    /// A target is not synced on its own (a finding aggregator covers it, say).
    Skipped { target: SyncTarget, reason: String },
    /// Something the user should know that does not fail the target (an optional query
    /// was refused).
    Notice { target: SyncTarget, message: String },
    /// AWS Organizations was read for `account`'s organisation: `accounts` named and
    /// placed in `units` OUs; or, with `refused`, why it could not be (the sync goes on).
    Organization {
        account: String,
        accounts: u32,
        units: u32,
        refused: Option<String>,
    },
    TargetDone {
        target: SyncTarget,
        pages: u32,
        findings: u32,
        #[ts(type = "number")]
        elapsed_ms: u64,
    },
    TargetFailed {
        target: SyncTarget,
        error_kind: ErrorKind,
        message: String,
        pages: u32,
        findings: u32,
    },
    Finished {
        succeeded: u32,
        failed: u32,
        cancelled: bool,
        #[ts(type = "number")]
        elapsed_ms: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_security_hub_sync_takes_active_and_recently_archived() {
        let p = plan("securityhub", None, 100 * DAY_MS, &PlanOptions::default());
        assert_eq!(p.len(), 4);
        assert_eq!(p[2].spec, QuerySpec::SecurityHubControlDefinitions);
        assert!(p[2].optional() && !p[0].optional());
        // The new Security Hub: all it holds, and only where it is enabled.
        assert_eq!(p[3].spec, QuerySpec::SecurityHubFindingsV2 { updated_since: None });
        assert!(p[3].optional());
        assert_eq!(p[3].action(), "securityhub:GetFindings");
        assert_eq!(
            p[0].spec,
            QuerySpec::SecurityHubFindings {
                updated_since: None,
                record_state: Some("ACTIVE")
            }
        );
        assert_eq!(
            p[1].spec,
            QuerySpec::SecurityHubFindings {
                updated_since: Some(70 * DAY_MS),
                record_state: Some("ARCHIVED")
            }
        );
    }

    #[test]
    fn later_runs_ask_from_the_watermark_less_the_overlap() {
        let o = PlanOptions::default();
        let p = plan("securityhub", Some(1_000_000), 2_000_000, &o);
        assert_eq!(
            p,
            vec![
                Query {
                    key: "updated".into(),
                    spec: QuerySpec::SecurityHubFindings {
                        updated_since: Some(1_000_000 - o.overlap_ms),
                        record_state: None
                    }
                },
                Query {
                    key: "control-definitions".into(),
                    spec: QuerySpec::SecurityHubControlDefinitions
                },
                Query {
                    key: "v2".into(),
                    spec: QuerySpec::SecurityHubFindingsV2 {
                        updated_since: Some(1_000_000 - o.overlap_ms)
                    }
                }
            ]
        );
        let i = plan("inspector", Some(1_000_000), 2_000_000, &o);
        assert_eq!(
            i[0].spec,
            QuerySpec::InspectorFindings {
                updated_since: Some(1_000_000 - o.overlap_ms)
            }
        );
        assert_eq!(i[1].spec, QuerySpec::InspectorCoverage);
        assert_eq!(
            plan("config", None, 0, &o)
                .into_iter()
                .map(|q| q.spec)
                .collect::<Vec<_>>(),
            [QuerySpec::ConfigPacks, QuerySpec::ConfigRules]
        );
        assert!(plan("guardduty", None, 0, &o).is_empty());
    }

    #[test]
    fn every_query_names_the_action_the_policy_must_allow() {
        let o = PlanOptions::default();
        let actions: Vec<_> = ["securityhub", "inspector", "config"]
            .iter()
            .flat_map(|s| plan(s, None, 0, &o))
            .map(|q| q.action())
            .collect();
        assert_eq!(
            actions,
            [
                "securityhub:GetFindings",
                "securityhub:GetFindings",
                "securityhub:ListSecurityControlDefinitions",
                // GetFindingsV2 needs no action of its own.
                "securityhub:GetFindings",
                "inspector2:ListFindings",
                "inspector2:ListCoverage",
                "config:DescribeConformancePacks",
                "config:DescribeComplianceByConfigRule"
            ]
        );
    }
}
