"""Indicators as core-items.md defines them: who is in the denominator, who in the numerator."""

from __future__ import annotations

import pandas as pd
import pytest
from scores_builders import Builder, repeat, row_of

from analysis.questionnaire_data import QuestionnaireData
from analysis.scores import compute_scores


def _national(table: pd.DataFrame, indicator: str) -> pd.Series:
    return row_of(table, indicator, "national", "all")


def test_dont_know_not_applicable_and_no_pain_never_enter_a_denominator(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(12, hospital__any_time="yes", hospital__pain="complete_all")
        + repeat(8, hospital__any_time="yes", hospital__pain="partial")
        + repeat(30, hospital__any_time="yes", hospital__pain="no_pain")
        + repeat(40, hospital__any_time="yes", hospital__pain="dk")
        + repeat(15, hospital__any_time="yes")  # skipped the question
        + repeat(20, death__culture_faith="na")
        + repeat(10, death__culture_faith="definitely")
        + repeat(10, death__culture_faith="no")
    )
    table = compute_scores(frame, questionnaire)
    pain = _national(table, "pain_complete_hospital")
    assert (pain["n"], pain["numerator"], pain["value"]) == (20, 12, 60.0)
    faith = _national(table, "culture_faith_met")
    assert (faith["n"], faith["numerator"], faith["value"]) == (20, 10, 50.0)


def test_a_three_option_numerator_counts_every_listed_option(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(5, overall__rating="outstanding")
        + repeat(10, overall__rating="excellent")
        + repeat(15, overall__rating="good")
        + repeat(12, overall__rating="fair")
        + repeat(8, overall__rating="poor")
    )
    table = compute_scores(frame, questionnaire)
    assert _national(table, "overall_oe")["value"] == pytest.approx(30.0)
    assert _national(table, "overall_oeg")["value"] == pytest.approx(60.0)
    assert _national(table, "overall_fair_poor")["value"] == pytest.approx(40.0)


def test_died_in_preferred_place_is_a_match_among_those_who_named_a_place(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        # In the population: expressed a preference and named a place.
        repeat(6, pref__expressed="yes", pref__place="home", about__place_of_death="home")
        + repeat(3, pref__expressed="yes", pref__place="hospice", about__place_of_death="hospice")
        + repeat(5, pref__expressed="yes", pref__place="home", about__place_of_death="hospital")
        # Place of death skipped: in the population, but not a match.
        + repeat(2, pref__expressed="yes", pref__place="home")
        # Not in the population: preferred place unknown, or no preference expressed.
        + repeat(7, pref__expressed="yes", pref__place="dk", about__place_of_death="dk")
        + repeat(4, pref__expressed="yes", about__place_of_death="home")
        + repeat(9, pref__expressed="no", pref__place="home", about__place_of_death="home")
        + repeat(3, pref__place="home", about__place_of_death="home")
    )
    row = _national(compute_scores(frame, questionnaire), "died_in_preferred_place")
    assert (row["n"], row["numerator"]) == (16, 9)
    assert row["value"] == pytest.approx(100 * 9 / 16)


def test_only_submitted_responses_count(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(10, overall__rating="excellent")
        + repeat(10, overall__rating="poor", status="in_progress")
    )
    row = _national(compute_scores(frame, questionnaire), "overall_oe")
    assert (row["n"], row["value"]) == (10, 100.0)


def test_weights_give_a_weighted_percentage_on_the_unweighted_base(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(repeat(10, overall__rating="excellent") + repeat(10, overall__rating="poor"))
    table = compute_scores(frame.assign(w=[3.0] * 10 + [1.0] * 10), questionnaire, weight="w")
    row = _national(table, "overall_oe")
    assert row["n"] == 20  # the base rule uses the respondents, not the weights
    assert row["value"] == pytest.approx(75.0)  # 30 / 40
    # Kish: (Σw)² / Σw² = 40² / 100 = 16 effective respondents.
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(0.75 * 16, 16, alpha=0.05, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * low, 100 * high))


def test_a_negative_weight_is_refused(questionnaire: QuestionnaireData, responses: Builder) -> None:
    from analysis.response_data import ResponseDataError

    frame = responses(repeat(12, overall__rating="good")).assign(w=[1.0] * 11 + [-1.0])
    with pytest.raises(ResponseDataError, match="weight"):
        compute_scores(frame, questionnaire, weight="w")


def test_experience_scores_average_within_the_respondent_first(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    # 10 respondents rate 2 services: outstanding (10) and poor (0) → their quality score is 5.
    # 10 respondents rate 1 service: good (5).  Person-level mean: 5 for everyone.
    frame = responses(
        repeat(10, overall__rating="outstanding", hospital__any_time="yes", hospital__rating="poor")
        + repeat(10, overall__rating="good")
    )
    quality = _national(compute_scores(frame, questionnaire), "quality")
    assert quality["kind"] == "score"
    assert quality["value"] == pytest.approx(5.0)
    assert pd.isna(quality["numerator"])  # a mean has no numerator
    assert quality["n"] == 20


def test_a_score_interval_is_the_t_interval_of_respondent_scores(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    from statsmodels.stats.weightstats import DescrStatsW

    answers = ["outstanding"] * 4 + ["excellent"] * 6 + ["good"] * 5 + ["fair"] * 3 + ["poor"] * 2
    frame = responses([{"overall.rating": answer} for answer in answers])
    quality = _national(compute_scores(frame, questionnaire), "quality")
    points = {"outstanding": 10, "excellent": 7.5, "good": 5, "fair": 2.5, "poor": 0}
    stats = DescrStatsW([points[answer] for answer in answers])
    assert quality["value"] == pytest.approx(stats.mean)
    assert (quality["ci_low"], quality["ci_high"]) == pytest.approx(stats.tconfint_mean(0.05))


def test_unknown_answer_codes_count_as_unanswered_with_a_warning(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    from analysis.scores import UnknownAnswerCodes

    frame = responses(repeat(10, overall__rating="good") + repeat(3, overall__rating="grand"))
    with pytest.warns(UnknownAnswerCodes, match=r"overall.rating \(3\)"):
        table = compute_scores(frame, questionnaire)
    assert _national(table, "overall_oeg")["n"] == 10
