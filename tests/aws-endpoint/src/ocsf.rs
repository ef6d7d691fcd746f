//! The new Security Hub's OCSF twin of a CSPM (ASFF) finding.
//!
//! The new Security Hub reports CSPM's control checks too, so `GetFindingsV2` serves every ASFF
//! finding of the dataset as an OCSF document. [`from_asff`] is the one conversion, in the shape
//! Rampart's importer reads (that of `tests/fixtures/pair/estate-ocsf.json`).
//!
//! GetFindingsV2's filters and sort read a field of the twin straight from the ASFF
//! (`string_values`, `number_values`, `bool_values`, `date_value`), so a request converts
//! only the findings of its page, not the whole dataset under the lock. Those readers use the same
//! helpers as [`from_asff`], and a test holds them to what it writes.

use serde_json::{json, Value};

use crate::filter;

/// The OCSF schema version the documents claim.
pub const OCSF_VERSION: &str = "1.6.0";

/// String fields GetFindingsV2 filters (StringFilters) and sorts on here.
pub(crate) const STRING_FIELDS: &[&str] = &[
    "activity_name",
    "class_name",
    "cloud.account.name",
    "cloud.account.uid",
    "cloud.provider",
    "cloud.region",
    "compliance.control",
    "compliance.standards",
    "compliance.status",
    "finding_info.desc",
    "finding_info.title",
    "finding_info.types",
    "finding_info.uid",
    "metadata.product.name",
    "metadata.product.uid",
    "metadata.product.vendor_name",
    "remediation.desc",
    "remediation.references",
    "resources.cloud_partition",
    "resources.region",
    "resources.type",
    "resources.uid",
    "severity",
    "status",
    "vulnerabilities.affected_packages.name",
    "vulnerabilities.cve.uid",
];

/// Number fields GetFindingsV2 filters on here (NumberFilters).
pub(crate) const NUMBER_FIELDS: &[&str] = &[
    "activity_id",
    "compliance.status_id",
    "severity_id",
    "status_id",
    "vulnerabilities.cve.cvss.base_score",
];

/// Boolean fields GetFindingsV2 filters on here (BooleanFilters).
pub(crate) const BOOL_FIELDS: &[&str] = &["vulnerabilities.is_exploit_available"];

/// Date fields GetFindingsV2 filters (DateFilters) and sorts on here, with the ASFF field each is
/// copied from.
pub(crate) const DATE_FIELDS: &[(&str, &str)] = &[
    ("finding_info.created_time_dt", "CreatedAt"),
    ("finding_info.first_seen_time_dt", "FirstObservedAt"),
    ("finding_info.last_seen_time_dt", "LastObservedAt"),
    ("finding_info.modified_time_dt", "UpdatedAt"),
];

fn str_at<'a>(f: &'a Value, pointer: &str) -> Option<&'a str> {
    f.pointer(pointer).and_then(Value::as_str)
}

fn list<'a>(f: &'a Value, key: &str) -> &'a [Value] {
    f.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The string at `pointer` as a JSON value, when there is one.
fn text(f: &Value, pointer: &str) -> Option<Value> {
    str_at(f, pointer).map(|s| json!(s))
}

/// An object of the members that are present (absent ones are left out, never null).
fn object<const N: usize>(members: [(&str, Option<Value>); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), v?)))
            .collect(),
    )
}

