"""The scoring options of a supervision instrument, from the rule's own definitions: hand-computed
sheets for each option and all twelve combinations, N/A and partly answered sheets, and a property
test against a reference written with exact fractions."""

from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetensi.instruments.rules import Band
from kompetensi.instruments.scoring import (
    BAND_ROUNDINGS,
    ITEM_SCORINGS,
    SECTION_COMBININGS,
    ItemScore,
    SectionInput,
    band_value,
    example_result,
    has_official_rule,
    score_instrument,
    scoring_rule_sentence,
    shown_score,
    stored_value,
)
from kompetensi.models import BandRounding, ItemScoring, SectionCombining

BANDS = [Band(D(91), "Amat Baik"), Band(D(76), "Baik"), Band(D(61), "Cukup"), Band(D(0), "Kurang")]
TINY = D("1e-20")


def section(key, *points, weight=D(1)):
    """Points as ints, None (not scored) or "na" (not applicable)."""
    return SectionInput(key, weight, [ItemScore(None, True) if p == "na" else ItemScore(p) for p in points])


def score(sections, *, scale=(1, 4), bands=BANDS, **options):
    return score_instrument(sections=sections, scale_min=scale[0], scale_max=scale[1], bands=bands, **options)


def close(value: D, exact: F) -> bool:
    return abs(F(value) - exact) < F(TINY)


def test_the_codes_are_those_of_the_model_choices():
    assert tuple(ItemScoring.values) == ITEM_SCORINGS
    assert tuple(SectionCombining.values) == SECTION_COMBININGS
    assert tuple(BandRounding.values) == BAND_ROUNDINGS


# --- item scoring -------------------------------------------------------------------------------------


def test_all_ones_on_one_to_four_is_25_as_given_and_0_normalised():
    sheet = [section("a", 1, 1, 1, 1, 1)]
    assert score(sheet).percentage == 25
    assert score(sheet, item_scoring="normalised").percentage == 0
    assert score(sheet, item_scoring="normalised").predikat == "Kurang"


def test_all_fours_is_100_either_way():
    sheet = [section("a", 4, 4, 4)]
    assert score(sheet).percentage == score(sheet, item_scoring="normalised").percentage == 100


def test_normalised_counts_each_item_from_the_lowest_score():
    # 2, 3 on 1–4: (1 + 2) ÷ (3 + 3) = 50 %; as given (2 + 3) ÷ 8 = 62.5 %
    result = score([section("a", 2, 3)], item_scoring="normalised")
    assert result.percentage == 50
    assert (result.section("a").points, result.section("a").maximum) == (3, 6)
    assert score([section("a", 2, 3)]).percentage == D("62.5")


def test_normalised_on_a_scale_from_zero_is_the_same_as_given():
    sheet = [section("a", 0, 1, 2), section("b", 2, weight=D(2))]
    assert score(sheet, scale=(0, 2)).percentage == score(sheet, scale=(0, 2), item_scoring="normalised").percentage


# --- section combining --------------------------------------------------------------------------------


def test_one_item_against_nine_with_equal_weight_pooled_and_by_section_mean():
    sheet = [section("one", 4), section("nine", *[1] * 9)]
    assert score(sheet).percentage == D("32.5")  # (4 + 9) ÷ (4 + 36)
    assert score(sheet, section_combining="section_mean").percentage == D("62.5")  # (100 + 25) ÷ 2
    assert score(sheet, item_scoring="normalised").percentage == 10  # (3 + 0) ÷ (3 + 27)
    assert score(sheet, item_scoring="normalised", section_combining="section_mean").percentage == 50


def test_section_mean_weights_sections_not_items():
    sheet = [section("a", 4, weight=D(1)), section("b", 2, 2, 2, 2, weight=D(3))]  # 100 % and 50 %
    assert score(sheet, section_combining="section_mean").percentage == D("62.5")  # (100 + 3 × 50) ÷ 4


def test_a_section_not_answered_is_left_out_of_the_section_mean():
    sheet = [section("a", 3, 3), section("b", None, None, weight=D(5))]
    result = score(sheet, section_combining="section_mean")
    assert result.percentage == 75
    assert result.section("b").percentage is None
    assert not result.complete


