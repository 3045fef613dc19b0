"""Formatting for the workflow parts of the observation pages: the badge of a state. What a member may
do and the history are composed by the views (`actions`, `history`)."""

from __future__ import annotations

from django import template

register = template.Library()

STATE_BADGES = {
    "draft": "text-bg-secondary",
    "diajukan": "text-bg-info",
    "diterima": "text-bg-success",
    "klarifikasi": "text-bg-warning",
    "dianggap": "text-bg-light border",
    "final": "text-bg-success",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-secondary")
