"""Live sync in the real window, against the project's local AWS endpoint (tests/aws-endpoint):
Security Hub in us-east-1 and eu-west-1, where eu-west-1 answers AccessDenied. The Sync screen
shows us-east-1 done with its findings and eu-west-1 failed in plain words, the status table has
both, the Overview counts the new findings and so does the CLI; the secret key is nowhere on
screen."""

import json
import time

from conftest import aws_endpoint, rampart
from selenium.webdriver.common.by import By
from test_frameworks import click, wait_attr
from test_window import page_text, value, wait_for

ACCOUNT = "123456789012"
SECRET = "e2e-Sync-Secret-7Qx9WvT3pLk2Zr8Hn4Bm6Jd0"
ENDPOINT_FLAGS = (
    "--account", ACCOUNT, "--regions", "us-east-1,eu-west-1",
    "--synth-securityhub", "400", "--synth-inspector", "50", "--synth-coverage", "20",
    "--synth-config-rules", "5", "--results-per-rule", "5", "--deny-regions", "eu-west-1",
)


def aws_env(endpoint: str, tmp_path) -> dict:
    """Static test credentials only: no profile, config or credentials file, no instance metadata
    (None removes a variable the machine may have)."""
    missing = tmp_path / "no-such-aws-file"
    return {
        "RAMPART_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "AKIATEST",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        "AWS_REGION": None,
        "AWS_DEFAULT_REGION": None,
        "AWS_ENDPOINT_URL": None,
        "AWS_WEB_IDENTITY_TOKEN_FILE": None,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
        "AWS_CONFIG_FILE": str(missing),
        "AWS_SHARED_CREDENTIALS_FILE": str(missing),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def total_findings(driver) -> int:
    """Active plus archived findings, as the Overview's cards show them."""
    return value(driver, "kpi-active") + value(driver, "kpi-archived")


def row(driver, testid: str, region: str):
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')
            if r.get_attribute("data-region") == region]
    assert len(rows) == 1, f"{testid} rows for {region}: {len(rows)}"
    return rows[0]


def set_checked(driver, testid: str, checked: bool) -> None:
    box = wait_for(driver, f'[data-testid="{testid}"]')
    if box.is_selected() != checked:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    assert box.is_selected() == checked, testid


