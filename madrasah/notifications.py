"""In-app notifications: what happened (a registered `kind`), about which record (the matter), for
whom, with a link; never a score (the page behind the link checks access as usual). The unread
badge reads `Notification` rows of the current madrasah.

Nothing displayed is stored as display text: a notice stores its kind and the values its sentence
needs (`params`: names, codes, ISO dates); `notification_message` composes the sentence through
gettext when it is shown, in the reader's language. Each app registers its kinds
(`notice_kind`) next to the services that send them, with the sentence, the group heading of the
list and whether the notice asks the reader to act.

The action that deals with a matter marks its notices done (`notices_done`): the teacher's "result
awaits your confirmation" once she confirms, the Kepala's "programme awaits approval" once it is
approved. A done notice no longer counts as unread. The workflow kernel does this on every move of
a record: a new state supersedes what was announced about the previous one.

A user with an email address also gets the sentence by email, composed and sent only after the
transaction commits (a rolled-back action mails nobody), with an absolute link built from
`settings.SITE_URL`. Most teachers have no email: for them the sender may share a WhatsApp link
(`whatsapp_share_url`) that carries a short message and the login address, never a score.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Madrasah, Notification, User

logger = logging.getLogger(__name__)

URL_LIMIT = Notification._meta.get_field("url").max_length


# --- kinds ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeKind:
    """What happened: `text` is an English msgid with `%(name)s` placeholders filled from the
    notice's params (through `formats` where a stored value is a code or a date); `group` the msgid
    of its heading in the list; `action`: the notice asks its reader to do something (it stays
    unread until that is done or read), else it is news."""

    code: str
    text: str
    group: str
    action: bool = False
    formats: Mapping[str, Callable[[object], str]] = field(default_factory=dict)


NOTICE_KINDS: dict[str, NoticeKind] = {}
OTHER_GROUP = gettext_noop("Other notifications")


def notice_kind(
    code: str, text: str, *, group: str, action: bool = False, formats: Mapping[str, Callable] | None = None
) -> str:
    """Register a kind of notice (at import time of the module that sends it); returns its code."""
    NOTICE_KINDS[code] = NoticeKind(code=code, text=text, group=group, action=action, formats=formats or {})
    return code


def format_date(value) -> str:
    """A stored ISO date (`YYYY-MM-DD`) as people read it ("5 Maret 2026")."""
    return date_format(dt.date.fromisoformat(str(value)), "j F Y")


def format_label(choices) -> Callable[[object], str]:
    """A stored code shown by its label in `choices` (a TextChoices), the code itself if unknown."""

    def label(value) -> str:
        return str(dict(choices.choices).get(value, value))

    return label


def notification_message(notification: Notification) -> str:
    """The sentence of a notice in the active language; a row written before kinds keeps its text."""
    kind = NOTICE_KINDS.get(notification.kind)
    if kind is None:
        return notification.text or notification.kind
    params = dict(notification.params or {})
    try:
        for name, formatter in kind.formats.items():
            if name in params:
                params[name] = formatter(params[name])
        return _(kind.text) % params
    except (KeyError, TypeError, ValueError):
        logger.warning("notification %s: parameters do not fit its kind %s", notification.pk, kind.code)
        return notification.text or _(kind.group)


def notification_group(notification: Notification) -> str:
    """The heading the list shows the notice under, in the active language."""
    kind = NOTICE_KINDS.get(notification.kind)
    return _(kind.group) if kind else _(OTHER_GROUP)


# --- writing ----------------------------------------------------------------------------------------------


class Note(NamedTuple):
    """One notice to write: to `user` (or a user id), of `kind`, about `matter` (a saved record, or
    None), with `params` for its sentence and a link (`url`, by default the matter's page)."""

    user: User | int
    kind: str
    params: dict
    matter: models.Model | None = None
    url: str = ""


def _matter_key(matter: models.Model | None) -> tuple[int | None, int | None]:
    if matter is None:
        return None, None
    # ContentType.objects caches the look-up per process: one query the first time only.
    return ContentType.objects.get_for_model(matter, for_concrete_model=False).pk, matter.pk


def _notification(*, madrasah: Madrasah, note: Note) -> Notification:
    if note.kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice kind {note.kind!r}: register it with notice_kind()")
    user_id = note.user if isinstance(note.user, int) else note.user.pk
    type_id, matter_id = _matter_key(note.matter)
    url = note.url or (note.matter.get_absolute_url() if hasattr(note.matter, "get_absolute_url") else "")
    return Notification(
        user_id=user_id,
        madrasah=madrasah,
        kind=note.kind,
        params=note.params,
        matter_type_id=type_id,
        matter_id=matter_id,
        url=url[:URL_LIMIT],
    )


def notification_create(
    *, user: User | int, madrasah: Madrasah, kind: str, params: dict | None = None, matter=None, url: str = ""
) -> Notification:
    """Create one unread notice of `kind` for `user` in `madrasah`. Not idempotent: a retry notifies
    twice."""
    notification = _notification(madrasah=madrasah, note=Note(user, kind, params or {}, matter, url))
    notification.save()
    _email_after_commit([notification])
    return notification


def notify_many(*, madrasah: Madrasah, notes: Iterable[Note]) -> list[Notification]:
    """Create one notice per `Note`, in one INSERT.

    Callers inside a transaction get the rows rolled back with it. Not idempotent: a retry notifies
    twice."""
    rows = [_notification(madrasah=madrasah, note=Note(*note)) for note in notes]
    created = Notification.objects.bulk_create(rows) if rows else []
    _email_after_commit(created)
    return created


def notices_done(
    matter: models.Model, *kinds: str, user_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark done (and read, keeping the first reading time) the open notices about `matter`: of
    `kinds` only when given, of `user_ids` only when given. Returns how many. Idempotent; the caller's
    transaction rolls it back with the action."""
    type_id, matter_id = _matter_key(matter)
    return _done(
        Notification.objects.filter(matter_type_id=type_id, matter_id=matter_id), kinds, user_ids=user_ids, now=now
    )


def notices_done_of(model: type[models.Model], pks: Iterable[int], *kinds: str, now: dt.datetime | None = None) -> int:
    """`notices_done` for many records of `model` at once (one UPDATE)."""
    type_id = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
    return _done(Notification.objects.filter(matter_type_id=type_id, matter_id__in=list(pks)), kinds, now=now)


def _done(rows: QuerySet[Notification], kinds, *, user_ids=None, now=None) -> int:
    rows = rows.filter(done_at__isnull=True)
    if kinds:
        rows = rows.filter(kind__in=kinds)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    now = now or timezone.now()
    return rows.update(done_at=now, read_at=Coalesce(F("read_at"), Value(now)))


def pending_notice_users(matter: models.Model, kind: str) -> set[int]:
    """Users who still have an open notice of `kind` about `matter` (so that a repeated "awaits
    you" is not sent twice)."""
    type_id, matter_id = _matter_key(matter)
    return set(
        Notification.objects.filter(
            matter_type_id=type_id, matter_id=matter_id, kind=kind, done_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def absolute_url(path: str) -> str:
    """`path` on the public site (`SITE_URL`), for links that leave the browser: emails, WhatsApp."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def _email_after_commit(notifications: list[Notification]) -> None:
    """Mail each notice to its user if they have an address, once the transaction commits, with the
    sentence composed then in the product's language. One query for the addresses; nothing at all
    when no recipient has one."""
    if not notifications:
        return
    emails = dict(
        User.objects.filter(pk__in={n.user_id for n in notifications}, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    mailed = [n for n in notifications if n.user_id in emails]
    if mailed:
        transaction.on_commit(lambda: _send(mailed, emails))


def _letters(notifications: list[Notification], emails: dict[int, str]) -> tuple[str, list[tuple[str, str]]]:
    with translation.override(settings.LANGUAGE_CODE):
        login = absolute_url("/masuk/")
        letters = []
        for n in notifications:
            text = notification_message(n)
            letters.append((emails[n.user_id], f"{text}\n\n{absolute_url(n.url) if n.url else login}\n"))
        return _("Mutu Madrasah: new notification"), letters


def _send(notifications: list[Notification], emails: dict[int, str]) -> None:
    # After the commit the action has happened: a mail server that is down must not turn it into an
    # error page. The in-app notification is there anyway.
    subject, letters = _letters(notifications, emails)
    for address, body in letters:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except (smtplib.SMTPException, OSError):
            logger.exception("notification email to user failed")


def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read (idempotent: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def notifications_mark_all_read(*, user: User, madrasah: Madrasah) -> int:
    """Mark every unread notification of `user` in `madrasah` read; returns how many. Idempotent."""
    return Notification.objects.filter(user=user, madrasah=madrasah, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_for(*, user: User, madrasah: Madrasah) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, madrasah=madrasah).order_by("-created_at", "-pk")


def notifications_grouped(notifications: Iterable[Notification]) -> list[dict]:
    """The notices under their group headings: the group of the newest notice first, each group
    newest first (the rows come newest first), with how many of it are unread."""
    groups: dict[str, dict] = {}
    for notification in notifications:
        heading = notification_group(notification)
        group = groups.setdefault(heading, {"heading": heading, "notifications": [], "unread": 0})
        group["notifications"].append(notification)
        group["unread"] += notification.read_at is None
    return list(groups.values())


def unread_count(*, user: User, madrasah: Madrasah) -> int:
    """One COUNT query: the navbar badge."""
    return Notification.objects.filter(user=user, madrasah=madrasah, read_at__isnull=True).count()


def whatsapp_share_url(text: str, *, to: str = "") -> str:
    """A `wa.me` link the user may click to send `text` and the login address through WhatsApp, in a
    chat with `to` (a 628… number the recipient gave on "Akun saya") or, without one, to a chat chosen
    in WhatsApp.

    Callers pass a short message only (never a score, a percentage or a predikat): the message
    leaves the product for a chat app whose screenshots get forwarded."""
    message = f"{text} {absolute_url('/masuk/')}"
    return f"https://wa.me/{to}?text={quote(message, safe='')}"


def whatsapp_number_of(*, staff_id: int) -> str:
    """The WhatsApp number the person of this staff record gave for themselves, or ""."""
    numbers = User.objects.filter(memberships__staff_id=staff_id, is_active=True).values_list("whatsapp", flat=True)
    return numbers.first() or ""


def notification_for_user(membership, pk: int) -> Notification:
    """One of the member's own notifications in this madrasah; anybody else's → 404."""
    return get_object_or_404(Notification, pk=pk, user_id=membership.user_id, madrasah_id=membership.madrasah_id)
