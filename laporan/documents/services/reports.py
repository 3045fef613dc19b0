"""Writes of the reports: ask for a document, hand it to the queue, claim it, build it, record a
failure, and sweep up what a dead worker or a down broker left behind.

The life of a `Report` row (the pretix pattern: the row is the state, the queue only carries its id):

    request ──► QUEUED ──claim──► BUILDING ──► DONE
                  ▲                   │
                  └──── retry ◄── FAILED

- `report_request` creates the row (or joins the one queued or building for the same key, or puts a
  done or failed one back in the queue) and enqueues the build after the transaction commits; the
  madrasah's schedule (`laporan.schedules.services`) asks through `report_enqueue`, the same path;
- `report_send` hands the row id to the broker with a short retry policy; a broker that is down
  leaves the row QUEUED with a message, and the page still answers;
- the task (`laporan.tasks.build_report`) claims the row with ONE conditional UPDATE
  (`report_claim`); zero rows means someone else has it, or it is done;
- `report_build` renders, writes the file under a temporary name in the same folder and swaps it
  in with `os.replace`, then marks the row done — again conditionally on its claim — and tells the
  requester (and the Kepala, for a scheduled report) in the same transaction;
- `reports_sweep` (periodic, and when a worker starts) re-sends rows left queued and frees rows
  left BUILDING by a worker that died.

When is a BUILDING row free to be claimed again (a worker died mid-build)? The claim accepts:
1. QUEUED rows;
2. BUILDING rows held by the SAME task id: a Celery retry, or the redelivery of a message whose
   worker died (`acks_late` + `reject_on_worker_lost`: the message goes back to the queue only
   when its worker is gone, so the earlier run of this very message is over);
3. BUILDING rows claimed longer ago than the hard time limit (`STALE_AFTER`): Celery kills any
   task at `CELERY_TASK_TIME_LIMIT`, so no live worker can still be building them.
And `report_release_orphans` frees at once the rows whose claimant process, on this host, is gone
(checked by pid and process start time, so a reused pid is not mistaken for the dead worker); it
runs when a worker starts, in the sweep, and when a task finds its row held by someone else.
Any two builders that still overlap write the same file name through `os.replace`: the file is
always one whole PDF, never a mix. Each build is the report's next revision (`revisions`): its own
file beside the first, its date and its SHA-256, recorded with the DONE mark; earlier revisions are
never touched. A decree is never rebuilt (`decrees` makes the amending decree instead).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, Membership, PaperSize, Staff, User

from ...models import Report, ReportStatus
from ..rules import DocumentKind, document_kind
from ..selectors import Period, may_read, office_context, paper_of, period_resolve
from ..selectors.revisions import amendment_context
from .language import catalogue_check
from .notices import report_failed_notify, report_ready_notify
from .numbering import report_number_built, report_number_take
from .processes import orphans_release, process_identity
from .revisions import keeps_revisions, revision_file_name, revision_next, revision_record, write_swapped

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
RESEND_AFTER = dt.timedelta(minutes=15)
SWEEP_LIMIT = 200
# Celery publishing: one quick retry, then give up and tell the user (the page must answer).
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

# Messages stored on the row as msgids, shown translated (`Report.message_text`).
BROKER_DOWN = gettext_noop(
    "The job queue cannot be reached right now. The report stays in line and will be built as soon as "
    "the queue is back; there is no need to ask again."
)
WAITING_RETRY = gettext_noop("A temporary problem interrupted the build; it will be tried again shortly.")
WORKER_LOST = gettext_noop("The build was interrupted; the report is back in line.")
MADRASAH_INACTIVE = gettext_noop("The madrasah is not active on this installation: the document was not built.")
DECREE_NEVER_REBUILT = gettext_noop(
    "A decree is never built again once issued. To change it, enact an amending decree: "
    '"Change this decree" in the archive.'
)

# A BUILDING row whose builder is gone, put back in the queue (its requester and attempts kept).
RELEASED = {"status": ReportStatus.QUEUED, "task_id": "", "worker": "", "progress": 0, "message": WORKER_LOST}


# --- asking for a document -----------------------------------------------------------------------------


def _check_request(*, madrasah: Madrasah, kind: DocumentKind, teacher: Staff | None, paper: str) -> None:
    if not madrasah.is_active:
        raise ApplicationError(_(MADRASAH_INACTIVE))
    if kind.per_teacher:
        if teacher is None:
            raise ApplicationError(_("Choose the teacher the document is about."), field="teacher")
        if teacher.madrasah_id != madrasah.pk or not teacher.is_active:
            raise ApplicationError(_("This teacher is not an active teacher of your madrasah."), field="teacher")
    elif teacher is not None:
        raise ApplicationError(_("This document is about the whole madrasah, not one teacher."), field="teacher")
    if paper and paper not in PaperSize.values:
        raise ApplicationError(_("Choose F4 or A4 paper."), field="paper")


def _queue(
    *,
    madrasah: Madrasah,
    kind: DocumentKind,
    period_key: str,
    teacher: Staff | None,
    paper: str,
    user: User | None,
    scheduled: bool = False,
) -> tuple[Report, bool]:
    """(the row of the key, whether this call queued it) — inside the caller's transaction."""
    _check_request(madrasah=madrasah, kind=kind, teacher=teacher, paper=paper)
    period = period_resolve(madrasah=madrasah, period_kind=kind.period, key=period_key)
    key = {"madrasah_id": madrasah.pk, "kind": kind.code, "period": period.key, "teacher": teacher}
    current = Report.objects.filter(**key).order_by("-requested_at", "-pk").first()
    if current is not None and current.is_active:
        return _joined(current, scheduled=scheduled), False
    if current is not None and kind.decree and current.status == ReportStatus.DONE:
        raise ApplicationError(_(DECREE_NEVER_REBUILT))
    if current is not None:
        # A rebuild: the same row and the same number; the build makes the next revision (`revisions`).
        requeued = Report.objects.filter(pk=current.pk, status__in=[ReportStatus.DONE, ReportStatus.FAILED]).update(
            **_requeued(user), paper=paper, scheduled=scheduled
        )
        current.refresh_from_db()
        return current, bool(requeued)
    try:
        with transaction.atomic():
            return Report.objects.create(**key, paper=paper, requested_by=user, scheduled=scheduled), True
    except IntegrityError:
        # Someone asked for the same key a moment ago: join their row.
        return _joined(Report.objects.get(**key, status__in=ReportStatus.active()), scheduled=scheduled), False


