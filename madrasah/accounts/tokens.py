"""The one-time start link of a first-login slip (`/akun/mulai/<uidb64>/<token>/`).

An HMAC of the account's state, as Django's password-reset token: nothing is stored. The link dies when
that state changes: the password is set (through the link or at a normal first login), the person logs
in (`last_login`), or a newer slip gives a new first-login password.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

# Slips are handed out over days (a staff meeting, then those absent that week).
SLIP_LINK_VALIDITY = dt.timedelta(days=14)


class SlipStartTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "madrasah.accounts.tokens.SlipStartTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        return f"{user.pk}|{user.password}|{login}|{int(user.must_change_password)}|{timestamp}"

    def check_token(self, user, token):
        """Django's check with this link's own validity instead of `PASSWORD_RESET_TIMEOUT` (a reset
        link by email, 3 days by default)."""
        if not (user and token) or len(token) > 64:
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - ts <= SLIP_LINK_VALIDITY.total_seconds()


slip_start_token = SlipStartTokenGenerator()