def test_a_section_all_not_applicable_is_left_out_of_the_section_mean():
    sheet = [section("a", 4, "na"), section("b", "na", "na", weight=D(2)), section("c", 2)]
    result = score(sheet, section_combining="section_mean")
    assert result.percentage == 75  # (100 + 50) ÷ 2
    assert (result.scored, result.applicable) == (2, 2)


def test_not_applicable_items_leave_the_maximum_under_every_option():
    with_na = [section("a", 3, "na", 1), section("b", "na", 4, weight=D(2))]
    without = [section("a", 3, 1), section("b", 4, weight=D(2))]
    for item_scoring in ITEM_SCORINGS:
        for section_combining in SECTION_COMBININGS:
            options = {"item_scoring": item_scoring, "section_combining": section_combining}
            assert score(with_na, **options).percentage == score(without, **options).percentage


@pytest.mark.parametrize("item_scoring", ITEM_SCORINGS)
@pytest.mark.parametrize("section_combining", SECTION_COMBININGS)
@pytest.mark.parametrize("band_rounding", BAND_ROUNDINGS)
def test_an_empty_sheet_has_no_score(item_scoring, section_combining, band_rounding):
    options = {"item_scoring": item_scoring, "section_combining": section_combining, "band_rounding": band_rounding}
    for sheet in ([], [section("a", None, "na")], [section("a", "na"), section("b", None)]):
        result = score(sheet, **options)
        assert (result.percentage, result.band_value, result.predikat) == (None, None, None)


# --- band rounding ------------------------------------------------------------------------------------

# 20 items on 0–10: fifteen 10s, one 1 and four 0s = 151 ÷ 200 = 75.5 %
SEVENTY_FIVE_AND_A_HALF = [section("a", *[10] * 15, 1, 0, 0, 0, 0)]


def test_75_5_rounded_to_a_whole_number_reaches_the_band_from_76():
    plain = score(SEVENTY_FIVE_AND_A_HALF, scale=(0, 10))
    whole = score(SEVENTY_FIVE_AND_A_HALF, scale=(0, 10), band_rounding="whole")
    two = score(SEVENTY_FIVE_AND_A_HALF, scale=(0, 10), band_rounding="two_decimals")
    assert plain.percentage == whole.percentage == two.percentage == D("75.5")  # the stored value
    assert (plain.band_value, plain.predikat) == (D("75.5"), "Cukup")
    assert (two.band_value, two.predikat) == (D("75.50"), "Cukup")
    assert (whole.band_value, whole.predikat) == (D("76"), "Baik")


def test_74_995_rounded_to_two_decimals_is_75_00():
    # sections of 75 % (7 and 8 of 10) and 70 % (7 of 10) weighted 99.9 and 0.1: (7492.5 + 7) ÷ 100
    sheet = [section("a", 7, 8, weight=D("99.9")), section("b", 7, weight=D("0.1"))]
    bands = [Band(D(75), "Baik"), Band(D(0), "Kurang")]
    options = {"scale": (0, 10), "bands": bands, "section_combining": "section_mean"}
    assert score(sheet, **options).percentage == D("74.995")
    assert score(sheet, **options).predikat == "Kurang"
    assert (score(sheet, **options, band_rounding="two_decimals").band_value) == D("75.00")
    assert score(sheet, **options, band_rounding="two_decimals").predikat == "Baik"
    assert score(sheet, **options, band_rounding="whole").predikat == "Baik"


def test_rounding_is_half_up():
    assert band_value(D("75.5"), "whole") == 76
    assert band_value(D("74.49"), "whole") == 74
    assert band_value(D("60.125"), "two_decimals") == D("60.13")
    assert band_value(D("60.12494"), "two_decimals") == D("60.12")
    assert band_value(D("60.125"), "none") == D("60.125")


def test_rounding_starts_from_the_stored_four_decimals():
    # 75.49996 is stored as 75.5000: read as 76, so a score printed later from the stored value
    # (76) agrees with its predikat.
    assert band_value(D("75.49996"), "whole") == 76
    assert band_value(D("75.49994"), "whole") == 75
    assert shown_score(stored_value(D("75.49996")), "whole") == "76"
    assert stored_value(D("60.12345")) == D("60.1234")  # half even, as a DecimalField is stored


