"""The one aggregation layer of the reports: the dashboard, the Excel export and the PDFs read here.

Definitions (README, "Aggregation"):
- a teacher's *result* on an instrument in a semester is their LATEST FINALISED observation (state
  "final") of that instrument in the semester; drafts and results still with the teacher never count;
- an instrument's *average* is the mean over teachers of those results (stored `percentage`, the
  scoring function's output); its predikat is read from the unrounded mean (DOMAIN.md: never round
  before choosing a band);
- a *section average* is the mean over the same observations of Σ points ÷ (applicable scored items ×
  scale max) × 100, computed in SQL from ObservationScore.

Every number is aggregated in SQL; the number of queries does not grow with teachers or history.
Rounding happens only for display (`for_display`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import CharField as CharOutput
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensi.models import (
    Appraisal,
    AppraisalStage,
    CompetencyResult,
    FollowUp,
    FollowUpStatus,
    InstrumentKind,
    Observation,
    ObservationScore,
    ObservationState,
    PredikatBand,
    ProgrammeRow,
)
from kompetensi.pkb import PNS_MINIMUM_JP, academic_start_year, pkb_recap
from kompetensi.programme import RowStatus, programme_row_counts
from kompetensi.scoring import HUNDRED, Band, for_display, predikat
from madrasah.charts import format_decimal_id
from madrasah.models import EmploymentStatus, Madrasah, Membership, Role, Semester, Staff, User

# DOMAIN.md, "People and roles": breakdowns of fewer than 3 teachers are not shown.
MIN_GROUP = 3
STRENGTHS = 3

DECIMAL = DecimalField(max_digits=20, decimal_places=10)


class ExactNumber(Func):
    """A value for division that does not truncate: numeric on PostgreSQL; on SQLite (which has no
    decimal type and divides integers as integers) a real number."""

    function = "CAST"
    template = "%(function)s(%(expressions)s AS numeric)"
    output_field = DECIMAL

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="%(function)s(%(expressions)s AS real)", **extra_context)


class AttentionReason:
    LOW_RESULT = "hasil_rendah"
    OVERDUE_FOLLOW_UP = "tindak_lanjut_terlambat"
    OVERDUE_ROW = "supervisi_terlambat"

    labels = {
        LOW_RESULT: gettext_lazy("Latest final result in the lowest predikat band"),
        OVERDUE_FOLLOW_UP: gettext_lazy("Follow-up past its deadline"),
        OVERDUE_ROW: gettext_lazy("Planned supervision overdue, not yet observed"),
    }


@dataclass(frozen=True)
class Completion:
    planned: int = 0
    done: int = 0
    overdue: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.planned + self.done + self.overdue + self.cancelled


@dataclass(frozen=True)
class InstrumentSummary:
    instrument_id: int
    instrument_code: str
    name: str
    kind: str
    teachers: int
    average: Decimal | None
    previous_average: Decimal | None
    change: Decimal | None
    predikat_of_average: str
    distribution: list[tuple[str, int]]  # in band order, highest first; empty when hidden
    sections: list[tuple[str, Decimal | None]]  # in instrument order; empty when hidden
    hidden: bool


@dataclass(frozen=True)
class FollowUpCounts:
    open: int = 0
    overdue: int = 0
    closed_on_time: int = 0
    closed_late: int = 0


@dataclass(frozen=True)
class DomainAverage:
    name: str
    teachers: int
    average: Decimal | None  # competency score 1–4


@dataclass(frozen=True)
class PkgSummary:
    teachers: int
    average_nilai: Decimal | None
    domains: list[DomainAverage]  # empty when hidden
    hidden: bool


@dataclass(frozen=True)
class PkbSummary:
    total_jp: int
    teachers: int
    average_jp: Decimal | None
    pns_reached: int
    pns: int
    minimum_jp: int = PNS_MINIMUM_JP


@dataclass(frozen=True)
class AttentionItem:
    teacher_id: int
    name: str
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(AttentionReason.labels[r]) for r in self.reasons]


@dataclass(frozen=True)
class Strength:
    instrument: str
    section: str
    item: str
    average: Decimal


@dataclass(frozen=True)
class DashboardData:
    madrasah: Madrasah
    semester: Semester
    previous_semester: Semester | None
    completion: Completion
    instruments: list[InstrumentSummary]
    follow_ups: FollowUpCounts
    clarifications: int
    pkg: PkgSummary
    pkb: PkbSummary
    attention: list[AttentionItem]  # private to the Kepala; ordered by name, never a ranking
    strengths: list[Strength]
    pdca: list = field(default_factory=list)  # the Mutu app comes later
    empty: bool = True


# --- building blocks --------------------------------------------------------------------------------


def latest_final_observations(*, madrasah_id: int, semester_id: int) -> QuerySet[Observation]:
    """Each teacher's latest FINAL observation per instrument in the semester (one per pair)."""
    in_semester = Observation.objects.filter(
        madrasah_id=madrasah_id, row__programme__semester_id=semester_id, state=ObservationState.FINAL
    )
    newest = in_semester.filter(
        teacher_id=OuterRef("teacher_id"),
        instrument_version__instrument_id=OuterRef("instrument_version__instrument_id"),
    ).order_by(F("finalised_at").desc(nulls_last=True), F("observed_on").desc(nulls_last=True), "-pk")
    return in_semester.filter(pk=Subquery(newest.values("pk")[:1]))


