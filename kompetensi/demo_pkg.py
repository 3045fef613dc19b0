"""Demo PKG for `seed_demo` (step 30, after the instruments and the supervision history): a period per
seeded academic year with a PKG instrument; earlier years appraised, signed and approved for every
teacher (a guru BK with the BK instrument of the year); the current year in mixed stages (half-scored,
submitted, signed, one clarification).

The periods go through the pages' services; the appraisals are built in memory and written in bulk
(`demo_appraisals`), with the stages, events and notices the services would have given them and every
result from the one scoring function. Deterministic for the same seed and date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.utils import timezone

from madrasah.demo import register_demo_reset, register_demo_step
from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, Staff, TeacherType

from .appraisal.selectors.setup import pkg_version_for, pkkm_version_for
from .appraisal.services.closing import appraisal_period_close
from .appraisal.services.setup import appraisal_period_create
from .demo_appraisals import AppraisalBuilder
from .models import AppraisalPeriod, Item

EVIDENCE_NOTES = {
    TeacherType.SUBJECT: "Pengamatan kelas: guru mengenali karakteristik peserta didik dan menyesuaikan tugas.",
    TeacherType.COUNSELLOR: "Pengamatan layanan klasikal: guru BK menyesuaikan layanan dengan kebutuhan peserta didik.",
    "kepala": "Dokumen rencana kerja madrasah dan laporan supervisi akademik telah diperiksa.",
}
CLARIFICATION_TEXT = "Mohon penjelasan indikator 7.4: analisis hasil penilaian sudah saya lampirkan di modul ajar."


@register_demo_reset(order=30)
def reset_pkg(*, madrasah) -> None:
    """Appraisals protect teachers and instrument versions: remove them before those."""
    AppraisalPeriod.objects.filter(madrasah=madrasah).delete()  # appraisals, scores, evidence, events


def _first_user(madrasah, role: str):
    member = Membership.objects.filter(madrasah=madrasah, roles__role=role, is_active=True).order_by("pk").first()
    return member.user if member else None


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _points(rng: random.Random, level: float) -> int:
    """An indicator's 0/1/2 around a teacher's level (0.5–0.95 = how often an indicator is fully shown)."""
    draw = rng.random()
    if draw < level:
        return 2
    return 1 if draw < level + (1 - level) * 0.85 else 0


@register_demo_step(order=30)
def seed_pkg(*, madrasah, semesters, seed, today, stdout, **context) -> None:
    rng = random.Random(f"pkg-{seed}")  # nosec B311 # demo data, seeded to repeat
    kepala, waka, pengawas = (_first_user(madrasah, r) for r in (Role.KEPALA, Role.WAKA, Role.PENGAWAS))
    if kepala is None or waka is None:
        return
    members = {
        m.staff_id: m.user for m in Membership.objects.filter(madrasah=madrasah, is_active=True, staff__isnull=False)
    }
    kepala_staff = next((s for s, u in members.items() if u.pk == kepala.pk), None)
    waka_staff = next((s for s, u in members.items() if u.pk == waka.pk), None)
    teachers = list(
        Staff.objects.filter(madrasah=madrasah, is_active=True)
        .filter(teacher_type__in=(TeacherType.SUBJECT, TeacherType.COUNSELLOR))
        .order_by("pk")
    )
    # Certified and senior teachers show more indicators fully; each keeps their level from year to year.
    level = {t.pk: min(0.95, rng.uniform(0.5, 0.8) + (0.1 if t.certified else 0)) for t in teachers}
    years = sorted({s.academic_year for s in semesters}, key=lambda y: y.start_year)
    counts = {"approved": 0, "current": 0}

    for year in years:
        current = year.start_date <= today <= year.end_date
        if year.start_date > today:
            continue
        period = AppraisalPeriod.objects.filter(madrasah=madrasah, academic_year=year).first()
        period = period or appraisal_period_create(
            madrasah_id=madrasah.pk, academic_year=year, start_date=year.start_date, end_date=year.end_date, user=kepala
        )
        pkg_versions = {
            teacher_type: pkg_version_for(period=period, teacher_type=teacher_type)
            for teacher_type in (TeacherType.SUBJECT, TeacherType.COUNSELLOR)
        }
        pkkm = pkkm_version_for(period=period)
        seeded = set(period.appraisals.values_list("teacher_id", flat=True))
        builder = AppraisalBuilder(
            madrasah=madrasah, period=period, kepala=kepala, today=today, scored_on=_scored_on(period, today, current)
        )
        items_of = {}
        for index, teacher in enumerate(teachers):
            if pkg_versions[teacher.teacher_type] is None:
                continue
            if teacher.pk == kepala_staff:
                assessor = pengawas
            elif teacher.pk == waka_staff:
                assessor = kepala
            else:
                assessor = kepala if index % 3 == 0 else waka
            if assessor is None or teacher.pk in seeded:
                continue  # no pengawas to appraise the Kepala, or already seeded
            # The Kepala is appraised with his own instrument (PKKM), not with the teachers' PKG.
            version = pkkm if teacher.pk == kepala_staff else pkg_versions[teacher.teacher_type]
            if version is None:
                continue  # the Kepala, in a year without a PKKM instrument
            if version.pk not in items_of:
                items_of[version.pk] = list(
                    Item.objects.filter(section__version_id=version.pk)
                    .select_related("section")
                    .order_by("section__order", "order", "pk")
                )
            items = items_of[version.pk]
            first_section = items[0].section
            appraisal = builder.assign(teacher=teacher, assessor=assessor, version=version)
            # The Kepala's PKKM scores 1-4 per indicator, a teacher's PKG 0/1/2.
            offset = 2 if teacher.pk == kepala_staff else 0
            # Current year: a cycle of stages, one clarification among them.
            plan = (
                "approved"
                if not current
                else ("clarification" if index == 1 else ("half", "submitted", "signed", "half")[index % 4])
            )
            shown = items if plan != "half" else items[: len(items) // 2]
            builder.save_scores(appraisal, {item.pk: _points(rng, level[teacher.pk]) + offset for item in shown})
            if first_section and rng.random() < 0.6:
                builder.add_evidence(
                    appraisal, section=first_section, note=EVIDENCE_NOTES["kepala" if offset else teacher.teacher_type]
                )
            if plan == "half":
                counts["current"] += 1
                continue
            builder.submit(appraisal)
            teacher_user = members.get(teacher.pk)
            if plan == "submitted" or teacher_user is None:
                counts["current"] += 1
                continue
            if plan == "clarification":
                builder.request_clarification(appraisal, user=teacher_user, text=CLARIFICATION_TEXT)
                counts["current"] += 1
                continue
            builder.sign(
                appraisal,
                user=teacher_user,
                response=rng.choice(["", "", "Terima kasih, Bapak/Ibu penilai.", "Akan saya tingkatkan tahun depan."]),
            )
            if plan == "signed":
                counts["current"] += 1
                continue
            builder.approve(appraisal, user=pengawas if teacher.pk == kepala_staff else kepala)
            counts["approved"] += 1
        builder.write()
        if not current and period.closed_at is None:
            # An earlier year is done: the Kepala closed it in June, freezing the figures others see
            # (unless an appraisal was left waiting, e.g. for a teacher without a login).
            with contextlib.suppress(ApplicationError):
                appraisal_period_close(period=period, user=kepala, now=_aware(min(period.end_date, today), 15))

    stdout.write(f"  PKG: {counts['approved']} approved in earlier years, {counts['current']} under way this year")


def _scored_on(period: AppraisalPeriod, today: dt.date, current: bool) -> dt.date:
    """The day the assessors scored: an earlier year in May (submitted, signed two days later, approved
    in early June); this year over the last days."""
    end = min(period.end_date, today)
    scored_on = end - dt.timedelta(days=3) if current else dt.date(period.end_date.year, 5, 20)
    return max(scored_on, period.start_date)
