"""The "Reports" page: ask for a document, watch it being built (htmx polling of a tiny partial),
download it (PDF, .xlsx for recaps, .zip for the yearly bundle), try a failed one again; and the
archive below it: every document the member may see, filtered by kind, period and status. And the
number register: every official document number of a year in sequence, with what became of it
(issued, kept for a retry, or "batal"), for the Kepala and the Waka who ask for the documents.

Thin views: access (`selectors`) → one service or selector → render or redirect. The web process only
writes rows and hands ids to the queue; documents are built by the worker.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.access_log import access_log_record, access_log_record_many
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.models import AccessKind, PaperSize, Staff

from ..models import ReportStatus
from ..schedules.rules import SCHEDULE_READERS
from .forms import SignedCopyForm
from .rules import PeriodKind, document_kind, load_all
from .selectors import (
    MONTH_KEY,
    REGISTER_READERS,
    SEMESTER_KEY,
    STATUS_FILTERS,
    YEAR_KEY,
    kinds_for,
    may_read,
    number_register,
    period_choices,
    period_default,
    reads_all,
    register_years,
    report_for_user,
    report_kind_for_user,
    reports_visible,
)
from .selectors.bundles import bundle_part_for_user, bundle_progress
from .selectors.revisions import (
    SIGNED_COPY_UPLOADERS,
    report_of_madrasah,
    report_revision_for_user,
    report_revisions,
    revision_summaries,
)
from .services import bundles
from .services import reports as services
from .services.decrees import DECREE_ENACTORS, decree_amend
from .services.notices import report_downloaded
from .services.revisions import revision_sign

REPORTS_PER_PAGE = 25


def _list_url(report=None) -> str:
    url = reverse("laporan:report-list")
    return f"{url}#report-{report.pk}" if report is not None else url


def _forms(membership) -> list[dict]:
    """One form per kind the member may ask for: its periods and, for per-teacher kinds, whom."""
    kinds = kinds_for(membership)
    if not kinds:
        raise PermissionDenied
    teachers = None
    periods_of: dict[str, list] = {}
    forms = []
    for kind in kinds:
        if kind.period not in periods_of:
            periods_of[kind.period] = period_choices(madrasah=membership.madrasah, period_kind=kind.period)
        periods = periods_of[kind.period]
        entry = {"kind": kind, "periods": periods, "default": period_default(choices=periods), "teachers": None}
        if kind.per_teacher:
            if reads_all(membership, kind):
                if teachers is None:
                    teachers = list(
                        Staff.objects.filter(madrasah_id=membership.madrasah_id).teachers().active().order_by("name")
                    )
                entry["teachers"] = teachers
            else:
                entry["own"] = membership.staff
        forms.append(entry)
    return forms


def _archive_filters(request, forms: list[dict]) -> dict:
    """The archive's filters from the query (`?jenis=&periode=&status=`), kept only when they name a
    kind, a period or a status on offer (anything else: no filter)."""
    kinds = {entry["kind"].code for entry in forms}
    periods = {p.key for entry in forms for p in entry["periods"]}
    kind = request.GET.get("jenis", "")
    period = request.GET.get("periode", "")
    status = request.GET.get("status", "")
    # A period no longer offered (a digest older than a year) still filters when written as a key.
    known_period = period in periods or any(key.match(period) for key in (SEMESTER_KEY, YEAR_KEY, MONTH_KEY))
    return {
        "kind": kind if kind in kinds else "",
        "period": period if known_period else "",
        "status": status if status in STATUS_FILTERS else "",
    }


def _period_options(forms: list[dict]) -> list:
    """Every period on offer once, semesters first, then years and months (newest first in each)."""
    seen, options = set(), []
    for entry in forms:
        for period in entry["periods"]:
            if period.key not in seen:
                seen.add(period.key)
                options.append(period)
    order = {PeriodKind.SEMESTER: 0, PeriodKind.YEAR: 1, PeriodKind.MONTH: 2}
    return sorted(options, key=lambda p: (order.get(p.kind, 3), -p.start.toordinal()))


@membership_required()
def report_list(request):
    """Ask for a document, and the archive: every document of the madrasah the member may see, by
    kind, period and status, a page at a time."""
    membership = request.membership
    forms = _forms(membership)
    filters = _archive_filters(request, forms)
    page = Paginator(reports_visible(membership, **filters), REPORTS_PER_PAGE).get_page(request.GET.get("halaman"))
    kinds = load_all()
    period_options = _period_options(forms)
    period_labels = {p.key: p.label for p in period_options}
    summaries = revision_summaries(report_ids=[report.pk for report in page.object_list])
    for report in page.object_list:
        report.revision_summary = summaries.get(report.pk)
    progress = bundle_progress(report_ids=[r.pk for r in page.object_list if r.status != ReportStatus.DONE])
    for report in page.object_list:
        report.parts = progress.get(report.pk)
        kind = kinds.get(report.kind)
        report.kind_label = kind.label if kind else report.kind
        report.period_label = period_labels.get(report.period, report.period)
        report.has_xlsx = bool(kind and kind.xlsx)
    context = {
        "forms": forms,
        "reports": page.object_list,
        "page": page,
        "filters": filters,
        "filtered": any(filters.values()),
        "kind_options": [entry["kind"] for entry in forms],
        "period_options": period_options,
        "status_options": [("done", _("Ready")), ("active", _("Queued or building")), ("failed", _("Failed"))],
        "papers": PaperSize.choices,
        "schedule_readable": membership.has_role(*SCHEDULE_READERS),
        "register_readable": membership.has_role(*REGISTER_READERS),
    }
    return render(request, "laporan/reports/list.html", context)


def _teacher_of(request, kind) -> Staff | None:
    if not kind.per_teacher:
        return None
    membership = request.membership
    if not reads_all(membership, kind):
        return membership.staff  # a teacher asks for their own record only
    raw = request.POST.get("teacher", "")
    if not raw.isdigit():
        return None  # the service says "choose the teacher"
    return get_object_or_404(Staff, pk=int(raw), madrasah_id=membership.madrasah_id)


@require_POST
@membership_required()
def report_request(request):
    membership = request.membership
    kind = report_kind_for_user(membership, request.POST.get("kind", ""))
    teacher = _teacher_of(request, kind)
    try:
        report, joined = services.report_request(
            membership=membership,
            kind=kind,
            period_key=request.POST.get("period", ""),
            teacher=teacher,
            paper=request.POST.get("paper", ""),
            user=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_list_url())
    if joined and report.revisions.exists():
        messages.warning(
            request,
            _(
                "The previous build of this document is still running: no second build was started. "
                "Ask for a new revision once it is done."
            ),
        )
    elif joined:
        messages.info(request, _("This report is already being prepared: follow it below."))
    else:
        messages.success(request, _("The report is being prepared. This page shows its progress."))
    return redirect(_list_url(report))


@membership_required()
def report_status(request, pk: int):
    report = report_for_user(request.membership, pk)
    kind = document_kind(report.kind)
    report.has_xlsx = bool(kind and kind.xlsx)
    report.parts = bundle_progress(report_ids=[report.pk]).get(report.pk) if kind and kind.parts else None
    return render(request, "laporan/reports/_status.html", {"report": report})


def _download_name(report, extension: str | None = None) -> str:
    parts = ["laporan", report.kind, report.period]
    if report.teacher is not None:
        parts.append(report.teacher.login_identifier or str(report.teacher_id))
    return "-".join(parts) + (extension or PurePosixPath(report.file.name).suffix or ".pdf")


def _log_opening(request, report) -> None:
    # UU PDP: who opened which teacher's record is logged (the teacher's own openings are not); a
    # document holding several teachers' records (the yearly bundle) logs an opening of each.
    path = request.get_full_path()
    if report.teacher is not None:
        access_log_record(
            viewer=request.membership,
            teacher_id=report.teacher_id,
            kind=AccessKind.DOCUMENT,
            what=_("Teacher record (PDF)"),
            path=path,
        )
        return
    kind = document_kind(report.kind)
    if kind is not None and kind.holds_records_of is not None:
        access_log_record_many(
            viewer=request.membership,
            teacher_ids=[t.pk for t in kind.holds_records_of(madrasah=report.madrasah, period_key=report.period)],
            kind=AccessKind.DOCUMENT,
            what=_("Yearly evidence bundle (zip)"),
            path=path,
        )


@membership_required()
def report_download(request, pk: int):
    report = report_for_user(request.membership, pk)
    if not report.has_file:
        raise Http404
    _log_opening(request, report)
    report_downloaded(report=report, user_id=request.user.pk)
    return protected_file_response(report.file, filename=_download_name(report))


@membership_required()
def report_download_xlsx(request, pk: int):
    report = report_for_user(request.membership, pk)
    if not report.has_file or not report.spreadsheet:
        raise Http404
    _log_opening(request, report)
    return protected_file_response(report.spreadsheet, filename=_download_name(report, ".xlsx"))


@require_POST
@membership_required()
def report_retry(request, pk: int):
    report = report_for_user(request.membership, pk)
    try:
        services.report_retry(membership=request.membership, report=report, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report is being prepared again."))
    return redirect(_list_url(report))


@require_POST
@membership_required()
def bundle_part_retry(request, pk: int):
    """ "Coba lagi" for one failed document of a bundle, alone."""
    part = bundle_part_for_user(request.membership, pk)
    try:
        bundles.bundle_part_retry(membership=request.membership, part=part, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("This document of the bundle is being prepared again."))
    return redirect(_list_url(part.report))


# --- the number register ------------------------------------------------------------------------------


# The year from the query (`?tahun=`, one of the years with a sequence, else the latest).
@membership_required(*REGISTER_READERS)
def number_register_page(request):
    madrasah = request.membership.madrasah
    years = register_years(madrasah=madrasah)
    asked = request.GET.get("tahun", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years else timezone.localdate().year)
    kinds = load_all()
    entries = [
        (entry, kinds[entry.kind].label if entry.kind in kinds else entry.kind)
        for entry in number_register(madrasah=madrasah, year=year)
    ]
    return render(request, "laporan/reports/number_register.html", {"year": year, "years": years, "entries": entries})


# --- revisions, signed copies and amending decrees -----------------------------------------------------


def _revisions_page(request, report, *, form=None, form_revision=None, status=200):
    membership = request.membership
    kind = document_kind(report.kind)
    context = {
        "report": report,
        "kind_label": kind.label if kind else report.kind,
        "revisions": report_revisions(report=report),
        "readable": kind is not None and may_read(membership, kind, report.teacher_id),
        "may_sign": membership.has_role(*SIGNED_COPY_UPLOADERS),
        "may_amend": bool(kind and kind.decree and report.status == "done" and membership.has_role(*DECREE_ENACTORS)),
        "form": form or SignedCopyForm(),
        "blank_form": SignedCopyForm(),
        "form_revision": form_revision,
    }
    return render(request, "laporan/reports/revisions.html", context, status=status)


@membership_required()
def report_revisions_page(request, pk: int):
    """Every revision of a document (newest first), each with its signed copy first, its SHA-256 and
    the upload of the signed copy (Kepala, operator)."""
    membership = request.membership
    if membership.has_role(*SIGNED_COPY_UPLOADERS):
        report = report_of_madrasah(membership, pk)
    else:
        report = report_for_user(membership, pk)
    _log_opening(request, report)  # the page names the teacher whose record it lists
    return _revisions_page(request, report)


@membership_required()
def report_revision_download(request, pk: int, revision: int):
    found = report_revision_for_user(request.membership, pk, revision)
    if not found.file:
        raise Http404
    _log_opening(request, found.report)
    name = _download_name(found.report).replace(".", f"-revisi-{found.revision}.", 1)
    return protected_file_response(found.file, filename=name)


@membership_required()
def report_signed_download(request, pk: int, revision: int):
    found = report_revision_for_user(request.membership, pk, revision)
    if not found.signed_copy:
        raise Http404
    _log_opening(request, found.report)
    suffix = PurePosixPath(found.signed_copy.name).suffix
    name = _download_name(found.report, f"-revisi-{found.revision}-ttd{suffix}")
    return protected_file_response(found.signed_copy, filename=name)


@require_POST
@membership_required(*SIGNED_COPY_UPLOADERS)
def report_signed_upload(request, pk: int, revision: int):
    found = report_revision_for_user(request.membership, pk, revision, sign=True)
    form = SignedCopyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            revision_sign(revision=found, upload=form.cleaned_data["file"], user=request.user)
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The signed copy is stored; the archive now shows it first."))
            return redirect("laporan:report-revisions", pk=pk)
    return _revisions_page(request, found.report, form=form, form_revision=found.revision, status=400)


@require_POST
@membership_required(*DECREE_ENACTORS)
def report_amend(request, pk: int):
    report = report_for_user(request.membership, pk)
    try:
        amendment = decree_amend(membership=request.membership, report=report, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("laporan:report-revisions", pk=pk)
    messages.success(
        request,
        _("The amending decree number %(number)s is being prepared.") % {"number": amendment.number},
    )
    return redirect(_list_url(amendment))
