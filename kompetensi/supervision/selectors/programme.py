"""Reads of the supervision team and programme: who supervises whom, the team a decree proposes,
the programme's rows with their status, and the instruments a row may use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.models import Madrasah, Membership, Role, Semester, Staff, User
from madrasah.timetable.rules import class_key, class_sort_key
from madrasah.timetable.selectors import year_classes

from ...models import (
    APPRAISAL_KINDS,
    BlockedPeriod,
    InstrumentVersion,
    Observation,
    ObservationState,
    Programme,
    ProgrammeRow,
    SupervisionTeam,
    TeamMember,
)
from ..rules import (
    Agenda,
    RowStatus,
    SupervisionPeople,
    TeamProposal,
    agenda_bounds,
    overdue_cutoff,
    usual_duties,
)


def supervision_people(*, madrasah: Madrasah, semester: Semester) -> SupervisionPeople:
    memberships = (
        Membership.objects.filter(madrasah=madrasah, is_active=True)
        .select_related("user", "staff")
        .prefetch_related("roles")
        .order_by("pk")
    )
    by_role: dict[str, list[Membership]] = {role: [] for role in Role.values}
    staff_of_user, user_of_staff, names = {}, {}, {}
    for membership in memberships:
        for role in membership.role_set:
            by_role[role].append(membership)
        user = membership.user
        if membership.staff_id:
            staff_of_user[user.pk] = membership.staff_id
            user_of_staff[membership.staff_id] = user.pk
            names[user.pk] = membership.staff.full_name
        else:
            names[user.pk] = user.get_full_name() or _("Pengawas")
    subjects: dict[int, list[int]] = {}
    for staff_id, subject_id in (
        Staff.subjects.through.objects.filter(staff__madrasah=madrasah)
        .order_by("subject__order", "subject__name")
        .values_list("staff_id", "subject_id")
    ):
        subjects.setdefault(staff_id, []).append(subject_id)
    return SupervisionPeople(
        kepala_users=tuple(m.user_id for m in by_role[Role.KEPALA]),
        kepala_staff=frozenset(m.staff_id for m in by_role[Role.KEPALA] if m.staff_id),
        waka_users=tuple(m.user_id for m in by_role[Role.WAKA]),
        waka_staff=frozenset(m.staff_id for m in by_role[Role.WAKA] if m.staff_id),
        pengawas_users=tuple(m.user_id for m in by_role[Role.PENGAWAS]),
        team_staff=frozenset(TeamMember.objects.filter(team__semester=semester).values_list("staff_id", flat=True)),
        staff_of_user=staff_of_user,
        user_of_staff=user_of_staff,
        names=names,
        subjects={k: tuple(v) for k, v in subjects.items()},
    )


def semester_by_slug(*, madrasah: Madrasah, slug: str) -> Semester | None:
    """`2025-2026-ganjil` → that semester of the madrasah, or None."""
    start, _sep, rest = slug.partition("-")
    end, _sep, kind = rest.partition("-")
    if not (start.isdigit() and end.isdigit() and int(end) == int(start) + 1):
        return None
    return (
        Semester.objects.filter(madrasah=madrasah, academic_year__start_year=int(start), kind=kind)
        .select_related("academic_year")
        .first()
    )


def team_candidates(*, madrasah: Madrasah) -> QuerySet[Staff]:
    """Who may be named to the team: any active teacher of the madrasah."""
    return (
        Staff.objects.filter(madrasah=madrasah).active().teachers().prefetch_related("subjects").order_by("name", "pk")
    )


def team_proposal(*, semester: Semester, candidates: Iterable[Staff], today: dt.date) -> TeamProposal:
    """The team a Kepala usually names: the decree of another semester of the same year when there is one
    (one SK then covers the year), else the Kepala and the Waka Kurikulum, dated `today` (the madrasah's
    day). Only active teachers (`candidates`) are proposed. Two queries."""
    candidate_ids = {staff.pk for staff in candidates}
    earlier = (
        SupervisionTeam.objects.filter(semester__academic_year_id=semester.academic_year_id)
        .exclude(semester=semester)
        .select_related("semester__academic_year")
        .prefetch_related(Prefetch("memberships", queryset=TeamMember.objects.order_by("pk")))
        .order_by("-semester__start_date")
        .first()
    )
    if earlier is not None:
        duties = {m.staff_id: m.duty for m in earlier.memberships.all() if m.staff_id in candidate_ids}
        if duties:
            return TeamProposal(earlier.decree_number, earlier.decree_date, duties, from_semester=earlier.semester)
    held = (
        Membership.objects.filter(
            madrasah_id=semester.madrasah_id,
            is_active=True,
            staff_id__in=candidate_ids,
            roles__role__in=[Role.KEPALA, Role.WAKA],
        )
        .order_by("staff__name", "staff_id")
        .values_list("staff_id", "roles__role")
    )
    kepala_staff = [staff_id for staff_id, role in held if role == Role.KEPALA]
    waka_staff = [staff_id for staff_id, role in held if role == Role.WAKA]
    return TeamProposal("", today, usual_duties(kepala_staff=kepala_staff, waka_staff=waka_staff))


def supervision_instruments(*, semester: Semester) -> QuerySet[InstrumentVersion]:
    """Instrument versions a row may use: the semester's academic year, supervision kinds (not PKG)."""
    return (
        InstrumentVersion.objects.filter(
            instrument__madrasah_id=semester.madrasah_id, academic_year_id=semester.academic_year_id
        )
        .exclude(instrument__kind__in=APPRAISAL_KINDS)
        .select_related("instrument")
        .order_by("instrument__kind", "instrument__name")
    )


