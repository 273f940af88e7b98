"""The report model: every figure from the analysis package, suppressed cells as a marker."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from scores_builders import Builder, repeat, row_of

from analysis.questionnaire_data import QuestionnaireData
from analysis.report import (
    SUPPRESSED,
    InvitationCount,
    ReportPeriod,
    ReportScope,
    Suppressed,
    load_published_figures,
)
from analysis.report.build import build_report
from analysis.report.published import PublishedFigure, PublishedReferenceError
from analysis.scores import compute_scores, round_for_publication

NORTH = ReportScope("area", "north", "North")


def survey(responses: Builder) -> pd.DataFrame:
    rows = (
        repeat(30, overall__rating="excellent", about__ethnicity="white", area="north")
        + repeat(20, overall__rating="poor", about__ethnicity="white", area="north")
        + repeat(12, overall__rating="good", about__ethnicity="asian", area="north")
        + repeat(4, overall__rating="fair", about__ethnicity="black", area="north")
        + repeat(40, overall__rating="good", about__ethnicity="white", area="south")
        + repeat(
            5,
            overall__rating="good",
            about__ethnicity="white",
            area="north",
            community_group="tiny-group",
        )
    )
    frame = responses(rows)
    # Spread the submissions over two quarters.
    frame.loc[frame.index % 2 == 0, "submitted_at"] = "2025-05-10T09:00:00Z"
    return frame


def test_the_headline_is_the_analysis_packages_own_figure(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    frame = survey(responses)
    model = build_report(frame, questionnaire, NORTH)
    scores = round_for_publication(compute_scores(frame, questionnaire, area="north"))
    expected = row_of(scores, "overall_oeg", "area", "north")
    (record,) = model.table("headline_indicators").where(indicator="overall_oeg")
    assert record["value"] == expected["value"]
    assert record["ci_low"] == expected["ci_low"]
    assert record["std_value"] == expected["std_value"]
    assert record["n"] == int(expected["n"])
    national = row_of(scores, "overall_oeg", "national", "all")
    assert record["national_value"] == national["value"]
    assert model.responses_in_scope == 70  # 71 rounded to the nearest 5


def test_a_small_group_is_a_marker_in_every_table_never_a_number(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    model = build_report(survey(responses), questionnaire, NORTH)
    inequalities = model.table("inequalities")
    (black,) = inequalities.where(measure="overall_oeg", breakdown="about.ethnicity", group="black")
    for column in ("n", "std_value", "std_ci_low", "gap_to_national", "comparison"):
        assert black[column] is SUPPRESSED
    # Secondary suppression: the next smallest ethnic group is hidden too.
    (asian,) = inequalities.where(measure="overall_oeg", breakdown="about.ethnicity", group="asian")
    assert asian["std_value"] is SUPPRESSED
    tiny = model.table("responses_by_quarter").where(
        breakdown="community_group", group="tiny-group"
    )
    assert tiny and all(record["responses"] is SUPPRESSED for record in tiny)
    for table in model.tables.values():
        for row in table.rows:
            for cell in row:
                assert cell is SUPPRESSED or not isinstance(cell, Suppressed)
    summary = {
        record["table"]: record["suppressed_cells"]
        for record in model.table("suppression_summary").records()
    }
    assert summary["inequalities"] == model.table("inequalities").suppressed_cells > 0


def test_a_period_keeps_only_responses_submitted_in_it_for_the_area_and_the_reference(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    frame = survey(responses)
    period = ReportPeriod(date(2025, 4, 1), date(2025, 6, 30))
    model = build_report(frame, questionnaire, NORTH, period=period)
    quarters = {record["quarter"] for record in model.table("responses_by_quarter").records()}
    assert quarters == {"2025-Q2"}
    in_period = frame[frame["submitted_at"].str.startswith("2025-05")]
    scores = round_for_publication(compute_scores(in_period, questionnaire, area="north"))
    (record,) = model.table("headline_indicators").where(indicator="overall_oeg")
    assert record["value"] == row_of(scores, "overall_oeg", "area", "north")["value"]


def test_an_empty_period_gives_a_report_without_results(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    period = ReportPeriod(date(2030, 1, 1), None)
    model = build_report(survey(responses), questionnaire, NORTH, period=period)
    assert model.responses_in_scope == 0
    assert "headline_indicators" not in model.tables
    assert model.table("responses_by_quarter").rows == ()


def test_response_rates_hide_a_rate_that_would_reveal_a_small_count(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    invitations = [
        InvitationCount("all", "all", 200, 71),
        InvitationCount("language", "pl", 40, 3),
        InvitationCount("community_group", "tiny-group", 6, 0),
    ]
    model = build_report(survey(responses), questionnaire, NORTH, invitations=invitations)
    rates = {record["group"]: record for record in model.table("response_rates").records()}
    assert rates["all"]["response_rate"] == 35.5
    assert rates["all"]["responses"] == 70  # rounded: below national level
    assert rates["pl"]["responses"] is SUPPRESSED and rates["pl"]["response_rate"] is SUPPRESSED
    assert rates["tiny-group"]["response_rate"] is SUPPRESSED  # fewer than 10 invitations


def test_a_group_report_uses_everyone_as_the_national_reference(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    rows = repeat(15, overall__rating="poor", community_group="carers") + repeat(
        45, overall__rating="excellent"
    )
    frame = responses(rows)
    model = build_report(frame, questionnaire, ReportScope("group", "carers", "Carers"))
    (record,) = model.table("headline_indicators").where(indicator="overall_oeg")
    assert record["value"] == 0.0
    assert record["national_value"] == 75.0
    assert "inequalities" not in model.tables and "funnel_of_areas" not in model.tables


def test_published_voices_figures_are_compared_as_context(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    published = {"overall_oeg": PublishedFigure("overall_oeg", 99.0, 2015, "ONS", "confirmed")}
    model = build_report(survey(responses), questionnaire, NORTH, published=published)
    (record,) = model.table("headline_indicators").where(indicator="overall_oeg")
    assert record["published_value"] == 99.0 and record["published_year"] == 2015
    assert record["published_comparison"] == "worse"
    (other,) = model.table("headline_indicators").where(indicator="overall_oe")
    assert other["published_value"] is None and other["published_comparison"] == "n/a"


def test_the_funnel_places_each_area_against_limits_around_national(
    responses: Builder, questionnaire: QuestionnaireData
) -> None:
    model = build_report(survey(responses), questionnaire, NORTH, area_names={"north": "North"})
    areas = {record["area"]: record for record in model.table("funnel_of_areas").records()}
    assert set(areas) == {"North", "south"}
    south = areas["south"]
    assert south["value"] == 100.0
    assert south["limit95_low"] < south["limit95_high"] <= south["limit998_high"]
    assert south["position"] in {"above 95% limit", "above 99.8% limit"}


def test_the_latest_confirmed_published_figure_is_used(tmp_path: Path) -> None:
    source = tmp_path / "reference.csv"
    source.write_text(
        "indicator,breakdown,value_pct,year,source,status\n"
        "overall_oeg,all,75,2015,a,confirmed\n"
        "overall_oeg,all,74,2014,b,confirmed\n"
        "overall_oeg,sex=female,80,2015,c,confirmed\n"
        "dignity,all,54,2015,d,secondary\n"
        "dignity,all,48,2015,e,confirmed\n"
        "broken,all,not-a-number,2015,f,confirmed\n",
        encoding="utf-8",
    )
    figures = load_published_figures(source)
    assert figures["overall_oeg"].value_pct == 75 and figures["overall_oeg"].year == 2015
    assert figures["dignity"].value_pct == 48
    assert "broken" not in figures
    with pytest.raises(PublishedReferenceError):
        load_published_figures(tmp_path / "missing.csv")


def test_no_published_cell_is_nan(responses: Builder, questionnaire: QuestionnaireData) -> None:
    model = build_report(survey(responses), questionnaire, NORTH)
    for table in model.tables.values():
        for row in table.rows:
            assert not any(isinstance(cell, float) and math.isnan(cell) for cell in row)
