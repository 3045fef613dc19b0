"""`digest`: the monthly digest for the Kepala — the month's supervisions done, follow-ups closed and
those past their deadline at the month's end (or today, for the running month), PKB entries verified
and how many appreciation notes were written. Counts are summed in SQL; the lists are the month's
own rows (no scores: the digest says what happened, the records say how it went).

A supervision is "done" in the month it was observed (its observation left the supervisor's draft;
the day observed, else the planned day), the same "done" as the programme page. The numbers compare
like with like: visits planned with visits done (a visit is a programme row, however many instrument
sheets it fills), then the sheets filled in those visits, each under its own name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kompetensi.models import (
    AppreciationNote,
    FollowUp,
    FollowUpStatus,
    Observation,
    ObservationState,
    PkbActivity,
    PkbStatus,
    ProgrammeRow,
)
from madrasah.models import Madrasah, Staff

from ..rules import DocumentKind, PeriodKind, document
from ._shared import Person, local_window, people_of_users


@dataclass(frozen=True)
class DoneSupervision:
    """One instrument sheet filled in a visit (`row_id`: the visit, a programme row)."""

    row_id: int
    day: dt.date
    teacher: str
    instrument: str
    supervisor: str
    state: str


@dataclass(frozen=True)
class OverdueFollowUp:
    teacher: str
    kind: str
    description: str
    deadline: dt.date


@dataclass(frozen=True)
class VerifiedPkb:
    teacher: str
    entries: int
    jp: int


@dataclass(frozen=True)
class Digest:
    planned: int  # visits (programme rows) planned in the month
    done: list[DoneSupervision]  # the sheets filled in the month's visits
    closed: int
    closed_on_time: int
    overdue: list[OverdueFollowUp]
    reference_day: dt.date
    pkb: list[VerifiedPkb]
    pkb_entries: int
    pkb_jp: int
    appreciations: int

    @property
    def visits_done(self) -> int:
        """Visits done in the month: the programme rows of the sheets filled, each once."""
        return len({sheet.row_id for sheet in self.done})

    @property
    def empty(self) -> bool:
        return not (self.planned or self.done or self.closed or self.overdue or self.pkb_entries or self.appreciations)


def supervisions_done(*, madrasah: Madrasah, start: dt.date, end: dt.date) -> list[DoneSupervision]:
    observations = (
        Observation.objects.filter(madrasah=madrasah)
        .exclude(state=ObservationState.DRAFT)
        .annotate(day=Coalesce("observed_on", TruncDate("row__planned_at"), output_field=DateField()))
        .filter(day__range=(start, end))
        .select_related("teacher", "instrument_version__instrument")
        .order_by("day", "teacher__name", "pk")
    )
    rows = list(observations)
    people = people_of_users(madrasah=madrasah, user_ids={o.supervisor_id for o in rows})
    states = dict(ObservationState.choices)
    return [
        DoneSupervision(
            row_id=o.row_id,
            day=o.day,
            teacher=o.teacher.full_name,
            instrument=o.instrument_version.instrument.name,
            supervisor=people.get(o.supervisor_id, Person(name="")).name,
            state=states.get(o.state, o.state),
        )
        for o in rows
    ]


def follow_ups_overdue_on(*, madrasah: Madrasah, day: dt.date) -> list[OverdueFollowUp]:
    """Follow-ups past their deadline and not closed at the end of `day` (one query)."""
    _start, day_end = local_window(day, day)
    found = (
        FollowUp.objects.filter(madrasah=madrasah, created_at__lt=day_end, deadline__lt=day)
        .filter(Q(status=FollowUpStatus.OPEN) | Q(closed_at__gte=day_end))
        .select_related("teacher")
        .order_by("deadline", "teacher__name", "pk")
    )
    return [
        OverdueFollowUp(
            teacher=f.teacher.full_name,
            kind=f.get_kind_display(),
            description=f.description.strip(),
            deadline=f.deadline,
        )
        for f in found
    ]


def monthly_digest(*, madrasah: Madrasah, start: dt.date, end: dt.date, today: dt.date) -> Digest:
    begin, finish = local_window(start, end)
    reference_day = min(end, today)
    closed = (
        FollowUp.objects.filter(
            madrasah=madrasah, status=FollowUpStatus.CLOSED, closed_at__gte=begin, closed_at__lt=finish
        )
        .annotate(closed_on=TruncDate("closed_at"))
        .aggregate(closed=Count("pk"), on_time=Count("pk", filter=Q(closed_on__lte=F("deadline"))))
    )
    verified = PkbActivity.objects.filter(
        madrasah=madrasah, status=PkbStatus.VERIFIED, verified_at__gte=begin, verified_at__lt=finish
    )
    totals = verified.aggregate(entries=Count("pk"), jp=Sum("jp"))
    per_teacher = list(
        verified.order_by()
        .values("teacher_id")
        .annotate(entries=Count("pk"), jp=Sum("jp"))
        .order_by("teacher__name", "teacher_id")
    )
    teachers = Staff.objects.in_bulk([row["teacher_id"] for row in per_teacher])
    return Digest(
        planned=ProgrammeRow.objects.filter(
            programme__madrasah=madrasah, cancelled_at__isnull=True, planned_at__gte=begin, planned_at__lt=finish
        ).count(),
        done=supervisions_done(madrasah=madrasah, start=start, end=end),
        closed=closed["closed"],
        closed_on_time=closed["on_time"],
        overdue=follow_ups_overdue_on(madrasah=madrasah, day=reference_day) if start <= today else [],
        reference_day=reference_day,
        pkb=[
            VerifiedPkb(teacher=teachers[row["teacher_id"]].full_name, entries=row["entries"], jp=row["jp"])
            for row in per_teacher
        ],
        pkb_entries=totals["entries"],
        pkb_jp=totals["jp"] or 0,
        appreciations=AppreciationNote.objects.filter(
            madrasah=madrasah, created_at__gte=begin, created_at__lt=finish
        ).count(),
    )


def digest_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    digest = monthly_digest(madrasah=madrasah, start=period.start, end=period.end, today=timezone.localdate())
    return {"digest": digest, "empty": digest.empty}


DIGEST = document(
    DocumentKind(
        code="digest",
        label=gettext_lazy("Monthly digest"),
        period=PeriodKind.MONTH,
        template="laporan/pdf/digest.html",
        context=digest_context,
        numbered=False,
    )
)
