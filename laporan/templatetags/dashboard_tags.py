"""Filters of the dashboard's templates: they format numbers only (the page is composed in the views)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from kompetensi.instruments.rules import for_display
from madrasah import formatting
from madrasah.formatting import format_decimal_id

register = template.Library()


@register.filter
def id_decimal(value) -> str:
    """`82,50`: rounded for display only, Indonesian separators."""
    if value is None:
        return ""
    return format_decimal_id(for_display(value if isinstance(value, Decimal) else Decimal(value)))


@register.filter
def raw_number(value) -> str:
    """For data attributes: a dot decimal, rounded for display, whatever the active language."""
    return formatting.raw_number(value)
