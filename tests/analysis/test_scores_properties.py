"""Properties that must hold for any responses: nothing leaks, intervals hold their estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scores_builders import build_responses, row_of

from analysis.disclosure import VALUE_COLUMNS
from analysis.questionnaire_data import QuestionnaireData
from analysis.scores import compute_scores

AREAS = ["a", "b", "c"]
ETHNICITY = ["white", "mixed", "asian", "black", "other", "prefer_not", ""]
AGES = ["18_64", "65_74", "75_84", "85_plus", ""]
CAUSES = ["cancer", "heart", "dementia_frailty", "dk", ""]
RATINGS = ["outstanding", "excellent", "good", "fair", "poor", ""]
PAIN = ["complete_all", "complete_some", "partial", "not_relieved", "no_pain", "dk", ""]

respondent = st.fixed_dictionaries(
    {
        "area": st.sampled_from(AREAS),
        "about.ethnicity": st.sampled_from(ETHNICITY),
        "about.age_band": st.sampled_from(AGES),
        "about.cause_group": st.sampled_from(CAUSES),
        "overall.rating": st.sampled_from(RATINGS),
        "last2.pain": st.sampled_from(PAIN),
        "weight": st.sampled_from(["1", "0.5", "2", "3.5"]),
    }
)
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _table(
    rows: list[dict[str, str]], questionnaire: QuestionnaireData, weighted: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = build_responses(rows, questionnaire)
    frame["weight"] = [float(row["weight"]) for row in rows]
    table = compute_scores(
        frame, questionnaire, by=["area", "about.ethnicity"], weight="weight" if weighted else None
    )
    return frame, table


@PROPERTY_SETTINGS
@given(rows=st.lists(respondent, min_size=1, max_size=120), weighted=st.booleans())
def test_no_suppressed_cell_leaks_a_figure(
    questionnaire: QuestionnaireData, rows: list[dict[str, str]], weighted: bool
) -> None:
    _, table = _table(rows, questionnaire, weighted)
    hidden = table[table["suppressed"] == 1]
    assert hidden[list(VALUE_COLUMNS)].isna().all().all()
    assert hidden["n"].isna().all() and hidden["numerator"].isna().all()
    assert (hidden["comparison"] == "n/a").all()
    # Published counts below national level are never 1–7.
    sub_national = table[table["breakdown"] != "national"]
    for column in ("n", "numerator"):
        counts = sub_national[column].dropna()
        assert not ((counts >= 1) & (counts <= 7)).any()
        assert (counts % 5 == 0).all()


@PROPERTY_SETTINGS
@given(rows=st.lists(respondent, min_size=1, max_size=120))
def test_no_sensitive_cell_is_the_only_one_hidden_in_its_breakdown(
    questionnaire: QuestionnaireData, rows: list[dict[str, str]]
) -> None:
    frame, table = _table(rows, questionnaire, weighted=False)
    # Independent count of who answers overall.rating, per ethnic group.
    rated = frame[frame["overall.rating"].notna()]
    true_n = rated["about.ethnicity"].fillna("missing").value_counts()
    cells = table[(table["indicator"] == "overall_oe") & (table["breakdown"] == "about.ethnicity")]
    hidden_nonempty = [
        group
        for group, hidden in zip(cells["group"], cells["suppressed"], strict=True)
        if hidden and true_n.get(group, 0) > 0
    ]
    nonempty = [group for group in cells["group"] if true_n.get(group, 0) > 0]
    assert len(hidden_nonempty) != 1 or len(nonempty) == 1


@PROPERTY_SETTINGS
@given(rows=st.lists(respondent, min_size=10, max_size=150), weighted=st.booleans())
def test_every_interval_contains_its_estimate(
    questionnaire: QuestionnaireData, rows: list[dict[str, str]], weighted: bool
) -> None:
    _, table = _table(rows, questionnaire, weighted)
    shown = table[table["suppressed"] == 0]
    for estimate, low, high in (
        ("value", "ci_low", "ci_high"),
        ("std_value", "std_ci_low", "std_ci_high"),
    ):
        known = shown.dropna(subset=[estimate, low, high])
        assert (known[low] <= known[estimate] + 1e-9).all()
        assert (known[estimate] <= known[high] + 1e-9).all()


stratum = st.tuples(st.sampled_from(AGES), st.sampled_from(CAUSES))


@PROPERTY_SETTINGS
@given(
    mix=st.dictionaries(stratum, st.integers(min_value=1, max_value=6), min_size=1, max_size=8),
    multiple=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_a_group_with_the_national_case_mix_keeps_its_crude_value(
    questionnaire: QuestionnaireData,
    mix: dict[tuple[str, str], int],
    multiple: int,
    seed: int,
) -> None:
    # Group "a" has c_s respondents per stratum, group "b" has multiple × c_s: the national
    # mix is then exactly a's mix, while the outcomes differ freely. Ten per unit of c_s keeps
    # both groups above the base rule, so every example checks something.
    random = np.random.default_rng(seed)
    rows = []
    for (age, cause), count in mix.items():
        for area, size in (("a", count * 10), ("b", count * 10 * multiple)):
            for _ in range(size):
                rating = str(random.choice(["excellent", "good", "poor"]))
                rows.append(
                    {
                        "area": area,
                        "about.age_band": age,
                        "about.cause_group": cause,
                        "overall.rating": rating,
                    }
                )
    table = compute_scores(build_responses(rows, questionnaire), questionnaire, by=["area"])
    checked = 0
    for indicator in ("overall_oe", "overall_oeg", "quality"):
        for area in ("a", "b"):
            row = row_of(table, indicator, "area", area)
            assert row["suppressed"] == 0
            if not np.isnan(row["oe_ratio"]):  # no ratio when nobody nationally scores (E = 0)
                assert row["std_value"] == pytest.approx(row["value"], rel=1e-9, abs=1e-9)
                checked += 1
    assert checked > 0


@PROPERTY_SETTINGS
@given(
    rows=st.lists(respondent, min_size=1, max_size=60),
    extra=st.lists(st.sampled_from(["no_pain", "dk", ""]), min_size=1, max_size=30),
)
def test_non_substantive_answers_change_no_denominator(
    questionnaire: QuestionnaireData, rows: list[dict[str, str]], extra: list[str]
) -> None:
    base = compute_scores(build_responses(rows, questionnaire), questionnaire)
    padded_rows = rows + [{"area": "a", "last2.pain": answer} for answer in extra]
    padded = compute_scores(build_responses(padded_rows, questionnaire), questionnaire)
    before = row_of(base, "pain_complete_last2", "national", "all")
    after = row_of(padded, "pain_complete_last2", "national", "all")
    assert _same(after["n"], before["n"])
    assert after["value"] == pytest.approx(before["value"], nan_ok=True)
    assert after["suppressed"] == before["suppressed"]


def _same(left: object, right: object) -> bool:
    return bool(pd.isna(left) and pd.isna(right)) or bool(left == right)
