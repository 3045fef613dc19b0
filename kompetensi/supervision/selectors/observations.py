"""Reads of observations: the one score of a sheet, the follow-ups it proposes, and what the
observation page, the recap and the history show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah, Membership, Role, Semester
from madrasah.notifications import whatsapp_number_of, whatsapp_share_url
from madrasah.workflow import history_rows, shorten

from ...access import FOLLOW_UP_MANAGERS
from ...instruments.scoring import InstrumentResult, ItemScore, SectionInput, options_of, score_instrument, shown_score
from ...instruments.selectors import bands_of
from ...models import FollowUp, Item, Observation
from ..rules import ACKNOWLEDGEABLE, CLARIFIABLE, FINALISABLE, REVIEWED_STATES, S, acknowledge_deadline
from .followups import follow_ups_with_overdue


def observation_result(observation: Observation) -> InstrumentResult:
    """The one scoring function applied to an observation's stored scores, with its version's options."""
    version = observation.instrument_version
    scores = {s.item_id: s for s in observation.scores.all()}
    sections = []
    for section in version.sections.prefetch_related("items").order_by("order", "pk"):
        items = []
        for item in section.items.all():
            stored = scores.get(item.pk)
            items.append(
                ItemScore(
                    points=stored.points if stored else None,
                    not_applicable=bool(stored and stored.not_applicable),
                )
            )
        sections.append(SectionInput(section.pk, section.weight, items))
    return score_instrument(
        sections=sections,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        bands=bands_of(version),
        **options_of(version),
    )


def follow_up_proposals(*, observation: Observation) -> list[Item]:
    """Items scored below the version's threshold: the natural agenda for follow-up (RTL)."""
    threshold = Decimal(observation.instrument_version.follow_up_below)
    return [
        s.item
        for s in observation.scores.select_related("item__section").order_by("item__section__order", "item__order")
        if s.points is not None and Decimal(s.points) < threshold
    ]


ACTION_LABELS = {
    "created": gettext_lazy("Started"),
    "saved": gettext_lazy("Saved"),
    "submitted": gettext_lazy("Submitted to the teacher"),
    "acknowledged": gettext_lazy("Received by the teacher"),
    "clarification_requested": gettext_lazy("Clarification requested"),
    "deemed_acknowledged": gettext_lazy("Deemed received (no response in time)"),
    "finalised": gettext_lazy("Finalised"),
    "finalised_own": gettext_lazy("Finalised by the Kepala, who was also the supervisor"),
    "reopened": gettext_lazy("Reopened"),
    "evidence_added": gettext_lazy("Evidence uploaded"),
    "follow_up_created": gettext_lazy("Follow-up planned"),
}