def _mean(total, count) -> Decimal | None:
    return Decimal(total) / Decimal(count) if count else None


def _row_counts(*, semester: Semester, now: dt.datetime) -> Completion:
    # The same statuses as kompetensi.programme.programme_rows: done when an observation went past
    # draft; overdue when past its planned time and not done.
    done = Exists(Observation.objects.filter(row=OuterRef("pk")).exclude(state=ObservationState.DRAFT))
    rows = ProgrammeRow.objects.filter(programme__semester=semester).annotate(
        row_status=Case(
            When(cancelled_at__isnull=False, then=Value(RowStatus.CANCELLED.value)),
            When(done, then=Value(RowStatus.DONE.value)),
            When(planned_at__lt=now, then=Value(RowStatus.OVERDUE.value)),
            default=Value(RowStatus.PLANNED.value),
            output_field=CharOutput(),
        )
    )
    counts = programme_row_counts(rows)
    return Completion(
        planned=counts[RowStatus.PLANNED],
        done=counts[RowStatus.DONE],
        overdue=counts[RowStatus.OVERDUE],
        cancelled=counts[RowStatus.CANCELLED],
    )


def _instrument_totals(latest: QuerySet[Observation]) -> dict[int, dict]:
    return {
        row["instrument_version__instrument_id"]: row
        for row in latest.order_by()
        .values(
            "instrument_version__instrument_id",
            "instrument_version__instrument__code",
            "instrument_version__instrument__name",
            "instrument_version__instrument__kind",
        )
        .annotate(
            teachers=Count("teacher_id", distinct=True),
            total=Sum("percentage"),
            n=Count("pk"),
            version=Max("instrument_version_id"),
        )
    }


def _section_averages(latest: QuerySet[Observation]) -> dict[int, list[tuple[str, Decimal | None]]]:
    """{instrument id: [(section title, mean over observations of the section percentage)]}."""
    counted = Q(not_applicable=False, points__isnull=False)
    per_observation_section = (
        ObservationScore.objects.filter(
            counted, observation_id=OuterRef("observation_id"), item__section_id=OuterRef("item__section_id")
        )
        .order_by()
        .values("observation_id")
        .annotate(c=Count("pk"))
        .values("c")
    )
    share = ExpressionWrapper(
        ExactNumber(F("points"))
        * Value(HUNDRED, output_field=DECIMAL)
        / (F("n") * F("observation__instrument_version__scale_max")),
        output_field=DECIMAL,
    )
    rows = (
        ObservationScore.objects.filter(counted, observation__in=latest)
        .annotate(n=Subquery(per_observation_section))
        .order_by()
        .values(
            "observation__instrument_version__instrument_id",
            "item__section_id",
            "item__section__title",
            "item__section__order",
        )
        .annotate(total=Sum(share), observations=Count("observation_id", distinct=True))
        .order_by("observation__instrument_version__instrument_id", "item__section__order", "item__section_id")
    )
    sections: dict[int, list] = {}
    for row in rows:
        sections.setdefault(row["observation__instrument_version__instrument_id"], []).append(
            (row["item__section__title"], _mean(row["total"], row["observations"]))
        )
    return sections


