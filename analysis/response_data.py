"""Reading the response export (wide CSV, one row per response) into a compact DataFrame."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis.questionnaire_data import FIXED_COLUMNS, QuestionnaireData

# Only these responses count: one still in progress may be abandoned or changed later.
SUBMITTED = "submitted"
# Columns every analysis needs besides the items it reads.
REQUIRED_COLUMNS: tuple[str, ...] = ("status",)
# Fixed export columns kept as text; the others are low-cardinality labels (categorical).
TEXT_COLUMNS = frozenset({"response_id", "submitted_at"})


class ResponseDataError(Exception):
    """The responses cannot be analysed as given (unreadable file, missing columns...)."""


def read_header(path: str | Path) -> list[str]:
    """The column names of an export file; ResponseDataError when it cannot be read as UTF-8 CSV."""
    source = Path(path)
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except FileNotFoundError:
        raise ResponseDataError(f"responses file not found: {source}") from None
    except IsADirectoryError:
        raise ResponseDataError(f"{source} is a folder, not a responses file") from None
    except UnicodeDecodeError:
        raise ResponseDataError(f"{source} is not UTF-8 text (save it as CSV UTF-8)") from None
    except (OSError, csv.Error) as problem:
        raise ResponseDataError(f"cannot read {source}: {problem}") from None
    if not header:
        raise ResponseDataError(f"{source} is empty (no header row)")
    return [name.strip() for name in header]


def read_responses_csv(
    path: str | Path,
    questionnaire: QuestionnaireData,
    *,
    columns: Iterable[str] = (),
    numeric: Iterable[str] = (),
) -> pd.DataFrame:
    """Read the columns the analysis needs from an export file.

    Reads the fixed columns present, the items the questionnaire's indicators, domains and case
    mix use, and ``columns`` (breakdowns); ``numeric`` columns (a weight) are read as numbers.
    Free-text answers are never read: they are large and play no part in scores. Answer columns
    are categorical, which keeps a million responses in a few hundred MB.
    """
    source = Path(path)
    header = read_header(source)
    numeric_columns = set(numeric)
    wanted = set(REQUIRED_COLUMNS) | set(columns) | numeric_columns
    missing = sorted(name for name in wanted if name not in header)
    if missing:
        raise ResponseDataError(f"{source.name} has no column(s): {', '.join(missing)}")
    # The response id and submission time are large text columns only some analyses need.
    optional = (set(FIXED_COLUMNS) - TEXT_COLUMNS) | questionnaire.analysed_items()
    usecols = [name for name in header if name in wanted or name in optional]
    dtypes: dict[str, str] = {name: "category" for name in usecols}
    dtypes.update({name: "str" for name in usecols if name in TEXT_COLUMNS})
    dtypes.update({name: "float64" for name in usecols if name in numeric_columns})
    try:
        frame = pd.read_csv(
            source,
            usecols=usecols,
            dtype=dtypes,
            encoding="utf-8-sig",
            keep_default_na=False,
            na_values=[""],
        )
    except UnicodeDecodeError:
        raise ResponseDataError(f"{source} is not UTF-8 text (save it as CSV UTF-8)") from None
    except ValueError as problem:
        # A non-numeric weight or a malformed row: say which file, keep pandas' reason.
        raise ResponseDataError(f"cannot read {source.name}: {problem}") from None
    except (OSError, pd.errors.ParserError) as problem:
        raise ResponseDataError(f"cannot read {source.name}: {problem}") from None
    frame.columns = [str(name).strip() for name in frame.columns]
    return frame


def check_questionnaire_matches(responses: pd.DataFrame, questionnaire: QuestionnaireData) -> None:
    """Refuse responses to another questionnaire: their option codes would be misread."""
    if "questionnaire_id" not in responses.columns:
        return
    ids = {str(value) for value in responses["questionnaire_id"].dropna().unique()}
    others = sorted(ids - {questionnaire.id} - questionnaire.also_reads)
    if others:
        raise ResponseDataError(
            f"the responses answer questionnaire(s) {', '.join(others)}, "
            f"but the questionnaire file defines {questionnaire.id}"
        )
