"""Sessions, login and the browser's defences, as a user (or an attacker) meets them:

- every POST without the CSRF token is refused (403); every form carries the token, htmx sends it;
- every HTML page carries the security headers and a CSP that allows no inline script or style,
  and no template needs one;
- bandit finds nothing that is not justified in docs/security.md.

`check --deploy` under the production profile is tests/test_deployment.py's; sessions and passwords
are tests/hardening/test_sessions.py's. The permission matrix's world is built once for this module,
in a transaction of its own: no test here builds personas of its own (the root conftest refuses it).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, PERSONAS, world  # noqa: F401 - the world fixture

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = ("config", "madrasah", "kompetensi", "mutu", "laporan")
TEMPLATE_DIRS = [BASE_DIR / "templates", *(BASE_DIR / app / "templates" for app in APPS[1:])]
# Documents that are never served as a page, so the CSP never applies to them: WeasyPrint's PDF
# templates.
DOCUMENT_TEMPLATES = ("laporan/templates/laporan/pdf/",)


# --- templates: nothing inline for the CSP to forbid --------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def page_templates() -> list[Path]:
    found = [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*.html"))]
    assert len(found) > 50, "the template folders moved: update TEMPLATE_DIRS"
    return found


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in page_templates():
        text = path.read_text()
        for rule in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
            offenders += [f"{path.relative_to(BASE_DIR)}: {match.group(0)[:80]}" for match in rule.finditer(text)]
    assert offenders == []


def test_no_page_template_has_inline_style():
    offenders = []
    for path in page_templates():
        relative = str(path.relative_to(BASE_DIR))
        if relative.startswith(DOCUMENT_TEMPLATES):
            continue
        text = path.read_text()
        for rule in (STYLE_ATTRIBUTE, STYLE_ELEMENT):
            offenders += [f"{relative}: {match.group(0)[:80]}" for match in rule.finditer(text)]
    assert offenders == []


# --- bandit -----------------------------------------------------------------------------------------


def test_bandit_clean():
    """Every finding is fixed or carries `# nosec Bxxx` with its reason in docs/security.md."""
    result = subprocess.run(  # noqa: S603 - a fixed command of the test
        [sys.executable, "-m", "bandit", "-r", *APPS, "-c", "pyproject.toml", "-q", "-f", "txt"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    nosec = sorted(
        f"{path.relative_to(BASE_DIR)}:{number}"
        for app in APPS
        for path in (BASE_DIR / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "# nosec" in line
    )
    documented = (BASE_DIR / "docs" / "security.md").read_text()
    undocumented = [place for place in nosec if place.split(":")[0] not in documented]
    assert undocumented == [], "explain these exceptions in docs/security.md"


# --- every URL, every form, every page (the matrix's world) ------------------------------------------

HTML_POST_FORM = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)
TOKEN_FIELD = 'name="csrfmiddlewaretoken"'


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_post_without_the_csrf_token_is_refused(world):  # noqa: F811
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.kepala.user)
    accepted = []
    for name, row in sorted(MATRIX.items()):
        url = reverse(name, args=row.args(world))
        response = browser.post(url, row.data(world))
        if response.status_code != 403:
            accepted.append(f"{url}: {response.status_code}")
    assert accepted == []


def test_htmx_requests_send_the_token_of_the_page(world):  # noqa: F811
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.kepala.user)
    page = browser.get(reverse("madrasah:notification-list")).content.decode()
    token = re.search(r"<body[^>]*hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page)
    assert token, "base.html must give htmx the token in hx-headers"
    url = reverse("madrasah:notification-list")
    assert browser.post(url, HTTP_HX_REQUEST="true").status_code == 403
    assert browser.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token.group(1)).status_code == 302


def test_every_page_has_the_security_headers_and_tokens_in_its_forms(world):  # noqa: F811
    problems, pages, forms = [], 0, 0
    for persona in ("kepala", "guru", "operator"):
        browser = Client()
        browser.force_login(getattr(world, persona).user)
        column = PERSONAS.index(persona)
        for name, row in sorted(MATRIX.items()):
            if row.get is None or row.get[column] != 200:
                continue
            url = reverse(name, args=row.args(world))
            response = browser.get(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            problems += [f"{url}: {p}" for p in header_problems(response)]
            post_forms = HTML_POST_FORM.findall(response.content.decode())
            forms += len(post_forms)
            missing = sum(TOKEN_FIELD not in form for form in post_forms)
            if missing:
                problems.append(f"{url}: {missing} POST form(s) without the CSRF token")
    print(f"{pages} HTML pages, {forms} POST forms checked")
    assert pages > 100 and forms > 100
    assert problems == []


def header_problems(response) -> list[str]:
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    problems = [f"{name} is {response.get(name)!r}" for name, value in expected.items() if response.get(name) != value]
    header = response.get("Content-Security-Policy")
    if not header:
        return [*problems, "no Content-Security-Policy"]
    csp = csp_directives(header)
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp.get("default-src", []))
        unsafe = [s for s in sources if s.startswith("'unsafe-") or s in ("*", "data:", "http:", "https:")]
        if unsafe or not sources:
            problems.append(f"{directive} allows {unsafe or 'anything'}")
    for directive, value in (("object-src", ["'none'"]), ("frame-ancestors", ["'none'"]), ("base-uri", ["'self'"])):
        if csp.get(directive) != value:
            problems.append(f"{directive} is {csp.get(directive)}")
    return problems
