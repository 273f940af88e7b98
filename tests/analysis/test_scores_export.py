"""A real export (`flask responses export` of the demo data) against plain pandas arithmetic."""

from __future__ import annotations

import pandas as pd
import pytest
from scores_builders import FIXTURES, row_of

from analysis.questionnaire_data import QuestionnaireData
from analysis.response_data import read_responses_csv
from analysis.scores import compute_scores

EXPORT = FIXTURES / "demo-export.csv"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(EXPORT, dtype=str, keep_default_na=False).replace("", pd.NA)


@pytest.fixture(scope="module")
def table(questionnaire: QuestionnaireData) -> pd.DataFrame:
    responses = read_responses_csv(EXPORT, questionnaire, columns=["area"])
    return compute_scores(responses, questionnaire, by=["area"])


def test_only_the_columns_the_analysis_needs_are_read(questionnaire: QuestionnaireData) -> None:
    responses = read_responses_csv(EXPORT, questionnaire)
    assert "overall.improve" not in responses.columns  # free text is never read
    assert "response_id" not in responses.columns
    assert isinstance(responses["overall.rating"].dtype, pd.CategoricalDtype)


def test_indicators_by_area_match_a_plain_count(raw: pd.DataFrame, table: pd.DataFrame) -> None:
    for area, answers in raw.groupby("area")["overall.rating"]:
        answered = answers.dropna()
        good = answered.isin(["outstanding", "excellent", "good"]).sum()
        row = row_of(table, "overall_oeg", "area", str(area))
        assert row["value"] == pytest.approx(100 * good / len(answered))
        assert row["n"] == 5 * round(len(answered) / 5)


def test_pain_denominators_match_a_plain_count(raw: pd.DataFrame, table: pd.DataFrame) -> None:
    answers = raw["hospital.pain"].dropna()
    substantive = answers[~answers.isin(["no_pain", "dk"])]
    row = row_of(table, "pain_complete_hospital", "national", "all")
    assert row["n"] == len(substantive)
    assert row["numerator"] == (substantive == "complete_all").sum()


def test_the_dignity_score_matches_a_plain_calculation(
    raw: pd.DataFrame, table: pd.DataFrame, questionnaire: QuestionnaireData
) -> None:
    (domain,) = [d for d in questionnaire.domains if d.id == "dignity"]
    points = {"always": 10.0, "most": 20 / 3, "some": 10 / 3, "never": 0.0}
    per_person = raw[list(domain.items)].apply(lambda column: column.map(points)).mean(axis=1)
    row = row_of(table, "dignity", "national", "all")
    assert row["n"] == per_person.notna().sum()
    assert row["value"] == pytest.approx(per_person.mean())
