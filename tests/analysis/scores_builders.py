"""Builders for the scores tests: response frames in the export's shape, written plainly."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from analysis.questionnaire_data import FIXED_COLUMNS, QuestionnaireData

ROOT = Path(__file__).resolve().parents[2]
VOICES_CORE = ROOT / "questionnaires" / "voices-core" / "v1.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

Builder = Callable[[Sequence[Mapping[str, str]]], pd.DataFrame]

# What every response in a test has unless the test says otherwise.
DEFAULTS = {
    "questionnaire_id": "voices-core",
    "questionnaire_version": "1",
    "area": "north",
    "community_group": "",
    "language": "en",
    "channel": "web",
    "status": "submitted",
    "submitted_at": "2025-02-10T09:30:00Z",
}


def build_responses(
    rows: Sequence[Mapping[str, str]], questionnaire: QuestionnaireData
) -> pd.DataFrame:
    """Responses in the export's shape: every column present, unanswered items empty."""
    columns = [*FIXED_COLUMNS, *questionnaire.items]
    records = [{"response_id": f"r{index}", **DEFAULTS, **row} for index, row in enumerate(rows)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.replace("", pd.NA)


def repeat(count: int, **answers: str) -> list[dict[str, str]]:
    """``count`` respondents giving the same answers (keyword names use __ for dots)."""
    row = {key.replace("__", "."): value for key, value in answers.items()}
    return [dict(row) for _ in range(count)]


def row_of(table: pd.DataFrame, indicator: str, breakdown: str, group: str) -> pd.Series:
    """The one published row for an indicator and group."""
    found = table[
        (table["indicator"] == indicator)
        & (table["breakdown"] == breakdown)
        & (table["group"] == group)
    ]
    assert len(found) == 1, f"{len(found)} rows for {indicator} {breakdown}={group}"
    return found.iloc[0]
