""" "Perlu tindakan" at the top of every role's home: exact counts, links to where the person acts,
and a number of queries that depends on the roles held, never on how many records wait."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kompetensi.models import (
    AppraisalStage,
    FollowUp,
    FollowUpStatus,
    Observation,
    ObservationState,
    PkbActivity,
    PkbKind,
    PkbStatus,
)
from laporan.documents.services.notices import REPORT_READY
from laporan.home.selectors import todo_for
from madrasah.models import Membership, Notification
from mutu.models import Stage
from tests.factories import appraisal as pkg
from tests.factories import mutu as quality
from tests.factories import supervision as f
from tests.factories.madrasah import member

pytestmark = pytest.mark.django_db

# A Wednesday in the active semester (July–December 2026), 08.00 in Jakarta.
NOW = timezone.make_aware(dt.datetime(2026, 9, 16, 8, 0))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def todo(response) -> dict[str, tuple[int, str]]:
    """The lines of "Perlu tindakan" on a page: key → (count, link)."""
    found = re.findall(r'href="([^"]+)" data-testid="todo-([a-z_]+)" data-count="(\d+)"', response.content.decode())
    return {key: (int(count), url.replace("&amp;", "&")) for url, key, count in found}


class World:
    """The active semester's approved programme; rows and observations are added per test."""

    def __init__(self, madrasah, kepala, waka):
        self.semester = f.active_semester(madrasah)
        self.version = f.supervision_version(madrasah=madrasah, academic_year=self.semester.academic_year)
        f.team(madrasah=madrasah, members=[waka])
        self.programme = f.approve(f.programme(madrasah=madrasah, created_by=waka), kepala=kepala)
        self.madrasah = madrasah

    def row(self, *, teacher, supervisor, planned_at=None, cancelled=False):
        row = f.programme_row(
            programme=self.programme, teacher=teacher, supervisor=supervisor, planned_at=planned_at or at(TODAY)
        )
        if cancelled:
            row.cancelled_at = timezone.now()
            row.save(update_fields=["cancelled_at"])
        return row

    def observation(self, *, teacher, supervisor, state, planned_at=None):
        row = self.row(
            teacher=teacher, supervisor=supervisor, planned_at=planned_at or at(TODAY - dt.timedelta(days=9))
        )
        return Observation.objects.create(
            madrasah=self.madrasah,
            row=row,
            instrument_version=self.version,
            teacher=teacher.staff,
            supervisor=supervisor.user,
            state=state,
        )

    def follow_up(self, observation, *, deadline, status=FollowUpStatus.OPEN):
        return FollowUp.objects.create(
            madrasah=self.madrasah,
            observation=observation,
            teacher=observation.teacher,
            kind="coaching",
            description="Pendampingan asesmen formatif",
            responsible="Waka",
            deadline=deadline,
            status=status,
            created_by=observation.supervisor,
        )


def as_in_a_request(membership):
    """The membership as the middleware hands it to a view: madrasah joined, roles prefetched."""
    return Membership.objects.select_related("madrasah", "user").prefetch_related("roles").get(pk=membership.pk)


def pkb_entry(teacher, status, title="MGMP IPA"):
    return PkbActivity.objects.create(
        madrasah_id=teacher.madrasah_id,
        teacher=teacher.staff,
        kind=PkbKind.MGMP,
        title=title,
        organiser="MGMP IPA Pamekasan",
        start_date=TODAY - dt.timedelta(days=20),
        end_date=TODAY - dt.timedelta(days=20),
        jp=4,
        status=status,
    )


@pytest.fixture
def world(madrasah, kepala, waka):
    return World(madrasah, kepala, waka)


# --- the teacher -------------------------------------------------------------------------------------------


def test_a_teacher_with_nothing_waiting_reads_one_short_line(login, guru):
    response = login(guru).get(reverse("madrasah:home-guru"))
    assert "Tidak ada yang menunggu tindakan Anda." in response.content.decode()
    assert todo(response) == {}


