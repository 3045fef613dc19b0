"""Template helpers for the workflow parts of the observation page (`_actions.html`, `_history.html`),
which the observation views include with only `observation`, `result`, `membership` and `events`."""

from __future__ import annotations

from django import template

from ..supervision.selectors.observations import Actions
from ..supervision.selectors.observations import observation_actions as actions_of
from ..supervision.selectors.observations import observation_history as history_of

register = template.Library()

STATE_BADGES = {
    "draft": "text-bg-secondary",
    "diajukan": "text-bg-info",
    "diterima": "text-bg-success",
    "klarifikasi": "text-bg-warning",
    "dianggap": "text-bg-light border",
    "final": "text-bg-success",
}


@register.simple_tag(takes_context=True)
def observation_actions(context, observation, result=None) -> Actions:
    membership = context.get("membership")
    if membership is None:
        return Actions()
    return actions_of(observation=observation, membership=membership, result=result)


@register.simple_tag
def observation_history(observation, events=None) -> list[dict]:
    return history_of(observation=observation, events=events)


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-secondary")
