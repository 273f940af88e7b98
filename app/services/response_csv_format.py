"""The responses CSV format shared by export and import: columns, timestamps, formula-safe cells."""

from __future__ import annotations

from datetime import datetime

from app.questionnaire import Item, Questionnaire

# The fixed columns, in this order, before one column per answerable item; imports rely on it.
FIXED_COLUMNS: tuple[str, ...] = (
    "response_id",
    "questionnaire_id",
    "questionnaire_version",
    "area",
    "community_group",
    "language",
    "channel",
    "status",
    "submitted_at",
)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection,
# OWASP ASVS 5.0 1.2.10), so such cells are written with a leading apostrophe.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
NEUTRALISING_PREFIX = "'"
# The first characters that send a cell through neutralise_cell (a cheap test per cell).
RISKY_FIRST_CHARACTERS = FORMULA_TRIGGERS | {NEUTRALISING_PREFIX}


def needs_neutralising(cell: str) -> bool:
    """Whether a text cell must get the apostrophe prefix on export.

    Cells that already start with apostrophes followed by a trigger ("'=x") are prefixed too:
    without that, the import could not tell a neutralised "=x" from a carer's own "'=x", and
    export → import → export would not give back the same text.
    """
    if not cell:
        return False
    if cell[0] in FORMULA_TRIGGERS:
        return True
    return (
        cell[0] == NEUTRALISING_PREFIX and cell.lstrip(NEUTRALISING_PREFIX)[:1] in FORMULA_TRIGGERS
    )


def neutralise_cell(cell: str) -> str:
    """Export rule: prefix one apostrophe to a cell a spreadsheet would run as a formula."""
    return NEUTRALISING_PREFIX + cell if needs_neutralising(cell) else cell


def restore_cell(cell: str) -> str:
    """Import rule, the exact reverse of neutralise_cell.

    Strip ONE leading apostrophe when, after all the leading apostrophes, the next character is
    one of = + - @ TAB CR. Any other cell, including a plain "'hello", is kept as written.
    """
    if cell[:1] == NEUTRALISING_PREFIX and needs_neutralising(cell):
        return cell[1:]
    return cell


def is_neutralised_column(item: Item | None) -> bool:
    """Every column is text except number answers, which stay numeric for spreadsheets."""
    return item is None or item.type != "number"


def format_timestamp(moment: datetime | None) -> str:
    """Stored times are naive UTC; exports write them as ISO 8601 with a Z, to the second."""
    return "" if moment is None else moment.strftime(TIMESTAMP_FORMAT)


def item_columns(questionnaire: Questionnaire) -> tuple[Item, ...]:
    """The answerable items, in file order: the columns after the fixed ones."""
    return questionnaire.answerable_items


def header_row(questionnaire: Questionnaire) -> list[str]:
    return [*FIXED_COLUMNS, *(item.id for item in item_columns(questionnaire))]
