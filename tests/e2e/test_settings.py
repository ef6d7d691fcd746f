"""Settings and owners in the real window, each checked against the CLI on the same database:
sync defaults saved in the window are what `rampart settings` shows; a catalog file added from
the window (the open dialog answered by RAMPART_OPEN_FILE) brings its framework to `rampart
posture`, and goes again when removed; a broken file is refused with its file and line, and
nothing is added; "New empty workspace…" switches the window to a new, empty database; an
account owner assigned in the Owners tab is what `rampart sla --by-owner` lists."""

import json
import time
from pathlib import Path

from conftest import ROOT, rampart
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_frameworks import click, wait_attr
from test_governance import copy_workspace
from test_window import page_text, wait_for

CUSTOM = ROOT / "tests/fixtures/catalog/custom-framework.toml"
BROKEN = ROOT / "tests/fixtures/catalog-bad/syntax-error.toml"


def aws_files(tmp_path: Path) -> dict:
    """An AWS config with one SSO profile and no credentials file: the profile chips are known,
    and no machine's own profiles leak in. No credential is involved anywhere."""
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile e2e-sso]\nregion = eu-central-1\nsso_session = corp\nsso_account_id = 111122223333\n\n"
        "[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-central-1\n"
    )
    return {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-such-credentials"),
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
    }


def go(driver, hash_: str, ready_css: str):
    driver.execute_script("window.location.hash = arguments[0]", hash_)
    return wait_for(driver, ready_css)


