"""The demo's observations of one semester, built in memory and written a table at a time.

Why bulk: the services write an observation in about 70 queries (start, save, submit, acknowledge,
finalise, each with its claim, event and notices), which made `seed_demo --madrasah 100` and every
test that seeds the demo slow. Here each observation takes the path the services would give it —
the same states, events in the same order, the same notices, open or done as the later moves would
have left them — and the score comes from the one scoring function (`score_instrument` with the
version's options), never by hand. The dates are those a lived-in semester has: submitted on the day
observed, answered two days later, finalised at the semester's end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from madrasah.models import Membership
from madrasah.notifications import Note, notices_done_of, notify_many
from madrasah.texts import shorten

from .instruments.scoring import ItemScore, SectionInput, options_of, score_instrument, stored_value
from .instruments.selectors import bands_of
from .instruments.services import instrument_version_freeze
from .models import (
    FollowUp,
    FollowUpStatus,
    InstrumentVersion,
    Observation,
    ObservationEvent,
    ObservationScore,
    ObservationState,
)
from .supervision import notices as N
from .supervision.rules import describe_score, names

# Rows per statement of the bulk writes.
BATCH_SIZE = 500


def aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def date_back(model, events: list, stamps: list[dt.datetime]) -> None:
    """Give bulk-created history rows their times (`at` is stamped "now" on insert): one UPDATE per
    distinct time, far fewer than the rows."""
    pks_at: dict[dt.datetime, list[int]] = {}
    for event, at in zip(events, stamps, strict=True):
        pks_at.setdefault(at, []).append(event.pk)
        event.at = at
    for at, pks in pks_at.items():
        model.objects.filter(pk__in=pks).update(at=at)


@dataclass
class DemoSheet:
    """One observation on its way: the row, what was scored, and the moves made on it."""

    observation: Observation
    points: dict[int, int]  # item id → points, in the sheet's order
    events: list[tuple[str, int | None, list, str]] = field(default_factory=list)  # action, actor, changes, note
    follow_up: FollowUp | None = None
    follow_up_items: list[int] = field(default_factory=list)
    teacher_user_id: int | None = None  # who answered it


class ObservationBuilder:
    """Collects a semester's observations (`start`, `save`, `submit`, … as the services are named),
    then `write` stores them in a few statements per table."""

    def __init__(self, *, madrasah, versions: list[InstrumentVersion], kepala, today: dt.date):
        self.madrasah, self.kepala, self.today = madrasah, kepala, today
        self.versions = {v.pk: v for v in versions}
        # Each version's sections with their items, in the sheet's order, read once.
        self.sections = {
            v.pk: [(s, list(s.items.all())) for s in v.sections.prefetch_related("items").order_by("order", "pk")]
            for v in versions
        }
        self.bands = {v.pk: bands_of(v) for v in versions}
        self.sheets: list[DemoSheet] = []
        self.user_ids = _active_user_ids(madrasah)

    def items(self, version: InstrumentVersion) -> list:
        return [item for _section, items in self.sections[version.pk] for item in items]

    def start(self, *, row, version: InstrumentVersion) -> DemoSheet:
        observation = Observation(
            madrasah_id=row.programme.madrasah_id,
            row=row,
            instrument_version=version,
            teacher=row.teacher,
            supervisor_id=row.supervisor_id,
            class_name=row.class_name,
            last_saved_by_id=row.supervisor_id,
        )
        sheet = DemoSheet(observation=observation, points={})
        sheet.events.append(("created", row.supervisor_id, [], ""))
        self.sheets.append(sheet)
        return sheet

    def save(self, sheet: DemoSheet, *, points: dict[int, int], observed_on: dt.date, texts: dict[str, str]) -> None:
        """The first save of the sheet: its scores, notes and day, with the "saved" event listing them."""
        observation = sheet.observation
        sheet.points = points
        changes = [
            {"what": "item", "item": item_id, "from": None, "to": describe_score(value, False)}
            for item_id, value in points.items()
        ]
        changes += [{"what": name, "from": "", "to": value} for name, value in texts.items() if value]
        changes.append({"what": "observed_on", "from": "", "to": str(observed_on)})
        for name, value in texts.items():
            setattr(observation, name, value)
        observation.observed_on = observed_on
        observation.revision = 1
        result = self._score(sheet)
        observation.percentage = stored_value(result.percentage)
        observation.predikat = result.predikat or ""
        sheet.events.append(("saved", observation.supervisor_id, changes, ""))

    def _score(self, sheet: DemoSheet):
        version = self.versions[sheet.observation.instrument_version_id]
        sections = [
            SectionInput(section.pk, section.weight, [ItemScore(points=sheet.points.get(i.pk)) for i in items])
            for section, items in self.sections[version.pk]
        ]
        return score_instrument(
            sections=sections,
            scale_min=version.scale_min,
            scale_max=version.scale_max,
            bands=self.bands[version.pk],
            **options_of(version),
        )

    def submit(self, sheet: DemoSheet) -> None:
        observation = sheet.observation
        observation.state = ObservationState.SUBMITTED
        observation.submitted_at = aware(observation.observed_on, 14)
        sheet.events.append(("submitted", observation.supervisor_id, [], ""))

    def low_items(self, sheet: DemoSheet) -> list:
        """The items scored below the version's threshold (what `follow_up_proposals` proposes)."""
        version = self.versions[sheet.observation.instrument_version_id]
        threshold = Decimal(version.follow_up_below)
        return [item for item in self.items(version) if Decimal(sheet.points[item.pk]) < threshold]

    def plan_follow_up(self, sheet: DemoSheet, *, kind: str, text: str, responsible: str, deadline, items) -> None:
        observation = sheet.observation
        sheet.follow_up = FollowUp(
            madrasah_id=observation.madrasah_id,
            observation=observation,
            teacher_id=observation.teacher_id,
            kind=kind,
            description=shorten(f"Pendampingan: {text}", 134),
            responsible=responsible,
            deadline=deadline,
            created_by_id=observation.supervisor_id,
        )
        sheet.follow_up_items = [i.pk for i in items]
        sheet.events.append(("follow_up_created", observation.supervisor_id, [], sheet.follow_up.get_kind_display()))

    def close_follow_up(self, sheet: DemoSheet) -> None:
        follow_up = sheet.follow_up
        follow_up.status, follow_up.closed_at = FollowUpStatus.CLOSED, timezone.now()
        follow_up.closed_by_id = sheet.observation.supervisor_id

    def acknowledge(self, sheet: DemoSheet, *, user, response: str) -> None:
        observation = sheet.observation
        observation.state = ObservationState.ACKNOWLEDGED
        observation.acknowledged_at = aware(min(observation.observed_on + dt.timedelta(days=2), self.today), 10)
        observation.teacher_response = response
        sheet.teacher_user_id = user.pk
        sheet.events.append(("acknowledged", user.pk, [], response))

    def request_clarification(self, sheet: DemoSheet, *, user, text: str) -> None:
        sheet.observation.state = ObservationState.CLARIFICATION
        sheet.observation.clarification_request = text
        sheet.teacher_user_id = user.pk
        sheet.events.append(("clarification_requested", user.pk, [], text))

    def finalise(self, sheet: DemoSheet, *, semester) -> None:
        observation = sheet.observation
        observation.state = ObservationState.FINAL
        observation.finalised_at = aware(min(semester.end_date, self.today), 11)
        observation.finalised_by_id = self.kepala.pk
        own = observation.supervisor_id == self.kepala.pk
        sheet.events.append(("finalised_own" if own else "finalised", self.kepala.pk, [], ""))

    # --- writing ------------------------------------------------------------------------------

    def write(self) -> None:
        """Store the semester's observations: the rows, scores, events, follow-ups and notices."""
        for version in self.versions.values():
            instrument_version_freeze(version=version)
        observations = [s.observation for s in self.sheets]
        Observation.objects.bulk_create(observations, batch_size=BATCH_SIZE)
        ObservationScore.objects.bulk_create(
            [
                ObservationScore(observation_id=s.observation.pk, item_id=item_id, points=points)
                for s in self.sheets
                for item_id, points in s.points.items()
            ],
            batch_size=BATCH_SIZE,
        )
        follow_ups = [s.follow_up for s in self.sheets if s.follow_up]
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH_SIZE)
        through = FollowUp.items.through
        through.objects.bulk_create(
            [
                through(followup_id=s.follow_up.pk, item_id=i)
                for s in self.sheets
                if s.follow_up
                for i in s.follow_up_items
            ],
            batch_size=BATCH_SIZE,
        )
        self._write_events()
        self._write_notices(follow_ups)

    def _write_events(self) -> None:
        """Each observation's history in the order of its moves, dated the day observed (the events'
        `at` is stamped on insert, so it is moved back after)."""
        events = [
            ObservationEvent(observation_id=s.observation.pk, actor_id=actor, action=action, changes=changes, note=note)
            for s in self.sheets
            for action, actor, changes, note in s.events
        ]
        ObservationEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        stamps = [aware(s.observation.observed_on, 15) for s in self.sheets for _event in s.events]
        date_back(ObservationEvent, events, stamps)

    def _write_notices(self, follow_ups: list[FollowUp]) -> None:
        """The notices each move sends (never to the one who acted), then marked done where a later move
        dealt with them, as the services' `notices_done` would have."""
        notes = []
        for sheet in self.sheets:
            notes += self._observation_notes(sheet)
            if sheet.follow_up:
                notes += self._follow_up_notes(sheet)
        notify_many(madrasah=self.madrasah, notes=notes)
        answered = [
            s.observation.pk
            for s in self.sheets
            if s.observation.state not in (ObservationState.DRAFT, ObservationState.SUBMITTED)
        ]
        final = [s.observation.pk for s in self.sheets if s.observation.state == ObservationState.FINAL]
        notices_done_of(Observation, answered, N.OBSERVATION_SUBMITTED)
        notices_done_of(Observation, final, N.OBSERVATION_ACKNOWLEDGED)
        notices_done_of(FollowUp, [f.pk for f in follow_ups if f.status == FollowUpStatus.CLOSED], N.FOLLOW_UP_PLANNED)

    def _observation_notes(self, sheet: DemoSheet) -> list[Note]:
        observation = sheet.observation
        state = observation.state
        if state == ObservationState.DRAFT:
            return []
        params = names(observation)
        teachers = self.user_ids.get(observation.teacher_id, [])
        notes = self._notes(teachers, observation.supervisor_id, N.OBSERVATION_SUBMITTED, params, observation)
        teacher_actor = sheet.teacher_user_id
        if state in (ObservationState.ACKNOWLEDGED, ObservationState.FINAL):
            notes += self._notes(
                [observation.supervisor_id], teacher_actor, N.OBSERVATION_ACKNOWLEDGED, params, observation
            )
        if state == ObservationState.CLARIFICATION:
            notes += self._notes(
                [self.kepala.pk, observation.supervisor_id],
                teacher_actor,
                N.OBSERVATION_CLARIFICATION,
                params,
                observation,
            )
        if state == ObservationState.FINAL:
            notes += self._notes(teachers, self.kepala.pk, N.OBSERVATION_FINALISED, params, observation)
        return notes

    def _follow_up_notes(self, sheet: DemoSheet) -> list[Note]:
        follow_up = sheet.follow_up
        teachers = self.user_ids.get(follow_up.teacher_id, [])
        actor = sheet.observation.supervisor_id
        params = {"kind": follow_up.kind, "deadline": follow_up.deadline.isoformat()}
        notes = self._notes(teachers, actor, N.FOLLOW_UP_PLANNED, params, follow_up)
        if follow_up.status == FollowUpStatus.CLOSED:
            notes += self._notes(teachers, actor, N.FOLLOW_UP_CLOSED, {"kind": follow_up.kind}, follow_up)
        return notes

    @staticmethod
    def _notes(user_ids, actor_id, kind: str, params: dict, matter) -> list[Note]:
        """As `madrasah.workflow.notify`: each user once, never the person who acted."""
        return [Note(u, kind, dict(params), matter) for u in sorted({u for u in user_ids if u and u != actor_id})]


def _active_user_ids(madrasah) -> dict[int, list[int]]:
    """Each staff member's active accounts (whom a notice about their own record goes to)."""
    user_ids: dict[int, list[int]] = {}
    for staff_id, user_id in Membership.objects.filter(madrasah=madrasah, is_active=True).values_list(
        "staff_id", "user_id"
    ):
        user_ids.setdefault(staff_id, []).append(user_id)
    return user_ids
