"""Indirect standardisation, checked against a worked example a commissioner can follow by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scores_builders import Builder, repeat, row_of

from analysis.questionnaire_data import QuestionnaireData
from analysis.scores import compute_scores

Z = 1.959963984540054


def _ages(area: str, age: str, hits: int, others: int) -> list[dict[str, str]]:
    return repeat(hits, area=area, about__age_band=age, overall__rating="excellent") + repeat(
        others, area=area, about__age_band=age, overall__rating="good"
    )


@pytest.fixture
def worked_example(responses: Builder) -> pd.DataFrame:
    """Two areas of 20 with opposite age mixes (docs/methodology.md, "A worked example").

    National: under 65s 12 of 20 (60%), 85 and over 4 of 20 (20%): 16 of 40 = 40%.
    North: 15 under 65 (10 say outstanding/excellent), 5 aged 85+ (1): 11 of 20.
    South: 5 under 65 (2), 15 aged 85+ (3): 5 of 20.
    """
    return responses(
        _ages("north", "18_64", 10, 5)
        + _ages("north", "85_plus", 1, 4)
        + _ages("south", "18_64", 2, 3)
        + _ages("south", "85_plus", 3, 12)
    )


def test_the_worked_example(questionnaire: QuestionnaireData, worked_example: pd.DataFrame) -> None:
    table = compute_scores(worked_example, questionnaire, by=["area"], casemix=["about.age_band"])
    national = row_of(table, "overall_oe", "national", "all")
    assert national["value"] == pytest.approx(40.0)
    north = row_of(table, "overall_oe", "area", "north")
    # E = 15 × 0.6 + 5 × 0.2 = 10; O = 11; O/E = 1.1; standardised = 1.1 × 40% = 44%.
    assert north["value"] == pytest.approx(55.0)
    assert north["oe_ratio"] == pytest.approx(1.1)
    assert north["std_value"] == pytest.approx(44.0)
    # Byar's interval for O = 11, divided by E = 10, times the national 40%.
    low = 11 * (1 - 1 / 99 - Z / (3 * math.sqrt(11))) ** 3 / 10
    high = 12 * (1 - 1 / 108 + Z / (3 * math.sqrt(12))) ** 3 / 10
    assert north["std_ci_low"] == pytest.approx(40 * low)
    assert north["std_ci_high"] == pytest.approx(40 * high)
    assert north["comparison"] == "similar"  # 0.55 to 1.97 includes 1
    south = row_of(table, "overall_oe", "area", "south")
    # E = 5 × 0.6 + 15 × 0.2 = 6; O = 5; O/E = 0.833; standardised = 33.3%.
    assert south["oe_ratio"] == pytest.approx(5 / 6)
    assert south["std_value"] == pytest.approx(100 / 3)
    # Counts below national level: 11 rounds to 10; 5 is shown suppressed.
    assert north["numerator"] == 10
    assert pd.isna(south["numerator"])
    assert (north["n"], south["n"]) == (20, 20)


def test_without_case_mix_the_standardised_value_is_the_crude_one(
    questionnaire: QuestionnaireData, worked_example: pd.DataFrame
) -> None:
    table = compute_scores(worked_example, questionnaire, by=["area"], casemix=["none"])
    north = row_of(table, "overall_oe", "area", "north")
    assert north["std_value"] == pytest.approx(north["value"])
    assert north["oe_ratio"] == pytest.approx(55 / 40)


def test_a_missing_case_mix_answer_is_a_stratum_of_its_own(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(10, area="a", overall__rating="excellent")  # age not given
        + repeat(10, area="b", about__age_band="18_64", overall__rating="poor")
        + repeat(10, area="a", about__age_band="18_64", overall__rating="poor")
    )
    table = compute_scores(frame, questionnaire, by=["area"], casemix=["about.age_band"])
    # Area a: E = 10 × 1.0 (missing stratum: all excellent) + 10 × 0 = 10 = O.
    assert row_of(table, "overall_oe", "area", "a")["oe_ratio"] == pytest.approx(1.0)


def test_a_separate_reference_sets_the_national_rates(
    questionnaire: QuestionnaireData, responses: Builder, worked_example: pd.DataFrame
) -> None:
    reference = responses(_ages("x", "18_64", 30, 70) + _ages("x", "85_plus", 50, 50))
    table = compute_scores(
        worked_example,
        questionnaire,
        by=["area"],
        casemix=["about.age_band"],
        reference=reference,
    )
    # National is now the reference: 80 of 200 = 40%; rates 30% and 50%.
    assert row_of(table, "overall_oe", "national", "all")["value"] == pytest.approx(40.0)
    north = row_of(table, "overall_oe", "area", "north")
    assert north["oe_ratio"] == pytest.approx(11 / (15 * 0.3 + 5 * 0.5))


def test_group_rows_for_an_area_keep_the_national_reference(
    questionnaire: QuestionnaireData, worked_example: pd.DataFrame
) -> None:
    table = compute_scores(
        worked_example,
        questionnaire,
        area="north",
        by=["about.age_band"],
        casemix=["about.age_band"],
    )
    assert row_of(table, "overall_oe", "national", "all")["n"] == 40
    assert row_of(table, "overall_oe", "area", "north")["std_value"] == pytest.approx(44.0)
    young = row_of(table, "overall_oe", "about.age_band", "18_64")
    # 10 of 15 against the national 60% for under 65s: O/E = 10 / 9.
    assert young["oe_ratio"] == pytest.approx(10 / 9)
    assert set(table["breakdown"]) == {"national", "area", "about.age_band"}
    assert "south" not in set(table["group"])


def test_comparison_follows_polarity(questionnaire: QuestionnaireData, responses: Builder) -> None:
    frame = responses(
        repeat(200, area="good", overall__rating="outstanding")
        + repeat(200, area="poor", overall__rating="poor")
    )
    table = compute_scores(frame, questionnaire, by=["area"], casemix=["none"])
    assert row_of(table, "overall_oe", "area", "good")["comparison"] == "better"
    assert row_of(table, "overall_oe", "area", "poor")["comparison"] == "worse"
    # More fair/poor ratings is worse, though the ratio is above 1.
    assert row_of(table, "overall_fair_poor", "area", "poor")["comparison"] == "worse"
    assert row_of(table, "overall_fair_poor", "area", "poor")["oe_ratio"] > 1
    assert row_of(table, "overall_fair_poor", "area", "good")["comparison"] == "better"
    assert row_of(table, "quality", "area", "good")["comparison"] == "better"
    assert row_of(table, "overall_oe", "national", "all")["comparison"] == "n/a"
