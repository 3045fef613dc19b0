"""State transitions of an observation: submit, acknowledge, clarify, finalise (one or many), reopen,
and the hourly "deemed received" (the states: `rules`).

Every transition is one `@transaction.atomic` service that checks the person and the state, then
claims the row (`madrasah.workflow.claim`, with the observation's own stale message): zero rows means
someone else moved it first, and nothing is written. Each writes an `ObservationEvent` and notifies
the people concerned (notification texts never carry a score). Every move marks done the notices
about the observation's previous state (`notices_done`): they asked for the move just made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, Membership, Role, User
from madrasah.notifications import Note, notices_done, notices_done_of, notify_many
from madrasah.workflow import (
    claim,
    clean_text,
    holds,
    is_staff_user,
    locked,
    notify,
    record_event,
    role_user_ids,
    staff_user_ids,
)

from ...models import Observation, ObservationEvent
from .. import notices as N
from ..rules import ACKNOWLEDGEABLE, CLARIFIABLE, FINALISABLE, S, acknowledge_deadline, names
from .observations import observation_rescore


def _stale() -> str:
    return _("Someone else changed this observation meanwhile. Reload the page and try again.")


@transaction.atomic
def observation_submit(*, observation: Observation, user: User) -> Observation:
    """Draft → submitted, by the supervisor, once every applicable item is scored.

    Stores the final score, sets `submitted_at`, clears the previous round's response (kept in the
    history), writes a "submitted" event and notifies the teacher. A retry after success is refused
    (the record is no longer a draft).
    """
    current = locked(Observation, observation.pk)
    if current.supervisor_id != user.pk:
        raise ApplicationError(_("Only the supervisor submits this observation."))
    if current.state != S.DRAFT:
        raise ApplicationError(_("Only a draft can be submitted."))
    result = observation_rescore(observation=observation)
    missing = result.applicable - result.scored
    if missing or result.applicable == 0:
        raise ApplicationError(
            ngettext(
                "%(count)s item is not scored yet. Score every item before submitting.",
                "%(count)s items are not scored yet. Score every item before submitting.",
                missing,
            )
            % {"count": missing}
            if missing
            else _("There is nothing to score in this instrument.")
        )
    claim(
        observation,
        expected=S.DRAFT,
        stale=_stale(),
        state=S.SUBMITTED,
        submitted_at=timezone.now(),
        acknowledged_at=None,
        teacher_response="",
        clarification_request="",
        finalised_at=None,
        finalised_by=None,
    )
    record_event(ObservationEvent, observation, actor=user, action="submitted")
    notices_done(observation)
    notify(
        observation.madrasah,
        staff_user_ids(observation.teacher_id),
        N.OBSERVATION_SUBMITTED,
        observation,
        params=names(observation),
        actor=user,
    )
    return observation


@transaction.atomic
def observation_acknowledge(*, observation: Observation, user: User, response: str = "") -> Observation:
    """The observed teacher confirms they *received* the result (not that they agree), with an
    optional response. Allowed while submitted, after a clarification request (the talk took place)
    and after it was deemed received (a late answer is still recorded). Notifies the supervisor."""
    if not is_staff_user(user, observation.teacher_id):
        raise ApplicationError(_("Only the observed teacher confirms receiving this result."))
    response = clean_text(response)
    current = Observation.objects.values_list("state", flat=True).get(pk=observation.pk)
    if current not in ACKNOWLEDGEABLE:
        raise ApplicationError(_("This result cannot be acknowledged in its current state."))
    claim(
        observation,
        expected=current,
        stale=_stale(),
        state=S.ACKNOWLEDGED,
        acknowledged_at=timezone.now(),
        teacher_response=response,
    )
    record_event(ObservationEvent, observation, actor=user, action="acknowledged", note=response)
    notices_done(observation)
    notify(
        observation.madrasah,
        [observation.supervisor_id],
        N.OBSERVATION_ACKNOWLEDGED,
        observation,
        params=names(observation),
        actor=user,
    )
    return observation


@transaction.atomic
def observation_request_clarification(*, observation: Observation, user: User, text: str) -> Observation:
    """The observed teacher asks for clarification or a re-observation (text required). The Kepala
    and the supervisor are notified; the Kepala sees the request before finalising."""
    if not is_staff_user(user, observation.teacher_id):
        raise ApplicationError(_("Only the observed teacher asks for clarification of this result."))
    text = clean_text(text, required_message=_("Write what you would like clarified."))
    current = Observation.objects.values_list("state", flat=True).get(pk=observation.pk)
    if current not in CLARIFIABLE:
        raise ApplicationError(_("Clarification can no longer be requested for this result."))
    claim(observation, expected=current, stale=_stale(), state=S.CLARIFICATION, clarification_request=text)
    record_event(ObservationEvent, observation, actor=user, action="clarification_requested", note=text)
    notices_done(observation)
    notify(
        observation.madrasah,
        [*role_user_ids(observation.madrasah_id, Role.KEPALA), observation.supervisor_id],
        N.OBSERVATION_CLARIFICATION,
        observation,
        params=names(observation),
        actor=user,
    )
    return observation


@transaction.atomic
def observation_finalise(
    *, observation: Observation, user: User, confirm_clarification: bool = False, now: dt.datetime | None = None
) -> Observation:
    """The Kepala makes a result final. Which states may be finalised:

    - received (diterima) and deemed received (dianggap): yes;
    - clarification requested: only with `confirm_clarification` (the Kepala has read the request
      and decides the result stands);
    - submitted: only once the madrasah's acknowledge_days have passed; the record is then first
      deemed received (as the hourly task would do), then finalised. Before that the teacher still
      has time to respond, and it is refused;
    - draft and final: refused.

    Where the Kepala was the supervisor, the event is "finalised_own". Notifies the teacher. A retry
    after success is refused (already final).
    """
    if not holds(user, observation.madrasah_id, Role.KEPALA):
        raise ApplicationError(_("Only the Kepala Madrasah finalises results."))
    now = now or timezone.now()
    stored = Observation.objects.select_related("madrasah").get(pk=observation.pk)
    current = stored.state
    if current not in FINALISABLE:
        raise ApplicationError(
            _("This result is already final.") if current == S.FINAL else _("A draft cannot be finalised.")
        )
    if current == S.CLARIFICATION and not confirm_clarification:
        raise ApplicationError(
            _("The teacher asked for clarification. Confirm that you have read the request to finalise anyway.")
        )
    if current == S.SUBMITTED:
        deadline = acknowledge_deadline(stored)
        if deadline > now:
            raise ApplicationError(
                _("The teacher has until %(date)s to respond; finalise after that or once they have responded.")
                % {"date": date_format(timezone.localtime(deadline), "j F Y H:i")}
            )
        claim(observation, expected=S.SUBMITTED, stale=_stale(), state=S.DEEMED_ACKNOWLEDGED)
        record_event(ObservationEvent, observation, actor=None, action="deemed_acknowledged")
        current = S.DEEMED_ACKNOWLEDGED
    claim(observation, expected=current, stale=_stale(), state=S.FINAL, finalised_at=now, finalised_by=user)
    own = observation.supervisor_id == user.pk
    record_event(ObservationEvent, observation, actor=user, action="finalised_own" if own else "finalised")
    notices_done(observation)
    notify(
        observation.madrasah,
        staff_user_ids(observation.teacher_id),
        N.OBSERVATION_FINALISED,
        observation,
        params=names(observation),
        actor=user,
    )
    return observation


@dataclass
class BulkResult:
    finalised: list[Observation] = field(default_factory=list)
    refused: list[tuple[Observation, str]] = field(default_factory=list)


def observations_finalise(
    *, madrasah: Madrasah, user: User, pks: list[int], confirmed: set[int] | frozenset = frozenset()
) -> BulkResult:
    """Finalise several results of `madrasah` from the semester recap ("Finalkan terpilih").

    Each observation is finalised in its own transaction by `observation_finalise` (its rules and
    messages hold one by one): a refused one leaves the others finalised, and the result says which
    and why. `confirmed` lists the observations with a clarification request whose confirmation box
    the Kepala ticked. Safe to retry: already final ones come back as refused.
    """
    result = BulkResult()
    observations = (
        Observation.objects.filter(madrasah=madrasah, pk__in=pks)
        .select_related("madrasah", "teacher", "instrument_version__instrument")
        .order_by("teacher__name", "pk")
    )
    for observation in observations:
        try:
            observation_finalise(observation=observation, user=user, confirm_clarification=observation.pk in confirmed)
        except ApplicationError as error:
            result.refused.append((observation, error.message))
        else:
            result.finalised.append(observation)
    return result


@transaction.atomic
def observation_reopen(*, observation: Observation, user: User, reason: str) -> Observation:
    """The Kepala sends a result (final or on its way there) back to draft, with a required reason:
    the supervisor corrects it and submits again, and the teacher acknowledges again. Clears the
    submission, acknowledgement and finalisation times (the history keeps them), writes a
    "reopened" event with the reason and notifies the supervisor."""
    if not holds(user, observation.madrasah_id, Role.KEPALA):
        raise ApplicationError(_("Only the Kepala Madrasah reopens results."))
    reason = clean_text(reason, required_message=_("Give the reason for reopening."))
    current = Observation.objects.values_list("state", flat=True).get(pk=observation.pk)
    if current == S.DRAFT:
        raise ApplicationError(_("This observation is already a draft."))
    claim(
        observation,
        expected=current,
        stale=_stale(),
        state=S.DRAFT,
        submitted_at=None,
        acknowledged_at=None,
        finalised_at=None,
        finalised_by=None,
    )
    record_event(ObservationEvent, observation, actor=user, action="reopened", note=reason)
    notices_done(observation)
    notify(
        observation.madrasah,
        [observation.supervisor_id],
        N.OBSERVATION_REOPENED,
        observation,
        params=names(observation),
        actor=user,
    )
    return observation


@transaction.atomic
def observations_deem_acknowledged(*, now: dt.datetime | None = None) -> int:
    """Submitted results left unanswered for the madrasah's acknowledge_days become "deemed
    received" (dianggap diterima). Per madrasah, one conditional bulk UPDATE (state still submitted,
    submitted before the cut-off) on the rows it selected, one INSERT of events, notifications to the
    teachers. Returns how many changed. Idempotent: a second run finds nothing to do."""
    now = now or timezone.now()
    changed = 0
    # A madrasah taken off the installation is left as it was: nobody there can answer meanwhile.
    for madrasah in Madrasah.objects.filter(is_active=True, observations__state=S.SUBMITTED).distinct():
        cutoff = now - dt.timedelta(days=madrasah.acknowledge_days)
        due = Observation.objects.filter(madrasah=madrasah, state=S.SUBMITTED, submitted_at__lte=cutoff)
        # Lock the rows (PostgreSQL) so a teacher acknowledging at this moment waits, then finds the
        # state changed; SQLite runs writers one at a time anyway.
        pks = list(due.select_for_update().values_list("pk", flat=True))
        if not pks:
            continue
        Observation.objects.filter(pk__in=pks, state=S.SUBMITTED).update(state=S.DEEMED_ACKNOWLEDGED)
        ObservationEvent.objects.bulk_create(
            [ObservationEvent(observation_id=pk, action="deemed_acknowledged") for pk in pks]
        )
        rows = Observation.objects.filter(pk__in=pks).select_related("instrument_version__instrument", "teacher")
        members = Membership.objects.filter(staff__observations__pk__in=pks, is_active=True)
        teachers = dict(members.values_list("staff_id", "user_id"))
        notices_done_of(Observation, pks, N.OBSERVATION_SUBMITTED)
        notify_many(
            madrasah=madrasah,
            notes=[
                Note(teachers[o.teacher_id], N.OBSERVATION_DEEMED, names(o), o)
                for o in rows
                if o.teacher_id in teachers
            ],
        )
        changed += len(pks)
    return changed