def _requeued(user: User | None) -> dict:
    """The fields of a row asked for again by `user`: back in the queue, its last build forgotten."""
    return {
        "status": ReportStatus.QUEUED,
        "progress": 0,
        "message": "",
        "error": "",
        "requested_by": user,
        "requested_at": timezone.now(),
        "sent_at": None,
        "started_at": None,
        "attempts": 0,
        "task_id": "",
        "worker": "",
    }


def _joined(report: Report, *, scheduled: bool) -> Report:
    """The schedule joining a row someone asked for: the Kepala is told too when it is ready."""
    if scheduled and not report.scheduled:
        Report.objects.filter(pk=report.pk).update(scheduled=True)
        report.scheduled = True
    return report


def report_request(
    *,
    membership: Membership,
    kind: DocumentKind,
    period_key: str,
    teacher: Staff | None = None,
    paper: str = "",
    user: User,
) -> tuple[Report, bool]:
    """Ask for a document: returns (report, joined).

    Creates a QUEUED row, or re-queues the key's done or failed row (its file stays until the new one
    replaces it), or — when the key is already queued or building — joins that row and changes
    nothing. Enqueues the build after the transaction commits. Safe to repeat: a second call joins.
    Bad input (unknown period, a teacher of another madrasah, …) → ApplicationError, nothing written.
    """
    if not may_read(membership, kind, teacher.pk if teacher else None):
        raise ApplicationError(_("You may not ask for this document."))
    if kind.issue_check is not None:
        period = period_resolve(madrasah=membership.madrasah, period_kind=kind.period, key=period_key)
        kind.issue_check(madrasah=membership.madrasah, period=period, today=timezone.localdate())
    return report_enqueue(
        madrasah=membership.madrasah, kind=kind, period_key=period_key, teacher=teacher, paper=paper, user=user
    )


