"""Test settings: the same settings, with a fast hasher and plain static storage.

`DATABASE_URL` (PostgreSQL in CI) is used when set; otherwise a SQLite *file*, so a Celery worker
in another process can see what a transactional test wrote.
"""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from .settings import *  # noqa: E402,F403
from .settings import DATA_DIR, DATABASES, STATICFILES_MODES, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "madrasah.hashers.FirstLoginPasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage", "OPTIONS": STATICFILES_MODES},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run (several runs may share a checkout); pytest-django removes it at the end.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A fault test may have its worker import test-only modules (a slow document kind, for example).
CELERY_IMPORTS = tuple(name for name in os.environ.get("TEST_WORKER_IMPORTS", "").split(",") if name)
