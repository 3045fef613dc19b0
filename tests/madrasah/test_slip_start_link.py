"""The one-time start link of a first-login slip: opened once, it sets the person's password and logs
them in; a used, outlived or replaced link, or anything forged, is one refusal page, never a 500."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from madrasah.models import AccountEvent, Membership
from tests.factories.madrasah import member

from .test_staff_excel import person, template_file, upload

REFUSAL = "Tautan ini sudah dipakai atau tidak berlaku lagi."
NEW_PASSWORD = "Jeruk-Manis-2026"
LINK = re.compile(r'data-testid="slip-link"[^>]*>([^<]+)</a>')
PASSWORD = re.compile(r'data-testid="slip-password">([^<]+)<')


def print_slips(client, operator, *memberships) -> str:
    """The operator prints (and confirms) the slips of `memberships`; returns the slips page."""
    client.force_login(operator.user)
    ids = [str(m.pk) for m in memberships]
    response = client.post("/akun/slip/", {"membership": ids, "confirm": "1"})
    assert response.status_code == 200
    client.logout()
    return response.content.decode()


def start_path(page: str, index: int = 0) -> str:
    return urlsplit(LINK.findall(page)[index]).path


def set_password(client, path: str, password: str = NEW_PASSWORD):
    """Open the link, then save the new password twice on the page it leads to."""
    opened = client.get(path)
    if opened.status_code != 302:
        return opened
    return client.post(opened.url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def new_guru(madrasah):
    """A teacher whose account was just made and never used."""
    membership = member(madrasah=madrasah, roles=["guru"])
    membership.user.last_login = None
    membership.user.save(update_fields=["last_login"])
    return membership


@pytest.fixture
def slip_page(client, operator, new_guru) -> str:
    return print_slips(client, operator, new_guru)


@pytest.fixture
def link(slip_page) -> str:
    return start_path(slip_page)


def test_the_slip_shows_the_link_its_qr_code_and_until_when(client, operator, new_guru):
    with time_machine.travel(dt.datetime(2026, 7, 20, 9, tzinfo=dt.UTC), tick=False):
        page = print_slips(client, operator, new_guru)

    assert start_path(page).startswith("/akun/mulai/")
    assert LINK.findall(page)[0].startswith("http://testserver/akun/mulai/")
    assert '<svg width="' in page and 'class="slip-qr"' in page
    assert "Berlaku sekali, sampai 3 Agustus 2026" in page


def test_the_link_sets_the_password_logs_in_and_works_once(client, link, new_guru):
    opened = client.get(link)

    assert opened.status_code == 302
    assert opened.url.endswith("/sandi/") and opened["Referrer-Policy"] == "no-referrer"
    form = client.get(opened.url)
    assert form["Referrer-Policy"] == "same-origin"  # no token here; no-referrer would send `Origin: null`
    assert new_guru.user.first_name in form.content.decode()
    assert new_guru.user.username in form.content.decode()
    saved = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert saved.status_code == 302 and saved.url == "/"
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/beranda/guru/"
    user = new_guru.user
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.password.startswith("pbkdf2_sha256_slip$")
    assert not user.must_change_password and user.last_login is not None
    event = AccountEvent.objects.get(kind="slip_link_used")
    assert (event.user, event.actor, event.madrasah_id) == (user, user, new_guru.madrasah_id)
    client.logout()
    again = client.get(link)
    assert again.status_code == 404 and REFUSAL in again.content.decode()


def test_a_password_too_weak_or_mistyped_is_refused_and_the_link_still_works(client, link, new_guru):
    form_url = client.get(link).url

    mismatch = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "Jeruk-Manis-2027"})
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert mismatch.status_code == weak.status_code == 200
    assert mismatch.context["form"].errors and weak.context["form"].errors
    assert set_password(client, link).status_code == 302


def test_the_link_dies_after_a_normal_login(client, slip_page, link, new_guru):
    password = PASSWORD.search(slip_page).group(1)

    assert client.post("/masuk/", {"username": new_guru.user.username, "password": password}).status_code == 302
    client.logout()

    refused = client.get(link)
    assert refused.status_code == 404 and REFUSAL in refused.content.decode()


def test_the_link_dies_when_a_newer_slip_is_printed(client, operator, new_guru, link):
    newer = start_path(print_slips(client, operator, new_guru))

    assert set_password(client, link).status_code == 404
    assert set_password(client, newer).status_code == 302


def test_the_link_dies_between_opening_it_and_saving_when_a_newer_slip_is_printed(client, operator, new_guru, link):
    form_url = client.get(link).url
    print_slips(Client(), operator, new_guru)

    refused = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 404
    new_guru.user.refresh_from_db()
    assert new_guru.user.must_change_password


def test_the_link_lasts_fourteen_days(client, operator, new_guru):
    with time_machine.travel(dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC), tick=False):
        link = start_path(print_slips(client, operator, new_guru))
    with time_machine.travel(dt.datetime(2026, 7, 14, 8, tzinfo=dt.UTC), tick=False):
        assert client.get(link).status_code == 302
    with time_machine.travel(dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC), tick=False):
        assert client.get(link).status_code == 404


def test_another_users_uid_with_this_token_is_refused(client, link, guru):
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = f"/akun/mulai/{urlsafe_base64_encode(force_bytes(guru.user.pk))}/{token}/"

    assert client.get(forged).status_code == 404
    assert set_password(client, forged).status_code == 404


@pytest.mark.parametrize(
    "uidb64, token",
    [
        (urlsafe_base64_encode(b"12345678901234567890"), "cx1a2b-0123456789abcdef0123"),  # 20 digits
        (urlsafe_base64_encode(b"-1"), "cx1a2b-0123456789abcdef0123"),
        ("!!notbase64!!", "cx1a2b-0123456789abcdef0123"),
        ("_w", "cx1a2b-0123456789abcdef0123"),  # decodes to a byte that is not UTF-8
        ("MQ" * 500, "cx1a2b-0123456789abcdef0123"),
        ("MQ", "z" * 2000),
        ("MQ", "zzzzzzzzzzzzzzzzzzzz-abc"),  # a timestamp too long for base 36
        ("MQ", "a-b-c"),
        ("MQ", "sandi"),
    ],
)
def test_hostile_uids_and_tokens_get_the_refusal_page_never_a_500(client, new_guru, uidb64, token):
    url = f"/akun/mulai/{uidb64}/{token}/"

    for response in (client.get(url), client.post(url, {"new_password1": "x", "new_password2": "x"})):
        assert response.status_code == 404
        assert REFUSAL in response.content.decode()
        assert response["Referrer-Policy"] == "no-referrer"


def test_an_inactive_account_or_one_whose_memberships_ended_cannot_use_its_link(client, operator, madrasah):
    inactive, ended = (member(madrasah=madrasah, roles=["guru"]) for _ in range(2))
    page = print_slips(client, operator, inactive, ended)
    links = {m.user.username: start_path(page, i) for i, m in enumerate(sorted([inactive, ended], key=_order))}
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])
    Membership.objects.filter(pk=ended.pk).update(is_active=False)

    assert set_password(client, links[inactive.user.username]).status_code == 404
    assert set_password(client, links[ended.user.username]).status_code == 404


def test_someone_logged_in_on_the_phone_is_logged_out_by_the_save(client, link, guru, new_guru):
    client.force_login(guru.user)

    form_url = client.get(link).url
    page = client.get(form_url)
    assert 'data-testid="slip-start-other"' in page.content.decode()
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert int(client.session["_auth_user_id"]) == new_guru.user_id


def test_a_slip_made_elsewhere_than_the_slips_page_has_its_link_too(client, operator, new_guru):
    client.force_login(operator.user)
    page = client.post(f"/pegawai/{new_guru.staff_id}/reset-sandi/").content.decode()
    client.logout()

    assert set_password(client, start_path(page)).status_code == 302


def test_the_import_result_prints_the_new_accounts_slips_in_two_posts(client, operator, madrasah):
    client.force_login(operator.user)
    result = upload(client, template_file(*(person(i=i, Nama=f"Guru Impor {i}") for i in range(1, 4))))
    ids = result.context["result"].new_memberships
    assert sorted(ids) == sorted(
        Membership.objects.filter(staff__name__startswith="Guru Impor").values_list("pk", flat=True)
    )
    assert 'data-testid="slips-link"' in result.content.decode()
    assert "Cetak slip untuk 3 akun baru" in result.content.decode()

    confirm = client.post("/akun/slip/", {"membership": [str(i) for i in ids]})
    assert "3 akun" in confirm.content.decode() and 'data-testid="slip-confirm"' in confirm.content.decode()
    slips = client.post("/akun/slip/", {"membership": [str(i) for i in ids], "confirm": "1"})

    assert len(slips.context["slips"]) == 3
    assert len(LINK.findall(slips.content.decode())) == 3


def test_the_import_button_prints_nothing_the_operator_may_not_control(client, operator, kepala, outsider):
    client.force_login(operator.user)

    response = client.post("/akun/slip/", {"membership": [str(kepala.pk), str(outsider.pk)]})

    assert response.status_code == 302 and response.url == "/akun/slip/"
    kepala.user.refresh_from_db()
    assert kepala.user.check_password("rahasia-123")


def _order(membership):
    return (membership.staff.name, membership.pk)
