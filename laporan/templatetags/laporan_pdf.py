"""Filters and tags of the PDF templates (`{% load laporan_pdf %}`): numbers and NIPs as printed."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from madrasah.identifiers import IDENTIFIER_HEADING, StaffIdentifier, format_nip, identifier_cell_text

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


def _identifier_of(value) -> StaffIdentifier:
    if isinstance(value, StaffIdentifier):
        return value
    return getattr(value, "identifier", None) or StaffIdentifier()


@register.filter
def identifier(value) -> str:
    """A person's identifier with its label, never broken over two lines: `NIP. 19700101 199803 1 002`,
    `NIGNP. 123…`, `PegID. 352…`, `NIP. -` for none. `value`: a StaffIdentifier, or anything with
    an `identifier` (a Staff, a Person)."""
    return format_html('<span class="id">{}</span>', str(_identifier_of(value)))


@register.filter
def identifier_cell(value) -> str:
    """The same in a table column headed `identifier_heading`: a NIP bare, any other with its label."""
    return format_html('<span class="id">{}</span>', identifier_cell_text(_identifier_of(value)))


@register.simple_tag
def identifier_heading() -> str:
    return IDENTIFIER_HEADING


@register.simple_tag
def page_counter() -> str:
    """The CSS `content:` value of the page footer: "Halaman x dari y"."""
    return mark_safe(page_counter_css())  # noqa: S308 - built from a translation with quotes escaped  # nosec B308 B703
