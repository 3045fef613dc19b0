"""Rupiah for people (`Rp 1.250.000`) in the money pages; machines read `unlocalize`d numbers."""

from __future__ import annotations

from decimal import Decimal

from django import template

from madrasah.charts import format_decimal_id

register = template.Library()


def rupiah_text(value) -> str:
    """`Rp 1.250.000`, `Rp 1.250.000,50` when there are cents, `-Rp 50.000` below zero; "" for None."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    places = 0 if number == number.to_integral_value() else 2
    text = format_decimal_id(abs(number), places)
    return f"-Rp {text}" if number < 0 else f"Rp {text}"


@register.filter
def rupiah(value) -> str:
    return rupiah_text(value)


@register.filter
def percent_id(value) -> str:
    """`37,50%`; "" for None (the template says "belum ada data" itself)."""
    if value is None:
        return ""
    return f"{format_decimal_id(value, 2)}%"