def programme_rows(*, programme: Programme, now: dt.datetime | None = None) -> QuerySet[ProgrammeRow]:
    """Rows with their status (`row_status`) and week (`week`, a Monday) computed in SQL: done when an
    observation went past draft; overdue when not done by the end of its local day (`overdue_cutoff`)."""
    now = now or timezone.now()
    done = Exists(Observation.objects.filter(row=OuterRef("pk")).exclude(state=ObservationState.DRAFT))
    return (
        programme.rows.annotate(
            row_status=Case(
                When(cancelled_at__isnull=False, then=Value(RowStatus.CANCELLED.value)),
                When(done, then=Value(RowStatus.DONE.value)),
                When(planned_at__lt=overdue_cutoff(now), then=Value(RowStatus.OVERDUE.value)),
                default=Value(RowStatus.PLANNED.value),
                output_field=models.CharField(),
            ),
            week=TruncWeek("planned_at"),
        )
        .select_related("teacher", "subject", "supervisor")
        .prefetch_related(
            Prefetch("instruments", queryset=InstrumentVersion.objects.select_related("instrument")),
            # For the observation buttons of each row: which instrument is started, and its state.
            Prefetch(
                "observations", queryset=Observation.objects.only("pk", "row_id", "instrument_version_id", "state")
            ),
        )
        .order_by("planned_at", "pk")
    )


def programme_rows_filter(
    rows: QuerySet[ProgrammeRow], *, status: str = "", supervisor_id: int | None = None
) -> QuerySet[ProgrammeRow]:
    if status in RowStatus.values:
        rows = rows.filter(row_status=status)
    if supervisor_id:
        rows = rows.filter(supervisor_id=supervisor_id)
    return rows


def programme_row_counts(rows: QuerySet[ProgrammeRow]) -> dict[str, int]:
    """How many rows of each status, in one query: `{"terjadwal": 3, ...}` with every status present."""
    counts = rows.aggregate(**{s: Count("pk", filter=Q(row_status=s)) for s in RowStatus.values})
    return {s: counts[s] or 0 for s in RowStatus.values}


def rows_for_display(rows: Iterable[ProgrammeRow], *, people: SupervisionPeople | None = None) -> list[ProgrammeRow]:
    """Attach `status_label` and, given the people read once, `supervisor_name` (with titles)."""
    rows = list(rows)
    labels = dict(RowStatus.choices)
    for row in rows:
        row.status_label = labels.get(row.row_status, "")
        if people is not None:
            row.supervisor_name = people.name(row.supervisor)
    return rows


def supervisions_of_user(*, user: User, programme: Programme, now: dt.datetime | None = None):
    """The supervisions `user` carries out in the programme: the Waka's weekly list."""
    return programme_rows(programme=programme, now=now).filter(supervisor=user)


def rows_by_agenda(rows: QuerySet[ProgrammeRow], *, today: dt.date) -> QuerySet[ProgrammeRow]:
    """`rows` with `agenda` (rules.Agenda: today, the rest of this week, other weeks, from the local
    `today`) computed in SQL, today's first, each part by time."""
    today_start, tomorrow_start, week_start, next_week_start = agenda_bounds(today)
    return rows.annotate(
        agenda=Case(
            When(planned_at__gte=today_start, planned_at__lt=tomorrow_start, then=Value(Agenda.TODAY.value)),
            When(planned_at__gte=week_start, planned_at__lt=next_week_start, then=Value(Agenda.THIS_WEEK.value)),
            default=Value(Agenda.OTHER.value),
            output_field=models.IntegerField(),
        )
    ).order_by("agenda", "planned_at", "pk")


def programme_of_semester(*, semester: Semester) -> Programme | None:
    return Programme.objects.filter(semester=semester).first()


def blocked_periods(*, semester: Semester) -> QuerySet[BlockedPeriod]:
    return semester.blocked_periods.order_by("start_date", "pk")


def teachers_without_row(*, programme: Programme) -> QuerySet[Staff]:
    """Active teachers with no supervision in the programme yet: what a bulk run would plan."""
    return (
        Staff.objects.filter(madrasah_id=programme.madrasah_id)
        .active()
        .teachers()
        .exclude(supervision_rows__programme=programme)
    )


CLASS_NAMES_OFFERED = 100


def class_names_offered(*, madrasah_id: int, academic_year_id: int | None) -> list[str]:
    """The class names (rombel) for the datalist of a class field: the academic year's classes from the
    timetable first, then the names already written in the madrasah's programme rows and observations
    (older years, names typed before the timetable was entered). Each class once (7A is VII-A: the
    timetable's spelling wins), each group in reading order (VII-A, VII-B, VIII-A, IX-A). One query,
    at most `CLASS_NAMES_OFFERED` names."""
    timetable = year_classes(madrasah_id=madrasah_id, academic_year_id=academic_year_id)
    planned = ProgrammeRow.objects.filter(programme__madrasah_id=madrasah_id).exclude(class_name="").order_by()
    observed = Observation.objects.filter(madrasah_id=madrasah_id).exclude(class_name="").order_by()
    found = (
        timetable.annotate(source=Value(0))
        .values_list("name", "source")
        .union(
            planned.annotate(source=Value(1)).values_list("class_name", "source"),
            observed.annotate(source=Value(1)).values_list("class_name", "source"),
        )
        .order_by("source", "name")[:CLASS_NAMES_OFFERED]
    )
    groups: tuple[list[str], list[str]] = ([], [])
    for name, source in found:
        groups[source].append(name)
    offered, seen = [], set()
    for group in groups:
        for name in sorted(group, key=class_sort_key):
            if class_key(name) not in seen:
                seen.add(class_key(name))
                offered.append(name)
    return offered
