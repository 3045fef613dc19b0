""" "Draft the programme" in one POST: the standard texts, then straight to planning the first row; the
full form stays one link away, and the texts stay editable until approval."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from kompetensi.models import Programme, ProgrammeStatus
from kompetensi.supervision.rules import programme_defaults, programme_texts
from tests.factories.madrasah import SemesterFactory

SEMESTER_PAGE = reverse("kompetensi:programme-semester")
QUICK = reverse("kompetensi:programme-create-quick")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(dt.datetime(2026, 7, 6, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        yield


def test_the_page_offers_one_button_and_the_full_form(client, kepala):
    client.force_login(kepala.user)
    body = client.get(SEMESTER_PAGE).content.decode()
    assert 'data-testid="programme-create-form"' in body
    assert f'action="{QUICK}?semester=2026-2027-ganjil"' in body
    assert f'href="{reverse("kompetensi:programme-create")}?semester=2026-2027-ganjil"' in body


def test_one_post_drafts_the_programme_and_opens_the_first_row(client, kepala, madrasah):
    client.force_login(kepala.user)
    response = client.post(f"{QUICK}?semester=2026-2027-ganjil")
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("kompetensi:programme-row-create", args=[programme.pk])
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.created_by == kepala.user
    # The standard texts are stored as "standard" (empty) and composed whenever shown.
    assert (programme.purpose, programme.legal_basis, programme.targets, programme.techniques) == ("", "", "", "")
    with translation.override("id"):
        defaults = programme_defaults(semester=programme.semester)
    assert programme_texts(programme) == defaults
    row_page = client.get(response.url)
    assert row_page.status_code == 200
    assert "Sekarang jadwalkan supervisi pertama." in row_page.content.decode()


def test_the_texts_stay_editable_after_a_quick_draft(client, waka):
    client.force_login(waka.user)
    client.post(QUICK)
    programme = Programme.objects.get()
    response = client.get(reverse("kompetensi:programme-update", args=[programme.pk]))
    assert response.status_code == 200
    initial = response.context["form"].initial["targets"]
    assert initial == programme_texts(programme)["targets"]
    assert initial.startswith("1. Seluruh guru madrasah disupervisi") and "semester 2026/2027 Ganjil." in initial


def test_a_second_click_lands_on_the_existing_programme(client, kepala):
    client.force_login(kepala.user)
    client.post(QUICK)
    response = client.post(QUICK)
    programme = Programme.objects.get()
    assert response.url == reverse("kompetensi:programme-detail", args=[programme.pk])


def test_a_teacher_may_not_draft_it(client, guru):
    client.force_login(guru.user)
    assert client.post(QUICK).status_code == 403
    assert not Programme.objects.exists()


def test_it_only_answers_post(client, kepala):
    client.force_login(kepala.user)
    assert client.get(QUICK).status_code == 405


def test_the_semester_of_another_madrasah_is_not_found(client, kepala, other_madrasah):
    theirs = SemesterFactory(academic_year__madrasah=other_madrasah, academic_year__start_year=2030, is_active=False)
    client.force_login(kepala.user)
    assert client.post(f"{QUICK}?semester={theirs.slug}").status_code == 404
    assert not Programme.objects.exists()


def test_the_outsider_drafts_only_in_their_own_madrasah(client, kepala, outsider, other_madrasah):
    client.force_login(outsider.user)
    client.post(QUICK)
    assert list(Programme.objects.values_list("madrasah_id", flat=True)) == [other_madrasah.pk]
