"""Takes screenshots of Rampart's main views on the demo workspace, for the README (the Overview
also in the dark theme), and last of the Sync screen after a sync against the local AWS endpoint
(tests/aws-endpoint; eu-west-1 denied, so the screen shows a failure too).

Usage: python tests/e2e/screenshots.py OUT_DIR [NAME.png ...]   (run by `make screenshots`;
names pick some of the screenshots, all by default)
Starts its own Xvfb, tauri-driver and AWS endpoint and stops them by PID.
"""

import contextlib
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import (  # noqa: E402
    BINARY,
    DEMO_END_DAY,
    TAURI_DRIVER,
    aws_endpoint,
    free_port,
    rampart,
    stop,
    wait_for_port,
)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.options import ArgOptions  # noqa: E402
from selenium.webdriver.remote.client_config import ClientConfig  # noqa: E402
from selenium.webdriver.remote.remote_connection import RemoteConnection  # noqa: E402


def add_acceptances(db: Path) -> None:
    """A few risk acceptances for the Exceptions view (one expiring soon, so the Overview warns)."""
    today = datetime.datetime.now(datetime.timezone.utc).date()

    def day(n: int) -> str:
        return (today + datetime.timedelta(days=n)).isoformat()

    rampart("--db", str(db), "accept", "--control", "S3.8", "--account", "111122223333",
            "--reason", "Public read is intended: these buckets serve the marketing site through CloudFront.",
            "--owner", "Web platform team", "--approver", "Priya Natarajan (CISO)", "--expires", day(9))
    rampart("--db", str(db), "accept", "--control", "EC2.19",
            "--reason", "Bastion hosts, replaced by SSM Session Manager next sprint.",
            "--owner", "SRE", "--approver", "Priya Natarajan (CISO)", "--expires", day(75))
    rampart("--db", str(db), "accept", "--control", "CloudTrail.7",
            "--reason", "Log bucket access logging moves to the new audit account.",
            "--owner", "Security engineering", "--approver", "Dana Whitfield (Compliance Officer)", "--expires", day(120))
    rampart("--db", str(db), "revoke", "3", "--by", "Dana Whitfield (Compliance Officer)",
            "--reason", "The audit account is live: access logging is on.")


def add_owners(db: Path) -> None:
    """Remediation owners for the Owners view: two accounts and one control."""
    accounts = [a["account"] for a in json.loads(rampart("--db", str(db), "overview", "--format", "json"))["by_account"]]
    for account, owner in zip(accounts, ["Payments platform team", "Data engineering"]):
        rampart("--db", str(db), "assign", "--account", account, "--owner", owner, "--by", "Dana Whitfield")
    rampart("--db", str(db), "assign", "--control", "IAM.6", "--owner", "Identity team", "--by", "Dana Whitfield")