def test_the_teacher_sees_results_follow_ups_and_returned_pkb_with_exact_counts(login, world, waka, guru):
    for _ in range(2):
        world.observation(teacher=guru, supervisor=waka, state=ObservationState.SUBMITTED)
    final = world.observation(teacher=guru, supervisor=waka, state=ObservationState.FINAL)
    overdue = world.follow_up(final, deadline=TODAY - dt.timedelta(days=3))
    soon = world.follow_up(final, deadline=TODAY + dt.timedelta(days=10))
    world.follow_up(final, deadline=TODAY + dt.timedelta(days=30))  # not yet
    world.follow_up(final, deadline=TODAY - dt.timedelta(days=5), status=FollowUpStatus.CLOSED)  # done
    returned = pkb_entry(guru, PkbStatus.RETURNED)
    pkb_entry(guru, PkbStatus.SUBMITTED)

    response = login(guru).get(reverse("madrasah:home-guru"))

    assert todo(response) == {
        "results_to_confirm": (2, reverse("madrasah:home-guru")),
        "follow_ups_overdue": (1, reverse("kompetensi:follow-up-detail", args=[overdue.pk])),
        "follow_ups_due": (1, reverse("kompetensi:follow-up-detail", args=[soon.pk])),
        "pkb_returned": (1, reverse("kompetensi:pkb-detail", args=[returned.pk])),
    }
    page = response.content.decode()
    assert "2 hasil supervisi perlu dikonfirmasi atau diklarifikasi" in page
    assert "1 tindak lanjut Anda lewat tenggat" in page


def test_one_result_links_straight_to_it(login, world, waka, guru):
    waiting = world.observation(teacher=guru, supervisor=waka, state=ObservationState.SUBMITTED)
    response = login(guru).get(reverse("madrasah:home-guru"))
    assert todo(response)["results_to_confirm"] == (1, waiting.get_absolute_url())
    assert login(guru).get(waiting.get_absolute_url()).status_code == 200


def test_a_follow_up_of_a_semester_that_has_ended_is_not_overdue_any_more(login, world, madrasah, waka, guru):
    from tests.factories.madrasah import SemesterFactory

    old = SemesterFactory(
        academic_year=world.semester.academic_year,
        kind="genap",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
        is_active=False,
    )
    old_programme = f.programme(madrasah=madrasah, created_by=waka, semester=old)
    row = f.programme_row(programme=old_programme, teacher=guru, supervisor=waka, planned_at=at(dt.date(2026, 2, 2)))
    observation = Observation.objects.create(
        madrasah=madrasah,
        row=row,
        instrument_version=world.version,
        teacher=guru.staff,
        supervisor=waka.user,
        state=ObservationState.FINAL,
    )
    world.follow_up(observation, deadline=dt.date(2026, 3, 1))
    assert "follow_ups_overdue" not in todo(login(guru).get(reverse("madrasah:home-guru")))


def test_the_teachers_queries_are_the_same_with_one_and_with_many(world, waka, guru, django_assert_num_queries):
    def setup(n):
        for _ in range(n):
            obs = world.observation(teacher=guru, supervisor=waka, state=ObservationState.SUBMITTED)
            world.follow_up(obs, deadline=TODAY - dt.timedelta(days=1))
            pkb_entry(guru, PkbStatus.RETURNED)

    setup(1)
    member = as_in_a_request(guru)
    with django_assert_num_queries(5):
        one = todo_for(membership=member)
    setup(5)
    member = as_in_a_request(guru)
    with django_assert_num_queries(5):
        many = todo_for(membership=member)
    assert [(i.key, i.count) for i in one] == [
        ("results_to_confirm", 1),
        ("follow_ups_overdue", 1),
        ("pkb_returned", 1),
    ]
    assert [(i.key, i.count) for i in many] == [
        ("results_to_confirm", 6),
        ("follow_ups_overdue", 6),
        ("pkb_returned", 6),
    ]


