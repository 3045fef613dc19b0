"""The accessibility crawl: each role's pages in Chromium, checked by axe-core, at 360 px, and for
charts without their table. Shared by tests/browser/test_accessibility.py and `make bench`.

axe-core comes from the npm registry (package.json, installed by `make assets`); the product's strict
CSP forbids the injected script, so crawl contexts are created with `bypass_csp=True`.

Pages are read at 360 px, as on the teachers' phones; each role's first page is also read by axe at
desktop width, where the menu is open. Content another role was already shown (the same `<main>`,
CSRF tokens aside) is not given to axe twice: that keeps the crawl of every role within its budget.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_HINT = "axe-core is missing: run `make assets` (npm ci installs it from package-lock.json)"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 360, "height": 740}  # the narrowest Android phones teachers use
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")
TIMEOUT_MS = 15_000

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
    count: v.nodes.length,
  }));
}"""

# The convention of madrasah.charts: a chart (`svg[role=img]`) is followed by the table of its
# numbers (directly, in a `.table-responsive` wrapper or in a <details>) before any other chart.
CHARTS_WITHOUT_TABLE = """() => {
  const items = [...document.querySelectorAll('svg[role=img], table')];
  const charts = items.filter(el => el.tagName.toLowerCase() === 'svg');
  const missing = [];
  items.forEach((el, index) => {
    if (el.tagName.toLowerCase() !== 'svg') return;
    const next = items[index + 1];
    const ok = next && next.tagName.toLowerCase() === 'table' && next.querySelector('tr td, tr th[scope=row]');
    if (!ok) missing.push(el.getAttribute('aria-labelledby') || el.outerHTML.slice(0, 80));
  });
  return {charts: charts.length, missing};
}"""

# The page's own content, without what changes on every request (CSRF tokens): two roles shown the
# same content need one axe run (each role's menu and header are checked on its first page).
MAIN_CONTENT = """() => {
  const main = document.querySelector('main');
  if (!main) return document.documentElement.outerHTML;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(input => input.remove());
  return copy.innerHTML;
}"""

# What sticks out to the right at the current width: the document's scroll width and, for the
# report, the innermost elements past the edge (not inside a scrolling box).
OVERFLOW = """(limit) => {
  const width = document.documentElement.scrollWidth;
  const culprits = [];
  if (width > limit) {
    for (const el of document.body.querySelectorAll('*')) {
      if (el.getBoundingClientRect().right <= limit) continue;
      let scrolled = ['absolute', 'fixed'].includes(getComputedStyle(el).position) ? null : false;
      for (let up = el.parentElement; scrolled === false && up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { scrolled = true; break; }
      }
      if (scrolled) continue;
      if ([...el.children].some(child => child.getBoundingClientRect().right > limit)) continue;
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      const test = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
      culprits.push(el.tagName.toLowerCase() + id + cls + test);
      if (culprits.length >= 5) break;
    }
  }
  return {width, culprits};
}"""


@dataclass
class Finding:
    role: str
    path: str
    kind: str  # an axe rule id, "overflow-360" or "chart-without-table"
    impact: str
    detail: str

    def __str__(self) -> str:
        return f"{self.role} {self.path}: {self.kind} ({self.impact}) {self.detail}"


@dataclass
class CrawlResult:
    pages: list[tuple[str, str]] = field(default_factory=list)  # (role, path) checked
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (role, path, why)
    findings: list[Finding] = field(default_factory=list)
    charts: int = 0
    seconds: float = 0.0
    axe_seconds: float = 0.0
    axe_pages: list[tuple[float, str, str]] = field(default_factory=list)  # (seconds, role, path)
    # The same content seen by another role is checked by axe once: main content hash → "role path".
    main_checked: dict[str, str] = field(default_factory=dict)
    axe_shared: list[tuple[str, str, str]] = field(default_factory=list)  # (role, path, checked as)

    @property
    def blocking(self) -> list[Finding]:
        """Serious or critical axe violations, pages wider than 360 px, charts without their table."""
        return [f for f in self.findings if f.impact in BLOCKING]

    @property
    def minor(self) -> list[Finding]:
        return [f for f in self.findings if f.impact not in BLOCKING]

    @property
    def roles(self) -> list[str]:
        return sorted({role for role, _path in self.pages})


