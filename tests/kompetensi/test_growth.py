"""The teacher's growth page ("Perkembangan Saya"), appreciation notes and the access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompetensi.appraisal.selectors.results import competency_standing
from kompetensi.appraisal.services.scores import appraisal_results_store
from kompetensi.growth.selectors import shown
from kompetensi.instruments.rules import for_display
from kompetensi.models import Appraisal, AppraisalStage, AppreciationNote, Item
from kompetensi.supervision.selectors.observations import observation_result
from kompetensi.supervision.services.followups import follow_up_create
from kompetensi.supervision.services.observations import observation_save, observation_start
from kompetensi.supervision.services.transitions import observation_submit
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, AccessLog, Notification, Semester
from madrasah.notifications import notification_message
from tests.factories import appraisal as pkg
from tests.factories import supervision

HOME = reverse("madrasah:home-guru")


def _page(member):
    return reverse("kompetensi:teacher-page", args=[member.staff_id])


def _semester(madrasah, back: int) -> Semester:
    """The active semester (back=0) or the one `back` semesters before it."""
    if back == 0:
        return madrasah.semesters.select_related("academic_year").get(is_active=True)
    active = madrasah.semesters.get(is_active=True)
    start = active.academic_year.start_year
    index = back  # 1 → genap of the previous year, 2 → ganjil of the previous year, ...
    year_start = start - (index + 1) // 2
    kind = "genap" if index % 2 else "ganjil"
    year, _ = AcademicYear.objects.get_or_create(madrasah=madrasah, start_year=year_start)
    dates = (
        (dt.date(year_start + 1, 1, 1), dt.date(year_start + 1, 6, 30))
        if kind == "genap"
        else (dt.date(year_start, 7, 1), dt.date(year_start, 12, 31))
    )
    semester, _ = Semester.objects.get_or_create(
        academic_year=year,
        kind=kind,
        defaults={"madrasah": madrasah, "start_date": dates[0], "end_date": dates[1], "is_active": False},
    )
    return semester


def supervised(madrasah, *, guru, waka, kepala, back=0, points=(4, 2, 3), strengths="Pembukaan yang hangat."):
    """A submitted result of the test instrument for `guru` in the semester `back` semesters ago."""
    semester = _semester(madrasah, back)
    supervision.team(madrasah=madrasah, semester=semester, members=[waka])
    programme = semester.supervision_programme if hasattr(semester, "supervision_programme") else None
    if programme is None:
        programme = supervision.approve(
            supervision.programme(madrasah=madrasah, semester=semester, created_by=waka), kepala=kepala
        )
    version = supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    row = supervision.programme_row(programme=programme, teacher=guru, supervisor=waka, instruments=[version])
    observation = observation_start(row=row, version=version, user=waka.user)
    items = Item.objects.filter(section__version=version).order_by("order")
    scores = {item.pk: {"points": p} for item, p in zip(items, points, strict=True)}
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores=scores, fields={"strengths": strengths}
    )
    return observation_submit(observation=observation, user=waka.user)


def approved_pkg(madrasah, *, guru, kepala, start_year=2026, points=None) -> Appraisal:
    year, _ = AcademicYear.objects.get_or_create(madrasah=madrasah, start_year=start_year)
    period = pkg.appraisal_period(madrasah, year, kepala)
    appraisal = pkg.appraisal(period, guru.staff, kepala.user)
    pkg.score_all(appraisal, points)
    appraisal_results_store(appraisal)
    Appraisal.objects.filter(pk=appraisal.pk).update(stage=AppraisalStage.APPROVED)
    return appraisal


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- what the teacher sees ------------------------------------------------------------------------------


def test_a_teacher_with_nothing_gets_helpful_empty_states(client, guru):
    client.force_login(guru.user)
    body = _body(client.get(HOME))
    assert 'data-testid="standing-none"' in body and "belum dinilai" in body
    assert "Belum ada supervisi" in body
    assert 'data-testid="appreciation-none"' in body
    assert 'data-testid="follow-ups-none"' in body
    assert "<svg" not in body.split('data-testid="growth-page"')[1]  # no chart of nothing
    assert "0,00" not in body


def test_recognition_comes_first(client, madrasah, guru, waka, kepala):
    AppreciationNote.objects.create(
        madrasah=madrasah, teacher=guru.staff, author=kepala.user, text="Modul ajarnya rapi."
    )
    supervised(madrasah, guru=guru, waka=waka, kepala=kepala)
    client.force_login(guru.user)
    body = _body(client.get(HOME))
    assert "Modul ajarnya rapi." in body and "Pembukaan yang hangat." in body
    order = [body.index(f'data-testid="{s}"') for s in ("growth-recognition", "standing-card", "growth-supervision")]
    assert order == sorted(order)


def test_numbers_equal_the_scoring_function_on_stored_scores(client, madrasah, guru, waka, kepala):
    observation = supervised(madrasah, guru=guru, waka=waka, kepala=kepala, points=(4, 2, 3))
    appraisal = approved_pkg(madrasah, guru=guru, kepala=kepala, points=[[2, 1, 0, 2, 2, 1], [1, 1, 1, 1, 1, 1]])
    client.force_login(guru.user)
    body = _body(client.get(HOME))
    percentage = format_decimal_id(for_display(observation_result(observation).percentage))
    assert f'data-testid="supervision-percentage">{percentage}<' in body
    standing = competency_standing(teacher=guru.staff)
    assert f'data-testid="standing-nilai">{format_decimal_id(for_display(standing["nilai"]))}<' in body
    for competency in standing["competencies"]:
        assert f'data-testid="competency-percentage">{shown(competency["percentage"])}<' in body
    for domain in standing["domains"]:
        assert f'data-testid="domain-nilai">{shown(domain["nilai"])}<' in body
    assert appraisal.predikat or Appraisal.objects.get(pk=appraisal.pk).predikat in body
    assert 'class="chart"' in body  # the shared SVG charts


def test_follow_ups_show_deadlines_and_overdue(client, madrasah, guru, waka, kepala, time_machine):
    observation = supervised(madrasah, guru=guru, waka=waka, kepala=kepala)
    for days in (3, 40):
        follow_up_create(
            observation=observation,
            user=waka.user,
            kind="coaching",
            description=f"Pendampingan {days}",
            responsible="Waka",
            deadline=dt.date.today() + dt.timedelta(days=days),
            items=[],
        )
    time_machine.move_to(dt.date.today() + dt.timedelta(days=10))
    client.force_login(guru.user)
    body = _body(client.get(HOME))
    assert body.count('data-testid="growth-follow-up" data-overdue="1"') == 1
    assert body.count('data-testid="growth-follow-up" data-overdue="0"') == 1


def test_the_next_step_comes_from_the_lowest_items(client, madrasah, guru, waka, kepala):
    supervised(madrasah, guru=guru, waka=waka, kepala=kepala, points=(4, 1, 2))
    client.force_login(guru.user)
    body = _body(client.get(HOME))
    steps = body.split('data-testid="growth-next-step"')[1].split("</section>")[0]
    assert steps.index("Butir 2") < steps.index("Butir 3")  # 1 before 2; item 1 (4) is not a gap
    assert "Butir 1" not in steps


def test_a_later_semester_does_not_cost_more_queries(client, madrasah, guru, waka, kepala):
    def count() -> int:
        client.force_login(guru.user)
        client.get(HOME)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    supervised(madrasah, guru=guru, waka=waka, kepala=kepala, back=0)
    approved_pkg(madrasah, guru=guru, kepala=kepala, start_year=2026)
    AppreciationNote.objects.create(madrasah=madrasah, teacher=guru.staff, author=kepala.user, text="Bagus.")
    one = count()
    for back in range(1, 8):
        observation = supervised(madrasah, guru=guru, waka=waka, kepala=kepala, back=back)
        follow_up_create(
            observation=observation,
            user=waka.user,
            kind="mgmp",
            description="MGMP",
            responsible="Guru",
            deadline=dt.date.today() + dt.timedelta(days=5),
            items=[],
        )
    for start_year in (2023, 2024, 2025):
        approved_pkg(madrasah, guru=guru, kepala=kepala, start_year=start_year)
    eight = count()
    assert one == eight, (one, eight)
    assert eight <= 15  # the growth page 9, "Perlu tindakan" 5 (laporan.home.selectors.todo_for)


# --- who sees whose page --------------------------------------------------------------------------------


def test_teacher_a_cannot_reach_teacher_b(client, guru, guru_lain):
    client.force_login(guru.user)
    assert client.get(_page(guru_lain)).status_code == 404
    post = client.post(reverse("kompetensi:appreciation-create", args=[guru_lain.staff_id]), {"text": "x"})
    assert post.status_code == 404


@pytest.mark.parametrize("persona", ["kepala", "waka", "pengawas"])
def test_leaders_open_a_teachers_page_and_it_is_logged(client, request, guru, persona):
    viewer = request.getfixturevalue(persona)
    client.force_login(viewer.user)
    assert client.get(_page(guru)).status_code == 200
    log = AccessLog.objects.get()
    assert (log.user_id, log.staff_id, log.what) == (viewer.user_id, guru.staff_id, "Perkembangan guru")


def test_the_teachers_own_visits_are_not_logged(client, guru):
    client.force_login(guru.user)
    assert client.get(_page(guru)).status_code == 200
    assert client.get(HOME).status_code == 200
    assert not AccessLog.objects.exists()


def test_only_the_kepala_sees_pkg_on_a_teachers_page(client, madrasah, guru, waka, kepala):
    approved_pkg(madrasah, guru=guru, kepala=kepala)
    client.force_login(waka.user)
    assert 'data-testid="standing-nilai"' not in _body(client.get(_page(guru)))
    client.force_login(kepala.user)
    assert 'data-testid="standing-nilai"' in _body(client.get(_page(guru)))


# --- appreciation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["kepala", "waka"])
def test_kepala_and_waka_write_appreciation_and_the_teacher_is_notified(client, request, guru, persona):
    author = request.getfixturevalue(persona)
    client.force_login(author.user)
    url = reverse("kompetensi:appreciation-create", args=[guru.staff_id])
    response = client.post(url, {"text": "Terima kasih atas pembelajaran yang menyenangkan."})
    assert response.status_code == 302
    note = AppreciationNote.objects.get()
    assert (note.teacher_id, note.author_id) == (guru.staff_id, author.user_id)
    notification = Notification.objects.get(user=guru.user)
    assert notification.url == _page(guru)
    assert not any(ch.isdigit() for ch in notification_message(notification))  # no score in the text
    client.force_login(guru.user)
    assert "pembelajaran yang menyenangkan" in _body(client.get(HOME))


def test_appreciation_text_is_required_and_limited(client, guru, kepala):
    client.force_login(kepala.user)
    url = reverse("kompetensi:appreciation-create", args=[guru.staff_id])
    assert client.post(url, {"text": "  "}).status_code == 200
    assert client.post(url, {"text": "a" * 2001}).status_code == 200
    assert not AppreciationNote.objects.exists()


@pytest.mark.parametrize("persona,status", [("guru", 403), ("guru_lain", 404), ("operator", 403), ("pengawas", 403)])
def test_others_cannot_write_appreciation(client, request, guru, persona, status):
    client.force_login(request.getfixturevalue(persona).user)
    response = client.post(reverse("kompetensi:appreciation-create", args=[guru.staff_id]), {"text": "Hebat."})
    assert response.status_code == status
    assert not AppreciationNote.objects.exists()


# --- the access log ---------------------------------------------------------------------------------------


def test_the_kepala_reads_the_access_log_filtered_by_teacher(client, guru, guru_lain, waka, kepala):
    client.force_login(waka.user)
    client.get(_page(guru))
    client.get(_page(guru_lain))
    client.force_login(kepala.user)
    body = _body(client.get(reverse("madrasah:access-log"), {"teacher": guru.staff_id}))
    assert body.count('data-testid="access-log-row"') == 1
    assert guru.staff.full_name in body


@pytest.mark.parametrize("persona", ["guru", "waka", "operator", "pengawas"])
def test_only_the_kepala_reads_the_access_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona).user)
    assert client.get(reverse("madrasah:access-log")).status_code == 403
