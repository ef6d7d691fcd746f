"""Daily work in the real window, each step checked against the CLI on the same workspace:
the explorer opens on failing findings with passed checks one click away; its SLA strip counts
what the filters leave; Due sorts the most overdue first; a finding is found by its id; the
Overview counts what is past its SLA; an engineer lists the findings of their team (owner);
a requirement's failing findings open their side panel; the accept form keeps typed work on
Escape and reads a typed day; an expired attestation is renewed from the list with an evidence
file hashed by the core."""

import datetime
import hashlib
import json
import subprocess
import time
from urllib.parse import quote

import pytest
from conftest import BINARY, DEMO_END_DAY, rampart
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_frameworks import click, wait_attr
from test_governance import copy_workspace
from test_window import wait_for

TEAM = "Payments platform team"


@pytest.fixture(scope="module")
def owned_demo(tmp_path_factory):
    """The demo workspace with one account assigned to a team."""
    db = tmp_path_factory.mktemp("daily") / "demo.db"
    rampart("--db", str(db), "demo", "--end-day", DEMO_END_DAY)
    account = json.loads(rampart("--db", str(db), "overview", "--format", "json"))["by_account"][0]["account"]
    rampart("--db", str(db), "assign", "--account", account, "--owner", TEAM, "--by", "Dana Whitfield")
    return db


def cli_findings(db, *args: str) -> list[dict]:
    return json.loads(rampart("--db", str(db), "findings", "--record-state", "active", "--format", "json", *args))


def total(d) -> int:
    return int(wait_for(d, '[data-testid="explorer-total"]').get_attribute("data-value"))


def wait_total(d, expected: int) -> None:
    wait_attr(d, '[data-testid="explorer-total"]', "data-value", str(expected))


def test_the_explorer_starts_on_failing_findings_and_its_strip_follows_the_filters(open_app, owned_demo):
    failing = cli_findings(owned_demo, "--status", "failed")
    everything = cli_findings(owned_demo)
    assert 0 < len(failing) < len(everything)
    d = open_app("--db", str(owned_demo))
    d.execute_script("window.location.hash = '#/findings'")
    wait_total(d, len(failing))
    statuses = {r.get_attribute("data-status") for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="explorer-row"]')}
    assert statuses == {"failed"}, statuses
    # Passed checks are one click away, and back.
    click(d, '[data-testid="explorer-status-scope"]')
    wait_total(d, len(everything))
    click(d, '[data-testid="explorer-status-scope"]')
    wait_total(d, len(failing))

    # The strip counts the findings the filters leave: with only critical ones listed, no
    # high finding is overdue, and the critical figure is the CLI's.
    critical_overdue = cli_findings(owned_demo, "--severity", "critical", "--overdue")
    assert critical_overdue
    high_overdue = cli_findings(owned_demo, "--severity", "high", "--overdue")
    assert high_overdue, "the demo has overdue high findings, so the strip must change"
    wait_attr(d, '[data-testid="sla-overdue-HIGH"]', "data-value", str(len(high_overdue)))
    click(d, '[data-testid="filter-severity-CRITICAL"]')
    wait_attr(d, '[data-testid="sla-overdue-HIGH"]', "data-value", "0")
    wait_attr(d, '[data-testid="sla-overdue-CRITICAL"]', "data-value", str(len(critical_overdue)))
    wait_attr(d, '[data-testid="sla-overdue-all"]', "data-value", str(len(critical_overdue)))


