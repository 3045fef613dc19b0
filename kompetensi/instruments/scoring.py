"""The one scoring function of a supervision instrument, its options and the words that state them.
Pure: no database.

docs/domain.md §9 "Academic supervision" and "Scoring options of a supervision instrument": an item
counts its points as given (out of the scale's highest score) or normalised from the lowest score;
sections are pooled by weight (Σ weight × points ÷ Σ weight × maximum × 100) or their percentages
averaged by weight over the sections answered; the predikat is read from the total unrounded, rounded
to two decimals or to a whole number (half up). The defaults are the rule every result was scored with
before the options existed. A PKG (or PKKM) version keeps them: `score_pkg` is the official rule.

Everything is `Decimal`. The stored percentage is never rounded; `band_value` is the value the
predikat was read from, and `shown_score` the number shown next to that predikat, so the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from madrasah.formatting import format_decimal_id

from .rules import HUNDRED, TWO_PLACES, Band, predikat

# The codes of kompetensi.models.ItemScoring, SectionCombining and BandRounding (the first of each is
# the default); tests/kompetensi/test_scoring_options.py holds the two lists together.
AS_GIVEN, NORMALISED = "as_given", "normalised"
POOLED, SECTION_MEAN = "pooled", "section_mean"
NO_ROUNDING, TWO_DECIMALS, WHOLE = "none", "two_decimals", "whole"
ITEM_SCORINGS = (AS_GIVEN, NORMALISED)
SECTION_COMBININGS = (POOLED, SECTION_MEAN)
BAND_ROUNDINGS = (NO_ROUNDING, TWO_DECIMALS, WHOLE)

# Kinds scored by `score_pkg`, the official rule of the appraisal guides: their versions take no
# options (rounding 75.5 up to 76 could move a teacher across the band that decides the allowance).
OFFICIAL_KINDS = frozenset({"pkg", "pkkm"})


def has_official_rule(kind: str) -> bool:
    """Whether an instrument of this kind keeps the official rule (no scoring options)."""
    return kind in OFFICIAL_KINDS


@dataclass(frozen=True)
class ItemScore:
    """One item as entered: `points` None = not scored yet; `not_applicable` removes it."""

    points: int | None
    not_applicable: bool = False


@dataclass(frozen=True)
class SectionInput:
    key: object
    weight: Decimal
    items: Sequence[ItemScore]


@dataclass(frozen=True)
class SectionResult:
    """`points` and `maximum` are what the section counts under the item option: the points given and
    scale max per item, or (points − scale min) and (max − min) per item when normalised."""

    key: object
    points: Decimal
    maximum: Decimal
    percentage: Decimal | None
    scored: int
    applicable: int


@dataclass(frozen=True)
class InstrumentResult:
    sections: tuple[SectionResult, ...]
    percentage: Decimal | None
    predikat: str | None
    scored: int
    applicable: int
    band_value: Decimal | None = None  # the percentage rounded as the version reads its bands
    band_rounding: str = NO_ROUNDING

    @property
    def complete(self) -> bool:
        return self.scored == self.applicable

    def section(self, key) -> SectionResult:
        return next(s for s in self.sections if s.key == key)


# An observation's percentage is stored with four decimals (Observation.percentage), rounded half even
# as Django stores a DecimalField; `stored_value` is that rounding.
STORED_PLACES = Decimal("0.0001")


def stored_value(value: Decimal | None) -> Decimal | None:
    """A percentage as an observation stores it (four decimals, half even)."""
    return None if value is None else value.quantize(STORED_PLACES, rounding=ROUND_HALF_EVEN)


def band_value(value: Decimal | None, band_rounding: str = NO_ROUNDING) -> Decimal | None:
    """The value a predikat is read from: unrounded, or the stored value rounded half up (75.5 → 76,
    74.995 → 75.00). Rounding the stored value, not the exact one, keeps a score printed later from
    the stored percentage in agreement with its predikat even for a value such as 75.49996."""
    if value is None or band_rounding == NO_ROUNDING:
        return value
    if band_rounding == TWO_DECIMALS:
        return stored_value(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if band_rounding == WHOLE:
        return stored_value(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    raise ValueError(f"unknown band rounding {band_rounding!r}")


def shown_score(value: Decimal | None, band_rounding: str = NO_ROUNDING) -> str:
    """A supervision score as a page or a PDF writes it beside its predikat, the Indonesian way: a whole
    number when the predikat is read from one (76), else two decimals (82,50). The stored value stays
    unrounded for averages."""
    if band_rounding == WHOLE:
        return format_decimal_id(band_value(value, WHOLE), places=0)
    return format_decimal_id(value)


def _check_options(item_scoring: str, section_combining: str, band_rounding: str) -> None:
    if item_scoring not in ITEM_SCORINGS:
        raise ValueError(f"unknown item scoring {item_scoring!r}")
    if section_combining not in SECTION_COMBININGS:
        raise ValueError(f"unknown section combining {section_combining!r}")
    if band_rounding not in BAND_ROUNDINGS:
        raise ValueError(f"unknown band rounding {band_rounding!r}")


def score_instrument(
    *,
    sections: Sequence[SectionInput],
    scale_min: int,
    scale_max: int,
    bands: Sequence[Band],
    item_scoring: str = AS_GIVEN,
    section_combining: str = POOLED,
    band_rounding: str = NO_ROUNDING,
) -> InstrumentResult:
    """Section and total percentages of a supervision instrument, and the predikat.

    The maximum counts only scored, applicable items, so the running score while an observer fills
    the sheet is the score of what has been seen so far; `complete` says whether all are scored.
    Pooled total = Σ weight × points ÷ Σ weight × maximum × 100; section mean = Σ weight × section
    percentage ÷ Σ weight, over the sections with a scored applicable item.
    """
    _check_options(item_scoring, section_combining, band_rounding)
    if scale_min >= scale_max:
        raise ValueError("scale_min must be below scale_max")
    floor = scale_min if item_scoring == NORMALISED else 0
    per_item = Decimal(scale_max - floor)
    results = []
    weighted_points = weighted_max = weighted_percentages = answered_weight = Decimal(0)
    scored_total = applicable_total = 0
    for section in sections:
        if section.weight <= 0:
            raise ValueError("section weights must be positive")
        applicable = [i for i in section.items if not i.not_applicable]
        scored = [i for i in applicable if i.points is not None]
        for item in scored:
            if not scale_min <= item.points <= scale_max:
                raise ValueError(f"points {item.points} outside the scale {scale_min}–{scale_max}")
        points = Decimal(sum(i.points - floor for i in scored))
        maximum = len(scored) * per_item
        percentage = points / maximum * HUNDRED if maximum else None
        results.append(SectionResult(section.key, points, maximum, percentage, len(scored), len(applicable)))
        weighted_points += section.weight * points
        weighted_max += section.weight * maximum
        if percentage is not None:
            weighted_percentages += section.weight * percentage
            answered_weight += section.weight
        scored_total += len(scored)
        applicable_total += len(applicable)
    if section_combining == SECTION_MEAN:
        total = weighted_percentages / answered_weight if answered_weight else None
    else:
        total = weighted_points / weighted_max * HUNDRED if weighted_max else None
    read = band_value(total, band_rounding)
    return InstrumentResult(
        tuple(results), total, predikat(read, bands), scored_total, applicable_total, read, band_rounding
    )


# --- the rule in words, and a worked example by the same function --------------------------------


def scoring_rule_sentence(
    *, item_scoring: str, section_combining: str, band_rounding: str, scale_min: int, scale_max: int
) -> str:
    """The scoring rule of a version in one sentence, composed from its three codes and its scale (the
    version page and every PDF that prints a supervision score state it with these words)."""
    _check_options(item_scoring, section_combining, band_rounding)
    scale = {"min": scale_min, "max": scale_max}
    if item_scoring == NORMALISED:
        items = _("each item counts (score − %(min)s) ÷ (%(max)s − %(min)s), so the lowest score counts 0") % scale
    else:
        items = _("each item counts its score out of %(max)s") % scale
    if section_combining == SECTION_MEAN:
        sections = _(
            "the total is the mean of the percentages of the sections answered, each section weighted by "
            "its weight whatever its number of items"
        )
    else:
        sections = _("the total is Σ weight × points ÷ Σ weight × maximum × 100 over all sections")
    readings = {
        NO_ROUNDING: _("the predikat is read from the unrounded total"),
        TWO_DECIMALS: _("the predikat is read from the total rounded half up to two decimals"),
        WHOLE: _("the predikat is read from the total rounded half up to a whole number (75.5 → 76)"),
    }
    return _("Score: %(items)s; items marked not applicable are left out; %(sections)s; %(reading)s.") % {
        "items": items,
        "sections": sections,
        "reading": readings[band_rounding],
    }


@dataclass(frozen=True)
class ExampleSection:
    title: str
    weight: Decimal
    points: tuple[int, ...]


def example_sheet(*, scale_min: int, scale_max: int) -> tuple[ExampleSection, ...]:
    """A small filled sheet on a version's scale, to show its rule at work: a section of one item at the
    top of the scale, weight 1, and a section of three lower items, weight 2."""
    middle = (scale_min + scale_max) // 2
    return (
        ExampleSection(_("Section A"), Decimal(1), (scale_max,)),
        ExampleSection(_("Section B"), Decimal(2), (scale_min, middle, max(scale_min, scale_max - 1))),
    )


def example_result(
    *,
    scale_min: int,
    scale_max: int,
    bands: Sequence[Band],
    item_scoring: str = AS_GIVEN,
    section_combining: str = POOLED,
    band_rounding: str = NO_ROUNDING,
) -> tuple[tuple[ExampleSection, ...], InstrumentResult]:
    """The example sheet and its result by `score_instrument` under the given options."""
    sheet = example_sheet(scale_min=scale_min, scale_max=scale_max)
    result = score_instrument(
        sections=[SectionInput(n, s.weight, [ItemScore(p) for p in s.points]) for n, s in enumerate(sheet)],
        scale_min=scale_min,
        scale_max=scale_max,
        bands=bands,
        item_scoring=item_scoring,
        section_combining=section_combining,
        band_rounding=band_rounding,
    )
    return sheet, result


def options_of(version) -> dict[str, str]:
    """The scoring options of an instrument version as `score_instrument` takes them."""
    return {
        "item_scoring": version.item_scoring,
        "section_combining": version.section_combining,
        "band_rounding": version.band_rounding,
    }


def rule_sentence_of(version) -> str:
    """`scoring_rule_sentence` of an instrument version."""
    return scoring_rule_sentence(**options_of(version), scale_min=version.scale_min, scale_max=version.scale_max)
