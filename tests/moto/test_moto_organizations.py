"""Account names and organizational units from AWS Organizations, against moto.

moto serves Organizations (CreateOrganization, CreateOrganizationalUnit, CreateAccount,
MoveAccount, and the ListAccounts, ListParents and DescribeOrganizationalUnit that `rampart
sync` reads) and Security Hub. The estate: a management account at the root, `payments-prod`
in Root/Workloads/Prod, `sandbox` in Root/Workloads, `audit` in Root/Security, and a partner
account outside the organisation that only its findings name. After one sync, the names and
OU paths must show in `findings --format json`, in `overview`, in the executive PDF (read
back with pdftotext), and `findings --ou` must list exactly the accounts at or below an OU.

    make moto
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from mototools import ORG_CONTROLS as CONTROLS, PARTNER, REGION, Estate, child_env, ok, seed_organization


@pytest.fixture(scope="module")
def estate(moto) -> Estate:
    return seed_organization(moto)


@dataclass
class Run:
    tmp: Path
    db: Path
    bin: Path
    env: dict[str, str]
    sync: subprocess.CompletedProcess

    def rampart(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin), "--db", str(self.db), *args], capture_output=True, text=True,
                              env=self.env, cwd=self.tmp, timeout=300)


@pytest.fixture(scope="module")
def run(tmp_path_factory, moto, estate, rampart_bin) -> Run:
    tmp = tmp_path_factory.mktemp("org")
    env = child_env(tmp / "home")
    db = tmp / "org.db"
    sync = subprocess.run([str(rampart_bin), "--db", str(db), "sync", "--endpoint-url", moto.endpoint,
                           "--region", REGION, "--source", "securityhub"],
                          capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    return Run(tmp, db, rampart_bin, env, sync)


def listed(run: Run, *args: str) -> list[dict]:
    return json.loads(ok(run.rampart("findings", "--format", "json", "--page-size", "1000", *args),
                         f"rampart findings {' '.join(args)}"))


def test_sync_reads_the_organization(run, estate):
    out = ok(run.sync, "rampart sync")
    assert f"{len(estate.accounts)} accounts named, in {len(estate.units)} organizational units" in out, out


def test_findings_carry_account_names_and_ou_paths(run, estate):
    rows = listed(run)
    assert len(rows) == (len(estate.accounts) + 1) * len(CONTROLS)
    for row in rows:
        if row["account"] == PARTNER:
            assert (row["account_name"], row["ou_path"]) == ("partner-shared", None), row
        else:
            want = (estate.accounts[row["account"]], estate.paths[row["account"]])
            assert (row["account_name"], row["ou_path"]) == want, row


@pytest.mark.parametrize("path", ["Root/Workloads", "Root/Workloads/Prod", "Root/Security", "Root"])
def test_an_ou_filter_lists_exactly_its_accounts_and_those_below(run, estate, path):
    rows = listed(run, "--ou", estate.units[path])
    want = {a for a, p in estate.paths.items() if p == path or p.startswith(path + "/")}
    assert {row["account"] for row in rows} == want
    assert len(rows) == len(want) * len(CONTROLS)


def test_an_unknown_ou_is_refused_by_name(run):
    result = run.rampart("findings", "--ou", "ou-none-00000000")
    assert result.returncode != 0
    assert "ou-none-00000000" in result.stderr and "organizational unit" in result.stderr, result.stderr


def test_overview_names_accounts_and_counts_by_ou(run, estate):
    o = json.loads(ok(run.rampart("overview", "--format", "json"), "rampart overview"))
    by_account = {a["account"]: a for a in o["by_account"]}
    for account, name in estate.accounts.items():
        assert (by_account[account]["name"], by_account[account]["ou_path"]) == (name, estate.paths[account])
    by_unit = {u["path"]: u for u in o["by_unit"]}
    assert set(by_unit) == set(estate.units)
    failing_per_account = sum(1 for _, status, _ in CONTROLS if status == "FAILED")
    assert by_unit["Root/Workloads"]["accounts"] == 2
    assert by_unit["Root/Workloads"]["failed"] == 2 * failing_per_account
    assert by_unit["Root"]["accounts"] == len(estate.accounts)
    table = ok(run.rampart("overview"), "rampart overview (table)")
    assert "payments-prod" in table and "Root/Workloads/Prod" in table, table


def test_overview_posture_and_changes_of_one_ou_cover_its_accounts_only(run, estate):
    workloads = estate.units["Root/Workloads"]
    accounts = [a for a, p in estate.paths.items() if p.startswith("Root/Workloads")]
    o = json.loads(ok(run.rampart("overview", "--ou", workloads, "--format", "json"), "overview --ou"))
    assert o["totals"]["active"] == len(accounts) * len(CONTROLS)
    assert {a["account"] for a in o["by_account"]} == set(accounts)
    p = json.loads(ok(run.rampart("posture", "--ou", workloads, "--format", "json"), "posture --ou"))
    whole = json.loads(ok(run.rampart("posture", "--format", "json"), "posture"))
    assert p["active"] == len(accounts) * len(CONTROLS) < whole["active"]
    c = json.loads(ok(run.rampart("changes", "--since", "2026-11-01", "--ou", workloads, "--format", "json"),
                      "changes --ou"))
    assert {f["account"] for f in c["findings"]} <= set(accounts) and c["findings"]
    refused = run.rampart("posture", "--ou", "ou-none-00000000")
    assert refused.returncode != 0 and "ou-none-00000000" in refused.stderr


def test_the_executive_pdf_names_accounts_and_ous(run, estate):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing (apt package poppler-utils)")
    pdf = run.tmp / "executive.pdf"
    ok(run.rampart("report", "--format", "pdf", "--out", str(pdf)), "rampart report")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squashed = " ".join(text.split())
    for account, name in estate.accounts.items():
        assert f"{name} ({account})" in squashed, f"{name} ({account}) is not in the PDF"
    assert "By organizational unit" in squashed
    for path in estate.units:
        assert path in squashed, f"{path} is not in the PDF"


def test_the_reports_of_one_ou_cover_its_accounts_only(run, estate):
    """`report --ou`: the summary of the Workloads OU names it, lists its accounts and no
    other, and counts their findings only (its JSON model says the same); a framework's
    report for it lists failing findings of its accounts only."""
    workloads = estate.units["Root/Workloads"]
    pdf = run.tmp / "workloads.pdf"
    ok(run.rampart("report", "--format", "pdf", "--ou", workloads, "--out", str(pdf)), "report --ou")
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Organizational unit Root/Workloads" in text, text[:600]
    inside = {a: n for a, n in estate.accounts.items() if estate.paths[a].startswith("Root/Workloads")}
    for account, name in estate.accounts.items():
        assert (f"{name} ({account})" in text) == (account in inside), (name, text[:600])
    model = run.tmp / "workloads.json"
    ok(run.rampart("report", "--format", "json", "--ou", workloads, "--out", str(model)), "report --ou json")
    data = json.loads(model.read_text())
    assert data["active_findings"] == len(inside) * len(CONTROLS)
    assert sorted(data["scope"]["accounts"]) == sorted(inside)
    assert [u["path"] for u in data["units"]] == ["Root/Workloads", "Root/Workloads/Prod"]
    assert all(f["trend"] for f in data["frameworks"])
    hipaa = run.tmp / "hipaa-workloads.json"
    ok(run.rampart("report", "--format", "json", "--framework", "hipaa", "--ou", workloads, "--out", str(hipaa)),
       "report --framework --ou")
    data = json.loads(hipaa.read_text())
    assert data["scope"]["units"] == ["Root/Workloads"]
    listed = {f["account"] for c in data["controls"] for f in c["findings"]}
    assert listed and listed <= set(inside), listed
    refused = run.rampart("report", "--format", "pdf", "--ou", "ou-none-00000000", "--out", str(run.tmp / "x.pdf"))
    assert refused.returncode != 0 and "ou-none-00000000" in refused.stderr
