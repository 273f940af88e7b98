"""The report as a tidy CSV and as an XLSX workbook: numbers stay numbers, text stays inert."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any, TextIO

from analysis.report.model import SUPPRESSED_MARK, Cell, ReportModel, ReportTable, Suppressed

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP ASVS
# 5.0 1.2.10): such text gets a leading apostrophe, as the response export does.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"
TIDY_COLUMNS = ("table", "row", "key", "column", "value")
SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet name


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would treat as a formula."""
    return NEUTRALISING_PREFIX + text if text.startswith(FORMULA_TRIGGERS) else text


def cell_text(cell: Cell) -> str:
    """A cell as CSV text: the suppression marker, a number, or neutralised text."""
    if isinstance(cell, Suppressed):
        return SUPPRESSED_MARK
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}" if abs(cell) < 1e15 else repr(cell)
    if isinstance(cell, int):
        return str(cell)
    return neutralise(str(cell))


def _row_key(table: ReportTable, row: Sequence[Cell]) -> str:
    """The row's identifying text cells (measure, breakdown, group...), for reading a long file."""
    parts = [
        f"{column.id}={cell}"
        for column, cell in zip(table.columns, row, strict=True)
        if column.kind == "text" and isinstance(cell, str) and column.id not in TEXT_MEASURES
    ]
    return "; ".join(parts)


# Text columns that are results rather than labels (kept out of the row key).
# Names (analysis.report.names) are in the reader's language: the key keeps to the ids, so a
# file read in Welsh and one read in English line up.
TEXT_MEASURES = frozenset(
    {
        "comparison",
        "published_comparison",
        "significant",
        "position",
        "quote",
        "polarity",
        "indicator_name",
        "domain_name",
        "measure_name",
    }
)


def tidy_rows(model: ReportModel) -> Iterator[tuple[str, ...]]:
    """One line per published cell: table, row number, row key, column, value."""
    for table in model.tables.values():
        for number, row in enumerate(table.rows, start=1):
            key = _row_key(table, row)
            for column, cell in zip(table.columns, row, strict=True):
                yield (table.id, str(number), neutralise(key), column.id, cell_text(cell))


def write_tidy_csv(model: ReportModel, out: TextIO) -> int:
    """Write the tidy CSV (``out`` opened with newline=""); returns the number of data lines."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TIDY_COLUMNS)
    lines = 0
    for line in tidy_rows(model):
        writer.writerow(line)
        lines += 1
    return lines


def write_workbook(
    model: ReportModel,
    out: IO[bytes] | str,
    *,
    titles: Mapping[str, str],
    about: Sequence[tuple[str, str]],
    definitions: Sequence[tuple[str, str]],
) -> None:
    """A sheet per table, an "About" sheet first and a "Definitions" sheet last.

    Numbers are stored as numbers; every text cell is typed as text (never a formula) and
    neutralised; a suppressed cell holds the marker "[c]", explained on the Definitions sheet.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def text_cell(sheet: Any, value: str, *, header: bool = False) -> Any:
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.data_type = "s"  # text, whatever it starts with: a text cell is never a formula
        if header:
            cell.font = bold
        return cell

    def value_cell(sheet: Any, value: Cell) -> Any:
        if isinstance(value, Suppressed):
            return text_cell(sheet, SUPPRESSED_MARK)
        if value is None:
            return None
        if isinstance(value, int | float):
            return WriteOnlyCell(sheet, value=value)
        return text_cell(sheet, str(value))

    about_sheet = book.create_sheet("About")
    for label, value in about:
        about_sheet.append(
            [text_cell(about_sheet, label, header=True), text_cell(about_sheet, value)]
        )
    used: set[str] = {"About", "Definitions"}
    for table in model.tables.values():
        name = _sheet_name(table.id, used)
        sheet = book.create_sheet(name)
        sheet.append([text_cell(sheet, titles.get(table.id, table.id), header=True)])
        sheet.append([text_cell(sheet, column.id, header=True) for column in table.columns])
        for row in table.rows:
            sheet.append([value_cell(sheet, cell) for cell in row])
    definitions_sheet = book.create_sheet("Definitions")
    for term, meaning in definitions:
        definitions_sheet.append(
            [text_cell(definitions_sheet, term, header=True), text_cell(definitions_sheet, meaning)]
        )
    book.save(out)


def _sheet_name(table_id: str, used: set[str]) -> str:
    name = table_id[:SHEET_NAME_LIMIT]
    suffix = 2
    while name in used:
        name = f"{table_id[: SHEET_NAME_LIMIT - 3]}_{suffix}"
        suffix += 1
    used.add(name)
    return name