def _strengths(latest: QuerySet[Observation], instrument_ids: list[int]) -> list[Strength]:
    """Items with the highest mean (points ÷ scale max × 100 over the observations that scored them)."""
    if not instrument_ids:
        return []
    rows = (
        ObservationScore.objects.filter(
            observation__in=latest,
            observation__instrument_version__instrument_id__in=instrument_ids,
            not_applicable=False,
            points__isnull=False,
        )
        .order_by()
        .values(
            "item_id",
            "item__text",
            "item__order",
            "item__section__title",
            "item__section__order",
            "observation__instrument_version__instrument__name",
        )
        .annotate(
            average=ExpressionWrapper(
                ExactNumber(Sum("points"))
                * Value(HUNDRED, output_field=DECIMAL)
                / (Count("pk") * Max("observation__instrument_version__scale_max")),
                output_field=DECIMAL,
            )
        )
        .order_by(
            "-average",
            "observation__instrument_version__instrument__name",
            "item__section__order",
            "item__order",
            "item_id",
        )[:STRENGTHS]
    )
    return [
        Strength(
            instrument=r["observation__instrument_version__instrument__name"],
            section=r["item__section__title"],
            item=r["item__text"],
            average=r["average"],
        )
        for r in rows
    ]


def _follow_up_counts(*, madrasah: Madrasah, semester: Semester, today: dt.date) -> FollowUpCounts:
    is_open, closed = Q(status=FollowUpStatus.OPEN), Q(status=FollowUpStatus.CLOSED)
    counts = (
        FollowUp.objects.filter(madrasah=madrasah, observation__row__programme__semester=semester)
        .annotate(closed_on=TruncDate("closed_at"))
        .aggregate(
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
            on_time=Count("pk", filter=closed & Q(closed_on__lte=F("deadline"))),
            late=Count("pk", filter=closed & Q(closed_on__gt=F("deadline"))),
        )
    )
    return FollowUpCounts(
        open=counts["open"], overdue=counts["overdue"], closed_on_time=counts["on_time"], closed_late=counts["late"]
    )


def _pkg(*, madrasah: Madrasah, semester: Semester) -> PkgSummary:
    approved = Q(
        appraisal__madrasah=madrasah,
        appraisal__period__academic_year_id=semester.academic_year_id,
        appraisal__stage=AppraisalStage.APPROVED,
    )
    totals = Appraisal.objects.filter(
        madrasah=madrasah, period__academic_year_id=semester.academic_year_id, stage=AppraisalStage.APPROVED
    ).aggregate(teachers=Count("teacher_id", distinct=True), total=Sum("nilai"), n=Count("nilai"))
    # Every teacher of one framework has the same competencies per domain, so the mean of all
    # competency scores of a domain is also the mean over teachers of their domain mean.
    domains = (
        CompetencyResult.objects.filter(approved)
        .order_by()
        .values("competency__domain__name", "competency__domain__order", "competency__domain_id")
        .annotate(teachers=Count("appraisal__teacher_id", distinct=True), total=Sum("score"), n=Count("pk"))
        .order_by("competency__domain__order", "competency__domain_id")
    )
    teachers = totals["teachers"]
    hidden = teachers < MIN_GROUP
    return PkgSummary(
        teachers=teachers,
        average_nilai=_mean(totals["total"], totals["n"]) if totals["total"] is not None else None,
        domains=[]
        if hidden
        else [DomainAverage(d["competency__domain__name"], d["teachers"], _mean(d["total"], d["n"])) for d in domains],
        hidden=hidden,
    )


def _pkb(*, madrasah: Madrasah, semester: Semester) -> PkbSummary:
    pns = Q(employment_status__in=EmploymentStatus.civil_servant())
    totals = pkb_recap(madrasah=madrasah, year=academic_start_year(semester.start_date)).aggregate(
        total=Sum("jp_total"),
        teachers=Count("pk"),
        pns=Count("pk", filter=pns),
        pns_reached=Count("pk", filter=pns & Q(jp_total__gte=PNS_MINIMUM_JP)),
    )
    total = totals["total"] or 0
    return PkbSummary(
        total_jp=total,
        teachers=totals["teachers"],
        average_jp=_mean(total, totals["teachers"]),
        pns_reached=totals["pns_reached"],
        pns=totals["pns"],
    )


