"""Settings of the web server `make bench-district` drives: those of `make loadtest`'s server (the
production profile), checking the passwords of the bench's accounts as the test factories and the
test settings hash them, with MD5 (1,400 accounts with PBKDF2 would take minutes to build, and 60
logins re-hashing them would hold the small machine for minutes). Logins are outside the measured
window; the pages measured are the production profile's."""

from config.settings import PASSWORD_HASHERS
from tests.loadtest.server_settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
