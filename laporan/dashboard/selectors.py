"""The dashboard's numbers for one semester: what the dashboard, the Excel export and the PDFs show.

The aggregation itself (README, "Aggregation") lives with its data in `kompetensi.supervision.selectors.results`, whose
building blocks and metric functions the quality cycles (mutu) read too:
- a teacher's *result* on an instrument in a semester is their LATEST FINALISED observation (state
  "final") of that instrument in the semester; drafts and results still with the teacher never count;
- an instrument's *average* is the mean over teachers of those results (stored `percentage`, the
  scoring function's output); its predikat is read from the unrounded mean (docs/domain.md §8: never round
  before choosing a band);
- a *section average* is the mean over the same observations of Σ points ÷ (applicable scored items ×
  scale max) × 100, computed in SQL from ObservationScore.

Every number is aggregated in SQL; the number of queries does not grow with teachers or history.
Rounding happens only for display (`for_display`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kompetensi.appraisal.selectors.figures import pkg_frozen_figures, pkg_live_figures
from kompetensi.instruments.rules import MIN_GROUP, Band, predikat, short_name
from kompetensi.instruments.selectors import version_bands
from kompetensi.models import (
    FollowUp,
    FollowUpStatus,
    InstrumentKind,
    ProgrammeRow,
)
from kompetensi.pkb.rules import PNS_MINIMUM_JP, academic_start_year
from kompetensi.pkb.selectors import pkb_counts
from kompetensi.supervision.rules import overdue_cutoff
from kompetensi.supervision.selectors.results import (
    OBSERVED,
    FollowUpCounts,
    instrument_averages,
    instrument_results,
    latest_final_observations,
    section_averages,
    strongest_items,
    supervision_counts,
)
from madrasah import compiled
from madrasah.models import Madrasah, Membership, Role, Semester, User, staff_full_name
from mutu.cycles.selectors import cycle_summary

STRENGTHS = 3


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
    short_name: str = ""  # "Perencanaan", "Pelaksanaan", "Penilaian": chart labels
    bands: tuple[Band, ...] = ()  # of the latest version used this semester


@dataclass(frozen=True)
class DomainAverage:
    name: str
    teachers: int
    average: Decimal | None  # competency score 1–4


@dataclass(frozen=True)
class PkgSummary:
    teachers: int
    average_nilai: Decimal | None  # None when hidden
    domains: list[DomainAverage]  # empty when hidden
    hidden: bool
    live: bool = True  # False: the figures frozen when the Kepala closed the year's PKG
    frozen_at: dt.datetime | None = None  # when they were frozen; None and not live: never closed yet
    hidden_groups: tuple[str, ...] = ()  # frameworks used by fewer than MIN_GROUP teachers (guru BK)


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
    pdca: list = field(default_factory=list)  # mutu.cycles.selectors.StageGroup, Plan … Closed
    empty: bool = True


# --- parts of the dashboard ---------------------------------------------------------------------------


def _instruments(*, semester: Semester, previous: Semester | None) -> tuple[list[InstrumentSummary], dict[int, str]]:
    """The instrument summaries (hidden breakdowns included) and the label of the lowest band of each
    version used this semester, from each teacher's latest final results per semester (this one and
    the previous): two queries, one when the semester has no final result."""
    groups = instrument_results(
        madrasah_id=semester.madrasah_id,
        semester_ids=[semester.pk] + ([previous.pk] if previous else []),
        per_semester=True,
        sections_for=semester.pk,
    )
    current = [g for g in groups if g.semester_id == semester.pk]
    if not current:
        return [], {}
    bands = version_bands({g.version_id for g in current})
    sections = section_averages(current)

    averages = instrument_averages(current)
    before = instrument_averages([g for g in groups if g.semester_id != semester.pk])
    by_instrument: dict[int, list] = {}
    for g in current:
        by_instrument.setdefault(g.instrument_id, []).append(g)

    kind_order = list(InstrumentKind.values)
    summaries = []
    for instrument_id, rows in sorted(
        by_instrument.items(), key=lambda kv: (kind_order.index(kv[1][0].instrument_kind), kv[1][0].instrument_name)
    ):
        first = rows[0]
        teachers = averages[instrument_id].n
        average = averages[instrument_id].value
        previous_average = before[instrument_id].value if instrument_id in before else None
        version_bands_ = bands.get(max(g.version_id for g in rows), [])
        hidden = teachers < MIN_GROUP
        found: dict[str, int] = {}
        for g in rows:
            found[g.predikat] = found.get(g.predikat, 0) + g.n
        labels = [b.label for b in version_bands_]
        distribution = [(label, found.get(label, 0)) for label in labels]
        distribution += [(label, n) for label, n in sorted(found.items()) if label not in labels]
        summaries.append(
            InstrumentSummary(
                instrument_id=instrument_id,
                instrument_code=first.instrument_code,
                name=first.instrument_name,
                kind=first.instrument_kind,
                teachers=teachers,
                average=average,
                previous_average=previous_average,
                change=average - previous_average if average is not None and previous_average is not None else None,
                predikat_of_average=predikat(average, version_bands_) or "",
                distribution=[] if hidden else distribution,
                sections=[] if hidden else sections.get(instrument_id, []),
                hidden=hidden,
                short_name=short_name(first.instrument_kind, first.instrument_name),
                bands=tuple(version_bands_),
            )
        )
    return summaries, {version: found[-1].label for version, found in bands.items() if found}


def _pkg(*, madrasah: Madrasah, semester: Semester, live: bool) -> PkgSummary:
    """The PKG figures of the semester's academic year: `live` for the Kepala and the pengawas, else
    the ones frozen when the Kepala closed the year's PKG (`kompetensi.appraisal.selectors.figures`: live numbers
    read twice give away the teacher approved in between). Nothing to show while the year was never
    closed, or for fewer than MIN_GROUP teachers. One query, two with domains."""
    if live:
        figures = pkg_live_figures(madrasah=madrasah, academic_year_id=semester.academic_year_id)
    else:
        figures = pkg_frozen_figures(madrasah=madrasah, academic_year_id=semester.academic_year_id)
    if figures is None:
        return PkgSummary(teachers=0, average_nilai=None, domains=[], hidden=True, live=False)
    hidden = figures.hidden
    # Subject teachers and guru BK have domains of the same names: name the framework once both show.
    several = len({d.framework_id for d in figures.domains}) > 1
    return PkgSummary(
        teachers=figures.teachers,
        average_nilai=None if hidden else figures.average_nilai,
        domains=[]
        if hidden
        else [
            DomainAverage(f"{d.name} — {d.framework}" if several else d.name, d.teachers, d.average)
            for d in figures.domains
        ],
        hidden=hidden,
        live=live,
        frozen_at=figures.frozen_at,
        hidden_groups=() if hidden else tuple(figures.hidden_groups),
    )


def _pkb(*, madrasah: Madrasah, semester: Semester) -> PkbSummary:
    counts = pkb_counts(madrasah=madrasah, start_year=academic_start_year(semester.start_date))
    return PkbSummary(
        total_jp=counts.total_jp,
        teachers=counts.teachers,
        average_jp=counts.average_jp.value,
        pns_reached=counts.pns_reached,
        pns=counts.pns,
    )


def _attention(
    *,
    madrasah: Madrasah,
    semester: Semester,
    lowest: dict[int, str],
    today: dt.date,
    now: dt.datetime,
) -> list[AttentionItem]:
    """Teachers whose latest final result is in the lowest band of its version (`lowest`: version id →
    label), with an open follow-up past its deadline, or with a planned row overdue and not observed;
    by name. One query: the union of the three lists, compiled once per connection (madrasah.compiled:
    the dashboard asks on every request), today and now bound late."""

    def build():
        latest = latest_final_observations(madrasah_id=madrasah.pk, semester_ids=[semester.pk])
        in_lowest_band = Q(
            *(Q(instrument_version_id=version, predikat=label) for version, label in lowest.items()), _connector=Q.OR
        )
        low = latest.filter(in_lowest_band) if lowest else latest.none()
        late_follow_ups = FollowUp.objects.filter(
            madrasah=madrasah,
            observation__row__programme__semester=semester,
            status=FollowUpStatus.OPEN,
            deadline__lt=compiled.late_day(),
        )
        late_rows = ProgrammeRow.objects.filter(
            programme__madrasah=madrasah,
            programme__semester=semester,
            cancelled_at__isnull=True,
            planned_at__lt=compiled.late_moment(),
        ).exclude(observations__state__in=OBSERVED)
        teacher = ("teacher_id", "teacher__front_title", "teacher__name", "teacher__back_title")
        low, late_follow_ups, late_rows = (
            queryset.order_by().values(*teacher, reason=Value(code))
            for queryset, code in (
                (low, AttentionReason.LOW_RESULT),
                (late_follow_ups, AttentionReason.OVERDUE_FOLLOW_UP),
                (late_rows, AttentionReason.OVERDUE_ROW),
            )
        )
        return low.union(late_follow_ups, late_rows).order_by("teacher__name", "teacher_id")

    rows = compiled.evaluate(
        ("dashboard_attention", madrasah.pk, semester.pk, tuple(sorted(lowest.items()))),
        build,
        late={compiled.late_day(): today, compiled.late_moment(): overdue_cutoff(now)},
    )
    reasons: dict[int, tuple[str, set[str]]] = {}
    for row in rows:
        if row["teacher_id"] not in reasons:
            name = staff_full_name(row["teacher__front_title"], row["teacher__name"], row["teacher__back_title"])
            reasons[row["teacher_id"]] = (name, set())
        reasons[row["teacher_id"]][1].add(row["reason"])
    order = list(AttentionReason.labels)
    return [
        AttentionItem(teacher_id=pk, name=name, reasons=tuple(r for r in order if r in found))
        for pk, (name, found) in reasons.items()
    ]


# --- the dashboard ----------------------------------------------------------------------------------


def previous_semester_of(semester: Semester, *, semesters: Sequence[Semester] | None = None) -> Semester | None:
    """The semester before `semester`: from `semesters` (the madrasah's, any order) when given, else one query."""
    if semesters is not None:
        earlier = [s for s in semesters if s.madrasah_id == semester.madrasah_id and s.start_date < semester.start_date]
        return max(earlier, key=lambda s: s.start_date, default=None)
    return (
        Semester.objects.filter(madrasah_id=semester.madrasah_id, start_date__lt=semester.start_date)
        .select_related("academic_year")
        .order_by("-start_date")
        .first()
    )


def dashboard_data(
    *,
    madrasah: Madrasah,
    semester: Semester,
    now: dt.datetime | None = None,
    semesters: Sequence[Semester] | None = None,
    pkg_live: bool = False,
) -> DashboardData:
    """Everything the dashboard, the Excel export and the PDFs show for one semester, in 7 queries
    whatever the number of teachers: the results of this and the previous semester, with their
    section averages · the bands of this semester's versions · the strongest items · programme rows,
    follow-ups and clarifications · PKG · PKB · the attention list. One more to find the previous
    semester unless the caller passes the madrasah's `semesters` (the period selector has them), one
    more for the PKG domains when they are shown; an empty semester needs neither bands nor strengths.

    `pkg_live`: the live PKG figures, for the Kepala and the pengawas only (`access.reads_live_pkg`);
    anyone else, and every document, gets the figures frozen when the Kepala closed the year's PKG.
    """
    if semester.madrasah_id != madrasah.pk:
        raise ValueError("semester of another madrasah")
    now = now or timezone.now()
    previous = previous_semester_of(semester, semesters=semesters)
    instruments, lowest = _instruments(semester=semester, previous=previous)
    rows, follow_ups = supervision_counts(madrasah=madrasah, semester_ids=[semester.pk], now=now)
    visible = [i.instrument_id for i in instruments if not i.hidden]
    return DashboardData(
        madrasah=madrasah,
        semester=semester,
        previous_semester=previous,
        completion=Completion(planned=rows.planned, done=rows.done, overdue=rows.overdue, cancelled=rows.cancelled),
        instruments=instruments,
        follow_ups=follow_ups,
        clarifications=rows.clarifications,
        pkg=_pkg(madrasah=madrasah, semester=semester, live=pkg_live),
        pkb=_pkb(madrasah=madrasah, semester=semester),
        attention=_attention(
            madrasah=madrasah,
            semester=semester,
            lowest=lowest,
            today=timezone.localdate(now),
            now=now,
        ),
        strengths=[
            Strength(instrument=i.instrument_name, section=i.section_title, item=i.item_text, average=i.average)
            for i in strongest_items(
                madrasah_id=madrasah.pk, semester_ids=[semester.pk], instrument_ids=visible, limit=STRENGTHS
            )
        ],
        pdca=cycle_summary(madrasah=madrasah, semester=semester),
        empty=not instruments,
    )


def pengawas_overview(*, user: User, now: dt.datetime | None = None) -> list[tuple[Madrasah, DashboardData]]:
    """The active semester's data of every madrasah the user oversees as pengawas, by name."""
    memberships = (
        Membership.objects.filter(user=user, is_active=True, madrasah__is_active=True, roles__role=Role.PENGAWAS)
        .select_related("madrasah")
        .order_by("madrasah__name", "madrasah_id")
        .distinct()
    )
    madrasahs = [m.madrasah for m in memberships]
    semesters = {
        s.madrasah_id: s
        for s in Semester.objects.filter(madrasah__in=madrasahs, is_active=True).select_related("academic_year")
    }
    return [
        (m, dashboard_data(madrasah=m, semester=semesters[m.pk], now=now, pkg_live=True))
        for m in madrasahs
        if m.pk in semesters
    ]


# --- which madrasah and semesters -------------------------------------------------------------------


def semester_list(*, madrasah: Madrasah) -> list[Semester]:
    """The madrasah's semesters, newest first, with their supervision programme: one query serves
    the period selector, the chosen semester, the one before it (the dashboard's change) and the
    drill-down into its programme. Compiled once per connection and madrasah (`madrasah.compiled`)."""

    def build():
        return (
            Semester.objects.filter(madrasah_id=madrasah.pk)
            .select_related("academic_year", "supervision_programme")
            .order_by("-start_date")
        )

    return compiled.evaluate(("semester_list", madrasah.pk), build)


def overseen_madrasah_list(*, user) -> list[Madrasah]:
    """The madrasah where `user` is an active pengawas, by name."""
    return list(
        Madrasah.objects.filter(
            is_active=True, memberships__user=user, memberships__is_active=True, memberships__roles__role=Role.PENGAWAS
        )
        .distinct()
        .order_by("name")
    )


def overseen_madrasah_for_user(*, user, pk: int) -> Madrasah:
    """A madrasah the user oversees as pengawas, or 404."""
    madrasah = (
        Madrasah.objects.filter(
            pk=pk,
            is_active=True,
            memberships__user=user,
            memberships__is_active=True,
            memberships__roles__role=Role.PENGAWAS,
        )
        .distinct()
        .first()
    )
    if madrasah is None:
        raise Http404
    return madrasah
