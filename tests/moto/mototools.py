"""Helpers shared by the moto tests and the window's end-to-end tests: starting moto_server
(from this venv's scripts folder, stopped by its PID), a client on it, a child environment
holding static credentials only, and the organisation estate both suites sync."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sysconfig
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3

TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/rampart/target"))
BINARY = Path(os.environ.get("RAMPART_BIN", TARGET / "debug/rampart"))

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
ACCESS_KEY_ID = "testing"
# Distinctive so that any copy of it (in a database, a log, an error message) can be grepped.
SECRET_ACCESS_KEY = "testing-secret-RAMPART-MOTO-must-never-be-stored-7c1e94b2"
SECRET_FRAGMENTS = (SECRET_ACCESS_KEY, "RAMPART-MOTO-must-never-be-stored")


# ---------------------------------------------------------------------------------------------
# moto


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Moto:
    endpoint: str
    log: Path

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY_ID,
                            aws_secret_access_key=SECRET_ACCESS_KEY)

    def reset(self) -> None:
        req = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200

    def log_size(self) -> int:
        return self.log.stat().st_size

    def get_findings_calls(self, since: int) -> list[int]:
        """HTTP statuses of the GetFindings calls (POST /findings) logged after byte `since`."""
        text = self.log.read_bytes()[since:].decode("utf-8", "replace")
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # werkzeug colours error lines
        return [int(s) for s in re.findall(r'"POST /findings HTTP/1\.1" (\d{3})', text)]


@contextlib.contextmanager
def running(log: Path):
    """moto_server on a free port, its output in `log`; stopped by its PID afterwards."""
    server = Path(sysconfig.get_path("scripts")) / "moto_server"
    if not server.exists():
        raise RuntimeError(f"{server} is missing: build the venv with `make .venv/.stamp` "
                           "(tests/e2e/requirements.txt pins moto[server])")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not answer on {endpoint} within 20 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield Moto(endpoint, log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def child_env(home: Path) -> dict[str, str]:
    """Static credentials only: no profile, no config or credentials file, no instance metadata,
    nothing inherited from the caller's AWS_* or RAMPART_* variables, and a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RAMPART_"))}
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        AWS_CONFIG_FILE=str(home / "no-such-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-such-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


def ok(result: subprocess.CompletedProcess, what: str) -> str:
    assert result.returncode == 0, (
        f"{what} exited {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}")
    return result.stdout


# ---------------------------------------------------------------------------------------------
# The organisation estate

ORG_PRODUCT_ARN = f"arn:aws:securityhub:{REGION}::product/aws/securityhub"
PARTNER = "999988887777"  # outside the organisation: named by its findings only
ORG_CONTROLS = [("S3.8", "FAILED", "HIGH"), ("IAM.6", "FAILED", "CRITICAL"), ("CloudTrail.2", "PASSED", "MEDIUM")]


def finding(account: str, n: int, control: str, status: str, severity: str, name: str | None) -> dict:
    fid = f"arn:aws:securityhub:{REGION}:{account}:security-control/{control}/finding/{uuid.uuid5(uuid.NAMESPACE_URL, f'org/{account}/{n}')}"
    label = severity if status == "FAILED" else "INFORMATIONAL"
    f = {
        "SchemaVersion": "2018-10-08",
        "Id": fid,
        "ProductArn": ORG_PRODUCT_ARN,
        "GeneratorId": f"security-control/{control}",
        "AwsAccountId": account,
        "Region": REGION,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2026-11-02T08:00:00.000Z",
        "UpdatedAt": f"2026-11-{10 + n:02d}T08:00:00.000Z",
        "Severity": {"Label": label, "Original": severity},
        "Title": f"{control} check {n}",
        "Description": f"The {control} control's check of resource {n}.",
        "Resources": [{"Type": "AwsAccount", "Id": f"AWS::::Account:{account}/{n}", "Partition": "aws",
                       "Region": REGION}],
        "Compliance": {"Status": status, "SecurityControlId": control},
        "Workflow": {"Status": "NEW" if status == "FAILED" else "RESOLVED"},
        "RecordState": "ACTIVE",
    }
    if name:
        f["AwsAccountName"] = name
    return f


@dataclass
class Estate:
    accounts: dict[str, str]  # id → the name Organizations gives it
    paths: dict[str, str]  # id → OU path
    units: dict[str, str]  # OU path → OU id


def seed_organization(moto: Moto) -> Estate:
    """Resets moto and builds the estate: the organisation, its OUs and accounts, and three
    Security Hub findings per account (two failing), the partner's included."""
    moto.reset()
    orgs = moto.client("organizations")
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    workloads = orgs.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = orgs.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    security = orgs.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]["Id"]
    accounts, paths = {ACCOUNT: "master"}, {ACCOUNT: "Root"}
    for name, parent, path in (("payments-prod", prod, "Root/Workloads/Prod"),
                               ("sandbox", workloads, "Root/Workloads"),
                               ("audit", security, "Root/Security")):
        made = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        orgs.move_account(AccountId=made["AccountId"], SourceParentId=root, DestinationParentId=parent)
        accounts[made["AccountId"]] = name
        paths[made["AccountId"]] = path
    securityhub = moto.client("securityhub")
    securityhub.enable_security_hub(EnableDefaultStandards=False)
    findings = []
    for account in [*accounts, PARTNER]:
        # A finding's own name gives way to Organizations' (the sandbox's is stale).
        name = {PARTNER: "partner-shared"}.get(account, "old-sandbox-name" if accounts.get(account) == "sandbox" else None)
        for n, (control, status, severity) in enumerate(ORG_CONTROLS):
            findings.append(finding(account, n, control, status, severity, name))
    result = securityhub.batch_import_findings(Findings=findings)
    assert result["FailedCount"] == 0, result["FailedFindings"]
    units = {"Root": root, "Root/Workloads": workloads, "Root/Workloads/Prod": prod, "Root/Security": security}
    return Estate(accounts, paths, units)
