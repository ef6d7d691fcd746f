"""`rampart sync --source securityhub` against moto, a local AWS emulator.

moto serves Security Hub's BatchImportFindings and GetFindings (100 findings a page at most,
with NextToken), so the sync goes through the real SDK client, signing and pagination, with no
AWS account. The check is that a sync stores exactly what `rampart import` stores from the same
findings written to a file, that a second identical sync changes nothing, and that the secret
access key is written nowhere.

    make moto            # or: RAMPART_BIN=... .venv/bin/python -m pytest tests/moto -q -p no:cacheprovider

RAMPART_BIN: the built CLI (default ~/.cache/rampart/target/debug/rampart).
RAMPART_ALLOW_NO_SYNC=1: skip (instead of fail) when that binary has no `sync` subcommand yet.
The moto server is started from this venv's scripts folder and stopped by its PID.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mototools import ACCOUNT, REGION, SECRET_FRAGMENTS, child_env, ok

PRODUCT_ARN = f"arn:aws:securityhub:{REGION}::product/aws/securityhub"
FSBP = "standards/aws-foundational-security-best-practices/v/1.0.0"
FINDING_COUNT = 250
IMPORT_BATCH = 100  # BatchImportFindings takes 100 findings a call at most
PAGE_LIMIT = 100  # GetFindings serves 100 findings a page at most
# Change with the time of day or the run, not with what was synced.
VOLATILE_FIELDS = ("age_days", "due_at", "overdue")

# Security Hub controls (all mapped by the built-in catalog): id, title, severity, the AWS
# Config rule behind it, the ASFF resource type, how a resource id looks, and the description.
CONTROLS = [
    ("IAM.1", 'IAM policies should not allow full "*" administrative privileges', "HIGH",
     "iam-policy-no-statements-with-admin-access", "AwsIamPolicy",
     "arn:aws:iam::{account}:policy/app-admin-{n:03d}",
     "This control checks whether the default version of IAM policies (also known as customer "
     "managed policies) has administrator access that includes a statement with \"Effect\": "
     "\"Allow\" with \"Action\": \"*\" over \"Resource\": \"*\"."),
    ("S3.8", "S3 Block Public Access setting should be enabled at the bucket-level", "HIGH",
     "s3-bucket-level-public-access-prohibited", "AwsS3Bucket",
     "arn:aws:s3:::rampart-data-{n:03d}-{account}",
     "This control checks whether Amazon S3 general purpose buckets have bucket-level Block "
     "Public Access enabled."),
    ("EC2.13", "Security groups should not allow ingress from 0.0.0.0/0 to port 22", "HIGH",
     "restricted-ssh", "AwsEc2SecurityGroup",
     "arn:aws:ec2:{region}:{account}:security-group/sg-0{n:016x}",
     "This control checks whether an Amazon EC2 security group allows ingress from 0.0.0.0/0 "
     "or ::/0 to port 22."),
    ("EC2.19", "Security groups should not allow unrestricted access to ports with high risk",
     "CRITICAL", "vpc-sg-restricted-common-ports", "AwsEc2SecurityGroup",
     "arn:aws:ec2:{region}:{account}:security-group/sg-1{n:016x}",
     "This control checks whether unrestricted incoming traffic for an Amazon EC2 security "
     "group is accessible to the specified ports that are considered to be high risk."),
    ("CloudTrail.2", "CloudTrail should have encryption at-rest enabled", "MEDIUM",
     "cloud-trail-encryption-enabled", "AwsCloudTrailTrail",
     "arn:aws:cloudtrail:{region}:{account}:trail/audit-trail-{n:03d}",
     "This control checks whether CloudTrail is configured to use server-side encryption "
     "(SSE) AWS KMS key encryption."),
    ("APIGateway.1", "API Gateway REST and WebSocket API execution logging should be enabled",
     "MEDIUM", "api-gw-execution-logging-enabled", "AwsApiGatewayStage",
     "arn:aws:apigateway:{region}::/restapis/api{n:05d}/stages/prod",
     "This control checks whether all stages of an Amazon API Gateway REST or WebSocket API "
     "have logging enabled."),
    ("ACM.1", "Imported and ACM-issued certificates should be renewed after a specified time "
     "period", "MEDIUM", "acm-certificate-expiration-check", "AwsCertificateManagerCertificate",
     "arn:aws:acm:{region}:{account}:certificate/{uuid}",
     "This control checks whether an AWS Certificate Manager (ACM) certificate is renewed "
     "within the specified time period."),
    ("KMS.4", "AWS KMS key rotation should be enabled", "MEDIUM",
     "cmk-backing-key-rotation-enabled", "AwsKmsKey",
     "arn:aws:kms:{region}:{account}:key/{uuid}",
     "This control checks whether automatic key rotation is enabled for a specific symmetric "
     "encryption AWS KMS key."),
    ("SSM.2", "Amazon EC2 instances managed by Systems Manager should have a patch compliance "
     "status of COMPLIANT after a patch installation", "HIGH",
     "ec2-managedinstance-patch-compliance-status-check", "AwsSsmPatchCompliance",
     "arn:aws:ssm:{region}:{account}:managed-instance/i-0{n:016x}",
     "This control checks whether the patch compliance status of an Amazon EC2 instance is "
     "COMPLIANT or NON_COMPLIANT after patch installation on the instance."),
    ("RDS.3", "RDS DB instances should have encryption at-rest enabled", "MEDIUM",
     "rds-storage-encrypted", "AwsRdsDbInstance",
     "arn:aws:rds:{region}:{account}:db:orders-{n:03d}",
     "This control checks whether storage encryption is enabled for your Amazon RDS DB "
     "instances."),
    ("Lambda.1", "Lambda function policies should prohibit public access", "CRITICAL",
     "lambda-function-public-access-prohibited", "AwsLambdaFunction",
     "arn:aws:lambda:{region}:{account}:function:handler-{n:03d}",
     "This control checks whether the Lambda function resource-based policy prohibits public "
     "access outside of your account."),
]
# Account-level controls: one finding each (the account is the resource).
ACCOUNT_CONTROLS = [
    ("IAM.6", "Hardware MFA should be enabled for the root user", "CRITICAL",
     "root-account-hardware-mfa-enabled", "AwsAccount", "AWS::::Account:{account}",
     "This control checks whether your AWS account is enabled to use a hardware multi-factor "
     "authentication (MFA) device to sign in with root user credentials."),
    ("GuardDuty.1", "GuardDuty should be enabled", "HIGH", "guardduty-enabled-centralized",
     "AwsAccount", "AWS::::Account:{account}",
     "This control checks whether Amazon GuardDuty is enabled in your GuardDuty account and "
     "Region."),
]
NORMALIZED = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}
# Text that must come back byte for byte: markup, a right-to-left override, Hebrew and Arabic,
# emoji with a zero-width joiner, quotes, backslashes, SQL and a newline.
HOSTILE = [
    ("<script>alert(1)</script>", "<img src=x onerror=alert(1)> & \"quoted\" 'text' \\ back\\slash"),
    ("\u202egnp.exe \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
     "Right-to-left: \u202eevil\u202c, \u05d1\u05d3\u05d9\u05e7\u05d4 \u0641\u062d\u0635\n"
     "second line"),
    ("\U0001f525 \U0001f6e1\ufe0f \U0001f469\u200d\U0001f4bb", "'; DROP TABLE findings; -- \U0001f600"),
]


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def make_findings() -> list[dict]:
    """250 consolidated Security Hub control findings (ASFF), the same on every run."""
    rng = random.Random(20260901)
    base = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)
    plan = list(ACCOUNT_CONTROLS)
    plan += [CONTROLS[i % len(CONTROLS)] for i in range(FINDING_COUNT - len(plan))]
    findings = []
    for i, (control, title, severity, rule, rtype, rid, description) in enumerate(plan):
        finding_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"rampart-moto/{i}")
        finding_id = f"arn:aws:securityhub:{REGION}:{ACCOUNT}:security-control/{control}/finding/{finding_uuid}"
        status = "FAILED" if rng.random() < 0.45 else "PASSED"
        # Security Hub reports a passed control finding as INFORMATIONAL, keeping the
        # control's own severity in Original.
        label = severity if status == "FAILED" else "INFORMATIONAL"
        created = base + timedelta(hours=2 * i, minutes=rng.randrange(60))
        updated = created + timedelta(days=rng.randrange(0, 30), seconds=rng.randrange(86400))
        resource_id = rid.format(account=ACCOUNT, region=REGION, n=i,
                                 uuid=uuid.uuid5(uuid.NAMESPACE_DNS, f"{control}-{i}"))
        if i < len(HOSTILE):
            title = f"{title} {HOSTILE[i][0]}"
            description = f"{description} {HOSTILE[i][1]}"
        findings.append({
            "SchemaVersion": "2018-10-08",
            "Id": finding_id,
            "ProductArn": PRODUCT_ARN,
            "ProductName": "Security Hub",
            "CompanyName": "AWS",
            "Region": REGION,
            "GeneratorId": f"security-control/{control}",
            "AwsAccountId": ACCOUNT,
            "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
            "FirstObservedAt": iso(created),
            "LastObservedAt": iso(updated),
            "CreatedAt": iso(created),
            "UpdatedAt": iso(updated),
            "Severity": {"Label": label, "Normalized": NORMALIZED[label], "Original": severity},
            "Title": title,
            "Description": description,
            "Remediation": {"Recommendation": {
                "Text": "For information on how to correct this issue, consult the AWS Security "
                        "Hub controls documentation.",
                "Url": f"https://docs.aws.amazon.com/console/securityhub/{control}/remediation",
            }},
            "ProductFields": {
                "RelatedAWSResources:0/name": f"securityhub-{rule}-{finding_uuid.hex[:8]}",
                "RelatedAWSResources:0/type": "AWS::Config::ConfigRule",
                "aws/securityhub/ProductName": "Security Hub",
                "aws/securityhub/CompanyName": "AWS",
                "Resources:0/Id": resource_id,
                "aws/securityhub/FindingId": f"{PRODUCT_ARN}/{finding_id}",
            },
            "Resources": [{"Type": rtype, "Id": resource_id, "Partition": "aws", "Region": REGION}],
            "Compliance": {
                "Status": status,
                "SecurityControlId": control,
                "AssociatedStandards": [{"StandardsId": FSBP}],
            },
            "WorkflowState": "NEW" if status == "FAILED" else "RESOLVED",
            "Workflow": {"Status": "NEW" if status == "FAILED" else "RESOLVED"},
            "RecordState": "ACTIVE",
            "FindingProviderFields": {
                "Severity": {"Label": label, "Original": severity},
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
            },
        })
    return findings


@dataclass
class Seeded:
    findings: list[dict]  # as sent to BatchImportFindings
    served: list[dict]  # as GetFindings returned them, all pages in order
    pages: int


def get_all_findings(securityhub) -> tuple[list[dict], int]:
    findings, pages, token = [], 0, None
    while True:
        args = {"MaxResults": PAGE_LIMIT}
        if token:
            args["NextToken"] = token
        page = securityhub.get_findings(**args)
        pages += 1
        findings += page["Findings"]
        token = page.get("NextToken")
        if not token:
            return findings, pages


@pytest.fixture(scope="module")
def seeded(moto) -> Seeded:
    moto.reset()
    securityhub = moto.client("securityhub")
    # An account with findings has Security Hub enabled (so DescribeHub answers, and reports
    # consolidated control findings: ControlFindingGenerator SECURITY_CONTROL).
    securityhub.enable_security_hub(EnableDefaultStandards=True)
    findings = make_findings()
    for start in range(0, len(findings), IMPORT_BATCH):
        batch = findings[start:start + IMPORT_BATCH]
        result = securityhub.batch_import_findings(Findings=batch)
        assert (result["SuccessCount"], result["FailedCount"]) == (len(batch), 0), result["FailedFindings"]
    served, pages = get_all_findings(securityhub)
    return Seeded(findings, served, pages)


@dataclass
class Synced:
    tmp: Path
    sync_db: Path
    import_db: Path
    first: subprocess.CompletedProcess
    first_pages: list[int]  # HTTP statuses of the GetFindings calls moto saw during the first sync
    imported: subprocess.CompletedProcess
    after_first: subprocess.CompletedProcess  # `findings --format json` of sync.db
    from_import: subprocess.CompletedProcess  # `findings --format json` of import.db
    second: subprocess.CompletedProcess
    after_second: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def synced(tmp_path_factory, moto, seeded, rampart_bin) -> Synced:
    """Runs everything once: sync, import of the same findings, a second sync. Nothing here
    fails; each test judges its part (so a failed sync is still checked for leaked secrets)."""
    tmp = tmp_path_factory.mktemp("sync")
    env = child_env(tmp / "home")
    sync_db, import_db = tmp / "sync.db", tmp / "import.db"

    def rampart(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(rampart_bin), *args], capture_output=True, text=True,
                              env=env, cwd=tmp, timeout=300)

    sync_args = ("--db", str(sync_db), "sync", "--endpoint-url", moto.endpoint,
                 "--region", REGION, "--source", "securityhub")
    listing = ("findings", "--format", "json", "--page-size", "1000")

    mark = moto.log_size()
    first = rampart(*sync_args)
    first_pages = moto.get_findings_calls(mark)
    after_first = rampart("--db", str(sync_db), *listing)

    export = tmp / "securityhub-get-findings.json"
    export.write_text(json.dumps({"Findings": seeded.served}, ensure_ascii=False, indent=1),
                      encoding="utf-8")
    imported = rampart("--db", str(import_db), "import", str(export))
    from_import = rampart("--db", str(import_db), *listing)

    second = rampart(*sync_args)
    after_second = rampart("--db", str(sync_db), *listing)
    return Synced(tmp, sync_db, import_db, first, first_pages, imported, after_first,
                  from_import, second, after_second)


def rows(result: subprocess.CompletedProcess, what: str) -> list[dict]:
    """The findings listing, without the fields that depend on the clock, sorted by id."""
    listed = json.loads(ok(result, what))
    assert isinstance(listed, list), f"{what}: expected a JSON array, got {type(listed).__name__}"
    for row in listed:
        for field in VOLATILE_FIELDS:
            row.pop(field, None)
    return sorted(listed, key=lambda row: row["id"])


def differences(left: list[dict], right: list[dict], names=("sync", "import")) -> list[str]:
    """Readable differences between two id-sorted listings (the first few)."""
    out = []
    lhs, rhs = {r["id"]: r for r in left}, {r["id"]: r for r in right}
    for fid in sorted(lhs.keys() - rhs.keys())[:5]:
        out.append(f"only in {names[0]}: {fid}")
    for fid in sorted(rhs.keys() - lhs.keys())[:5]:
        out.append(f"only in {names[1]}: {fid}")
    for fid in sorted(lhs.keys() & rhs.keys()):
        a, b = lhs[fid], rhs[fid]
        for field in sorted(a.keys() | b.keys()):
            if a.get(field, "<missing>") != b.get(field, "<missing>"):
                out.append(f"{fid} {field}: {names[0]}={a.get(field, '<missing>')!r} "
                           f"{names[1]}={b.get(field, '<missing>')!r}")
        if len(out) >= 15:
            break
    return out


# ---------------------------------------------------------------------------------------------
# tests


def test_moto_serves_the_seeded_findings_in_pages(seeded):
    """The emulator itself: what the sync will read is exactly what was seeded."""
    assert len(seeded.served) == FINDING_COUNT
    assert seeded.pages == -(-FINDING_COUNT // PAGE_LIMIT)
    by_id = sorted(seeded.served, key=lambda f: f["Id"])
    assert by_id == sorted(seeded.findings, key=lambda f: f["Id"])
    assert {f["Compliance"]["Status"] for f in seeded.findings} == {"PASSED", "FAILED"}
    assert any("<script>alert(1)</script>" in f["Title"] for f in seeded.served)
    assert any("\u202e" in f["Title"] for f in seeded.served)


def test_sync_succeeds(synced):
    ok(synced.first, "rampart sync")
    assert synced.sync_db.is_file(), "the sync created no database"


def test_sync_outside_an_organization_says_so_and_goes_on(synced):
    """moto's account belongs to no organisation here: names and OUs cannot be read, the
    sync says why in plain words and still stores every finding."""
    out = ok(synced.first, "rampart sync")
    assert "AWS Organizations" in out and "not a member of an organization" in out, out
    assert len(rows(synced.after_first, "rampart findings (sync.db)")) == FINDING_COUNT


def test_sync_reads_every_page(synced):
    ok(synced.first, "rampart sync")
    assert all(status == 200 for status in synced.first_pages), (
        f"moto answered the sync's GetFindings calls with {synced.first_pages}\n{synced.first.stderr}")
    pages = len(synced.first_pages)
    assert pages >= 3, f"250 findings need at least 3 GetFindings pages; moto served {pages}"
    listed = rows(synced.after_first, "rampart findings (sync.db)")
    assert len(listed) == FINDING_COUNT
    # When the sync reports its page count, it must be the number moto served.
    reported = re.search(r"\b(\d+) pages?\b", synced.first.stdout + synced.first.stderr)
    if reported:
        assert int(reported.group(1)) == pages, (
            f"the sync reports {reported.group(0)!r}; moto served {pages} pages")


def test_sync_stores_what_import_stores(synced):
    ok(synced.imported, "rampart import")
    synced_rows = rows(synced.after_first, "rampart findings (sync.db)")
    imported_rows = rows(synced.from_import, "rampart findings (import.db)")
    assert len(imported_rows) == FINDING_COUNT
    assert len(synced_rows) == FINDING_COUNT
    assert synced_rows == imported_rows, "\n".join(differences(synced_rows, imported_rows))


def test_synced_findings_match_the_seed(synced, seeded):
    listed = {row["id"]: row for row in rows(synced.after_first, "rampart findings (sync.db)")}
    expected = {f["Id"]: f for f in seeded.findings}
    assert listed.keys() == expected.keys()
    for fid, f in expected.items():
        row = listed[fid]
        got = (row["source"], row["account"], row["region"], row["control"], row["status"],
               row["severity"].upper(), row["record_state"], row["title"], row["updated_at"])
        want = ("securityhub", ACCOUNT, REGION, f["Compliance"]["SecurityControlId"],
                f["Compliance"]["Status"].lower(), f["Severity"]["Label"], "active", f["Title"],
                f["UpdatedAt"])
        assert got == want, fid
        assert row["requirements"], f"{fid} ({row['control']}) is mapped by the catalog but has no requirements"
    iam6 = [row for row in listed.values() if row["control"] == "IAM.6"]
    assert iam6 and all("api12:API-1" in row["requirements"] for row in iam6)


def test_second_sync_changes_nothing(synced):
    ok(synced.second, "second rampart sync")
    before = rows(synced.after_first, "rampart findings after the first sync")
    after = rows(synced.after_second, "rampart findings after the second sync")
    assert len(after) == FINDING_COUNT
    assert after == before, "\n".join(differences(before, after, ("first", "second")))
    # When the sync summarises like `rampart import` does, nothing is new or updated.
    counts = re.search(r"(\d+) new, (\d+) updated", synced.second.stdout)
    if counts:
        assert counts.groups() == ("0", "0"), synced.second.stdout


def test_secret_access_key_is_written_nowhere(synced):
    outputs = {
        "first sync stdout": synced.first.stdout, "first sync stderr": synced.first.stderr,
        "second sync stdout": synced.second.stdout, "second sync stderr": synced.second.stderr,
    }
    for name, text in outputs.items():
        for fragment in SECRET_FRAGMENTS:
            assert fragment not in text, f"the secret access key appears in the {name}"
    assert synced.sync_db.is_file()
    files = [p for p in synced.tmp.rglob("*") if p.is_file()]
    assert synced.sync_db in files
    for path in files:
        data = path.read_bytes()
        for fragment in SECRET_FRAGMENTS:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert fragment.encode(encoding) not in data, (
                    f"the secret access key ({encoding}) is in {path.relative_to(synced.tmp)}")
