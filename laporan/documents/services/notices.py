"""Telling people that a report is ready: in the app (the bell), and by email for those with an
address (`madrasah.notifications`: sent after the commit, with the absolute link). The link opens the
download through the protected view, which checks access again; the text names the document and its
period, never a score.

Who is told: whoever asked for the report and, for a report the madrasah's schedule asked for, every
active Kepala — each only while they may still read that document. A scheduled report whose build
failed is told to the Kepala too (nobody is watching its progress), with a link to "try again".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from madrasah.models import Membership, Notification, Role, SemesterKind
from madrasah.notifications import Note, notice_kind, notices_done, notify_many

from ...models import Report
from ..rules import document_kind
from ..selectors import MONTH_KEY, SEMESTER_KEY, YEAR_KEY, may_read

DOCUMENTS = gettext_noop("Documents")


def document_label(code) -> str:
    """A stored document kind code as its title in the reader's language."""
    kind = document_kind(str(code))
    return str(kind.label) if kind else str(code)


def period_label(key) -> str:
    """A stored period key (`2025-2026-genap`, `2025-2026`, `2026-11`) as people read it, without
    the database: the key names the period."""
    key = str(key)
    if match := SEMESTER_KEY.match(key):
        return f"{match[1]}/{match[2]} {dict(SemesterKind.choices).get(match[3], match[3])}"
    if match := YEAR_KEY.match(key):
        return _("Academic year %(year)s") % {"year": f"{match[1]}/{match[2]}"}
    if (match := MONTH_KEY.match(key)) and 1 <= int(match[2]) <= 12:
        return formats.date_format(dt.date(int(match[1]), int(match[2]), 1), "F Y")
    return key


FORMATS = {"document": document_label, "period": period_label}
REPORT_READY = notice_kind(
    "report_ready",
    gettext_noop("%(document)s, %(period)s, is ready to download."),
    group=DOCUMENTS,
    action=True,
    formats=FORMATS,
)
REPORT_READY_TEACHER = notice_kind(
    "report_ready_teacher",
    gettext_noop("%(document)s of %(teacher)s, %(period)s, is ready to download."),
    group=DOCUMENTS,
    action=True,
    formats=FORMATS,
)
REPORT_FAILED = notice_kind(
    "report_failed",
    gettext_noop("%(document)s, %(period)s, could not be built: try again on the reports page."),
    group=DOCUMENTS,
    action=True,
    formats=FORMATS,
)
READY_KINDS = (REPORT_READY, REPORT_READY_TEACHER)


def _params(report: Report) -> dict:
    params = {"document": report.kind, "period": report.period}
    if report.teacher_id:
        params["teacher"] = report.teacher.full_name
    return params


def report_recipients(*, report: Report, requester: bool = True) -> list[int]:
    """User ids to tell: the requester (unless `requester` is False) and, when scheduled, the Kepala;
    only those who may read the document."""
    kind = document_kind(report.kind)
    if kind is None:
        return []
    wanted = Q(pk__in=[])
    if requester and report.requested_by_id:
        wanted |= Q(user_id=report.requested_by_id)
    if report.scheduled:
        wanted |= Q(roles__role=Role.KEPALA)
    members = (
        Membership.objects.filter(wanted, madrasah_id=report.madrasah_id, is_active=True, user__is_active=True)
        .prefetch_related("roles")
        .distinct()
        .order_by("user_id")
    )
    return [m.user_id for m in members if may_read(m, kind, report.teacher_id)]


def report_ready_notify(*, report: Report) -> list[Notification]:
    """Notify who should know that `report` is ready (see the module docstring), with a link to its
    download; the notices of its previous build or failure are done. Called by the builder inside the
    transaction that marks the report done, once per build; not idempotent on its own (a second call
    notifies twice)."""
    notices_done(report)
    users = report_recipients(report=report)
    if not users:
        return []
    kind = REPORT_READY_TEACHER if report.teacher_id else REPORT_READY
    url = reverse("laporan:report-download", args=[report.pk])
    return notify_many(madrasah=report.madrasah, notes=[Note(u, kind, _params(report), report, url) for u in users])


def report_downloaded(*, report: Report, user_id: int) -> int:
    """The reader downloaded the document: their "ready to download" notices of it are done."""
    return notices_done(report, *READY_KINDS, user_ids=[user_id])


def report_failed_notify(*, report: Report) -> list[Notification]:
    """Tell the Kepala that a report the schedule asked for could not be built, with a link to it on
    the reports page (where "try again" is). Nothing for a report someone asked for themselves. Called
    inside the transaction that records the failure; not idempotent on its own."""
    if not report.scheduled or not report.madrasah.is_active:
        return []  # nobody works in an inactive madrasah: a notice would wait for no one
    users = report_recipients(report=report, requester=False)
    if not users:
        return []
    notices_done(report, REPORT_FAILED)
    url = reverse("laporan:report-list") + f"#report-{report.pk}"
    notes = [Note(u, REPORT_FAILED, _params(report), report, url) for u in users]
    return notify_many(madrasah=report.madrasah, notes=notes)
