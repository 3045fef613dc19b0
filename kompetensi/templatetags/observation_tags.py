"""Template helpers for observation pages (used by `kompetensi/observation/_row_buttons.html`)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def observation_of(observations, version):
    """The observation among `observations` made with instrument `version`, or None."""
    return next((o for o in observations or () if o.instrument_version_id == version.pk), None)
