"""Shared good practice through HTTP: a teacher writes a draft, edits and submits it; the Kepala
publishes it (the teacher is notified) or returns it with a note; unpublished write-ups stay with
their author, the Waka and the Kepala (another teacher: 404); published ones are open to every
member; text is rendered plain; another madrasah's write-up is 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from madrasah.models import Notification
from madrasah.notifications import notification_message
from mutu.models import GoodPractice, GoodPracticeStatus
from tests.factories.mutu_money import good_practice

LIST = reverse("mutu:good-practice-list")
CREATE = reverse("mutu:good-practice-create")


def url(name: str, practice: GoodPractice) -> str:
    return reverse(f"mutu:good-practice-{name}", args=[practice.pk])


def form_data(**overrides) -> dict:
    data = {"title": "Kuis kartu di kelas VIII", "body": "Saya membagi kelas menjadi empat kelompok.\n\nHasilnya baik."}
    data.update(overrides)
    return data


# --- writing -----------------------------------------------------------------------------------------


def test_a_teacher_writes_a_draft(login, guru):
    response = login(guru).post(CREATE, form_data())
    practice = GoodPractice.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", practice)
    assert practice.teacher == guru.staff
    assert practice.madrasah == guru.madrasah
    assert practice.status == GoodPracticeStatus.DRAFT
    assert practice.body == "Saya membagi kelas menjadi empat kelompok.\n\nHasilnya baik."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"title": ""}, "title"), ({"title": "   "}, "title"), ({"body": ""}, "body"), ({"body": "  \n  "}, "body")],
    ids=["no-title", "blank-title", "no-body", "blank-body"],
)
def test_an_empty_write_up_is_refused_at_its_field_and_nothing_is_written(login, guru, overrides, field):
    response = login(guru).post(CREATE, form_data(**overrides))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not GoodPractice.objects.exists()


def test_a_too_long_write_up_is_refused(login, guru):
    response = login(guru).post(CREATE, form_data(body="a" * 10_001))
    assert list(response.context["form"].errors) == ["body"]
    assert not GoodPractice.objects.exists()


@pytest.mark.parametrize("persona", ["operator", "pengawas"])
def test_who_is_not_a_teacher_does_not_write(request, login, persona):
    assert login(request.getfixturevalue(persona)).post(CREATE, form_data()).status_code == 403
    assert not GoodPractice.objects.exists()


def test_the_author_edits_until_it_is_published(login, guru):
    practice = good_practice(guru, status=GoodPracticeStatus.SUBMITTED)
    client = login(guru)
    response = client.post(url("update", practice), form_data(title="Kuis kartu, versi dua"))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.status) == ("Kuis kartu, versi dua", GoodPracticeStatus.SUBMITTED)
    GoodPractice.objects.filter(pk=practice.pk).update(status=GoodPracticeStatus.PUBLISHED)
    response = client.post(url("update", practice), form_data(title="Diubah setelah terbit"))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Kuis kartu, versi dua"
    assert client.get(url("update", practice)).status_code == 302


@pytest.mark.parametrize("persona", ["waka", "kepala"])
def test_only_the_author_edits(request, login, guru, persona):
    practice = good_practice(guru, status=GoodPracticeStatus.SUBMITTED)
    client = login(request.getfixturevalue(persona))
    assert client.post(url("update", practice), form_data(title="Bukan penulis")).status_code == 403
    assert client.post(url("submit", practice)).status_code == 403
    practice.refresh_from_db()
    assert practice.title == "Kuis kartu"


# --- who sees what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [GoodPracticeStatus.DRAFT, GoodPracticeStatus.SUBMITTED])
def test_an_unpublished_write_up_is_hidden_from_colleagues(request, login, guru, status):
    practice = good_practice(guru, status=status, title="Rahasia draf")
    expected = {"guru": 200, "waka": 200, "kepala": 200, "guru_lain": 404, "operator": 404, "pengawas": 404}
    for persona, code in expected.items():
        client = login(request.getfixturevalue(persona))
        assert client.get(url("detail", practice)).status_code == code, persona
        listed = "Rahasia draf" in client.get(LIST).content.decode()
        # The author lists their own; the Kepala and the Waka list only submitted ones (their queue).
        assert listed == (persona == "guru" or (status == GoodPracticeStatus.SUBMITTED and code == 200)), persona


def test_a_published_write_up_is_open_to_every_member(request, login, guru):
    practice = good_practice(guru, status=GoodPracticeStatus.PUBLISHED, title="Terbit untuk semua")
    for persona in ("guru", "guru_lain", "waka", "kepala", "operator", "pengawas"):
        client = login(request.getfixturevalue(persona))
        assert client.get(url("detail", practice)).status_code == 200, persona
        assert "Terbit untuk semua" in client.get(LIST).content.decode(), persona


def test_another_madrasahs_write_up_is_404(login, kepala, outsider):
    theirs = good_practice(outsider, status=GoodPracticeStatus.SUBMITTED)
    published = good_practice(outsider, status=GoodPracticeStatus.PUBLISHED, title="Milik madrasah lain")
    client = login(kepala)
    for practice in (theirs, published):
        assert client.get(url("detail", practice)).status_code == 404
        assert client.post(url("publish", practice)).status_code == 404
        assert client.post(url("return", practice), {"note": "Tidak"}).status_code == 404
    assert "Milik madrasah lain" not in client.get(LIST).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == GoodPracticeStatus.SUBMITTED


def test_the_write_up_is_rendered_as_plain_text(login, guru, guru_lain):
    practice = good_practice(guru, status=GoodPracticeStatus.PUBLISHED)
    GoodPractice.objects.filter(pk=practice.pk).update(
        body='<script>alert("x")</script> <b>tebal</b>\nbaris dua\n\nparagraf dua'
    )
    html = login(guru_lain).get(url("detail", practice)).content.decode()
    assert "<script>alert" not in html and "<b>tebal</b>" not in html
    assert "&lt;script&gt;" in html
    assert "baris dua" in html and "<br>baris dua" in html
    assert "<p>paragraf dua</p>" in html


# --- submit, publish, return -------------------------------------------------------------------------


def test_submitting_sends_it_to_the_kepala(login, guru, kepala):
    practice = good_practice(guru)
    response = login(guru).post(url("submit", practice))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.SUBMITTED
    note = Notification.objects.get(user=kepala.user)
    assert "Kuis kartu" in notification_message(note) and note.url == url("detail", practice)
    # A second click changes nothing and notifies nobody again.
    login(guru).post(url("submit", practice))
    assert Notification.objects.filter(user=kepala.user).count() == 1


def test_the_kepala_publishes_and_the_teacher_is_notified(login, guru, kepala, guru_lain):
    practice = good_practice(guru, status=GoodPracticeStatus.SUBMITTED)
    assert "Kuis kartu" in login(kepala).get(LIST).content.decode()  # in the Kepala's queue
    response = login(kepala).post(url("publish", practice))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.PUBLISHED
    assert practice.published_by == kepala.user
    assert practice.published_at is not None
    note = Notification.objects.get(user=guru.user)
    assert (
        notification_message(note)
        == "Praktik baik Anda “Kuis kartu” telah diterbitkan untuk rekan-rekan Anda. Terima kasih!"
    )
    assert note.url == url("detail", practice)
    assert login(guru_lain).get(url("detail", practice)).status_code == 200


@pytest.mark.parametrize("persona", ["waka", "guru", "guru_lain"])
def test_only_the_kepala_publishes(request, login, guru, persona):
    practice = good_practice(guru, status=GoodPracticeStatus.SUBMITTED)
    client = login(request.getfixturevalue(persona))
    # Another teacher does not even see an unpublished write-up.
    expected = 404 if persona == "guru_lain" else 403
    assert client.post(url("publish", practice)).status_code == expected
    assert client.post(url("return", practice), {"note": "Kurang"}).status_code == expected
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.SUBMITTED
    assert not Notification.objects.filter(user=guru.user).exists()


def test_a_draft_is_not_published_before_it_is_submitted(login, guru, kepala):
    practice = good_practice(guru)
    response = login(kepala).post(url("publish", practice), follow=True)
    assert "Hanya tulisan yang sudah diajukan yang dapat diterbitkan." in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.DRAFT


def test_the_kepala_returns_it_with_a_note(login, guru, kepala):
    practice = good_practice(guru, status=GoodPracticeStatus.SUBMITTED)
    response = login(kepala).post(url("return", practice), {"note": "Tambahkan foto kegiatan."})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.DRAFT
    note = Notification.objects.get(user=guru.user)
    assert (
        notification_message(note)
        == "Praktik baik Anda dikembalikan sebagai draf dengan catatan: Tambahkan foto kegiatan."
    )
    # The teacher may change it and submit again.
    assert login(guru).post(url("submit", practice)).status_code == 302
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.SUBMITTED


def test_returning_needs_a_note(login, guru, kepala):
    practice = good_practice(guru, status=GoodPracticeStatus.SUBMITTED)
    response = login(kepala).post(url("return", practice), {"note": "  "})
    assert response.status_code == 400
    assert list(response.context["return_form"].errors) == ["note"]
    practice.refresh_from_db()
    assert practice.status == GoodPracticeStatus.SUBMITTED
    assert not Notification.objects.exists()


def test_the_detail_page_offers_the_right_actions(login, guru, kepala):
    practice = good_practice(guru)
    html = login(guru).get(url("detail", practice)).content.decode()
    assert 'data-testid="good-practice-submit"' in html and 'data-testid="good-practice-edit"' in html
    assert 'data-testid="good-practice-publish"' not in html
    GoodPractice.objects.filter(pk=practice.pk).update(status=GoodPracticeStatus.SUBMITTED)
    html = login(kepala).get(url("detail", practice)).content.decode()
    assert 'data-testid="good-practice-publish"' in html and 'data-testid="good-practice-return-form"' in html
    assert 'data-testid="good-practice-edit"' not in html


def test_teachers_and_the_kepala_find_it_in_the_navigation(login, guru, kepala):
    for persona in (guru, kepala):
        html = login(persona).get(reverse("madrasah:password-change")).content.decode()
        assert f'href="{LIST}"' in html
