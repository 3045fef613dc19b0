"""Reads of the district pages: the pengawas' comparison of the madrasah they oversee
(`comparison_for`) and the district reader's overview of every madrasah of the installation
(`district_overview`).

Each is one query over `Madrasah`, every figure a correlated subquery grouped by madrasah: the number
of queries does not grow with the madrasah compared (the overview pages in SQL, so it sorts there
too: two queries a page, the count and the page). "The semester" is each madrasah's active one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kompetensi.models import (
    Appraisal,
    AppraisalStage,
    FollowUp,
    FollowUpStatus,
    Observation,
    ObservationState,
    ProgrammeRow,
)
from kompetensi.supervision.rules import overdue_cutoff
from kompetensi.supervision.selectors.results import OBSERVED, ExactNumber
from madrasah.models import Madrasah, Role, User

from ..models import ReportRevision
from . import rules

DECIMAL = DecimalField(max_digits=20, decimal_places=4)
IN_SEMESTER = "programme__semester__is_active"


def _count(queryset: QuerySet, by: str, *, field: str = "pk", distinct: bool = False) -> Coalesce:
    """COUNT of `queryset`'s rows of the outer madrasah (`by` names its madrasah column), 0 for none."""
    grouped = queryset.order_by().values(by).annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def _sum(queryset: QuerySet, by: str, field: str) -> Subquery:
    grouped = queryset.order_by().values(by).annotate(total=Sum(field)).values("total")
    return Subquery(grouped, output_field=DECIMAL)


def _rows() -> QuerySet[ProgrammeRow]:
    """The semester's planned supervisions, not cancelled."""
    return ProgrammeRow.objects.filter(
        programme__madrasah_id=OuterRef("pk"), cancelled_at__isnull=True, **{IN_SEMESTER: True}
    )


def _done_rows() -> QuerySet[ProgrammeRow]:
    """Planned supervisions observed (an observation past draft, as on the dashboard)."""
    return _rows().filter(Exists(Observation.objects.filter(row_id=OuterRef("pk"), state__in=OBSERVED)))


def _overdue_follow_ups(today: dt.date) -> QuerySet[FollowUp]:
    """Open follow-ups of the semester's observations past their deadline."""
    return FollowUp.objects.filter(
        madrasah_id=OuterRef("pk"),
        status=FollowUpStatus.OPEN,
        deadline__lt=today,
        observation__row__programme__semester__is_active=True,
    )


def _latest_results() -> QuerySet[Observation]:
    """Each teacher's result per instrument in the semester: their latest FINAL observation (the
    order of `kompetensi.supervision.selectors.latest.latest_final_observations`)."""
    final = Observation.objects.filter(state=ObservationState.FINAL, row__programme__semester__is_active=True)
    newest = final.filter(
        teacher_id=OuterRef("teacher_id"),
        instrument_version__instrument_id=OuterRef("instrument_version__instrument_id"),
        row__programme__semester_id=OuterRef("row__programme__semester_id"),
    ).order_by(F("finalised_at").desc(nulls_last=True), F("observed_on").desc(nulls_last=True), "-pk")
    return final.filter(madrasah_id=OuterRef("pk"), pk=Subquery(newest.values("pk")[:1]))


def _approved_pkg() -> QuerySet[Appraisal]:
    """The PKG appraisals of the semester's academic year approved by the Kepala, with their Nilai."""
    return Appraisal.objects.filter(
        madrasah_id=OuterRef("pk"),
        stage=AppraisalStage.APPROVED,
        nilai__isnull=False,
        period__academic_year__semesters__is_active=True,
    )


def _today(now: dt.datetime | None) -> dt.date:
    # The one lateness rule: late once the local day of the deadline has ended.
    return overdue_cutoff(now or timezone.now()).date()


# --- the pengawas' comparison -----------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    pk: int
    name: str
    planned: int
    done: int
    completion: Decimal | None  # percent; None: nothing planned
    score: Decimal | None  # mean of the teachers' results (percent); None: none, or hidden
    score_teachers: int
    pkg: Decimal | None  # mean Nilai PKG of the approved appraisals; None: none, or hidden
    pkg_teachers: int
    overdue_follow_ups: int
    appraisals_approved: int
    appraisals: int


COMPARISON_COLUMNS = ("name", "completion", "score", "pkg", "overdue", "appraisals")
COMPARISON_KEYS = {
    "name": lambda r: r.name.casefold(),
    "completion": lambda r: r.completion,
    "score": lambda r: r.score,
    "pkg": lambda r: r.pkg,
    "overdue": lambda r: r.overdue_follow_ups,
    "appraisals": lambda r: r.appraisals_approved,
}


