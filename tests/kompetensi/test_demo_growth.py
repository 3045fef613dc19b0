"""seed_demo's recognition and PKB: notes of appreciation, PKB entries in every status and one in-house
activity per seeded year whose attendees are credited — quickly, and the same for the same seed."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompetensi.demo_growth import RETURN_NOTE, reset_growth, seed_growth
from kompetensi.models import AppreciationNote, InHouseActivity, PkbActivity, PkbStatus
from madrasah.models import AcademicYear, Madrasah, Membership, Notification, Role, Semester
from tests.factories.demo import seeded_demo

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(db):
    seeded_demo(teachers=12, semesters=3, seed=3, today=TODAY.isoformat())
    return Madrasah.objects.get()


def test_teachers_receive_notes_of_appreciation_from_the_kepala_and_the_waka(demo):
    notes = AppreciationNote.objects.filter(madrasah=demo).select_related("author", "teacher")
    assert notes.count() >= 5
    authors = {
        m.user_id: set(m.role_set)
        for m in Membership.objects.filter(madrasah=demo, user__in=[n.author for n in notes]).prefetch_related("roles")
    }
    assert {Role.KEPALA, Role.WAKA} <= set().union(*authors.values())
    assert len({n.teacher_id for n in notes}) == notes.count()  # various teachers
    assert all(n.author_id != getattr(n.teacher.membership, "user_id", None) for n in notes)
    assert all(n.created_at.date() <= TODAY for n in notes)


def test_pkb_entries_in_each_status(demo):
    entries = PkbActivity.objects.filter(madrasah=demo, in_house__isnull=True)
    statuses = set(entries.values_list("status", flat=True))
    assert statuses == {PkbStatus.VERIFIED, PkbStatus.SUBMITTED, PkbStatus.RETURNED}
    returned = entries.get(status=PkbStatus.RETURNED)
    assert returned.return_note == RETURN_NOTE
    assert entries.filter(status=PkbStatus.VERIFIED).count() > entries.exclude(status=PkbStatus.VERIFIED).count()
    assert all(e.end_date < TODAY and e.start_date <= e.end_date for e in entries)
    assert all(1 <= e.jp <= 40 for e in entries)
    assert entries.values("teacher").distinct().count() >= 6  # most of the 12 teachers
    # The waiting and returned ones are this year's; earlier years are all verified.
    assert not entries.filter(start_date__lt=dt.date(2026, 7, 1)).exclude(status=PkbStatus.VERIFIED).exists()
    # Nobody verified their own entry.
    for entry in entries.filter(status=PkbStatus.VERIFIED).select_related("teacher__membership"):
        assert entry.verified_by_id != getattr(getattr(entry.teacher, "membership", None), "user_id", None)


def test_one_in_house_activity_per_year_with_its_attendees_credited(demo):
    years = AcademicYear.objects.filter(madrasah=demo, semesters__isnull=False).distinct()
    activities = InHouseActivity.objects.filter(madrasah=demo)
    assert sorted(
        a.start_date.year if a.start_date.month >= 7 else a.start_date.year - 1 for a in activities
    ) == sorted(y.start_year for y in years)
    teachers = demo.staff.teachers().active().count()
    for activity in activities:
        assert (activity.jp, activity.minutes_per_jp) == (8, 45)
        attendees = set(activity.attendees.values_list("pk", flat=True))
        assert len(attendees) >= teachers * 0.6
        credits = PkbActivity.objects.filter(in_house=activity)
        assert set(credits.values_list("teacher_id", flat=True)) == attendees
        assert set(credits.values_list("status", flat=True)) == {PkbStatus.VERIFIED}
        assert all(c.jp == 8 for c in credits)


def test_seeding_leaves_no_notifications_of_its_own_and_a_bounded_number_of_statements(db):
    call_command("seed_demo", teachers=40, semesters=4, seed=1, today=TODAY.isoformat(), stdout=io.StringIO())
    madrasah = Madrasah.objects.get()
    before = Notification.objects.count()
    reset_growth(madrasah=madrasah)
    semesters = list(Semester.objects.filter(madrasah=madrasah).select_related("academic_year").order_by("start_date"))
    with CaptureQueriesContext(connection) as queries:
        seed_growth(madrasah=madrasah, semesters=semesters, seed=1, today=TODAY, stdout=io.StringIO())
    # A deterministic stand-in for speed (`make bench` times the whole seed): the entries are written
    # in bulk, about 3 statements per teacher (about 110 for 40); a per-row write slipping into a loop
    # over entries breaks the bound.
    teachers = madrasah.staff.teachers().count()
    assert len(queries) <= 5 * teachers
    assert Notification.objects.count() == before


def test_the_demo_is_the_same_for_the_same_seed_and_resets_cleanly(db):
    def snapshot():
        return sorted(PkbActivity.objects.values_list("teacher__name", "title", "start_date", "jp", "status"))

    call_command("seed_demo", teachers=12, semesters=3, seed=3, today=TODAY.isoformat(), stdout=io.StringIO())
    first = snapshot()
    call_command(
        "seed_demo", teachers=12, semesters=3, seed=3, today=TODAY.isoformat(), reset=True, stdout=io.StringIO()
    )
    assert snapshot() == first
