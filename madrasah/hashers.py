from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FirstLoginPasswordHasher(PBKDF2PasswordHasher):
    """For the random first-login passwords printed on slips only.

    They are long random strings, valid until the first login, where the person must replace them
    (and Django re-hashes with the default hasher). Fewer iterations let the operator print the
    slips of a whole madrasah in one request.
    """

    algorithm = "pbkdf2_sha256_slip"
    iterations = 10_000
