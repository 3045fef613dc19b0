"""Rupiah and percentages for people in the money pages; machines read `unlocalize`d numbers."""

from __future__ import annotations

from django import template

from madrasah import formatting

register = template.Library()


@register.filter
def rupiah(value) -> str:
    return formatting.rupiah(value)


@register.filter
def percent_id(value) -> str:
    """`37,50%`; "" for None (the template says "belum ada data" itself)."""
    return formatting.percent_id(value)
