"""A PKG appraisal's page: the scoring sheet, the evidence, the teacher's self-evaluation and the
protected evidence download.

Who sees what (docs/domain.md §7 "The four competencies and the PKG instrument": PKG is high-stakes
and confidential): an appraisal only the teacher, the assessor and the Kepala (`appraisal_for_user`;
others 404). The teacher sees the assessor's scores once the appraisal leaves "proses" (before that
they are a draft), and always sees his own self-evaluation and the evidence. Every number comes from
`selectors.results.appraisal_result` (score_pkg on the stored scores).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kompetensi.instruments.rules import for_display
from kompetensi.instruments.selectors import instrument_version_sheet
from madrasah import ids
from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.formatting import format_decimal_id
from madrasah.models import AccessKind
from madrasah.versioning import StaleVersion, VersionForm

from ...access import appraisal_for_user
from ...models import Appraisal, AppraisalEvidence, AppraisalStage, Item
from ..rules import points_allowed
from ..selectors import pages
from ..selectors.results import AppraisalResult, appraisal_result, supervision_records_for
from ..selectors.setup import user_display_name
from ..services.scores import appraisal_evidence_add, appraisal_scores_save, self_evaluation_save

# --- helpers ----------------------------------------------------------------------------------------


def _number(value) -> str:
    return format_decimal_id(for_display(value))


def result_display(result: AppraisalResult) -> dict:
    """What `_result.html` shows: per competency and in total, numbers the Indonesian way."""
    competencies = []
    for progress in result.sections:
        competencies.append(
            {
                "section": progress.section,
                "scored": progress.scored,
                "count": progress.count,
                "percentage": _number(progress.result.percentage) if progress.result else "",
                "score": progress.result.score if progress.result else None,
            }
        )
    shown = {
        "competencies": competencies,
        "scored": result.scored,
        "count": result.count,
        "complete": result.complete,
        "pkkm": result.pkkm,
    }
    if result.pkg is not None:
        shown.update(
            total=result.pkg.total,
            maximum=result.pkg.maximum,
            nilai=_number(result.pkg.nilai),
            predikat=result.pkg.predikat or "",
        )
    return shown


def _scores_from_post(data) -> dict:
    """{item id: {"points": raw, "note": raw}} from `item-<id>` and `note-<id>` fields; a note field
    left out keeps the stored note. The service checks items and values."""
    scores: dict = {}
    for key in data:
        prefix, _sep, raw_id = key.partition("-")
        if prefix not in ("item", "note") or not raw_id:
            continue
        entry = scores.setdefault(raw_id, {})
        entry["points" if prefix == "item" else "note"] = data.get(key)
    return scores


def _choices(appraisal: Appraisal) -> list[tuple[str, str]]:
    version = appraisal.instrument_version
    return [(str(v), version.label_for(v)) for v in points_allowed(version.instrument.kind)]


def _is_teacher(membership, appraisal: Appraisal) -> bool:
    return membership.staff_id is not None and membership.staff_id == appraisal.teacher_id


def _score_text(version, points, note: str) -> str:
    if points is None:
        shown = "–"
    else:
        label = version.label_for(points)
        shown = f"{points} — {label}" if label else str(points)
    return f"{shown} · {note}" if note else shown


def _conflict_rows(appraisal: Appraisal, error: StaleVersion) -> list[dict]:
    """Per indicator the refused form would change: the stored score (and note) and the typed one."""
    version = appraisal.instrument_version
    items = Item.objects.select_related("section").in_bulk([change["item"] for change in error.changes])
    rows = []
    for change in error.changes:
        item = items[change["item"]]
        rows.append(
            {
                "label": f"{item.section.title}: {item.text}",
                "stored": _score_text(version, *change["stored"]),
                "mine": _score_text(version, *change["mine"]),
            }
        )
    return rows


def _detail_page(request, appraisal: Appraisal, *, errors=(), posted=None, status=200, conflict=None, token=None):
    membership = request.membership
    is_teacher = _is_teacher(membership, appraisal)
    result = appraisal_result(appraisal=appraisal)
    events = appraisal.events.select_related("actor")
    can_score = appraisal.assessor_id == request.user.pk and appraisal.stage == AppraisalStage.IN_PROGRESS
    return render(
        request,
        "kompetensi/appraisal/detail.html",
        {
            "appraisal": appraisal,
            "version": appraisal.instrument_version,
            "sections": pages.appraisal_sheet(appraisal, posted=posted),
            "choices": _choices(appraisal),
            "result": result,
            "shown": result_display(result),
            "membership": membership,
            "events": events,
            "actions": pages.appraisal_actions(appraisal=appraisal, membership=membership),
            "history": pages.appraisal_history(appraisal=appraisal, events=events),
            "errors": errors,
            "can_score": can_score,
            # The assessor's scores are a draft while "proses": the teacher sees them once submitted.
            "show_scores": not (is_teacher and appraisal.stage == AppraisalStage.IN_PROGRESS),
            "is_teacher": is_teacher,
            "can_self": is_teacher and appraisal.stage != AppraisalStage.APPROVED,
            "self_evaluation": pages.self_evaluation_of(appraisal),
            "records": supervision_records_for(appraisal=appraisal) if can_score else [],
            "assessor_name": user_display_name(user=appraisal.assessor, madrasah_id=appraisal.madrasah_id),
            # The version token the scoring form sends back; after a conflict, the stored one (saving
            # again is then the assessor's choice to keep the typed scores) and no autosave.
            "version_token": appraisal.revision if token is None else token,
            "conflict": conflict,
        },
        status=status,
    )


# --- appraisal ------------------------------------------------------------------------------------------


@never_cache
@membership_required()
def detail(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk)
    access_log_record(
        viewer=request.membership,
        teacher_id=appraisal.teacher_id,
        kind=AccessKind.APPRAISAL,
        what=f"PKG {appraisal.period.academic_year.name}",
        path=request.get_full_path(),
    )
    return _detail_page(request, appraisal)


@require_POST
@membership_required()
def score(request, pk: int):
    """The assessor saves indicator scores and notes (plain form → redirect; htmx → the live result
    partial, with the new version token). A score outside 0/1/2 or an indicator of another
    instrument: 400, nothing written. A form opened on an older revision than the stored one (another
    device, another person): nothing written, the sheet comes back with the typed scores, the stored
    ones beside them and the stored token (409; to htmx a 200 that replaces the whole sheet, since
    htmx swaps no 4xx)."""
    appraisal = appraisal_for_user(request.membership, pk, action="score")
    scores = _scores_from_post(request.POST)
    token = VersionForm(request.POST, version=appraisal.revision)
    try:
        if not token.is_valid():
            raise ApplicationError(str(token.errors["version"][0]))
        saved = appraisal_scores_save(
            appraisal=appraisal, user=request.user, scores=scores, version=token.expected_version
        )
    except StaleVersion as error:
        appraisal.refresh_from_db()
        response = _detail_page(
            request,
            appraisal,
            errors=[error.message],
            posted=scores,
            status=200 if request.htmx else 409,
            conflict=_conflict_rows(appraisal, error),
            token=error.current,
        )
        if request.htmx:
            response["HX-Retarget"] = "#pkg-sheet"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Reselect"] = "#pkg-sheet"
        return response
    except ApplicationError as error:
        if request.htmx:
            result = appraisal_result(appraisal=appraisal)
            return render(
                request,
                "kompetensi/appraisal/_result.html",
                {"appraisal": appraisal, "shown": result_display(result), "errors": [error.message]},
                status=400,
            )
        return _detail_page(request, appraisal, errors=[error.message], posted=scores, status=400)
    if request.htmx:
        return render(
            request,
            "kompetensi/appraisal/_result.html",
            {"appraisal": appraisal, "shown": result_display(saved.result), "oob_version": saved.revision},
        )
    messages.success(request, _("Saved."))
    return redirect("kompetensi:appraisal-detail", appraisal.pk)


@require_POST
@membership_required()
def evidence_add(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk, action="score")
    section_id = ids.id_from(request.POST.get("section"))
    try:
        appraisal_evidence_add(
            appraisal=appraisal,
            user=request.user,
            section_id=section_id or 0,
            note=request.POST.get("note", ""),
            upload=request.FILES.get("file"),
            observation_id=ids.id_from(request.POST.get("observation")),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Evidence added."))
    url = reverse("kompetensi:appraisal-detail", args=[appraisal.pk])
    return redirect(f"{url}#kompetensi-{section_id}" if section_id else url)


@membership_required()
def evidence_download(request, pk: int):
    """A PKG document, to whoever may read its appraisal (the teacher, the assessor, the Kepala)."""
    evidence = get_object_or_404(
        AppraisalEvidence.objects.only("pk", "appraisal_id", "file", "original_name"),
        pk=pk,
        appraisal__madrasah_id=request.membership.madrasah_id,
    )
    appraisal = appraisal_for_user(request.membership, evidence.appraisal_id)
    if not evidence.file:
        raise Http404
    access_log_record(
        viewer=request.membership,
        teacher_id=appraisal.teacher_id,
        kind=AccessKind.DOCUMENT,
        what=f"PKG {appraisal.period.academic_year.name}: {evidence.original_name}",
        path=request.get_full_path(),
    )
    return protected_file_response(evidence.file, filename=evidence.original_name)


@never_cache
@membership_required()
def self_evaluation(request, pk: int):
    """The teacher's own 0/1/2 per indicator and a reflection (optional; until approval)."""
    appraisal = appraisal_for_user(request.membership, pk, action="self")
    errors = []
    posted = None
    if request.method == "POST":
        posted = _scores_from_post(request.POST)
        try:
            self_evaluation_save(
                appraisal=appraisal,
                user=request.user,
                scores={k: {"points": v.get("points")} for k, v in posted.items() if "points" in v},
                reflection=request.POST.get("reflection", ""),
            )
        except ApplicationError as error:
            errors.append(error.message)
        else:
            messages.success(request, _("Self-evaluation saved."))
            return redirect("kompetensi:appraisal-detail", appraisal.pk)
    evaluation = pages.self_evaluation_of(appraisal)
    scores = dict((evaluation.scores if evaluation else {}) or {})
    if posted:
        scores.update({k: v.get("points") for k, v in posted.items() if "points" in v})
    sections = [
        SimpleNamespace(
            section=section,
            items=[SimpleNamespace(item=item, value=str(scores.get(str(item.pk), ""))) for item in section.items.all()],
        )
        for section in instrument_version_sheet(version=appraisal.instrument_version)
    ]
    return render(
        request,
        "kompetensi/appraisal/self_form.html",
        {
            "appraisal": appraisal,
            "sections": sections,
            "choices": _choices(appraisal),
            "reflection": request.POST.get("reflection")
            if posted is not None
            else getattr(evaluation, "reflection", ""),
            "errors": errors,
            "closed": appraisal.stage == AppraisalStage.APPROVED,
        },
        status=400 if errors else 200,
    )


urlpatterns = [
    path("pkg/<int:pk>/", detail, name="appraisal-detail"),
    path("pkg/<int:pk>/nilai/", score, name="appraisal-score"),
    path("pkg/<int:pk>/bukti/", evidence_add, name="appraisal-evidence-add"),
    path("pkg/<int:pk>/evaluasi-diri/", self_evaluation, name="appraisal-self"),
    path("pkg/bukti/<int:pk>/unduh/", evidence_download, name="appraisal-evidence-download"),
]