def _attention(
    *, madrasah: Madrasah, semester: Semester, latest: QuerySet[Observation], today: dt.date, now: dt.datetime
) -> list[AttentionItem]:
    lowest_band = PredikatBand.objects.filter(version_id=OuterRef("instrument_version_id")).order_by("lower_bound")
    low = Exists(
        latest.filter(teacher_id=OuterRef("pk"))
        .annotate(lowest=Subquery(lowest_band.values("label")[:1]))
        .filter(predikat=F("lowest"))
    )
    late_follow_up = Exists(
        FollowUp.objects.filter(
            teacher_id=OuterRef("pk"),
            observation__row__programme__semester=semester,
            status=FollowUpStatus.OPEN,
            deadline__lt=today,
        )
    )
    late_row = Exists(
        ProgrammeRow.objects.filter(
            teacher_id=OuterRef("pk"), programme__semester=semester, cancelled_at__isnull=True, planned_at__lt=now
        ).exclude(Exists(Observation.objects.filter(row=OuterRef("pk")).exclude(state=ObservationState.DRAFT)))
    )
    teachers = (
        Staff.objects.filter(madrasah=madrasah)
        .annotate(low=low, late_follow_up=late_follow_up, late_row=late_row)
        .filter(Q(low=True) | Q(late_follow_up=True) | Q(late_row=True))
        .order_by("name", "pk")
    )
    return [
        AttentionItem(
            teacher_id=t.pk,
            name=t.full_name,
            reasons=tuple(
                code
                for code, flag in (
                    (AttentionReason.LOW_RESULT, t.low),
                    (AttentionReason.OVERDUE_FOLLOW_UP, t.late_follow_up),
                    (AttentionReason.OVERDUE_ROW, t.late_row),
                )
                if flag
            ),
        )
        for t in teachers
    ]


# --- the dashboard ----------------------------------------------------------------------------------


def previous_semester_of(semester: Semester) -> Semester | None:
    return (
        Semester.objects.filter(madrasah_id=semester.madrasah_id, start_date__lt=semester.start_date)
        .select_related("academic_year")
        .order_by("-start_date")
        .first()
    )


def dashboard_data(*, madrasah: Madrasah, semester: Semester, now: dt.datetime | None = None) -> DashboardData:
    """Everything the dashboard, the Excel export and the PDFs show for one semester, in ≤ 15 queries."""
    if semester.madrasah_id != madrasah.pk:
        raise ValueError("semester of another madrasah")
    now = now or timezone.now()
    today = timezone.localdate(now)
    previous = previous_semester_of(semester)
    latest = latest_final_observations(madrasah_id=madrasah.pk, semester_id=semester.pk)

    current = _instrument_totals(latest)
    before = (
        _instrument_totals(latest_final_observations(madrasah_id=madrasah.pk, semester_id=previous.pk))
        if previous
        else {}
    )
    counts: dict[int, dict[str, int]] = {}
    for row in latest.order_by().values("instrument_version__instrument_id", "predikat").annotate(n=Count("pk")):
        counts.setdefault(row["instrument_version__instrument_id"], {})[row["predikat"]] = row["n"]
    bands: dict[int, list[Band]] = {}
    for band in PredikatBand.objects.filter(version_id__in=[r["version"] for r in current.values()]).order_by(
        "-lower_bound"
    ):
        bands.setdefault(band.version_id, []).append(Band(band.lower_bound, band.label))
    sections = _section_averages(latest) if current else {}

    kind_order = list(InstrumentKind.values)
    instruments = []
    for instrument_id, row in sorted(
        current.items(),
        key=lambda kv: (
            kind_order.index(kv[1]["instrument_version__instrument__kind"]),
            kv[1]["instrument_version__instrument__name"],
        ),
    ):
        average = _mean(row["total"], row["n"])
        previous_row = before.get(instrument_id)
        previous_average = _mean(previous_row["total"], previous_row["n"]) if previous_row else None
        version_bands = bands.get(row["version"], [])
        hidden = row["teachers"] < MIN_GROUP
        labels = [b.label for b in version_bands]
        found = counts.get(instrument_id, {})
        distribution = [(label, found.get(label, 0)) for label in labels]
        distribution += [(label, n) for label, n in sorted(found.items()) if label not in labels]
        instruments.append(
            InstrumentSummary(
                instrument_id=instrument_id,
                instrument_code=row["instrument_version__instrument__code"],
                name=row["instrument_version__instrument__name"],
                kind=row["instrument_version__instrument__kind"],
                teachers=row["teachers"],
                average=average,
                previous_average=previous_average,
                change=average - previous_average if average is not None and previous_average is not None else None,
                predikat_of_average=predikat(average, version_bands) or "",
                distribution=[] if hidden else distribution,
                sections=[] if hidden else sections.get(instrument_id, []),
                hidden=hidden,
            )
        )

    return DashboardData(
        madrasah=madrasah,
        semester=semester,
        previous_semester=previous,
        completion=_row_counts(semester=semester, now=now),
        instruments=instruments,
        follow_ups=_follow_up_counts(madrasah=madrasah, semester=semester, today=today),
        clarifications=Observation.objects.filter(
            madrasah=madrasah, row__programme__semester=semester, state=ObservationState.CLARIFICATION
        ).count(),
        pkg=_pkg(madrasah=madrasah, semester=semester),
        pkb=_pkb(madrasah=madrasah, semester=semester),
        attention=_attention(madrasah=madrasah, semester=semester, latest=latest, today=today, now=now),
        strengths=_strengths(latest, [i.instrument_id for i in instruments if not i.hidden]),
        pdca=[],
        empty=not instruments,
    )


