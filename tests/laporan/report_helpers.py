"""Shared by the report tests: the PDF's text and the files under a folder."""

from __future__ import annotations

from pathlib import Path

from tests.pdf_text import pdf_text  # noqa: F401 - the helpers' reader of PDFs


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def build_in_parts(report_id: int, *, task_id: str = "bundle-task") -> str:
    """Build a report of a kind made in parts (the yearly bundle) as the workers would, one task after
    the other in this process: the plan, each part, then the zip under the claim the last part gave
    the report. Returns the last task's result ("done", "failed", …)."""
    from laporan.models import BundlePart, Report, ReportStatus
    from laporan.tasks import build_bundle_part, build_report

    result = build_report.apply(args=[report_id], task_id=task_id).get()
    if result != "parts":
        return result
    queued = BundlePart.objects.filter(report_id=report_id, status=ReportStatus.QUEUED).order_by("position")
    for part_id in queued.values_list("pk", flat=True):
        build_bundle_part.apply(args=[part_id], task_id=f"part-{part_id}").get()
    report = Report.objects.get(pk=report_id)
    if report.status != ReportStatus.BUILDING:
        return report.status
    return build_report.apply(args=[report_id], task_id=report.task_id).get()
