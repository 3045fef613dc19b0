"""Building documents in the worker (the web process never renders a PDF).

`build_report` receives only the row id and claims the row (`services.reports` explains the claim and
what happens when a worker dies). `acks_late` + `reject_on_worker_lost`: a worker killed mid-build
gives its message back to the queue, and the redelivered message (same task id) may take the row
over. Temporary failures (the database went away, a lock timed out) are retried with backoff, a few
times; anything else is recorded on the row, and the page offers "try again".

`build_bundle_part` renders one PDF of a kind built in parts (the yearly bundle, `services.bundles`),
with time limits of its own. `sweep_reports` runs periodically (beat) and once when a worker starts:
it re-sends the rows (reports and parts) a down broker or a dead worker left behind.

The task names are the ones queued messages and the beat schedule carry (`laporan.tasks.…`):
`laporan.tasks` imports this module, so Celery's autodiscovery registers them.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_noop

from madrasah.errors import ApplicationError

from .rules import document_kind
from .services import bundles
from .services import reports as services

logger = logging.getLogger(__name__)

TEMPORARY = (OperationalError, InterfaceError)
MAX_RETRIES = 3
TOO_LONG = gettext_noop("The document took too long to build.")


def backoff(retries: int) -> float:
    """5, 10, 20 … seconds, with jitter so that retries of many reports do not arrive together."""
    return 5 * 2**retries + random.uniform(0, 2)  # noqa: S311 - jitter, not security  # nosec B311


@shared_task(
    bind=True,
    name="laporan.tasks.build_report",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
)
def build_report(self, report_id: int) -> str:
    token = self.request.id or f"local-{uuid.uuid4().hex}"
    report = _claimed(
        lambda: services.report_claim(report_id=report_id, token=token),
        lambda: services.report_release_orphans(report_ids=[report_id]),
    )
    if report is None:
        return "skipped"
    if not report.madrasah.is_active:
        # Taken off the installation after the request: the row ends FAILED with the reason (a msgid,
        # shown translated), nothing rendered, no notice; the sweep never sends a failed row again.
        services.report_fail(report_id=report_id, token=token, error=services.MADRASAH_INACTIVE)
        return "inactive"

    def build() -> str:
        kind = document_kind(report.kind)
        if kind is not None and kind.parts is not None:
            # Built in parts (services.bundles): plan them; the last part to finish sends this task
            # again under the claim it gives the report, and then every part is done: zip them.
            # The report's first claim after a request starts afresh; a later one keeps finished parts.
            specs = kind.parts(report=report)
            if bundles.bundle_plan(report=report, token=token, specs=specs, fresh=report.attempts <= 1):
                return "parts"
        services.report_build(report=report, token=token)
        bundles.bundle_parts_clear(report_id=report_id)
        return "done"

    def waiting() -> None:
        # The row stays claimed by this task id: the retry (same id) takes it again.
        services.report_progress(
            report_id=report_id, token=token, progress=report.progress, message=services.WAITING_RETRY
        )

    return _run(
        self,
        label=f"report {report_id}",
        build=build,
        fail=lambda error: services.report_fail(report_id=report_id, token=token, error=error),
        waiting=waiting,
    )


@shared_task(
    bind=True,
    name="laporan.tasks.build_bundle_part",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
    # Limits per part: a bundle is as long as its parts, however many they are.
    soft_time_limit=settings.BUNDLE_PART_SOFT_TIME_LIMIT,
    time_limit=settings.BUNDLE_PART_TIME_LIMIT,
)
def build_bundle_part(self, part_id: int) -> str:
    """One PDF of a bundle (services.bundles): claim the part, render it, settle the bundle. The
    same failure handling as `build_report`, recorded on the part."""
    token = self.request.id or f"local-{uuid.uuid4().hex}"
    part = _claimed(
        lambda: bundles.part_claim(part_id=part_id, token=token),
        lambda: bundles.parts_release_orphans(part_ids=[part_id]),
    )
    if part is None:
        return "skipped"
    if not part.report.madrasah.is_active:
        # The last part to settle ends the bundle as failed; none is rendered meanwhile.
        bundles.part_fail(part_id=part_id, token=token, error=services.MADRASAH_INACTIVE)
        return "inactive"

    def build() -> str:
        bundles.part_build(part=part, token=token)
        return "done"

    return _run(
        self,
        label=f"bundle part {part_id}",
        build=build,
        fail=lambda error: bundles.part_fail(part_id=part_id, token=token, error=error),
    )


def _claimed(claim, release_orphan):
    """The row (a report or a bundle part) as `claim` takes it, taken over when its holder was a
    process of this host that died (`release_orphan`); None when it is held by someone else, done,
    or gone."""
    row = claim()
    if row is None and release_orphan():
        row = claim()
    return row


def _run(task, *, label: str, build, fail, waiting=None) -> str:
    """The one failure policy of the building tasks: temporary failures retried with backoff (the
    claim is kept: the retry has the same task id), anything else recorded through `fail` for the
    page's "coba lagi". Returns what `build` returned, or "failed"."""
    try:
        return build()
    except TEMPORARY as error:
        if task.request.retries < MAX_RETRIES:
            logger.warning("%s: temporary failure (%s); retrying", label, error)
            if waiting is not None:
                waiting()
            raise task.retry(exc=error, countdown=backoff(task.request.retries)) from error
        fail(f"{type(error).__name__}: {error}")
    except SoftTimeLimitExceeded:
        fail(TOO_LONG)
    except ApplicationError as error:
        fail(error.message)
    except Exception as error:
        logger.exception("%s: the build failed", label)
        fail(f"{type(error).__name__}: {error}")
    return "failed"


@shared_task(name="laporan.tasks.sweep_reports", ignore_result=True)
def sweep_reports(resend_after_seconds: float | None = None) -> dict:
    """Periodic (beat, every 5 minutes) and at worker start (then every queued row is sent again:
    what the broker held may be gone), the parts of bundles being built too. Safe to run twice or late."""
    if resend_after_seconds is None:
        return {**services.reports_sweep(), **bundles.parts_sweep()}
    resend_after = dt.timedelta(seconds=resend_after_seconds)
    return {**services.reports_sweep(resend_after=resend_after), **bundles.parts_sweep(resend_after=resend_after)}


@worker_ready.connect
def sweep_on_worker_start(sender=None, **kwargs):
    # A worker that starts after a crash or an outage picks up what was left: sent as a task, so it
    # runs in the pool like any other and never delays the worker's start.
    try:
        sweep_reports.apply_async(kwargs={"resend_after_seconds": 0}, retry=True, retry_policy=services.PUBLISH_RETRY)
    except Exception:  # noqa: BLE001 - the broker this worker just connected to went away again
        logger.warning("could not queue the report sweep at worker start", exc_info=True)
