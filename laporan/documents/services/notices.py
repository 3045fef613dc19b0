"""Telling people that a report is ready: in the app (the bell), and by email for those with an
address (`madrasah.notifications`: sent after the commit, with the absolute link). The link opens the
download through the protected view, which checks access again; the text names the document and its
period, never a score.

Who is told: whoever asked for the report and, for a report the madrasah's schedule asked for, every
active Kepala — each only while they may still read that document. A scheduled report whose build
failed is told to the Kepala too (nobody is watching its progress), with a link to "try again".
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Membership, Notification, Role
from madrasah.notifications import notify_many

from ...models import Report
from ..rules import document_kind
from ..selectors import may_read, period_resolve


def _names(report: Report) -> tuple[str, str]:
    """(the document's title, the period's label), in the active language."""
    kind = document_kind(report.kind)
    label = str(kind.label) if kind else report.kind
    try:
        period = period_resolve(madrasah=report.madrasah, period_kind=kind.period, key=report.period).label
    except (ApplicationError, AttributeError, ValueError):
        period = report.period
    return label, period


def report_ready_text(*, report: Report) -> str:
    """“Rekap Supervisi Semester, 2026/2027 Ganjil, siap diunduh.” in the product's language."""
    with translation.override(settings.LANGUAGE_CODE):
        label, period = _names(report)
        if report.teacher_id:
            return _("%(document)s of %(teacher)s, %(period)s, is ready to download.") % {
                "document": label,
                "teacher": report.teacher.full_name,
                "period": period,
            }
        return _("%(document)s, %(period)s, is ready to download.") % {"document": label, "period": period}


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
    download. Called by the builder inside the transaction that marks the report done, once per
    build; not idempotent on its own (a second call notifies twice)."""
    users = report_recipients(report=report)
    if not users:
        return []
    text = report_ready_text(report=report)
    url = reverse("laporan:report-download", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):  # the email's subject too, whoever built it
        return notify_many(madrasah=report.madrasah, notes=[(user_id, text, url) for user_id in users])


def report_failed_notify(*, report: Report) -> list[Notification]:
    """Tell the Kepala that a report the schedule asked for could not be built, with a link to it on
    the reports page (where "try again" is). Nothing for a report someone asked for themselves. Called
    inside the transaction that records the failure; not idempotent on its own."""
    if not report.scheduled:
        return []
    users = report_recipients(report=report, requester=False)
    if not users:
        return []
    url = reverse("laporan:report-list") + f"#report-{report.pk}"
    with translation.override(settings.LANGUAGE_CODE):
        label, period = _names(report)
        text = _("%(document)s, %(period)s, could not be built: try again on the reports page.") % {
            "document": label,
            "period": period,
        }
        return notify_many(madrasah=report.madrasah, notes=[(user_id, text, url) for user_id in users])
