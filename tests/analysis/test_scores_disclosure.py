"""Disclosure control: the base rule, count rounding and secondary suppression."""

from __future__ import annotations

import pandas as pd
import pytest
from scores_builders import Builder, repeat, row_of

from analysis.disclosure import (
    MINIMUM_BASE,
    apply_disclosure_control,
    round_counts,
    secondary_suppression,
    suppress_small_cells,
)
from analysis.questionnaire_data import QuestionnaireData
from analysis.scores import compute_scores


def test_counts_of_one_to_seven_are_suppressed_and_others_rounded_to_five() -> None:
    counts = pd.Series([0, 1, 7, 8, 10, 12, 13, 22, 23, 1897])
    assert round_counts(counts).tolist() == [
        0,
        pd.NA,
        pd.NA,
        10,
        10,
        10,
        15,
        20,
        25,
        1895,
    ]


def _cells(breakdown: str, sizes: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "overall_oe",
            "breakdown": breakdown,
            "group": list(sizes),
            "n": list(sizes.values()),
            "numerator": [size // 2 for size in sizes.values()],
            "value": [50.0] * len(sizes),
            "ci_low": [40.0] * len(sizes),
            "ci_high": [60.0] * len(sizes),
            "comparison": ["similar"] * len(sizes),
        }
    )


def test_a_lone_small_cell_in_a_sensitive_breakdown_takes_the_next_smallest_with_it() -> None:
    table = _cells("about.ethnicity", {"white": 300, "asian": 40, "black": 25, "mixed": 4})
    hidden = secondary_suppression(table, table["n"] < MINIMUM_BASE)
    assert table.loc[hidden, "group"].tolist() == ["black", "mixed"]


def test_two_small_cells_already_protect_each_other() -> None:
    table = _cells("about.religion", {"none": 300, "christian": 40, "sikh": 3, "jewish": 5})
    hidden = secondary_suppression(table, table["n"] < MINIMUM_BASE)
    assert table.loc[hidden, "group"].tolist() == ["sikh", "jewish"]


def test_an_empty_cell_neither_counts_as_hidden_nor_serves_as_the_partner() -> None:
    table = _cells("you.lgbtq", {"yes": 6, "no": 300, "prefer_not": 0, "missing": 30})
    hidden = secondary_suppression(table, table["n"] < MINIMUM_BASE)
    assert table.loc[hidden, "group"].tolist() == ["yes", "prefer_not", "missing"]


def test_breakdowns_that_are_not_sensitive_get_no_secondary_suppression() -> None:
    table = _cells("channel", {"web": 300, "paper": 40, "sms": 4})
    hidden = secondary_suppression(table, table["n"] < MINIMUM_BASE)
    assert table.loc[hidden, "group"].tolist() == ["sms"]


def test_a_suppressed_row_shows_nothing_but_its_labels() -> None:
    table = suppress_small_cells(_cells("channel", {"web": 300, "sms": 9}))
    sms = table[table["group"] == "sms"].iloc[0]
    assert sms["suppressed"] == 1
    assert sms[["n", "numerator", "value", "ci_low", "ci_high"]].isna().all()
    assert sms["comparison"] == "n/a"


def test_national_counts_stay_exact_and_the_rest_are_rounded() -> None:
    table = pd.concat(
        [_cells("national", {"all": 1897}), _cells("area", {"north": 1897})], ignore_index=True
    )
    published = apply_disclosure_control(table, exact_counts=table["breakdown"] == "national")
    assert published["n"].tolist() == [1897, 1895]
    assert published["numerator"].tolist() == [948, 950]


def test_small_ethnic_groups_cannot_be_recovered_from_the_area_total(
    questionnaire: QuestionnaireData, responses: Builder
) -> None:
    frame = responses(
        repeat(60, about__ethnicity="white", overall__rating="good")
        + repeat(20, about__ethnicity="asian", overall__rating="good")
        + repeat(14, about__ethnicity="black", overall__rating="poor")
        + repeat(3, about__ethnicity="mixed", overall__rating="poor")
    )
    table = compute_scores(frame, questionnaire, area="north", by=["about.ethnicity"])
    assert row_of(table, "overall_oe", "about.ethnicity", "mixed")["suppressed"] == 1
    black = row_of(table, "overall_oe", "about.ethnicity", "black")
    assert black["suppressed"] == 1  # the next smallest, so 97 − 60 − 20 leaves two unknowns
    assert pd.isna(black["value"]) and pd.isna(black["n"])
    assert row_of(table, "overall_oe", "about.ethnicity", "asian")["suppressed"] == 0


@pytest.mark.parametrize("n", [0, 1, 9])
def test_a_group_under_ten_is_suppressed(
    questionnaire: QuestionnaireData, responses: Builder, n: int
) -> None:
    frame = responses(
        repeat(50, area="big", overall__rating="good")
        + repeat(n, area="small", overall__rating="good")
        + repeat(1, area="small")  # so the area exists even when n = 0
    )
    small = row_of(compute_scores(frame, questionnaire, by=["area"]), "overall_oe", "area", "small")
    assert small["suppressed"] == 1
    assert small[["n", "numerator", "value", "std_value", "oe_ratio"]].isna().all()
