"""Demo data of kompetensi for `seed_demo`: instruments, and a supervised semester after semester.

Instruments, teams and programmes go through the services the pages use; the observations are
built in memory and written in bulk (`demo_observations`), with the states, events and notices the
services would have given them and every score from the one scoring function. Past semesters look
lived-in. Deterministic for the same seed and date.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from madrasah.demo import register_demo_reset, register_demo_step
from madrasah.models import Membership, Role, Staff, TeacherType

from .demo_observations import ObservationBuilder, aware
from .instruments.bk_pkkm_data import SUPERVISION_BK_CODES
from .instruments.seed import ensure_frameworks, instruments_ensure_defaults
from .instruments.services import instrument_examples_load
from .models import (
    FollowUpKind,
    Instrument,
    InstrumentKind,
    InstrumentVersion,
    Observation,
    Programme,
    SupervisionTeam,
)
from .supervision.rules import programme_defaults
from .supervision.services.planner import programme_rows_bulk_create
from .supervision.services.programme import programme_approve, programme_create, team_save

# Instruments observed each semester: planning documents and a classroom observation.
OBSERVED_KINDS = (InstrumentKind.PLANNING, InstrumentKind.TEACHING)
STRENGTHS = [
    "Apersepsi mengaitkan materi dengan kehidupan santri sehari-hari.",
    "Pengelolaan kelas tertib dan hangat; peserta didik aktif bertanya.",
    "Modul ajar lengkap dan tujuan pembelajaran jelas.",
    "Integrasi nilai keislaman berjalan alami dalam diskusi.",
]
IMPROVEMENTS = [
    "Asesmen formatif selama proses perlu lebih terencana.",
    "Diferensiasi untuk peserta didik yang cepat selesai.",
    "Refleksi di akhir pelajaran masih singkat.",
]


@register_demo_step(order=10)
def seed_instruments(*, madrasah, semesters, stdout, number=1, **context) -> None:
    if number == 1:  # the frameworks are the installation's, shared by every madrasah of a district
        ensure_frameworks()
    years = sorted({s.academic_year for s in semesters}, key=lambda y: y.start_year)
    created = 0
    for year in years:
        created += len(instruments_ensure_defaults(madrasah=madrasah, academic_year=year, frameworks_ready=True))
        # From 2025/2026 the planning and teaching instruments are the KBC examples (examples/).
        created += len(instrument_examples_load(madrasah=madrasah, academic_year=year))
    stdout.write(f"  instruments: {created} versions over {len(years)} academic years")


@register_demo_reset(order=10)
def reset_kompetensi(*, madrasah) -> None:
    """Remove the demo's supervision records and instruments, in the order their protections need."""
    Observation.objects.filter(madrasah=madrasah).delete()  # scores, events, follow-ups, evidence
    Programme.objects.filter(madrasah=madrasah).delete()  # rows
    SupervisionTeam.objects.filter(madrasah=madrasah).delete()  # members
    Instrument.objects.filter(madrasah=madrasah).delete()  # versions, sections, items, bands


def _users_with(madrasah, role: str):
    return [
        m.user
        for m in Membership.objects.filter(madrasah=madrasah, roles__role=role).select_related("user").order_by("pk")
    ]


class _Abilities:
    """Each teacher's level per instrument and a trend over the semesters: most improve a little,
    some dip — what a principal really sees."""

    def __init__(self, rng: random.Random, teacher_ids: list[int]):
        self.base = {t: rng.uniform(2.1, 3.4) for t in teacher_ids}
        self.trend = {t: rng.choice([0.25, 0.2, 0.15, 0.1, 0.0, -0.15]) for t in teacher_ids}

    def points(self, rng: random.Random, teacher_id: int, semester_index: int, scale_min: int, scale_max: int) -> int:
        level = self.base[teacher_id] + self.trend[teacher_id] * semester_index + rng.gauss(0, 0.6)
        return max(scale_min, min(scale_max, round(level)))


