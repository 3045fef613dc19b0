"""Deployment files and the production profile.

docker-compose.yml, the Dockerfile and .env.example are read as text and checked against what
config/settings.py really reads. The production profile is checked in subprocesses, because the
settings are computed from the environment at import time: each subprocess gets a clean environment
of its own, a temporary DATA_DIR and a temporary SQLite file, so CI's DATABASE_URL and REDIS_URL are
never used here.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS = BASE_DIR / "config" / "settings.py"
COMPOSE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
ENV_EXAMPLE = BASE_DIR / ".env.example"
MAKEFILE = BASE_DIR / "Makefile"

APP_SERVICES = ("web", "worker", "reports", "beat")
HOST = "mutu.example.sch.id"


@pytest.fixture(autouse=True)
def reference_data():
    """Overrides the suite-wide fixture: nothing here touches the test database."""


# --- helpers ----------------------------------------------------------------------------------------


def settings_env_vars() -> set[str]:
    """Names passed to `env.str("NAME", ...)`, `env.int(...)`, `env.db(...)`... in settings.py."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env") or (
            isinstance(func, ast.Name) and func.id == "env"
        ):
            names.add(first.value)
    return names


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def without_interpolation(value: str) -> str:
    """`postgres://mutu:${POSTGRES_PASSWORD:?...}@db:5432/mutu` -> `postgres://mutu:x@db:5432/mutu`."""
    return re.sub(r"\$\{[^}]*\}", "x", value)


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A production environment with nothing inherited but PATH and HOME.

    The security settings are given explicitly too, so that a developer's `.env` (which settings.py
    reads for any name not already set) cannot change the outcome.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "DEBUG": "False",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(tmp_path / "data" / "media"),
        "BROKER_DIR": str(tmp_path / "data" / "broker"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "True",
    }
    assert len(env["SECRET_KEY"]) == 64
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit code {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


# --- settings.py ------------------------------------------------------------------------------------


def test_the_settings_parser_finds_the_variables_settings_reads():
    names = settings_env_vars()
    assert {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= names
    # Cross-check against a plain text search, so a new way of reading a variable is noticed.
    grepped = set(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", SETTINGS.read_text()))
    assert grepped == names


# --- docker-compose.yml -----------------------------------------------------------------------------


def test_compose_has_the_services():
    services = compose()["services"]
    assert {"db", "redis", *APP_SERVICES} <= set(services)


def test_app_services_share_one_image_built_once():
    services = compose()["services"]
    images = {services[name].get("image") for name in APP_SERVICES}
    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in APP_SERVICES}
    assert len(images) == 1 and None not in images, images
    assert len(builds) == 1 and builds != {"null"}, builds


def test_app_service_commands():
    services = compose()["services"]
    web = command_text(services["web"])
    assert re.search(r"\bgunicorn config\.wsgi\b", web)
    assert "0.0.0.0:8000" in web
    assert re.search(r"\bcelery -A config worker\b", command_text(services["worker"]))
    assert re.search(r"\bcelery -A config worker\b", command_text(services["reports"]))
    beat = command_text(services["beat"])
    assert re.search(r"\bcelery -A config beat\b", beat)
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_one_worker_takes_the_documents_and_another_the_rest():
    # The 90 parts of a yearly bundle wait on their own queue: the heartbeat, deadlines and sweeps
    # never queue behind them (config/celery.py: --queue-role).
    services = compose()["services"]
    assert "--queue-role default" in command_text(services["worker"])
    assert "--queue-role reports" in command_text(services["reports"])
    assert "--concurrency 2" in command_text(services["reports"])
    hostnames = {
        re.search(r"--hostname (\S+)", command_text(services[name])).group(1) for name in ("worker", "reports")
    }
    assert len(hostnames) == 2  # two workers with one name would take each other for a duplicate


def test_the_document_workers_scale_to_several_replicas():
    # `docker compose up --scale reports=N`: a fixed container name or a published port would stop the
    # second replica; a host name without %h would give every replica the same Celery name.
    services = compose()["services"]
    for name in ("worker", "reports"):
        assert "container_name" not in services[name], name
        assert "ports" not in services[name], name
        assert re.search(r"--hostname \S*%h\b", command_text(services[name])), name
    assert "--scale reports=" in (BASE_DIR / "docs" / "deployment.md").read_text()


def test_migrations_run_before_the_app_starts():
    services = compose()["services"]
    migrate = services["migrate"]
    assert "manage.py migrate" in command_text(migrate)
    assert migrate["image"] == services["web"]["image"]
    assert migrate["restart"] == "no"
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_app_services_read_only_variables_settings_knows():
    known = settings_env_vars()
    for name in (*APP_SERVICES, "migrate"):
        environment = compose()["services"][name]["environment"]
        assert isinstance(environment, dict), name
        unknown = set(environment) - known
        assert not unknown, f"{name} sets variables settings.py never reads: {sorted(unknown)}"
        assert environment["DJANGO_ENV"] == "production"


def test_app_services_use_the_db_and_redis_services():
    services = compose()["services"]
    db_env = services["db"]["environment"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        database = urlsplit(without_interpolation(environment["DATABASE_URL"]))
        assert database.scheme in {"postgres", "postgresql", "pgsql"}
        assert (database.hostname, database.port) == ("db", 5432)
        assert database.username == db_env["POSTGRES_USER"]
        assert database.path.lstrip("/") == db_env["POSTGRES_DB"]
        redis = urlsplit(without_interpolation(environment["REDIS_URL"]))
        assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert "env_file" in services[name]


def test_app_services_keep_their_data_on_a_volume():
    config = compose()
    for name in APP_SERVICES:
        environment = config["services"][name]["environment"]
        volumes = {volume.split(":")[1]: volume.split(":")[0] for volume in config["services"][name]["volumes"]}
        assert environment["DATA_DIR"] in volumes
        assert environment["MEDIA_ROOT"].startswith(environment["DATA_DIR"] + "/")
        assert volumes[environment["DATA_DIR"]] in config["volumes"]


def test_db_and_web_have_healthchecks():
    services = compose()["services"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "volumes" in services["db"]


def test_every_compose_interpolation_is_documented_in_env_example():
    documented = env_example_names()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    assert used, "docker-compose.yml takes its secrets from ${...}"
    assert used <= documented, sorted(used - documented)


# --- Dockerfile ---------------------------------------------------------------------------------------


def test_dockerfile_installs_pango_and_builds_static_files():
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", text, re.M)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "gettext", "fonts-dejavu-core"):
        assert re.search(rf"\s{re.escape(package)}\s", text), package
    assert "npm ci" in text
    assert "manage.py compilemessages" in text
    assert "manage.py collectstatic --noinput" in text
    assert re.search(r"^CMD .*gunicorn.*config\.wsgi", text, re.M)


def test_dockerfile_runs_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE.read_text(), re.M)
    assert users and users[-1] not in {"root", "0"}


def test_dockerfile_copies_the_same_vendor_files_as_make_assets():
    made = set(re.findall(r"node_modules/\S+", MAKEFILE.read_text()))
    assert made
    copied = set(re.findall(r"node_modules/\S+", DOCKERFILE.read_text()))
    assert made == copied


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((BASE_DIR / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".data", ".git", "node_modules"} <= ignored


# --- .env.example -----------------------------------------------------------------------------------


def env_example_names() -> set[str]:
    """Names set (or shown commented out) as `NAME=value` lines."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))


def test_env_example_documents_every_variable_settings_reads():
    missing = settings_env_vars() - env_example_names()
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_env_example_as_copied_gives_a_working_embedded_profile(tmp_path):
    active = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.M))
    assert active.get("DJANGO_ENV") == "embedded"
    assert "SECRET_KEY" not in active, "an example secret must never be active"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(tmp_path / "data"),
        **active,
    }
    result = run(["manage.py", "check", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, output(result)


# --- the production profile ---------------------------------------------------------------------------


def test_check_deploy_passes_under_the_production_profile(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], clean_env(tmp_path))
    print(output(result))
    assert result.returncode == 0, output(result)
    assert "no issues" in result.stdout, output(result)


@pytest.mark.parametrize(
    "secret_key",
    ["", "change-me", "too-short-to-be-a-secret", "django-insecure-" + "x" * 60],
    ids=["empty", "change-me", "short", "django-insecure"],
)
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, secret_key):
    # An empty value, not an unset one: settings.py would otherwise take SECRET_KEY from a `.env`.
    result = run(["-c", "import django; django.setup()"], clean_env(tmp_path, SECRET_KEY=secret_key))
    assert result.returncode != 0, output(result)
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run(["-c", "import django; django.setup()"], clean_env(tmp_path, ALLOWED_HOSTS=""))
    assert result.returncode != 0, output(result)
    assert "ALLOWED_HOSTS" in result.stderr


REDIRECT_SCRIPT = """
import json
import os

import django

django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

call_command("migrate", verbosity=0, interactive=False)
host = os.environ["ALLOWED_HOSTS"]
plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
answers = {}
# Plain static storage: this is about redirects, not about the collectstatic manifest.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
    for name, path, headers in [
        ("healthz", "/healthz", {}),
        ("login_http", "/masuk/", {}),
        ("login_proxied_https", "/masuk/", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ]:
        response = Client().get(path, HTTP_HOST=host, **headers)
        answers[name] = {
            "status": response.status_code,
            "location": response.headers.get("Location"),
            "hsts": response.headers.get("Strict-Transport-Security"),
        }
print("ANSWERS " + json.dumps(answers))
"""


def test_production_redirects_plain_http_except_healthz(tmp_path):
    result = run(["-c", REDIRECT_SCRIPT], clean_env(tmp_path))
    assert result.returncode == 0, output(result)
    line = next(line for line in result.stdout.splitlines() if line.startswith("ANSWERS "))
    answers = json.loads(line.removeprefix("ANSWERS "))

    # /healthz answers over plain HTTP: 503 here, since no worker has sent a heartbeat.
    assert answers["healthz"]["status"] in {200, 503}, answers
    assert answers["healthz"]["location"] is None
    # Every other page is sent to HTTPS...
    assert answers["login_http"]["status"] == 301, answers
    assert answers["login_http"]["location"] == f"https://{HOST}/masuk/"
    # ...and served once the TLS proxy says the request came over HTTPS, with HSTS.
    assert answers["login_proxied_https"]["status"] == 200, answers
    assert answers["login_proxied_https"]["hsts"].startswith("max-age=31536000")