def test_the_score_shown_beside_the_predikat_is_the_value_it_was_read_from():
    assert shown_score(D("75.5"), "whole") == "76"
    assert shown_score(D("75.5"), "two_decimals") == "75,50"
    assert shown_score(D("74.995"), "two_decimals") == "75,00"
    assert shown_score(D("82.5"), "none") == "82,50"
    assert shown_score(None, "whole") == ""


# --- the twelve combinations on one sheet -------------------------------------------------------------

# 1–4: section A (weight 1) one item scored 4, section B (weight 2) items 1, 2, 3.
#   as given, pooled:      (4 + 2 × 6) ÷ (4 + 2 × 12)      = 16/28   = 57.142857…
#   as given, mean:        (100 + 2 × 50) ÷ 3               = 200/3   = 66.666…
#   normalised, pooled:    (3 + 2 × 3) ÷ (3 + 2 × 9)        = 9/21    = 42.857142…
#   normalised, mean:      (100 + 2 × 100/3) ÷ 3            = 500/9   = 55.555…
SHEET = [section("A", 4), section("B", 1, 2, 3, weight=D(2))]
LETTERS = [Band(D(67), "A"), Band(D(57), "B"), Band(D(43), "C"), Band(D(0), "D")]
EXACT = {
    ("as_given", "pooled"): F(400, 7),
    ("as_given", "section_mean"): F(200, 3),
    ("normalised", "pooled"): F(300, 7),
    ("normalised", "section_mean"): F(500, 9),
}
TWELVE = [
    ("as_given", "pooled", "none", None, "B"),
    ("as_given", "pooled", "two_decimals", D("57.14"), "B"),
    ("as_given", "pooled", "whole", D(57), "B"),
    ("as_given", "section_mean", "none", None, "B"),
    ("as_given", "section_mean", "two_decimals", D("66.67"), "B"),
    ("as_given", "section_mean", "whole", D(67), "A"),
    ("normalised", "pooled", "none", None, "D"),
    ("normalised", "pooled", "two_decimals", D("42.86"), "D"),
    ("normalised", "pooled", "whole", D(43), "C"),
    ("normalised", "section_mean", "none", None, "C"),
    ("normalised", "section_mean", "two_decimals", D("55.56"), "C"),
    ("normalised", "section_mean", "whole", D(56), "C"),
]


@pytest.mark.parametrize(("item_scoring", "section_combining", "band_rounding", "read", "label"), TWELVE)
def test_every_combination_on_the_same_sheet(item_scoring, section_combining, band_rounding, read, label):
    result = score(
        SHEET,
        bands=LETTERS,
        item_scoring=item_scoring,
        section_combining=section_combining,
        band_rounding=band_rounding,
    )
    exact = EXACT[(item_scoring, section_combining)]
    assert close(result.percentage, exact)
    assert result.band_value == (result.percentage if read is None else read)
    assert result.predikat == label
    assert result.band_rounding == band_rounding


def test_the_default_options_are_the_pooled_unrounded_rule():
    assert score(SHEET, bands=LETTERS) == score(
        SHEET, bands=LETTERS, item_scoring="as_given", section_combining="pooled", band_rounding="none"
    )


def test_unknown_options_are_refused():
    for options in ({"item_scoring": "x"}, {"section_combining": "x"}, {"band_rounding": "x"}):
        with pytest.raises(ValueError, match="unknown"):
            score(SHEET, **options)


def test_pkg_and_pkkm_keep_the_official_rule():
    assert has_official_rule("pkg") and has_official_rule("pkkm")
    assert not any(has_official_rule(kind) for kind in ("perencanaan", "pelaksanaan", "penilaian"))


# --- the words and the worked example -----------------------------------------------------------------


def test_the_sentence_names_each_option():
    with translation.override("en"):
        default = scoring_rule_sentence(
            item_scoring="as_given", section_combining="pooled", band_rounding="none", scale_min=1, scale_max=4
        )
        chosen = scoring_rule_sentence(
            item_scoring="normalised", section_combining="section_mean", band_rounding="whole", scale_min=1, scale_max=4
        )
    assert "out of 4" in default and "Σ weight × points" in default and "unrounded" in default
    assert "(score − 1) ÷ (4 − 1)" in chosen and "mean of the percentages" in chosen and "75.5 → 76" in chosen
    assert default.endswith(".") and default.count(".") == 1


