//! Deterministic synthetic data in the services' wire shapes.
//!
//! Everything but the clock is decided by the seed: the same seed gives the same ids, statuses and
//! relative ages. Timestamps are placed relative to "now" (so "in the past 60 days" stays true); the
//! `*_at` variants take that anchor explicitly for fully reproducible output.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::ConfigRule;

/// SplitMix64: a tiny, fast, well-mixed PRNG; plenty for test data and fault dice.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `n` lower-case hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }

    /// A version-4-looking UUID.
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-{}{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            ["8", "9", "a", "b"][self.below(4) as usize],
            &h[17..20],
            &h[20..32]
        )
    }
}

/// ISO-8601 with millisecond precision and `Z`, the way Security Hub writes timestamps.
pub fn iso_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn iso_from_ms(ms: i64) -> String {
    iso_millis(DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

const DAY_MS: i64 = 86_400_000;

/// Consolidated-control facts: id, severity, resource type, title, CIS mapped.
const CONTROLS: &[(&str, &str, &str, &str, bool)] = &[
    ("IAM.1", "HIGH", "AwsIamPolicy", "IAM policies should not allow full \"*\" administrative privileges", true),
    ("IAM.3", "MEDIUM", "AwsIamUser", "IAM users' access keys should be rotated every 90 days or less", true),
    ("IAM.4", "CRITICAL", "AwsAccount", "IAM root user access key should not exist", true),
    ("IAM.6", "CRITICAL", "AwsAccount", "Hardware MFA should be enabled for the root user", true),
    ("S3.5", "MEDIUM", "AwsS3Bucket", "S3 general purpose buckets should require requests to use SSL", false),
    ("S3.8", "HIGH", "AwsS3Bucket", "S3 general purpose buckets should block public access", true),
    ("EC2.2", "HIGH", "AwsEc2SecurityGroup", "VPC default security groups should not allow inbound or outbound traffic", true),
    (
        "EC2.13",
        "HIGH",
        "AwsEc2SecurityGroup",
        "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22",
        true,
    ),
    (
        "EC2.19",
        "CRITICAL",
        "AwsEc2SecurityGroup",
        "Security groups should not allow unrestricted access to ports with high risk",
        false,
    ),
    (
        "CloudTrail.1",
        "HIGH",
        "AwsAccount",
        "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events",
        true,
    ),
    ("CloudTrail.2", "MEDIUM", "AwsCloudTrailTrail", "CloudTrail should have encryption at-rest enabled", true),
    (
        "APIGateway.1",
        "MEDIUM",
        "AwsApiGatewayStage",
        "API Gateway REST and WebSocket API execution logging should be enabled",
        false,
    ),
    ("APIGateway.4", "MEDIUM", "AwsApiGatewayStage", "API Gateway should be associated with a WAF Web ACL", false),
    (
        "ACM.1",
        "MEDIUM",
        "AwsCertificateManagerCertificate",
        "Imported and ACM-issued certificates should be renewed after a specified time period",
        false,
    ),
    (
        "ELB.1",
        "MEDIUM",
        "AwsElbv2LoadBalancer",
        "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
        false,
    ),
    ("RDS.3", "MEDIUM", "AwsRdsDbInstance", "RDS DB instances should have encryption at-rest enabled", false),
    ("KMS.4", "MEDIUM", "AwsKmsKey", "AWS KMS key rotation should be enabled", true),
    (
        "SSM.2",
        "HIGH",
        "AwsEc2Instance",
        "Amazon EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation",
        false,
    ),
    ("Lambda.2", "MEDIUM", "AwsLambdaFunction", "Lambda functions should use supported runtimes", false),
    ("GuardDuty.1", "HIGH", "AwsAccount", "GuardDuty should be enabled", false),
];

const NAMES: &[&str] = &[
    "payments", "ledger", "web", "reports", "audit", "billing", "data", "ops", "search", "auth",
];
const ENVS: &[&str] = &["prod", "staging", "dev", "shared"];

fn resource_id(rng: &mut SplitMix64, ty: &str, account: &str, region: &str) -> String {
    let name = format!("{}-{}-{}", rng.pick(NAMES), rng.pick(ENVS), rng.below(1000));
    match ty {
        "AwsAccount" => format!("AWS::::Account:{account}"),
        "AwsIamPolicy" => format!("arn:aws:iam::{account}:policy/{name}-admin"),
        "AwsIamUser" => format!("arn:aws:iam::{account}:user/{name}"),
        "AwsS3Bucket" => format!("arn:aws:s3:::{name}-{}", rng.hex(6)),
        "AwsEc2SecurityGroup" => format!("arn:aws:ec2:{region}:{account}:security-group/sg-{}", rng.hex(17)),
        "AwsEc2Instance" => format!("arn:aws:ec2:{region}:{account}:instance/i-{}", rng.hex(17)),
        "AwsCloudTrailTrail" => format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}"),
        "AwsApiGatewayStage" => format!(
            "arn:aws:apigateway:{region}::/restapis/{}/stages/{}",
            rng.hex(10),
            rng.pick(ENVS)
        ),
        "AwsCertificateManagerCertificate" => format!("arn:aws:acm:{region}:{account}:certificate/{}", rng.uuid()),
        "AwsElbv2LoadBalancer" => {
            format!(
                "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{}",
                rng.hex(16)
            )
        }
        "AwsRdsDbInstance" => format!("arn:aws:rds:{region}:{account}:db:{name}"),
        "AwsKmsKey" => format!("arn:aws:kms:{region}:{account}:key/{}", rng.uuid()),
        "AwsLambdaFunction" => format!("arn:aws:lambda:{region}:{account}:function:{name}"),
        _ => format!("arn:aws:unknown:{region}:{account}:{name}"),
    }
}

fn normalized(label: &str) -> u64 {
    match label {
        "CRITICAL" => 90,
        "HIGH" => 70,
        "MEDIUM" => 40,
        "LOW" => 1,
        _ => 0,
    }
}

fn regions_or_default<'a>(regions: &'a [&'a str]) -> &'a [&'a str] {
    if regions.is_empty() {
        &["us-east-1"]
    } else {
        regions
    }
}

/// Consolidated Security Hub control findings (ASFF), timestamps relative to now.
pub fn securityhub_findings(n: usize, account: &str, regions: &[&str], seed: u64) -> Vec<Value> {
    securityhub_findings_at(n, account, regions, seed, Utc::now())
}

/// [`securityhub_findings`] with an explicit "now".
pub fn securityhub_findings_at(n: usize, account: &str, regions: &[&str], seed: u64, now: DateTime<Utc>) -> Vec<Value> {
    let regions = regions_or_default(regions);
    let mut rng = SplitMix64::new(seed ^ 0x5EC0_0000_0000_0001);
    let now_ms = now.timestamp_millis();
    (0..n)
        .map(|_| {
            let region = *rng.pick(regions);
            let &(control, severity, rtype, title, cis) = rng.pick(CONTROLS);
            let created = now_ms - rng.below(60 * DAY_MS as u64) as i64;
            let updated = created + rng.below((now_ms - created) as u64 + 1) as i64;
            let failed = rng.chance(0.4);
            let status = if failed { "FAILED" } else { "PASSED" };
            let workflow = if !failed {
                "RESOLVED"
            } else {
                match rng.below(10) {
                    0 => "SUPPRESSED",
                    1 | 2 => "NOTIFIED",
                    _ => "NEW",
                }
            };
            let record_state = if rng.chance(0.05) { "ARCHIVED" } else { "ACTIVE" };
            let id = format!("arn:aws:securityhub:{region}:{account}:security-control/{control}/finding/{}", rng.uuid());
            let mut standards = vec![json!({"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"})];
            if cis {
                standards.push(json!({"StandardsId": "standards/cis-aws-foundations-benchmark/v/1.4.0"}));
            }
            if rng.chance(0.5) {
                standards.push(json!({"StandardsId": "standards/nist-800-53/v/5.0.0"}));
            }
            if rng.chance(0.3) {
                standards.push(json!({"StandardsId": "standards/pci-dss/v/3.2.1"}));
            }
            let resource = resource_id(&mut rng, rtype, account, region);
            json!({
                "SchemaVersion": "2018-10-08",
                "Id": id,
                "ProductArn": format!("arn:aws:securityhub:{region}::product/aws/securityhub"),
                "ProductName": "Security Hub",
                "CompanyName": "AWS",
                "Region": region,
                "GeneratorId": format!("security-control/{control}"),
                "AwsAccountId": account,
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
                "FirstObservedAt": iso_from_ms(created),
                "LastObservedAt": iso_from_ms(updated),
                "CreatedAt": iso_from_ms(created),
                "UpdatedAt": iso_from_ms(updated),
                "Severity": {"Label": severity, "Original": severity, "Normalized": normalized(severity)},
                "Title": title,
                "Description": format!("This AWS control checks the following: {title}."),
                "Remediation": {"Recommendation": {
                    "Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
                    "Url": format!("https://docs.aws.amazon.com/console/securityhub/{control}/remediation"),
                }},
                "ProductFields": {
                    "RelatedAWSResources:0/type": "AWS::Config::ConfigRule",
                    "aws/securityhub/ProductName": "Security Hub",
                    "aws/securityhub/CompanyName": "AWS",
                    "aws/securityhub/FindingId": format!("arn:aws:securityhub:{region}::product/aws/securityhub/{id}"),
                },
                "Resources": [{"Type": rtype, "Id": resource, "Partition": "aws", "Region": region}],
                "Compliance": {
                    "Status": status,
                    "SecurityControlId": control,
                    "AssociatedStandards": standards,
                },
                "WorkflowState": if workflow == "RESOLVED" { "RESOLVED" } else { "NEW" },
                "Workflow": {"Status": workflow},
                "RecordState": record_state,
                "FindingProviderFields": {
                    "Severity": {"Label": severity, "Original": severity},
                    "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
                },
                "ProcessedAt": iso_from_ms(updated),
            })
        })
        .collect()
}

/// (package, vulnerable version, fixed version)
const PACKAGES: &[(&str, &str, &str)] = &[
    ("openssl", "3.0.7", "3.0.8"),
    ("glibc", "2.34", "2.35"),
    ("log4j-core", "2.14.1", "2.17.1"),
    ("curl", "7.88.1", "8.4.0"),
    ("libxml2", "2.9.14", "2.10.4"),
    ("python3-urllib3", "1.26.5", "1.26.18"),
    ("sudo", "1.9.5p2", "1.9.13"),
    ("zlib", "1.2.11", "1.2.13"),
    ("nghttp2", "1.51.0", "1.57.0"),
    ("expat", "2.5.0", "2.6.0"),
    ("jackson-databind", "2.13.2", "2.13.4.2"),
    ("busybox", "1.35.0", "1.36.1"),
];

/// Inspector severities with their typical score.
const INSPECTOR_SEVERITIES: &[(&str, f64)] = &[
    ("CRITICAL", 9.8),
    ("HIGH", 7.5),
    ("HIGH", 8.1),
    ("MEDIUM", 5.3),
    ("MEDIUM", 6.1),
    ("LOW", 3.1),
    ("INFORMATIONAL", 0.0),
];

fn epoch_secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Inspector2 package-vulnerability findings as ListFindings returns them (camelCase, epoch-second timestamps).
pub fn inspector_findings(n: usize, account: &str, regions: &[&str], seed: u64) -> Vec<Value> {
    inspector_findings_at(n, account, regions, seed, Utc::now())
}

/// [`inspector_findings`] with an explicit "now".
pub fn inspector_findings_at(n: usize, account: &str, regions: &[&str], seed: u64, now: DateTime<Utc>) -> Vec<Value> {
    let regions = regions_or_default(regions);
    let mut rng = SplitMix64::new(seed ^ 0x1A5B_EC70_0000_0002);
    let now_ms = now.timestamp_millis();
    (0..n)
        .map(|_| {
            let region = *rng.pick(regions);
            let &(pkg, version, fixed) = rng.pick(PACKAGES);
            let &(severity, score) = rng.pick(INSPECTOR_SEVERITIES);
            let cve = format!("CVE-2024-{}", 1000 + rng.below(59_000));
            let first = now_ms - rng.below(60 * DAY_MS as u64) as i64;
            let last = first + rng.below((now_ms - first) as u64 + 1) as i64;
            let updated = last;
            let status = if rng.chance(0.2) { "CLOSED" } else { "ACTIVE" };
            let instance = format!("i-{}", rng.hex(17));
            let exploit = if rng.chance(0.15) { "YES" } else { "NO" };
            json!({
                "findingArn": format!("arn:aws:inspector2:{region}:{account}:finding/{}", rng.hex(32)),
                "awsAccountId": account,
                "type": "PACKAGE_VULNERABILITY",
                "title": format!("{cve} - {pkg}"),
                "description": format!("A flaw was found in {pkg} before {fixed} that may allow a remote attacker to cause a denial of service or execute code."),
                "severity": severity,
                "status": status,
                "firstObservedAt": epoch_secs(first),
                "lastObservedAt": epoch_secs(last),
                "updatedAt": epoch_secs(updated),
                "inspectorScore": score,
                "fixAvailable": "YES",
                "exploitAvailable": exploit,
                "remediation": {"recommendation": {"text": format!("Upgrade {pkg} to version {fixed} or later.")}},
                "resources": [{
                    "type": "AWS_EC2_INSTANCE",
                    "id": instance,
                    "region": region,
                    "partition": "aws",
                    "details": {"awsEc2Instance": {"type": "t3.medium", "platform": "AMAZON_LINUX_2023",
                        "imageId": format!("ami-{}", rng.hex(17))}},
                }],
                "packageVulnerabilityDetails": {
                    "vulnerabilityId": cve,
                    "source": "NVD",
                    "sourceUrl": format!("https://nvd.nist.gov/vuln/detail/{cve}"),
                    "vendorSeverity": severity,
                    "vulnerablePackages": [{"name": pkg, "version": version, "fixedInVersion": fixed,
                        "packageManager": "OS", "epoch": 0, "release": "1.amzn2023", "arch": "X86_64"}],
                },
            })
        })
        .collect()
}

/// Inspector2 covered resources, each with its region.
pub fn coverage(n: usize, account: &str, regions: &[&str], seed: u64) -> Vec<(String, Value)> {
    coverage_at(n, account, regions, seed, Utc::now())
}

/// [`coverage`] with an explicit "now".
pub fn coverage_at(n: usize, account: &str, regions: &[&str], seed: u64, now: DateTime<Utc>) -> Vec<(String, Value)> {
    let regions = regions_or_default(regions);
    let mut rng = SplitMix64::new(seed ^ 0xC0FE_0000_0000_0003);
    let now_ms = now.timestamp_millis();
    (0..n)
        .map(|_| {
            let region = *rng.pick(regions);
            let (rtype, scan_type, id, inactive_reasons) = match rng.below(3) {
                0 => (
                    "AWS_EC2_INSTANCE",
                    "EC2",
                    format!("i-{}", rng.hex(17)),
                    &[
                        "UNMANAGED_EC2_INSTANCE",
                        "NO_INVENTORY",
                        "UNSUPPORTED_OS",
                        "STALE_INVENTORY",
                    ][..],
                ),
                1 => (
                    "AWS_ECR_REPOSITORY",
                    "ECR",
                    format!(
                        "arn:aws:ecr:{region}:{account}:repository/{}-{}",
                        rng.pick(NAMES),
                        rng.pick(ENVS)
                    ),
                    &["SCAN_ELIGIBILITY_EXPIRED", "NO_RESOURCES_FOUND"][..],
                ),
                _ => (
                    "AWS_LAMBDA_FUNCTION",
                    "LAMBDA",
                    format!(
                        "arn:aws:lambda:{region}:{account}:function:{}-{}",
                        rng.pick(NAMES),
                        rng.below(100)
                    ),
                    &["UNSUPPORTED_RUNTIME", "EXCLUDED_BY_TAG"][..],
                ),
            };
            let active = rng.chance(0.8);
            let (code, reason) = if active {
                ("ACTIVE", "SUCCESSFUL")
            } else {
                ("INACTIVE", *rng.pick(inactive_reasons))
            };
            let scanned = now_ms - rng.below(7 * DAY_MS as u64) as i64;
            let mut resource = json!({
                "accountId": account,
                "resourceId": id,
                "resourceType": rtype,
                "scanType": scan_type,
                "scanStatus": {"statusCode": code, "reason": reason},
                "lastScannedAt": epoch_secs(scanned),
            });
            if scan_type == "EC2" {
                resource["scanMode"] = json!("EC2_SSM_AGENT_BASED");
                resource["resourceMetadata"] =
                    json!({"ec2": {"platform": "LINUX", "amiId": format!("ami-{}", rng.hex(17)), "tags": {}}});
            }
            (region.to_string(), resource)
        })
        .collect()
}

/// (rule name, resource type, non-compliant annotation)
const RULES: &[(&str, &str, &str)] = &[
    (
        "s3-bucket-ssl-requests-only",
        "AWS::S3::Bucket",
        "The bucket policy does not deny HTTP requests.",
    ),
    (
        "s3-bucket-public-read-prohibited",
        "AWS::S3::Bucket",
        "The bucket allows public read access.",
    ),
    (
        "s3-bucket-server-side-encryption-enabled",
        "AWS::S3::Bucket",
        "Default encryption is not enabled.",
    ),
    (
        "restricted-ssh",
        "AWS::EC2::SecurityGroup",
        "Port 22 is open to 0.0.0.0/0.",
    ),
    (
        "vpc-default-security-group-closed",
        "AWS::EC2::SecurityGroup",
        "The default security group has rules.",
    ),
    (
        "access-keys-rotated",
        "AWS::IAM::User",
        "An access key is older than 90 days.",
    ),
    ("iam-user-mfa-enabled", "AWS::IAM::User", "The user has no MFA device."),
    (
        "iam-password-policy",
        "AWS::::Account",
        "The password policy is weaker than required.",
    ),
    (
        "root-account-mfa-enabled",
        "AWS::::Account",
        "The root user has no MFA device.",
    ),
    (
        "cloudtrail-enabled",
        "AWS::::Account",
        "No multi-Region trail is logging.",
    ),
    (
        "cloud-trail-encryption-enabled",
        "AWS::CloudTrail::Trail",
        "The trail is not encrypted with KMS.",
    ),
    (
        "rds-storage-encrypted",
        "AWS::RDS::DBInstance",
        "Storage encryption is disabled.",
    ),
    ("encrypted-volumes", "AWS::EC2::Volume", "The volume is not encrypted."),
    (
        "cmk-backing-key-rotation-enabled",
        "AWS::KMS::Key",
        "Key rotation is disabled.",
    ),
    (
        "lambda-function-public-access-prohibited",
        "AWS::Lambda::Function",
        "The function policy allows public access.",
    ),
    (
        "ec2-instance-managed-by-systems-manager",
        "AWS::EC2::Instance",
        "The instance is not managed by Systems Manager.",
    ),
    (
        "guardduty-enabled-centralized",
        "AWS::::Account",
        "GuardDuty is not enabled.",
    ),
    (
        "acm-certificate-expiration-check",
        "AWS::ACM::Certificate",
        "The certificate expires within 30 days.",
    ),
];

fn config_resource_id(rng: &mut SplitMix64, ty: &str) -> String {
    match ty {
        "AWS::S3::Bucket" => format!("{}-{}-{}", rng.pick(NAMES), rng.pick(ENVS), rng.hex(6)),
        "AWS::EC2::SecurityGroup" => format!("sg-{}", rng.hex(17)),
        "AWS::IAM::User" => format!("AIDA{}", rng.hex(16).to_ascii_uppercase()),
        "AWS::EC2::Volume" => format!("vol-{}", rng.hex(17)),
        "AWS::EC2::Instance" => format!("i-{}", rng.hex(17)),
        "AWS::KMS::Key" => rng.uuid(),
        "AWS::ACM::Certificate" => rng.uuid(),
        "AWS::::Account" => format!("{:012}", rng.below(1_000_000_000_000)),
        _ => format!("{}-{}", rng.pick(NAMES), rng.below(1000)),
    }
}

/// `rules` Config rules in every region, each with `results_per_rule` evaluation results.
pub fn config_rules(rules: usize, results_per_rule: usize, regions: &[&str], seed: u64) -> Vec<ConfigRule> {
    config_rules_at(rules, results_per_rule, regions, seed, Utc::now())
}

/// [`config_rules`] with an explicit "now".
pub fn config_rules_at(
    rules: usize,
    results_per_rule: usize,
    regions: &[&str],
    seed: u64,
    now: DateTime<Utc>,
) -> Vec<ConfigRule> {
    let regions = regions_or_default(regions);
    let mut rng = SplitMix64::new(seed ^ 0xC0F1_6000_0000_0004);
    let now_ms = now.timestamp_millis();
    let mut out = Vec::with_capacity(rules * regions.len());
    for region in regions {
        for i in 0..rules {
            let (base, rtype, annotation) = RULES[i % RULES.len()];
            let round = i / RULES.len();
            let name = if round == 0 {
                base.to_string()
            } else {
                format!("{base}-{}", round + 1)
            };
            let results = (0..results_per_rule)
                .map(|_| {
                    let recorded = now_ms - rng.below(30 * DAY_MS as u64) as i64;
                    let invoked = recorded - rng.below(60_000) as i64;
                    let compliant = rng.chance(0.65);
                    json!({
                        "EvaluationResultIdentifier": {
                            "EvaluationResultQualifier": {
                                "ConfigRuleName": name,
                                "ResourceType": rtype,
                                "ResourceId": config_resource_id(&mut rng, rtype),
                                "EvaluationMode": "DETECTIVE",
                            },
                            "OrderingTimestamp": epoch_secs(recorded),
                        },
                        "ComplianceType": if compliant { "COMPLIANT" } else { "NON_COMPLIANT" },
                        "ResultRecordedTime": epoch_secs(recorded),
                        "ConfigRuleInvokedTime": epoch_secs(invoked),
                        "Annotation": if compliant { "The resource is compliant with the rule." } else { annotation },
                    })
                })
                .collect();
            out.push(ConfigRule {
                region: region.to_string(),
                name,
                results,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_deterministic_and_well_formed() {
        let now = Utc::now();
        let a = securityhub_findings_at(50, "111122223333", &["us-east-1", "eu-west-1"], 7, now);
        let b = securityhub_findings_at(50, "111122223333", &["us-east-1", "eu-west-1"], 7, now);
        assert_eq!(a, b);
        let c = securityhub_findings_at(50, "111122223333", &["us-east-1", "eu-west-1"], 8, now);
        assert_ne!(a, c);
        for f in &a {
            let region = f["Region"].as_str().unwrap();
            let id = f["Id"].as_str().unwrap();
            let control = f["Compliance"]["SecurityControlId"].as_str().unwrap();
            assert!(id.starts_with(&format!(
                "arn:aws:securityhub:{region}:111122223333:security-control/{control}/finding/"
            )));
            let created = DateTime::parse_from_rfc3339(f["CreatedAt"].as_str().unwrap()).unwrap();
            let updated = DateTime::parse_from_rfc3339(f["UpdatedAt"].as_str().unwrap()).unwrap();
            assert!(created <= updated && updated <= now);
        }
        let i = inspector_findings_at(20, "111122223333", &["eu-west-1"], 1, now);
        assert!(i[0]["findingArn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:inspector2:eu-west-1:111122223333:finding/"));
        assert!(i[0]["updatedAt"].is_f64());
        let cov = coverage_at(10, "111122223333", &["eu-west-1"], 1, now);
        assert!(cov
            .iter()
            .all(|(r, v)| r == "eu-west-1" && v["scanStatus"]["statusCode"].is_string()));
        let rules = config_rules_at(20, 3, &["us-east-1", "eu-west-1"], 1, now);
        assert_eq!(rules.len(), 40);
        assert_eq!(rules[18].name, "s3-bucket-ssl-requests-only-2");
        assert!(rules.iter().all(|r| r.results.len() == 3));
    }

    #[test]
    fn splitmix_is_uniform_enough() {
        let mut rng = SplitMix64::new(42);
        let hits = (0..10_000).filter(|_| rng.chance(0.25)).count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
        assert_eq!(rng.uuid().len(), 36);
    }
}
