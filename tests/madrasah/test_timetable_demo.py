"""The demo's week (issue 19 item 5): a real-looking timetable, and supervision planned in it — each
observation of the current semester at the start of a lesson the teacher teaches, in that class, with a
supervisor who is not teaching then."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kompetensi.models import ProgrammeRow
from madrasah.management.commands.seed_demo import DEMO_MADRASAH
from madrasah.models import BellPeriod, Lesson, Madrasah, Membership, RamadanPeriod, SchoolClass
from tests.factories.demo import seeded_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    output = seeded_demo("--teachers", "40", "--semesters", "4", "--seed", "1", "--today", "2026-03-10")
    return Madrasah.objects.get(nsm=DEMO_MADRASAH["nsm"]), output


def test_the_demo_has_a_week_with_a_monday_ceremony_a_short_friday_and_ramadan(demo):
    madrasah, output = demo
    semester = madrasah.semesters.get(is_active=True)
    assert "timetable: 21 classes a year" in output
    assert madrasah.school_week.days == [0, 1, 2, 3, 4, 5]
    regular = BellPeriod.objects.filter(madrasah=madrasah, bell_set="biasa")
    assert regular.filter(weekday=0, kind="upacara").exists()
    assert regular.filter(weekday=4, kind="jp").count() < regular.filter(weekday=1, kind="jp").count()
    assert RamadanPeriod.objects.filter(madrasah=madrasah, start_date="2026-02-19").exists()
    assert list(SchoolClass.objects.filter(academic_year=semester.academic_year).values_list("name", flat=True))[
        :3
    ] == [
        "VII-A",
        "VII-B",
        "VII-C",
    ]
    lessons = Lesson.objects.filter(semester=semester)
    assert lessons.count() > 800
    assert lessons.filter(kind="bk").exists()


def test_the_demo_plans_supervision_in_the_teachers_lessons(demo):
    madrasah, _output = demo
    semester = madrasah.semesters.get(is_active=True)
    starts = {
        (p.weekday, p.number): p.start_time
        for p in BellPeriod.objects.filter(madrasah=madrasah, bell_set="biasa", kind="jp")
    }
    lessons = {
        (lesson.teacher_id, lesson.weekday, lesson.number): lesson.school_class.name
        for lesson in Lesson.objects.filter(semester=semester).select_related("school_class")
    }
    teaching = {(t, w, n) for t, w, n in lessons}
    staff_of = dict(Membership.objects.filter(madrasah=madrasah).values_list("user_id", "staff_id"))
    rows = ProgrammeRow.objects.filter(programme__semester=semester)
    assert rows.count() >= 35
    for row in rows:
        local = timezone.localtime(row.planned_at)
        number = next(n for (w, n), start in starts.items() if w == local.weekday() and start == local.time())
        assert lessons[(row.teacher_id, local.weekday(), number)] == row.class_name
        assert (staff_of.get(row.supervisor_id), local.weekday(), number) not in teaching
