"""PKG (yearly teacher performance appraisal): the period and its assessors, the scoring page, the
teacher's self-evaluation and the protected evidence download.

Who sees what (docs/domain.md §7: PKG is high-stakes and confidential):
- the period list and page: the Kepala (all teachers, with Nilai PKG and predikat) and the Waka (all
  teachers' assessors and stages, but no scores); an assessor who is neither sees only the teachers
  assigned to him, with their scores;
- an appraisal: only the teacher, the assessor and the Kepala (`appraisal_for_user`; others 404).
  The teacher sees the assessor's scores once the appraisal leaves "proses" (before that they are a
  draft), and always sees his own self-evaluation and the evidence.
Every number comes from `appraisal.scoring.appraisal_result` (score_pkg on the stored scores).
"""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madrasah import ids
from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, AccessKind, Role, Staff, User
from madrasah.versioning import StaleVersion, VersionForm

from .. import selectors
from ..access import appraisal_for_user, appraisal_period_for_user
from ..appraisal import figures, setup
from ..appraisal import scoring as pkg
from ..models import Appraisal, AppraisalEvidence, AppraisalPeriod, AppraisalStage, Item
from ..scoring import for_display

# --- helpers ----------------------------------------------------------------------------------------


def _can_list_periods(membership) -> bool:
    return (
        membership.has_role(Role.KEPALA, Role.WAKA)
        or Appraisal.objects.filter(madrasah_id=membership.madrasah_id, assessor_id=membership.user_id).exists()
    )


def _number(value) -> str:
    return format_decimal_id(for_display(value))


def result_display(result: pkg.AppraisalResult) -> dict:
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
    shown = {"competencies": competencies, "scored": result.scored, "count": result.count, "complete": result.complete}
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


def _is_teacher(membership, appraisal: Appraisal) -> bool:
    return membership.staff_id is not None and membership.staff_id == appraisal.teacher_id


def _sheet(appraisal: Appraisal, *, posted: dict | None = None) -> list[SimpleNamespace]:
    """Competencies with their indicators: the stored (or just posted) score and note, the teacher's
    self-evaluation score, and the evidence of the competency."""
    version = appraisal.instrument_version
    stored = {s.item_id: s for s in appraisal.scores.all()}
    self_scores = getattr(_self_evaluation(appraisal), "scores", {}) or {}
    evidence: dict[int, list] = {}
    for item in appraisal.evidence.select_related("observation__instrument_version__instrument"):
        evidence.setdefault(item.section_id, []).append(item)
    posted = posted or {}
    sections = []
    for section in selectors.instrument_version_sheet(version=version):
        lines = []
        for item in section.items.all():
            score = stored.get(item.pk)
            value = "" if score is None or score.points is None else str(score.points)
            note = score.note if score else ""
            if str(item.pk) in posted:
                value = str(posted[str(item.pk)].get("points", value) or "")
                note = str(posted[str(item.pk)].get("note", note) or "")
            own = self_scores.get(str(item.pk))
            lines.append(
                SimpleNamespace(
                    item=item,
                    value=value,
                    label=version.label_for(int(value)) if value in ("0", "1", "2") else "",
                    note=note,
                    self_value="" if own is None else str(own),
                )
            )
        sections.append(SimpleNamespace(section=section, items=lines, evidence=evidence.get(section.pk, [])))
    return sections


