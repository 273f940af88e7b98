"""Commissioners see themes by group: small groups hidden, distinctive themes surfaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
from themes_fixtures import BENGALI, ENGLISH, PANJABI, POLISH, URDU, WELSH, ExportBuilder, repeat

from analysis.themes.comments import comments_from_responses
from analysis.themes.frame import CodingFrame
from analysis.themes.key_phrases import phrases_by_group
from analysis.themes.pipeline import analyse_comments
from analysis.themes.quotes import quotes_by_group
from analysis.themes.summary import SUMMARY_COLUMNS, log_odds_z, summarise_by_group

GENERAL_COMMENTS = [
    "The nurses were so kind to Mum and to all of us at the end.",
    "Staff explained everything and kept the family informed every day.",
    "The hospital bed and the hoist came quickly, so Dad could die at home as he wished.",
    "The syringe driver kept her comfortable and free of pain.",
]
FAITH_COMMENTS = [
    "The imam was not allowed in to pray with him before he died.",
    "No one understood that we needed a same-day burial and the body was held for days.",
    "The chaplain helped us find a quiet room for prayer.",
    "There was no interpreter, so my mother could not ask about his pain.",
]


def summarise(export: pd.DataFrame, frame: CodingFrame, by: list[str]) -> pd.DataFrame:
    return summarise_by_group(analyse_comments(comments_from_responses(export), frame), by)


def test_the_table_has_the_documented_columns(export_of: ExportBuilder, frame: CodingFrame) -> None:
    table = summarise(
        export_of([("General", "en", c) for c in repeat(ENGLISH, 12)]), frame, ["community_group"]
    )
    assert list(table.columns) == SUMMARY_COLUMNS
    assert set(table["theme"]) >= set(frame.theme_ids)


def test_a_group_under_ten_comments_is_suppressed_entirely(
    export_of: ExportBuilder, frame: CodingFrame
) -> None:
    rows = [("Large group", "en", c) for c in repeat(ENGLISH, 30)]
    rows += [("Small group", "en", c) for c in repeat(FAITH_COMMENTS, 9)]
    export = export_of(rows)
    analysed = analyse_comments(comments_from_responses(export), frame)
    table = summarise_by_group(analysed, ["community_group"])
    small = table[table["group"] == "Small group"]
    assert small["suppressed"].all()
    numbers = ["n_comments", "n_theme", "pct", "pct_positive", "pct_negative", "distinctiveness_z"]
    assert small[numbers].isna().all().all()
    assert not table.loc[table["group"] == "Large group", "suppressed"].any()
    quotes = quotes_by_group(analysed, ["community_group"])
    assert "Small group" not in set(quotes["group"])
    assert "Large group" in set(quotes["group"])


def test_a_group_of_exactly_ten_is_shown(export_of: ExportBuilder, frame: CodingFrame) -> None:
    rows = [("Big", "en", c) for c in repeat(ENGLISH, 20)]
    rows += [("Ten", "en", c) for c in repeat(ENGLISH, 10)]
    table = summarise(export_of(rows), frame, ["community_group"])
    assert not table.loc[table["group"] == "Ten", "suppressed"].any()


def test_sensitive_breakdowns_also_hide_the_next_smallest_group(
    export_of: ExportBuilder, frame: CodingFrame
) -> None:
    export = export_of([("G", "en", c) for c in repeat(ENGLISH, 60)])
    # One small group alone could be recovered by subtraction from the total, so the next
    # smallest is hidden with it.
    export["about.ethnicity"] = ["White"] * 40 + ["Black"] * 15 + ["Asian"] * 5
    table = summarise(export, frame, ["about.ethnicity"])
    assert set(table.loc[table["suppressed"], "group"]) == {"Asian", "Black"}
    # Two small groups already protect each other.
    export["about.ethnicity"] = ["White"] * 35 + ["Black"] * 15 + ["Mixed"] * 6 + ["Asian"] * 4
    table = summarise(export, frame, ["about.ethnicity"])
    assert set(table.loc[table["suppressed"], "group"]) == {"Asian", "Mixed"}
    # community_group is not a sensitive breakdown: only the small group is hidden.
    export["community_group"] = ["A"] * 55 + ["B"] * 5
    table = summarise(export, frame, ["community_group"])
    assert set(table.loc[table["suppressed"], "group"]) == {"B"}


def test_a_planted_theme_surfaces_as_distinctive_for_its_group(
    export_of: ExportBuilder, frame: CodingFrame
) -> None:
    rows = [("General population", "en", c) for c in repeat(GENERAL_COMMENTS, 80)]
    rows += [("Muslim community", "en", c) for c in repeat(FAITH_COMMENTS, 40)]
    table = summarise(export_of(rows), frame, ["community_group"])
    faith = table[(table["group"] == "Muslim community")].set_index("theme")
    assert faith.loc["eol_cultural_religious_language", "distinctiveness_z"] > 3
    assert faith["distinctiveness_z"].idxmax() == "eol_cultural_religious_language"
    general = table[(table["group"] == "General population")].set_index("theme")
    assert general.loc["eol_cultural_religious_language", "distinctiveness_z"] < -3


def test_the_dirichlet_prior_keeps_a_tiny_difference_from_looking_distinctive() -> None:
    # 30% of a group against 1% overall: 3 of 10 comments, then 300 of 1,000.
    z_small = log_odds_z(np.array([[3.0]]), np.array([[10.0]]), np.array([[10.0]]), 1000.0)
    z_large = log_odds_z(np.array([[300.0]]), np.array([[1000.0]]), np.array([[1000.0]]), 1e5)
    assert 0 < z_small[0, 0] < z_large[0, 0]


def test_non_english_comments_are_counted_and_none_are_dropped(
    export_of: ExportBuilder, frame: CodingFrame
) -> None:
    rows = [("Welsh speakers", "cy", c) for c in repeat(WELSH, 10)]
    rows += [("Polish community", "pl", c) for c in repeat(POLISH, 10)]
    rows += [("Urdu speakers", "ur", c) for c in repeat(URDU, 10)]
    rows += [("Panjabi speakers", "pa", c) for c in repeat(PANJABI, 10)]
    rows += [("Bengali speakers", "bn", c) for c in repeat(BENGALI, 12)]
    comments = comments_from_responses(export_of(rows))
    analysed = analyse_comments(comments, frame)
    assert len(analysed.comments) == len(rows)
    table = summarise_by_group(analysed, ["community_group"]).set_index(["group", "theme"])
    for group in ["Welsh speakers", "Polish community", "Urdu speakers", "Panjabi speakers"]:
        # Half or more of each group's 10 comments (counts of 5-7 are published blank).
        assert table.loc[(group, "eol_recognising_dying"), "pct"] >= 50, group
        assert table.loc[(group, "awaiting_translation"), "n_theme"] == 0
    # All 12 Bengali comments are counted, as awaiting translation (12 is published as 10).
    assert table.loc[("Bengali speakers", "awaiting_translation"), "pct"] == 100.0
    assert table.loc[("Bengali speakers", "awaiting_translation"), "n_comments"] == 10
    assert analysed.comments["awaiting_translation"].sum() == 12
    detected = analysed.comments.groupby("community_group")["detected_language"].agg(set)
    assert detected["Bengali speakers"] == {"bn"}
    assert detected["Panjabi speakers"] == {"pa"}


def test_quotes_are_redacted_and_at_most_three_per_theme_and_group(
    export_of: ExportBuilder, frame: CodingFrame
) -> None:
    comments = [f"Dr Hughes never told us she was dying, ring 07700 900{n:03d}." for n in range(12)]
    analysed = analyse_comments(
        comments_from_responses(export_of([("Carers", "en", c) for c in comments])), frame
    )
    quotes = quotes_by_group(analysed, ["community_group"])
    assert not quotes.empty
    assert quotes.groupby(["group", "theme"]).size().max() <= 3
    joined = " ".join(quotes["quote"])
    assert "Hughes" not in joined and "07700" not in joined
    assert list(quotes.columns) == ["breakdown", "group", "theme", "language", "quote"]


def test_key_phrases_recur_and_never_carry_names(
    export_of: ExportBuilder, frame: CodingFrame
) -> None:
    comments = repeat(
        [
            "Dr Patel said the syringe driver would help, and the syringe driver did.",
            "Thanks to Nurse Bethan Jones, the syringe driver kept Mum comfortable.",
            "The syringe driver ran out at night. Sister Kaur refilled it.",
        ],
        15,
    )
    analysed = analyse_comments(
        comments_from_responses(export_of([("Carers", "en", c) for c in comments])), frame
    )
    phrases = phrases_by_group(analysed, ["community_group"])
    assert "syringe driver" in set(phrases["phrase"])
    assert (phrases["n"] >= 3).all()
    words = " ".join(phrases["phrase"])
    for name in ("patel", "bethan", "jones", "kaur"):
        assert name not in words
