"""Risk acceptance in the real window: a requirement that fails on exactly one finding →
accept that finding's risk in the form → the requirement passes and Exceptions lists the
acceptance → revoke it there → the requirement fails again; the CLI then finds the audit log
intact and the acceptance revoked."""

import datetime
import json
import shutil
import time
from pathlib import Path
from urllib.parse import quote

from conftest import rampart
from selenium.webdriver.common.by import By
from test_frameworks import click, wait_attr
from test_window import wait_for


def copy_workspace(src: Path, dst: Path) -> None:
    """Copies a workspace database with its WAL files, so the shared demo stays untouched."""
    shutil.copy(src, dst)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{src}{suffix}")
        if side.exists():
            shutil.copy(side, Path(f"{dst}{suffix}"))


def set_value(driver, el, value: str) -> None:
    """Sets an input's value as typing would (the date input's typed form depends on the locale)."""
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        el,
        value,
    )


def finding_row(driver, finding_id: str, timeout: float = 20):
    """The failing-finding row of `finding_id`, opening collapsed control cards to find it."""
    find = "return [...document.querySelectorAll('[data-testid=\"failing-finding\"]')]" \
           ".find((r) => r.dataset.findingId === arguments[0]) || null"
    deadline = time.monotonic() + timeout
    while True:
        row = driver.execute_script(find, finding_id)
        if row is not None:
            return row
        for toggle in driver.find_elements(By.CSS_SELECTOR, '[data-testid^="control-"] button.toggle[aria-expanded="false"]'):
            driver.execute_script("arguments[0].click()", toggle)
        if time.monotonic() > deadline:
            raise AssertionError(f"no failing-finding row for {finding_id}")
        time.sleep(0.2)


def status_chip(driver) -> str:
    return wait_for(driver, '[data-testid="requirement-header"] .chip').text.strip()


def test_officer_accepts_a_risk_then_revokes_it(open_app, demo_db, tmp_path):
    # Work on a copy: this test writes an acceptance and a revocation.
    db = tmp_path / "governance.db"
    copy_workspace(demo_db[0], db)

    # A requirement with automated evidence that fails on exactly one finding.
    posture = json.loads(rampart("--db", str(db), "posture", "--format", "json"))
    candidates = [
        (fw["id"], r["id"])
        for fw in posture["frameworks"]
        for r in fw["requirements"]
        if not r["manual"] and r["failed"] == 1 and r["status"] == "failing"
    ]
    assert candidates, "the demo workspace has no requirement failing on exactly one finding"
    framework, requirement = candidates[0]
    detail = json.loads(rampart("--db", str(db), "requirement", f"{framework}:{requirement}", "--format", "json"))
    failing = [f for c in detail["controls"] for f in c["failing"] if not f["accepted"]]
    failing += [f for f in detail["other_failing"] if not f["accepted"]]
    assert len(failing) == 1, failing
    finding = failing[0]["id"]
    expires = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=30)).isoformat()

    d = open_app("--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    requirement_hash = f"#/frameworks/{quote(framework, safe='')}/{quote(requirement, safe='')}"
    d.execute_script("window.location.hash = arguments[0]", requirement_hash)
    wait_attr(d, '[data-testid="requirement-header"]', "data-status", "failing")
    assert status_chip(d) == "Failing"

    # Accept the finding's risk from its row.
    row = finding_row(d, finding)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.find_element(By.CSS_SELECTOR, '[data-testid="accept-finding"]').click()
    form = wait_for(d, '[data-testid="accept-form"][data-scope="finding"]')
    assert finding in form.text
    form.find_element(By.CSS_SELECTOR, '[data-testid="accept-reason"]').send_keys(
        "Compensating control: the landing zone re-enables it next sprint.")
    form.find_element(By.CSS_SELECTOR, '[data-testid="accept-owner"]').send_keys("Cloud foundations")
    form.find_element(By.CSS_SELECTOR, '[data-testid="accept-approver"]').send_keys("E2E Approver (CISO)")
    set_value(d, form.find_element(By.CSS_SELECTOR, '[data-testid="accept-expires"]'), expires)
    click(d, '[data-testid="accept-submit"]')

    # The view reloads: the requirement passes, the finding is marked accepted.
    success = wait_for(d, '[data-testid="accept-success"]')
    assert "is recorded" in success.text
    wait_attr(d, '[data-testid="requirement-header"]', "data-status", "passing")
    assert status_chip(d) == "Passing"
    assert finding_row(d, finding).get_attribute("data-accepted") == "true"

    # Exceptions lists it, active, with the finding as its target.
    click(d, '[data-testid="accept-exceptions-link"]')
    target = wait_for(d, '[data-testid="exception-row"] [data-testid="exception-target"]')
    rows = d.find_elements(By.CSS_SELECTOR, '[data-testid="exception-row"]')
    assert len(rows) == 1
    assert target.text.replace("\n", "") == finding
    assert rows[0].get_attribute("data-status") == "active"
    assert "Cloud foundations" in rows[0].text
    acceptance = rows[0].get_attribute("data-id")

    # Revoke it there.
    click(d, f'[data-testid="revoke-{acceptance}"]')
    wait_for(d, '[data-testid="revoke-by"]').send_keys("E2E Officer")
    wait_for(d, '[data-testid="revoke-reason"]').send_keys("The finding is fixed at the source instead.")
    click(d, '[data-testid="revoke-confirm"]')
    assert f"no. {acceptance} is revoked" in wait_for(d, '[data-testid="exceptions-notice"]').text
    click(d, '[data-testid="exceptions-filter-all"]')
    wait_attr(d, f'[data-testid="exception-row"][data-id="{acceptance}"]', "data-status", "revoked")

    # The audit log has both entries and is intact.
    click(d, '[data-testid="audit-tab"]')
    wait_for(d, '[data-testid="audit-entry"][data-action="acceptance.revoke"]')
    click(d, '[data-testid="audit-verify"]')
    wait_attr(d, '[data-testid="audit-result"]', "data-intact", "true")

    # The requirement fails again.
    d.execute_script("window.location.hash = arguments[0]", requirement_hash)
    wait_attr(d, '[data-testid="requirement-header"]', "data-status", "failing")
    assert status_chip(d) == "Failing"

    # The CLI agrees: the chain verifies (exit 0) and the acceptance is revoked.
    rampart("--db", str(db), "audit", "verify")
    listed = json.loads(rampart("--db", str(db), "exceptions", "--format", "json"))
    assert len(listed) == 1
    a = listed[0]
    assert str(a["id"]) == acceptance
    assert a["scope"] == {"scope": "finding", "target": finding}
    assert a["status"] == "revoked"
    assert a["approver"] == "E2E Approver (CISO)"
    assert a["revoked_by"] == "E2E Officer"
    assert a["expires_at"].startswith(f"{expires}T00:00:00")
    after = json.loads(rampart("--db", str(db), "requirement", f"{framework}:{requirement}", "--format", "json"))
    assert after["posture"]["status"] == "failing"
