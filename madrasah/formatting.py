"""Numbers for people and for machines, in one place.

People read Indonesian figures (`1.234,50`, `Rp 1.250.000`, `37,50%`) whatever language the page is
in, because the official documents and the dashboard must show the same figures. Machines (data
attributes, SVG coordinates, inputs, tests) read a dot decimal that no active locale can change.
Rounding is half up, as report cards do; it is applied only when a number is shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = Decimal | float | int

TWO_PLACES = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_decimal_id(value: Number | None, places: int = 2) -> str:
    """A number written the Indonesian way: comma decimal, dot thousands (`1.234,50`).

    Rounds half up. `None` (or something that is not a finite number) gives "".
    """
    number = _decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-places) if places > 0 else Decimal(1)
    try:
        number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return ""
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    if places > 0:
        text += "," + fraction.ljust(places, "0")[:places]
    if sign and set(text) <= {"0", ".", ","}:
        sign = ""  # no "-0,00"
    return sign + text


def raw_number(value) -> str:
    """A number for machines (data attributes, tests): a dot decimal with two places, half up; an
    integer stays an integer; "" for None, text or anything that is not a finite number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return ""
    number = _decimal(value)
    if number is None:
        return ""
    return str(number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def rupiah(value: Number | str | None) -> str:
    """Rupiah for people: `Rp 1.250.000`, `Rp 1.250.000,50` when there are cents, `-Rp 50.000` below
    zero (a business unit's net); "" for None."""
    number = _decimal(value)
    if number is None:
        return ""
    places = 0 if number == number.to_integral_value() else 2
    text = format_decimal_id(abs(number), places)
    return f"-Rp {text}" if number < 0 else f"Rp {text}"


def percent_id(value: Number | None, places: int = 2) -> str:
    """`37,50%`; "" for None (the page says "belum ada data" itself)."""
    text = format_decimal_id(value, places)
    return f"{text}%" if text else ""
