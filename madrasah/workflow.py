"""The one workflow kernel: how a record that moves through states (an observation, a PKG appraisal,
a PDCA cycle, a PKB entry, a good practice) is claimed, moved, recorded, announced and shown.

Every transition service follows the same four steps inside one transaction:

1. read the current state under a row lock (`locked_state`) and check the rule of the record;
2. move the row with a conditional update (`claim`): zero rows means someone else moved it first,
   so a double click, a second tab or a retried task never applies a transition twice;
3. write one history event (`record_event`) saying who did what and which fields changed;
4. mark done the notices about the record's previous state (`notices_done`: the move is the action
   they asked for) and notify the people concerned (`notify`), never the person who acted; a notice
   records its kind and the record, and carries no score.

`transition` does the four steps for the common case. Each record keeps only its own states, rules and
wording; views call one service through `run_transition`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .models import Madrasah, Membership, User
from .notifications import Note, notices_done, notify_many

MAX_TEXT = 5000


# --- who holds what ----------------------------------------------------------------------------------


def holds(user: User, madrasah_id: int, *roles: str) -> bool:
    """Whether `user` holds one of `roles` in an active membership of the madrasah."""
    return Membership.objects.filter(user=user, madrasah_id=madrasah_id, is_active=True, roles__role__in=roles).exists()


def is_staff_user(user: User, staff_id: int) -> bool:
    """Whether `user` is the account of the staff record (the observed or appraised teacher)."""
    return Membership.objects.filter(user=user, staff_id=staff_id, is_active=True).exists()


def staff_user_ids(staff_id: int) -> list[int]:
    """The active accounts of a staff record (the people to notify about their own record)."""
    return list(Membership.objects.filter(staff_id=staff_id, is_active=True).values_list("user_id", flat=True))


def role_user_ids(madrasah_id: int, *roles: str) -> list[int]:
    """The active accounts holding one of `roles` in the madrasah."""
    return list(
        Membership.objects.filter(madrasah_id=madrasah_id, is_active=True, roles__role__in=roles)
        .values_list("user_id", flat=True)
        .distinct()
    )


# --- text the people type ------------------------------------------------------------------------------


def clean_text(
    value: str | None, *, required_message: str | None = None, max_length: int = MAX_TEXT, field: str | None = None
) -> str:
    """A typed note, stripped; refused (at `field`) when it holds a NUL, is required and empty, or is too
    long. PostgreSQL refuses NUL with a server error, and no keyboard types one."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ApplicationError(
            _("The text contains a NUL character, which is not allowed. Remove it and try again."), field=field
        )
    if required_message and not text:
        raise ApplicationError(required_message, field=field)
    if len(text) > max_length:
        too_long = _("The text is too long (at most %(max)s characters).") % {"max": max_length}
        raise ApplicationError(too_long, field=field)
    return text


# --- the four steps ------------------------------------------------------------------------------------


def locked(model: type[models.Model], pk: int, *related: str):
    """The record itself, read under a row lock held until the transaction ends (the caller must be
    inside `transaction.atomic`), with `related` rows joined: for a service that needs more than the
    state (a sheet save reads the version, a revision token)."""
    return model.objects.select_for_update().select_related(*related).get(pk=pk)


def locked_state(model: type[models.Model], pk: int, *, field: str = "state") -> str:
    """The record's current state, read under a row lock held until the transaction ends (the caller
    must be inside `transaction.atomic`)."""
    return model.objects.select_for_update().values_list(field, flat=True).get(pk=pk)


def stale_message() -> str:
    return _("Someone else changed this record meanwhile. Reload the page and try again.")


def claim(obj: models.Model, *, field: str = "state", expected, stale: str | None = None, **values) -> None:
    """Apply `values` to the row only while its `field` is still `expected` (a value or a tuple of
    values), then to `obj`. Refuses with `stale` (or a generic message) when someone else moved it."""
    condition = {f"{field}__in": expected} if isinstance(expected, (tuple, list, set, frozenset)) else {field: expected}
    if not type(obj).objects.filter(pk=obj.pk, **condition).update(**values):
        raise ApplicationError(stale or stale_message())
    for name, value in values.items():
        setattr(obj, name, value)


def record_event(
    event_model: type[models.Model],
    subject: models.Model,
    *,
    actor: User | None,
    action: str,
    changes: list[dict] | None = None,
    note: str = "",
):
    """One history row for `subject` (an event model built on `HistoryEvent`, whose foreign key to the
    subject's model is found by type)."""
    link = next(
        f.name
        for f in event_model._meta.concrete_fields
        if f.is_relation and f.related_model is type(subject) and f.name != "actor"
    )
    return event_model.objects.create(**{link: subject}, actor=actor, action=action, changes=changes or [], note=note)


def notify(
    madrasah: Madrasah,
    user_ids: Iterable[int | None],
    kind: str,
    matter: models.Model,
    *,
    params: dict | None = None,
    url: str = "",
    actor: User | None = None,
):
    """Notify each user once of `kind` about `matter` (link: `url`, else the matter's page), never the
    person who acted."""
    ids = {u for u in user_ids if u and (actor is None or u != actor.pk)}
    notify_many(madrasah=madrasah, notes=[Note(u, kind, params or {}, matter, url) for u in sorted(ids)])


@transaction.atomic
def transition(
    obj: models.Model,
    *,
    field: str = "state",
    expected,
    to: str,
    actor: User | None,
    action: str,
    event_model: type[models.Model] | None = None,
    changes: list[dict] | None = None,
    note: str = "",
    notify_ids: Iterable[int | None] = (),
    notify_kind: str = "",
    notify_params: dict | None = None,
    stale: str | None = None,
    **values,
) -> None:
    """Move `obj` from `expected` to `to` (with other `values`), record the event (when the record
    keeps a history: `event_model`; `changes` defaults to the state change), mark done the notices
    about the record (they announced the state it leaves) and notify `notify_ids` of `notify_kind`
    (with `notify_params`), linking to the record. A retry after success is refused as stale."""
    before = getattr(obj, field)
    claim(obj, field=field, expected=expected, stale=stale, **{field: to}, **values)
    if event_model is not None:
        if changes is None:
            changes = [{"what": field, "from": before, "to": to}]
        record_event(event_model, obj, actor=actor, action=action, changes=changes, note=note)
    notices_done(obj)
    if notify_kind:
        notify(obj.madrasah, notify_ids, notify_kind, obj, params=notify_params, actor=actor)


# --- showing the history ---------------------------------------------------------------------------------


def display_names(madrasah_id: int, user_ids: set[int]) -> dict[int, str]:
    """User id → the name to show in a history: the staff record's name with titles, else the login."""
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
    members = Membership.objects.filter(madrasah_id=madrasah_id, user_id__in=user_ids, staff__isnull=False)
    for member in members.select_related("staff"):
        names[member.user_id] = member.staff.full_name
    return names


def history_rows(
    events: list, *, madrasah_id: int, labels: dict, change_line: Callable, extra_user_ids: Iterable[int] = ()
) -> list[dict]:
    """A record's events as the history partial shows them: when, who (by name, `display_names`: one
    query), what (`labels` of the action) and each change as one line, `change_line(change, people)`,
    with the note. `extra_user_ids`: users named inside the changes."""
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


# --- the view side -----------------------------------------------------------------------------------------


def run_transition(request: HttpRequest, service: Callable, success: str, *, redirect_to, **kwargs) -> HttpResponse:
    """Call one transition service as the signed-in user; its refusal becomes an error message, its
    success `success`; either way back to `redirect_to` (a URL, a model or a URL name)."""
    try:
        service(user=request.user, **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(redirect_to)