def report_enqueue(
    *,
    madrasah: Madrasah,
    kind: DocumentKind,
    period_key: str,
    teacher: Staff | None = None,
    paper: str = "",
    user: User | None = None,
    scheduled: bool = False,
) -> tuple[Report, bool]:
    """`report_request` without the member's access check: for the madrasah's schedule
    (`scheduled=True`, no user; the Kepala is told when it is ready). Same rows, same joining, same
    enqueueing after the commit; returns (report, joined)."""
    with transaction.atomic():
        report, queued = _queue(
            madrasah=madrasah,
            kind=kind,
            period_key=period_key,
            teacher=teacher,
            paper=paper,
            user=user,
            scheduled=scheduled,
        )
        if queued:
            transaction.on_commit(partial(report_send, report_id=report.pk))
    return report, not queued


@transaction.atomic
def report_retry(*, membership: Membership, report: Report, user: User) -> Report:
    """Put a FAILED report back in the queue (enqueued after commit). Anything else → ApplicationError."""
    kind = document_kind(report.kind)
    if kind is None or not may_read(membership, kind, report.teacher_id):
        raise ApplicationError(_("You may not ask for this document."))
    requeued = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(**_requeued(user))
    if not requeued:
        raise ApplicationError(_("Only a report whose build failed can be tried again."))
    transaction.on_commit(partial(report_send, report_id=report.pk))
    report.refresh_from_db()
    return report


def report_send(*, report_id: int) -> bool:
    """Hand the build of `report_id` to the broker. Never raises: a broker that is down (after one
    quick retry) leaves the row QUEUED with a message; the sweep and the next worker start send it
    again. Safe to repeat: a second message finds the row claimed or done and does nothing."""
    from ..tasks import build_report  # the task module imports this one

    try:
        build_report.apply_async(args=[report_id], retry=True, retry_policy=PUBLISH_RETRY)
    except Exception:  # noqa: BLE001 - kombu, redis and the OS each raise their own kind of "down"
        logger.warning("report %s: the broker could not be reached; left queued", report_id, exc_info=True)
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(message=BROKER_DOWN)
        return False
    Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(sent_at=timezone.now(), message="")
    return True


# --- building ------------------------------------------------------------------------------------------


def report_claim(*, report_id: int, token: str, worker: str = "") -> Report | None:
    """Take the row for building (see the module docstring for which rows may be taken). One
    conditional UPDATE; None when someone else has it, it is done, or it is gone."""
    if not token:
        raise ValueError("a claim needs a token")
    now = timezone.now()
    claimable = (
        Q(status=ReportStatus.QUEUED)
        | Q(status=ReportStatus.BUILDING, task_id=token)
        | Q(status=ReportStatus.BUILDING, started_at__lt=now - STALE_AFTER)
    )
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=ReportStatus.BUILDING,
        started_at=now,
        task_id=token,
        worker=worker or process_identity(),
        attempts=F("attempts") + 1,
        progress=5,
        message="",
        error="",
    )
    if not claimed:
        return None
    return Report.objects.select_related("madrasah", "teacher").get(pk=report_id)


def report_progress(*, report_id: int, token: str, progress: int, message: str = "") -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.BUILDING, task_id=token).update(
        progress=max(0, min(progress, 99)), message=message
    )


def report_fail(*, report_id: int, token: str, error: str) -> bool:
    """Record a failure of the claimant's build (the page offers "try again"); a scheduled report's
    failure is told to the Kepala, whom nobody else would tell (`notices`)."""
    with transaction.atomic():
        failed = bool(
            Report.objects.filter(pk=report_id, status=ReportStatus.BUILDING, task_id=token).update(
                status=ReportStatus.FAILED, error=error[:2000], message="", finished_at=timezone.now()
            )
        )
        if failed:
            report_failed_notify(report=Report.objects.select_related("madrasah", "teacher").get(pk=report_id))
    return failed


