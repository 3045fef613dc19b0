"""Account events as people read them: composed when shown, in the reader's language, from the values
the event stored (roles, fields, a decree), never from stored sentences."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import AccountEvent, AccountEventKind, Role, Staff


def _role_labels(codes) -> str:
    return ", ".join(str(Role(c).label) if c in Role.values else c for c in codes)


def _field_label(name: str) -> str:
    try:
        return str(Staff._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001  (a field removed since the event: show its name)
        return name


def _value(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    try:
        field = Staff._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return str(value)
    if field.choices:
        flat = dict(field.flatchoices)
        return str(flat.get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def person_name(user, staff=None) -> str:
    if user is not None and user.is_superuser:
        return _("Installation administrator")
    if staff is not None:
        return staff.full_name
    if user is None:
        return "—"
    return user.get_full_name() or user.username


def event_details(event: AccountEvent) -> list[str]:
    """The lines that say what changed."""
    data = event.data or {}
    lines = []
    if data.get("added"):
        lines.append(_("Roles given: %(roles)s") % {"roles": _role_labels(data["added"])})
    if data.get("removed"):
        lines.append(_("Roles taken away: %(roles)s") % {"roles": _role_labels(data["removed"])})
    if event.kind in (AccountEventKind.INVITED, AccountEventKind.INVITATION_ACCEPTED) and data.get("roles"):
        lines.append(_("Roles: %(roles)s") % {"roles": _role_labels(data["roles"])})
    for name, (old, new) in (data.get("changes") or {}).items():
        lines.append(f"{_field_label(name)}: {_value(name, old)} → {_value(name, new)}")
    if event.kind == AccountEventKind.KEPALA_APPOINTED:
        decree_date = date_format(dt.date.fromisoformat(data["decree_date"]), "j F Y")
        lines.append(
            (
                _("Acting Kepala (Plt.), decree %(number)s of %(date)s")
                if data.get("acting")
                else _("Kepala, decree %(number)s of %(date)s")
            )
            % {"number": data.get("decree_number", ""), "date": decree_date}
        )
    if event.kind == AccountEventKind.KEPALA_ENDED and data.get("ended_on"):
        lines.append(_("Until %(date)s") % {"date": date_format(dt.date.fromisoformat(data["ended_on"]), "j F Y")})
    return lines


def event_rows(events) -> list[dict]:
    """One row per event: when, who acted, whose account or record, what happened and the details."""
    return [
        {
            "at": event.at,
            "actor": person_name(event.actor),
            "whom": person_name(event.user, event.staff),
            "what": event.get_kind_display(),
            "details": event_details(event),
            "madrasah": getattr(event, "madrasah", None),
        }
        for event in events
    ]
