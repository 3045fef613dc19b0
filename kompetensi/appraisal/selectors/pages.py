"""What the appraisal page shows besides the result: the scoring sheet, the actions the member may
take now and the history (`appraisal/_actions.html`, `appraisal/_history.html`)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensi.instruments.selectors import instrument_version_sheet
from madrasah.models import Membership, Role
from madrasah.workflow import history_rows, shorten

from ...models import Appraisal, AppraisalStage, Item
from ..rules import AppraisalActions, S, appraisal_actions_in
from .results import appraisal_unscored_count

ACTION_LABELS = {
    "assigned": gettext_lazy("Assessor assigned"),
    "assessor_changed": gettext_lazy("Assessor changed"),
    "saved": gettext_lazy("Scores saved"),
    "scored": gettext_lazy("Scores saved"),
    "evidence_added": gettext_lazy("Evidence added"),
    "evidence_removed": gettext_lazy("Evidence removed"),
    "self_evaluation": gettext_lazy("Self-evaluation saved"),
    "submitted": gettext_lazy("Submitted to the teacher"),
    "signed": gettext_lazy("Signed as received by the teacher"),
    "clarification_requested": gettext_lazy("Clarification requested"),
    "approved": gettext_lazy("Approved"),
    "reopened": gettext_lazy("Reopened"),
}


def appraisal_actions(*, appraisal: Appraisal, membership: Membership | None) -> AppraisalActions:
    """What `membership` may do on the appraisal now (`rules.appraisal_actions_in`); the unscored
    indicators are counted only for the assessor of an appraisal in progress."""
    if membership is None:
        return AppraisalActions()
    is_assessor = appraisal.assessor_id == membership.user_id
    return appraisal_actions_in(
        stage=appraisal.stage,
        is_teacher=membership.staff_id is not None and membership.staff_id == appraisal.teacher_id,
        is_assessor=is_assessor,
        is_kepala=membership.has_role(Role.KEPALA),
        pengawas=membership.has_role(Role.PENGAWAS),
        unscored=appraisal_unscored_count(appraisal) if is_assessor and appraisal.stage == S.IN_PROGRESS else 0,
    )


def _indicator_numbers(appraisal: Appraisal) -> dict[int, str]:
    """Item id → "4.3" (competency number . indicator number), else the item's place in its section."""
    items = Item.objects.filter(section__version_id=appraisal.instrument_version_id).select_related(
        "indicator__competency", "section"
    )
    return {
        item.pk: (
            f"{item.indicator.competency.number}.{item.indicator.number}"
            if item.indicator_id
            else f"{item.section.order}.{item.order}"
        )
        for item in items
    }


def _stage_label(value) -> str:
    return str(AppraisalStage(value).label) if value in AppraisalStage.values else shorten(value)


def _change_line(change: dict, numbers: dict[int, str], people: dict[int, str]) -> str:
    what = change.get("what")
    before, after = change.get("from"), change.get("to")
    item = change.get("item")
    if item is not None or what in ("item", "note"):
        number = numbers.get(item)
        label = (
            _("Indicator %(number)s") % {"number": number} if number else _("An indicator no longer in the instrument")
        )
        if what == "note":
            return _("%(indicator)s: note changed") % {"indicator": label}
    elif what == "stage":
        label, before, after = _("Stage"), _stage_label(before), _stage_label(after)
    elif what == "assessor":
        label = _("Assessor")
        before, after = people.get(before, before), people.get(after, after)
    else:
        label = str(what or "")
        label = label[:1].upper() + label[1:]
    return f"{label}: {shorten(before)} → {shorten(after)}"


def appraisal_history(*, appraisal: Appraisal, events=None) -> list[dict]:
    """The events as lines to show: who, when, what, and each change ("Indikator 4.3: 1 → 2",
    "Tahap: Diajukan → Proses"), with the note (a reason, a response, a request)."""
    events = events if events is not None else appraisal.events.all()
    events = list(events.select_related("actor") if isinstance(events, QuerySet) else events)
    changes = [c for e in events for c in (e.changes or []) if isinstance(c, dict)]
    numbers = _indicator_numbers(appraisal) if any("item" in c for c in changes) else {}
    assessors = {v for c in changes if c.get("what") == "assessor" for v in (c.get("from"), c.get("to")) if v}
    return history_rows(
        events,
        madrasah_id=appraisal.madrasah_id,
        labels=ACTION_LABELS,
        change_line=lambda change, people: _change_line(change, numbers, people),
        extra_user_ids=assessors,
    )


def self_evaluation_of(appraisal: Appraisal):
    """The teacher's self-evaluation of the appraisal, or None."""
    try:
        return appraisal.self_evaluation
    except Appraisal.self_evaluation.RelatedObjectDoesNotExist:
        return None


def appraisal_sheet(appraisal: Appraisal, *, posted: dict | None = None) -> list[SimpleNamespace]:
    """Competencies with their indicators: the stored (or just posted) score and note, the teacher's
    self-evaluation score, and the evidence of the competency."""
    version = appraisal.instrument_version
    stored = {s.item_id: s for s in appraisal.scores.all()}
    self_scores = getattr(self_evaluation_of(appraisal), "scores", {}) or {}
    evidence: dict[int, list] = {}
    for item in appraisal.evidence.select_related("observation__instrument_version__instrument"):
        evidence.setdefault(item.section_id, []).append(item)
    posted = posted or {}
    sections = []
    for section in instrument_version_sheet(version=version):
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
