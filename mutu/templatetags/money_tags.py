"""Rupiah for people (`Rp 1.250.000`) in the money pages; machines read `unlocalize`d numbers."""

from __future__ import annotations

from django import template

from madrasah.charts import format_decimal_id
from mutu import selectors

register = template.Library()


@register.filter
def rupiah(value) -> str:
    return selectors.rupiah(value)


@register.filter
def percent_id(value) -> str:
    """`37,50%`; "" for None (the template says "belum ada data" itself)."""
    if value is None:
        return ""
    return f"{format_decimal_id(value, 2)}%"
