"""The shell's layout holds at the window's smallest size (1024×640) and at its default
(1280×800), in the light and the dark theme, on every view of the demo workspace:

- the window itself never scrolls: the sidebar stays put and only the content scrolls;
- nothing in the content is wider than the content (no sideways scrolling of the page);
- no short word is split across lines ("CONTR OL") and no label is clipped ("Informatior");
- each view looks like its committed picture (tests/e2e/layout/*.png, a quarter-size greyscale
  screenshot): a view gone blank or slid off the window fails. `BLESS=1` rewrites the pictures.

When a check fails, the screenshot and its difference are left in the test's temporary folder
(the failure names it).
"""

import os
import time
from pathlib import Path

import pytest
from conftest import DEMO_END_DAY, rampart
from PIL import Image, ImageChops
from screenshots import add_acceptances, add_owners
from selenium.webdriver.common.by import By

LAYOUT = Path(__file__).parent / "layout"
SIZES = [(1024, 640), (1280, 800)]
THEMES = ["light", "dark"]
# The committed pictures are this fraction of the window, in grey.
SCALE = 4
# A block of the picture (in its own pixels) whose mean grey moves more than BLOCK_DELTA counts as
# changed; more than MAX_CHANGED of the blocks changed fails. Text that ages with the clock (days
# to an expiry, "synced N days ago") moves a block or two; a table whose columns were shared out
# anew moved 15–20% of them, a view that slid or went blank moves most.
BLOCK = 4
BLOCK_DELTA = 12
MAX_CHANGED = 0.05

HIPAA_312B = "#/frameworks/hipaa/" + "164.312(b)".replace("(", "%28").replace(")", "%29")


def more_filters(d) -> None:
    d.execute_script("window.location.hash = '#/findings'")
    wait(d, '[data-testid="filter-more"]')
    button = d.find_element(By.CSS_SELECTOR, '[data-testid="filter-more"]')
    if button.get_attribute("aria-expanded") != "true":
        button.click()


# (name, hash or a step that gets there, a selector that is on screen once the view has its data)
VIEWS = [
    ("overview", "#/overview", '[data-testid="framework-card-hipaa"]'),
    ("framework-hipaa", "#/frameworks/hipaa", '[data-testid^="requirement-row-"]'),
    ("requirement-hipaa", HIPAA_312B, '[data-testid^="remediation-"]'),
    ("trends", f"#/trends?days=180&until={DEMO_END_DAY}&weekly=1", '[data-testid="trend-chart-hipaa"]'),
    ("findings", "#/findings", '[data-testid="explorer-row"]'),
    ("findings-more-filters", more_filters, '[data-testid="explorer-row"]'),
    ("exceptions", "#/exceptions?filter=all", '[data-testid="exception-row"]'),
    ("audit", "#/exceptions/audit", '[data-testid="audit-verify"]'),
    ("owners", "#/owners", '[data-testid="owner-row"]'),
    ("attestations", "#/attestations", '[data-testid="attestation-row"]'),
    ("settings", "#/settings", '[data-testid="settings-form"]'),
    ("sync", "#/sync", '[data-testid="sync-form"]'),
]

# Runs in the window: what is wrong with the layout now, as a list of sentences (empty when it holds).
PROBLEMS_JS = r"""
const problems = [];
const doc = document.scrollingElement || document.documentElement;
const main = document.querySelector('main');
const side = document.querySelector('nav, aside');
if (doc.scrollHeight > window.innerHeight + 1)
  problems.push(`the window scrolls: the page is ${doc.scrollHeight}px tall in a ${window.innerHeight}px window`);
// The wheel over the sidebar scrolls the document when it can: try it the way the wheel would.
window.scrollTo(0, 100000);
if (window.scrollY !== 0) problems.push(`the whole window scrolled by ${window.scrollY}px`);
window.scrollTo(0, 0);
main.scrollTo(0, main.scrollHeight);
const mainTop = main.getBoundingClientRect().top, sideTop = side ? side.getBoundingClientRect().top : 0;
if (Math.abs(mainTop) > 1 || Math.abs(sideTop) > 1)
  problems.push(`scrolling the content moved the shell (content top ${mainTop}px, sidebar top ${sideTop}px)`);
main.scrollTo(0, 0);
if (main.scrollWidth > main.clientWidth + 1)
  problems.push(`the content is ${main.scrollWidth}px wide in ${main.clientWidth}px`);

function visible(el) {
  const s = getComputedStyle(el);
  if (s.visibility === 'hidden' || s.display === 'none' || el.closest('.visually-hidden')) return false;
  const r = el.getBoundingClientRect();
  // A box of a pixel or two is text for screen readers only, hidden on purpose.
  return r.width > 2 && r.height > 2;
}
function label(el) {
  const id = el.closest('[data-testid]');
  return id ? `[data-testid="${id.dataset.testid}"]` : el.tagName.toLowerCase();
}
// A short word made of letters is never split across two lines.
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const split = new Set();
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  if (!parent || !visible(parent) || parent.closest('svg, .visually-hidden, .sr-only')) continue;
  const text = node.textContent;
  const re = /(?<!\p{L})\p{L}{2,16}(?!\p{L})/gu;  // whole words only: a long id may wrap
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) split.add(`"${m[0]}" is split across lines in ${label(parent)}`);
  }
}
problems.push(...Array.from(split).slice(0, 8));
// Text cut off by its box: an element that hides its overflow without an ellipsis and whose own
// text is wider or taller than it. A <select> is measured against its chosen option.
for (const el of document.querySelectorAll('main *, nav *, aside *')) {
  if (!visible(el) || el.closest('svg')) continue;
  const s = getComputedStyle(el);
  const hasText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  if (el.tagName === 'SELECT') {
    const opt = el.options[el.selectedIndex];
    if (!opt) continue;
    const probe = document.createElement('span');
    probe.style.cssText = `font:${s.font};position:absolute;visibility:hidden;white-space:pre`;
    probe.textContent = opt.text;
    document.body.appendChild(probe);
    const need = probe.getBoundingClientRect().width;
    probe.remove();
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (need > room + 1) problems.push(`"${opt.text}" is cut off in ${label(el)} (${Math.round(need)}px in ${Math.round(room)}px)`);
    continue;
  }
  const hides = v => v === 'hidden' || v === 'clip';
  // A box that hides what is wider than it (a table's frame, a card): nothing may stick out.
  if (!hasText && hides(s.overflowX) && el.scrollWidth > el.clientWidth + 4 && el.clientWidth > 2) {
    problems.push(`${label(el)} cuts off ${el.scrollWidth - el.clientWidth}px of what it holds`);
    continue;
  }
  if (!hasText || s.textOverflow === 'ellipsis') continue;
  // Text that sticks out of the box around it (a label wider than its card).
  const r = el.getBoundingClientRect(), box = el.parentElement.getBoundingClientRect();
  if (s.position !== 'absolute' && s.position !== 'fixed' && (r.right > box.right + 4 || r.left < box.left - 4))
    problems.push(`"${el.textContent.trim().slice(0, 40)}" sticks out of its box in ${label(el)}`);
  if (hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
    problems.push(`"${el.textContent.trim().slice(0, 40)}" is cut off sideways in ${label(el)}`);
  else if (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1 && el.clientHeight > 0)
    problems.push(`"${el.textContent.trim().slice(0, 40)}" is cut off below in ${label(el)}`);
}
return problems;
"""


