"""One cell's value, read as a number, a word or a text; a refused value raises `CellError` with the
reason in the reader's language. Pure."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .layout import NO, YES, CellError

INDICATOR_CODE = re.compile(r"^(\d{1,3})\s*\.\s*(\d{1,3})$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value, *, max_length: int, required: bool = True) -> str:
    if is_blank(value):
        if required:
            raise CellError(_("Fill this cell."))
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise CellError(_("Type text in this cell."))
    result = " ".join(str(value).split()) if not isinstance(value, str) else value.strip()
    if len(result) > max_length:
        raise CellError(_("At most %(max)s characters.") % {"max": max_length})
    return result


def read_decimal(value, *, places: int, minimum: Decimal, maximum: Decimal) -> Decimal:
    """A number with at most `places` decimals within [minimum, maximum]; a text cell may use a
    decimal comma ("2,5"). 1e400, NaN and words are refused."""
    if is_blank(value):
        raise CellError(_("Fill this cell with a number."))
    if isinstance(value, bool):
        raise CellError(_("Type a number, not a word."))
    if isinstance(value, str):
        raw = value.strip().replace(" ", "")
        if "," in raw and "." not in raw:
            raw = raw.replace(",", ".")
    else:
        raw = str(value)
    try:
        number = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise CellError(_("Type a number, not a word.")) from None
    if not number.is_finite() or not minimum <= number <= maximum:
        raise CellError(_("Type a number from %(min)s to %(max)s.") % {"min": plain(minimum), "max": plain(maximum)})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(_("At most %(places)s decimals.") % {"places": places})
    return number.quantize(Decimal(1).scaleb(-places))


def read_integer(value, *, minimum: int, maximum: int) -> int:
    number = read_decimal(value, places=0, minimum=Decimal(minimum), maximum=Decimal(maximum))
    return int(number)


def read_yes_no(value) -> bool:
    word = read_text(value, max_length=10).casefold()
    if word in (YES.casefold(), "y", "yes"):
        return True
    if word in (NO.casefold(), "t", "no"):
        return False
    raise CellError(_("Type %(yes)s or %(no)s.") % {"yes": YES, "no": NO})


def read_choice(value, *, words: dict[str, str], default: str | None = None) -> str:
    """The code of a word of `words` ({code: word}); the code itself is read too. Blank: `default`."""
    if is_blank(value) and default is not None:
        return default
    word = " ".join(read_text(value, max_length=100).split()).casefold()
    for code, label in words.items():
        if word in (str(code).casefold(), label.casefold()):
            return str(code)
    raise CellError(_("Choose one of: %(words)s.") % {"words": "; ".join(words.values())})


def read_slug(value, *, max_length: int) -> str:
    result = read_text(value, max_length=max_length)
    if not SLUG.match(result):
        raise CellError(_("Use only letters, digits, hyphens and underscores (for example perencanaan-km)."))
    return result


def read_indicator_code(value) -> tuple[int, int] | None:
    """`"1.3"` → (1, 3): competency 1, its 3rd indicator. A number cell is refused: it cannot tell
    1.1 from 1.10."""
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise CellError(
            _(
                "Type the indicator code as text, for example 1.3 (format the cell as Text): a number cell "
                "cannot tell 1.1 from 1.10."
            )
        )
    match = INDICATOR_CODE.match(value.strip())
    if not match:
        raise CellError(_("Type an indicator code as competency.indicator, for example 1.3."))
    return int(match.group(1)), int(match.group(2))


def indicator_text(code: tuple[int, int] | None) -> str:
    return f"{code[0]}.{code[1]}" if code else ""


def plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