def overseen(*, user: User) -> QuerySet[Madrasah]:
    """The madrasah where `user` is an active pengawas, leaving out those taken off the installation:
    nobody works in them, so there is nothing to compare."""
    return Madrasah.objects.filter(
        is_active=True,
        pk__in=Madrasah.objects.filter(
            memberships__user=user, memberships__is_active=True, memberships__roles__role=Role.PENGAWAS
        ).values("pk"),
    )


def comparison_for(
    *, user: User, sort: rules.Sorting | None = None, now: dt.datetime | None = None
) -> list[ComparisonRow]:
    """The madrasah `user` oversees as pengawas, side by side for the semester: programme completion,
    average supervision result, average Nilai PKG of approved appraisals (both hidden below
    MIN_GROUP teachers), overdue follow-ups and appraisals approved. One query whatever the number
    of madrasah; ordered by `sort` (by name when None)."""
    results = _latest_results()
    pkg = _approved_pkg()
    found = overseen(user=user).annotate(
        planned=_count(_rows(), "programme__madrasah_id"),
        done=_count(_done_rows(), "programme__madrasah_id"),
        score_total=_sum(results, "madrasah_id", "percentage"),
        score_n=_count(results, "madrasah_id"),
        score_teachers=_count(results, "madrasah_id", field="teacher_id", distinct=True),
        pkg_total=_sum(pkg, "madrasah_id", "nilai"),
        pkg_n=_count(pkg, "madrasah_id"),
        overdue=_count(_overdue_follow_ups(_today(now)), "madrasah_id"),
        appraisals_all=_count(
            Appraisal.objects.filter(madrasah_id=OuterRef("pk"), period__academic_year__semesters__is_active=True),
            "madrasah_id",
        ),
    )
    rows = [
        ComparisonRow(
            pk=m.pk,
            name=m.name,
            planned=m.planned,
            done=m.done,
            completion=rules.completion(m.done, m.planned),
            score=rules.shown_average(m.score_total, m.score_n, m.score_teachers),
            score_teachers=m.score_teachers,
            pkg=rules.shown_average(m.pkg_total, m.pkg_n, m.pkg_n),
            pkg_teachers=m.pkg_n,
            overdue_follow_ups=m.overdue,
            appraisals_approved=m.pkg_n,
            appraisals=m.appraisals_all,
        )
        for m in found
    ]
    sort = sort or rules.Sorting("name", False)
    return rules.sort_rows(rows, sort=sort, keys=COMPARISON_KEYS)


# --- the district reader's overview -----------------------------------------------------------------


OVERVIEW_COLUMNS = ("name", "completion", "documents", "overdue")
PAGE_SIZE = 25


def district_overview(*, sort: rules.Sorting, now: dt.datetime | None = None) -> QuerySet[Madrasah]:
    """Every madrasah of the installation with the semester's programme completion (`planned`,
    `done`, `completion` in percent or None), documents issued (`documents`: revisions of the
    madrasah's documents dated within the semester) and overdue follow-ups (`overdue`), ordered by
    `sort` (None last, then by name). No teacher's figure: counts of the madrasah only. A madrasah
    taken off the installation stays in the list, marked by its `is_active`. A lazy
    queryset: page it (one query for the count, one for the page)."""
    documents = ReportRevision.objects.filter(
        report__madrasah_id=OuterRef("pk"),
        report__madrasah__semesters__is_active=True,
        dated__gte=F("report__madrasah__semesters__start_date"),
        dated__lte=F("report__madrasah__semesters__end_date"),
    )
    found = Madrasah.objects.annotate(
        planned=_count(_rows(), "programme__madrasah_id"),
        done=_count(_done_rows(), "programme__madrasah_id"),
        documents=_count(documents, "report__madrasah_id"),
        overdue=_count(_overdue_follow_ups(_today(now)), "madrasah_id"),
    ).annotate(
        completion=Case(
            When(planned=0, then=Value(None, output_field=DECIMAL)),
            default=ExactNumber(F("done")) * Value(100) / ExactNumber(F("planned")),
            output_field=DECIMAL,
        )
    )
    column = F(sort.column)
    first = column.desc(nulls_last=True) if sort.descending else column.asc(nulls_last=True)
    return found.order_by(first, "name", "pk")