def test_due_sorts_the_most_overdue_first_and_search_finds_an_id(open_app, owned_demo):
    first_due = cli_findings(owned_demo, "--status", "failed", "--sort", "due", "--page", "1", "--page-size", "3")
    d = open_app("--db", str(owned_demo))
    d.execute_script("window.location.hash = '#/findings'")
    wait_for(d, '[data-testid="explorer-row"]')
    if not d.find_elements(By.CSS_SELECTOR, '[data-testid="sort-due"]'):
        # Due is in the column chooser: show it.
        click(d, '[data-testid="column-chooser"] summary')
        click(d, '[data-testid="column-due"]')
        click(d, '[data-testid="column-chooser"] summary')
    click(d, '[data-testid="sort-due"]')
    deadline = time.monotonic() + 20
    while True:
        rows = [r.get_attribute("data-id") for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="explorer-row"]')[:3]]
        if rows == [f["id"] for f in first_due] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert rows == [f["id"] for f in first_due]
    assert "sort=due" in d.execute_script("return window.location.hash")

    # A finding's id, pasted into the search, finds that finding.
    wanted = first_due[1]["id"]
    box = wait_for(d, '[data-testid="explorer-search"]')
    box.send_keys(wanted)
    wait_total(d, 1)
    assert d.find_element(By.CSS_SELECTOR, '[data-testid="explorer-row"]').get_attribute("data-id") == wanted


def test_the_overview_counts_what_is_past_its_sla(open_app, owned_demo):
    sla = json.loads(rampart("--db", str(owned_demo), "sla", "--format", "json"))
    overdue = sum(s["overdue"] for s in sla["by_severity"])
    assert overdue > 0
    d = open_app("--db", str(owned_demo))
    # Numbers keep their thousands separators, whatever locale the desktop reports (C/POSIX here).
    active = wait_for(d, '[data-testid="kpi-active"]')
    assert active.text == f"{int(active.get_attribute('data-value')):,}", active.text
    link = wait_attr(d, '[data-testid="kpi-overdue"]', "data-value", str(overdue))
    link.click()
    wait_total(d, overdue)
    assert "overdue=1" in d.execute_script("return window.location.hash")


def test_an_engineer_lists_the_findings_of_their_team(open_app, owned_demo):
    mine = cli_findings(owned_demo, "--status", "failed", "--owner", TEAM)
    nobody = cli_findings(owned_demo, "--status", "failed", "--unowned")
    everything = cli_findings(owned_demo, "--status", "failed")
    assert mine and nobody and len(mine) + len(nobody) == len(everything)
    d = open_app("--db", str(owned_demo))
    d.execute_script("window.location.hash = '#/findings'")
    wait_total(d, len(everything))
    picker = wait_for(d, '[data-testid="filter-owner"]')
    d.execute_script(
        "const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}))",
        picker, TEAM)
    wait_total(d, len(mine))
    owners = {r.get_attribute("data-owner") for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="explorer-row"]')}
    assert owners <= {TEAM}, owners
    assert f"owner={quote(TEAM).replace('%20', '+')}" in d.execute_script("return window.location.hash")
    nobody_value = d.execute_script(
        "return [...arguments[0].options].find(o => o.textContent.startsWith('Nobody')).value", picker)
    d.execute_script(
        "const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}))",
        picker, nobody_value)
    wait_total(d, len(nobody))


def test_a_requirements_failing_findings_open_their_panel(open_app, owned_demo):
    d = open_app("--db", str(owned_demo))
    d.execute_script("window.location.hash = arguments[0]",
                     "#/frameworks/hipaa/" + quote("164.312(b)", safe=""))
    row = wait_for(d, '[data-testid="failing-finding"]')
    wanted = row.get_attribute("data-finding-id")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.find_elements(By.TAG_NAME, "td")[2].click()
    panel = wait_for(d, '[data-testid="finding-panel"]')
    assert panel.get_attribute("data-id") == wanted
    # Its detail fills in: the JSON as the source sent it names the finding.
    json_section = wait_for(d, '[data-testid="finding-panel"] [data-testid="finding-json"]')
    assert wanted in json_section.get_attribute("textContent")


