"""Notifications: the unread badge (one COUNT query), the list that marks them read, opening one,
email only for users with an address and only after commit, and WhatsApp links without scores."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompetensi.growth.notices import APPRECIATION
from kompetensi.supervision.notices import OBSERVATION_SUBMITTED
from madrasah.models import Notification
from madrasah.notifications import Note, notification_create, notification_message, notify_many, whatsapp_share_url


def note(membership, text="Hasil supervisi Anda sudah tersedia.", url="/beranda/guru/", **kwargs):
    return Notification.objects.create(user=membership.user, madrasah=membership.madrasah, text=text, url=url, **kwargs)


def shared_text(link: str) -> str:
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/")
    return parse_qs(parts.query)["text"][0]


# --- the badge -----------------------------------------------------------------------------------------


def test_the_badge_counts_unread_notifications_of_this_madrasah_in_one_query(login, guru, guru_lain, outsider):
    note(guru)
    note(guru)
    note(guru, read_at=timezone.now())
    note(guru_lain)
    client = login(guru)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("madrasah:home-guru"))
    assert response.context["unread_notifications"] == 2
    badge = re.search(r'data-testid="notification-badge">(\d+)<', response.content.decode())
    assert badge and badge.group(1) == "2"
    counting = [q["sql"] for q in queries.captured_queries if "madrasah_notification" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()


def test_no_badge_without_unread_notifications(login, guru):
    response = login(guru).get(reverse("madrasah:home-guru"))
    assert 'data-testid="notification-badge"' not in response.content.decode()
    assert 'data-testid="notification-link"' in response.content.decode()


# --- the list, marking read, opening ---------------------------------------------------------------------


def test_the_list_shows_only_my_notifications(login, guru, guru_lain):
    mine = note(guru, text="Untuk saya")
    note(guru_lain, text="Untuk guru lain")
    response = login(guru).get(reverse("madrasah:notification-list"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [mine.pk]
    assert "Untuk guru lain" not in response.content.decode()


def test_tandai_dibaca_marks_one_or_all_read(login, guru):
    first, second, third = note(guru), note(guru), note(guru)
    client = login(guru)
    client.post(reverse("madrasah:notification-list"), {"notification": first.pk})
    assert list(Notification.objects.filter(read_at__isnull=True).order_by("pk").values_list("pk", flat=True)) == [
        second.pk,
        third.pk,
    ]
    response = client.post(reverse("madrasah:notification-list"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(login, guru):
    notification = note(guru, url="/beranda/guru/")
    response = login(guru).get(reverse("madrasah:notification-open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/beranda/guru/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_off_the_site_is_not_followed(login, guru):
    notification = note(guru, url="https://evil.example/")
    response = login(guru).get(reverse("madrasah:notification-open", args=[notification.pk]))
    assert response.url == reverse("madrasah:notification-list")


def test_another_users_notification_is_404(login, guru, guru_lain):
    theirs = note(guru_lain)
    client = login(guru)
    assert client.get(reverse("madrasah:notification-open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("madrasah:notification-list"), {"notification": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- email ----------------------------------------------------------------------------------------------


def test_email_goes_after_commit_only_to_users_with_an_address(
    guru, guru_lain, settings, django_capture_on_commit_callbacks
):
    guru.user.email = "guru@example.org"
    guru.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify_many(
            madrasah=guru.madrasah,
            notes=[
                Note(guru.user, OBSERVATION_SUBMITTED, {"instrument": "Modul Ajar"}, url="/kompetensi/observasi/1/"),
                Note(guru_lain.user, APPRECIATION, {}),
            ],
        )
        assert mail.outbox == []  # nothing before the commit
    assert len(mail.outbox) == 1
    [message] = mail.outbox
    assert message.to == ["guru@example.org"]
    assert "Hasil supervisi Anda (Modul Ajar) sudah tersedia." in message.body
    assert f"{settings.SITE_URL}/kompetensi/observasi/1/" in message.body


def test_no_email_for_a_rolled_back_action(guru, django_capture_on_commit_callbacks):
    guru.user.email = "guru@example.org"
    guru.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification_create(user=guru.user, madrasah=guru.madrasah, kind=APPRECIATION)
        transaction.set_rollback(True)
    assert callbacks == [] and mail.outbox == []


def test_the_email_link_is_absolute_from_site_url(guru, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://mutu.mtsn3pamekasan.sch.id"
    guru.user.email = "guru@example.org"
    guru.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=guru.user, madrasah=guru.madrasah, kind=APPRECIATION, url="/kompetensi/observasi/9/")
    assert "https://mutu.mtsn3pamekasan.sch.id/kompetensi/observasi/9/" in mail.outbox[0].body


# --- WhatsApp --------------------------------------------------------------------------------------------


def test_the_whatsapp_link_carries_the_text_and_the_login_link(settings):
    settings.SITE_URL = "https://mutu.example.sch.id"
    text = shared_text(whatsapp_share_url("Assalamu'alaikum, ada hasil supervisi."))
    assert text == "Assalamu'alaikum, ada hasil supervisi. https://mutu.example.sch.id/masuk/"


@pytest.fixture
def submitted(madrasah, kepala, waka, guru):
    from tests.kompetensi.test_workflow import submitted_observation

    return submitted_observation(madrasah, kepala, waka, guru)


def test_no_score_travels_through_whatsapp(login, submitted, guru, waka):
    assert submitted.percentage == 75 and submitted.predikat == "Cukup"
    forbidden = re.compile(r"%|\b75\b|75,00|Cukup", re.IGNORECASE)

    page = login(guru).get(reverse("madrasah:notification-list"))
    links = re.findall(r'href="(https://wa\.me/[^"]+)"', page.content.decode())
    assert links
    observation_page = login(waka).get(submitted.get_absolute_url())
    links += re.findall(r'href="(https://wa\.me/[^"]+)"', observation_page.content.decode())
    assert len(links) >= 2
    for link in links:
        text = shared_text(link.replace("&amp;", "&"))
        assert not forbidden.search(text), text
        assert text.endswith("/masuk/")
    for notification in Notification.objects.all():
        assert not forbidden.search(notification_message(notification)), notification_message(notification)
