"""The one scoring function: hand-computed cases, every band boundary, weights, N/A, PKG."""

from decimal import Decimal as D

import pytest

from kompetensi.instruments.rules import (
    Band,
    clean_sheet_scores,
    competency_score,
    for_display,
    predikat,
    score_pkg,
    validate_bands,
)
from kompetensi.instruments.scoring import ItemScore, SectionInput, score_instrument
from madrasah.errors import ApplicationError

PKG_BANDS = [
    Band(D(91), "Amat Baik"),
    Band(D(76), "Baik"),
    Band(D(61), "Cukup"),
    Band(D(51), "Sedang"),
    Band(D(0), "Kurang"),
]
SUPERVISION_BANDS = [Band(D(91), "Amat Baik"), Band(D(81), "Baik"), Band(D(71), "Cukup"), Band(D(0), "Kurang")]


def items(*points):
    return [ItemScore(p) for p in points]


def one_section(*points, weight=D(1)):
    return [SectionInput("s", weight, items(*points))]


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (D("90.99"), "Baik"),
        (D("91.00"), "Amat Baik"),
        (D("90.999999"), "Baik"),  # never rounded up into the next band
        (D("100"), "Amat Baik"),
        (D("76"), "Baik"),
        (D("75.99"), "Cukup"),
        (D("61"), "Cukup"),
        (D("60.71"), "Sedang"),  # 34/56, the docs/domain.md §8 "PKG scoring" example
        (D("51"), "Sedang"),
        (D("50.99"), "Kurang"),
        (D("0"), "Kurang"),
    ],
)
def test_pkg_bands_are_read_by_inclusive_lower_bound(value, label):
    assert predikat(value, PKG_BANDS) == label


def test_a_value_of_90_5_is_baik_not_amat_baik():
    assert predikat(D("90.5"), PKG_BANDS) == "Baik"


def test_no_value_has_no_predikat():
    assert predikat(None, PKG_BANDS) is None


def test_a_planning_sheet_hand_computed():
    # 4+3+3+2+4 = 16 of 5×4 = 20 → 80% → Cukup (71 ≤ 80 < 81)
    result = score_instrument(sections=one_section(4, 3, 3, 2, 4), scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)
    assert result.percentage == D(80)
    assert result.predikat == "Cukup"
    assert result.complete


def test_the_band_is_chosen_before_rounding():
    # 32 of 36 = 88.888…% with bands 86/70/55 → Sangat Baik; displayed 88.89
    bands = [Band(D(86), "Sangat Baik"), Band(D(70), "Baik"), Band(D(55), "Cukup"), Band(D(0), "Kurang")]
    result = score_instrument(sections=one_section(4, 4, 4, 4, 4, 4, 4, 2, 2), scale_min=1, scale_max=4, bands=bands)
    assert result.percentage == D(32) / D(36) * 100
    assert for_display(result.percentage) == D("88.89")
    assert result.predikat == "Sangat Baik"


def test_a_value_just_below_a_bound_stays_below_even_if_display_rounds_up():
    # 181/199 = 90.954…% → displayed 90.95, band Baik; 1819/1999 → 90.995… → displayed 91.00 but still Baik
    value = D(1819) / D(1999) * 100
    assert for_display(value) == D("91.00")
    assert predikat(value, SUPERVISION_BANDS) == "Baik"


def test_weighted_sections_count_core_activities_double():
    sections = [
        SectionInput("pendahuluan", D(1), items(4, 4)),  # 8/8
        SectionInput("inti", D(2), items(2, 2)),  # 4/8, counts double
        SectionInput("penutup", D(1), items(4, 4)),  # 8/8
    ]
    result = score_instrument(sections=sections, scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)
    # (8 + 2×4 + 8) / (8 + 2×8 + 8) = 24/32 = 75%
    assert result.percentage == D(75)
    assert result.section("inti").percentage == D(50)
    assert result.section("pendahuluan").percentage == D(100)


def test_not_applicable_items_leave_the_maximum():
    section = [SectionInput("s", D(1), [ItemScore(4), ItemScore(None, not_applicable=True), ItemScore(2)])]
    result = score_instrument(sections=section, scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)
    assert result.percentage == D(75)  # 6 / 8
    assert (result.scored, result.applicable) == (2, 2)


def test_the_running_score_counts_only_what_is_scored_so_far():
    section = [SectionInput("s", D(1), [ItemScore(4), ItemScore(None), ItemScore(None)])]
    result = score_instrument(sections=section, scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)
    assert result.percentage == D(100)
    assert not result.complete
    assert (result.scored, result.applicable) == (1, 3)


def test_nothing_scored_has_no_percentage():
    result = score_instrument(sections=one_section(None, None), scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)
    assert result.percentage is None
    assert result.predikat is None


def test_a_zero_to_two_scale():
    result = score_instrument(sections=one_section(2, 1, 0, 2), scale_min=0, scale_max=2, bands=SUPERVISION_BANDS)
    assert result.percentage == D("62.5")


