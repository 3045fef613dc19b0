"""Notices that mean something: each records what happened and the record it is about, the action
that deals with the record marks it done (the bell stops counting it), the list groups them by kind
and composes each sentence in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kompetensi.models import Observation, ObservationState, ProgrammeStatus
from kompetensi.supervision.services.programme import programme_row_create
from madrasah.models import Notification
from tests.factories import supervision as f
from tests.kompetensi.test_workflow import submitted_observation

pytestmark = pytest.mark.django_db


def badge(response) -> int:
    found = re.search(r'data-testid="notification-badge">(\d+)<', response.content.decode())
    return int(found.group(1)) if found else 0


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_acknowledging_a_result_marks_the_teachers_notice_done(login, madrasah, kepala, waka, guru):
    observation = submitted_observation(madrasah, kepala, waka, guru)
    notice = Notification.objects.get(user=guru.user)
    assert (notice.kind, notice.matter_id, notice.done_at) == ("observation_submitted", observation.pk, None)
    client = login(guru)
    assert badge(client.get(reverse("madrasah:notification-list"))) == 1

    response = client.post(reverse("kompetensi:observation-acknowledge", args=[observation.pk]), {"response": ""})

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.done_at is not None and notice.read_at is not None
    page = client.get(reverse("madrasah:notification-list"))
    assert badge(page) == 0
    assert "sudah ditindaklanjuti" in page.content.decode()
    # The supervisor is told, as news about the same record.
    told = Notification.objects.get(user=waka.user, kind="observation_acknowledged")
    assert told.matter_id == observation.pk and told.done_at is None


def test_finalising_closes_every_notice_about_the_result(login, madrasah, kepala, waka, guru):
    observation = submitted_observation(madrasah, kepala, waka, guru)
    login(guru).post(reverse("kompetensi:observation-clarify", args=[observation.pk]), {"text": "Mohon dijelaskan."})
    assert set(Notification.objects.filter(done_at__isnull=True).values_list("user_id", "kind")) == {
        (kepala.user_id, "observation_clarification"),
        (waka.user_id, "observation_clarification"),
    }

    login(kepala).post(reverse("kompetensi:observation-finalise", args=[observation.pk]), {"confirm": "on"})

    assert Observation.objects.get(pk=observation.pk).state == ObservationState.FINAL
    open_notices = Notification.objects.filter(done_at__isnull=True)
    assert list(open_notices.values_list("user_id", "kind")) == [(guru.user_id, "observation_finalised")]


def test_the_kepala_is_told_a_programme_awaits_approval_and_approving_settles_it(login, madrasah, kepala, waka, guru):
    f.team(madrasah=madrasah, members=[waka])
    draft = f.programme(madrasah=madrasah, created_by=waka)
    semester = draft.semester
    for teacher in (guru, guru):  # a second supervision does not tell the Kepala twice
        programme_row_create(
            programme=draft,
            teacher=teacher.staff,
            supervisor=waka.user,
            instruments=[f.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)],
            planned_at=f.default_planned_at(semester),
            today=semester.start_date,
        )
    notice = Notification.objects.get(kind="programme_awaits_approval")
    assert notice.user_id == kepala.user_id and notice.url == reverse("kompetensi:programme-detail", args=[draft.pk])
    client = login(kepala)
    page = client.get(reverse("madrasah:notification-list"))
    assert "Program supervisi 2026/2027 semester Ganjil menunggu pengesahan Anda." in page.content.decode()
    home = client.get(reverse("madrasah:home-kepala")).content.decode()
    assert 'data-testid="todo-programme_to_approve" data-count="1"' in home

    approve = reverse("kompetensi:programme-approve", args=[draft.pk])
    assert client.post(approve).status_code == 302

    notice.refresh_from_db()
    assert notice.done_at is not None
    assert 'data-testid="todo-programme_to_approve"' not in client.get(reverse("madrasah:home-kepala")).content.decode()
    # A second click (another tab, or the Waka's Kepala-for-the-day) is refused with a clear message
    # and the programme page says what happened.
    again = client.post(approve)
    assert "Program sudah disahkan." in messages_of(again)
    assert draft.__class__.objects.get(pk=draft.pk).status == ProgrammeStatus.APPROVED
    assert "Disahkan" in client.get(reverse("kompetensi:programme-detail", args=[draft.pk])).content.decode()


def test_the_sentence_is_composed_in_the_readers_language(login, madrasah, kepala, waka, guru):
    submitted_observation(madrasah, kepala, waka, guru)
    notice = Notification.objects.get(user=guru.user)
    assert notice.text == ""  # nothing displayed is stored as display text
    client = login(guru)
    assert "Hasil supervisi Anda" in client.get(reverse("madrasah:notification-list")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("madrasah:notification-list")).content.decode()
    assert "Your supervision result" in english and "Supervision results" in english


def test_an_old_notice_keeps_its_stored_text(login, guru):
    Notification.objects.create(user=guru.user, madrasah=guru.madrasah, text="Pemberitahuan lama.", url="")
    page = login(guru).get(reverse("madrasah:notification-list")).content.decode()
    assert "Pemberitahuan lama." in page and "Pemberitahuan lain" in page


def test_the_list_is_grouped_by_kind_newest_group_first(login, madrasah, kepala, waka, guru):
    Notification.objects.create(user=guru.user, madrasah=madrasah, kind="pkb_verified", params={"title": "MGMP"})
    submitted_observation(madrasah, kepala, waka, guru)
    Notification.objects.create(
        user=guru.user, madrasah=madrasah, kind="pkb_credited", params={"jp": 8, "title": "IHT"}
    )

    page = login(guru).get(reverse("madrasah:notification-list")).content.decode()

    headings = re.findall(r'<h2 class="h6" id="notification-group-\d+">([^<]+)', page)
    assert [h.strip() for h in headings] == ["Pengembangan keprofesian berkelanjutan (PKB)", "Hasil supervisi"]
    assert page.index("Anda mendapat 8 JP") < page.index("MGMP") < page.index("Hasil supervisi Anda")


def test_mark_all_as_read_empties_the_badge_and_keeps_the_notices(login, madrasah, kepala, waka, guru):
    submitted_observation(madrasah, kepala, waka, guru)
    Notification.objects.create(user=guru.user, madrasah=madrasah, kind="pkb_verified", params={"title": "MGMP"})
    client = login(guru)
    assert badge(client.get(reverse("madrasah:notification-list"))) == 2

    response = client.post(reverse("madrasah:notification-list"))

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert badge(page) == 0 and page.content.decode().count('data-testid="notification"') == 2
    assert 'data-testid="mark-all-read"' not in page.content.decode()