def test_the_accept_form_keeps_typed_work_and_takes_a_typed_day(open_app, owned_demo):
    d = open_app("--db", str(owned_demo))
    d.execute_script("window.location.hash = arguments[0]",
                     "#/frameworks/hipaa/" + quote("164.312(b)", safe=""))
    row = wait_for(d, '[data-testid="failing-finding"]')
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.find_element(By.CSS_SELECTOR, '[data-testid="accept-finding"]').click()
    form = wait_for(d, '[data-testid="accept-form"]')
    reason = form.find_element(By.CSS_SELECTOR, '[data-testid="accept-reason"]')
    reason.send_keys("Compensating control: the WAF blocks this path.")
    # Escape asks; keeping the work keeps every word.
    reason.send_keys(Keys.ESCAPE)
    wait_for(d, '[data-testid="accept-discard"]')
    d.find_element(By.CSS_SELECTOR, '[data-testid="accept-discard-keep"]').click()
    assert reason.get_attribute("value") == "Compensating control: the WAF blocks this path."
    # A day typed key by key, in words, is read as that day (not a month per digit).
    expires = form.find_element(By.CSS_SELECTOR, '[data-testid="accept-expires"]')
    expires.click()
    expires.send_keys(Keys.END)
    expires.send_keys(Keys.BACKSPACE * len(expires.get_attribute("value")))
    assert expires.get_attribute("value") == ""
    assert expires.get_attribute("placeholder") == "YYYY-MM-DD"
    when = (datetime.date.today() + datetime.timedelta(days=9))
    typed = f"{when.day} {when.strftime('%b')} {when.year}"
    expires.send_keys(typed)
    assert expires.get_attribute("value") == typed
    expires.send_keys(Keys.TAB)
    assert expires.get_attribute("value") == when.isoformat()
    # Discarding is a choice: Escape, then Discard.
    reason.send_keys(Keys.ESCAPE)
    wait_for(d, '[data-testid="accept-discard-confirm"]').click()
    deadline = time.monotonic() + 5
    while d.find_elements(By.CSS_SELECTOR, '[data-testid="accept-form"]') and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not d.find_elements(By.CSS_SELECTOR, '[data-testid="accept-form"]')


def test_an_expired_attestation_is_renewed_from_the_list_with_its_evidence(open_app_with_env, owned_demo, tmp_path):
    db = tmp_path / "attest.db"
    copy_workspace(owned_demo, db)
    evidence = tmp_path / "dpia-register.csv"
    evidence.write_text("processing,owner,reviewed\npayments,DPO,2026-11-30\n")
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    d = open_app_with_env({"RAMPART_OPEN_FILE": str(evidence)}, "--db", str(db))
    d.execute_script("window.location.hash = '#/attestations'")
    row = wait_for(d, '[data-testid="attestation-row"][data-standing="expired"]')
    framework, requirement = row.get_attribute("data-framework"), row.get_attribute("data-requirement")
    row.find_element(By.CSS_SELECTOR, '[data-testid="attestation-act"]').click()
    form = wait_for(d, '[data-testid="attest-form"]')
    assert form.find_element(By.CSS_SELECTOR, '[data-testid="attest-statement"]').get_attribute("value"), \
        "renewing starts from the statement in force"
    form.find_element(By.CSS_SELECTOR, '[data-testid="attest-evidence-choose"]').click()
    shown = wait_for(d, '[data-testid="attest-evidence"]')
    assert shown.get_attribute("data-sha256") == digest and "dpia-register.csv" in shown.text
    form.find_element(By.CSS_SELECTOR, '[data-testid="attest-by"]').send_keys("Dana Whitfield (DPO)")
    form.find_element(By.CSS_SELECTOR, '[data-testid="attest-submit"]').click()
    deadline = time.monotonic() + 20
    while d.find_elements(By.CSS_SELECTOR, '[data-testid="attest-form"]') and time.monotonic() < deadline:
        time.sleep(0.2)
    detail = json.loads(rampart("--db", str(db), "requirement", f"{framework}:{requirement}", "--format", "json"))
    newest = max(detail["attestations"], key=lambda a: a["id"])
    assert (newest["by"], newest["evidence_name"], newest["evidence_sha256"]) == \
        ("Dana Whitfield (DPO)", "dpia-register.csv", digest)
    assert detail["posture"]["status"] == "attested" or detail["posture"]["attestation"]["id"] == newest["id"]


