"""Writes of a document built in parts on the workers (the yearly evidence bundle: ~90 PDFs).

No result backend is configured (the embedded default has none), so the parts are rows
(`BundlePart`), each rendered by its own task (`laporan.tasks.build_bundle_part`) with its own time
limits; the report's own build only plans them and, at the end, zips them:

    build_report ──claim──► plan: one QUEUED part per PDF, sent after the commit; the report stays
                            BUILDING, held by no process (its parts are)
    build_bundle_part ──claim──► render ──► file swapped in ──► DONE (or FAILED) ──► settle
    settle: the part that finishes LAST moves the report's claim, with ONE conditional UPDATE that
            holds only while no part is queued or building — two parts finishing together move it
            once — and then either sends `build_report` again under the new claim (the zip: the
            claim lets it in, the plan finds every part done, `assemble` zips them) or, when a part
            failed, marks the report FAILED; the page names the failed parts and offers "coba lagi"
            for each alone (`bundle_part_retry`), which reopens the report for that part only.

A part is claimed like a report (`services.reports`): QUEUED, or BUILDING under the same task id (a
retry, a redelivery), or BUILDING for longer than its hard time limit; a part held by a dead process
of this host is freed at once (`parts_release_orphans`). The report's `started_at` is renewed by each
finished part, so the report's own time limit only frees a bundle none of whose parts moved for that
long; a report freed that way is planned again and keeps its finished parts (`bundle_plan`).
Nothing reaches the archive before every part is done: the report's file is the zip, written once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from madrasah.errors import ApplicationError
from madrasah.models import Membership, User

from ...models import BundlePart, Report, ReportStatus
from ..rules import document_kind
from ..selectors import may_read
from .notices import report_failed_notify
from .processes import orphans_release, process_identity
from .reports import PUBLISH_RETRY, RESEND_AFTER, SWEEP_LIMIT, write_swapped

logger = logging.getLogger(__name__)

PART_STALE_AFTER = dt.timedelta(seconds=settings.BUNDLE_PART_TIME_LIMIT + 60)
ACTIVE = (ReportStatus.QUEUED, ReportStatus.BUILDING)
PARTS_FAILED = gettext_noop("Some documents of the bundle could not be built; try each of them again below.")
PART_RELEASED = {"status": ReportStatus.QUEUED, "task_id": "", "worker": "", "sent_at": None}
# The report's claim while its parts are built ("parts-…": held by no process; the last part moves it
# to "zip-…", the task id of the zip's build). Only a "parts-" claim is ever moved, so the zip is
# sent once however many parts settle after it.
PARTS_CLAIM = "parts-"
ZIP_CLAIM = "zip-"


def _parts_claim() -> str:
    return f"{PARTS_CLAIM}{uuid.uuid4().hex}"


@dataclass(frozen=True)
class PartSpec:
    """What one part is: its place and path in the zip, its kind, period and teacher."""

    position: int
    name: str
    kind: str
    period: str
    teacher_id: int | None = None

    def matches(self, part: BundlePart) -> bool:
        return (part.name, part.kind, part.period, part.teacher_id) == (
            self.name,
            self.kind,
            self.period,
            self.teacher_id,
        )


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# --- planning ------------------------------------------------------------------------------------------


def bundle_plan(*, report: Report, token: str, specs: list[PartSpec], fresh: bool) -> int:
    """Make the report's parts match `specs` and send those still to build (after the commit).
    `fresh` (a new request: the report's first claim) starts from nothing; otherwise (a build picked up
    again after a worker was lost) finished parts are kept and failed ones queued again. Returns how
    many parts are not done; 0 means the zip can be made now, by the caller, under its claim. When
    parts are left, the report is held by no process any more (its parts are). Safe to repeat."""
    with transaction.atomic():
        existing = {part.name: part for part in BundlePart.objects.filter(report=report)}
        wanted = {spec.name: spec for spec in specs}
        stale = [
            part
            for name, part in existing.items()
            if fresh or name not in wanted or not wanted[name].matches(part) or part.position != wanted[name].position
        ]
        BundlePart.objects.filter(pk__in=[part.pk for part in stale]).delete()
        files = [part.file.name for part in stale]
        transaction.on_commit(partial(_delete_files, files))
        kept = {name: part for name, part in existing.items() if part not in stale}
        BundlePart.objects.bulk_create(
            BundlePart(
                report=report,
                position=spec.position,
                name=spec.name,
                kind=spec.kind,
                period=spec.period,
                teacher_id=spec.teacher_id,
            )
            for name, spec in wanted.items()
            if name not in kept
        )
        BundlePart.objects.filter(report=report, status=ReportStatus.FAILED).update(**PART_RELEASED, error="")
        to_send = list(
            BundlePart.objects.filter(report=report, status=ReportStatus.QUEUED)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        left = BundlePart.objects.filter(report=report, status__in=ACTIVE).count()
        if left:
            Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING, task_id=token).update(
                task_id=_parts_claim(), worker="", started_at=timezone.now(), progress=5
            )
            transaction.on_commit(partial(parts_send, part_ids=to_send))
    return left


def parts_send(*, part_ids: list[int]) -> int:
    """Hand the parts to the broker, in order; stops at the first that cannot be sent (the broker is
    down: the sweep sends them later). Returns how many were sent. Duplicates are harmless."""
    from ..tasks import build_bundle_part  # the task module imports this one

    sent = 0
    for part_id in part_ids:
        try:
            build_bundle_part.apply_async(args=[part_id], retry=True, retry_policy=PUBLISH_RETRY)
        except Exception:  # noqa: BLE001 - kombu, redis and the OS each raise their own kind of "down"
            logger.warning("bundle part %s: the broker could not be reached; left queued", part_id, exc_info=True)
            break
        BundlePart.objects.filter(pk=part_id, status=ReportStatus.QUEUED).update(sent_at=timezone.now())
        sent += 1
    return sent


# --- building one part ---------------------------------------------------------------------------------


def part_claim(*, part_id: int, token: str) -> BundlePart | None:
    """Take the part for building (the rules of `services.reports.report_claim`, with the part's own
    time limit), only while its report is being built. None when someone else has it, or it is done."""
    if not token:
        raise ValueError("a claim needs a token")
    now = timezone.now()
    claimable = (
        Q(status=ReportStatus.QUEUED)
        | Q(status=ReportStatus.BUILDING, task_id=token)
        | Q(status=ReportStatus.BUILDING, started_at__lt=now - PART_STALE_AFTER)
    )
    building = Report.objects.filter(pk=OuterRef("report_id"), status=ReportStatus.BUILDING)
    claimed = BundlePart.objects.filter(claimable, Exists(building), pk=part_id).update(
        status=ReportStatus.BUILDING,
        started_at=now,
        task_id=token,
        worker=process_identity(),
        attempts=F("attempts") + 1,
        error="",
    )
    if not claimed:
        return None
    return BundlePart.objects.select_related("report__madrasah", "teacher").get(pk=part_id)


def part_build(*, part: BundlePart, token: str) -> bool:
    """Render a claimed part with its kind's `render_part`, swap its file in, mark it DONE (on its
    claim) and settle the bundle. Raises what rendering raises; the caller records the failure."""
    kind = document_kind(part.report.kind)
    if kind is None or kind.render_part is None:
        raise ApplicationError(_("This kind of document no longer exists."))
    content = kind.render_part(report=part.report, part=part)
    name = part.file.name
    if not name:
        name = BundlePart._meta.get_field("file").upload_to(part, "part.pdf")
        BundlePart.objects.filter(pk=part.pk, file="").update(file=name)
        name = BundlePart.objects.values_list("file", flat=True).get(pk=part.pk)
    write_swapped(name, content)
    now = timezone.now()
    done = BundlePart.objects.filter(pk=part.pk, status=ReportStatus.BUILDING, task_id=token).update(
        status=ReportStatus.DONE, file=name, finished_at=now, error=""
    )
    if done:
        # The bundle is alive as long as its parts move (see the module docstring).
        Report.objects.filter(pk=part.report_id, status=ReportStatus.BUILDING).update(started_at=now)
        bundle_settle(report_id=part.report_id)
    return bool(done)


def part_fail(*, part_id: int, token: str, error: str) -> bool:
    """Record the failure of the claimant's build of a part, then settle the bundle."""
    failed = BundlePart.objects.filter(pk=part_id, status=ReportStatus.BUILDING, task_id=token).update(
        status=ReportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    if failed:
        report_id = BundlePart.objects.values_list("report_id", flat=True).get(pk=part_id)
        bundle_settle(report_id=report_id)
    return bool(failed)


def bundle_settle(*, report_id: int) -> str:
    """Run by each part after its outcome COMMITTED (never inside the transaction that wrote it: two
    parts finishing together would each still see the other one building). When no part is left
    queued or building, one conditional UPDATE moves the report's claim: only the first caller's
    matches, so the zip is sent once, or the failure recorded once. Returns "zip", "failed" or
    "waiting"."""
    token = Report.objects.filter(pk=report_id, status=ReportStatus.BUILDING).values_list("task_id", flat=True).first()
    if token is None or not token.startswith(PARTS_CLAIM):
        return "waiting"
    left = BundlePart.objects.filter(report_id=OuterRef("pk"), status__in=ACTIVE)
    failed = BundlePart.objects.filter(report_id=OuterRef("pk"), status=ReportStatus.FAILED)
    last = Report.objects.filter(~Exists(left), pk=report_id, status=ReportStatus.BUILDING, task_id=token)
    now = timezone.now()
    with transaction.atomic():
        if last.filter(Exists(failed)).update(
            status=ReportStatus.FAILED, error=PARTS_FAILED, message="", finished_at=now, worker=""
        ):
            report_failed_notify(report=Report.objects.select_related("madrasah", "teacher").get(pk=report_id))
            return "failed"
    zip_token = f"{ZIP_CLAIM}{uuid.uuid4().hex}"
    if last.filter(~Exists(failed)).update(task_id=zip_token, started_at=now, progress=95):
        bundle_zip_send(report_id=report_id, token=zip_token)
        return "zip"
    return "waiting"


def bundle_zip_send(*, report_id: int, token: str) -> bool:
    """Send the report's build again under `token`, the claim the last part gave it: the build finds
    every part done and zips them. A broker that is down leaves the report to the sweep (its claim
    goes stale, it is planned again with its parts kept, and zipped)."""
    from ..tasks import build_report  # the task module imports this one

    try:
        build_report.apply_async(args=[report_id], task_id=token, retry=True, retry_policy=PUBLISH_RETRY)
    except Exception:  # noqa: BLE001 - as in parts_send
        logger.warning("bundle %s: the broker could not be reached for the zip", report_id, exc_info=True)
        return False
    return True


def bundle_build_here(*, report: Report, token: str, zip_build) -> Report:
    """For the `build_report` command (no worker needed): the report's parts, claimed by `token`
    (the report's own claim), rendered one after the other in this process, then zipped by
    `zip_build` (`reports.report_build`) under the same claim, and cleared. Parts of an earlier
    build are replaced."""
    kind = document_kind(report.kind)
    specs = kind.parts(report=report)
    now = timezone.now()
    with transaction.atomic():
        stale = [name for name in BundlePart.objects.filter(report=report).values_list("file", flat=True) if name]
        BundlePart.objects.filter(report=report).delete()
        transaction.on_commit(partial(_delete_files, stale))
        BundlePart.objects.bulk_create(
            BundlePart(
                report=report,
                position=spec.position,
                name=spec.name,
                kind=spec.kind,
                period=spec.period,
                teacher_id=spec.teacher_id,
                status=ReportStatus.BUILDING,
                task_id=token,
                started_at=now,
            )
            for spec in specs
        )
    for part in BundlePart.objects.filter(report=report).select_related("teacher").order_by("position"):
        part.report = report
        part_build(part=part, token=token)
    built = zip_build(report=report, token=token)
    bundle_parts_clear(report_id=report.pk)
    return built


def bundle_parts_clear(*, report_id: int) -> None:
    """After the zip is done: its parts' rows and files go (the zip holds them)."""
    parts = BundlePart.objects.filter(report_id=report_id, report__status=ReportStatus.DONE)
    files = list(parts.values_list("file", flat=True))
    parts.delete()
    _delete_files(files)


# --- "coba lagi" for one part -----------------------------------------------------------------------------


@transaction.atomic
def bundle_part_retry(*, membership: Membership, part: BundlePart, user: User) -> BundlePart:
    """Build one failed part again, alone: the report, failed because of its parts, is reopened
    (BUILDING, under a new claim held by no process) and the part queued and sent after the commit;
    the other parts stay as they are, and the last to finish settles the bundle again. A part or a
    report that has not failed → ApplicationError, nothing changed. Safe to repeat."""
    report = part.report
    kind = document_kind(report.kind)
    if kind is None or not may_read(membership, kind, report.teacher_id):
        raise ApplicationError(_("You may not ask for this document."))
    now = timezone.now()
    reopened = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.BUILDING,
        task_id=_parts_claim(),
        worker="",
        started_at=now,
        finished_at=None,
        error="",
        message="",
    )
    requeued = reopened and BundlePart.objects.filter(pk=part.pk, status=ReportStatus.FAILED).update(
        **PART_RELEASED, error=""
    )
    if not requeued:
        transaction.set_rollback(True)
        raise ApplicationError(_("Only a document whose build failed can be tried again."))
    transaction.on_commit(partial(parts_send, part_ids=[part.pk]))
    part.refresh_from_db()
    return part


