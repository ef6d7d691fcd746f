"""The real window, driven over WebDriver: it opens on the demo workspace, shows the same
counts the CLI computes from the store, and renders hostile strings from AWS as text."""

import json
import time

from conftest import rampart
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By


def wait_for(driver, css: str, timeout: float = 60):
    """Waits until an element matching `css` exists, and returns it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = driver.find_elements(By.CSS_SELECTOR, css)
        except StaleElementReferenceException:
            # WebKitWebDriver can lose a match that the page removed while it was answering
            # (a table re-rendering as its data arrives): ask again.
            found = []
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"{css} did not appear within {timeout}s; page text: {page_text(driver)[:500]}")
        time.sleep(0.2)


def page_text(driver) -> str:
    return driver.execute_script("return document.body ? document.body.innerText : ''")


def value(driver, testid: str, attr: str = "data-value") -> int:
    return int(wait_for(driver, f'[data-testid="{testid}"]').get_attribute(attr))


def test_overview_shows_the_counts_in_the_store(open_app, demo_db):
    db, expected = demo_db
    d = open_app("--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    totals = expected["totals"]
    assert value(d, "kpi-active") == totals["active"]
    assert value(d, "kpi-failed") == totals["failed"]
    assert value(d, "kpi-passed") == totals["passed"]
    assert value(d, "kpi-archived") == totals["archived"]
    for sev in expected["by_severity"]:
        assert value(d, f"sev-{sev['severity']}") == sev["failed"], sev
    for src in expected["by_source"]:
        assert value(d, f"source-{src['key']}", "data-total") == src["total"], src
        assert value(d, f"source-{src['key']}", "data-failed") == src["failed"], src
    assert len(expected["by_account"]) >= 4
    for acct in expected["by_account"]:
        assert value(d, f"account-{acct['account']}", "data-failed") == acct["failed"], acct
        row = wait_for(d, f'[data-testid="account-{acct["account"]}"]')
        assert acct["name"] and acct["name"] in row.get_attribute("textContent"), acct
    # The demo's organisation: every OU with what the CLI counts below it.
    assert expected["by_unit"], "the demo has an organisation"
    for unit in expected["by_unit"]:
        assert value(d, f"unit-{unit['id']}", "data-failed") == unit["failed"], unit
    last = wait_for(d, '[data-testid="last-import"]').text
    assert expected["last_import"]["label"] in last
    assert "Demo workspace" in page_text(d)


def test_first_start_builds_and_opens_the_demo_workspace(open_app, tmp_path):
    db = tmp_path / "fresh" / "rampart.db"
    d = open_app("--db", str(db))
    # The demo is generated in the background on first start; the window shows it when ready.
    active = value(d, "kpi-active")
    assert active > 1000
    assert db.exists()
    cli = json.loads(rampart("--db", str(db), "overview", "--format", "json"))
    assert cli["workspace"]["is_demo"] is True
    assert cli["totals"]["active"] == active


def test_hostile_strings_from_aws_are_shown_as_text(open_app, tmp_path):
    payload = "<img src=x onerror=\"window.__pwned=1\">"
    script = "<script>window.__pwned=2</script>"
    finding = {
        "SchemaVersion": "2018-10-08",
        "Id": "xss-1",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": "security-control/S3.8",
        # An account id must be twelve digits (a hostile one is refused at import).
        "AwsAccountId": "111122223333",
        "CreatedAt": "2026-03-01T00:00:00Z",
        "UpdatedAt": "2026-03-01T00:00:00Z",
        "Severity": {"Label": "CRITICAL"},
        "Title": script,
        "Description": payload,
        "Resources": [{"Type": "AwsS3Bucket", "Id": script, "Tags": {"Name": payload, "Owner": "\u202etset\u200b"}}],
        "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"},
    }
    # The file name itself is hostile too: it is shown as the latest import's label.
    export = tmp_path / "<img src=x onerror=window.__pwned=3>.json"
    export.write_text(json.dumps({"Findings": [finding]}))
    db = tmp_path / "xss.db"
    rampart("--db", str(db), "import", str(export))
    d = open_app("--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    text = page_text(d)
    assert export.name in text, text[:800]
    assert d.execute_script("return window.__pwned === undefined")
    assert d.execute_script("return document.querySelectorAll('main img, main script').length") == 0
    # Its panel shows the hostile description and resource tag as text too.
    d.execute_script("window.location.hash = '#/findings'")
    wait_for(d, '[data-testid="explorer-row"]').click()
    tags = wait_for(d, '[data-testid="finding-panel"] [data-testid="resource-tags"]')
    assert tags.find_element(By.CSS_SELECTOR, "dt").text == "Name"
    assert tags.find_element(By.CSS_SELECTOR, "dd").text == payload
    # A bidi override and a zero-width space show for what they are, not reversing the text.
    values = [dd.text for dd in tags.find_elements(By.CSS_SELECTOR, "dd")]
    assert "<U+202E>tset<U+200B>" in values, values
    assert not any("\u202e" in v or "\u200b" in v for v in values), values
    assert wait_for(d, '[data-testid="finding-description"]').text == payload
    # The JSON as sent, with the payload's quotes escaped as JSON writes them.
    assert json.dumps(payload)[1:-1] in wait_for(d, '[data-testid="finding-json"]').get_attribute("textContent")
    assert d.execute_script("return window.__pwned === undefined")
    assert d.execute_script("return document.querySelectorAll('main img, main script').length") == 0


def test_the_window_cannot_be_navigated_away_from_rampart(open_app, tmp_path):
    """A page script (a compromised dependency, say) sending the window to a remote site is
    refused by the navigation guard: the window stays on Rampart's own page, still working."""
    db = tmp_path / "nav.db"
    rampart("demo", "--db", str(db))
    d = open_app("--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    start = d.execute_script("return location.origin")
    for target in ["https://example.com/", "http://127.0.0.1:9/", "data:text/html,<h1 id=foreign>x</h1>"]:
        d.execute_script("window.__stillHere = true; location.href = arguments[0];", target)
        time.sleep(1.5)
        assert d.execute_script("return location.origin") == start, target
        assert d.execute_script("return window.__stillHere === true"), f"{target}: the page was replaced"
        assert d.execute_script("return document.getElementById('foreign')") is None
    # And the app still answers: navigating within it works.
    d.execute_script("window.location.hash = '#/findings'")
    wait_for(d, '[data-testid="explorer-row"]')


def test_the_first_start_keeps_everything_private(open_app_with_env, tmp_path):
    """Started for the first time with no --db, the window creates its data and configuration
    folders before the webview does: every folder is 0700 and every file 0600, WebKit's own
    data included; a workspace an older version left readable is made private, and Settings
    says so."""
    data, config = tmp_path / "data", tmp_path / "config"
    d = open_app_with_env({"XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(config)})
    wait_for(d, '[data-testid="kpi-active"]')
    app_data = data / "dev.rampart.desktop"
    assert (app_data / "rampart.db").is_file()
    found = [p for p in app_data.rglob("*")] + [app_data]
    open_to_others = [(str(p), oct(p.stat().st_mode & 0o777)) for p in found
                      if not p.is_symlink() and p.stat().st_mode & 0o077]
    assert not open_to_others, open_to_others
    assert app_data.stat().st_mode & 0o777 == 0o700

    # An older version left the workspace readable: the next start tightens it and says so.
    d.quit()
    (app_data / "rampart.db").chmod(0o644)
    d = open_app_with_env({"XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(config)})
    wait_for(d, '[data-testid="kpi-active"]')
    assert (app_data / "rampart.db").stat().st_mode & 0o777 == 0o600
    d.execute_script("window.location.hash = '#/settings'")
    notices = wait_for(d, '[data-testid="workspace-notices"]')
    assert "readable by other users (0644)" in notices.text, notices.text
