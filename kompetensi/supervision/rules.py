"""Supervision rules, pure (no database): the states of an observation and who may move them when,
who supervises whom, the calendar of classroom observations, and the texts a programme starts from.

States (docs/domain.md §9 "Academic supervision": the teacher signs to confirm they *received* the
result, not that they agree; they may respond):

    draft ──submit (supervisor)──▶ diajukan ──acknowledge (teacher)──▶ diterima ──finalise (Kepala)──▶ final
                                    │  └──acknowledge_days pass──▶ dianggap ──acknowledge / finalise──▶ …
                                    └──ask clarification──▶ klarifikasi ──acknowledge / finalise (confirmed)──▶ …
    any state but draft ──reopen (Kepala, with a reason)──▶ draft

Who supervises whom (§9): the Kepala names the team by decree (SK Tim Supervisi); a teacher is
supervised by a team member (same subject preferred), team members and the Waka by the Kepala, the
Kepala by the pengawas, and nobody by themself. §4 "Calendar": no classroom observation is planned in
exam weeks or the Ramadan timetable (blocked periods), nor on Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from madrasah.errors import ApplicationError
from madrasah.models import Semester, Staff, Subject, User

from ..instruments.rules import note_check
from ..models import BlockedPeriod, InstrumentVersion, Observation, ObservationState, ProgrammeRow

S = ObservationState


# --- observations ------------------------------------------------------------------------------

# States in which the teacher has seen the result: follow-ups may be planned from then on.
REVIEWED_STATES = (S.SUBMITTED, S.ACKNOWLEDGED, S.CLARIFICATION, S.DEEMED_ACKNOWLEDGED, S.FINAL)
ACKNOWLEDGEABLE = (S.SUBMITTED, S.CLARIFICATION, S.DEEMED_ACKNOWLEDGED)
CLARIFIABLE = (S.SUBMITTED, S.DEEMED_ACKNOWLEDGED)
FINALISABLE = (S.ACKNOWLEDGED, S.DEEMED_ACKNOWLEDGED, S.CLARIFICATION, S.SUBMITTED)

# The text fields of an observation sheet (the class observed, then the notes), and their length limits.
TEXT_FIELDS = ("class_name", "pre_notes", "post_notes", "strengths", "improvements")
MAX_TEXT = 5000
MAX_CLASS_NAME = 30  # as ProgrammeRow.class_name


def names(observation: Observation) -> dict:
    """The instrument and the teacher, as the notices of a transition name them."""
    return {"instrument": observation.instrument_version.instrument.name, "teacher": observation.teacher.full_name}


def acknowledge_deadline(observation: Observation) -> dt.datetime | None:
    """When an unanswered submitted result becomes "deemed received" (the madrasah's acknowledge_days)."""
    if observation.submitted_at is None:
        return None
    return observation.submitted_at + dt.timedelta(days=observation.madrasah.acknowledge_days)


def score_entry_clean(version: InstrumentVersion, value: dict) -> dict:
    """One posted entry of an observation sheet: points within the version's scale (None when not
    scored), "not applicable" only where the version allows it, a note of bounded length."""
    points, not_applicable = value.get("points"), bool(value.get("na"))
    if points in ("", None):
        points = None
    else:
        try:
            points = int(points)
        except (TypeError, ValueError):
            raise ApplicationError(_("A score must be a whole number.")) from None
        if not version.scale_min <= points <= version.scale_max:
            raise ApplicationError(
                _("A score must lie between %(min)s and %(max)s.")
                % {"min": version.scale_min, "max": version.scale_max}
            )
    if not_applicable and not version.allow_not_applicable:
        raise ApplicationError(_("This instrument does not allow “not applicable”."))
    if not_applicable:
        points = None
    note = note_check(str(value.get("note") or ""), max_length=MAX_TEXT)
    return {"points": points, "na": not_applicable, "note": note}


def describe_score(points, not_applicable) -> str | None:
    if not_applicable:
        return "N/A"
    return None if points is None else str(points)


# --- programme and team -----------------------------------------------------------------------------

SUNDAY = 6


class RowStatus(models.TextChoices):
    """Where a planned supervision stands; computed in SQL, never stored."""

    PLANNED = "terjadwal", gettext_lazy("Planned")
    OVERDUE = "terlambat", gettext_lazy("Overdue")
    DONE = "selesai", gettext_lazy("Done")
    CANCELLED = "dibatalkan", gettext_lazy("Cancelled")


@dataclass(frozen=True)
class SupervisionPeople:
    """The madrasah's people as the supervision rules see them, read in four queries."""

    kepala_users: tuple[int, ...] = ()
    kepala_staff: frozenset[int] = frozenset()
    waka_users: tuple[int, ...] = ()
    waka_staff: frozenset[int] = frozenset()
    pengawas_users: tuple[int, ...] = ()
    team_staff: frozenset[int] = frozenset()
    staff_of_user: dict[int, int] = field(default_factory=dict)
    user_of_staff: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # user id → name with titles
    subjects: dict[int, tuple[int, ...]] = field(default_factory=dict)  # staff id → subject ids, in order

    @property
    def team_users(self) -> frozenset[int]:
        return frozenset(self.user_of_staff[s] for s in self.team_staff if s in self.user_of_staff)

    def name(self, user: User) -> str:
        return self.names.get(user.pk) or user.get_full_name() or user.username


def supervisor_choices(*, people: SupervisionPeople) -> list[tuple[int, str]]:
    """Everyone who may be chosen as a supervisor: team members, the Waka, the Kepala, the pengawas
    (for the Kepala's own supervision). Which of them fits a given teacher is the service's check."""
    hints = {}
    for user_id in people.team_users:
        hints[user_id] = _("team")
    for user_id in people.waka_users:
        hints[user_id] = "Waka"
    for user_id in people.kepala_users:
        hints[user_id] = "Kepala"
    for user_id in people.pengawas_users:
        hints.setdefault(user_id, _("pengawas"))
    return sorted(
        ((user_id, f"{people.names.get(user_id, '')} ({hint})") for user_id, hint in hints.items()),
        key=lambda choice: choice[1].lower(),
    )


def supervisor_default(*, people: SupervisionPeople, user_id: int) -> int | None:
    """The person planning, when they may supervise (the Kepala, a Waka or a team member): most rows of
    a programme are their own. Whether they fit a given teacher stays the service's check."""
    if user_id in people.team_users or user_id in people.waka_users or user_id in people.kepala_users:
        return user_id
    return None


def supervisor_check(*, people: SupervisionPeople, teacher: Staff, supervisor_id: int) -> None:
    if people.staff_of_user.get(supervisor_id) == teacher.pk:
        raise ApplicationError(_("Nobody supervises themself: choose another supervisor."), field="supervisor")
    if teacher.pk in people.kepala_staff:
        if supervisor_id not in people.pengawas_users:
            raise ApplicationError(
                _("The Kepala is supervised by the pengawas: choose the pengawas."), field="supervisor"
            )
    elif teacher.pk in people.team_staff or teacher.pk in people.waka_staff:
        if supervisor_id not in people.kepala_users:
            raise ApplicationError(
                _("Members of the supervision team and the Waka are supervised by the Kepala."), field="supervisor"
            )
    elif supervisor_id not in people.team_users | set(people.waka_users) | set(people.kepala_users):
        raise ApplicationError(
            _("Choose a member of the supervision team, the Waka or the Kepala as supervisor."), field="supervisor"
        )


def local_day(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date()


def overdue_cutoff(now: dt.datetime) -> dt.datetime:
    """The instant before which a planned supervision not yet observed is late: the start of `now`'s
    local day (Asia/Jakarta). A supervision is due on its day, whatever the hour planned, so it turns
    late only once that day has ended (docs/domain.md §9 "Academic supervision", schedule and lateness)."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


class Agenda(models.IntegerChoices):
    """Where a supervisor's row falls from the madrasah's today: their list shows today's first, then
    the rest of this week (Monday to Sunday), then the others."""

    TODAY = 0, gettext_lazy("Today")
    THIS_WEEK = 1, gettext_lazy("Rest of this week")
    OTHER = 2, gettext_lazy("Other weeks")


def agenda_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    """The local (Asia/Jakarta) instants that start today, tomorrow, this week (Monday) and next week."""

    def start(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    monday = today - dt.timedelta(days=today.weekday())
    return start(today), start(today + dt.timedelta(days=1)), start(monday), start(monday + dt.timedelta(days=7))


def planned_day_has_passed(*, planned_at: dt.datetime, today: dt.date) -> bool:
    """Whether a supervision planned at `planned_at` lies on a local day before `today`: such a row
    is not planned (nor moved) any more."""
    return local_day(planned_at) < today


def blocked_on(day: dt.date, periods: Iterable[BlockedPeriod]) -> BlockedPeriod | None:
    return next((p for p in periods if p.start_date <= day <= p.end_date), None)


def subject_warning(*, people: SupervisionPeople, supervisor_id: int, subject: Subject | None) -> str | None:
    staff_id = people.staff_of_user.get(supervisor_id)
    if subject is None or staff_id is None or subject.pk in people.subjects.get(staff_id, ()):
        return None
    return _("%(supervisor)s does not teach %(subject)s: a supervisor of the same subject is preferred.") % {
        "supervisor": people.names.get(supervisor_id, ""),
        "subject": subject.name,
    }


@dataclass(frozen=True)
class TeamProposal:
    """What the decree page offers while a semester has no team yet."""

    decree_number: str
    decree_date: dt.date
    duties: dict[int, str]  # staff id → duty
    from_semester: Semester | None = None  # the semester whose decree is proposed again


def usual_duties(*, kepala_staff: list[int], waka_staff: list[int]) -> dict[int, str]:
    """The Kepala chairs the team and the Waka Kurikulum is its secretary; without a Kepala among the
    teachers the Waka chairs (docs/domain.md §9: the team is the Waka plus senior teachers)."""
    duties = dict.fromkeys(kepala_staff, "Ketua")
    free = iter(["Sekretaris"] if duties else ["Ketua", "Sekretaris"])
    for staff_id in waka_staff:
        if staff_id not in duties:
            duties[staff_id] = next(free, "Anggota")
    return duties


# The standard texts of a programme are composed when shown, in the reader's language: a programme
# stores "" for a text left as the standard one (its semester's name and year are filled in then), and
# only what the Waka wrote otherwise (docs/domain.md §3: PMA 58/2017 on the Kepala's duty to supervise
# teachers; regulations cited generically and by their correct titles).
PROGRAMME_TEXTS = ("legal_basis", "purpose", "targets", "techniques")
LEGAL_BASIS = (
    gettext_noop("Law Number 20 of 2003 on the National Education System."),
    gettext_noop("Law Number 14 of 2005 on Teachers and Lecturers."),
    gettext_noop(
        "Government Regulation Number 57 of 2021 on the National Education Standards as amended by "
        "Government Regulation Number 4 of 2022."
    ),
    gettext_noop(
        "Regulation of the Minister of National Education Number 13 of 2007 on the Standards for School/Madrasah "
        "Principals (supervision competence)."
    ),
    gettext_noop(
        "Regulation of the Minister of Religious Affairs Number 58 of 2017 on Madrasah Principals and its amendments."
    ),
    gettext_noop(
        "The Regulation of the Minister of Education, Culture, Research and Technology on the Process Standard "
        "in force."
    ),
    gettext_noop(
        "The Decree of the Minister of Religious Affairs on the Guidelines for Implementing the Curriculum in "
        "Madrasah in force."
    ),
    gettext_noop("Madrasah Work and Budget Plan (RKAM) for academic year %(year)s."),
)
PURPOSE_INTRO = gettext_noop(
    "Academic supervision coaches teachers to plan, carry out and assess learning well, so that the quality of "
    "learning in the madrasah rises. In particular:"
)
PURPOSES = (
    gettext_noop(
        "to see how ready the teachers' learning administration is (CP, TP/ATP, prota, promes, modul ajar, assessment);"
    ),
    gettext_noop("to observe learning in the classroom (opening, core and closing activities);"),
    gettext_noop("to give feedback and coaching based on what was observed;"),
    gettext_noop("to draw up a follow-up plan (RTL) for the teachers' professional development."),
)
TARGETS = (
    gettext_noop("All teachers of the madrasah are supervised at least once in semester %(semester)s."),
    gettext_noop("Every teacher's learning administration is complete and follows the Kurikulum Merdeka."),
    gettext_noop("Classroom learning is centred on the students and reaches the learning objectives."),
    gettext_noop("Every supervision result is handed to the teacher and followed up according to the RTL."),
)
TECHNIQUES = (
    gettext_noop("Classroom visits (observation of learning) according to the schedule."),
    gettext_noop(
        "Individual supervision: pre-observation talk, observation and post-observation talk (feedback and reflection)."
    ),
    gettext_noop("Group supervision: teachers' meetings, MGMP group discussions and in-house training."),
    gettext_noop("Review of the learning administration documents."),
)


def _numbered(sentences, values: dict | None = None) -> list[str]:
    return [f"{n}. {_(text) % values if values else _(text)}" for n, text in enumerate(sentences, start=1)]


def programme_defaults(*, semester: Semester) -> dict[str, str]:
    """The standard texts of the semester's programme in the active language: what a new programme
    starts from, and what a text left as standard reads as (the Waka adapts them)."""
    year = semester.academic_year.name
    return {
        "legal_basis": "\n".join(
            _numbered(LEGAL_BASIS[:-1]) + [f"{len(LEGAL_BASIS)}. {_(LEGAL_BASIS[-1]) % {'year': year}}"]
        ),
        "purpose": "\n".join([_(PURPOSE_INTRO), *_numbered(PURPOSES)]),
        "targets": "\n".join(_numbered(TARGETS[:1], {"semester": str(semester)}) + _numbered(TARGETS)[1:]),
        "techniques": "\n".join(_numbered(TECHNIQUES)),
    }


def _same_text(a: str, b: str) -> bool:
    def clean(text: str) -> list[str]:
        return [" ".join(line.split()) for line in (text or "").strip().splitlines() if line.strip()]

    return clean(a) == clean(b)


def programme_stored_texts(*, semester: Semester, texts: dict[str, str], languages=("id", "en")) -> dict[str, str]:
    """What a programme stores of `texts`: "" for a text that is the standard one (in the active
    language or any of `languages`: composed again whenever shown), the text itself otherwise."""
    standards = [programme_defaults(semester=semester)]
    for language in languages:
        with translation.override(language):
            standards.append(programme_defaults(semester=semester))
    return {
        name: "" if any(_same_text(text, standard[name]) for standard in standards) else text
        for name, text in texts.items()
    }


def programme_texts(programme) -> dict[str, str]:
    """The programme's four texts as shown, in the active language: what the Waka wrote, else the
    standard text composed now."""
    stored = {name: getattr(programme, name) for name in PROGRAMME_TEXTS}
    if all(stored.values()):
        return stored
    defaults = programme_defaults(semester=programme.semester)
    return {name: stored[name] or defaults[name] for name in PROGRAMME_TEXTS}


def school_slots(
    *,
    start: dt.date,
    end: dt.date,
    times: list[dt.time],
    periods: list,
    taken: set[dt.datetime],
    school_days: tuple[int, ...] = (0, 1, 2, 3, 4, 5),
    after: dt.datetime | None = None,
) -> Iterator[dt.datetime]:
    """The madrasah's school days (Monday–Saturday unless its school week says otherwise) from `start`
    to `end`, each day's `times`, skipping blocked periods (and Ramadan ranges), taken slots and every
    slot not later than `after` (now: a plan is never made for the past, nor earlier today)."""
    day = start
    while day <= end:
        if day.weekday() in school_days and blocked_on(day, periods) is None:
            for time in times:
                at = timezone.make_aware(dt.datetime.combine(day, time))
                if at not in taken and (after is None or at > after):
                    yield at
        day += dt.timedelta(days=1)


def bulk_supervisors(*, people: SupervisionPeople, teacher_id: int, load: Counter) -> list[int]:
    """Who may supervise the teacher in a bulk plan, best first: the pengawas for the Kepala; the
    Kepala for the team and the Waka; else the team members sharing a subject with the teacher (least
    loaded first), then the Waka, then the Kepala."""
    if teacher_id in people.kepala_staff:
        return list(people.pengawas_users)
    if teacher_id in people.team_staff or teacher_id in people.waka_staff:
        return [u for u in people.kepala_users if people.staff_of_user.get(u) != teacher_id]
    subjects = set(people.subjects.get(teacher_id, ()))
    sharing = sorted(
        (
            people.user_of_staff[s]
            for s in people.team_staff
            if s != teacher_id and s in people.user_of_staff and subjects & set(people.subjects.get(s, ()))
        ),
        key=lambda user_id: (load[user_id], people.names.get(user_id, ""), user_id),
    )
    fallback = [u for u in (*people.waka_users, *people.kepala_users) if people.staff_of_user.get(u) != teacher_id]
    return list(dict.fromkeys([*sharing, *fallback]))


def bulk_supervisor(*, people: SupervisionPeople, teacher_id: int, load: Counter) -> int | None:
    """The first of `bulk_supervisors`, for a plan without a timetable."""
    return next(iter(bulk_supervisors(people=people, teacher_id=teacher_id, load=load)), None)


@dataclass(frozen=True)
class LessonPlacement:
    teacher_id: int
    supervisor_id: int
    at: dt.datetime
    class_name: str
    subject_id: int | None


def lesson_placements(
    *,
    teacher_ids: list[int],
    people: SupervisionPeople,
    week,
    start: dt.date,
    end: dt.date,
    periods: list,
    after: dt.datetime,
    busy: set[tuple[int, dt.datetime]],
    load: Counter,
    per_day: int,
) -> tuple[list[LessonPlacement], list[int]]:
    """Place one observation per teacher in a lesson they teach (or a BK counselling period), with a
    supervisor who is not teaching then and not observing someone else then: school days of the
    madrasah's week from `start` to `end`, outside blocked periods and the Ramadan timetable, never
    at or before `after`, at most `per_day` a day. `week` is the timetable's `PlannerWeek`; `busy`
    holds (supervisor user id, time) already taken. Returns the placements and the teachers not placed
    (no lesson in the timetable, or no free supervisor before `end`)."""
    waiting = [t for t in teacher_ids if week.slots.get(t)]
    placements: list[LessonPlacement] = []
    day = start
    while day <= end and waiting:
        if week.is_school_day(day) and blocked_on(day, periods) is None:
            placed_today = 0
            for teacher_id in list(waiting):
                if placed_today >= per_day:
                    break
                placement = _lesson_placement(
                    teacher_id=teacher_id, day=day, people=people, week=week, after=after, busy=busy, load=load
                )
                if placement is not None:
                    placements.append(placement)
                    waiting.remove(teacher_id)
                    busy.add((placement.supervisor_id, placement.at))
                    load[placement.supervisor_id] += 1
                    placed_today += 1
        day += dt.timedelta(days=1)
    placed = {p.teacher_id for p in placements}
    return placements, [t for t in teacher_ids if t not in placed]


def _lesson_placement(*, teacher_id, day, people, week, after, busy, load) -> LessonPlacement | None:
    candidates = bulk_supervisors(people=people, teacher_id=teacher_id, load=load)
    for slot in week.slots.get(teacher_id, ()):
        if slot.weekday != day.weekday():
            continue
        at = timezone.make_aware(dt.datetime.combine(day, slot.start))
        if at <= after:
            continue
        for supervisor_id in candidates:
            if (supervisor_id, at) in busy or week.busy(
                people.staff_of_user.get(supervisor_id), slot.weekday, slot.number
            ):
                continue
            return LessonPlacement(
                teacher_id=teacher_id,
                supervisor_id=supervisor_id,
                at=at,
                class_name=slot.class_name,
                subject_id=slot.subject_id,
            )
    return None


def programme_row_can_observe(row: ProgrammeRow) -> bool:
    """Whether an observation may start on this row: the programme is approved and the row is not
    cancelled (used by the observation pages)."""
    return row.programme.is_approved and not row.is_cancelled
