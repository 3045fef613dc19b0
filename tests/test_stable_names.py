"""Names stored outside the code keep working after a refactor: URL names (bookmarks, links in sent
notifications and e-mails, `reverse` calls) with their addresses, Celery task names (queued messages),
and every beat entry (the database scheduler stores the task name)."""

from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from config.celery import app

DATA = Path(__file__).parent / "data"


def _frozen(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text().splitlines() if line.strip()]


def _url_routes() -> dict[str, str]:
    routes: dict[str, str] = {}

    def walk(resolver: URLResolver, namespaces: list[str], prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                spaces = namespaces + ([entry.namespace] if entry.namespace else [])
                walk(entry, spaces, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                routes.setdefault(":".join([*namespaces, entry.name]), prefix + str(entry.pattern))

    walk(get_resolver(), [], "")
    return routes


def _registered_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_url_name_still_resolves_to_the_same_address():
    routes = _url_routes()
    frozen = dict(line.split(" ", 1) for line in _frozen("url_routes.txt"))
    missing = sorted(set(frozen) - set(routes))
    moved = sorted(name for name in frozen if name in routes and routes[name] != frozen[name])
    assert missing == [], f"URL names that no longer resolve: {missing}"
    assert moved == [], f"URL names whose address changed: {[(n, frozen[n], routes[n]) for n in moved]}"


def test_every_task_name_is_still_registered():
    missing = sorted(set(_frozen("task_names.txt")) - _registered_tasks())
    assert missing == [], f"Celery tasks no longer registered under their name: {missing}"


def test_every_beat_entry_names_a_registered_task():
    registered = _registered_tasks()
    unknown = {
        key: entry["task"] for key, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] not in registered
    }
    assert unknown == {}
