//! The bundled demo workspace: 180 days of a small AWS estate (four accounts, three
//! Regions) whose posture improves with some regressions. It is generated as the AWS
//! export files a user would hand Rampart — Security Hub `get-findings` output (consolidated
//! and legacy CIS 1.2 control findings, IAM Access Analyzer findings), EventBridge events
//! (GuardDuty), Inspector v2 `list-findings` and Config evaluation results — and fed day by
//! day through the real import pipeline, so its history is exactly what imports record.
//!
//! Deterministic: the same seed and end day give the same workspace.

use crate::store::accounts::{OrgAccountEntry, OrgUnitEntry, Organization};
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::{json, Value};

use crate::import::ImportOptions;
use crate::ingest::{ImportFailure, ImportInput, ImportReport};
use crate::store::attestations::NewAttestation;
use crate::store::{Store, StoreError};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    /// The last day of the period (the demo's "today").
    pub end_day: NaiveDate,
    pub days: u32,
}

impl DemoSpec {
    pub fn new(end_day: NaiveDate) -> DemoSpec {
        DemoSpec {
            seed: 0x5eed_2026,
            end_day,
            days: 180,
        }
    }
}

/// One day's export files, in the order they are imported.
pub struct DemoDay {
    pub day: NaiveDate,
    /// Time (ms) the day's files are imported at.
    pub imported_at: i64,
    pub files: Vec<DemoFile>,
}

pub struct DemoFile {
    pub label: String,
    pub json: Vec<u8>,
    pub options: ImportOptions,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo import failed (a bug in the generator): {0}")]
    Import(#[from] ImportFailure),
    #[error("the database already holds findings; the demo needs an empty workspace")]
    NotEmpty,
}

/// Generates the demo and imports it into an empty `store`, one transaction per day.
/// Returns the reports of every file imported.
pub fn build(store: &mut Store, spec: &DemoSpec) -> Result<Vec<ImportReport>, DemoError> {
    let existing: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    if existing > 0 {
        return Err(DemoError::NotEmpty);
    }
    let mut reports = Vec::new();
    for day in generate(spec) {
        let at = day.imported_at;
        let inputs = day
            .files
            .into_iter()
            .map(|f| ImportInput::new(f.label, std::io::Cursor::new(f.json)).with_options(f.options))
            .collect();
        reports.extend(store.import(inputs, &|| at)?);
    }
    attest_demo(store, spec)?;
    store.save_organization(&organization(), day_ms(spec.end_day, 9, 0))?;
    store.set_meta("demo", "1")?;
    Ok(reports)
}

/// The demo company's organisation as a sync with AWS Organizations would save it: the
/// production and staging workloads under one OU, the security tooling under another.
fn organization() -> Organization {
    let unit = |id: &str, name: &str, parent: Option<&str>| OrgUnitEntry {
        id: id.into(),
        name: name.into(),
        parent_id: parent.map(Into::into),
    };
    let parent_of = |a: &Account| match a.env {
        "prod" => "ou-d3m0-prod0001",
        "staging" => "ou-d3m0-stag0001",
        _ => "ou-d3m0-secu0001",
    };
    Organization {
        units: vec![
            unit("r-d3m0", "Root", None),
            unit("ou-d3m0-work0001", "Workloads", Some("r-d3m0")),
            unit("ou-d3m0-prod0001", "Production", Some("ou-d3m0-work0001")),
            unit("ou-d3m0-stag0001", "Staging", Some("ou-d3m0-work0001")),
            unit("ou-d3m0-secu0001", "Security", Some("r-d3m0")),
        ],
        accounts: ACCOUNTS
            .iter()
            .map(|a| OrgAccountEntry {
                id: a.id.into(),
                name: a.name.into(),
                parent_id: parent_of(a).into(),
            })
            .collect(),
    }
}

/// (framework, requirement, by, statement, made on day, expires on day, evidence name and
/// SHA-256), with days relative to the demo's last day.
type DemoAttestation = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    Option<(&'static str, &'static str)>,
);

/// Attestations an officer of the demo company has made: some current, one lapsed, and
/// several requirements still waiting for one.
fn attest_demo(store: &mut Store, spec: &DemoSpec) -> Result<(), StoreError> {
    let day = |offset: i64| day_ms(spec.end_day + Duration::days(offset), 10, 0);
    let officer = "Dana Whitfield (Compliance Officer)";
    let ciso = "Priya Natarajan (CISO)";
    let list: &[DemoAttestation] = &[
        (
            "api12",
            "API-6",
            ciso,
            "Every public API is versioned in its path (/v1, /v2); a version is retired only after 180 days' notice to integrators, per the API lifecycle standard.",
            -120,
            Some(245),
            Some(("api-lifecycle-standard-v3.pdf", "4f1c0e7a9b2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6")),
        ),
        (
            "api12",
            "API-11",
            officer,
            "The shared responsibility matrix for every AWS service in use was reviewed with engineering leads; customer-side duties have named owners.",
            -30,
            Some(335),
            None,
        ),
        (
            "gdpr",
            "Art.24",
            officer,
            "The data protection policy and the controller's technical and organisational measures were approved by the board.",
            -200,
            Some(-10),
            Some(("board-minutes-2026-05.pdf", "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9")),
        ),
        (
            "hipaa",
            "164.308(a)(1)(ii)(A)",
            ciso,
            "The annual HIPAA risk analysis covering all AWS accounts that store or process ePHI was completed and approved.",
            -90,
            Some(275),
            Some(("hipaa-risk-analysis-2026.pdf", "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6")),
        ),
        (
            "hipaa",
            "164.316(a)",
            officer,
            "Security policies and procedures for the AWS environment are documented and approved.",
            -60,
            Some(305),
            None,
        ),
        (
            "hipaa",
            "164.316(b)(2)(i)",
            officer,
            "Security documentation is retained for six years from its creation or last effective date.",
            -400,
            Some(-35),
            None,
        ),
    ];
    for (fw, req, by, statement, at, expires, evidence) in list {
        store.attest(&NewAttestation {
            framework: fw.to_string(),
            requirement: req.to_string(),
            by: by.to_string(),
            statement: statement.to_string(),
            at: day(*at),
            expires_at: expires.map(day),
            evidence: evidence.map(|(n, h)| (n.to_string(), h.to_string())),
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Randomness: SplitMix64, so the demo does not depend on a crate's algorithm choices.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }
    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }
}

// ---------------------------------------------------------------------------------------
// The estate.

struct Account {
    id: &'static str,
    name: &'static str,
    env: &'static str,
    regions: &'static [&'static str],
    teams: &'static [&'static str],
}