# --- what dead workers and a down broker leave behind ------------------------------------------------------


def parts_release_orphans(*, part_ids: list[int] | None = None) -> list[int]:
    """Put back in the queue the BUILDING parts whose claimant process, on this host, is gone."""
    rows = BundlePart.objects.filter(status=ReportStatus.BUILDING).exclude(worker="")
    if part_ids is not None:
        rows = rows.filter(pk__in=part_ids)
    return orphans_release(rows=rows, released=PART_RELEASED, limit=SWEEP_LIMIT)


def parts_sweep(*, resend_after: dt.timedelta = RESEND_AFTER, now: dt.datetime | None = None) -> dict:
    """Re-send the parts of bundles being built that were left behind: freed from dead claimants,
    claimed longer ago than the part's time limit, or queued and never sent (or sent long ago)."""
    now = now or timezone.now()
    released = parts_release_orphans()
    stale = Q(status=ReportStatus.BUILDING, started_at__lt=now - PART_STALE_AFTER)
    stale_ids = list(BundlePart.objects.filter(stale).values_list("pk", flat=True)[:SWEEP_LIMIT])
    if stale_ids:
        BundlePart.objects.filter(stale, pk__in=stale_ids).update(**PART_RELEASED)
    pending = BundlePart.objects.filter(status=ReportStatus.QUEUED, report__status=ReportStatus.BUILDING).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=now - resend_after) | Q(pk__in=released + stale_ids)
    )
    ids = list(pending.order_by("report_id", "position").values_list("pk", flat=True)[:SWEEP_LIMIT])
    sent = parts_send(part_ids=ids)
    return {"parts_released": released, "parts_stale": stale_ids, "parts_resent": ids[:sent]}