def test_an_acceptance_is_renewed_from_exceptions_linked_to_the_old_one(open_app, owned_demo, tmp_path):
    db = tmp_path / "renew.db"
    copy_workspace(owned_demo, db)
    soon = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    rampart("--db", str(db), "accept", "--control", "S3.8", "--reason", "Marketing site buckets are public by design.",
            "--owner", "Web platform team", "--approver", "Priya Natarajan (CISO)", "--expires", soon)
    old = json.loads(rampart("--db", str(db), "exceptions", "--format", "json"))[0]
    d = open_app("--db", str(db))
    d.execute_script("window.location.hash = '#/exceptions?filter=all'")
    click(d, f'[data-testid="renew-{old["id"]}"]')
    form = wait_for(d, '[data-testid="accept-form"]')
    assert form.find_element(By.CSS_SELECTOR, '[data-testid="accept-reason"]').get_attribute("value") == old["reason"]
    form.find_element(By.CSS_SELECTOR, '[data-testid="accept-approver"]').send_keys("Priya Natarajan (CISO)")
    form.find_element(By.CSS_SELECTOR, '[data-testid="accept-submit"]').click()
    wait_for(d, '[data-testid="exception-renewed-by"]')
    listed = {a["id"]: a for a in json.loads(rampart("--db", str(db), "exceptions", "--format", "json"))}
    new = next(a for a in listed.values() if a["renews"] == old["id"])
    assert listed[old["id"]]["renewed_by"] == new["id"] and not listed[old["id"]]["expiring_soon"]
    assert new["reason"] == old["reason"] and new["scope"] == old["scope"]
    done = subprocess.run([str(BINARY), "--db", str(db), "audit", "verify"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_covers_n_failing_opens_exactly_those_findings(open_app, owned_demo, tmp_path):
    db = tmp_path / "covers.db"
    copy_workspace(owned_demo, db)
    later = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    control = next(f.get("security_control") or f["control"] for f in cli_findings(db, "--status", "failed")
                   if f.get("security_control") or f.get("control"))
    rampart("--db", str(db), "accept", "--control", control, "--reason", "Public by design.",
            "--owner", "Web platform team", "--approver", "Priya Natarajan (CISO)", "--expires", later)
    acceptance = json.loads(rampart("--db", str(db), "exceptions", "--format", "json"))[0]
    covered = json.loads(rampart("--db", str(db), "findings", "--acceptance", str(acceptance["id"]), "--format", "json"))
    assert covered and len(covered) == acceptance["covers"]
    d = open_app("--db", str(db))
    d.execute_script("window.location.hash = '#/exceptions?filter=all'")
    cell = wait_for(d, f'[data-testid="exception-row"][data-id="{acceptance["id"]}"] [data-testid="exception-covers"] a')
    cell.click()
    wait_total(d, len(covered))
    rows = {r.get_attribute("data-id") for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="explorer-row"]')}
    assert rows <= {f["id"] for f in covered}
    click(d, '[data-testid="filter-acceptance"]')  # removing it shows every failing finding again
    wait_total(d, len(cli_findings(db, "--status", "failed")))


def test_a_changed_finding_on_the_overview_opens_its_panel(open_app, tmp_path):
    # The Overview lists the last week's changes: a demo that ends today has some.
    db = tmp_path / "today.db"
    rampart("--db", str(db), "demo", "--end-day", datetime.date.today().isoformat())
    d = open_app("--db", str(db))
    item = wait_for(d, '[data-testid="changes-finding"]')
    wanted = item.get_attribute("data-id")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
    item.find_element(By.CSS_SELECTOR, '[data-testid="changes-open"]').click()
    panel = wait_for(d, '[data-testid="finding-panel"]')
    assert panel.get_attribute("data-id") == wanted