@pytest.mark.parametrize(("scale_min", "scale_max"), [(4, 4), (4, 1)])
def test_a_scale_with_min_not_below_max_is_refused(scale_min, scale_max):
    with pytest.raises(ValueError, match="scale_min"):
        score_instrument(sections=one_section(1), scale_min=scale_min, scale_max=scale_max, bands=SUPERVISION_BANDS)


def test_points_outside_the_scale_are_refused():
    with pytest.raises(ValueError, match="outside the scale"):
        score_instrument(sections=one_section(5), scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)


def test_weights_must_be_positive():
    with pytest.raises(ValueError, match="weights"):
        score_instrument(sections=one_section(4, weight=D(0)), scale_min=1, scale_max=4, bands=SUPERVISION_BANDS)


def test_the_guides_worked_example():
    # indicators 1,2,2,0,0,2 → 7/12 = 58.33% → 3
    result = score_pkg(competencies=[("k1", [1, 2, 2, 0, 0, 2])], bands=PKG_BANDS)
    competency = result.competency("k1")
    assert for_display(competency.percentage) == D("58.33")
    assert competency.score == 3


@pytest.mark.parametrize(
    ("percentage", "score"),
    [(D(0), 1), (D(25), 1), (D("25.01"), 2), (D(50), 2), (D("50.01"), 3), (D(75), 3), (D("75.01"), 4), (D(100), 4)],
)
def test_competency_conversion_by_inclusive_upper_bound(percentage, score):
    assert competency_score(percentage) == score


def test_a_competency_at_zero_percent_scores_one():
    result = score_pkg(competencies=[("k", [0, 0, 0])], bands=PKG_BANDS)
    assert result.competency("k").score == 1


def pkg_with_total(total_scores):
    """14 competencies whose scores are given: build indicator lists that reach them exactly."""
    indicators_for = {1: [0, 0, 0, 0], 2: [1, 1, 1, 0], 3: [2, 2, 1, 1], 4: [2, 2, 2, 2]}  # 0, 37.5, 75, 100 %
    return [(f"k{n}", indicators_for[s]) for n, s in enumerate(total_scores, start=1)]


def test_nilai_pkg_34_of_56_is_60_71_and_sedang():
    scores = [3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3]  # 34
    result = score_pkg(competencies=pkg_with_total(scores), bands=PKG_BANDS)
    assert (result.total, result.maximum) == (34, 56)
    assert for_display(result.nilai) == D("60.71")
    assert result.predikat == "Sedang"


def test_nilai_pkg_51_of_56_is_amat_baik_and_50_is_baik():
    high = score_pkg(competencies=pkg_with_total([4] * 9 + [3] * 5), bands=PKG_BANDS)  # 51 → 91.07
    assert high.predikat == "Amat Baik"
    lower = score_pkg(competencies=pkg_with_total([4] * 8 + [3] * 6), bands=PKG_BANDS)  # 50 → 89.29
    assert lower.predikat == "Baik"


def test_a_full_pkg_is_100():
    result = score_pkg(competencies=pkg_with_total([4] * 14), bands=PKG_BANDS)
    assert result.nilai == D(100)
    assert result.predikat == "Amat Baik"


def test_the_bk_framework_divides_by_its_own_maximum():
    result = score_pkg(competencies=pkg_with_total([4] * 17), bands=PKG_BANDS)
    assert result.maximum == 68
    assert result.nilai == D(100)


def test_pkg_indicators_only_take_0_1_2():
    with pytest.raises(ValueError):
        score_pkg(competencies=[("k", [3])], bands=PKG_BANDS)


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        ([Band(D(50), "A"), Band(D(10), "B")], "bands must start at 0"),
        ([Band(D(50), "A"), Band(D(50), "B"), Band(D(0), "C")], "two bands have the same lower bound"),
        ([Band(D(150), "A"), Band(D(0), "B")], "lower bounds must lie between 0 and 100"),
        ([Band(D(50), " "), Band(D(0), "B")], "every band needs a label"),
    ],
)
def test_bad_bands_are_reported(bands, problem):
    assert problem in validate_bands(bands)


def test_good_bands_pass():
    assert validate_bands(PKG_BANDS) == []


def test_a_filled_sheet_keeps_the_version_items_and_cleans_each_entry():
    def rule(value: dict) -> dict:
        return {"points": value.get("points")}

    options = {"clean_entry": rule, "unknown_message": "unknown", "foreign_message": "foreign", "field": "scores"}
    assert clean_sheet_scores({1, 2}, {"1": {"points": 3}, 2: 4}, bare_value="points", **options) == {
        1: {"points": 3},
        2: {"points": 4},
    }
    assert clean_sheet_scores({1}, {"1": 4}, **options) == {1: {"points": None}}
    with pytest.raises(ApplicationError) as unknown:
        clean_sheet_scores({1}, {"x": {}}, **options)
    assert (unknown.value.message, unknown.value.field) == ("unknown", "scores")
    with pytest.raises(ApplicationError) as foreign:
        clean_sheet_scores({1}, {"3": {}}, **options)
    assert foreign.value.message == "foreign"