def _self_evaluation(appraisal: Appraisal):
    try:
        return appraisal.self_evaluation
    except Appraisal.self_evaluation.RelatedObjectDoesNotExist:
        return None


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
    result = pkg.appraisal_result(appraisal=appraisal)
    can_score = appraisal.assessor_id == request.user.pk and appraisal.stage == AppraisalStage.IN_PROGRESS
    return render(
        request,
        "kompetensi/appraisal/detail.html",
        {
            "appraisal": appraisal,
            "version": appraisal.instrument_version,
            "sections": _sheet(appraisal, posted=posted),
            "choices": [(str(v), appraisal.instrument_version.label_for(v)) for v in pkg.PKG_POINTS],
            "result": result,
            "shown": result_display(result),
            "membership": membership,
            "events": appraisal.events.select_related("actor"),
            "errors": errors,
            "can_score": can_score,
            # The assessor's scores are a draft while "proses": the teacher sees them once submitted.
            "show_scores": not (is_teacher and appraisal.stage == AppraisalStage.IN_PROGRESS),
            "is_teacher": is_teacher,
            "can_self": is_teacher and appraisal.stage != AppraisalStage.APPROVED,
            "self_evaluation": _self_evaluation(appraisal),
            "records": pkg.supervision_records_for(appraisal=appraisal) if can_score else [],
            "assessor_name": setup.user_display_name(user=appraisal.assessor, madrasah_id=appraisal.madrasah_id),
            # The version token the scoring form sends back; after a conflict, the stored one (saving
            # again is then the assessor's choice to keep the typed scores) and no autosave.
            "version_token": appraisal.revision if token is None else token,
            "conflict": conflict,
        },
        status=status,
    )


# --- period -------------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    academic_year = ids.ModelChoiceField(queryset=AcademicYear.objects.none(), label=gettext_lazy("Academic year"))
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, madrasah_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.filter(madrasah_id=madrasah_id)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


@membership_required()
def period_list(request):
    """PKG periods per academic year, and the appraisals the user assesses."""
    membership = request.membership
    if not _can_list_periods(membership):
        raise PermissionDenied
    periods = AppraisalPeriod.objects.filter(madrasah_id=membership.madrasah_id).select_related("academic_year")
    if not membership.has_role(Role.KEPALA, Role.WAKA):
        periods = periods.filter(appraisals__assessor_id=request.user.pk).distinct()
    assessing = (
        Appraisal.objects.filter(madrasah_id=membership.madrasah_id, assessor_id=request.user.pk)
        .select_related("teacher", "period__academic_year")
        .order_by("-period__academic_year__start_year", "teacher__name")
    )
    return render(
        request,
        "kompetensi/appraisal/period_list.html",
        {"periods": periods, "assessing": assessing, "can_create": membership.has_role(Role.KEPALA)},
    )


@membership_required(Role.KEPALA)
def period_create(request):
    membership = request.membership
    initial = {}
    active = membership.madrasah.semesters.filter(is_active=True).select_related("academic_year").first()
    if active:
        year = active.academic_year
        initial = {"academic_year": year.pk, "start_date": year.start_date, "end_date": year.end_date}
    form = PeriodForm(request.POST or None, madrasah_id=membership.madrasah_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = setup.appraisal_period_create(
                madrasah_id=membership.madrasah_id, user=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("PKG period created. Now assign an assessor to each teacher."))
            return redirect("kompetensi:appraisal-period-detail", period.pk)
    return render(request, "kompetensi/appraisal/period_form.html", {"form": form})


@membership_required()
def period_detail(request, pk: int):
    membership = request.membership
    period = appraisal_period_for_user(membership, pk)
    rows = setup.appraisal_period_overview(period=period, membership=membership)
    is_kepala = membership.has_role(Role.KEPALA)
    candidates = setup.assessor_candidates(madrasah_id=period.madrasah_id) if is_kepala else []
    if is_kepala:
        kepala_ids = setup._kepala_staff_ids(period.madrasah_id)
        for row in rows:
            appraisal = row["appraisal"]
            if appraisal is None or appraisal.stage == AppraisalStage.IN_PROGRESS:
                teacher = row["teacher"]
                row["choices"] = (
                    [c for c in candidates if c.pengawas and c.staff_id != teacher.pk]
                    if teacher.pk in kepala_ids
                    else [c for c in candidates if c.teacher and c.staff_id != teacher.pk]
                )
    for row in rows:
        appraisal = row["appraisal"]
        row["nilai"] = _number(appraisal.nilai) if appraisal and row["show_scores"] else ""
    return render(
        request,
        "kompetensi/appraisal/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "is_kepala": is_kepala,
            "bulk_choices": [c for c in candidates if c.teacher],
            "unassigned": sum(1 for row in rows if row["appraisal"] is None),
            "frozen_at": figures.pkg_frozen_at(period_id=period.pk),
        },
    )


