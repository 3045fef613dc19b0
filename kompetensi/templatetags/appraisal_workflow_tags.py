"""Formatting for the workflow parts of the appraisal page (`appraisal/_actions.html`): the colour of
a stage's badge. What the member may do and the history are composed by the view
(`kompetensi.appraisal.selectors.pages`)."""

from __future__ import annotations

from django import template

from ..appraisal.rules import S

register = template.Library()

STAGE_BADGES = {
    S.IN_PROGRESS: "text-bg-secondary",
    S.SUBMITTED: "text-bg-info",
    S.SIGNED: "text-bg-primary",
    S.CLARIFICATION: "text-bg-warning",
    S.APPROVED: "text-bg-success",
}


@register.filter
def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "text-bg-secondary")