const ACCOUNTS: &[Account] = &[
    Account {
        id: "111122223333",
        name: "payments-prod",
        env: "prod",
        regions: &["us-east-1", "eu-west-1"],
        teams: &["payments", "ledger", "checkout"],
    },
    Account {
        id: "444455556666",
        name: "api-platform-prod",
        env: "prod",
        regions: &["us-east-1", "eu-central-1"],
        teams: &["api-gateway", "identity", "partners"],
    },
    Account {
        id: "777788889999",
        name: "shared-staging",
        env: "staging",
        regions: &["eu-west-1"],
        teams: &["platform", "qa"],
    },
    Account {
        id: "210987654321",
        name: "security-tooling",
        env: "tooling",
        regions: &["us-east-1"],
        teams: &["security"],
    },
];

/// Services most estates use; controls for other services apply less often.
const COMMON_SERVICES: &[&str] = &[
    "Account",
    "ACM",
    "APIGateway",
    "CloudFront",
    "CloudTrail",
    "CloudWatch",
    "Backup",
    "CodeBuild",
    "Cognito",
    "Config",
    "DocumentDB",
    "DynamoDB",
    "EC2",
    "ECR",
    "ECS",
    "EKS",
    "ELB",
    "GuardDuty",
    "IAM",
    "Inspector",
    "KMS",
    "Lambda",
    "MSK",
    "RDS",
    "S3",
    "SecretsManager",
    "SNS",
    "SQS",
    "SSM",
    "Transfer",
    "WAF",
];

struct Control {
    id: String,
    severity: &'static str,
    resource_type: String,
    rule: String,
    title: String,
}

/// The controls the demo's findings are about: every control of the built-in catalog that
/// AWS runs today (not the retired ones), so the demo's ids, titles, severities and Config
/// rules are the catalog's.
fn controls() -> Vec<Control> {
    let catalog = match crate::catalog::Catalog::builtin() {
        Ok(c) => c,
        // The catalog is validated by its own tests; an invalid one yields a demo without
        // control findings rather than a panic.
        Err(_) => return Vec::new(),
    };
    catalog
        .controls
        .values()
        .filter(|c| c.retired.is_none())
        .map(|c| Control {
            id: c.id.clone(),
            severity: c.severity.as_str(),
            resource_type: c
                .resource_types
                .first()
                .cloned()
                .unwrap_or_else(|| "AWS::::Account".to_string()),
            rule: c.config_rule.clone().unwrap_or_default(),
            title: c.title.clone(),
        })
        .collect()
}

/// CIS AWS Foundations Benchmark 1.2 rules reported in the legacy (non-consolidated)
/// layout by the staging account: rule id, severity, resource type, title.
const CIS12: &[(&str, &str, &str, &str)] = &[
    (
        "1.10",
        "LOW",
        "AWS::::Account",
        "1.10 Ensure IAM password policy prevents password reuse",
    ),
    (
        "1.14",
        "CRITICAL",
        "AWS::::Account",
        "1.14 Ensure hardware MFA is enabled for the \"root\" account",
    ),
    (
        "2.1",
        "HIGH",
        "AWS::CloudTrail::Trail",
        "2.1 Ensure CloudTrail is enabled in all regions",
    ),
    (
        "2.7",
        "MEDIUM",
        "AWS::CloudTrail::Trail",
        "2.7 Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
    ),
    (
        "3.3",
        "LOW",
        "AWS::::Account",
        "3.3 Ensure a log metric filter and alarm exist for usage of \"root\" account",
    ),
    (
        "4.1",
        "HIGH",
        "AWS::EC2::SecurityGroup",
        "4.1 Ensure no security groups allow ingress from 0.0.0.0/0 to port 22",
    ),
];

/// Managed Config rules evaluated outside Security Hub: rule, resource type, annotation.
const CONFIG_RULES: &[(&str, &str, &str)] = &[
    (
        "required-tags",
        "AWS::EC2::Instance",
        "The resource is missing the required tag DataClassification.",
    ),
    (
        "s3-bucket-versioning-enabled",
        "AWS::S3::Bucket",
        "Versioning is not enabled on the bucket.",
    ),
    (
        "api-gw-endpoint-type-check",
        "AWS::ApiGateway::RestApi",
        "The REST API uses an endpoint type that is not allowed.",
    ),
    (
        "dynamodb-pitr-enabled",
        "AWS::DynamoDB::Table",
        "Point-in-time recovery is not enabled.",
    ),
    (
        "ec2-instance-no-public-ip",
        "AWS::EC2::Instance",
        "The instance has a public IP address.",
    ),
    (
        "cloudwatch-alarm-action-check",
        "AWS::CloudWatch::Alarm",
        "The alarm has no action for the ALARM state.",
    ),
    (
        "backup-plan-min-frequency-and-min-retention-check",
        "AWS::Backup::BackupPlan",
        "The backup plan keeps recovery points for fewer than 35 days.",
    ),
    (
        "db-instance-backup-enabled",
        "AWS::RDS::DBInstance",
        "Automated backups are disabled.",
    ),
];

