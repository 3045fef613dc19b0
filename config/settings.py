"""Settings for Mutu Madrasah, read from the environment (see .env.example).

Two profiles:
- embedded (default): SQLite file with WAL, Celery on kombu's filesystem transport, all data under
  DATA_DIR; what `make run` starts on a mini-PC or a laptop.
- production (DJANGO_ENV=production): refuses to start without a real SECRET_KEY and ALLOWED_HOSTS,
  turns on HTTPS-only cookies, HSTS and the SSL redirect (except /healthz).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from madrasah import private_files

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DJANGO_ENV = env.str("DJANGO_ENV", default="embedded")
if DJANGO_ENV not in {"embedded", "production", "test"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be embedded, production or test, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

# Owner-only (0700) whatever the umask: the database, keys, uploads, reports and backups live here.
DATA_DIR = private_files.private_dir(env.str("DATA_DIR", default=str(BASE_DIR / ".data")))


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if PRODUCTION:
        if len(key) < 50 or key.startswith("django-insecure") or key == "change-me":
            raise ImproperlyConfigured("Production needs a real SECRET_KEY of at least 50 characters.")
        return key
    if key:
        return key
    # Embedded default: one random key per installation, kept beside the database, so sessions
    # survive restarts without anyone having to invent a secret.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        try:
            with private_files.open_private(key_file, exclusive=True) as out:
                out.write(get_random_secret_key().encode("ascii"))
        except FileExistsError:
            pass  # the worker or beat, starting at the same moment, wrote it first
    private_files.private_file(key_file)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("Production needs SITE_URL starting with https://.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "madrasah.admin_site.MadrasahAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "csp",
    "madrasah",
    "kompetensi",
    "mutu",
    "laporan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped when the browser accepts it, in every profile (the LAN behind Caddy too: Caddy
    # leaves an encoded response alone); downloads never (madrasah.compression). After WhiteNoise,
    # which serves its own precompressed static files.
    "madrasah.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "madrasah.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "madrasah.middleware.MembershipMiddleware",
    "madrasah.middleware.PasswordChangeRequiredMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "madrasah.context_processors.membership",
            ],
        },
    },
]

# Database: SQLite file by default (WAL so the web process, worker and beat can share it;
# IMMEDIATE so writers queue instead of failing with "database is locked").
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions and cache never depend on Redis: pages keep working when Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mutu-madrasah",
    }
}

AUTH_USER_MODEL = "madrasah.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "madrasah.hashers.FirstLoginPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "madrasah:login"
LOGIN_REDIRECT_URL = "madrasah:home"
LOGOUT_REDIRECT_URL = "madrasah:login"

# django-axes: lock a *username from one address*, so one teacher's typos never lock the whole
# madrasah that shares one wifi address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "madrasah.views.accounts.lockout"
AXES_USERNAME_CALLABLE = "madrasah.views.accounts.axes_username"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "madrasah.client_ip.client_ip"
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "vendor")]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: files go through madrasah.files
# Encrypted backups (manage.py backup / restore, madrasah.backup). The key is the madrasah's: set
# BACKUP_KEY, or BACKUP_KEY_FILE naming a file kept away from BACKUP_DIR; no key, no backup.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(DATA_DIR / "backups")))
BACKUP_KEY = env.str("BACKUP_KEY", default="")
BACKUP_KEY_FILE = env.str("BACKUP_KEY_FILE", default="")
# Uploads are owner-only (madrasah.private_files); collected static files are public and keep modes a
# web server running as another user can read (without OPTIONS they would take the upload modes).
FILE_UPLOAD_PERMISSIONS = private_files.PRIVATE_FILE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = private_files.PRIVATE_DIR
STATICFILES_MODES = {
    "file_permissions_mode": private_files.PUBLIC_FILE,
    "directory_permissions_mode": private_files.PUBLIC_DIR,
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage", "OPTIONS": STATICFILES_MODES},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: teachers rarely have one; used for staff who do, with absolute links from SITE_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="mutu-madrasah@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. CELERY_BROKER_URL wins over REDIS_URL; without either, kombu's filesystem transport.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
BROKER_DIR = Path(env.str("BROKER_DIR", default=str(DATA_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        private_files.private_dir(BROKER_DIR / sub)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # How long an idle worker waits before looking at the queue folder again (kombu's default is
        # 1 s): each of the ~90 parts of a yearly bundle (0.4 s each) would wait up to that long to be
        # picked up. A look is one listing of a small folder.
        "polling_interval": 0.1,
    }
else:
    # A Redis that stops answering without closing the connection (frozen, or a NAT or firewall that
    # dropped it) would hold a page that publishes a task forever: redis-py waits without a limit by
    # default. Each publish attempt now gives up after BROKER_SOCKET_TIMEOUT seconds (with the one
    # quick retry of laporan.documents.services.reports, a page answers within about two of them) and the report stays
    # queued. Redis answers a publish in well under a millisecond; the worker's long BRPOP is read by
    # its event loop when the reply arrives, so the timeout never cuts it short.
    BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=1.0)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 60 * 60,
        "socket_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    }
# Two queues, so that the documents (90 parts of a yearly bundle at once) never delay the deadlines,
# the heartbeat and the sweeps: `celery worker --queue-role reports` takes the documents, `--queue-role
# default` the rest (config/celery.py; Procfile). An installation sharing one Redis with others gives
# itself its own CELERY_QUEUE; its documents then go to `<CELERY_QUEUE>-reports`.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="default")
REPORTS_QUEUE = env.str(
    "CELERY_REPORTS_QUEUE",
    default="reports" if CELERY_TASK_DEFAULT_QUEUE == "default" else f"{CELERY_TASK_DEFAULT_QUEUE}-reports",
)
# A worker started without a role (an older unit file, say) takes both queues.
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(REPORTS_QUEUE))
CELERY_TASK_ROUTES = {
    "laporan.tasks.build_report": {"queue": REPORTS_QUEUE},
    "laporan.tasks.build_bundle_part": {"queue": REPORTS_QUEUE},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
# One document of the yearly bundle (laporan.documents.services.bundles): its own limits, much
# shorter than a whole document's; the bundle as a whole has none (it is as long as its parts).
BUNDLE_PART_SOFT_TIME_LIMIT = env.int("BUNDLE_PART_SOFT_TIME_LIMIT", default=2 * 60)
BUNDLE_PART_TIME_LIMIT = env.int("BUNDLE_PART_TIME_LIMIT", default=3 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "madrasah.tasks.record_heartbeat", "schedule": 60.0},
    # Unanswered supervision results become "deemed received" after the madrasah's acknowledge_days.
    "deem-acknowledged": {"task": "kompetensi.tasks.deem_acknowledged", "schedule": 60 * 60.0},
    # Reports left queued (broker down) or building (worker died) are sent again (laporan.documents.services.reports).
    "sweep-reports": {"task": "laporan.tasks.sweep_reports", "schedule": 5 * 60.0},
    # The madrasah's scheduled reports (digest, semester recap, yearly bundle): once a day, 06:00 WIB.
    "dispatch-scheduled-reports": {
        "task": "laporan.tasks.dispatch_scheduled_reports",
        "schedule": crontab(hour=6, minute=0),
    },
    # Files past each madrasah's retention setting (UU PDP): once a day, 02:30 WIB (laporan.privacy.services).
    "purge-expired-files": {"task": "laporan.tasks.purge_expired_files", "schedule": crontab(hour=2, minute=30)},
}
HEARTBEAT_MAX_AGE = env.int("HEARTBEAT_MAX_AGE", default=180)
# /healthz fails ("disk") when the disk holding the data has less free space than this, in MB.
HEALTH_MIN_FREE_DISK_MB = env.int("HEALTH_MIN_FREE_DISK_MB", default=500)

# Content Security Policy: no inline script or style, no eval; everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# HTTPS on the madrasah LAN (docs/deployment.md): Caddy in front with its own certificate authority,
# gunicorn bound to 127.0.0.1 only. The proxy's X-Forwarded-Proto is trusted and the session and CSRF
# cookies travel over HTTPS only; no HSTS, so a device that does not trust the madrasah's authority
# yet is not locked out of the address for a year.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
if BEHIND_HTTPS_PROXY and not PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A LAN monitor or load balancer checks health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