def wait(d, css: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not d.find_elements(By.CSS_SELECTOR, css):
        if time.monotonic() > deadline:
            raise AssertionError(f"{css} did not render")
        time.sleep(0.2)


def grey(png: Path) -> Image.Image:
    with Image.open(png) as im:
        small = im.convert("L").resize((im.width // SCALE, im.height // SCALE), Image.Resampling.BOX)
    return small


def changed_share(a: Image.Image, b: Image.Image) -> tuple[float, Image.Image]:
    """The share of BLOCK×BLOCK blocks whose mean grey differs by more than BLOCK_DELTA, and the
    per-pixel difference (for a person to look at)."""
    diff = ImageChops.difference(a, b)
    blocks = diff.resize((max(1, a.width // BLOCK), max(1, a.height // BLOCK)), Image.Resampling.BOX)
    counts = blocks.histogram()
    return sum(counts[BLOCK_DELTA + 1:]) / sum(counts), diff


@pytest.fixture(scope="module")
def governed_demo(tmp_path_factory):
    """The demo workspace with risk acceptances and owners, so Exceptions and Owners have rows."""
    db = tmp_path_factory.mktemp("layout") / "demo.db"
    rampart("--db", str(db), "demo", "--end-day", DEMO_END_DAY)
    add_acceptances(db)
    add_owners(db)
    return db


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_view_holds_its_layout(open_app_with_env, governed_demo, tmp_path, size, theme):
    width, height = size
    # Screenshots of some views never finish with compositing off (what WebKit picks without a GPU).
    d = open_app_with_env({"WEBKIT_DISABLE_COMPOSITING_MODE": "0"}, "--db", str(governed_demo))
    d.set_window_size(width, height)
    wait(d, '[data-testid="kpi-active"]', timeout=60)
    d.execute_script("localStorage.setItem('rampart.theme', arguments[0])", theme)
    d.refresh()
    wait(d, '[data-testid="kpi-active"]', timeout=60)
    inner = d.execute_script("return [window.innerWidth, window.innerHeight]")
    assert inner == [width, height], f"the window is {inner}, not {width}×{height}"
    failures = []
    for name, step, ready in VIEWS:
        if callable(step):
            step(d)
        else:
            d.execute_script("window.location.hash = arguments[0]", step)
        wait(d, ready)
        time.sleep(1.2)  # bars and charts finish their transitions
        problems = d.execute_script(PROBLEMS_JS)
        if name.startswith("findings"):
            # The rows keep room for ten under their header on any window, filters open or not.
            rows = d.execute_script("return document.querySelector('[data-testid=\"explorer-scroller\"]').clientHeight")
            if rows < 38 + 10 * 36:
                problems.append(f"the table of findings is {rows}px tall: room for {rows // 36} rows")
        failures += [f"{name}: {p}" for p in problems[:10]]
        if len(problems) > 10:
            failures.append(f"{name}: and {len(problems) - 10} more")
        shot = tmp_path / f"{name}-{width}x{height}-{theme}.png"
        d.execute_script("document.activeElement && document.activeElement.blur()")
        d.save_screenshot(str(shot))
        picture = grey(shot)
        committed = LAYOUT / shot.name
        if os.environ.get("BLESS") == "1" or not committed.exists():
            LAYOUT.mkdir(exist_ok=True)
            picture.save(committed, optimize=True)
            if os.environ.get("BLESS") != "1":
                failures.append(f"{name}: no committed picture; wrote {committed} (look at it, then commit it)")
            continue
        with Image.open(committed) as want:
            want = want.convert("L")
            if want.size != picture.size:
                failures.append(f"{name}: the picture is {picture.size}, the committed one {want.size}")
                continue
            share, diff = changed_share(want, picture)
        if share > MAX_CHANGED:
            diff.point(lambda v: min(255, v * 4)).save(tmp_path / f"{shot.stem}-diff.png")
            failures.append(f"{name}: {share:.0%} of the picture differs from {committed.name} "
                            f"(screenshot and difference in {tmp_path})")
    assert not failures, "\n".join(failures)