# --- the supervisor ----------------------------------------------------------------------------------------


def test_the_waka_sees_todays_and_this_weeks_supervisions_drafts_clarifications_and_pkb(
    login, world, waka, guru, guru_lain
):
    world.row(teacher=guru, supervisor=waka, planned_at=at(TODAY, 7))
    world.row(teacher=guru_lain, supervisor=waka, planned_at=at(TODAY, 13))
    world.row(teacher=guru, supervisor=waka, planned_at=at(TODAY, 10), cancelled=True)  # cancelled
    done = world.observation(
        teacher=guru_lain, supervisor=waka, state=ObservationState.SUBMITTED, planned_at=at(TODAY, 8)
    )
    world.row(teacher=guru, supervisor=waka, planned_at=at(TODAY + dt.timedelta(days=3)))  # Saturday
    world.row(teacher=guru, supervisor=waka, planned_at=at(TODAY + dt.timedelta(days=5)))  # next Monday
    draft = world.observation(teacher=guru, supervisor=waka, state=ObservationState.DRAFT)
    world.observation(teacher=guru_lain, supervisor=waka, state=ObservationState.CLARIFICATION)
    world.observation(teacher=guru, supervisor=waka, state=ObservationState.CLARIFICATION)
    pkb_entry(guru, PkbStatus.SUBMITTED)
    pkb_entry(guru_lain, PkbStatus.SUBMITTED)
    pkb_entry(waka, PkbStatus.SUBMITTED)  # her own: verified by someone else
    assert done.row.planned_at.date() == TODAY

    response = login(waka).get(reverse("madrasah:home-waka"))

    mine = reverse("kompetensi:my-supervisions")
    assert todo(response) == {
        "observations_today": (2, mine),
        "observations_week": (1, mine),
        "drafts": (1, reverse("kompetensi:observation-edit", args=[draft.pk])),
        "clarifications": (2, mine),
        "pkb_to_verify": (2, reverse("kompetensi:pkb-queue")),
    }


def test_the_supervisors_queries_are_the_same_with_one_and_with_many(world, waka, guru, django_assert_num_queries):
    world.row(teacher=guru, supervisor=waka)
    member = as_in_a_request(waka)
    with django_assert_num_queries(5):
        todo_for(membership=member)
    for hour in (10, 11, 12, 13):
        world.row(teacher=guru, supervisor=waka, planned_at=at(TODAY, hour))
        world.observation(teacher=guru, supervisor=waka, state=ObservationState.DRAFT)
    member = as_in_a_request(waka)
    with django_assert_num_queries(5):
        items = todo_for(membership=member)
    assert {i.key: i.count for i in items}["observations_today"] == 5


# --- the Kepala --------------------------------------------------------------------------------------------


