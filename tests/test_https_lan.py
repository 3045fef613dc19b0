"""HTTPS on the madrasah LAN: the embedded profile behind Caddy (deploy/caddy/Caddyfile).

With BEHIND_HTTPS_PROXY the app trusts the proxy's X-Forwarded-Proto, so a login through Caddy is a
secure request and its session and CSRF cookies are sent over HTTPS only; without it nothing changes.
Settings are computed at import time, so each case runs in a subprocess with a clean environment.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# A login page fetched as Caddy forwards it, then the cookies the response sets.
# The static files are not collected in a fresh checkout: the page names them without the manifest.
PROBE = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
call_command("migrate", verbosity=0)
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
plain_static = {**settings.STORAGES, "staticfiles": plain}
with override_settings(STORAGES=plain_static):
    response = Client().get("/masuk/", headers={"x-forwarded-proto": "https"}, HTTP_HOST="192.168.1.10")
print(response.status_code, response.wsgi_request.is_secure(), response.cookies["csrftoken"]["secure"] is True)
"""


@pytest.fixture(autouse=True)
def reference_data():
    """Overrides the suite-wide fixture: nothing here touches the test database."""


def probe(tmp_path: Path, behind_proxy: str) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "embedded",
        "DATA_DIR": str(tmp_path / "data"),
        "ALLOWED_HOSTS": "192.168.1.10",
        "SITE_URL": "https://192.168.1.10",
        "BEHIND_HTTPS_PROXY": behind_proxy,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_behind_caddy_a_request_is_secure_and_cookies_travel_over_https_only(tmp_path):
    assert probe(tmp_path, "True") == "200 True True"


def test_without_the_setting_the_forwarded_header_is_not_trusted(tmp_path):
    assert probe(tmp_path, "False") == "200 False False"


def test_the_caddyfile_proxies_to_the_local_gunicorn_with_the_internal_authority():
    caddyfile = (BASE_DIR / "deploy" / "caddy" / "Caddyfile").read_text()
    assert "tls internal" in caddyfile
    assert "reverse_proxy 127.0.0.1:8000" in caddyfile
