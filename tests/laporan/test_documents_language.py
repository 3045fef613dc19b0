"""Documents are in Indonesian, always: a worker without the compiled Indonesian catalogue refuses to
build (an English "SEMESTER RECAP … Page 1 of 6" nobody asked for), and says why on the report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laporan.documents.services.language import CATALOGUE_MISSING, catalogue_check
from laporan.models import Report, ReportStatus
from laporan.tasks import build_report
from madrasah.errors import ApplicationError

pytestmark = pytest.mark.django_db
SEMESTER = "2026-2027-ganjil"


def test_the_worker_refuses_to_build_without_the_indonesian_catalogue(
    login, kepala, media, sent, settings, tmp_path, django_capture_on_commit_callbacks
):
    client = login(kepala)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("laporan:report-request"), {"kind": "semester", "period": SEMESTER})
    report = Report.objects.get(kind="semester")
    compiled = settings.LOCALE_PATHS
    settings.LOCALE_PATHS = [str(tmp_path)]  # the worker's deployment skipped compilemessages

    assert build_report.apply(args=[report.pk], task_id="task-1").get() == "failed"

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error == CATALOGUE_MISSING
    assert not report.file and report.size == 0 and not report.number  # nothing built, no number taken
    assert not list(media.rglob("*.pdf"))
    settings.LOCALE_PATHS = compiled  # the web server has its catalogue: the reader gets Indonesian
    page = client.get(reverse("laporan:report-list")).content.decode()
    assert "Dokumen tidak dibuat: terjemahan bahasa Indonesia di server belum dikompilasi" in page
    assert 'data-testid="report-retry"' in page


def test_the_check_passes_with_the_catalogue_and_for_english(settings, tmp_path):
    catalogue_check()  # the test settings' compiled catalogue
    settings.LOCALE_PATHS = [str(tmp_path)]
    with pytest.raises(ApplicationError) as refused:
        catalogue_check()
    assert refused.value.message == CATALOGUE_MISSING
    catalogue_check("en")  # English is the msgids' own language: it needs no catalogue
