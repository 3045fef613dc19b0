"""Filters and tags of the PDF templates (`{% load laporan_pdf %}`): numbers and NIPs as printed."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from madrasah.identifiers import format_nip

from ..dashboard.rules import cell_text
from ..documents.rules import page_counter_css

register = template.Library()


@register.filter
def cell(value) -> str:
    """A number as the dashboard writes it (`82,50`, `12`, `–` for nothing): the same function."""
    return cell_text(value)


@register.filter
def nip(value) -> str:
    """`19700101 199803 1 002` (8-6-1-3), or `-` when there is none."""
    return format_nip(value) if value else "-"


@register.simple_tag
def page_counter() -> str:
    """The CSS `content:` value of the page footer: "Halaman x dari y"."""
    return mark_safe(page_counter_css())  # noqa: S308 - built from a translation with quotes escaped  # nosec B308 B703
