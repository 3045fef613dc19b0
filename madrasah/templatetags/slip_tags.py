"""The QR code of a first-login slip's start link (`madrasah/_slip.html`). The link itself is composed by
the five views that show slips (staff, pengawas, installation, the slips page, the setup wizard) through
`accounts.selectors.slips_with_start_links`."""

from __future__ import annotations

import segno
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url`: black modules on the page's white, no script, no style (CSP)."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=3, border=2, svgclass="slip-qr", lineclass=None, title=None)
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703 # segno's path of the modules: no text of the URL
