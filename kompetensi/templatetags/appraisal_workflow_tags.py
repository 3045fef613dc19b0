"""Template helpers for the workflow parts of the appraisal page (`appraisal/_actions.html`,
`appraisal/_history.html`), which the appraisal detail page includes with only `appraisal`,
`result`, `membership` and `events`. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.models import Membership, Role

from ..appraisal.transitions import APPROVABLE, CLARIFIABLE, REOPENABLE, SIGNABLE, S, appraisal_unscored_count
from ..models import Appraisal, AppraisalStage, Item
from ..workflow.common import history_rows, shorten

register = template.Library()

STAGE_BADGES = {
    S.IN_PROGRESS: "text-bg-secondary",
    S.SUBMITTED: "text-bg-info",
    S.SIGNED: "text-bg-primary",
    S.CLARIFICATION: "text-bg-warning",
    S.APPROVED: "text-bg-success",
}

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


@dataclass
class AppraisalActions:
    """What the current member may do on an appraisal now (drives `_actions.html`)."""

    submit: bool = False
    unscored: int = 0
    sign: bool = False
    clarify: bool = False
    approve: bool = False
    approve_waits_for_signature: bool = False
    needs_confirmation: bool = False
    reopen: bool = False
    own: bool = False


def appraisal_actions(*, appraisal: Appraisal, membership: Membership) -> AppraisalActions:
    stage = appraisal.stage
    is_teacher = membership.staff_id is not None and membership.staff_id == appraisal.teacher_id
    is_assessor = appraisal.assessor_id == membership.user_id
    manager = membership.has_role(Role.KEPALA) and not is_teacher
    actions = AppraisalActions(own=is_teacher)
    if is_assessor and stage == S.IN_PROGRESS:
        actions.submit = True
        actions.unscored = appraisal_unscored_count(appraisal)
    actions.sign = is_teacher and stage in SIGNABLE
    actions.clarify = is_teacher and stage in CLARIFIABLE
    if manager and stage in APPROVABLE:
        actions.approve = True
        actions.needs_confirmation = stage == S.CLARIFICATION
    actions.approve_waits_for_signature = manager and stage == S.SUBMITTED
    actions.reopen = manager and stage in REOPENABLE
    return actions


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


@register.simple_tag(takes_context=True)
def appraisal_actions_for(context, appraisal) -> AppraisalActions:
    membership = context.get("membership")
    if membership is None:
        return AppraisalActions()
    return appraisal_actions(appraisal=appraisal, membership=membership)


@register.simple_tag
def appraisal_history_for(appraisal, events=None) -> list[dict]:
    return appraisal_history(appraisal=appraisal, events=events)


@register.filter
def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "text-bg-secondary")
