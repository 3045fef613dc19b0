"""Settings of the web server `make bench-district` drives: those of `make loadtest`'s server (the
production profile), able to check the passwords of the bench's accounts, which the test factories
and the test settings hash with MD5 (building 1,400 accounts with PBKDF2 would take minutes). A login
re-hashes the password with PBKDF2, as Django does for any older hash; logins are outside the
measured window."""

from config.settings import PASSWORD_HASHERS
from tests.loadtest.server_settings import *  # noqa: F403

PASSWORD_HASHERS = [*PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