def wait_css(d, css: str, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not d.find_elements(By.CSS_SELECTOR, css):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: {css} did not render")
        time.sleep(0.2)


def sync_screen(d) -> None:
    """The Sync screen after syncing every source in two Regions (one of them denied)."""
    d.execute_script("window.location.hash = '#/sync'")
    wait_css(d, '[data-testid="sync-form"]', "sync")
    regions = d.find_element(By.CSS_SELECTOR, '[data-testid="sync-regions"]')
    regions.clear()
    regions.send_keys("us-east-1 eu-west-1")
    # The demo workspace: the screen asks before adding real findings to it.
    wait_css(d, '[data-testid="sync-into-demo"]', "sync")
    d.find_element(By.CSS_SELECTOR, '[data-testid="sync-into-demo"]').click()
    d.find_element(By.CSS_SELECTOR, '[data-testid="sync-start"]').click()
    wait_css(d, '[data-testid="sync-summary"]', "sync", timeout=180)
    wait_css(d, '[data-testid="sync-status-row"]', "sync")
    d.execute_script("document.activeElement && document.activeElement.blur()")
    # From the Sync now button down: the summary, then the row per source, account and Region.
    d.execute_script(
        "const main = document.querySelector('main');"
        "const top = document.querySelector('[data-testid=\"sync-start\"]').getBoundingClientRect().top;"
        "main.scrollTo(0, main.scrollTop + top - main.getBoundingClientRect().top - 24);")


def dark_theme(d) -> None:
    """The Overview in the dark theme: the choice the sidebar's Theme control saves, in place before
    the page loads (the app applies it before mounting)."""
    d.execute_script("localStorage.setItem('rampart.theme', 'dark'); window.location.hash = '#/overview'")
    d.refresh()


def system_theme(d) -> None:
    """Back to the theme the system picks (light under Xvfb) for the screenshots after."""
    d.execute_script("localStorage.removeItem('rampart.theme')")
    d.refresh()


def main(out: Path, only: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rampart-shots-"))
    db = work / "demo.db"
    rampart("--db", str(db), "demo", "--end-day", DEMO_END_DAY)
    add_acceptances(db)
    add_owners(db)
    display = ":97"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
    driver_proc = None
    endpoint = contextlib.ExitStack()
    try:
        url = endpoint.enter_context(aws_endpoint(
            work, "--account", "123456789012", "--regions", "us-east-1,eu-west-1",
            "--synth-securityhub", "400", "--synth-inspector", "50", "--synth-coverage", "20",
            "--synth-config-rules", "5", "--results-per-rule", "5", "--deny-regions", "eu-west-1"))
        time.sleep(1)
        missing = str(work / "no-such-aws-file")
        env = dict(os.environ, DISPLAY=display, XDG_DATA_HOME=str(work / "data"),
                   RAMPART_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="AKIATEST",
                   AWS_SECRET_ACCESS_KEY="screenshot-secret", AWS_CONFIG_FILE=missing,
                   AWS_SHARED_CREDENTIALS_FILE=missing, AWS_EC2_METADATA_DISABLED="true",
                   # WebDriver screenshots of some views never finish with compositing off (what
                   # the app picks on a machine without a GPU); the pictures look the same.
                   WEBKIT_DISABLE_COMPOSITING_MODE="0")
        for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
            env.pop(key, None)
        port, native = free_port(), free_port()
        driver_proc = subprocess.Popen([str(TAURI_DRIVER), "--port", str(port), "--native-port", str(native)], env=env)
        wait_for_port(port, driver_proc, "tauri-driver")
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": str(BINARY), "args": ["--db", str(db)]})
        conn = RemoteConnection(client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{port}"))
        d = webdriver.Remote(command_executor=conn, options=opts)
        try:
            d.set_window_size(1280, 800)
            deadline = time.monotonic() + 60
            while not d.find_elements(By.CSS_SELECTOR, '[data-testid="kpi-active"]'):
                if time.monotonic() > deadline:
                    raise RuntimeError("the Overview did not render")
                time.sleep(0.2)
            # (file, hash or a step to get there, what must be on screen, a step to undo the first)
            shots = [
                ("overview.png", None, '[data-testid="framework-card-hipaa"]'),
                ("overview-dark.png", dark_theme, '[data-testid="framework-card-hipaa"]', system_theme),
                ("framework-hipaa.png", "#/frameworks/hipaa", '[data-testid^="requirement-row-"]'),
                ("requirement-hipaa-164.312b.png", "#/frameworks/hipaa/" + "164.312(b)".replace("(", "%28").replace(")", "%29"),
                 '[data-testid^="remediation-"]'),
                ("requirement-api12-api6.png", "#/frameworks/api12/API-6", '[data-testid="attestation-current"]'),
                ("trends.png", f"#/trends?days=180&until={DEMO_END_DAY}&weekly=1", '[data-testid="trend-chart-hipaa"]'),
                ("findings.png", "#/findings?status=failed", '[data-testid="explorer-row"]'),
                ("exceptions.png", "#/exceptions?filter=all", '[data-testid="exception-row"]'),
                ("owners.png", "#/owners", '[data-testid="owner-row"]'),
                ("attestations.png", "#/attestations", '[data-testid="attestation-row"]'),
                ("settings.png", "#/settings", '[data-testid="settings-form"]'),
                # Last: the sync adds findings to the workspace.
                ("sync.png", sync_screen, '[data-testid="sync-status-row"]'),
            ]
            for name, hash_, ready, *undo in shots:
                if only and name not in only:
                    continue
                if callable(hash_):
                    hash_(d)
                elif hash_:
                    d.execute_script("window.location.hash = arguments[0]", hash_)
                deadline = time.monotonic() + 30
                while not d.find_elements(By.CSS_SELECTOR, ready):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{name}: {ready} did not render")
                    time.sleep(0.2)
                time.sleep(2.5)  # let bars finish their transition and the compositor catch up
                d.save_screenshot(str(out / name))
                print(f"wrote {out / name}")
                for step in undo:
                    step(d)
        finally:
            d.quit()
    finally:
        if driver_proc:
            stop(driver_proc)
        endpoint.close()
        stop(xvfb)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"), sys.argv[2:])