def log_in(page, username: str, password: str) -> None:
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    if "/masuk/" in page.url:
        raise AssertionError(f"{username} could not log in")
    if "/akun/pilih-madrasah/" in page.url:
        # An account in several madrasah (the matrix world's pengawas oversees two) works in the
        # first by name: the world's own madrasah, whose objects the paths name.
        page.locator("main form input[type=radio]").first.check()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()


def crawl_role(browser, base_url: str, *, role: str, username: str, password: str, paths, result: CrawlResult):
    """Visits `paths` as the user in one browser context and adds what it finds to `result`.

    A path that is not a page (a download, JSON, a PDF, an htmx fragment) is recorded in
    `result.skipped` as "not a page"; an HTML answer other than 200 (an error, a redirect) as
    "unexpected". Neither is checked."""
    from playwright.sync_api import Error as PlaywrightError

    if not AXE.is_file():
        raise AssertionError(AXE_HINT)
    context = browser.new_context(base_url=base_url, locale="id-ID", viewport=NARROW, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, username, password)
        for path in paths:
            try:
                response = page.goto(path, wait_until="load")
            except PlaywrightError as error:
                if "Download is starting" not in str(error):
                    raise
                result.skipped.append((role, path, "not a page: a download"))  # an attachment
                continue
            content_type = response.headers.get("content-type", "") if response else ""
            if response is None or not content_type.startswith("text/html"):
                result.skipped.append((role, path, f"not a page: {response and response.status} {content_type}"))
                continue
            if response.status != 200 or response.request.redirected_from is not None:
                result.skipped.append((role, path, f"unexpected: {response.status} at {page.url}"))
                continue
            if not response.text().lstrip().lower().startswith("<!doctype html"):
                result.skipped.append((role, path, "not a page: a fragment for htmx"))
                continue
            checked = any(checked_role == role for checked_role, _path in result.pages)
            check_page(page, role=role, path=path, result=result, desktop_too=not checked)
    finally:
        context.close()


def check_page(page, *, role: str, path: str, result: CrawlResult, desktop_too: bool = False) -> None:
    """Checks the page at 360 px (teachers read on phones); with `desktop_too`, runs axe once more at
    desktop width, where the menu is open (done once per role: the menu is the same on every page)."""
    result.pages.append((role, path))
    overflow = page.evaluate(OVERFLOW, NARROW["width"] + 1)
    if overflow["width"] > NARROW["width"] + 1:
        detail = f"document {overflow['width']} px wide; sticking out: {', '.join(overflow['culprits'])}"
        result.findings.append(Finding(role, path, "overflow-360", "serious", detail))
    charts = page.evaluate(CHARTS_WITHOUT_TABLE)
    result.charts += charts["charts"]
    for chart in charts["missing"]:
        result.findings.append(Finding(role, path, "chart-without-table", "serious", chart))
    main = hashlib.sha256(page.evaluate(MAIN_CONTENT).encode()).hexdigest()
    if main in result.main_checked and not desktop_too:
        result.axe_shared.append((role, path, result.main_checked[main]))
        return
    result.main_checked[main] = f"{role} {path}"
    started = time.perf_counter()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, AXE_TAGS)
    if desktop_too:
        page.set_viewport_size(DESKTOP)
        violations += page.evaluate(RUN_AXE, AXE_TAGS)
        page.set_viewport_size(NARROW)
    result.axe_seconds += time.perf_counter() - started
    result.axe_pages.append((time.perf_counter() - started, role, path))
    seen = set()
    for violation in violations:
        detail = f"{violation['help']} — {violation['count']} node(s): {'; '.join(violation['targets'])}"
        if (violation["id"], detail) not in seen:
            seen.add((violation["id"], detail))
            result.findings.append(Finding(role, path, violation["id"], violation["impact"] or "minor", detail))


def crawl(browser, base_url: str, visits) -> CrawlResult:
    """`visits`: (role, username, password, paths) per role. Returns what every page showed."""
    result = CrawlResult()
    started = time.perf_counter()
    for role, username, password, paths in visits:
        crawl_role(browser, base_url, role=role, username=username, password=password, paths=paths, result=result)
    result.seconds = time.perf_counter() - started
    return result