/// Known package vulnerabilities: CVE, package, installed version, fixed version, CVSS, exploit known.
const CVES: &[(&str, &str, &str, &str, f64, bool)] = &[
    ("CVE-2024-3094", "xz-libs", "5.6.0-1", "5.6.1-2", 10.0, true),
    ("CVE-2024-6387", "openssh-server", "8.7p1-38", "8.7p1-43", 8.1, true),
    ("CVE-2023-44487", "nghttp2", "1.51.0-1", "1.57.0-1", 7.5, true),
    ("CVE-2023-4863", "libwebp", "1.2.4-1", "1.2.4-3", 8.8, true),
    ("CVE-2021-44228", "log4j-core", "2.14.1", "2.17.1", 10.0, true),
    ("CVE-2022-22965", "spring-beans", "5.3.17", "5.3.18", 9.8, true),
    ("CVE-2023-38545", "curl", "7.88.1-10", "8.4.0-1", 9.8, false),
    ("CVE-2024-21626", "runc", "1.1.9-1", "1.1.12-1", 8.6, true),
    ("CVE-2023-4911", "glibc", "2.34-60", "2.34-83", 7.8, true),
    ("CVE-2024-2961", "glibc", "2.34-83", "2.34-100", 8.8, false),
    ("CVE-2023-5363", "openssl-libs", "3.0.7-20", "3.0.7-25", 7.5, false),
    ("CVE-2024-0727", "openssl-libs", "3.0.7-25", "3.0.8-1", 5.5, false),
    ("CVE-2023-32681", "requests", "2.28.1", "2.31.0", 6.1, false),
    ("CVE-2024-35195", "requests", "2.31.0", "2.32.0", 5.6, false),
    ("CVE-2023-43804", "urllib3", "1.26.15", "1.26.17", 8.1, false),
    ("CVE-2024-37891", "urllib3", "1.26.17", "1.26.19", 4.4, false),
    ("CVE-2022-25883", "semver", "7.3.7", "7.5.2", 7.5, false),
    ("CVE-2024-4068", "braces", "3.0.2", "3.0.3", 7.5, false),
    ("CVE-2023-26136", "tough-cookie", "4.0.0", "4.1.3", 6.5, false),
    ("CVE-2024-29041", "express", "4.18.2", "4.19.2", 6.1, false),
    ("CVE-2022-24999", "qs", "6.10.3", "6.10.5", 7.5, false),
    ("CVE-2024-28849", "follow-redirects", "1.15.5", "1.15.6", 6.5, false),
    ("CVE-2023-45857", "axios", "1.5.1", "1.6.0", 6.5, false),
    ("CVE-2024-45337", "golang.org/x/crypto", "0.29.0", "0.31.0", 9.1, false),
    ("CVE-2024-24790", "stdlib", "1.21.10", "1.21.11", 9.8, false),
    ("CVE-2022-42889", "commons-text", "1.9", "1.10.0", 9.8, true),
    ("CVE-2023-45853", "zlib", "1.2.13-1", "1.2.13-5", 9.8, false),
    ("CVE-2022-0778", "openssl", "1.1.1k-5", "1.1.1k-6", 7.5, true),
];

/// GuardDuty finding types that show up now and then, with severity and title.
const THREATS: &[(&str, &str, &str)] = &[
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "HIGH",
        "Credentials for an EC2 instance role were used from an external IP address.",
    ),
    (
        "Recon:EC2/PortProbeUnprotectedPort",
        "LOW",
        "An unprotected port on an EC2 instance is being probed.",
    ),
    (
        "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        "HIGH",
        "An EC2 instance is querying a domain associated with cryptocurrency mining.",
    ),
    (
        "Policy:IAMUser/RootCredentialUsage",
        "LOW",
        "The root user's credentials were used to call an API.",
    ),
    (
        "UnauthorizedAccess:EC2/SSHBruteForce",
        "LOW",
        "An EC2 instance is the target of SSH brute-force attempts.",
    ),
];

// ---------------------------------------------------------------------------------------
// Checks: one (thing evaluated, resource) pair whose state moves over the days.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Consolidated Security Hub control finding (index into controls()).
    Control(usize),
    /// Legacy CIS 1.2 control finding (index into CIS12).
    Legacy(usize),
    /// Inspector package vulnerability (index into CVES).
    Vuln(usize),
    /// Config evaluation (index into CONFIG_RULES).
    Rule(usize),
    /// GuardDuty finding through Security Hub, delivered as an EventBridge event.
    Threat(usize),
    /// IAM Access Analyzer external-access finding through Security Hub.
    External,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Failed,
    Passed,
    NotAvailable,
    /// The resource is gone: the finding is archived and no longer evaluated.
    Gone,
}

struct Check {
    kind: Kind,
    account: usize,
    region: &'static str,
    resource_type: String,
    resource_id: String,
    tags: Vec<(String, String)>,
    finding_id: String,
    state: State,
    /// Day index the finding was first seen.
    born: u32,
    /// How stubborn the failure is (larger: fixed later).
    stubborn: f64,
    changed_today: bool,
}

fn asff_type(config_type: &str) -> String {
    // AWS::EC2::SecurityGroup → AwsEc2SecurityGroup; AWS::::Account → AwsAccount.
    let mut out = String::from("Aws");
    for seg in config_type
        .trim_start_matches("AWS::")
        .split("::")
        .filter(|s| !s.is_empty())
    {
        let all_caps = seg.chars().all(|c| !c.is_ascii_lowercase());
        if all_caps {
            let mut cs = seg.chars();
            if let Some(first) = cs.next() {
                out.push(first);
                out.extend(cs.map(|c| c.to_ascii_lowercase()));
            }
        } else {
            out.push_str(seg);
        }
    }
    out
}

