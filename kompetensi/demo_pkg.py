"""Demo PKG for `seed_demo` (step 30, after the instruments and the supervision history): a period per
seeded academic year with a PKG instrument; earlier years appraised, signed and approved for every
subject teacher; the current year in mixed stages (half-scored, submitted, signed, one clarification).

Everything goes through the pages' services (assignment, scores, transitions with their events and
results); only timestamps are moved back afterwards. Deterministic for the same seed and date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.utils import timezone

from madrasah.demo import register_demo_reset, register_demo_step
from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, Staff, TeacherType

from .appraisal.selectors.setup import pkg_version_for
from .appraisal.services.closing import appraisal_period_close
from .appraisal.services.scores import appraisal_evidence_add, appraisal_scores_save
from .appraisal.services.setup import appraisal_assign, appraisal_period_create
from .appraisal.services.transitions import (
    appraisal_approve,
    appraisal_request_clarification,
    appraisal_sign,
    appraisal_submit,
)
from .models import Appraisal, AppraisalEvent, AppraisalPeriod, Item

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
        Staff.objects.filter(madrasah=madrasah, is_active=True, teacher_type=TeacherType.SUBJECT).order_by("pk")
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
        version = pkg_version_for(period=period, teacher_type=TeacherType.SUBJECT)
        if version is None:
            continue
        items = list(Item.objects.filter(section__version=version).order_by("section__order", "order", "pk"))
        first_section = items[0].section_id if items else None
        for index, teacher in enumerate(teachers):
            if teacher.pk == kepala_staff:
                assessor = pengawas
            elif teacher.pk == waka_staff:
                assessor = kepala
            else:
                assessor = kepala if index % 3 == 0 else waka
            if assessor is None:
                continue
            appraisal = appraisal_assign(period=period, teacher=teacher, assessor=assessor, user=kepala)
            if appraisal.stage != "proses":
                continue  # already seeded
            # Current year: a cycle of stages, one clarification among them.
            plan = (
                "approved"
                if not current
                else ("clarification" if index == 1 else ("half", "submitted", "signed", "half")[index % 4])
            )
            shown = items if plan != "half" else items[: len(items) // 2]
            scores = {item.pk: {"points": _points(rng, level[teacher.pk]), "note": ""} for item in shown}
            appraisal_scores_save(appraisal=appraisal, user=assessor, scores=scores)
            if first_section and rng.random() < 0.6:
                appraisal_evidence_add(
                    appraisal=appraisal,
                    user=assessor,
                    section_id=first_section,
                    note="Pengamatan kelas: guru mengenali karakteristik peserta didik dan menyesuaikan tugas.",
                )
            if plan == "half":
                counts["current"] += 1
                continue
            appraisal_submit(appraisal=appraisal, user=assessor)
            teacher_user = members.get(teacher.pk)
            if plan == "submitted" or teacher_user is None:
                counts["current"] += 1
                continue
            if plan == "clarification":
                appraisal_request_clarification(appraisal=appraisal, user=teacher_user, text=CLARIFICATION_TEXT)
                counts["current"] += 1
                continue
            appraisal_sign(
                appraisal=appraisal,
                user=teacher_user,
                response=rng.choice(["", "", "Terima kasih, Bapak/Ibu penilai.", "Akan saya tingkatkan tahun depan."]),
            )
            if plan == "signed":
                counts["current"] += 1
                continue
            appraisal_approve(appraisal=appraisal, user=pengawas if teacher.pk == kepala_staff else kepala)
            counts["approved"] += 1
        _move_back_in_time(period=period, today=today, current=current)
        if not current and period.closed_at is None:
            # An earlier year is done: the Kepala closed it in June, freezing the figures others see
            # (unless an appraisal was left waiting, e.g. for a teacher without a login).
            with contextlib.suppress(ApplicationError):
                appraisal_period_close(period=period, user=kepala, now=_aware(min(period.end_date, today), 15))

    stdout.write(f"  PKG: {counts['approved']} approved in earlier years, {counts['current']} under way this year")


def _move_back_in_time(*, period: AppraisalPeriod, today: dt.date, current: bool) -> None:
    """Give the records the dates they would have had (the services stamp "now"): an earlier year
    scored in May, submitted, signed two days later, approved in early June; this year's submitted
    and signed over the last days."""
    end = min(period.end_date, today)
    scored_on = end - dt.timedelta(days=3) if current else dt.date(period.end_date.year, 5, 20)
    scored_on = max(scored_on, period.start_date)
    appraisals = list(Appraisal.objects.filter(period=period))
    events = list(AppraisalEvent.objects.filter(appraisal__in=appraisals).order_by("pk"))
    stamps = {}
    for appraisal in appraisals:
        if appraisal.submitted_at:
            appraisal.submitted_at = _aware(scored_on, 13)
        if appraisal.signed_at:
            appraisal.signed_at = _aware(min(scored_on + dt.timedelta(days=2), today), 10)
        if appraisal.approved_at:
            appraisal.approved_at = _aware(min(scored_on + dt.timedelta(days=10), end), 9)
        stamps[appraisal.pk] = {
            "submitted": appraisal.submitted_at,
            "signed": appraisal.signed_at,
            "clarification_requested": appraisal.signed_at or _aware(min(scored_on + dt.timedelta(days=1), today), 10),
            "approved": appraisal.approved_at,
        }
    Appraisal.objects.bulk_update(appraisals, ["submitted_at", "signed_at", "approved_at"], batch_size=500)
    for event in events:
        event.at = stamps[event.appraisal_id].get(event.action) or _aware(scored_on, 9)
    AppraisalEvent.objects.bulk_update(events, ["at"], batch_size=500)
