"""Shared by the workflow services: who holds which role, notifying, text checks, claiming a row,
and the names and values shown in the histories of observations and appraisals."""

from __future__ import annotations

from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, Membership, Role, User
from madrasah.notifications import notify_many

from ..models import Observation, ObservationEvent, ObservationState

S = ObservationState
MAX_TEXT = 5000
# States in which the teacher has seen the result: follow-ups may be planned from then on.
REVIEWED_STATES = (S.SUBMITTED, S.ACKNOWLEDGED, S.CLARIFICATION, S.DEEMED_ACKNOWLEDGED, S.FINAL)
ACKNOWLEDGEABLE = (S.SUBMITTED, S.CLARIFICATION, S.DEEMED_ACKNOWLEDGED)
CLARIFIABLE = (S.SUBMITTED, S.DEEMED_ACKNOWLEDGED)
FINALISABLE = (S.ACKNOWLEDGED, S.DEEMED_ACKNOWLEDGED, S.CLARIFICATION, S.SUBMITTED)


def holds(user: User, madrasah_id: int, *roles: str) -> bool:
    return Membership.objects.filter(user=user, madrasah_id=madrasah_id, is_active=True, roles__role__in=roles).exists()


def is_teacher(user: User, observation: Observation) -> bool:
    return Membership.objects.filter(user=user, staff_id=observation.teacher_id, is_active=True).exists()


def teacher_user_ids(staff_id: int) -> list[int]:
    return list(Membership.objects.filter(staff_id=staff_id, is_active=True).values_list("user_id", flat=True))


def kepala_user_ids(madrasah_id: int) -> list[int]:
    return list(
        Membership.objects.filter(madrasah_id=madrasah_id, is_active=True, roles__role=Role.KEPALA)
        .values_list("user_id", flat=True)
        .distinct()
    )


def notify(madrasah: Madrasah, user_ids, text: str, url: str, *, actor: User | None = None) -> None:
    """Notify each user once, never the person who acted."""
    ids = {u for u in user_ids if u and (actor is None or u != actor.pk)}
    notify_many(madrasah=madrasah, notes=[(u, text, url) for u in sorted(ids)])


def clean_text(value: str | None, *, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if "\x00" in text:  # no keyboard types it; PostgreSQL refuses it with a server error
        raise ApplicationError(_("The text contains a NUL character, which is not allowed. Remove it and try again."))
    if required_message and not text:
        raise ApplicationError(required_message)
    if len(text) > MAX_TEXT:
        raise ApplicationError(_("The text is too long (at most %(max)s characters).") % {"max": MAX_TEXT})
    return text


def claim(observation: Observation, expected: str, **values) -> None:
    """Move the observation out of `expected`; refuse if someone else moved it first."""
    if not Observation.objects.filter(pk=observation.pk, state=expected).update(**values):
        raise ApplicationError(_("Someone else changed this observation meanwhile. Reload the page and try again."))
    for name, value in values.items():
        setattr(observation, name, value)


def event(observation: Observation, actor: User | None, action: str, note: str = "") -> None:
    ObservationEvent.objects.create(observation=observation, actor=actor, action=action, note=note)


def display_names(madrasah_id: int, user_ids: set[int]) -> dict[int, str]:
    """User id → the name to show in a history: the staff record's name with titles, else the login."""
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
    members = Membership.objects.filter(madrasah_id=madrasah_id, user_id__in=user_ids, staff__isnull=False)
    for member in members.select_related("staff"):
        names[member.user_id] = member.staff.full_name
    return names


def history_rows(
    events: list, *, madrasah_id: int, labels: dict, change_line, extra_user_ids: set[int] | frozenset = frozenset()
) -> list[dict]:
    """A record's events as the history partial (`kompetensi/_history.html`) shows them: when, who (by
    name, `display_names`: one query), what (`labels` of the action) and each change as one line,
    `change_line(change, people)`, with the note. `extra_user_ids`: users named inside the changes."""
    user_ids = {e.actor_id for e in events if e.actor_id} | set(extra_user_ids)
    people = display_names(madrasah_id, user_ids)
    return [
        {
            "event": event,
            "actor": people.get(event.actor_id, _("System")),
            "label": labels.get(event.action, event.action),
            "changes": [change_line(c, people) for c in event.changes or [] if isinstance(c, dict)],
            "note": event.note,
        }
        for event in events
    ]


def shorten(value) -> str:
    """A value of a history line: a dash when empty, at most 60 characters."""
    text = "–" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def names(observation: Observation) -> dict:
    return {"instrument": observation.instrument_version.instrument.name, "teacher": observation.teacher.full_name}
