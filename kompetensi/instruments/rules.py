"""Scoring rules shared by every screen, export and PDF. Pure: no database.

Supervision instruments are scored by `scoring.score_instrument` (docs/domain.md §9 "Academic supervision"),
which reads its predikat with `predikat` below, and may round the value first if the version says so. PKG
(docs/domain.md §8 "PKG scoring"): indicator 0/1/2 → competency percentage → competency score 1–4 → total →
Nilai PKG = total ÷ (4 × competencies) × 100 (÷ 56 for the 14 competencies of subject teachers) → predikat,
read by inclusive lower bound on the unrounded value. PKKM, the Kepala's own appraisal (docs/domain.md §13
"Principal appraisal (PKKM)"): indicator 1–4 → Nilai PKKM = points ÷ (4 × indicators) × 100 → predikat.

Everything is `Decimal`; rounding for showing a number (two decimals, half up) is `for_display`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.errors import ApplicationError

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

# PKG: a competency's percentage → 1–4, by inclusive *upper* bound (the guide's "0% < X ≤ 25%" → 1).
# A competency at 0% also scores 1: the scale has no 0 (docs/domain.md §8); screens say so.
PKG_CONVERSION: tuple[tuple[Decimal, int], ...] = (
    (Decimal(25), 1),
    (Decimal(50), 2),
    (Decimal(75), 3),
    (Decimal(100), 4),
)
PKG_INDICATOR_MAX = 2
PKG_COMPETENCY_MAX = 4


# Short names of the supervision instruments by kind, for chart labels and tight places: the full
# names ("Supervisi Administrasi Perencanaan Pembelajaran (Kurikulum Merdeka)") all start alike.
SHORT_NAMES = {
    "perencanaan": gettext_lazy("Planning"),
    "pelaksanaan": gettext_lazy("Teaching"),
    "penilaian": gettext_lazy("Assessment"),
    "pkg": "PKG",
    "pkkm": "PKKM",
}


def short_name(kind: str, name: str) -> str:
    """An instrument's short name: by its kind, else its own name."""
    return str(SHORT_NAMES.get(kind, name))


@dataclass(frozen=True)
class Band:
    lower: Decimal
    label: str


def for_display(value: Decimal | None) -> Decimal | None:
    """Two decimals, half up: the only rounding, and only for showing a number."""
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def validate_bands(bands: Sequence[Band]) -> list[str]:
    """Problems with a set of predikat bands (empty when fine): they must start at 0, have distinct
    lower bounds within 0–100 and labels. Messages are English ids for the caller to translate."""
    problems = []
    lowers = [b.lower for b in bands]
    if not bands:
        return ["no bands"]
    if min(lowers) != 0:
        problems.append("bands must start at 0")
    if len(set(lowers)) != len(lowers):
        problems.append("two bands have the same lower bound")
    if any(lower < 0 or lower > HUNDRED for lower in lowers):
        problems.append("lower bounds must lie between 0 and 100")
    if any(not b.label.strip() for b in bands):
        problems.append("every band needs a label")
    return problems


def supervision_vocabulary(stored: Sequence, default: Sequence[tuple[Decimal, str]]) -> list[Band]:
    """The madrasah's predikat vocabulary of supervision instruments, highest band first: its stored
    `[[lower bound, label], …]` (Madrasah.supervision_bands), or `default` while it has none or what
    it has is not a valid set of bands (never a half-read vocabulary)."""
    try:
        bands = [Band(Decimal(str(lower)), str(label)) for lower, label in stored]
    except (TypeError, ValueError, ArithmeticError):
        bands = []
    if not bands or validate_bands(bands):
        bands = [Band(Decimal(lower), label) for lower, label in default]
    return sorted(bands, key=lambda b: b.lower, reverse=True)


def stored_vocabulary(bands: Sequence[tuple[Decimal, str]]) -> list[list[str]]:
    """Bands as Madrasah.supervision_bands stores them (JSON: the bound as a string, exact)."""
    return [[str(lower), label] for lower, label in sorted(bands, key=lambda b: b[0], reverse=True)]


def same_bands(first: Sequence[Band], second: Sequence[Band]) -> bool:
    """Whether two versions read a score the same way (same bounds, same labels)."""
    return sorted((b.lower, b.label) for b in first) == sorted((b.lower, b.label) for b in second)


def predikat(value: Decimal | None, bands: Sequence[Band]) -> str | None:
    """The label of the highest band whose lower bound `value` reaches (60.71 → the band from 51)."""
    if value is None:
        return None
    reached = [b for b in bands if value >= b.lower]
    return max(reached, key=lambda b: b.lower).label if reached else None


@dataclass(frozen=True)
class CompetencyResult:
    key: object
    points: int
    maximum: int
    percentage: Decimal
    score: int  # 1–4


@dataclass(frozen=True)
class PkgResult:
    competencies: tuple[CompetencyResult, ...]
    total: int
    maximum: int
    nilai: Decimal
    predikat: str | None

    def competency(self, key) -> CompetencyResult:
        return next(c for c in self.competencies if c.key == key)


def competency_score(percentage: Decimal, conversion: Sequence[tuple[Decimal, int]] = PKG_CONVERSION) -> int:
    """1–4 by inclusive upper bound; 0% scores the lowest step (the scale has no 0)."""
    for upper, score in conversion:
        if percentage <= upper:
            return score
    raise ValueError(f"percentage {percentage} above 100")


