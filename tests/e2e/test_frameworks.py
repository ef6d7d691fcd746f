"""The officer's journey in the real window: Overview → HIPAA → 164.312(b) → its failing
controls with remediation → a manual requirement → attest it → its status changes."""

import json
import shutil
import time

from conftest import rampart
from selenium.webdriver.common.by import By
from test_window import page_text, wait_for


def click(driver, css: str):
    el = wait_for(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()
    return el


def wait_attr(driver, css: str, attr: str, expected: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        els = driver.find_elements(By.CSS_SELECTOR, css)
        if els and els[0].get_attribute(attr) == expected:
            return els[0]
        if time.monotonic() > deadline:
            got = els[0].get_attribute(attr) if els else None
            raise AssertionError(f"{css}[{attr}] is {got!r}, expected {expected!r}")
        time.sleep(0.2)


def test_officer_reviews_hipaa_and_attests_a_manual_requirement(open_app, demo_db, tmp_path):
    # Work on a copy: this test writes an attestation.
    db = tmp_path / "officer.db"
    shutil.copy(demo_db[0], db)
    posture = json.loads(rampart("--db", str(db), "posture", "--framework", "hipaa", "--format", "json"))
    hipaa = posture["frameworks"][0]
    d = open_app("--db", str(db))

    # Overview → the HIPAA card shows the same control score the CLI computes.
    card = wait_for(d, '[data-testid="framework-card-hipaa"]')
    assert abs(float(card.get_attribute("data-control-score")) - hipaa["control_score"]) < 1e-9
    # ... and the same headline score, with "requirements fully met: N of M" beside it.
    assert abs(float(card.get_attribute("data-score")) - hipaa["score"]) < 1e-9
    shown = wait_for(d, '[data-testid="framework-score-hipaa"]').text
    assert shown == f"{int(hipaa['score'] * 100 + 0.5)}%", shown  # the window rounds half up
    met = wait_for(d, '[data-testid="framework-fully-met-hipaa"]')
    assert met.get_attribute("data-passing") == str(hipaa["passing"])
    assert met.get_attribute("data-total") == str(hipaa["passing"] + hipaa["failing"])
    click(d, '[data-testid="framework-card-hipaa"] a, a[data-testid="framework-card-hipaa"]')

    # Framework view: every requirement with the CLI's status.
    wait_for(d, '[data-testid^="requirement-row-"]')
    for r in hipaa["requirements"]:
        row = wait_for(d, f'[data-testid="requirement-row-{r["id"]}"]')
        assert row.get_attribute("data-status") == r["status"], r["id"]
        # Each requirement's own score, as the CLI computes it.
        cell = wait_for(d, f'[data-testid="requirement-score-{r["id"]}"]')
        if r["score"] is None:
            assert cell.get_attribute("data-score") in ("", None), r["id"]
        else:
            assert abs(float(cell.get_attribute("data-score")) - r["score"]) < 1e-9, r["id"]

    # 164.312(b) → its failing controls, each with remediation steps.
    click(d, '[data-testid="requirement-row-164.312(b)"] a, a[data-testid="requirement-row-164.312(b)"]')
    detail = json.loads(rampart("--db", str(db), "requirement", "hipaa:164.312(b)", "--format", "json"))
    failing = [c for c in detail["controls"] if c["status"] == "failed"]
    assert failing
    first = wait_for(d, f'[data-testid="control-{failing[0]["id"]}"]')
    assert first.get_attribute("data-status") == "failed"
    if not d.find_elements(By.CSS_SELECTOR, f'[data-testid="remediation-{failing[0]["id"]}"]'):
        click(d, f'[data-testid="control-{failing[0]["id"]}"] button')
    remediation = wait_for(d, f'[data-testid="remediation-{failing[0]["id"]}"]')
    assert failing[0]["remediation"]["steps"][0][:40] in remediation.text
    assert d.find_elements(By.CSS_SELECTOR, '[data-testid="failing-finding"]')
    # The AWS link leaves for the system browser: no second webview, the page stays.
    click(d, f'[data-testid="aws-link-{failing[0]["id"]}"]')
    time.sleep(1)
    assert len(d.window_handles) == 1
    assert d.find_elements(By.CSS_SELECTOR, f'[data-testid="remediation-{failing[0]["id"]}"]')

    # A manual requirement: not attested → attest it in the form → attested.
    d.execute_script("window.location.hash = '#/frameworks/hipaa/' + encodeURIComponent('164.316(b)(1)')")
    wait_attr(d, '[data-testid="attestation-current"]', "data-state", "not_attested")
    wait_for(d, '[data-testid="attest-by"]').send_keys("E2E Officer")
    wait_for(d, '[data-testid="attest-statement"]').send_keys("Security documentation is current and kept for six years.")
    click(d, '[data-testid="attest-submit"]')
    wait_attr(d, '[data-testid="attestation-current"]', "data-state", "attested")
    assert "E2E Officer" in page_text(d)
    after = json.loads(rampart("--db", str(db), "requirement", "hipaa:164.316(b)(1)", "--format", "json"))
    assert after["posture"]["status"] == "attested"
    assert after["attestations"][0]["by"] == "E2E Officer"

    # Back works: the browser history returns to the framework view.
    d.back()
    d.back()
    wait_for(d, '[data-testid="requirement-row-164.312(b)"]')

    # The Attestations view lists it as valid now, and the never-attested ones first.
    d.execute_script("window.location.hash = '#/attestations'")
    click(d, '[data-testid="attestations-filter-all"]')
    row = wait_for(d, '[data-testid="attestation-row"][data-requirement="164.316(b)(1)"]')
    assert row.get_attribute("data-standing") == "valid"
    assert "E2E Officer" in row.text
    standings = [r.get_attribute("data-standing")
                 for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="attestation-row"]')]
    order = {"expired": 0, "missing": 1, "due": 2, "valid": 3}
    assert standings == sorted(standings, key=order.__getitem__), standings
    manual = sum(1 for f in json.loads(rampart("--db", str(db), "posture", "--format", "json"))["frameworks"]
                 for r in f["requirements"] if r["manual"])
    assert len(standings) == manual
