"""Export from the real window (RAMPART_EXPORT_DIR set by conftest, so no save dialog): a
manager opens the Overview, goes to Trends and exports the executive summary as PDF; then
narrows the findings explorer to the critical failures and exports that selection as CSV."""

import csv
import io
import json
import subprocess
import time
from pathlib import Path

from conftest import rampart
from selenium.webdriver.common.by import By
from test_frameworks import click, wait_attr
from test_window import wait_for


def wait_file(folder: Path, pattern: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while True:
        found = sorted(folder.glob(pattern))
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no {pattern} in {folder}: {[p.name for p in folder.iterdir()]}")
        time.sleep(0.2)


def wait_saved(driver, timeout: float = 120) -> str:
    """Waits until the export's result line says the file is saved; returns the path it shows."""
    result = wait_attr(driver, '[data-testid="export-result"]', "data-state", "saved", timeout)
    return result.get_attribute("data-path")


def clear(folder: Path, pattern: str) -> None:
    for p in folder.glob(pattern):
        p.unlink()


def test_manager_exports_the_executive_summary_from_trends(open_app, demo_db, export_dir):
    db, _ = demo_db
    clear(export_dir, "rampart-demo-executive-summary-*.pdf")
    d = open_app("--db", str(db))
    wait_for(d, '[data-testid="kpi-active"]')
    click(d, 'nav a[href="#/trends"]')
    wait_for(d, '[data-testid^="trend-table-"]')

    click(d, '[data-testid="export-menu"]')
    click(d, '[data-testid="export-pdf"]')
    shown = wait_saved(d)

    pdf = wait_file(export_dir, "rampart-demo-executive-summary-*.pdf")
    assert Path(shown) == pdf
    result = wait_for(d, '[data-testid="export-result"]').text
    assert result.startswith("Saved to") and pdf.name in result
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stat().st_mode & 0o777 == 0o600, oct(pdf.stat().st_mode)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "executive summary" in text.lower()
    assert "HIPAA Security Rule" in text


def test_manager_exports_the_critical_failures_as_csv(open_app, demo_db, export_dir):
    db, _ = demo_db
    clear(export_dir, "rampart-demo-findings-*.csv")
    # The explorer starts on the failing findings.
    expected = json.loads(rampart("--db", str(db), "findings", "--severity", "critical", "--status", "failed",
                                  "--record-state", "active", "--format", "json"))
    assert expected, "the demo has critical findings"
    d = open_app("--db", str(db))
    d.execute_script("window.location.hash = '#/findings'")
    wait_for(d, '[data-testid="explorer-total"]')
    click(d, '[data-testid="filter-severity-CRITICAL"]')
    total = wait_attr(d, '[data-testid="explorer-total"]', "data-value", str(len(expected)))
    shown_total = int(total.get_attribute("data-value"))

    click(d, '[data-testid="export-menu"]')
    click(d, '[data-testid="export-csv"]')
    shown = wait_saved(d)

    path = wait_file(export_dir, "rampart-demo-findings-*.csv")
    assert Path(shown) == path
    text = path.read_text(encoding="utf-8")
    assert text.startswith("id,")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) - 1 == shown_total
    ids = {r[0] for r in rows[1:]}
    assert ids == {f["id"] for f in expected}

    # The file is named after the workspace; exporting again writes a second file beside it.
    assert path.name.startswith("rampart-demo-findings-")
    click(d, '[data-testid="export-menu"]')
    click(d, '[data-testid="export-csv"]')
    deadline = time.monotonic() + 60
    while Path(wait_saved(d)) == path and time.monotonic() < deadline:
        time.sleep(0.2)
    again = Path(wait_saved(d))
    assert again.name == path.name.replace(".csv", " (2).csv"), again
    assert path.read_text(encoding="utf-8") == text, "the first export is untouched"


def test_officer_exports_the_audit_log_with_its_chain(open_app, demo_db, export_dir):
    db, _ = demo_db
    clear(export_dir, "rampart-demo-audit-log-*.csv")
    log = json.loads(rampart("--db", str(db), "audit", "--format", "json"))
    assert log, "the demo's attestations are audited"
    d = open_app("--db", str(db))
    d.execute_script("window.location.hash = '#/exceptions/audit'")
    wait_for(d, '[data-testid="audit-entry"]')
    click(d, '[data-testid="export-menu"]')
    click(d, '[data-testid="export-csv"]')
    path = Path(wait_saved(d))
    assert path.name.startswith("rampart-demo-audit-log-") and path.suffix == ".csv", path
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [int(r["seq"]) for r in rows] == sorted(e["seq"] for e in log), "every entry, oldest first"
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:])), "the chain links up"
    assert rows[-1]["hash"] == max(log, key=lambda e: e["seq"])["hash"]