const NAMES: &[&str] = &[
    "payments",
    "ledger",
    "checkout",
    "orders",
    "auth",
    "customer-data",
    "reporting",
    "audit-logs",
    "partner-api",
    "notifications",
    "billing",
    "search",
    "profiles",
    "settlement",
    "fraud-scoring",
];

fn resource_for(rtype: &str, acct: &str, region: &str, rng: &mut Rng) -> String {
    let name = format!("{}-{}", rng.pick(NAMES), rng.hex(4));
    match rtype {
        "AWS::::Account" => format!("AWS::::Account:{acct}"),
        "AWS::S3::Bucket" => format!("arn:aws:s3:::{name}-{acct}"),
        "AWS::S3::Account" => format!("AWS::::Account:{acct}"),
        "AWS::IAM::User" => {
            let people = [
                "a.chen",
                "m.okafor",
                "j.silva",
                "r.novak",
                "deploy-bot",
                "ci-runner",
                "legacy-etl",
            ];
            format!("arn:aws:iam::{acct}:user/{}", rng.pick(&people))
        }
        "AWS::IAM::Policy" => format!("arn:aws:iam::{acct}:policy/{name}-access"),
        "AWS::IAM::Role" => format!("arn:aws:iam::{acct}:role/{name}-role"),
        "AWS::EC2::Instance" => format!("arn:aws:ec2:{region}:{acct}:instance/i-0{}", rng.hex(16)),
        "AWS::EC2::SecurityGroup" => format!("arn:aws:ec2:{region}:{acct}:security-group/sg-0{}", rng.hex(16)),
        "AWS::EC2::VPC" => format!("arn:aws:ec2:{region}:{acct}:vpc/vpc-0{}", rng.hex(16)),
        "AWS::EC2::Volume" => format!("arn:aws:ec2:{region}:{acct}:volume/vol-0{}", rng.hex(16)),
        "AWS::EC2::Subnet" => format!("arn:aws:ec2:{region}:{acct}:subnet/subnet-0{}", rng.hex(16)),
        "AWS::Lambda::Function" => format!("arn:aws:lambda:{region}:{acct}:function:{name}"),
        "AWS::ApiGateway::Stage" => {
            format!(
                "arn:aws:apigateway:{region}::/restapis/{}/stages/{}",
                rng.hex(10),
                rng.pick(&["prod", "v1", "v2"])
            )
        }
        "AWS::ApiGatewayV2::Stage" => format!("arn:aws:apigateway:{region}::/apis/{}/stages/$default", rng.hex(10)),
        "AWS::ApiGateway::RestApi" => rng.hex(10),
        "AWS::KMS::Key" => format!("arn:aws:kms:{region}:{acct}:key/{}", rng.uuid()),
        "AWS::SecretsManager::Secret" => {
            format!("arn:aws:secretsmanager:{region}:{acct}:secret:{name}/db-{}", rng.hex(6))
        }
        "AWS::RDS::DBInstance" => format!("arn:aws:rds:{region}:{acct}:db:{name}-db"),
        "AWS::RDS::DBCluster" => format!("arn:aws:rds:{region}:{acct}:cluster:{name}-cluster"),
        "AWS::CloudTrail::Trail" => format!("arn:aws:cloudtrail:{region}:{acct}:trail/org-trail"),
        "AWS::DynamoDB::Table" => format!("arn:aws:dynamodb:{region}:{acct}:table/{name}"),
        "AWS::CloudFront::Distribution" => format!(
            "arn:aws:cloudfront::{acct}:distribution/E{}",
            rng.hex(12).to_uppercase()
        ),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            format!(
                "arn:aws:elasticloadbalancing:{region}:{acct}:loadbalancer/app/{name}/{}",
                rng.hex(16)
            )
        }
        "AWS::ECR::Repository" => format!("arn:aws:ecr:{region}:{acct}:repository/{name}"),
        _ => {
            let mut parts = rtype.trim_start_matches("AWS::").split("::");
            let service = parts.next().unwrap_or("service").to_ascii_lowercase();
            let kind = parts.next().unwrap_or("resource").to_ascii_lowercase();
            format!("arn:aws:{service}:{region}:{acct}:{kind}/{name}")
        }
    }
}

fn tags_for(account: &Account, rng: &mut Rng) -> Vec<(String, String)> {
    if rng.chance(0.15) {
        return Vec::new(); // untagged: as in real estates
    }
    let mut t = vec![
        ("Environment".to_string(), account.env.to_string()),
        ("Owner".to_string(), format!("team-{}", rng.pick(account.teams))),
    ];
    if rng.chance(0.6) {
        let class = *rng.pick(&["confidential", "internal", "phi", "pci"]);
        t.push(("DataClassification".to_string(), class.to_string()));
    }
    t
}

fn is_global(rtype: &str) -> bool {
    rtype.starts_with("AWS::IAM::")
        || rtype == "AWS::::Account"
        || rtype.starts_with("AWS::CloudFront::")
        || rtype == "AWS::S3::Account"
}

struct World {
    controls: Vec<Control>,
    checks: Vec<Check>,
    rng: Rng,
}

impl World {
    fn new(seed: u64) -> World {
        World {
            controls: controls(),
            checks: Vec::new(),
            rng: Rng(seed),
        }
    }

