"""The district pages' pure rules: which columns sort, how a figure reads, what stays hidden.

Both pages compare madrasah, never teachers: every figure is a count or an aggregate of one
madrasah, and an average over fewer than `MIN_GROUP` teachers is not shown (docs/domain.md §3,
confidentiality), nor sorted by (an order reveals what a hidden value would).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kompetensi.instruments.rules import HUNDRED, MIN_GROUP, mean

DESCENDING = "-"


@dataclass(frozen=True)
class Sorting:
    """The chosen column and direction; `param` is what the `?sort=` link carries."""

    column: str
    descending: bool

    @property
    def param(self) -> str:
        return f"{DESCENDING if self.descending else ''}{self.column}"

    def link_for(self, column: str) -> str:
        """The `?sort=` value of a column's heading: the same column turns round, another starts ascending."""
        if column == self.column and not self.descending:
            return DESCENDING + column
        return column


def sorting(value: str | None, *, columns: Sequence[str], default: str) -> Sorting:
    """The `?sort=` value when it names a column (optionally with a leading "-"), else the default:
    anything else a link or a person may send is ignored, never passed to the database."""
    text = (value or "").strip()
    descending = text.startswith(DESCENDING)
    column = text[1:] if descending else text
    if column not in columns:
        return Sorting(default, False)
    return Sorting(column, descending)


def completion(done: int, planned: int) -> Decimal | None:
    """Supervisions observed ÷ supervisions planned (not cancelled) in the semester, in percent;
    None while nothing is planned."""
    return mean(done * HUNDRED, planned)


def shown_average(total, count: int, teachers: int) -> Decimal | None:
    """An average over results of `teachers` people, or None below MIN_GROUP (hidden)."""
    if teachers < MIN_GROUP:
        return None
    return mean(total, count)


def sort_rows(rows: list, *, sort: Sorting, keys: dict[str, Callable]) -> list:
    """Rows ordered by the chosen column, None last whatever the direction, then by name."""
    key = keys[sort.column]
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    known.sort(key=lambda r: (r.name.casefold(), r.pk))
    known.sort(key=key, reverse=sort.descending)
    unknown.sort(key=lambda r: (r.name.casefold(), r.pk))
    return known + unknown