def observation_recap(*, madrasah: Madrasah, semester: Semester) -> QuerySet[Observation]:
    """All observations of a semester: teacher, instrument, state, score and predikat (for the
    Kepala, the Waka and the pengawas). Clarification requests first, so they are seen before
    finalising."""
    return (
        Observation.objects.filter(madrasah=madrasah, row__programme__semester=semester)
        .select_related("teacher", "instrument_version__instrument", "supervisor")
        .annotate(
            has_clarification=Case(
                When(state=S.CLARIFICATION, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-has_clarification", "teacher__name", "instrument_version__instrument__name", "pk")
    )


def observation_recap_rows(
    *, madrasah: Madrasah, semester: Semester, can_finalise: bool, now: dt.datetime | None = None
) -> list[dict]:
    """The recap's rows: each observation with its score written the Indonesian way, whether the
    Kepala may tick it now (ticked already when the teacher has confirmed receipt: nothing is left to
    weigh), whether finalising needs the clarification confirmed, and until when a submitted one waits
    for the teacher."""
    now = now or timezone.now()
    rows = []
    for observation in observation_recap(madrasah=madrasah, semester=semester):
        observation.madrasah = madrasah  # the deadline needs acknowledge_days: no query per row
        deadline = acknowledge_deadline(observation) if observation.state == S.SUBMITTED else None
        finalisable = (
            can_finalise and observation.state in FINALISABLE and not (deadline is not None and deadline > now)
        )
        rows.append(
            {
                "observation": observation,
                "score": shown_score(observation.percentage, observation.instrument_version.band_rounding),
                "finalisable": finalisable,
                "ticked": finalisable and observation.state == S.ACKNOWLEDGED,
                "needs_confirmation": observation.state == S.CLARIFICATION,
                "deadline": deadline,
            }
        )
    return rows


@dataclass
class Actions:
    """What the current member may do on an observation now (drives `_actions.html`)."""

    submit: bool = False
    unscored: int = 0
    respond: bool = False
    clarify: bool = False
    finalise: bool = False
    needs_confirmation: bool = False
    finalise_waits_until: dt.datetime | None = None
    reopen: bool = False
    plan_follow_up: bool = False
    add_evidence: bool = False
    deadline: dt.datetime | None = None
    proposals: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    whatsapp_url: str = ""


def observation_actions(
    *, observation: Observation, membership: Membership, result=None, now: dt.datetime | None = None
) -> Actions:
    now = now or timezone.now()
    state = observation.state
    is_supervisor = observation.supervisor_id == membership.user_id
    is_teacher = membership.staff_id is not None and membership.staff_id == observation.teacher_id
    is_kepala = membership.has_role(Role.KEPALA)
    deadline = acknowledge_deadline(observation)
    actions = Actions(deadline=deadline)
    if is_supervisor and state == S.DRAFT:
        actions.submit = True
        if result is not None:
            actions.unscored = result.applicable - result.scored
    actions.respond = is_teacher and state in ACKNOWLEDGEABLE
    actions.clarify = is_teacher and state in CLARIFIABLE
    if is_kepala and state in FINALISABLE:
        if state == S.SUBMITTED and deadline and deadline > now:
            actions.finalise_waits_until = deadline
        else:
            actions.finalise = True
            actions.needs_confirmation = state == S.CLARIFICATION
    actions.reopen = is_kepala and state != S.DRAFT
    managers = is_supervisor or membership.has_role(*FOLLOW_UP_MANAGERS)
    if managers and state in REVIEWED_STATES:
        actions.plan_follow_up = True
        links = FollowUp.items.through.objects.filter(followup__observation=observation)
        planned = set(links.values_list("item_id", flat=True))
        numbers = item_numbers(observation)
        actions.proposals = [
            (numbers.get(item.pk), item)
            for item in follow_up_proposals(observation=observation)
            if item.pk not in planned
        ]
    actions.add_evidence = (is_supervisor or is_teacher) and state != S.FINAL
    actions.follow_ups = list(follow_ups_with_overdue(observation.follow_ups.all()))
    actions.evidence = list(observation.evidence.order_by("created_at", "pk"))
    if is_supervisor and state in (S.SUBMITTED, S.CLARIFICATION):
        actions.whatsapp_url = whatsapp_share_url(
            _("Assalamu'alaikum. Your supervision result is ready in Mutu Madrasah. Please log in to read it:"),
            to=whatsapp_number_of(staff_id=observation.teacher_id),
        )
    return actions


def item_numbers(observation: Observation) -> dict[int, int]:
    """Item id → its number on the sheet (1, 2, … across sections, in sheet order)."""
    ids = Item.objects.filter(section__version_id=observation.instrument_version_id).order_by(
        "section__order", "section__pk", "order", "pk"
    )
    return {pk: number for number, pk in enumerate(ids.values_list("pk", flat=True), start=1)}


def observation_history(*, observation: Observation, events=None) -> list[dict]:
    """The events as lines to show: who, when, what, and each change "Butir 3: 2 → 3"."""
    events = events if events is not None else observation.events.all()
    events = list(events.select_related("actor") if isinstance(events, QuerySet) else events)
    numbers = item_numbers(observation) if any(e.changes for e in events) else {}

    def change_line(change: dict, people: dict) -> str:
        if change.get("what") == "item":
            number = numbers.get(change.get("item"))
            label = _("Item %(number)s") % {"number": number} if number else _("An item no longer on the sheet")
        else:
            try:
                label = str(Observation._meta.get_field(change.get("what")).verbose_name)
            except FieldDoesNotExist:  # a field renamed since the event was written
                label = str(change.get("what"))
            label = label[:1].upper() + label[1:]
        return f"{label}: {shorten(change.get('from'))} → {shorten(change.get('to'))}"

    return history_rows(events, madrasah_id=observation.madrasah_id, labels=ACTION_LABELS, change_line=change_line)
