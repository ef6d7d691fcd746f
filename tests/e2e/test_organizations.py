"""Account names and organizational units in the real window, from a sync against moto (AWS
Organizations and Security Hub): the Overview names each account and lists the OUs, and the
explorer filtered by an OU shows exactly the findings of the accounts in it and below it.

The workspace is made by `rampart sync` against moto (tests/moto/mototools.py seeds the same
organisation as the moto tests); moto is started and stopped by its PID."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BINARY, rampart
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_frameworks import click, wait_attr
from test_window import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moto"))
import mototools  # noqa: E402  (tests/moto: the moto server and the organisation estate)


@pytest.fixture(scope="module")
def org_db(tmp_path_factory):
    """A workspace synced from moto's organisation; the estate it was seeded with."""
    work = tmp_path_factory.mktemp("org")
    with mototools.running(work / "moto_server.log") as moto:
        estate = mototools.seed_organization(moto)
        db = work / "org.db"
        synced = subprocess.run([str(BINARY), "--db", str(db), "sync", "--endpoint-url", moto.endpoint,
                                 "--region", mototools.REGION, "--source", "securityhub"],
                                capture_output=True, text=True, env=mototools.child_env(work / "home"),
                                cwd=work, timeout=300)
        mototools.ok(synced, "rampart sync against moto")
    return db, estate


def test_the_window_filters_findings_by_an_organizational_unit(open_app, org_db):
    db, estate = org_db
    workloads = estate.units["Root/Workloads"]
    # The explorer starts on the failing findings.
    expected = json.loads(rampart("--db", str(db), "findings", "--ou", workloads, "--record-state", "active",
                                  "--status", "failed", "--format", "json"))
    want = {a for a, p in estate.paths.items() if p.startswith("Root/Workloads")}
    assert {f["account"] for f in expected} == want and len(want) == 2

    d = open_app("--db", str(db))
    # The Overview names the accounts and lists the OUs.
    prod_account = next(a for a, p in estate.paths.items() if p == "Root/Workloads/Prod")
    account_row = wait_for(d, f'[data-testid="account-{prod_account}"]')
    assert "payments-prod" in account_row.text and "Root/Workloads/Prod" in account_row.text
    unit_row = wait_for(d, f'[data-testid="unit-{workloads}"]')
    assert unit_row.get_attribute("data-path") == "Root/Workloads"

    # The Overview of one OU: the same counts as the CLI's for it.
    scoped = json.loads(rampart("--db", str(db), "overview", "--ou", workloads, "--format", "json"))
    d.execute_script(f"window.location.hash = '#/overview?ou={workloads}'")
    wait_attr(d, '[data-testid="kpi-active"]', "data-value", str(scoped["totals"]["active"]))
    assert wait_for(d, '[data-testid="overview-scope-label"]').text == "Root/Workloads"

    d.execute_script("window.location.hash = '#/findings'")
    wait_for(d, '[data-testid="explorer-total"]')
    click(d, '[data-testid="filter-more"]')
    picker = wait_for(d, '[data-testid="filter-ou"]')
    deadline = time.monotonic() + 10
    while not picker.find_elements(By.CSS_SELECTOR, f'option[value="{workloads}"]'):
        assert time.monotonic() < deadline, "the OU picker never listed the Workloads OU"
        time.sleep(0.2)
    Select(picker).select_by_value(workloads)
    wait_attr(d, '[data-testid="explorer-total"]', "data-value", str(len(expected)))
    rows = d.find_elements(By.CSS_SELECTOR, '[data-testid="explorer-row"]')
    assert len(rows) == len(expected)
    assert {r.get_attribute("data-account") for r in rows} == want
    assert {r.get_attribute("data-id") for r in rows} == {f["id"] for f in expected}
    names = {r.find_element(By.CSS_SELECTOR, ".account-name").get_attribute("textContent") for r in rows}
    assert names == {"payments-prod", "sandbox"}
    assert f"ou={workloads}" in d.execute_script("return window.location.hash")
