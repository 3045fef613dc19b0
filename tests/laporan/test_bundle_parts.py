"""The yearly bundle built in parts on the workers (laporan.documents.services.bundles): one row and one
task per PDF, the zip sent once by the part that finishes last, a failed part named on the page with
"coba lagi" for it alone, and nothing in the archive before every part is done; the documents on a
queue of their own."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from config.celery import QueueRole, app
from laporan.documents.kinds import bundle as bundle_kind
from laporan.documents.rules import document_kind
from laporan.documents.services import bundles
from laporan.documents.services import reports as services
from laporan.models import BundlePart, Report, ReportStatus
from laporan.tasks import build_bundle_part, build_report
from tests.madrasah.test_celery_worker import celery_workers  # noqa: F401 - the workers fixture

from .document_world import NOW, supervised_semester
from .report_helpers import files_under
from .test_reports_worker import worker_media  # noqa: F401 - the fixture

YEAR = "2026-2027"
SEMESTER = "2026-2027-ganjil"


def zip_sends(monkeypatch) -> list[str]:
    """The claims under which the zip (`build_report` again) is handed to the broker."""
    tokens: list[str] = []
    monkeypatch.setattr(build_report, "apply_async", lambda args=None, task_id=None, **kw: tokens.append(task_id))
    monkeypatch.setattr(build_bundle_part, "apply_async", lambda args=None, **kw: None)
    return tokens


def two_parts_building(madrasah) -> tuple[Report, list[BundlePart]]:
    report = Report.objects.create(
        madrasah=madrasah, kind="bundle", period=YEAR, status=ReportStatus.BUILDING, task_id="parts-plan"
    )
    parts = [
        BundlePart.objects.create(
            report=report, position=i, name=f"{i}.pdf", kind="program", period=SEMESTER, status=ReportStatus.BUILDING
        )
        for i in (0, 1)
    ]
    return report, parts


# --- the last finisher -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_parts_finishing_at_once_send_the_zip_exactly_once(madrasah, monkeypatch):
    tokens = zip_sends(monkeypatch)
    report, parts = two_parts_building(madrasah)
    # The worst interleaving: both parts' outcomes are committed before either settles the bundle.
    BundlePart.objects.filter(report=report).update(status=ReportStatus.DONE)

    assert [bundles.bundle_settle(report_id=report.pk), bundles.bundle_settle(report_id=report.pk)] == [
        "zip",
        "waiting",
    ]
    report.refresh_from_db()
    assert len(tokens) == 1 and report.task_id == tokens[0] != "parts-plan"
    assert report.status == ReportStatus.BUILDING


@pytest.mark.django_db(transaction=True)
def test_a_part_that_finishes_while_another_builds_leaves_the_zip_to_the_last(madrasah, monkeypatch):
    tokens = zip_sends(monkeypatch)
    report, (first, second) = two_parts_building(madrasah)
    BundlePart.objects.filter(pk=first.pk).update(status=ReportStatus.DONE)
    assert bundles.bundle_settle(report_id=report.pk) == "waiting"
    assert tokens == []
    BundlePart.objects.filter(pk=second.pk).update(status=ReportStatus.DONE)
    assert bundles.bundle_settle(report_id=report.pk) == "zip"
    assert bundles.bundle_settle(report_id=report.pk) == "waiting"  # a duplicate message of the last part
    assert len(tokens) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_part_fails_the_bundle_once_and_sends_no_zip(madrasah, monkeypatch):
    tokens = zip_sends(monkeypatch)
    report, (first, second) = two_parts_building(madrasah)
    BundlePart.objects.filter(pk=first.pk).update(status=ReportStatus.DONE)
    BundlePart.objects.filter(pk=second.pk).update(status=ReportStatus.FAILED, error="RuntimeError: x")
    assert [bundles.bundle_settle(report_id=report.pk) for _ in range(2)] == ["failed", "waiting"]
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and tokens == []


# --- a failed part, tried again alone ------------------------------------------------------------------


@pytest.fixture
def world(madrasah, kepala, waka, guru, guru_lain):
    return supervised_semester(madrasah, kepala, waka, guru, guru_lain)


@pytest.mark.django_db
def test_a_failed_part_is_named_and_its_retry_alone_completes_the_bundle(
    world, kepala, login, media, sent, monkeypatch
):
    report, _joined = services.report_request(
        membership=kepala, kind=document_kind("bundle"), period_key=YEAR, user=kepala.user
    )
    fresh_pdf = bundle_kind._fresh_pdf

    def schedule_breaks(*, bundle, part):
        if part.name.endswith("02-jadwal.pdf"):
            raise RuntimeError("the schedule broke")
        return fresh_pdf(bundle=bundle, part=part)

    monkeypatch.setattr(bundle_kind, "_fresh_pdf", schedule_breaks)
    with time_machine.travel(NOW, tick=False):
        assert build_report.apply(args=[report.pk], task_id="plan").get() == "parts"
        part_ids = list(BundlePart.objects.filter(report=report).values_list("pk", flat=True))
        assert len(part_ids) == 9  # contents, decree, programme, schedule, 3 sheets, analysis, report
        results = [build_bundle_part.apply(args=[pk], task_id=f"part-{pk}").get() for pk in part_ids]
    assert results.count("failed") == 1 and results.count("done") == 8

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.has_file
    assert not [p for p in files_under(media) if p.suffix == ".zip"]  # nothing half-written in the archive
    client = login(kepala)
    page = client.get(reverse("laporan:report-status", args=[report.pk])).content.decode()
    assert "Beberapa dokumen bundel tidak dapat dibuat" in page
    assert f'data-name="{SEMESTER}/02-jadwal.pdf"' in page and "RuntimeError: the schedule broke" in page
    assert page.count('data-testid="bundle-part-retry"') == 1
    assert 'data-testid="report-retry"' not in page  # not the whole bundle again: that one document

    failed = BundlePart.objects.get(report=report, status=ReportStatus.FAILED)
    others = dict(BundlePart.objects.exclude(pk=failed.pk).values_list("pk", "finished_at"))
    monkeypatch.setattr(bundle_kind, "_fresh_pdf", fresh_pdf)
    response = client.post(reverse("laporan:bundle-part-retry", args=[failed.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.BUILDING
    assert BundlePart.objects.get(pk=failed.pk).status == ReportStatus.QUEUED
    page = client.get(reverse("laporan:report-status", args=[report.pk])).content.decode()
    assert "8 dari 9 dokumen" in page

    with time_machine.travel(NOW, tick=False):
        assert build_bundle_part.apply(args=[failed.pk], task_id="again").get() == "done"
        # The others were not built again.
        assert dict(BundlePart.objects.exclude(pk=failed.pk).values_list("pk", "finished_at")) == others
        report.refresh_from_db()
        assert build_report.apply(args=[report.pk], task_id=report.task_id).get() == "done"

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.is_zip
    with zipfile.ZipFile(io.BytesIO((media / report.file.name).read_bytes())) as archive:
        names = archive.namelist()
        assert len(names) == 9 and archive.read(f"{SEMESTER}/02-jadwal.pdf").startswith(b"%PDF")
    assert names[0] == "00-daftar-isi.pdf"
    assert not BundlePart.objects.filter(report=report).exists()  # the parts went with the zip
    assert [p.suffix for p in files_under(media) if "parts" in p.parts] == []


@pytest.mark.django_db
def test_retrying_a_part_of_a_bundle_that_did_not_fail_changes_nothing(world, kepala, login, media, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("bundle"), period_key=YEAR, user=kepala.user
    )
    with time_machine.travel(NOW, tick=False):
        build_report.apply(args=[report.pk], task_id="plan").get()
    part = BundlePart.objects.filter(report=report).first()
    response = login(kepala).post(reverse("laporan:bundle-part-retry", args=[part.pk]), follow=True)
    assert "Hanya dokumen yang gagal dibuat yang dapat dicoba lagi." in response.content.decode()
    assert BundlePart.objects.get(pk=part.pk).status == ReportStatus.QUEUED
    assert Report.objects.get(pk=report.pk).status == ReportStatus.BUILDING


# --- queues -----------------------------------------------------------------------------------------------


def route(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_documents_go_to_their_own_queue_and_everything_else_to_the_default_one():
    assert app.conf.task_default_queue != settings.REPORTS_QUEUE
    assert route("laporan.tasks.build_report") == settings.REPORTS_QUEUE
    assert route("laporan.tasks.build_bundle_part") == settings.REPORTS_QUEUE
    for entry in settings.CELERY_BEAT_SCHEDULE.values():  # heartbeat, deadlines, sweeps, the schedule
        assert route(entry["task"]) == app.conf.task_default_queue, entry["task"]
    # A worker started without a role (an older unit file) still takes both.
    assert {q.name for q in app.conf.task_queues} == {settings.REPORTS_QUEUE, app.conf.task_default_queue}


def test_a_worker_role_takes_that_queue_only():
    class Worker:
        hostname = "test@host"
        queues: list[str] = []

        def setup_queues(self, include, exclude=None):
            self.queues = include

    for role, queue in (("reports", settings.REPORTS_QUEUE), ("default", app.conf.task_default_queue)):
        worker = Worker()
        QueueRole(worker, queue_role=role)
        assert worker.queues == [queue]


def test_a_part_has_time_limits_of_its_own_shorter_than_a_whole_document():
    assert build_bundle_part.soft_time_limit == settings.BUNDLE_PART_SOFT_TIME_LIMIT
    assert build_bundle_part.time_limit == settings.BUNDLE_PART_TIME_LIMIT
    assert settings.BUNDLE_PART_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


# --- a real worker ------------------------------------------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")),
    reason="worker tests of the bundle need Redis as the broker (REDIS_URL, as in CI)",
)
def test_a_real_worker_builds_the_bundle_in_parts_and_zips_it(celery_workers, worker_media, kepala, monkeypatch):  # noqa: F811
    worker = celery_workers(pool="prefork")
    monkeypatch.setattr(
        build_report,
        "apply_async",
        lambda args=None, **kwargs: worker.sender.send_task(
            "laporan.tasks.build_report", args=args, queue=worker.queue
        ),
    )
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("bundle"), period_key=YEAR, user=kepala.user
    )
    done = worker.wait_for(
        "the bundle to be zipped", lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).first()
    )
    with zipfile.ZipFile(io.BytesIO((worker_media / done.file.name).read_bytes())) as archive:
        assert archive.namelist()[0] == "00-daftar-isi.pdf" and archive.testzip() is None
    worker.wait_for_log(r"Task laporan\.tasks\.build_bundle_part\[[0-9a-f-]+\] succeeded")
    assert not BundlePart.objects.exists()
    files = files_under(worker_media)
    assert [p.suffix for p in files].count(".zip") == 1
    assert not [p for p in files if "parts" in p.parts or p.suffix == ".part"]  # the parts went with the zip


# --- a madrasah taken off the installation mid-bundle ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_parts_of_an_inactive_madrasah_end_unbuilt_and_fail_the_bundle_once(madrasah, media, monkeypatch):
    from madrasah.services import madrasah_deactivate

    tokens = zip_sends(monkeypatch)
    report, parts = two_parts_building(madrasah)
    BundlePart.objects.filter(report=report).update(status=ReportStatus.QUEUED)
    madrasah_deactivate(madrasah=madrasah, actor=None)
    outcomes = [build_bundle_part.apply(args=[p.pk], task_id=f"part-{p.pk}").get() for p in parts]
    assert outcomes == ["inactive", "inactive"]
    assert set(BundlePart.objects.values_list("status", "error")) == {(ReportStatus.FAILED, services.MADRASAH_INACTIVE)}
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and tokens == [] and files_under(media) == []
