"""Follow-ups (RTL) through HTTP: planned from a submitted result, progress by the teacher, closed by
the supervisor, overdue flagged, and the lists for the Waka/Kepala and for the teacher."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kompetensi.models import Evidence, FollowUp, FollowUpProgress, FollowUpStatus
from kompetensi.supervision.services import followups as follow_ups
from madrasah.errors import ApplicationError
from madrasah.models import Notification
from tests.factories.kompetensi import instrument_version

from .test_workflow import items_of, scored_observation, submitted_observation, supervised_row, texts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def submitted(madrasah, kepala, waka, guru):
    return submitted_observation(madrasah, kepala, waka, guru)


def plan(observation, user, *, deadline=None, items=None, kind="coaching"):
    return follow_ups.follow_up_create(
        observation=observation,
        user=user,
        kind=kind,
        description="Pendampingan penyusunan asesmen diagnostik.",
        responsible="Waka Kurikulum",
        deadline=deadline or timezone.localdate() + dt.timedelta(days=14),
        items=items if items is not None else [items_of(observation.instrument_version)[2].pk],
    )


def form_data(observation, **overrides):
    data = {
        "kind": "coaching",
        "description": "Pendampingan penyusunan asesmen diagnostik.",
        "responsible": "Waka Kurikulum",
        "deadline": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "items": [items_of(observation.instrument_version)[2].pk],
    }
    data.update(overrides)
    return data


def png_upload(name="kemajuan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- planning ------------------------------------------------------------------------------------------


def test_the_form_proposes_the_items_scored_below_the_threshold(login, submitted, waka):
    response = login(waka).get(reverse("kompetensi:follow-up-create", args=[submitted.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["items"] == [items_of(submitted.instrument_version)[2].pk]
    assert "Butir 3" in response.content.decode()


def test_the_supervisor_plans_a_follow_up_and_the_teacher_is_told(login, submitted, waka, guru):
    response = login(waka).post(reverse("kompetensi:follow-up-create", args=[submitted.pk]), form_data(submitted))
    follow_up = FollowUp.objects.get()
    assert response.status_code == 302 and response.url == follow_up.get_absolute_url()
    assert follow_up.teacher == guru.staff and follow_up.created_by == waka.user
    assert follow_up.status == FollowUpStatus.OPEN
    assert list(follow_up.items.all()) == [items_of(submitted.instrument_version)[2]]
    assert Notification.objects.filter(user=guru.user, url=follow_up.get_absolute_url()).exists()
    assert submitted.events.filter(action="follow_up_created").exists()


@pytest.mark.parametrize("persona", ["kepala", "waka"])
def test_the_waka_and_the_kepala_plan_follow_ups_too(request, login, submitted, persona):
    client = login(request.getfixturevalue(persona))
    client.post(reverse("kompetensi:follow-up-create", args=[submitted.pk]), form_data(submitted))
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("guru", 403), ("pengawas", 403), ("guru_lain", 404)])
def test_others_do_not_plan_follow_ups(request, login, submitted, persona, status):
    client = login(request.getfixturevalue(persona))
    response = client.post(reverse("kompetensi:follow-up-create", args=[submitted.pk]), form_data(submitted))
    assert response.status_code == status
    assert not FollowUp.objects.exists()


def test_a_deadline_in_the_past_is_refused(login, submitted, waka):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = login(waka).post(
        reverse("kompetensi:follow-up-create", args=[submitted.pk]), form_data(submitted, deadline=yesterday)
    )
    assert response.status_code == 200
    assert "Tenggat tidak boleh di masa lalu." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_an_item_of_another_instrument_is_refused(submitted, waka, madrasah):
    other = instrument_version(madrasah=madrasah, academic_year=submitted.instrument_version.academic_year, code="x")
    with pytest.raises(ApplicationError):
        plan(submitted, waka.user, items=[items_of(other)[0].pk])
    assert not FollowUp.objects.exists()


def test_a_draft_has_no_follow_ups_yet(login, madrasah, kepala, waka, guru):
    draft = scored_observation(row=supervised_row(madrasah, kepala, waka, guru), supervisor=waka)
    response = login(waka).get(reverse("kompetensi:follow-up-create", args=[draft.pk]))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    with pytest.raises(ApplicationError):
        plan(draft, waka.user)


# --- progress and closing ---------------------------------------------------------------------------------


def test_the_teacher_records_progress_with_evidence_and_the_supervisor_is_told(login, submitted, waka, guru, media):
    follow_up = plan(submitted, waka.user)
    Notification.objects.all().delete()
    response = login(guru).post(
        reverse("kompetensi:follow-up-progress", args=[follow_up.pk]),
        {"note": "Sudah menyusun asesmen diagnostik kelas VIII.", "file": png_upload()},
    )
    assert response.status_code == 302
    progress = FollowUpProgress.objects.get()
    assert progress.author == guru.user and progress.note.startswith("Sudah menyusun")
    assert progress.evidence.follow_up == follow_up and progress.evidence.content_type == "image/png"
    assert list(Notification.objects.values_list("user", flat=True)) == [waka.user.pk]

    page = login(waka).get(follow_up.get_absolute_url())
    assert "Sudah menyusun asesmen diagnostik" in page.content.decode()
    download = login(waka).get(reverse("kompetensi:evidence-download", args=[progress.evidence.pk]))
    assert download.status_code == 200


def test_progress_needs_a_note(login, submitted, waka, guru):
    follow_up = plan(submitted, waka.user)
    response = login(guru).post(reverse("kompetensi:follow-up-progress", args=[follow_up.pk]), {"note": ""})
    assert response.status_code == 200
    assert not FollowUpProgress.objects.exists()


def test_a_renamed_program_as_progress_evidence_is_refused(login, submitted, waka, guru, media):
    follow_up = plan(submitted, waka.user)
    upload = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = login(guru).post(
        reverse("kompetensi:follow-up-progress", args=[follow_up.pk]), {"note": "Sudah.", "file": upload}
    )
    assert response.status_code == 200
    assert "bukan PDF, JPEG atau PNG" in response.content.decode()
    assert not FollowUpProgress.objects.exists() and not Evidence.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("waka", 403), ("kepala", 403), ("guru_lain", 404)])
def test_only_the_teacher_records_progress(request, login, submitted, waka, persona, status):
    follow_up = plan(submitted, waka.user)
    client = login(request.getfixturevalue(persona))
    response = client.post(reverse("kompetensi:follow-up-progress", args=[follow_up.pk]), {"note": "x"})
    assert response.status_code == status
    assert not FollowUpProgress.objects.exists()


def test_the_supervisor_closes_and_the_teacher_is_told(login, submitted, waka, guru):
    follow_up = plan(submitted, waka.user)
    client = login(waka)
    response = client.post(reverse("kompetensi:follow-up-close", args=[follow_up.pk]))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED
    assert follow_up.closed_by == waka.user and follow_up.closed_at is not None
    assert Notification.objects.filter(user=guru.user, kind="follow_up_closed").exists()

    again = client.post(reverse("kompetensi:follow-up-close", args=[follow_up.pk]))
    assert texts(again)[-1] == "Tindak lanjut ini sudah ditutup."
    with pytest.raises(ApplicationError):
        follow_ups.follow_up_progress_record(follow_up=follow_up, user=guru.user, note="terlambat")


@pytest.mark.parametrize(("persona", "status"), [("guru", 403), ("pengawas", 403), ("guru_lain", 404)])
def test_others_do_not_close(request, login, submitted, waka, persona, status):
    follow_up = plan(submitted, waka.user)
    response = login(request.getfixturevalue(persona)).post(reverse("kompetensi:follow-up-close", args=[follow_up.pk]))
    assert response.status_code == status
    assert FollowUp.objects.get().status == FollowUpStatus.OPEN


# --- lists and overdue ------------------------------------------------------------------------------------


@pytest.fixture
def three_follow_ups(submitted, waka):
    today = timezone.localdate()
    due_soon = plan(submitted, waka.user, deadline=today + dt.timedelta(days=3))
    later = plan(submitted, waka.user, deadline=today + dt.timedelta(days=20), kind="mgmp")
    done = plan(submitted, waka.user, deadline=today + dt.timedelta(days=1), kind="mandiri")
    follow_ups.follow_up_close(follow_up=done, user=waka.user)
    return due_soon, later, done


def rows(response) -> list[int]:
    return [f.pk for f in response.context["follow_ups"]]


def test_the_list_filters_open_overdue_and_closed(login, three_follow_ups, kepala):
    due_soon, later, done = three_follow_ups
    client = login(kepala)
    base = reverse("kompetensi:follow-up-list")
    assert rows(client.get(base)) == [due_soon.pk, later.pk]
    assert rows(client.get(base + "?status=closed")) == [done.pk]
    assert rows(client.get(base + "?status=overdue")) == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        client = login(kepala)
        overdue = client.get(base + "?status=overdue")
        assert rows(overdue) == [due_soon.pk]
        assert 'data-overdue="1"' in overdue.content.decode()
        everything = client.get(base + "?status=all")
        flags = {f.pk: f.is_overdue for f in everything.context["follow_ups"]}
        assert flags == {due_soon.pk: True, later.pk: False, done.pk: False}  # a closed one is never overdue
        detail = client.get(due_soon.get_absolute_url())
        assert detail.context["overdue"] is True


@pytest.mark.parametrize(("persona", "status"), [("waka", 200), ("pengawas", 200), ("guru", 403), ("operator", 403)])
def test_the_list_is_for_the_waka_kepala_and_pengawas(request, login, three_follow_ups, persona, status):
    assert login(request.getfixturevalue(persona)).get(reverse("kompetensi:follow-up-list")).status_code == status


def test_a_teacher_sees_only_their_own_follow_ups(login, three_follow_ups, guru, guru_lain):
    mine = login(guru).get(reverse("kompetensi:follow-up-mine"))
    assert mine.status_code == 200
    assert set(rows(mine)) == {f.pk for f in three_follow_ups}
    theirs = login(guru_lain).get(reverse("kompetensi:follow-up-mine"))
    assert rows(theirs) == []
    assert login(guru_lain).get(three_follow_ups[0].get_absolute_url()).status_code == 404


def test_the_teacher_reads_the_follow_up_but_cannot_close_it(login, three_follow_ups, guru):
    page = login(guru).get(three_follow_ups[0].get_absolute_url())
    assert page.status_code == 200
    assert page.context["can_progress"] and not page.context["can_close"]
    assert 'data-testid="follow-up-close"' not in page.content.decode()
