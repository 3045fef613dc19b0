"""The access log of teachers' personal data (UU PDP, Law 27/2022): who opened which teacher's record,
appraisal, supervision sheet or document, and when.

Views call `access_log_record` right after their access helper let the member in: one INSERT, no
read. A teacher opening their own data is not recorded (it would bury the entries that matter: other
people's openings); the one exception is the personal-data download, recorded always, so the Kepala can
show when a data subject's request was met. The Kepala reads the madrasah's log
(`madrasah:access-log`); a teacher reads the entries about them on "Data saya" (laporan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import AccessKind, AccessLog, Madrasah, Membership

WHAT_MAX = AccessLog._meta.get_field("what").max_length
PATH_MAX = AccessLog._meta.get_field("path").max_length


def _entry(*, viewer: Membership, teacher_id: int, kind: str, what: str, path: str) -> AccessLog:
    return AccessLog(
        madrasah_id=viewer.madrasah_id,
        user_id=viewer.user_id,
        staff_id=teacher_id,
        kind=kind,
        what=str(what)[:WHAT_MAX],
        path=path[:PATH_MAX],
    )


def _is_logged(viewer: Membership, teacher_id: int, kind: str) -> bool:
    return kind == AccessKind.EXPORT or viewer.staff_id != teacher_id


def access_log_record(*, viewer: Membership, teacher_id: int, kind: str, what: str, path: str = "") -> AccessLog | None:
    """Record that `viewer` opened personal data of the teacher `teacher_id` (of the viewer's
    madrasah: the caller's access helper checked that). The teacher's own openings are skipped, except
    the personal-data download. One INSERT; not idempotent: a retry records a second opening."""
    if not _is_logged(viewer, teacher_id, kind):
        return None
    entry = _entry(viewer=viewer, teacher_id=teacher_id, kind=kind, what=what, path=path)
    entry.save(force_insert=True)
    return entry


def access_log_record_many(
    *, viewer: Membership, teacher_ids: Iterable[int], kind: str, what: str, path: str = ""
) -> list[AccessLog]:
    """One opening of several teachers' data at once (the yearly bundle): one INSERT for all."""
    entries = [
        _entry(viewer=viewer, teacher_id=pk, kind=kind, what=what, path=path)
        for pk in dict.fromkeys(teacher_ids)
        if _is_logged(viewer, pk, kind)
    ]
    return AccessLog.objects.bulk_create(entries) if entries else []


def access_log_list(
    *,
    madrasah: Madrasah,
    teacher_id: int | None = None,
    actor_id: int | None = None,
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLog]:
    """The madrasah's log, newest first, with the actor's name (`actor_name`, from their staff record
    at this madrasah; a pengawas has none: show `user`); each filter is optional, the dates inclusive (Asia/Jakarta)."""
    entries = AccessLog.objects.filter(madrasah=madrasah)
    if teacher_id:
        entries = entries.filter(staff_id=teacher_id)
    if actor_id:
        entries = entries.filter(user_id=actor_id)
    if kind in AccessKind.values:
        entries = entries.filter(kind=kind)
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=zone))
    if date_to:
        entries = entries.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    actor = Membership.objects.filter(user_id=OuterRef("user_id"), madrasah_id=OuterRef("madrasah_id"))
    return (
        entries.select_related("staff", "user")
        .annotate(actor_name=Subquery(actor.values("staff__name")[:1]))
        .order_by("-at", "-pk")
    )