    fn add(&mut self, kind: Kind, account: usize, region: &'static str, rtype: &str, born: u32, failing_p: f64) {
        let acct = &ACCOUNTS[account];
        let rng = &mut self.rng;
        let resource_id = resource_for(rtype, acct.id, region, rng);
        let tags = if rtype == "AWS::::Account" {
            Vec::new()
        } else {
            tags_for(acct, rng)
        };
        let finding_id = match kind {
            Kind::Control(c) => format!(
                "arn:aws:securityhub:{region}:{}:security-control/{}/finding/{}",
                acct.id,
                self.controls[c].id,
                rng.uuid()
            ),
            Kind::Legacy(i) => format!(
                "arn:aws:securityhub:{region}:{}:subscription/cis-aws-foundations-benchmark/v/1.2.0/{}/finding/{}",
                acct.id,
                CIS12[i].0,
                rng.uuid()
            ),
            Kind::Vuln(_) => format!("arn:aws:inspector2:{region}:{}:finding/{}", acct.id, rng.hex(32)),
            Kind::Threat(_) => format!(
                "arn:aws:guardduty:{region}:{}:detector/{}/finding/{}",
                acct.id,
                rng.hex(32),
                rng.hex(32)
            ),
            Kind::External => format!(
                "arn:aws:access-analyzer:{region}:{}:analyzer/org-analyzer/arn:aws:access-analyzer:{region}:{}:finding/{}",
                acct.id,
                acct.id,
                rng.uuid()
            ),
            Kind::Rule(_) => String::new(), // Config evaluations get their id from the importer
        };
        let r = rng.unit();
        let state = if r < failing_p {
            State::Failed
        } else if r < failing_p + 0.02 && matches!(kind, Kind::Control(_)) {
            State::NotAvailable
        } else {
            State::Passed
        };
        let stubborn = rng.unit();
        self.checks.push(Check {
            kind,
            account,
            region,
            resource_type: rtype.to_string(),
            resource_id,
            tags,
            finding_id,
            state,
            born,
            stubborn,
            changed_today: true,
        });
    }

    /// The estate on day 0.
    fn populate(&mut self) {
        for (a, acct) in ACCOUNTS.iter().enumerate() {
            for (ri, region) in acct.regions.iter().enumerate() {
                for c in 0..self.controls.len() {
                    let ctl = &self.controls[c];
                    let service = ctl.id.split('.').next().unwrap_or("");
                    if is_global(&ctl.resource_type) && ri > 0 {
                        continue;
                    }
                    let p_applies = if COMMON_SERVICES.contains(&service) { 0.85 } else { 0.2 };
                    if !self.rng.chance(p_applies) {
                        continue;
                    }
                    let n = if ctl.resource_type == "AWS::::Account" || ctl.resource_type == "AWS::CloudTrail::Trail" {
                        1
                    } else {
                        1 + self.rng.below(if acct.env == "prod" { 3 } else { 2 })
                    };
                    let rtype = ctl.resource_type.clone();
                    let p_fail = match ctl.severity {
                        "CRITICAL" => 0.30,
                        "HIGH" => 0.40,
                        _ => 0.45,
                    };
                    for _ in 0..n {
                        self.add(Kind::Control(c), a, region, &rtype, 0, p_fail);
                    }
                }
                if acct.id == "777788889999" {
                    for (i, cis) in CIS12.iter().enumerate() {
                        self.add(Kind::Legacy(i), a, region, cis.2, 0, 0.6);
                    }
                }
                for (i, rule) in CONFIG_RULES.iter().enumerate() {
                    for _ in 0..(1 + self.rng.below(4)) {
                        self.add(Kind::Rule(i), a, region, rule.1, 0, 0.4);
                    }
                }
                if acct.env != "tooling" {
                    for _ in 0..(6 + self.rng.below(6)) {
                        let v = self.rng.below(CVES.len());
                        let rtype =
                            *self
                                .rng
                                .pick(&["AWS_EC2_INSTANCE", "AWS_ECR_CONTAINER_IMAGE", "AWS_LAMBDA_FUNCTION"]);
                        self.add(Kind::Vuln(v), a, region, rtype, 0, 1.0);
                    }
                }
            }
            self.add(Kind::External, a, acct.regions[0], "AWS::S3::Bucket", 0, 1.0);
        }
    }

