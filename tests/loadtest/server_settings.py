"""Settings of the server `tests.loadtest` starts: the production profile of `config.settings`, as the
environment sets it, with the static files collected into the run's own temporary folder (never the
shared `staticfiles/`) and not compressed, which saves the load test half a minute of Brotli work.
The load test requests pages, not static files, so what it measures is the same."""

from config.settings import *  # noqa: F403
from config.settings import DATA_DIR, STORAGES

STATIC_ROOT = DATA_DIR / "static"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
