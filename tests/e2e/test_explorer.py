"""The engineer's and the manager's first steps in the real window: search a CVE in the
findings explorer, narrow it to CRITICAL, open one; and the Trends view shows the demo's
daily points with the numbers the CLI computes."""

import json
import time

from conftest import DEMO_END_DAY, rampart
from selenium.webdriver.common.by import By
from test_frameworks import click, wait_attr
from test_window import wait_for


def test_engineer_searches_a_cve_filters_critical_and_opens_it(open_app, demo_db):
    db, _ = demo_db
    # The explorer lists active findings unless asked for archived ones.
    expected = json.loads(rampart("--db", str(db), "findings", "--search", "CVE-2024-3094", "--severity", "critical",
                                  "--record-state", "active", "--format", "json"))
    assert expected, "the demo has xz findings"
    d = open_app("--db", str(db))
    d.execute_script("window.location.hash = '#/findings'")
    box = wait_for(d, '[data-testid="explorer-search"]')
    box.send_keys("CVE-2024-3094")
    click(d, '[data-testid="filter-severity-CRITICAL"]')
    wait_attr(d, '[data-testid="explorer-total"]', "data-value", str(len(expected)))
    rows = d.find_elements(By.CSS_SELECTOR, '[data-testid="explorer-row"]')
    assert {r.get_attribute("data-id") for r in rows} <= {f["id"] for f in expected}
    rows[0].click()
    panel = wait_for(d, '[data-testid="finding-panel"]')
    assert "CVE-2024-3094" in panel.text
    # The finding's detail fills in: the CVE's package, and the finding's JSON (collapsed, so read
    # through textContent) names the finding.
    opened = panel.get_attribute("data-id")
    assert wait_for(d, '[data-testid="finding-panel"] [data-testid="cve-package"]').text == "xz-libs"
    assert "xz-libs" in panel.text
    json_section = wait_for(d, '[data-testid="finding-panel"] [data-testid="finding-json"]')
    assert opened in json_section.get_attribute("textContent")
    # The query lives in the URL: reloading the route restores it.
    assert "CVE-2024-3094" in d.execute_script("return decodeURIComponent(window.location.hash)")


def test_trends_show_the_cli_trend(open_app, demo_db):
    db, _ = demo_db
    cli = json.loads(rampart("--db", str(db), "trend", "--days", "30", "--until", DEMO_END_DAY, "--framework", "hipaa",
                             "--format", "json"))
    last = cli["frameworks"][0]["points"][-1]
    d = open_app("--db", str(db))
    d.execute_script(f"window.location.hash = '#/trends?days=30&until={DEMO_END_DAY}'")
    wait_for(d, '[data-testid="trend-chart-hipaa"]')
    deadline = time.monotonic() + 20
    while True:
        rows = d.find_elements(By.CSS_SELECTOR, f'[data-testid="trend-table-hipaa"] [data-testid="trend-row"][data-day="{last["day"]}"]')
        if rows or time.monotonic() > deadline:
            break
        toggles = d.find_elements(By.XPATH, "//*[@data-testid='trend-panel-hipaa']//button[contains(., 'table') or contains(., 'Table')]")
        if toggles:
            toggles[0].click()
        time.sleep(0.3)
    assert rows, "the trend table row for the last day is shown"
    failures = d.execute_script("return Array.from(document.querySelectorAll('[data-error]')).map(e => e.dataset.error)")
    assert not failures, f"charts failed to draw in the real window: {failures}"
    assert abs(float(rows[0].get_attribute("data-control-score")) - last["control_score"]) < 1e-9