    /// Moves the estate one day forward.
    fn step(&mut self, day: u32, days: u32) {
        let progress = day as f64 / days as f64;
        for ch in &mut self.checks {
            ch.changed_today = false;
        }
        let n = self.checks.len();
        for i in 0..n {
            let r = self.rng.unit();
            let ch = &mut self.checks[i];
            if ch.state == State::Gone {
                continue;
            }
            let severity_boost = match ch.kind {
                Kind::Control(_) | Kind::Legacy(_) => 1.0,
                Kind::Vuln(_) => 1.3,
                Kind::Threat(_) => 12.0,
                Kind::External => 0.3,
                Kind::Rule(_) => 1.0,
            };
            let next = match ch.state {
                // A remediation programme that gathers pace; stubborn failures lag.
                State::Failed if r < (0.003 + 0.03 * progress) * severity_boost * (1.25 - ch.stubborn) => State::Passed,
                State::Passed
                    if matches!(ch.kind, Kind::Control(_) | Kind::Rule(_) | Kind::Legacy(_)) && r > 0.9982 =>
                {
                    State::Failed // regression
                }
                State::Passed if matches!(ch.kind, Kind::Vuln(_) | Kind::Threat(_)) => State::Gone,
                State::NotAvailable if r < 0.01 => State::Failed,
                s if r > 0.99985 => {
                    let _ = s;
                    State::Gone // the resource was deleted
                }
                s => s,
            };
            if next != ch.state {
                ch.state = next;
                ch.changed_today = true;
            }
        }
        // New resources and new discoveries.
        for (a, acct) in ACCOUNTS.iter().enumerate() {
            let region = acct.regions[self.rng.below(acct.regions.len())];
            if self.rng.chance(0.25) {
                let c = self.rng.below(self.controls.len());
                let rtype = self.controls[c].resource_type.clone();
                if !is_global(&rtype) || region == acct.regions[0] {
                    self.add(Kind::Control(c), a, region, &rtype, day, 0.35);
                }
            }
            if acct.env != "tooling" && self.rng.chance(0.45) {
                let v = self.rng.below(CVES.len());
                let rtype = *self
                    .rng
                    .pick(&["AWS_EC2_INSTANCE", "AWS_ECR_CONTAINER_IMAGE", "AWS_LAMBDA_FUNCTION"]);
                self.add(Kind::Vuln(v), a, region, rtype, day, 1.0);
            }
            if self.rng.chance(0.03) {
                let t = self.rng.below(THREATS.len());
                self.add(Kind::Threat(t), a, region, "AWS::EC2::Instance", day, 1.0);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rendering checks as AWS export JSON.

fn iso_z(ms: i64) -> String {
    crate::time::format_ts(ms)
}

/// The AWS CLI's timestamp style: microseconds and `+00:00`.
fn iso_cli(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string(),
        None => ms.to_string(),
    }
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Object(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn normalized(sev: &str) -> u32 {
    match sev {
        "CRITICAL" => 90,
        "HIGH" => 70,
        "MEDIUM" => 40,
        "LOW" => 1,
        _ => 0,
    }
}

fn cvss_severity(score: f64) -> &'static str {
    if score >= 9.0 {
        "CRITICAL"
    } else if score >= 7.0 {
        "HIGH"
    } else if score >= 4.0 {
        "MEDIUM"
    } else {
        "LOW"
    }
}

fn compliance_status(s: State) -> &'static str {
    match s {
        State::Failed => "FAILED",
        State::NotAvailable => "NOT_AVAILABLE",
        State::Passed | State::Gone => "PASSED",
    }
}

impl World {
    fn asff(&self, ch: &Check, born_ms: i64, now_ms: i64) -> Value {
        let acct = &ACCOUNTS[ch.account];
        let region = ch.region;
        let gone = ch.state == State::Gone;
        let workflow = if matches!(ch.state, State::Passed | State::Gone) {
            "RESOLVED"
        } else {
            "NEW"
        };
        let record = if gone { "ARCHIVED" } else { "ACTIVE" };
        let resource = json!([{
            "Type": asff_type(&ch.resource_type),
            "Id": ch.resource_id,
            "Partition": "aws",
            "Region": region,
            "Tags": tags_json(&ch.tags),
        }]);
        let mut v = json!({
            "SchemaVersion": "2018-10-08",
            "Id": ch.finding_id,
            "AwsAccountId": acct.id,
            "AwsAccountName": acct.name,
            "Region": region,
            "CreatedAt": iso_z(born_ms),
            "FirstObservedAt": iso_z(born_ms),
            "LastObservedAt": iso_z(now_ms),
            "UpdatedAt": iso_z(now_ms),
            "Resources": resource,
            "RecordState": record,
            "Workflow": { "Status": workflow },
            "WorkflowState": "NEW",
        });
        let obj = v.as_object_mut().expect("json! object");
        let mut put = |k: &str, val: Value| {
            obj.insert(k.to_string(), val);
        };
        match ch.kind {
            Kind::Control(c) => {
                let ctl = &self.controls[c];
                put(
                    "ProductArn",
                    json!(format!("arn:aws:securityhub:{region}::product/aws/securityhub")),
                );
                put("ProductName", json!("Security Hub"));
                put("CompanyName", json!("AWS"));
                put("GeneratorId", json!(format!("security-control/{}", ctl.id)));
                put(
                    "Types",
                    json!(["Software and Configuration Checks/Industry and Regulatory Standards"]),
                );
                put("Title", json!(ctl.title));
                put(
                    "Description",
                    json!(format!("This control checks: {}.", ctl.title.to_lowercase())),
                );
                put(
                    "Severity",
                    json!({ "Label": ctl.severity, "Normalized": normalized(ctl.severity), "Original": ctl.severity }),
                );
                put(
                    "Compliance",
                    json!({
                        "Status": compliance_status(ch.state),
                        "SecurityControlId": ctl.id,
                        "AssociatedStandards": [{ "StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0" }],
                    }),
                );
                put(
                    "Remediation",
                    json!({ "Recommendation": {
                        "Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
                        "Url": format!("https://docs.aws.amazon.com/console/securityhub/{}/remediation", ctl.id),
                    }}),
                );
                let mut pf = serde_json::Map::new();
                if !ctl.rule.is_empty() {
                    let suffix: String = ch.finding_id.chars().rev().take(6).collect();
                    pf.insert(
                        "RelatedAWSResources:0/name".into(),
                        json!(format!("securityhub-{}-{suffix}", ctl.rule)),
                    );
                    pf.insert("RelatedAWSResources:0/type".into(), json!("AWS::Config::ConfigRule"));
                }
                pf.insert("aws/securityhub/ProductName".into(), json!("Security Hub"));
                pf.insert("aws/securityhub/CompanyName".into(), json!("AWS"));
                pf.insert("aws/securityhub/FindingId".into(), json!(ch.finding_id));
                put("ProductFields", Value::Object(pf));
            }
            Kind::Legacy(i) => {
                let (rule, sev, _, title) = CIS12[i];
                let guide = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0";
                put(
                    "ProductArn",
                    json!(format!("arn:aws:securityhub:{region}::product/aws/securityhub")),
                );
                put("ProductName", json!("Security Hub"));
                put("CompanyName", json!("AWS"));
                put("GeneratorId", json!(format!("{guide}/rule/{rule}")));
                put("Types", json!(["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"]));
                put("Title", json!(title));
                put(
                    "Description",
                    json!(format!("CIS AWS Foundations Benchmark v1.2.0 recommendation {rule}.")),
                );
                put(
                    "Severity",
                    json!({ "Label": sev, "Normalized": normalized(sev), "Original": sev }),
                );
                put("Compliance", json!({ "Status": compliance_status(ch.state) }));
                put(
                    "ProductFields",
                    json!({
                        "StandardsGuideArn": guide,
                        "StandardsGuideSubscriptionArn": format!("arn:aws:securityhub:{region}:{}:subscription/cis-aws-foundations-benchmark/v/1.2.0", acct.id),
                        "RuleId": rule,
                        "RecommendationUrl": "https://docs.aws.amazon.com/console/securityhub/standards-cis-1.2.0/remediation",
                        "aws/securityhub/ProductName": "Security Hub",
                    }),
                );
            }
            Kind::Threat(t) => {
                let (ty, sev, title) = THREATS[t];
                put(
                    "ProductArn",
                    json!(format!("arn:aws:securityhub:{region}::product/aws/guardduty")),
                );
                put("ProductName", json!("GuardDuty"));
                put("CompanyName", json!("Amazon"));
                put(
                    "GeneratorId",
                    json!(format!(
                        "arn:aws:guardduty:{region}:{}:detector/{}",
                        acct.id,
                        &ch.finding_id[ch.finding_id.len() - 32..]
                    )),
                );
                put("Types", json!([format!("TTPs/{}", ty.replace('/', "-"))]));
                put("Title", json!(title));
                put("Description", json!(format!("GuardDuty reported {ty}.")));
                put(
                    "Severity",
                    json!({ "Label": sev, "Normalized": normalized(sev), "Product": if sev == "HIGH" { 8 } else { 2 } }),
                );
                put(
                    "ProductFields",
                    json!({ "aws/guardduty/service/action/actionType": "AWS_API_CALL", "aws/securityhub/ProductName": "GuardDuty" }),
                );
            }
            Kind::External => {
                put(
                    "ProductArn",
                    json!(format!("arn:aws:securityhub:{region}::product/aws/access-analyzer")),
                );
                put("ProductName", json!("IAM Access Analyzer"));
                put("CompanyName", json!("AWS"));
                put("GeneratorId", json!(format!("aws/access-analyzer/{}", acct.id)));
                put(
                    "Types",
                    json!(["Software and Configuration Checks/AWS Security Best Practices/External Access Granted"]),
                );
                put(
                    "Title",
                    json!(format!("AwsS3Bucket/{} allows cross-account access", ch.resource_id)),
                );
                put("Description", json!("The bucket policy grants s3:GetObject to principal arn:aws:iam::999988887777:root outside the organization."));
                put("Severity", json!({ "Label": "LOW", "Normalized": 1 }));
            }
            // Rendered by `inspector` and `config`.
            Kind::Vuln(_) | Kind::Rule(_) => {}
        }
        v
    }

    fn inspector(&self, ch: &Check, i: usize, born_ms: i64, now_ms: i64) -> Value {
        let (cve, pkg, ver, fixed, cvss, exploit) = CVES[i];
        let acct = &ACCOUNTS[ch.account];
        let status = if ch.state == State::Failed { "ACTIVE" } else { "CLOSED" };
        let (rid, details) = match ch.resource_type.as_str() {
            "AWS_EC2_INSTANCE" => {
                let id = ch.resource_id.rsplit('/').next().unwrap_or(&ch.resource_id).to_string();
                (
                    id,
                    json!({ "awsEc2Instance": { "platform": "AMAZON_LINUX_2023", "type": "m6i.large" } }),
                )
            }
            "AWS_ECR_CONTAINER_IMAGE" => (
                format!(
                    "arn:aws:ecr:{}:{}:repository/{}/sha256:{}",
                    ch.region,
                    acct.id,
                    pkg.replace('/', "-"),
                    &ch.finding_id[ch.finding_id.len() - 32..]
                ),
                json!({ "awsEcrContainerImage": { "repositoryName": pkg, "imageTags": ["latest"], "platform": "linux/amd64" } }),
            ),
            _ => (
                format!(
                    "arn:aws:lambda:{}:{}:function:{}-handler",
                    ch.region,
                    acct.id,
                    pkg.replace(['/', '.'], "-")
                ),
                json!({ "awsLambdaFunction": { "runtime": "PYTHON_3_11" } }),
            ),
        };
        json!({
            "findingArn": ch.finding_id,
            "awsAccountId": acct.id,
            "type": "PACKAGE_VULNERABILITY",
            "title": format!("{cve} - {pkg}"),
            "description": format!("{pkg} {ver} is affected by {cve}. A fixed version is available."),
            "severity": cvss_severity(cvss),
            "status": status,
            "inspectorScore": cvss,
            "firstObservedAt": iso_cli(born_ms),
            "lastObservedAt": iso_cli(now_ms),
            "updatedAt": iso_cli(now_ms),
            "resources": [{
                "type": ch.resource_type,
                "id": rid,
                "partition": "aws",
                "region": ch.region,
                "tags": tags_json(&ch.tags),
                "details": details,
            }],
            "remediation": { "recommendation": { "text": format!("Upgrade {pkg} to version {fixed} or later.") } },
            "packageVulnerabilityDetails": {
                "vulnerabilityId": cve,
                "source": "NVD",
                "sourceUrl": format!("https://nvd.nist.gov/vuln/detail/{cve}"),
                "cvss": [{ "baseScore": cvss, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "version": "3.1", "source": "NVD" }],
                "vulnerablePackages": [{ "name": pkg, "version": ver, "fixedInVersion": fixed, "packageManager": "OS" }],
                "referenceUrls": [format!("https://nvd.nist.gov/vuln/detail/{cve}")],
            },
            "fixAvailable": "YES",
            "exploitAvailable": if exploit { "YES" } else { "NO" },
        })
    }

    fn config(&self, ch: &Check, i: usize, now_ms: i64) -> Value {
        let (rule, _, annotation) = CONFIG_RULES[i];
        let compliance = match ch.state {
            State::Failed => "NON_COMPLIANT",
            State::Gone => "NOT_APPLICABLE",
            State::NotAvailable => "INSUFFICIENT_DATA",
            State::Passed => "COMPLIANT",
        };
        // Config names resources by their own ids, not ARNs.
        let rid = ch
            .resource_id
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(&ch.resource_id)
            .to_string();
        let mut v = json!({
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": rule,
                    "ResourceType": ch.resource_type,
                    "ResourceId": rid,
                    "EvaluationMode": "DETECTIVE",
                },
                "OrderingTimestamp": iso_cli(now_ms - 60_000),
                "ResourceEvaluationId": format!("{rule}-{rid}"),
            },
            "ComplianceType": compliance,
            "ResultRecordedTime": iso_cli(now_ms),
            "ConfigRuleInvokedTime": iso_cli(now_ms - 30_000),
        });
        if ch.state == State::Failed {
            v["Annotation"] = json!(annotation);
        }
        v
    }
}

fn day_ms(day: NaiveDate, hour: u32, minute: u32) -> i64 {
    let t = NaiveTime::from_hms_opt(hour, minute % 60, 0).unwrap_or(NaiveTime::MIN);
    Utc.from_utc_datetime(&day.and_time(t)).timestamp_millis()
}

/// Generates every day's export files.
pub fn generate(spec: &DemoSpec) -> Vec<DemoDay> {
    let mut world = World::new(spec.seed);
    world.populate();
    let first = spec.end_day - Duration::days(i64::from(spec.days.saturating_sub(1)));
    let mut out = Vec::with_capacity(spec.days as usize);
    for d in 0..spec.days {
        if d > 0 {
            world.step(d, spec.days);
        }
        let day = first + Duration::days(i64::from(d));
        let imported_at = day_ms(day, 7, 30);
        // Everything that changed today, plus a trickle of re-evaluations whose status
        // did not change (their UpdatedAt moves, as Security Hub's do).
        let mut sh: Vec<Vec<Value>> = vec![Vec::new(); ACCOUNTS.len()];
        let mut events: Vec<Value> = Vec::new();
        let mut insp: Vec<Vec<Value>> = vec![Vec::new(); ACCOUNTS.len()];
        let mut cfg: Vec<(usize, &'static str, Vec<Value>)> = Vec::new();
        let refresh: Vec<bool> = (0..world.checks.len()).map(|_| world.rng.chance(0.03)).collect();
        for (i, ch) in world.checks.iter().enumerate() {
            let emit = d == 0 || ch.changed_today || (refresh[i] && ch.state != State::Gone);
            if !emit {
                continue;
            }
            let born = day_ms(first + Duration::days(i64::from(ch.born)), 5, (i % 50) as u32);
            let now = day_ms(day, 6, (i % 57) as u32) + (i % 997) as i64;
            match ch.kind {
                Kind::Control(_) | Kind::Legacy(_) | Kind::External => sh[ch.account].push(world.asff(ch, born, now)),
                Kind::Threat(_) => {
                    let acct = ACCOUNTS[ch.account].id;
                    events.push(json!({
                        "version": "0",
                        "id": format!("{:08x}-demo-event-{i}", d),
                        "detail-type": "Security Hub Findings - Imported",
                        "source": "aws.securityhub",
                        "account": acct,
                        "time": iso_z(now),
                        "region": ch.region,
                        "resources": [ch.finding_id],
                        "detail": { "findings": [world.asff(ch, born, now)] },
                    }));
                }
                Kind::Vuln(v) => insp[ch.account].push(world.inspector(ch, v, born, now)),
                Kind::Rule(rule) => {
                    let slot = match cfg.iter().position(|(a, r, _)| *a == ch.account && *r == ch.region) {
                        Some(p) => p,
                        None => {
                            cfg.push((ch.account, ch.region, Vec::new()));
                            cfg.len() - 1
                        }
                    };
                    cfg[slot].2.push(world.config(ch, rule, now));
                }
            }
        }
        let mut files = Vec::new();
        let label = |what: &str| format!("demo/{day}/{what}");
        for (a, list) in sh.into_iter().enumerate() {
            if !list.is_empty() {
                files.push(DemoFile {
                    label: label(&format!("securityhub-{}.json", ACCOUNTS[a].id)),
                    json: serde_json::to_vec(&json!({ "Findings": list })).unwrap_or_default(),
                    options: ImportOptions::default(),
                });
            }
        }
        for (n, ev) in events.into_iter().enumerate() {
            files.push(DemoFile {
                label: label(&format!("eventbridge-{n}.json")),
                json: serde_json::to_vec(&ev).unwrap_or_default(),
                options: ImportOptions::default(),
            });
        }
        for (a, list) in insp.into_iter().enumerate() {
            if !list.is_empty() {
                files.push(DemoFile {
                    label: label(&format!("inspector2-{}.json", ACCOUNTS[a].id)),
                    json: serde_json::to_vec(&json!({ "findings": list })).unwrap_or_default(),
                    options: ImportOptions::default(),
                });
            }
        }
        for (a, region, list) in cfg {
            files.push(DemoFile {
                label: label(&format!("config-{}-{region}.json", ACCOUNTS[a].id)),
                json: serde_json::to_vec(&json!({ "EvaluationResults": list })).unwrap_or_default(),
                options: ImportOptions {
                    account: Some(ACCOUNTS[a].id.to_string()),
                    region: Some(region.to_string()),
                    observed_at: None,
                    conformance_pack: None,
                },
            });
        }
        out.push(DemoDay {
            day,
            imported_at,
            files,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asff_resource_types() {
        assert_eq!(asff_type("AWS::EC2::SecurityGroup"), "AwsEc2SecurityGroup");
        assert_eq!(asff_type("AWS::::Account"), "AwsAccount");
        assert_eq!(asff_type("AWS::ApiGateway::Stage"), "AwsApiGatewayStage");
        assert_eq!(asff_type("AWS::DynamoDB::Table"), "AwsDynamoDBTable");
    }

    #[test]
    fn controls_table_parses() {
        let c = controls();
        assert!(c.len() > 200, "{}", c.len());
        assert!(c
            .iter()
            .any(|c| c.id == "APIGateway.1" && c.rule == "api-gw-execution-logging-enabled"));
    }
}