def _stored_name(report: Report, field: str, extension: str) -> str:
    """The file name of the row (kept across rebuilds), given a random one on the first build."""
    current = getattr(report, field).name
    if current:
        return current
    name = Report._meta.get_field(field).upload_to(report, f"report{extension}")
    Report.objects.filter(pk=report.pk, **{field: ""}).update(**{field: name})
    return Report.objects.values_list(field, flat=True).get(pk=report.pk)


@dataclass
class Prepared:
    """A document ready for WeasyPrint: its HTML, the media files it may read, and what the
    spreadsheet needs."""

    kind: DocumentKind
    period: Period
    context: dict
    html: str
    media_names: list[str]
    revision: int = 0
    dated: dt.date | None = None


def report_html(*, report: Report, progress=None) -> Prepared:
    """The report's HTML (context from the kind's selectors, the office format, the template).
    Issues its number on the first build (kept on the row, so rebuilds and retries print the same
    number). ApplicationError for a kind or a period that no longer exists."""
    from .pdf import render_html  # WeasyPrint is loaded by the worker, not by the web process

    catalogue_check()
    kind = document_kind(report.kind)
    if kind is None:
        raise ApplicationError(_("This kind of document no longer exists."))
    step = progress or (lambda value: None)
    with translation.override(settings.LANGUAGE_CODE):
        period = period_resolve(madrasah=report.madrasah, period_kind=kind.period, key=report.period)
        if kind.numbered and not report.number:
            report.number = report_number_take(report=report, classification_code=kind.classification_code)
        revision, dated = revision_next(report=report)
        step(15)
        context = kind.context(madrasah=report.madrasah, period=period, teacher=report.teacher)
        step(35)
        office, media_names = office_context(
            madrasah=report.madrasah,
            kind=kind,
            period=period,
            number=report.number if kind.numbered or report.amends_id else "",
            paper=paper_of(madrasah=report.madrasah, kind=kind, chosen=report.paper),
            signed_on=dated,
            maker=kind.maker,
        )
        office["revision"] = revision if office["number"] else 0  # "Revisi n" belongs to a numbered document
        html = render_html(kind.template, {**office, **context, **amendment_context(report=report)})
    return Prepared(kind, period, context, html, media_names, revision=revision, dated=dated)


def report_render(*, report: Report, progress=None, prepared: list | None = None) -> tuple[bytes, bytes | None]:
    """(PDF, xlsx or None) of the report's document (see `report_html`); `prepared`, when given,
    receives the `Prepared` (its revision and date)."""
    from .pdf import html_to_pdf  # WeasyPrint is loaded by the worker, not by the web process

    step = progress or (lambda value: None)
    ready = report_html(report=report, progress=step)
    if prepared is not None:
        prepared.append(ready)
    step(50)
    pdf = html_to_pdf(ready.html, media_names=ready.media_names)
    step(85)
    xlsx = None
    if ready.kind.xlsx:
        with translation.override(settings.LANGUAGE_CODE):
            xlsx = ready.kind.xlsx(
                madrasah=report.madrasah, period=ready.period, teacher=report.teacher, context=ready.context
            )
    return pdf, xlsx


def report_build(*, report: Report, token: str) -> Report:
    """Build a claimed report: render (or, for a kind that makes its own file, assemble), swap its
    file(s) in, mark it DONE (conditionally on the claim) and, in the same transaction, notify the
    requester and — for a scheduled report — the Kepala (`notices`; emails after the commit).
    Raises what rendering raises; the caller records the failure. Safe to repeat (same file names; a
    build whose claim had passed on marks nothing and notifies nobody)."""

    def step(value: int) -> None:
        report_progress(report_id=report.pk, token=token, progress=value)

    catalogue_check()  # before anything is rendered: never an English document nobody asked for
    kind = document_kind(report.kind)
    prepared: list[Prepared] = []
    if kind is not None and kind.assemble is not None:
        content, xlsx = kind.assemble(report=report, progress=step), None
    else:
        content, xlsx = report_render(report=report, progress=step, prepared=prepared)
    file_name = _stored_name(report, "file", kind.extension if kind is not None else ".pdf")
    if keeps_revisions(kind) and prepared:
        # Issued means fixed: a file per revision beside the first, the earlier ones stay as they were.
        file_name = revision_file_name(base=file_name, revision=prepared[0].revision)
    write_swapped(file_name, content)
    xlsx_name = ""
    if xlsx is not None:
        xlsx_name = _stored_name(report, "spreadsheet", ".xlsx")
        write_swapped(xlsx_name, xlsx)
    with transaction.atomic():
        done = Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING, task_id=token).update(
            status=ReportStatus.DONE,
            progress=100,
            file=file_name,
            spreadsheet=xlsx_name,
            size=len(content),
            finished_at=timezone.now(),
            message="",
            error="",
            purged_at=None,  # a rebuild of a document deleted under the retention rule
        )
        report.refresh_from_db()
        if done and keeps_revisions(kind) and prepared:
            revision_record(
                report=report, revision=prepared[0].revision, dated=prepared[0].dated, name=file_name, content=content
            )
        if done:
            report_number_built(report=report)
            report_ready_notify(report=report)
    if not done:
        logger.info("report %s: built, but the claim had passed to another builder", report.pk)
    return report