def names(driver, testid: str) -> list[str]:
    return [el.get_attribute("data-name") for el in driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')]


def wait_until(what: str, check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout}s")
        time.sleep(0.2)


def framework_ids(db: Path) -> list[str]:
    posture = json.loads(rampart("--db", str(db), "posture", "--format", "json"))
    return [fw["id"] for fw in posture["frameworks"]]


def test_sync_defaults_saved_in_the_window_are_what_the_cli_uses(open_app_with_env, demo_db, tmp_path):
    db = tmp_path / "settings.db"
    copy_workspace(demo_db[0], db)
    d = open_app_with_env(aws_files(tmp_path), "--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    go(d, "#/settings", '[data-testid="settings-sync"]')
    assert names(d, "settings-sync-profile") == []
    assert "standard choice" in wait_for(d, '[data-testid="settings-sync"]').text

    # The profile from the config file is offered with its Region and SSO tag; a name not in
    # the files is typed. Nothing on the page asks for a secret.
    chip = wait_for(d, '[data-testid="settings-sync-profile-choice"][data-name="e2e-sso"]')
    assert "eu-central-1" in chip.text and "SSO" in chip.text
    assert d.find_elements(By.CSS_SELECTOR, 'input[type="password"]') == []
    profile = wait_for(d, '[data-testid="settings-sync-profile-input"]')
    profile.send_keys("e2e-typed")
    click(d, '[data-testid="settings-sync-profile-add"]')
    assert names(d, "settings-sync-profile") == ["e2e-typed"]

    # A malformed Region is refused where it is typed; then one typed (Enter adds it) and one
    # suggested from the profile's Region.
    region = wait_for(d, '[data-testid="settings-sync-region-input"]')
    region.send_keys("eu-west")
    click(d, '[data-testid="settings-sync-region-add"]')
    assert "is not an AWS Region name" in wait_for(d, '[data-testid="settings-sync-region-error"]').text
    region.clear()
    region.send_keys("eu-west-1", Keys.ENTER)
    click(d, '[data-testid="settings-sync-region-suggestion"][data-name="eu-central-1"]')
    assert names(d, "settings-sync-region") == ["eu-west-1", "eu-central-1"]

    box = wait_for(d, '[data-testid="settings-sync-source-inspector"]')
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    assert box.is_selected()
    wait_for(d, '[data-testid="settings-by"]').send_keys("E2E Officer")
    click(d, '[data-testid="settings-save"]')
    wait_until("the settings were saved", lambda: "Saved" in wait_for(d, '[data-testid="settings-success"]').text)

    settings = json.loads(rampart("--db", str(db), "settings", "--format", "json"))
    assert settings["sync"] == {
        "profiles": ["e2e-typed"],
        "regions": ["eu-west-1", "eu-central-1"],
        "sources": ["inspector"],
    }
    audit = json.loads(rampart("--db", str(db), "audit", "--format", "json"))
    assert any(e["action"] == "setting.change" and e["actor"] == "E2E Officer" for e in audit), audit[:3]

    # Shown again after leaving the page.
    go(d, "#/overview", '[data-testid="kpi-active"]')
    go(d, "#/settings", '[data-testid="settings-sync-profile"]')
    assert names(d, "settings-sync-profile") == ["e2e-typed"]
    assert names(d, "settings-sync-region") == ["eu-west-1", "eu-central-1"]


def test_catalog_file_added_from_the_window_then_removed(open_app_with_env, demo_db, tmp_path):
    db = tmp_path / "catalog.db"
    copy_workspace(demo_db[0], db)
    assert "acme" not in framework_ids(db)
    d = open_app_with_env({"RAMPART_OPEN_FILE": str(CUSTOM)}, "--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    go(d, "#/settings", '[data-testid="catalog-framework"]')
    assert wait_for(d, '[data-testid="catalog-files-empty"]')
    assert wait_for(d, '[data-testid="catalog-folder"]').text == str(tmp_path / "catalog")

    wait_for(d, '[data-testid="catalog-by"]').send_keys("E2E Officer")
    click(d, '[data-testid="catalog-add"]')
    notice = wait_until("the file was added", lambda: wait_for(d, '[data-testid="catalog-notice"]').text, timeout=60)
    assert "custom-framework.toml is added" in notice and "acme" in notice
    row = wait_for(d, '[data-testid="catalog-framework"][data-id="acme"]')
    assert row.get_attribute("data-custom") == "true"
    assert "ACME cloud baseline" in row.text
    file = wait_for(d, '[data-testid="catalog-file"][data-name="custom-framework.toml"]')
    assert file.get_attribute("data-in-folder") == "true"
    assert (tmp_path / "catalog" / "custom-framework.toml").exists()

    # The CLI, on the same database, maps with it too; and the Frameworks view has it.
    assert "acme" in framework_ids(db)
    stats = json.loads(rampart("--db", str(db), "catalog", "stats", "--format", "json"))
    assert stats["requirements"]["acme"] == 3
    d.execute_script("window.location.hash = '#/frameworks/acme'")
    wait_until("the ACME framework view", lambda: "ACME cloud baseline" in page_text(d) and "ACME-1" in page_text(d))

    # Remove it after the confirmation.
    go(d, "#/settings", '[data-testid="catalog-remove"][data-name="custom-framework.toml"]')
    wait_for(d, '[data-testid="catalog-by"]').send_keys("E2E Officer")
    click(d, '[data-testid="catalog-remove"][data-name="custom-framework.toml"]')
    click(d, '[data-testid="catalog-remove-confirm"]')
    wait_for(d, '[data-testid="catalog-files-empty"]', timeout=60)
    assert d.find_elements(By.CSS_SELECTOR, '[data-testid="catalog-framework"][data-id="acme"]') == []
    assert "custom-framework.toml is removed" in wait_for(d, '[data-testid="catalog-notice"]').text
    assert not (tmp_path / "catalog" / "custom-framework.toml").exists()
    assert "acme" not in framework_ids(db)

    actions = [e["action"] for e in json.loads(rampart("--db", str(db), "audit", "--format", "json"))]
    assert "catalog.add" in actions and "catalog.remove" in actions
    rampart("--db", str(db), "audit", "verify")


def test_broken_catalog_file_is_refused_with_its_line_and_nothing_changes(open_app_with_env, demo_db, tmp_path):
    db = tmp_path / "catalog-bad.db"
    copy_workspace(demo_db[0], db)
    before = framework_ids(db)
    d = open_app_with_env({"RAMPART_OPEN_FILE": str(BROKEN)}, "--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    go(d, "#/settings", '[data-testid="catalog-framework"]')
    shown = len(d.find_elements(By.CSS_SELECTOR, '[data-testid="catalog-framework"]'))

    wait_for(d, '[data-testid="catalog-by"]').send_keys("E2E Officer")
    click(d, '[data-testid="catalog-add"]')
    alert = wait_for(d, '[data-testid="catalog-add-error"]', timeout=60)
    assert alert.get_attribute("role") == "alert"
    problem = alert.find_element(By.CSS_SELECTOR, "pre").text
    assert "syntax-error.toml" in problem and ":3:" in problem, problem

    assert wait_for(d, '[data-testid="catalog-files-empty"]')
    assert len(d.find_elements(By.CSS_SELECTOR, '[data-testid="catalog-framework"]')) == shown
    assert not (tmp_path / "catalog" / "syntax-error.toml").exists()
    assert framework_ids(db) == before


def test_new_empty_workspace_from_settings(open_app_with_env, demo_db, tmp_path):
    db = tmp_path / "start.db"
    copy_workspace(demo_db[0], db)
    new = tmp_path / "new.db"
    assert not new.exists()
    d = open_app_with_env({"RAMPART_OPEN_FILE": str(new)}, "--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    path = go(d, "#/settings", '[data-testid="workspace-path"]')
    assert path.text == str(db)

    click(d, '[data-testid="workspace-new"]')
    # The window starts again at the Overview of the new, empty workspace.
    wait_for(d, '[data-testid="empty-state"]', timeout=60)
    assert new.exists()
    wait_until(
        "the sidebar names the new workspace",
        lambda: str(new) in wait_for(d, '[data-testid="workspace-status"]').get_attribute("textContent"),
    )
    overview = json.loads(rampart("--db", str(new), "overview", "--format", "json"))
    assert overview["totals"]["findings"] == 0

    path = go(d, "#/settings", '[data-testid="workspace-path"]')
    assert path.text == str(new)
    wait_attr(d, '[data-testid="workspace-default"]', "data-default", "true")


def test_account_owner_assigned_in_the_window_is_what_the_cli_lists(open_app, demo_db, tmp_path):
    db = tmp_path / "owners.db"
    copy_workspace(demo_db[0], db)
    account = max(demo_db[1]["by_account"], key=lambda a: a["failed"])["account"]
    d = open_app("--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    go(d, "#/owners", '[data-testid="assign-form"]')
    wait_for(d, '[data-testid="owner-row"][data-owner=""]')

    assert wait_for(d, '[data-testid="assign-scope"]').get_attribute("value") == "account"
    wait_for(d, '[data-testid="assign-target"]').send_keys(account)
    wait_for(d, '[data-testid="assign-owner"]').send_keys("E2E Platform team")
    wait_for(d, '[data-testid="assign-by"]').send_keys("E2E Officer")
    click(d, '[data-testid="assign-submit"]')
    assert f"account {account} is now E2E Platform team" in wait_for(d, '[data-testid="owners-notice"]').text
    row = wait_for(d, '[data-testid="owner-row"][data-owner="E2E Platform team"]')
    assert int(row.get_attribute("data-open")) > 0
    assignment = wait_for(d, '[data-testid="assignment-row"]')
    assert assignment.get_attribute("data-scope") == "account"
    assert assignment.get_attribute("data-target") == account

    owners = json.loads(rampart("--db", str(db), "sla", "--by-owner", "--format", "json"))
    mine = [o for o in owners if o["owner"] == "E2E Platform team"]
    assert len(mine) == 1, owners
    assert mine[0]["open"] == int(row.get_attribute("data-open"))
    assert mine[0]["overdue"] == int(row.get_attribute("data-overdue"))
