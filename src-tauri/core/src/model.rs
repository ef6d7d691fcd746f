//! The one normalised `Finding` that every source (Security Hub, Inspector, Config, files
//! or live sync) is turned into, and the small enums it is made of.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a finding came from: the AWS service Rampart read it from (a GuardDuty finding
/// read through Security Hub has source `securityhub` and product `GuardDuty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Securityhub,
    Inspector,
    Config,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Securityhub, Source::Inspector, Source::Config];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Securityhub => "securityhub",
            Source::Inspector => "inspector",
            Source::Config => "config",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Severity label, as Security Hub defines it. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses a label in any letter case. Inspector's `UNTRIAGED` is treated as
    /// informational: it has not been scored yet.
    pub fn parse_label(s: &str) -> Option<Severity> {
        match s.to_ascii_uppercase().as_str() {
            "INFORMATIONAL" | "UNTRIAGED" => Some(Severity::Informational),
            "LOW" => Some(Severity::Low),
            "MEDIUM" => Some(Severity::Medium),
            "HIGH" => Some(Severity::High),
            "CRITICAL" => Some(Severity::Critical),
            _ => None,
        }
    }

    /// AWS's bands for the deprecated `Severity.Normalized` score (0–100).
    pub fn from_normalized(n: f64) -> Severity {
        if n < 1.0 {
            Severity::Informational
        } else if n < 40.0 {
            Severity::Low
        } else if n < 70.0 {
            Severity::Medium
        } else if n < 90.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }
}

/// Normalised compliance status. Findings that are not control checks (vulnerabilities,
/// threats) are `failed` while they are open and `passed` once resolved or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Failed,
    Passed,
    Warning,
    NotAvailable,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Failed, Status::Warning, Status::Passed, Status::NotAvailable];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "failed",
            Status::Passed => "passed",
            Status::Warning => "warning",
            Status::NotAvailable => "not_available",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Whether the source still considers the finding live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum RecordState {
    Active,
    Archived,
}

impl RecordState {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Active => "active",
            RecordState::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<RecordState> {
        match s.to_ascii_lowercase().as_str() {
            "active" => Some(RecordState::Active),
            "archived" => Some(RecordState::Archived),
            _ => None,
        }
    }
}

/// A resource a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Resource {
    /// AWS type, e.g. `AwsS3Bucket` (ASFF), `AWS_EC2_INSTANCE` (Inspector) or
    /// `AWS::S3::Bucket` (Config), kept as the source wrote it.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub region: Option<String>,
    /// Tags as key/value pairs, in the order the source gave them.
    pub tags: Vec<(String, String)>,
}

/// One known vulnerability carried by a finding (Inspector, or Inspector through Security Hub).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Vulnerability {
    /// CVE or vendor advisory id, e.g. `CVE-2024-3094`.
    pub id: String,
    pub package: Option<String>,
    pub installed_version: Option<String>,
    pub fixed_version: Option<String>,
    /// Highest CVSS base score given (any version).
    pub cvss: Option<f64>,
    pub fix_available: Option<bool>,
    pub exploit_available: Option<bool>,
}

/// A finding in Rampart's one normalised shape.
///
/// Timestamps are milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The source's own id (the ASFF `Id`, the Inspector finding ARN, or for a Config
    /// evaluation `config/<rule>/<resource type>/<resource id>` plus account and region
    /// when known).
    pub id: String,
    /// The product that reported it, as Security Hub names products (ASFF `ProductArn`,
    /// e.g. `arn:aws:securityhub:us-east-1::product/aws/securityhub`). A finding is
    /// `(product_arn, id)`, as AWS defines it: another product's finding with the same
    /// `id` is another finding. Inspector's own findings carry the ARN Security Hub gives
    /// Inspector in their Region, so one finding read from both channels is one finding.
    pub product_arn: String,
    pub source: Source,
    /// Product that produced it: `Security Hub`, `Inspector`, `Config`, `GuardDuty`, …
    pub product: String,
    pub account: String,
    /// The account's name where the finding carries one (ASFF `AwsAccountName`, OCSF
    /// `cloud.account.name`); AWS Organizations' name, when synced, takes precedence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    pub region: String,
    /// Security Hub control id (`S3.8`), or a legacy standard-specific control id.
    pub control_id: Option<String>,
    /// Standard a legacy (non-consolidated) control finding belongs to, e.g.
    /// `cis-aws-foundations-benchmark/v/1.2.0`.
    pub standard: Option<String>,
    pub config_rule: Option<String>,
    pub generator_id: Option<String>,
    /// ASFF `Types` (`namespace/category/classifier`) or Inspector's finding type.
    pub types: Vec<String>,
    /// The NIST SP 800-53 r5 controls AWS relates the finding's control to (from
    /// `Compliance.RelatedRequirements`, `NIST.800-53.r5 AC-3` → `AC-3`): how a control the
    /// catalog does not know is mapped by reference.
    pub related_nist: Vec<String>,
    /// Requirements a scanner declares its check evidences, as `framework:requirement` in
    /// the catalog's notation (Prowler's `unmapped.compliance`: HIPAA `164_308_a_1_ii_a` is
    /// `hipaa:164.308(a)(1)(ii)(A)`). Used only for a finding that names no Security Hub
    /// control.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub declared: Vec<String>,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub status: Status,
    pub record_state: RecordState,
    pub workflow_status: Option<String>,
    pub resources: Vec<Resource>,
    pub remediation_text: Option<String>,
    pub remediation_url: Option<String>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub first_observed_at: Option<i64>,
    pub last_observed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Set when a value outside the format's documented ones was read as the nearest one
    /// (what it was, and how it was read): the finding is kept, its raw JSON says what the
    /// source wrote, and the import report counts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lenient: Option<String>,
}
