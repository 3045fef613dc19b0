"""Sessions and passwords, as a user (or a thief of a cookie) meets them:

- a login lasts SESSION_COOKIE_AGE from the moment it was made, busy or not; then the login page;
- logging out ends the session on the server, so a copied cookie opens nothing;
- a weak password (short, common, all digits, a NIP) is refused with the reason in Indonesian.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

OLD_PASSWORD = "rahasia-123"  # the factories' password


# --- sessions ---------------------------------------------------------------------------------------


def test_a_login_ends_after_the_session_age_even_for_a_busy_user(client, guru):
    page = reverse("madrasah:home-guru")
    logged_in_at = timezone.now()
    with time_machine.travel(logged_in_at, tick=False):
        client.force_login(guru.user)
        assert client.get(page).status_code == 200
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(logged_in_at + age - dt.timedelta(minutes=5), tick=False):
        assert client.get(page).status_code == 200  # still at work near the end of the day
    with time_machine.travel(logged_in_at + age + dt.timedelta(minutes=1), tick=False):
        response = client.get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("madrasah:login"))


def test_logging_out_ends_the_session_on_the_server(client, guru):
    client.force_login(guru.user)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("madrasah:logout"))
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get(reverse("madrasah:home-guru")).status_code == 302


# --- password rules ---------------------------------------------------------------------------------


def _change_password(client, new: str):
    return client.post(
        reverse("madrasah:password-change"),
        {"old_password": OLD_PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("candidate", "reasons"),
    [
        ("Ab1-xyz", ["Kata sandi terlalu pendek"]),
        ("bismillah", ["Kata sandi ini terlalu umum"]),
        ("5820341976", ["Kata sandi ini seluruhnya terdiri dari angka"]),
        ("{nip}", ["Kata sandi ini seluruhnya terdiri dari angka", "Kata sandi terlalu mirip"]),
    ],
    ids=["short", "common", "numeric", "own-nip"],
)
def test_a_weak_password_is_refused_with_the_reason(candidate, reasons, client, guru):
    client.force_login(guru.user)
    response = _change_password(client, candidate.format(nip=guru.staff.nip))
    assert response.status_code == 200
    body = response.content.decode()
    for reason in reasons:
        assert reason in body
    guru.user.refresh_from_db()
    assert guru.user.check_password(OLD_PASSWORD)


def test_a_strong_password_is_accepted(client, guru):
    client.force_login(guru.user)
    response = _change_password(client, "Kelas-7B-Matematika")
    assert response.status_code == 302
    guru.user.refresh_from_db()
    assert guru.user.check_password("Kelas-7B-Matematika")