def pengawas_overview(*, user: User, now: dt.datetime | None = None) -> list[tuple[Madrasah, DashboardData]]:
    """The active semester's data of every madrasah the user oversees as pengawas, by name."""
    memberships = (
        Membership.objects.filter(user=user, is_active=True, roles__role=Role.PENGAWAS)
        .select_related("madrasah")
        .order_by("madrasah__name", "madrasah_id")
        .distinct()
    )
    madrasahs = [m.madrasah for m in memberships]
    semesters = {
        s.madrasah_id: s
        for s in Semester.objects.filter(madrasah__in=madrasahs, is_active=True).select_related("academic_year")
    }
    return [(m, dashboard_data(madrasah=m, semester=semesters[m.pk], now=now)) for m in madrasahs if m.pk in semesters]


# --- tables shared by the screen and the Excel export -----------------------------------------------


@dataclass(frozen=True)
class Table:
    """A recap table: `cells` hold the values (Decimal, int, str or None); `rows` the same as shown."""

    key: str
    title: str
    header: tuple[str, ...]
    cells: tuple[tuple, ...]

    @property
    def rows(self) -> list[list[str]]:
        return [[cell_text(c) for c in row] for row in self.cells]


def cell_text(value) -> str:
    """How a cell reads on screen: decimals rounded for display, Indonesian separators."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format_decimal_id(for_display(value))
    if isinstance(value, int):
        return format_decimal_id(value, places=0)
    return str(value)


def recap_tables(data: DashboardData) -> list[Table]:
    """The recap tables of the dashboard, in page order (the private attention list is never one)."""
    c = data.completion
    tables = [
        Table(
            "programme",
            _("Supervision programme"),
            (_("Planned"), _("Done"), _("Overdue"), _("Cancelled")),
            ((c.planned, c.done, c.overdue, c.cancelled),),
        )
    ]
    if not data.empty:
        tables.append(
            Table(
                "instruments",
                _("Supervision results per instrument"),
                (_("Instrument"), _("Teachers"), _("Average"), _("Previous semester"), _("Change"), _("Predikat")),
                # Fewer than 3 teachers: the count only — an average of one or two is a person's score.
                tuple(
                    (i.name, i.teachers, None, None, None, None)
                    if i.hidden
                    else (i.name, i.teachers, i.average, i.previous_average, i.change, i.predikat_of_average)
                    for i in data.instruments
                ),
            )
        )
        visible = [i for i in data.instruments if not i.hidden]
        tables.append(
            Table(
                "sections",
                _("Section averages"),
                (_("Instrument"), _("Section"), _("Average")),
                tuple((i.name, title, average) for i in visible for title, average in i.sections),
            )
        )
        tables.append(
            Table(
                "distribution",
                _("Predikat distribution"),
                (_("Instrument"), _("Predikat"), _("Teachers")),
                tuple((i.name, label, n) for i in visible for label, n in i.distribution),
            )
        )
    f = data.follow_ups
    tables.append(
        Table(
            "follow_ups",
            _("Follow-ups"),
            (_("Open"), _("Past the deadline"), _("Closed on time"), _("Closed late"), _("Clarifications requested")),
            ((f.open, f.overdue, f.closed_on_time, f.closed_late, data.clarifications),),
        )
    )
    if not data.pkg.hidden:
        tables.append(
            Table(
                "pkg",
                _("PKG per domain"),
                (_("Domain"), _("Teachers"), _("Average competency score (1–4)")),
                tuple((d.name, d.teachers, d.average) for d in data.pkg.domains)
                + ((_("Nilai PKG (average)"), data.pkg.teachers, data.pkg.average_nilai),),
            )
        )
    p = data.pkb
    tables.append(
        Table(
            "pkb",
            _("Professional development (PKB)"),
            (_("Verified JP"), _("Teachers"), _("Average JP per teacher"), _("PNS with at least 20 JP"), _("PNS")),
            ((p.total_jp, p.teachers, p.average_jp, p.pns_reached, p.pns),),
        )
    )
    return tables