@require_POST
@membership_required()
def assign(request, pk: int):
    """The Kepala assigns (or changes) one teacher's assessor."""
    period = appraisal_period_for_user(request.membership, pk, write=True)
    back = redirect("kompetensi:appraisal-period-detail", period.pk)
    teacher = Staff.objects.filter(madrasah_id=period.madrasah_id, pk=ids.id_from(request.POST.get("teacher"))).first()
    assessor = User.objects.filter(
        pk=ids.id_from(request.POST.get("assessor")), memberships__madrasah_id=period.madrasah_id
    ).first()
    if teacher is None or assessor is None:
        messages.error(request, _("Choose a teacher and an assessor."))
        return back
    try:
        setup.appraisal_assign(period=period, teacher=teacher, assessor=assessor, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assessor assigned for %(name)s.") % {"name": teacher.full_name})
    return back


@require_POST
@membership_required()
def assign_bulk(request, pk: int):
    """The Kepala gives every teacher without an assessor to one assessor (himself or the Waka)."""
    period = appraisal_period_for_user(request.membership, pk, write=True)
    back = redirect("kompetensi:appraisal-period-detail", period.pk)
    assessor = User.objects.filter(
        pk=ids.id_from(request.POST.get("assessor")), memberships__madrasah_id=period.madrasah_id
    ).first()
    if assessor is None:
        messages.error(request, _("Choose an assessor."))
        return back
    done = setup.appraisal_assign_unassigned(period=period, assessor=assessor, user=request.user)
    if done.assigned:
        messages.success(request, _("%(count)s teachers assigned.") % {"count": len(done.assigned)})
    for problem in done.problems:
        messages.warning(request, problem)
    return back


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
        saved = pkg.appraisal_scores_save(
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
            result = pkg.appraisal_result(appraisal=appraisal)
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
        pkg.appraisal_evidence_add(
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
            pkg.self_evaluation_save(
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
    evaluation = _self_evaluation(appraisal)
    scores = dict((evaluation.scores if evaluation else {}) or {})
    if posted:
        scores.update({k: v.get("points") for k, v in posted.items() if "points" in v})
    sections = [
        SimpleNamespace(
            section=section,
            items=[SimpleNamespace(item=item, value=str(scores.get(str(item.pk), ""))) for item in section.items.all()],
        )
        for section in selectors.instrument_version_sheet(version=appraisal.instrument_version)
    ]
    return render(
        request,
        "kompetensi/appraisal/self_form.html",
        {
            "appraisal": appraisal,
            "sections": sections,
            "choices": [(str(v), appraisal.instrument_version.label_for(v)) for v in pkg.PKG_POINTS],
            "reflection": request.POST.get("reflection")
            if posted is not None
            else getattr(evaluation, "reflection", ""),
            "errors": errors,
            "closed": appraisal.stage == AppraisalStage.APPROVED,
        },
        status=400 if errors else 200,
    )


urlpatterns = [
    path("pkg/", period_list, name="appraisal-period-list"),
    path("pkg/periode/baru/", period_create, name="appraisal-period-create"),
    path("pkg/periode/<int:pk>/", period_detail, name="appraisal-period-detail"),
    path("pkg/periode/<int:pk>/penilai/", assign, name="appraisal-assign"),
    path("pkg/periode/<int:pk>/penilai-semua/", assign_bulk, name="appraisal-assign-bulk"),
    path("pkg/<int:pk>/", detail, name="appraisal-detail"),
    path("pkg/<int:pk>/nilai/", score, name="appraisal-score"),
    path("pkg/<int:pk>/bukti/", evidence_add, name="appraisal-evidence-add"),
    path("pkg/<int:pk>/evaluasi-diri/", self_evaluation, name="appraisal-self"),
    path("pkg/bukti/<int:pk>/unduh/", evidence_download, name="appraisal-evidence-download"),
]
