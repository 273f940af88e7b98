"""Breakdowns: response columns, quarters, any single-choice item, and the inequality view."""

from __future__ import annotations

import pandas as pd
import pytest
from scores_builders import Builder, repeat, row_of

from analysis.questionnaire_data import QuestionnaireData
from analysis.response_data import ResponseDataError
from analysis.scores import INEQUALITY_COLUMNS, OUTPUT_COLUMNS, compute_scores, inequalities


def test_each_breakdown_gives_one_row_per_group_after_the_national_row(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(
            20,
            channel="web",
            language="en",
            community_group="carers-north",
            submitted_at="2025-03-31T23:59:59Z",
            overall__rating="good",
        )
        + repeat(
            15,
            channel="sms",
            language="cy",
            submitted_at="2025-04-01T00:00:00Z",
            overall__rating="poor",
        )
        + repeat(12, channel="paper", language="en", submitted_at="", overall__rating="good")
    )
    by = ["community_group", "language", "channel", "quarter"]
    table = compute_scores(frame, questionnaire, by=by)
    assert list(table.columns) == list(OUTPUT_COLUMNS)
    oe = table[table["indicator"] == "overall_oeg"]
    assert oe[["breakdown", "group"]].values.tolist() == [
        ["national", "all"],
        ["community_group", "carers-north"],
        ["community_group", "missing"],
        ["language", "cy"],
        ["language", "en"],
        ["channel", "paper"],
        ["channel", "sms"],
        ["channel", "web"],
        ["quarter", "2025-Q1"],
        ["quarter", "2025-Q2"],
        ["quarter", "missing"],
    ]
    assert row_of(table, "overall_oeg", "quarter", "2025-Q2")["value"] == 0.0


def test_an_item_breakdown_lists_options_in_questionnaire_order_then_missing(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(10, about__place_of_death="hospital", overall__rating="good")
        + repeat(10, about__place_of_death="home", overall__rating="good")
        + repeat(10, overall__rating="good")
        + repeat(10, about__place_of_death="dk", overall__rating="good")
    )
    table = compute_scores(frame, questionnaire, by=["about.place_of_death"])
    groups = table[table["indicator"] == "overall_oeg"]["group"].tolist()
    assert groups == ["all", "home", "hospital", "dk", "missing"]


def test_every_indicator_and_domain_has_a_national_row(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    table = compute_scores(responses(repeat(12, overall__rating="good")), questionnaire)
    national = table[table["breakdown"] == "national"]
    expected = [i.id for i in questionnaire.indicators] + [d.id for d in questionnaire.domains]
    assert national["indicator"].tolist() == expected
    assert set(national.loc[national["indicator"].isin(["quality", "dignity"]), "kind"]) == {
        "score"
    }


@pytest.mark.parametrize(
    ("by", "message"),
    [("nowhere", "unknown --by"), ("overall.improve", "text item"), ("national", "always")],
)
def test_impossible_breakdowns_are_refused(
    questionnaire: QuestionnaireData, responses: Builder, by: str, message: str
) -> None:
    with pytest.raises(ResponseDataError, match=message):
        compute_scores(responses(repeat(3)), questionnaire, by=[by])


def test_no_submitted_responses_is_an_error(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    with pytest.raises(ResponseDataError, match="no submitted responses"):
        compute_scores(responses(repeat(3, status="in_progress")), questionnaire)


def test_the_inequality_view_gives_gaps_to_the_area_and_to_national(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(40, area="north", about__religion="christian", overall__rating="excellent")
        + repeat(20, area="north", about__religion="none", overall__rating="good")
        + repeat(20, area="north", about__religion="muslim", overall__rating="poor")
        + repeat(60, area="south", about__religion="none", overall__rating="good")
    )
    view = inequalities(frame, questionnaire, area="north", by=["about.religion"])
    assert list(view.columns) == list(INEQUALITY_COLUMNS)
    oe = view[view["indicator"] == "overall_oe"].set_index("group")
    assert list(oe.index) == ["none", "christian", "muslim"]
    # National: 40 of 140 say outstanding/excellent; north: 40 of 80. No case-mix answers, so
    # standardised values equal crude ones.
    assert oe.loc["christian", "national_value"] == pytest.approx(100 * 40 / 140)
    assert oe.loc["christian", "area_value"] == pytest.approx(50.0)
    assert oe.loc["christian", "gap_to_area"] == pytest.approx(50.0)
    assert oe.loc["muslim", "gap_to_national"] == pytest.approx(-100 * 40 / 140)
    assert oe.loc["muslim", "comparison"] == "worse"
    assert (view["breakdown"] == "about.religion").all()


def test_the_inequality_view_blanks_gaps_of_suppressed_groups(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(50, about__religion="christian", overall__rating="good")
        + repeat(20, about__religion="none", overall__rating="good")
        + repeat(3, about__religion="sikh", overall__rating="poor")
    )
    view = inequalities(frame, questionnaire, area="north", by=["about.religion"])
    oe = view[view["indicator"] == "overall_oeg"]
    hidden = oe[oe["suppressed"] == 1]
    assert set(hidden["group"]) == {"sikh", "none"}
    assert hidden[["std_value", "gap_to_area", "gap_to_national"]].isna().all().all()
    assert not pd.isna(oe[oe["group"] == "christian"]["gap_to_area"]).any()
