"""The start link of a first-login slip (`madrasah/_slip.html`) and its QR code.

Slips are built by five views (staff, pengawas, installation, the slips page, and the setup wizard), each
as `{staff or name, user, username, password}`; the link is composed here, once for all of them, by the
accounts selector, from the slip's user (no query).
"""

from __future__ import annotations

import segno
from django import template
from django.utils.safestring import mark_safe

from ..accounts.selectors import slip_start_link

register = template.Library()


@register.simple_tag(takes_context=True)
def slip_start(context, slip: dict) -> dict | None:
    return slip_start_link(request=context["request"], user=slip["user"])


@register.filter
def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url`: black modules on the page's white, no script, no style (CSP)."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=3, border=2, svgclass="slip-qr", lineclass=None, title=None)
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703 # segno's path of the modules: no text of the URL