def test_the_kepala_sees_the_programme_pkg_documents_follow_ups_and_cycles(
    login, madrasah, kepala, waka, guru, guru_lain, world
):
    # Next semester's programme is drafted with one supervision: it awaits approval.
    from tests.factories.madrasah import SemesterFactory

    following = SemesterFactory(
        academic_year=world.semester.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
        is_active=False,
    )
    draft = f.programme(madrasah=madrasah, created_by=waka, semester=following)
    f.programme_row(programme=draft, teacher=guru, supervisor=waka, planned_at=at(dt.date(2027, 1, 18)))
    period = pkg.appraisal_period(madrasah, world.semester.academic_year, kepala)
    signed = pkg.appraisal(period, guru.staff, waka.user, stage=AppraisalStage.SIGNED)
    pkg.appraisal(period, guru_lain.staff, waka.user, stage=AppraisalStage.IN_PROGRESS)
    own = pkg.appraisal(period, kepala.staff, member(madrasah=madrasah, roles=["pengawas"]).user)
    own.stage = AppraisalStage.SUBMITTED
    own.save(update_fields=["stage"])
    Notification.objects.create(user=kepala.user, madrasah=madrasah, kind=REPORT_READY, params={})
    Notification.objects.create(user=kepala.user, madrasah=madrasah, kind=REPORT_READY, params={})
    Notification.objects.create(
        user=kepala.user, madrasah=madrasah, kind=REPORT_READY, params={}, done_at=timezone.now()
    )
    final = world.observation(teacher=guru, supervisor=waka, state=ObservationState.FINAL)
    world.follow_up(final, deadline=TODAY - dt.timedelta(days=1))
    world.follow_up(final, deadline=TODAY - dt.timedelta(days=2))
    plan = quality.cycle(owner=kepala, semester=world.semester, stage=Stage.PLAN)  # begun: Do is due
    quality.cycle(owner=kepala, semester=following, stage=Stage.PLAN)  # not begun yet

    response = login(kepala).get(reverse("madrasah:home-kepala"))

    assert todo(response) == {
        "appraisal_to_sign": (1, reverse("kompetensi:appraisal-detail", args=[own.pk])),
        "programme_to_approve": (1, reverse("kompetensi:programme-detail", args=[draft.pk])),
        "appraisals_to_approve": (1, reverse("kompetensi:appraisal-detail", args=[signed.pk])),
        "documents_ready": (2, reverse("laporan:report-list")),
        "follow_ups_overdue_all": (2, reverse("kompetensi:follow-up-list") + "?status=overdue"),
        "cycles_due": (1, reverse("mutu:cycle-detail", args=[plan.pk])),
    }


def test_the_kepalas_queries_do_not_grow_with_the_records(world, kepala, waka, guru, django_assert_num_queries):
    final = world.observation(teacher=guru, supervisor=waka, state=ObservationState.FINAL)
    world.follow_up(final, deadline=TODAY - dt.timedelta(days=1))
    member = as_in_a_request(kepala)
    with django_assert_num_queries(8):
        todo_for(membership=member)
    for days in range(2, 8):
        world.follow_up(final, deadline=TODAY - dt.timedelta(days=days))
    member = as_in_a_request(kepala)
    with django_assert_num_queries(8):
        items = todo_for(membership=member)
    assert {i.key: i.count for i in items}["follow_ups_overdue_all"] == 7


# --- the operator and the pengawas -------------------------------------------------------------------------


def test_the_operator_sees_unused_accounts_and_lockouts(login, operator, guru, guru_lain, django_assert_num_queries):
    AccessAttempt.objects.create(
        username=guru.user.username,
        ip_address="10.0.0.7",
        user_agent="x",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    client = login(operator)  # the operator has logged in; the teachers never have
    response = client.get(reverse("madrasah:home-operator"))
    assert todo(response) == {
        "accounts_unused": (2, reverse("madrasah:slips-print")),
        "lockouts": (1, reverse("madrasah:lockout-list")),
    }
    member = as_in_a_request(operator)
    with django_assert_num_queries(2):
        todo_for(membership=member)


def test_the_pengawas_sees_the_kepalas_appraisal_and_supervision(login, world, madrasah, kepala, pengawas):
    period = pkg.appraisal_period(madrasah, world.semester.academic_year, kepala)
    appraisal = pkg.appraisal(period, kepala.staff, pengawas.user)
    world.row(teacher=kepala, supervisor=pengawas, planned_at=at(TODAY + dt.timedelta(days=1)))

    response = login(pengawas).get(reverse("madrasah:home-pengawas"))

    assert todo(response) == {
        "observations_week": (1, reverse("kompetensi:my-supervisions")),
        "appraisals_to_complete": (1, reverse("kompetensi:appraisal-detail", args=[appraisal.pk])),
    }
    assert login(pengawas).get(reverse("kompetensi:appraisal-detail", args=[appraisal.pk])).status_code == 200
