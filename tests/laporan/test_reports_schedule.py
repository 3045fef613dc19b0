"""The daily dispatcher asks, for each madrasah, for what its schedule makes due: the semester recap
and the supervision report on the day a semester ends, the previous month's digest on the chosen day,
the yearly bundle when the year ends — through the path of "Buat laporan", once per document however
often it runs. The rules themselves are pure functions, tested without the database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from laporan.documents.rules import document_kind
from laporan.documents.services.reports import report_request
from laporan.models import Report, ReportDispatch, ReportSchedule, ReportStatus
from laporan.schedules import rules as schedules
from laporan.schedules.rules import Due, SemesterEnd, reports_due, year_end
from laporan.schedules.services import reports_dispatch
from laporan.tasks import build_report, dispatch_scheduled_reports
from tests.factories.madrasah import SemesterFactory

WIB = dt.timezone(dt.timedelta(hours=7))
SEMESTER_END = dt.datetime(2026, 12, 31, 6, 0, tzinfo=WIB)  # the personas' ganjil 2026/2027 ends today


def dispatch(capture, *, at: dt.datetime) -> list[tuple[str, str, str]]:
    with time_machine.travel(at, tick=False), capture(execute=True):
        made = dispatch_scheduled_reports.apply().get()
    return sorted(
        ReportDispatch.objects.filter(pk__in=made).values_list("madrasah__name", "kind", "period").order_by("pk")
    )


# --- the dispatcher ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_semester_ending_today_gets_its_recap_and_report(madrasah, sent, django_capture_on_commit_callbacks):
    assert dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END) == [
        (madrasah.name, "laporan-supervisi", "2026-2027-ganjil"),
        (madrasah.name, "semester", "2026-2027-ganjil"),
    ]
    reports = Report.objects.order_by("pk")
    assert [(r.kind, r.period, r.status, r.scheduled, r.requested_by) for r in reports] == [
        ("semester", "2026-2027-ganjil", ReportStatus.QUEUED, True, None),
        ("laporan-supervisi", "2026-2027-ganjil", ReportStatus.QUEUED, True, None),
    ]
    assert sent == [r.pk for r in reports]  # handed to the worker after the commit


@pytest.mark.django_db
def test_a_madrasah_whose_semester_does_not_end_gets_nothing(
    madrasah, other_madrasah, sent, django_capture_on_commit_callbacks
):
    other_madrasah.semesters.update(end_date=dt.date(2027, 1, 15))
    made = dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END)
    assert {name for name, _kind, _period in made} == {madrasah.name}
    assert not Report.objects.filter(madrasah=other_madrasah).exists()
    assert dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2026, 12, 20, 6, tzinfo=WIB)) == []


@pytest.mark.django_db
def test_running_twice_on_one_day_builds_nothing_twice(madrasah, sent, media, django_capture_on_commit_callbacks):
    ReportSchedule.objects.create(madrasah=madrasah, digest=False)  # the 1st of January would bring one
    assert len(dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END)) == 2
    for report in Report.objects.all():
        build_report.apply(args=[report.pk], task_id=f"build-{report.pk}")
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DONE}

    later_that_day = SEMESTER_END + dt.timedelta(hours=10)
    assert dispatch(django_capture_on_commit_callbacks, at=later_that_day) == []
    assert dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END + dt.timedelta(days=1)) == []
    assert Report.objects.count() == 2 and ReportDispatch.objects.count() == 2
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DONE}  # not queued again
    assert len(sent) == 2


@pytest.mark.django_db
def test_a_day_the_dispatcher_did_not_run_is_caught_up_for_a_week(madrasah, sent, django_capture_on_commit_callbacks):
    ReportSchedule.objects.create(madrasah=madrasah, digest=False)
    assert len(dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2027, 1, 6, 6, tzinfo=WIB))) == 2
    ReportDispatch.objects.all().delete()
    Report.objects.all().delete()
    assert dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2027, 1, 7, 6, tzinfo=WIB)) == []


@pytest.mark.django_db
def test_the_digest_of_the_previous_month_comes_on_the_chosen_day(madrasah, sent, django_capture_on_commit_callbacks):
    ReportSchedule.objects.create(madrasah=madrasah, digest_day=5, semester_recap=False, bundle=False)
    assert dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2026, 11, 4, 6, tzinfo=WIB)) == []
    assert dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2026, 11, 5, 6, tzinfo=WIB)) == [
        (madrasah.name, "digest", "2026-10")
    ]
    # Switched off: the semester's end asks for nothing either.
    assert dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END) == []
    ReportSchedule.objects.update(digest=False)
    assert dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2026, 12, 5, 6, tzinfo=WIB)) == []


@pytest.mark.django_db
def test_the_year_ends_with_its_genap_semester_and_brings_the_bundle(
    madrasah, sent, django_capture_on_commit_callbacks
):
    ganjil = madrasah.semesters.select_related("academic_year").get()
    ganjil.is_active = False
    ganjil.save()
    SemesterFactory(
        academic_year=ganjil.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 6, 19),
    )
    made = dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2027, 6, 19, 6, tzinfo=WIB))
    assert made == [
        (madrasah.name, "bundle", "2026-2027"),
        (madrasah.name, "laporan-supervisi", "2026-2027-genap"),
        (madrasah.name, "semester", "2026-2027-genap"),
    ]
    assert Report.objects.get(kind="bundle").scheduled
    assert dispatch(django_capture_on_commit_callbacks, at=dt.datetime(2027, 6, 30, 6, tzinfo=WIB)) == []


@pytest.mark.django_db
def test_the_schedule_joins_a_report_the_kepala_already_asked_for(
    madrasah, kepala, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine, _joined = report_request(
            membership=kepala, kind=document_kind("semester"), period_key="2026-2027-ganjil", user=kepala.user
        )
    dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END)
    assert Report.objects.filter(kind="semester").count() == 1
    mine.refresh_from_db()
    assert mine.scheduled and mine.requested_by == kepala.user
    assert ReportDispatch.objects.get(kind="semester").report == mine
    assert sent.count(mine.pk) == 1  # the join sent nothing more


def test_the_dispatcher_runs_every_morning_at_six_in_jakarta():
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-scheduled-reports"]
    assert entry["task"] == dispatch_scheduled_reports.name
    assert entry["schedule"] == crontab(hour=6, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"


@pytest.mark.django_db
def test_reports_dispatch_takes_the_day_explicitly(madrasah, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = reports_dispatch(today=dt.date(2026, 12, 31))
    assert sorted(d.kind for d in made) == ["laporan-supervisi", "semester"]


@pytest.mark.django_db
def test_the_command_dispatches_for_the_day_it_is_given(madrasah, sent, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_reports", date="2026-12-31", stdout=out)
    assert f"{madrasah.nsm} semester 2026-2027-ganjil" in out.getvalue()
    assert "2 laporan terjadwal diminta." in out.getvalue()
    with pytest.raises(CommandError, match="Tulis tanggal seperti 2026-12-31"):
        call_command("dispatch_reports", date="31-12-2026")


# --- the rules (pure) -----------------------------------------------------------------------------------

GANJIL = SemesterEnd(key="2026-2027-ganjil", kind="ganjil", year_start=2026, end=dt.date(2026, 12, 19))
GENAP = SemesterEnd(key="2026-2027-genap", kind="genap", year_start=2026, end=dt.date(2027, 6, 26))


def due(today, *, digest_day=1, semester_recap=True, bundle=True, semesters=(GANJIL, GENAP), years=(2026,)):
    return reports_due(
        today=today,
        digest_day=digest_day,
        semester_recap=semester_recap,
        bundle=bundle,
        semesters=semesters,
        years=years,
    )


def test_the_digest_on_the_first_of_january_is_decembers():
    assert due(dt.date(2027, 1, 1)) == [Due(kind="digest", period="2026-12", due_on=dt.date(2027, 1, 1))]


def test_the_digest_is_caught_up_within_the_week_only():
    assert due(dt.date(2026, 11, 7), digest_day=1) == [Due("digest", "2026-10", dt.date(2026, 11, 1))]
    assert due(dt.date(2026, 11, 8), digest_day=1) == []
    assert due(dt.date(2026, 11, 7), digest_day=None) == []


def test_a_semester_end_brings_both_of_its_documents_and_the_years_end_the_bundle():
    assert due(dt.date(2026, 12, 19), digest_day=None) == [
        Due("semester", GANJIL.key, GANJIL.end),
        Due("laporan-supervisi", GANJIL.key, GANJIL.end),
    ]
    assert due(dt.date(2027, 6, 26), digest_day=None)[-1] == Due("bundle", "2026-2027", GENAP.end)
    assert due(dt.date(2027, 6, 26), digest_day=None, semester_recap=False) == [Due("bundle", "2026-2027", GENAP.end)]
    assert due(dt.date(2027, 6, 26), digest_day=None, bundle=False)[-1].kind == "laporan-supervisi"


def test_a_year_without_a_genap_semester_ends_on_the_30th_of_june():
    assert year_end(year_start=2026, semesters=[GANJIL]) == dt.date(2027, 6, 30)
    assert year_end(year_start=2026, semesters=[GANJIL, GENAP]) == GENAP.end
    assert due(dt.date(2027, 6, 30), digest_day=None, semesters=[GANJIL]) == [
        Due("bundle", "2026-2027", dt.date(2027, 6, 30))
    ]


def test_the_next_digest_day_rolls_over_to_next_month():
    assert schedules.next_digest_on(today=dt.date(2026, 11, 5), digest_day=5) == dt.date(2026, 11, 5)
    assert schedules.next_digest_on(today=dt.date(2026, 11, 6), digest_day=5) == dt.date(2026, 12, 5)
    assert schedules.next_digest_on(today=dt.date(2026, 12, 31), digest_day=28) == dt.date(2027, 1, 28)
