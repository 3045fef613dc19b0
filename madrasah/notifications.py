"""Writes for in-app notifications: a short text and a link, never a score (the page behind the link
checks access as usual). The unread badge reads `Notification` rows of the current madrasah.

A user with an email address also gets the text by email, sent only after the transaction commits
(a rolled-back action mails nobody), with an absolute link built from `settings.SITE_URL`. Most
teachers have no email: for them the sender may share a WhatsApp link (`whatsapp_share_url`) that
carries a short message and the login address, never a score.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from urllib.parse import quote

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Madrasah, Notification, User

logger = logging.getLogger(__name__)

TEXT_LIMIT = Notification._meta.get_field("text").max_length
URL_LIMIT = Notification._meta.get_field("url").max_length


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _notification(*, user: User | int, madrasah: Madrasah, text: str, url: str) -> Notification:
    user_id = user if isinstance(user, int) else user.pk
    return Notification(user_id=user_id, madrasah=madrasah, text=_shorten(text, TEXT_LIMIT), url=url[:URL_LIMIT])


def notification_create(*, user: User | int, madrasah: Madrasah, text: str, url: str = "") -> Notification:
    """Create one unread notification for `user` in `madrasah`. Too long a text is shortened with “…”.
    Not idempotent: a retry notifies twice."""
    notification = _notification(user=user, madrasah=madrasah, text=text, url=url)
    notification.save()
    _email_after_commit([notification])
    return notification


def notify_many(*, madrasah: Madrasah, notes: Iterable[tuple[User | int, str, str]]) -> list[Notification]:
    """Create one notification per `(user or user id, text, url)` in `notes`, in one INSERT.

    Callers inside a transaction get the rows rolled back with it. Not idempotent: a retry notifies
    twice."""
    rows = [_notification(user=user, madrasah=madrasah, text=text, url=url) for user, text, url in notes]
    created = Notification.objects.bulk_create(rows) if rows else []
    _email_after_commit(created)
    return created


def absolute_url(path: str) -> str:
    """`path` on the public site (`SITE_URL`), for links that leave the browser: emails, WhatsApp."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def _email_after_commit(notifications: list[Notification]) -> None:
    """Mail each notification to its user if they have an address, once the transaction commits.
    One query for the addresses; nothing at all when no recipient has one."""
    if not notifications:
        return
    emails = dict(
        User.objects.filter(pk__in={n.user_id for n in notifications}, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    messages = [(emails[n.user_id], n.text, n.url) for n in notifications if n.user_id in emails]
    if messages:
        subject = _("Mutu Madrasah: new notification")
        login = absolute_url("/masuk/")
        letters = [
            (address, text, f"{text}\n\n{absolute_url(url) if url else login}\n") for address, text, url in messages
        ]
        transaction.on_commit(lambda: _send(subject, letters))


def _send(subject: str, letters: list[tuple[str, str, str]]) -> None:
    # After the commit the action has happened: a mail server that is down must not turn it into an
    # error page. The in-app notification is there anyway.
    for address, _text, body in letters:
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