def test_sync_security_hub_in_two_regions_one_denied(open_app_with_env, tmp_path):
    with aws_endpoint(tmp_path, *ENDPOINT_FLAGS) as endpoint:
        # A fresh workspace: the app builds the demo on first start; the sync adds to it.
        db = tmp_path / "sync" / "rampart.db"
        d = open_app_with_env(aws_env(endpoint, tmp_path), "--db", str(db))
        before = total_findings(d)
        assert before > 1000
        assert len(json.loads(rampart("--db", str(db), "findings", "--format", "json"))) == before
        active_before = value(d, "kpi-active")
        securityhub_before = value(d, "source-securityhub", "data-total")  # active findings

        d.execute_script("window.location.hash = '#/sync'")
        wait_for(d, '[data-testid="sync-form"]')
        wait_for(d, '[data-testid="sync-status-empty"]')
        # The IAM policy as shipped is in the app, not a path into the source tree.
        assert "rampart-readonly-policy.json" not in page_text(d)
        policy = wait_for(d, '[data-testid="sync-iam-policy"] pre').get_attribute("textContent")
        assert "securityhub:GetFindings" in json.loads(policy)["Statement"][0]["Action"]

        regions = wait_for(d, '[data-testid="sync-regions"]')
        regions.clear()
        regions.send_keys("us-east-1 eu-west-1")
        set_checked(d, "sync-source-securityhub", True)
        set_checked(d, "sync-source-inspector", False)
        set_checked(d, "sync-source-config", False)
        # The demo workspace: Sync waits until the user says to add real findings to it.
        wait_for(d, '[data-testid="sync-demo-warning"]')
        assert not wait_for(d, '[data-testid="sync-start"]').is_enabled()
        set_checked(d, "sync-into-demo", True)
        click(d, '[data-testid="sync-start"]')

        # GetFindings is paced at about 3 requests a second: a few pages here.
        summary = wait_for(d, '[data-testid="sync-summary"]', timeout=120)
        assert summary.get_attribute("data-outcome") == "failed", summary.text
        # eu-west-1 is refused by an explicit deny (a service control policy): the advice says
        # that the IAM policy is not the cure.
        assert "explicitly denies" in summary.text and "Attach the IAM policy" not in summary.text, summary.text

        east = row(d, "sync-row", "us-east-1")
        assert east.get_attribute("data-source") == "securityhub"
        assert east.get_attribute("data-account") == ACCOUNT
        assert east.get_attribute("data-state") == "done", east.text
        synced = int(east.get_attribute("data-findings"))
        new = int(east.get_attribute("data-new"))
        assert synced > 0 and new > 0
        assert int(east.get_attribute("data-pages")) >= 1

        west = row(d, "sync-row", "eu-west-1")
        assert west.get_attribute("data-state") == "failed", west.text
        # The error is spelled out once, in the summary; the rows name its kind and point there.
        assert "Access denied" in west.text and "eu-west-1" in west.text, west.text
        assert west.get_attribute("data-findings") == "0"

        failure = wait_for(d, '[data-testid="sync-summary-failure"]')
        assert failure.get_attribute("data-region") == "eu-west-1"
        assert failure.get_attribute("data-kind") == "denied"
        assert "AccessDenied" in failure.text and "eu-west-1" in failure.text

        # Where each source stands, reloaded after the run.
        deadline = time.monotonic() + 20
        while len(d.find_elements(By.CSS_SELECTOR, '[data-testid="sync-status-row"]')) < 2:
            assert time.monotonic() < deadline, "the status table did not show both Regions"
            time.sleep(0.2)
        status_east = row(d, "sync-status-row", "us-east-1")
        assert status_east.get_attribute("data-state") == "ok"
        assert int(status_east.get_attribute("data-findings")) == synced
        assert status_east.find_element(By.CSS_SELECTOR, '[data-testid="sync-status-success"]').get_attribute("datetime")
        status_west = row(d, "sync-status-row", "eu-west-1")
        assert status_west.get_attribute("data-state") == "failed"
        assert status_west.get_attribute("data-kind") == "denied"
        assert "Access denied" in status_west.text and "eu-west-1" in status_west.text
        assert page_text(d).count("AccessDenied on securityhub:GetFindings in eu-west-1") == 1, "said once"
        assert status_west.find_element(By.CSS_SELECTOR, '[data-testid="sync-status-success"]').text == "never"

        # The secret key is never on screen, nor anywhere in the page.
        assert SECRET not in page_text(d)
        assert SECRET not in d.execute_script("return document.documentElement.outerHTML")

        # The CLI sees the same status and the new findings.
        status = {s["target"]["region"]: s for s in json.loads(rampart("--db", str(db), "sync", "--status", "--format", "json"))}
        assert status["us-east-1"]["last_error"] is None and status["us-east-1"]["last_findings"] == synced
        assert status["eu-west-1"]["last_error_kind"] == "denied"
        cli_total = len(json.loads(rampart("--db", str(db), "findings", "--format", "json")))
        assert cli_total == before + new

        # The Overview loads the new counts.
        click(d, 'nav a[href="#/overview"]')
        deadline = time.monotonic() + 30
        while total_findings(d) != cli_total:
            assert time.monotonic() < deadline, f"the Overview shows {total_findings(d)}, the CLI {cli_total}"
            time.sleep(0.3)
        # Every new finding is Security Hub's; the source panel counts the active ones.
        active_new = value(d, "kpi-active") - active_before
        assert 0 < active_new <= new
        assert value(d, "source-securityhub", "data-total") == securityhub_before + active_new
        assert SECRET not in d.execute_script("return document.documentElement.outerHTML")

        # The form remembers its values when the screen opens again.
        click(d, 'nav a[href="#/sync"]')
        wait_attr(d, '[data-testid="sync-regions"]', "value", "us-east-1 eu-west-1")
        assert not wait_for(d, '[data-testid="sync-source-config"]').is_selected()
