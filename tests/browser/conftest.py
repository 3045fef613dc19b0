"""Playwright against Debian's Chromium: one browser per test session, one context per test.

A missing Chromium fails the tests (never skips them): the browser journeys are part of `make test`.
CHROMIUM_PATH overrides the executable (used to check that failure message).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "Install it with: sudo apt-get install chromium  (or `make test-system-packages` as root)"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
PASSWORD = "rahasia-123"  # UserFactory's password for every persona
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 15_000  # generous: CI machines with two cores run two test processes and a browser each


class UnavailableBrowser:
    """Stands in for a browser that could not start: the first page a test opens fails that test
    (a failure in the test itself, not a setup error, and never a skip)."""

    def __init__(self, reason: str):
        self.reason = reason

    def new_context(self, **kwargs):
        pytest.fail(self.reason, pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        yield UnavailableBrowser(f"Chromium is missing: no executable at {CHROMIUM}. {INSTALL_HINT}")
        return
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        playwright.stop()
        yield UnavailableBrowser(f"Chromium at {CHROMIUM} did not start: {error}. {INSTALL_HINT}")
        return
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, whose static files the browser may keep for an hour, as it keeps
    production's (WhiteNoise sends a year): without it every page asks again for each of them."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    class CachedStaticFilesHandler(StaticFilesHandler):
        def serve(self, request):
            response = super().serve(request)
            response["Cache-Control"] = "max-age=3600"
            return response

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    server.thread.static_handler = CachedStaticFilesHandler
    server.start()
    yield server
    server.stop()


@dataclass
class Browsing:
    """Opens pages in fresh contexts on the live server and collects CSP violations reported on
    the console of any of them."""

    browser: object
    base_url: str
    csp_violations: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    pages: list = field(default_factory=list)

    def new_page(self, *, mobile: bool = False):
        # An Indonesian browser, like a madrasah's (the product ignores Accept-Language anyway:
        # Indonesian until the language switch is used).
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="id-ID",
            viewport=MOBILE if mobile else DESKTOP,
            is_mobile=mobile,
            has_touch=mobile,
        )
        context.set_default_timeout(TIMEOUT_MS)
        # A trace (DOM snapshots of every step) is kept only for a failed test, with a full-page
        # screenshot of where it stopped; screenshots of every step would cost a quarter of the CPU.
        context.tracing.start(screenshots=False, snapshots=True)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._on_console)
        self.pages.append(page)
        return page

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def close(self, *, keep_traces_as: str | None = None) -> None:
        for index, context in enumerate(self.contexts):
            if keep_traces_as:
                RESULTS_DIR.mkdir(exist_ok=True)
                context.tracing.stop(path=str(RESULTS_DIR / f"{keep_traces_as}-{index}.trace.zip"))
            context.close()


@pytest.fixture
def browsing(browser, live_server, request):
    session = Browsing(browser=browser, base_url=live_server.url)
    yield session
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed and not isinstance(browser, UnavailableBrowser)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name) if failed else None
    if failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        for index, page in enumerate(session.pages):
            if not page.is_closed():
                print(f"page {index} was at {page.url}")
                page.screenshot(path=str(RESULTS_DIR / f"{name}-{index}.png"), full_page=True)
        print(f"Screenshots and traces in {RESULTS_DIR} (open a trace with `playwright show-trace`).")
    session.close(keep_traces_as=name)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