def score_pkg(
    *,
    competencies: Sequence[tuple[object, Sequence[int]]],
    bands: Sequence[Band],
    conversion: Sequence[tuple[Decimal, int]] = PKG_CONVERSION,
) -> PkgResult:
    """PKG: each competency's indicator scores (0/1/2) → percentage → 1–4; total and Nilai PKG.

    Every indicator must be scored: PKG is computed on a complete appraisal only.
    """
    results = []
    for key, indicators in competencies:
        if not indicators:
            raise ValueError(f"competency {key} has no indicators")
        if any(s not in (0, 1, 2) for s in indicators):
            raise ValueError("PKG indicators score 0, 1 or 2")
        points = sum(indicators)
        maximum = PKG_INDICATOR_MAX * len(indicators)
        percentage = Decimal(points) / Decimal(maximum) * HUNDRED
        results.append(CompetencyResult(key, points, maximum, percentage, competency_score(percentage, conversion)))
    total = sum(c.score for c in results)
    maximum = PKG_COMPETENCY_MAX * len(results)
    nilai = Decimal(total) / Decimal(maximum) * HUNDRED
    return PkgResult(tuple(results), total, maximum, nilai, predikat(nilai, bands))


PKKM_INDICATOR_POINTS = (1, 2, 3, 4)
PKKM_INDICATOR_MAX = 4


def score_pkkm(
    *,
    components: Sequence[tuple[object, Sequence[int]]],
    bands: Sequence[Band],
    conversion: Sequence[tuple[Decimal, int]] = PKG_CONVERSION,
) -> PkgResult:
    """PKKM, the Kepala's yearly appraisal (docs/domain.md §13 "Principal appraisal (PKKM)"): each
    indicator scores 1–4 by its evidence; a component's percentage = its points ÷ (4 × its indicators)
    × 100, shown with its 1–4 step (the PKG conversion, for reading only); Nilai PKKM = all points ÷
    (4 × all indicators) × 100, so every indicator weighs the same, and the predikat is read from the
    unrounded Nilai. `total` and `maximum` are points, not component steps.

    Every indicator must be scored: PKKM is computed on a complete appraisal only.
    """
    results = []
    for key, indicators in components:
        if not indicators:
            raise ValueError(f"component {key} has no indicators")
        if any(s not in PKKM_INDICATOR_POINTS for s in indicators):
            raise ValueError("PKKM indicators score 1, 2, 3 or 4")
        points = sum(indicators)
        maximum = PKKM_INDICATOR_MAX * len(indicators)
        percentage = Decimal(points) / Decimal(maximum) * HUNDRED
        results.append(CompetencyResult(key, points, maximum, percentage, competency_score(percentage, conversion)))
    total = sum(c.points for c in results)
    maximum = sum(c.maximum for c in results)
    nilai = Decimal(total) / Decimal(maximum) * HUNDRED
    return PkgResult(tuple(results), total, maximum, nilai, predikat(nilai, bands))


# --- figures of a group: what the dashboard and the quality-cycle indicators show ---------------

# docs/domain.md §3 "People and roles": breakdowns of fewer than 3 teachers are not shown.
MIN_GROUP = 3


def mean(total, count) -> Decimal | None:
    return Decimal(total) / Decimal(count) if count and total is not None else None


@dataclass(frozen=True)
class Measure:
    """One indicator value. `value` None means "belum ada data" (nothing to count in the period), never
    0; `n` is the denominator (teachers, rows, follow-ups counted) and `total` the numerator (a sum of
    scores for an average, a count of hits for a share), None when n is 0."""

    value: Decimal | None
    n: int
    total: Decimal | None

    @classmethod
    def average(cls, total, n: int) -> Measure:
        if not n:
            return cls(None, 0, None)
        total = Decimal(total or 0)
        return cls(total / Decimal(n), n, total)

    @classmethod
    def share(cls, hits: int, n: int) -> Measure:
        """Hits as a percentage (0–100) of n."""
        if not n:
            return cls(None, 0, None)
        return cls(Decimal(hits) * HUNDRED / Decimal(n), n, Decimal(hits))


# --- filled sheets: what a sheet filled against a version needs, whatever the record ---------------
#
# A supervision observation and a PKG appraisal both fill a version's items; each keeps its own rule
# for one entry (a score within the version's scale, an indicator 0/1/2) and passes it to
# `clean_sheet_scores` as `clean_entry`. The version's items and bands come from `selectors`
# (`sheet_item_ids`, `bands_of`).

MAX_NOTE = 5000
R = TypeVar("R")


@dataclass
class SaveResult(Generic[R]):
    """A saved sheet: the version token to send with the next save, the sheet's result (the record's
    own result type) and the changes recorded in its history (empty when nothing changed)."""

    revision: int
    result: R
    changes: list[dict] = field(default_factory=list)


def note_check(note: str, *, max_length: int = MAX_NOTE) -> str:
    """A note typed next to an item, refused when longer than `max_length`."""
    if len(note) > max_length:
        raise ApplicationError(_("A note is too long (at most %(max)s characters).") % {"max": max_length})
    return note


def clean_sheet_scores(
    item_ids: Set[int],
    scores: dict,
    *,
    clean_entry: Callable[[dict], dict],
    unknown_message: str,
    foreign_message: str,
    field: str | None = None,
    bare_value: str | None = None,
) -> dict[int, dict]:
    """{item id: cleaned entry} of a posted sheet {item id: entry}: ids among `item_ids` (the version's
    items) only — `unknown_message` for an id that is not a number, `foreign_message` for another
    item, at `field` — each entry cleaned by `clean_entry`. An entry that is not a dict becomes
    `{bare_value: entry}`, or an empty dict without `bare_value`."""
    cleaned = {}
    for raw_id, value in scores.items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            raise ApplicationError(unknown_message, field=field) from None
        if item_id not in item_ids:
            raise ApplicationError(foreign_message, field=field)
        if not isinstance(value, dict):
            value = {bare_value: value} if bare_value else {}
        cleaned[item_id] = clean_entry(value)
    return cleaned