def report_build_now(
    *,
    madrasah: Madrasah,
    kind: DocumentKind,
    period_key: str,
    teacher: Staff | None = None,
    paper: str = "",
    user: User | None = None,
) -> Report:
    """Build synchronously (the `build_report` command, run by the administrator): the row of the key
    is queued, claimed and built here, exactly as the worker would. A row being built by a worker
    right now → ApplicationError; a failure is recorded on the row and raised."""
    with transaction.atomic():
        report, _queued = _queue(
            madrasah=madrasah, kind=kind, period_key=period_key, teacher=teacher, paper=paper, user=user
        )
    token = f"sync-{uuid.uuid4().hex}"
    claimed = report_claim(report_id=report.pk, token=token)
    if claimed is None:
        raise ApplicationError(_("A worker is building this report right now; try again in a moment."))
    try:
        kind = document_kind(claimed.kind)
        if kind is not None and kind.parts is not None:  # the yearly bundle: its parts here, then the zip
            from .bundles import bundle_build_here  # bundles imports this module

            return bundle_build_here(report=claimed, token=token, zip_build=report_build)
        return report_build(report=claimed, token=token)
    except ApplicationError as error:
        report_fail(report_id=report.pk, token=token, error=error.message)
        raise
    except Exception as error:
        report_fail(report_id=report.pk, token=token, error=f"{type(error).__name__}: {error}")
        raise


# --- what dead workers and a down broker leave behind --------------------------------------------------


def report_release_orphans(*, report_ids: list[int] | None = None) -> list[int]:
    """Put back in the queue the BUILDING rows whose claimant process, on this host, is gone.
    Conditional per row on its claim, so a row claimed again meanwhile is left alone."""
    rows = Report.objects.filter(status=ReportStatus.BUILDING).exclude(worker="")
    if report_ids is not None:
        rows = rows.filter(pk__in=report_ids)
    return orphans_release(rows=rows, released=RELEASED, limit=SWEEP_LIMIT)


def reports_sweep(*, resend_after: dt.timedelta = RESEND_AFTER, now: dt.datetime | None = None) -> dict:
    """Re-send what was left behind: rows freed from dead claimants (this host's, and any claimed
    longer ago than the time limit), and QUEUED rows never handed to the broker or handed over more
    than `resend_after` ago (a lost message). Duplicates are harmless: the claim lets one through."""
    now = now or timezone.now()
    released = report_release_orphans()
    stale = Q(status=ReportStatus.BUILDING, started_at__lt=now - STALE_AFTER)
    stale_ids = list(Report.objects.filter(stale).values_list("pk", flat=True)[:SWEEP_LIMIT])
    if stale_ids:
        Report.objects.filter(stale, pk__in=stale_ids).update(**RELEASED)
    pending = Report.objects.filter(status=ReportStatus.QUEUED).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=now - resend_after) | Q(pk__in=released + stale_ids)
    )
    resent = []
    for pk in pending.order_by("requested_at", "pk").values_list("pk", flat=True)[:SWEEP_LIMIT]:
        if report_send(report_id=pk):
            resent.append(pk)
        else:
            break  # the broker is down: the next sweep tries again
    return {"released": released, "stale": stale_ids, "resent": resent}