def test_the_worked_example_is_the_functions_output():
    sheet, result = example_result(scale_min=1, scale_max=4, bands=LETTERS, section_combining="section_mean")
    assert [s.points for s in sheet] == [(4,), (1, 2, 3)]
    assert [s.weight for s in sheet] == [1, 2]
    assert close(result.percentage, F(200, 3))


# --- a reference implementation from the definitions --------------------------------------------------


def reference(sections, scale_min, scale_max, item_scoring, section_combining):
    """The rule as docs/domain.md defines it, in exact fractions."""
    low = scale_min if item_scoring == "normalised" else 0
    percentages, weights, points, maxima = [], [], F(0), F(0)
    for sec in sections:
        scored = [i for i in sec.items if not i.not_applicable and i.points is not None]
        counted = [F(i.points - low, scale_max - low) for i in scored]
        if not counted:
            continue
        weight = F(sec.weight)
        percentages.append(weight * sum(counted) / len(counted) * 100)
        weights.append(weight)
        points += weight * sum(counted) * (scale_max - low)
        maxima += weight * len(counted) * (scale_max - low)
    if not weights:
        return None
    if section_combining == "section_mean":
        return sum(percentages) / sum(weights)
    return points / maxima * 100


def half_up(value: F, places: int) -> F:
    step = F(1, 10**places)
    return (value / step + F(1, 2)).__floor__() * step


def near_half_step(value: F, places: int) -> bool:
    scaled = value * 10**places + F(1, 2)
    return abs(scaled - round(scaled)) / 10**places < F(TINY)


@st.composite
def sheets(draw):
    scale_min = draw(st.integers(0, 3))
    scale_max = draw(st.integers(scale_min + 1, 10))
    item = st.one_of(
        st.integers(scale_min, scale_max).map(ItemScore),
        st.just(ItemScore(None)),
        st.just(ItemScore(None, True)),
    )
    weight = st.sampled_from([D("0.25"), D("0.5"), D(1), D("1.5"), D(2), D(3), D("99.99")])
    secs = draw(st.lists(st.tuples(weight, st.lists(item, max_size=7)), max_size=4))
    lowers = draw(st.lists(st.integers(1, 100).map(D), max_size=4, unique=True))
    bands = [Band(D(0), "band 0"), *[Band(lower, f"band {lower}") for lower in lowers]]
    return [SectionInput(n, w, items) for n, (w, items) in enumerate(secs)], scale_min, scale_max, bands


@settings(max_examples=300, deadline=None)
@given(
    sheets(),
    st.sampled_from(ITEM_SCORINGS),
    st.sampled_from(SECTION_COMBININGS),
    st.sampled_from(BAND_ROUNDINGS),
)
def test_the_function_agrees_with_the_reference(sheet, item_scoring, section_combining, band_rounding):
    sections, scale_min, scale_max, bands = sheet
    result = score_instrument(
        sections=sections,
        scale_min=scale_min,
        scale_max=scale_max,
        bands=bands,
        item_scoring=item_scoring,
        section_combining=section_combining,
        band_rounding=band_rounding,
    )
    exact = reference(sections, scale_min, scale_max, item_scoring, section_combining)
    if exact is None:
        assert result.percentage is None and result.predikat is None
        return
    assert close(result.percentage, exact)
    places = {"none": None, "two_decimals": 2, "whole": 0}[band_rounding]
    # Rounded from the stored value: four decimals, half even (`round` on a Fraction).
    read = exact if places is None else half_up(round(exact, 4), places)
    # Decimal keeps 28 digits: a value within 1e-20 of a rounding step or of a band's bound may land
    # on either side of it; everywhere else the band value and the predikat are the exact ones.
    near = places is not None and (near_half_step(exact, places) or near_half_step(exact, 4))
    near = near or any(abs(read - F(b.lower)) < F(TINY) for b in bands)
    if places is not None and not near:
        assert result.band_value == D(read.numerator) / D(read.denominator)
    reached = [b for b in bands if read >= F(b.lower)]
    assert result.predikat == max(reached, key=lambda b: b.lower).label or near