/// A list, or nothing when it would be empty.
fn non_empty(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

fn is_control(f: &Value) -> bool {
    str_at(f, "/Compliance/SecurityControlId").is_some()
}

/// `class_uid` and `class_name`: a control's check is a Compliance Finding, a finding with
/// vulnerabilities a Vulnerability Finding, anything else a Detection Finding.
fn class(f: &Value) -> (i64, &'static str) {
    if is_control(f) {
        (2003, "Compliance Finding")
    } else if !list(f, "Vulnerabilities").is_empty() {
        (2002, "Vulnerability Finding")
    } else {
        (2004, "Detection Finding")
    }
}

/// `activity_id` and `activity_name`: an archived finding was closed by its producer.
fn activity(f: &Value) -> (i64, &'static str) {
    if str_at(f, "/RecordState") == Some("ARCHIVED") {
        (3, "Close")
    } else {
        (1, "Create")
    }
}

/// `severity_id` and `severity` from `Severity.Label`, else from `Severity.Normalized` (by the
/// ranges ASFF documents); 0 "Unknown" when neither, 99 with the label itself for a label ASFF
/// does not define.
fn severity(f: &Value) -> (i64, String) {
    let label = str_at(f, "/Severity/Label").map(str::to_string).or_else(|| {
        let n = f.pointer("/Severity/Normalized")?.as_f64()?;
        Some(
            match n {
                n if n < 1.0 => "INFORMATIONAL",
                n if n < 40.0 => "LOW",
                n if n < 70.0 => "MEDIUM",
                n if n < 90.0 => "HIGH",
                _ => "CRITICAL",
            }
            .to_string(),
        )
    });
    match label.as_deref() {
        Some("INFORMATIONAL") => (1, "Informational".into()),
        Some("LOW") => (2, "Low".into()),
        Some("MEDIUM") => (3, "Medium".into()),
        Some("HIGH") => (4, "High".into()),
        Some("CRITICAL") => (5, "Critical".into()),
        Some(other) => (99, other.to_string()),
        None => (0, "Unknown".into()),
    }
}

/// `status_id` and `status` from `Workflow.Status` (a finding without one is new; 99 with the
/// value itself for one ASFF does not define). Archiving is `activity_id` 3, never status 5.
fn status(f: &Value) -> (i64, String) {
    match str_at(f, "/Workflow/Status") {
        None | Some("NEW") => (1, "New".into()),
        Some("NOTIFIED") => (2, "In Progress".into()),
        Some("SUPPRESSED") => (3, "Suppressed".into()),
        Some("RESOLVED") => (4, "Resolved".into()),
        Some(other) => (99, other.to_string()),
    }
}

/// `compliance.status_id` and `compliance.status` of a control's check, when it states one.
fn compliance_status(f: &Value) -> Option<(i64, &'static str)> {
    Some(match str_at(f, "/Compliance/Status")? {
        "PASSED" => (1, "Pass"),
        "WARNING" => (2, "Warning"),
        "FAILED" => (3, "Fail"),
        _ => (99, "Other"),
    })
}

/// `metadata.product.uid`: the new Security Hub names products `productv2/…`.
fn product_uid(f: &Value) -> Option<String> {
    str_at(f, "/ProductArn").map(|arn| arn.replacen("::product/", "::productv2/", 1))
}

/// `metadata.product.vendor_name`: "AWS" for AWS's own integrations (ASFF says "Amazon" for some
/// of them), else the ASFF `CompanyName`.
fn vendor_name(f: &Value) -> Option<String> {
    if str_at(f, "/ProductArn").is_some_and(|arn| arn.contains("::product/aws/")) {
        Some("AWS".into())
    } else {
        str_at(f, "/CompanyName").map(str::to_string)
    }
}

/// A resource's OCSF `type`: the AWS resource type name (`AWS::S3::Bucket`) for the ASFF types
/// this endpoint's data uses and the common ones; any other ASFF type is kept as it is.
pub fn resource_type(asff_type: &str) -> String {
    match asff_type {
        "AwsAccount" => "AWS::::Account",
        "AwsApiGatewayRestApi" => "AWS::ApiGateway::RestApi",
        "AwsApiGatewayStage" => "AWS::ApiGateway::Stage",
        "AwsCertificateManagerCertificate" => "AWS::CertificateManager::Certificate",
        "AwsCloudTrailTrail" => "AWS::CloudTrail::Trail",
        "AwsDynamoDbTable" => "AWS::DynamoDB::Table",
        "AwsEc2Instance" => "AWS::EC2::Instance",
        "AwsEc2SecurityGroup" => "AWS::EC2::SecurityGroup",
        "AwsEc2Volume" => "AWS::EC2::Volume",
        "AwsEc2Vpc" => "AWS::EC2::VPC",
        "AwsEcrRepository" => "AWS::ECR::Repository",
        "AwsEcsCluster" => "AWS::ECS::Cluster",
        "AwsEksCluster" => "AWS::EKS::Cluster",
        "AwsElbv2LoadBalancer" => "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AwsIamPolicy" => "AWS::IAM::Policy",
        "AwsIamRole" => "AWS::IAM::Role",
        "AwsIamUser" => "AWS::IAM::User",
        "AwsKmsKey" => "AWS::KMS::Key",
        "AwsLambdaFunction" => "AWS::Lambda::Function",
        "AwsRdsDbInstance" => "AWS::RDS::DBInstance",
        "AwsS3Bucket" => "AWS::S3::Bucket",
        "AwsSnsTopic" => "AWS::SNS::Topic",
        "AwsSqsQueue" => "AWS::SQS::Queue",
        other => other,
    }
    .to_string()
}

/// The OCSF document the new Security Hub serves for an ASFF finding (`GetFindingsV2`).
///
/// - `class_uid`/`class_name`: 2003 Compliance Finding with `Compliance.SecurityControlId`, 2002
///   Vulnerability Finding with `Vulnerabilities`, else 2004 Detection Finding; `category_uid` 2;
///   `activity_id`/`activity_name` 1 Create, or 3 Close when `RecordState` is ARCHIVED.
/// - `metadata`: version 1.6.0; product `uid` (`ProductArn`, `::product/` → `::productv2/`),
///   `name` (`ProductName`), `vendor_name` ("AWS" for AWS's integrations, else `CompanyName`).
/// - `finding_info`: `uid` (the ASFF `Id`, unchanged), `title`, `desc`, `types`, and
///   `created_time_dt`, `first_seen_time_dt`, `last_seen_time_dt`, `modified_time_dt` from
///   `CreatedAt`, `FirstObservedAt`, `LastObservedAt`, `UpdatedAt` as written.
/// - `severity_id`/`severity` (1 Informational … 5 Critical), `status_id`/`status` from
///   `Workflow.Status` (1 New, 2 In Progress for NOTIFIED, 3 Suppressed, 4 Resolved).
/// - `compliance` (control checks only): `control`, `status_id`/`status` (1 Pass, 2 Warning,
///   3 Fail, 99 Other), `standards` (each `AssociatedStandards[].StandardsId`), `requirements`
///   (`RelatedRequirements`).
/// - `cloud`: provider AWS, `region`, `account` (`uid`, type "AWS Account", `name` when ASFF has
///   `AwsAccountName`).
/// - `resources`: `uid`, `type` ([`resource_type`]), `region`, `cloud_partition`, `tags` as
///   `[{name, value}]`.
/// - `vulnerabilities`: `cve` (`uid`, `cvss` `[{version, base_score}]`), `affected_packages`
///   (`name`, `version`, `fixed_in_version`), `fix_available` and `is_exploit_available` (YES is
///   true) when ASFF states them.
/// - `remediation`: `desc` and `references` from `Remediation.Recommendation`; `time_dt`:
///   `UpdatedAt`.
///
/// Members ASFF does not have are left out, never null.
pub fn from_asff(f: &Value) -> Value {
    let (class_uid, class_name) = class(f);
    let (activity_id, activity_name) = activity(f);
    let (severity_id, severity) = severity(f);
    let (status_id, status) = status(f);

    let compliance = is_control(f).then(|| {
        let (status_id, status) = compliance_status(f).unzip();
        object([
            ("control", text(f, "/Compliance/SecurityControlId")),
            ("status_id", status_id.map(|s| json!(s))),
            ("status", status.map(|s| json!(s))),
            (
                "standards",
                non_empty(
                    filter::values_at(f, &["Compliance", "AssociatedStandards", "*", "StandardsId"])
                        .into_iter()
                        .map(Value::String)
                        .collect(),
                ),
            ),
            (
                "requirements",
                f.pointer("/Compliance/RelatedRequirements")
                    .filter(|r| r.is_array())
                    .cloned(),
            ),
        ])
    });

    let resources: Vec<Value> = list(f, "Resources")
        .iter()
        .map(|r| {
            let tags = r.get("Tags").and_then(Value::as_object).map(|tags| {
                tags.iter()
                    .map(|(name, value)| json!({"name": name, "value": value}))
                    .collect::<Vec<_>>()
            });
            object([
                ("uid", text(r, "/Id")),
                ("type", str_at(r, "/Type").map(|t| json!(resource_type(t)))),
                ("region", text(r, "/Region")),
                ("cloud_partition", text(r, "/Partition")),
                ("tags", tags.and_then(non_empty)),
            ])
        })
        .collect();

    let vulnerabilities: Vec<Value> = list(f, "Vulnerabilities")
        .iter()
        .map(|v| {
            let cvss = list(v, "Cvss")
                .iter()
                .map(|c| {
                    object([
                        ("version", text(c, "/Version")),
                        ("base_score", c.get("BaseScore").filter(|s| s.is_number()).cloned()),
                    ])
                })
                .collect();
            let packages = list(v, "VulnerablePackages")
                .iter()
                .map(|p| {
                    object([
                        ("name", text(p, "/Name")),
                        ("version", text(p, "/Version")),
                        ("fixed_in_version", text(p, "/FixedInVersion")),
                    ])
                })
                .collect();
            object([
                (
                    "cve",
                    Some(object([("uid", text(v, "/Id")), ("cvss", non_empty(cvss))])),
                ),
                ("affected_packages", non_empty(packages)),
                ("fix_available", str_at(v, "/FixAvailable").map(|s| json!(s == "YES"))),
                (
                    "is_exploit_available",
                    str_at(v, "/ExploitAvailable").map(|s| json!(s == "YES")),
                ),
            ])
        })
        .collect();

    let recommendation_text = text(f, "/Remediation/Recommendation/Text");
    let recommendation_url = text(f, "/Remediation/Recommendation/Url");
    let remediation = (recommendation_text.is_some() || recommendation_url.is_some()).then(|| {
        object([
            ("desc", recommendation_text),
            ("references", recommendation_url.map(|u| json!([u]))),
        ])
    });

    object([
        ("class_uid", Some(json!(class_uid))),
        ("class_name", Some(json!(class_name))),
        ("category_uid", Some(json!(2))),
        ("activity_id", Some(json!(activity_id))),
        ("activity_name", Some(json!(activity_name))),
        (
            "metadata",
            Some(object([
                ("version", Some(json!(OCSF_VERSION))),
                (
                    "product",
                    Some(object([
                        ("uid", product_uid(f).map(Value::String)),
                        ("name", text(f, "/ProductName")),
                        ("vendor_name", vendor_name(f).map(Value::String)),
                    ])),
                ),
            ])),
        ),
        (
            "finding_info",
            Some(object([
                ("uid", text(f, "/Id")),
                ("title", text(f, "/Title")),
                ("desc", text(f, "/Description")),
                ("types", f.get("Types").filter(|t| t.is_array()).cloned()),
                ("created_time_dt", text(f, "/CreatedAt")),
                ("first_seen_time_dt", text(f, "/FirstObservedAt")),
                ("last_seen_time_dt", text(f, "/LastObservedAt")),
                ("modified_time_dt", text(f, "/UpdatedAt")),
            ])),
        ),
        ("severity_id", Some(json!(severity_id))),
        ("severity", Some(json!(severity))),
        ("status_id", Some(json!(status_id))),
        ("status", Some(json!(status))),
        ("compliance", compliance),
        (
            "cloud",
            Some(object([
                ("provider", Some(json!("AWS"))),
                ("region", text(f, "/Region")),
                (
                    "account",
                    Some(object([
                        ("uid", text(f, "/AwsAccountId")),
                        ("type", Some(json!("AWS Account"))),
                        ("name", text(f, "/AwsAccountName")),
                    ])),
                ),
            ])),
        ),
        ("resources", non_empty(resources)),
        ("vulnerabilities", non_empty(vulnerabilities)),
        ("remediation", remediation),
        ("time_dt", text(f, "/UpdatedAt")),
    ])
}

/// The values of one of [`STRING_FIELDS`] in the OCSF twin of `f` (several for list fields such
/// as resources); `None` for a field not in the list.
pub(crate) fn string_values(f: &Value, field: &str) -> Option<Vec<String>> {
    let one = |pointer: &str| str_at(f, pointer).map(str::to_string).into_iter().collect();
    let control = is_control(f);
    Some(match field {
        "activity_name" => vec![activity(f).1.to_string()],
        "class_name" => vec![class(f).1.to_string()],
        "cloud.account.name" => one("/AwsAccountName"),
        "cloud.account.uid" => one("/AwsAccountId"),
        "cloud.provider" => vec!["AWS".to_string()],
        "cloud.region" => one("/Region"),
        "compliance.control" => one("/Compliance/SecurityControlId"),
        "compliance.standards" if control => {
            filter::values_at(f, &["Compliance", "AssociatedStandards", "*", "StandardsId"])
        }
        "compliance.status" if control => compliance_status(f).map(|(_, s)| s.to_string()).into_iter().collect(),
        "compliance.standards" | "compliance.status" => Vec::new(),
        "finding_info.desc" => one("/Description"),
        "finding_info.title" => one("/Title"),
        "finding_info.types" => filter::values_at(f, &["Types"]),
        "finding_info.uid" => one("/Id"),
        "metadata.product.name" => one("/ProductName"),
        "metadata.product.uid" => product_uid(f).into_iter().collect(),
        "metadata.product.vendor_name" => vendor_name(f).into_iter().collect(),
        "remediation.desc" => one("/Remediation/Recommendation/Text"),
        "remediation.references" => one("/Remediation/Recommendation/Url"),
        "resources.cloud_partition" => filter::values_at(f, &["Resources", "*", "Partition"]),
        "resources.region" => filter::values_at(f, &["Resources", "*", "Region"]),
        "resources.type" => filter::values_at(f, &["Resources", "*", "Type"])
            .iter()
            .map(|t| resource_type(t))
            .collect(),
        "resources.uid" => filter::values_at(f, &["Resources", "*", "Id"]),
        "severity" => vec![severity(f).1],
        "status" => vec![status(f).1],
        "vulnerabilities.affected_packages.name" => {
            filter::values_at(f, &["Vulnerabilities", "*", "VulnerablePackages", "*", "Name"])
        }
        "vulnerabilities.cve.uid" => filter::values_at(f, &["Vulnerabilities", "*", "Id"]),
        _ => return None,
    })
}

/// The values of one of [`NUMBER_FIELDS`] in the OCSF twin of `f`; `None` for a field not in the
/// list.
pub(crate) fn number_values(f: &Value, field: &str) -> Option<Vec<f64>> {
    Some(match field {
        "activity_id" => vec![activity(f).0 as f64],
        "compliance.status_id" if is_control(f) => compliance_status(f).map(|(id, _)| id as f64).into_iter().collect(),
        "compliance.status_id" => Vec::new(),
        "severity_id" => vec![severity(f).0 as f64],
        "status_id" => vec![status(f).0 as f64],
        "vulnerabilities.cve.cvss.base_score" => list(f, "Vulnerabilities")
            .iter()
            .flat_map(|v| list(v, "Cvss"))
            .filter_map(|c| c.get("BaseScore")?.as_f64())
            .collect(),
        _ => return None,
    })
}

/// The values of one of [`BOOL_FIELDS`] in the OCSF twin of `f`; `None` for a field not in the
/// list.
pub(crate) fn bool_values(f: &Value, field: &str) -> Option<Vec<bool>> {
    Some(match field {
        "vulnerabilities.is_exploit_available" => list(f, "Vulnerabilities")
            .iter()
            .filter_map(|v| str_at(v, "/ExploitAvailable").map(|s| s == "YES"))
            .collect(),
        _ => return None,
    })
}

/// One of [`DATE_FIELDS`] of the OCSF twin of `f` in epoch seconds (inner `None` when the finding
/// has no such time); `None` for a field not in the list.
pub(crate) fn date_value(f: &Value, field: &str) -> Option<Option<f64>> {
    let (_, asff) = DATE_FIELDS.iter().find(|(name, _)| *name == field)?;
    Some(filter::time_of(f.get(*asff)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<Value> {
        let path = format!("{}/../fixtures/pair/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        doc["Findings"].as_array().expect("Findings").clone()
    }

    /// A control's check, with the members the conversion reads.
    fn control_finding() -> Value {
        json!({
            "SchemaVersion": "2018-10-08",
            "Id": "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/abc",
            "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
            "ProductName": "Security Hub",
            "CompanyName": "AWS",
            "Region": "eu-west-1",
            "AwsAccountId": "111122223333",
            "AwsAccountName": "payments-prod",
            "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
            "FirstObservedAt": "2026-11-20T08:00:00.000Z",
            "LastObservedAt": "2026-11-28T09:30:00.000Z",
            "CreatedAt": "2026-11-20T08:00:00.000Z",
            "UpdatedAt": "2026-11-28T09:30:00.000Z",
            "Severity": {"Label": "HIGH", "Normalized": 70},
            "Title": "S3 general purpose buckets should block public access",
            "Description": "This control checks whether public access is blocked.",
            "Remediation": {"Recommendation": {
                "Text": "See the documentation.",
                "Url": "https://docs.aws.amazon.com/console/securityhub/S3.8/remediation",
            }},
            "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::payments-exports", "Partition": "aws",
                "Region": "eu-west-1", "Tags": {"team": "payments"}}],
            "Compliance": {
                "Status": "FAILED",
                "SecurityControlId": "S3.8",
                "RelatedRequirements": ["NIST.800-53.r5 AC-3"],
                "AssociatedStandards": [
                    {"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"},
                    {"StandardsId": "standards/cis-aws-foundations-benchmark/v/1.4.0"},
                ],
            },
            "Workflow": {"Status": "NOTIFIED"},
            "RecordState": "ARCHIVED",
        })
    }

    /// An Inspector vulnerability, as Security Hub CSPM holds it.
    fn vulnerability_finding() -> Value {
        json!({
            "Id": "arn:aws:inspector2:eu-west-1:111122223333:finding/0123",
            "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/inspector",
            "ProductName": "Inspector",
            "CompanyName": "Amazon",
            "Region": "eu-west-1",
            "AwsAccountId": "111122223333",
            "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
            "CreatedAt": "2026-11-20T08:00:00.000Z",
            "UpdatedAt": "2026-11-28T09:30:00.000Z",
            "Severity": {"Label": "CRITICAL"},
            "Title": "CVE-2021-44228 - log4j-core",
            "Description": "JNDI lookups.",
            "Resources": [{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc",
                "Partition": "aws", "Region": "eu-west-1"}],
            "Vulnerabilities": [{
                "Id": "CVE-2021-44228",
                "VulnerablePackages": [{"Name": "log4j-core", "Version": "2.14.1", "FixedInVersion": "2.17.1"}],
                "Cvss": [{"Version": "3.1", "BaseScore": 10.0}],
                "FixAvailable": "YES",
                "ExploitAvailable": "NO",
            }],
            "Workflow": {"Status": "SUPPRESSED"},
            "RecordState": "ACTIVE",
        })
    }

    #[test]
    fn a_control_check_becomes_a_compliance_finding() {
        let o = from_asff(&control_finding());
        assert_eq!(o["class_uid"], 2003);
        assert_eq!(o["class_name"], "Compliance Finding");
        assert_eq!(o["category_uid"], 2);
        // Archived: closed by its producer, not status 5.
        assert_eq!((&o["activity_id"], &o["activity_name"]), (&json!(3), &json!("Close")));
        assert_eq!(o["metadata"]["version"], "1.6.0");
        assert_eq!(
            o["metadata"]["product"],
            json!({"uid": "arn:aws:securityhub:eu-west-1::productv2/aws/securityhub",
                   "name": "Security Hub", "vendor_name": "AWS"})
        );
        let info = &o["finding_info"];
        assert_eq!(
            info["uid"],
            "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/abc"
        );
        assert_eq!(info["title"], "S3 general purpose buckets should block public access");
        assert_eq!(info["desc"], "This control checks whether public access is blocked.");
        assert_eq!(
            info["types"],
            json!(["Software and Configuration Checks/Industry and Regulatory Standards"])
        );
        assert_eq!(info["created_time_dt"], "2026-11-20T08:00:00.000Z");
        assert_eq!(info["first_seen_time_dt"], "2026-11-20T08:00:00.000Z");
        assert_eq!(info["last_seen_time_dt"], "2026-11-28T09:30:00.000Z");
        assert_eq!(info["modified_time_dt"], "2026-11-28T09:30:00.000Z");
        assert_eq!((&o["severity_id"], &o["severity"]), (&json!(4), &json!("High")));
        assert_eq!((&o["status_id"], &o["status"]), (&json!(2), &json!("In Progress")));
        assert_eq!(
            o["compliance"],
            json!({
                "control": "S3.8",
                "status_id": 3,
                "status": "Fail",
                "standards": ["standards/aws-foundational-security-best-practices/v/1.0.0",
                              "standards/cis-aws-foundations-benchmark/v/1.4.0"],
                "requirements": ["NIST.800-53.r5 AC-3"],
            })
        );
        assert_eq!(
            o["cloud"],
            json!({"provider": "AWS", "region": "eu-west-1",
                   "account": {"uid": "111122223333", "type": "AWS Account", "name": "payments-prod"}})
        );
        assert_eq!(
            o["resources"],
            json!([{"uid": "arn:aws:s3:::payments-exports", "type": "AWS::S3::Bucket", "region": "eu-west-1",
                    "cloud_partition": "aws", "tags": [{"name": "team", "value": "payments"}]}])
        );
        assert!(o.get("vulnerabilities").is_none());
        assert_eq!(
            o["remediation"],
            json!({"desc": "See the documentation.",
                   "references": ["https://docs.aws.amazon.com/console/securityhub/S3.8/remediation"]})
        );
        assert_eq!(o["time_dt"], "2026-11-28T09:30:00.000Z");
    }

    #[test]
    fn an_inspector_finding_becomes_a_vulnerability_finding() {
        let o = from_asff(&vulnerability_finding());
        assert_eq!(
            (&o["class_uid"], &o["class_name"]),
            (&json!(2002), &json!("Vulnerability Finding"))
        );
        assert_eq!((&o["activity_id"], &o["activity_name"]), (&json!(1), &json!("Create")));
        assert_eq!(
            o["metadata"]["product"],
            json!({"uid": "arn:aws:securityhub:eu-west-1::productv2/aws/inspector",
                   "name": "Inspector", "vendor_name": "AWS"})
        );
        assert_eq!(
            o["finding_info"]["uid"],
            "arn:aws:inspector2:eu-west-1:111122223333:finding/0123"
        );
        // No FirstObservedAt / LastObservedAt: no first / last seen, and never null.
        assert!(o["finding_info"].get("first_seen_time_dt").is_none());
        assert!(o["finding_info"].get("last_seen_time_dt").is_none());
        assert_eq!((&o["severity_id"], &o["severity"]), (&json!(5), &json!("Critical")));
        assert_eq!((&o["status_id"], &o["status"]), (&json!(3), &json!("Suppressed")));
        assert!(o.get("compliance").is_none());
        assert_eq!(
            o["cloud"]["account"],
            json!({"uid": "111122223333", "type": "AWS Account"})
        );
        assert_eq!(
            o["resources"],
            json!([{"uid": "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", "type": "AWS::EC2::Instance",
                    "region": "eu-west-1", "cloud_partition": "aws"}])
        );
        assert_eq!(
            o["vulnerabilities"],
            json!([{
                "cve": {"uid": "CVE-2021-44228", "cvss": [{"version": "3.1", "base_score": 10.0}]},
                "affected_packages": [{"name": "log4j-core", "version": "2.14.1", "fixed_in_version": "2.17.1"}],
                "fix_available": true,
                "is_exploit_available": false,
            }])
        );
        assert!(o.get("remediation").is_none());
        assert_eq!(o["time_dt"], "2026-11-28T09:30:00.000Z");
    }

    #[test]
    fn other_findings_are_detections_and_odd_values_stay_visible() {
        let mut f = vulnerability_finding();
        f.as_object_mut().unwrap().remove("Vulnerabilities");
        f["Severity"] = json!({"Normalized": 45});
        f["Workflow"] = json!({"Status": "DEFERRED"});
        f["Resources"][0]["Type"] = json!("Other");
        let o = from_asff(&f);
        assert_eq!(
            (&o["class_uid"], &o["class_name"]),
            (&json!(2004), &json!("Detection Finding"))
        );
        assert_eq!((&o["severity_id"], &o["severity"]), (&json!(3), &json!("Medium")));
        assert_eq!((&o["status_id"], &o["status"]), (&json!(99), &json!("DEFERRED")));
        assert_eq!(o["resources"][0]["type"], "Other");
        f["Severity"] = json!({});
        assert_eq!(from_asff(&f)["severity_id"], 0);
    }

    /// Every value of the project's OCSF half of the ASFF/OCSF pair of one estate
    /// (`tests/fixtures/pair`) is what the conversion writes from the ASFF half; the conversion may
    /// add members the OCSF half leaves out (`activity_name`, the account's `type`, a resource's
    /// partition).
    #[test]
    fn the_estate_pair_converts_to_its_ocsf_half() {
        /// Where `got` lacks or differs from a value of `want`.
        fn differences(got: &Value, want: &Value, at: &str, out: &mut Vec<String>) {
            match (got, want) {
                (Value::Object(g), Value::Object(w)) => {
                    for (k, wv) in w {
                        match g.get(k) {
                            Some(gv) => differences(gv, wv, &format!("{at}.{k}"), out),
                            None => out.push(format!("{at}.{k} is missing (want {wv})")),
                        }
                    }
                }
                (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
                    for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                        differences(gv, wv, &format!("{at}[{i}]"), out);
                    }
                }
                _ if got == want => {}
                _ => out.push(format!("{at} is {got}, want {want}")),
            }
        }
        let mut asff = fixture("estate-asff.json");
        let ocsf = fixture("estate-ocsf.json");
        assert_eq!(asff.len(), ocsf.len());
        // The OCSF half names the account (all but the vulnerability) and the control checks'
        // standard, which the ASFF half leaves out: give the ASFF those.
        for (a, o) in asff.iter_mut().zip(&ocsf) {
            if let Some(name) = o.pointer("/cloud/account/name") {
                a["AwsAccountName"] = name.clone();
            }
            if let Some(standards) = o.pointer("/compliance/standards").and_then(Value::as_array) {
                a["Compliance"]["AssociatedStandards"] = standards.iter().map(|s| json!({"StandardsId": s})).collect();
            }
        }
        let mut found = Vec::new();
        for (i, (a, o)) in asff.iter().zip(&ocsf).enumerate() {
            differences(&from_asff(a), o, &format!("Findings[{i}]"), &mut found);
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    /// What the filters and the sort read from the ASFF is what the document says.
    #[test]
    fn field_readers_agree_with_the_converted_document() {
        let mut findings = crate::synth::securityhub_findings(200, "111122223333", &["us-east-1", "eu-west-1"], 3);
        findings.extend(fixture("estate-asff.json"));
        findings.push(control_finding());
        findings.push(vulnerability_finding());
        // Lists sit under these segments of a field's path.
        let path = |field: &'static str| -> Vec<&'static str> {
            field
                .split('.')
                .flat_map(|seg| match seg {
                    "resources" | "vulnerabilities" | "affected_packages" | "cvss" => vec![seg, "*"],
                    _ => vec![seg],
                })
                .collect()
        };
        for f in &findings {
            let o = from_asff(f);
            for field in STRING_FIELDS {
                let read = string_values(f, field).unwrap();
                assert_eq!(read, filter::values_at(&o, &path(field)), "{field} of {o}");
            }
            for field in NUMBER_FIELDS {
                let read = number_values(f, field).unwrap();
                let written: Vec<f64> = filter::values_at(&o, &path(field))
                    .iter()
                    .map(|v| v.parse().unwrap())
                    .collect();
                assert_eq!(read, written, "{field} of {o}");
            }
            for field in BOOL_FIELDS {
                let read = bool_values(f, field).unwrap();
                let written: Vec<bool> = filter::values_at(&o, &path(field))
                    .iter()
                    .map(|v| v == "true")
                    .collect();
                assert_eq!(read, written, "{field} of {o}");
            }
            for (field, _) in DATE_FIELDS {
                let written = filter::time_of(o["finding_info"].get(field.trim_start_matches("finding_info.")));
                assert_eq!(date_value(f, field).unwrap(), written, "{field} of {o}");
            }
        }
        assert_eq!(string_values(&findings[0], "resources.name"), None);
        assert_eq!(number_values(&findings[0], "confidence_score"), None);
        assert_eq!(date_value(&findings[0], "resources.modified_time_dt"), None);
    }
}