@register_demo_step(order=20)
def seed_supervision(*, madrasah, semesters, seed, today, stdout, **context) -> None:
    rng = random.Random(f"supervision-{seed}")  # nosec B311 # demo data, seeded to repeat
    kepala = _users_with(madrasah, Role.KEPALA)[0]
    waka = _users_with(madrasah, Role.WAKA)[0]
    teachers = list(
        Staff.objects.filter(madrasah=madrasah, is_active=True).exclude(teacher_type=TeacherType.NONE).order_by("pk")
    )
    abilities = _Abilities(rng, [t.pk for t in teachers])
    waka_staff = Staff.objects.get(membership__user=waka, madrasah=madrasah)
    kepala_staff_id = (
        Staff.objects.filter(membership__user=kepala, madrasah=madrasah).values_list("pk", flat=True).first()
    )
    senior = [t for t in teachers if t.certified and t.pk not in (waka_staff.pk, kepala_staff_id)][:2]
    members = [(waka_staff, "Ketua")] + [(t, "Anggota") for t in senior]
    teacher_users = {m.staff_id: m.user for m in Membership.objects.filter(madrasah=madrasah).select_related("user")}
    counts = {"rows": 0, "observations": 0, "follow_ups": 0}
    clarification_done = False

    for index, semester in enumerate(semesters):
        versions = list(
            InstrumentVersion.objects.filter(
                instrument__madrasah=madrasah, academic_year=semester.academic_year, instrument__kind__in=OBSERVED_KINDS
            )
            .exclude(instrument__code__in=SUPERVISION_BK_CODES)
            .select_related("instrument")
            .order_by("instrument__kind")
        )
        team_save(
            semester=semester,
            decree_number=f"B-{101 + index}/{madrasah.unit_code}/PP.00.4/{semester.start_date:%m/%Y}",
            decree_date=semester.start_date,
            members=members,
        )
        programme = programme_create(semester=semester, created_by=waka, **programme_defaults(semester=semester))
        current = semester.start_date <= today <= semester.end_date
        # Past semesters were supervised from their fourth week; the current one is under way, with
        # about half of its observations still to come.
        start = (
            max(semester.start_date + dt.timedelta(days=21), today - dt.timedelta(days=len(teachers) // 3 + 1))
            if current
            else None
        )
        first_day = start or semester.start_date + dt.timedelta(days=21)
        programme_rows_bulk_create(
            programme=programme,
            instruments=versions,
            start_date=first_day,
            first_time=dt.time(7, 30),
            slot_minutes=120,
            slots_per_day=2,
            now=aware(first_day, 0),  # planned as the Waka did then, in the lessons of the timetable
        )
        programme_approve(programme=programme, approved_by=kepala)
        rows = list(programme.rows.select_related("teacher", "supervisor").order_by("planned_at", "pk"))
        # Each instrument's items, looked up once for the semester's observations.
        builder = ObservationBuilder(madrasah=madrasah, versions=versions, kepala=kepala, today=today)
        counts["rows"] += len(rows)
        for row in rows:
            row_day = timezone.localdate(row.planned_at)
            if row_day >= today or (current and rng.random() < 0.15):
                continue  # still to come, or overdue: not observed on the planned day
            teacher_user = teacher_users.get(row.teacher_id)
            for version in versions:
                sheet = builder.start(row=row, version=version)
                points = {
                    item.pk: abilities.points(rng, row.teacher_id, index, version.scale_min, version.scale_max)
                    for item in builder.items(version)
                }
                builder.save(
                    sheet,
                    points=points,
                    observed_on=row_day,
                    texts={
                        "strengths": rng.choice(STRENGTHS),
                        "improvements": rng.choice(IMPROVEMENTS),
                    },
                )
                counts["observations"] += 1
                recent = (today - row_day).days < 10
                if recent and rng.random() < 0.3:
                    continue  # the supervisor is still writing it up
                builder.submit(sheet)
                low = builder.low_items(sheet)
                if low and rng.random() < 0.5:
                    deadline = row_day + dt.timedelta(days=rng.choice([14, 21, 30]))
                    builder.plan_follow_up(
                        sheet,
                        kind=rng.choice(FollowUpKind.values),
                        text=low[0].text,
                        responsible=str(row.supervisor.first_name or row.supervisor.username),
                        deadline=deadline,
                        items=low[:3],
                    )
                    counts["follow_ups"] += 1
                    if deadline < today and rng.random() < 0.6:
                        builder.close_follow_up(sheet)
                if teacher_user is None or (recent and rng.random() < 0.4):
                    continue  # waiting for the teacher
                if not clarification_done and index == len(semesters) - 1:
                    builder.request_clarification(
                        sheet,
                        user=teacher_user,
                        text="Mohon observasi ulang: hari itu kelas dipakai latihan upacara, waktunya terpotong.",
                    )
                    clarification_done = True
                    continue
                builder.acknowledge(
                    sheet,
                    user=teacher_user,
                    response=rng.choice(["", "", "Terima kasih atas masukannya, Bu.", "Akan saya perbaiki."]),
                )
                if semester.end_date < today or (today - row_day).days > 2:
                    builder.finalise(sheet, semester=semester)
        builder.write()

    stdout.write(
        f"  supervision: {counts['rows']} planned, {counts['observations']} observed, "
        f"{counts['follow_ups']} follow-ups, one clarification request"
    )
