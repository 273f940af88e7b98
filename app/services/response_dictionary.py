"""The data dictionary of the response files, as CSV or XLSX: every variable, code and label."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from app.services.response_codebook import (
    KIND_DESCRIPTIONS,
    MISSING_REASONS,
    STATA_DONT_KNOW,
    STATA_MISSING,
    Codebook,
    Variable,
)
from app.services.response_csv_format import neutralise_cell

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DictionaryFormat = Literal["csv", "xlsx"]
DICTIONARY_FORMATS: tuple[DictionaryFormat, ...] = ("csv", "xlsx")

DICTIONARY_COLUMNS = (
    "variable",
    "csv_column",
    "label",
    "type",
    "codes",
    "values",
    "missing",
    "spss_missing",
    "stata_missing",
    "asked_of",
)
VALUE_COLUMNS = ("variable", "value", "option_code", "label", "missing")


def dictionary_rows(codebook: Codebook) -> list[list[str]]:
    """One row per variable, in the files' column order."""
    return [_variable_row(variable) for variable in codebook.variables]


def value_rows(codebook: Codebook) -> list[list[str | int]]:
    """One row per labelled value of every coded variable (the XLSX "Values" sheet)."""
    rows: list[list[str | int]] = []
    for variable in codebook.variables:
        if not variable.is_numeric_coded:
            continue
        for number, label in variable.value_labels.items():
            missing = "SPSS user-missing; Stata .d" if number == variable.dont_know else ""
            code = variable.codes.get(number, "")
            rows.append([variable.name, number, code, label, missing])
        for number, reason in MISSING_REASONS.items():
            rows.append(
                [variable.name, number, "", reason, f"missing; Stata .{STATA_MISSING[number]}"]
            )
    return rows


def write_dictionary_csv(codebook: Codebook, out: TextIO) -> int:
    """Write the dictionary to ``out`` (opened with newline=""); returns the variables written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DICTIONARY_COLUMNS)
    rows = dictionary_rows(codebook)
    writer.writerows([[neutralise_cell(cell) for cell in row] for row in rows])
    return len(rows)


def write_dictionary_file(
    codebook: Codebook, destination: Path, file_format: DictionaryFormat
) -> int:
    """Write the dictionary beside ``destination`` and rename it into place when complete."""
    destination = destination.resolve()
    handle, temporary_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    temporary = Path(temporary_name)
    try:
        if file_format == "csv":
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                written = write_dictionary_csv(codebook, out)
        else:
            os.close(handle)
            written = _write_xlsx(codebook, temporary)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return written


def _write_xlsx(codebook: Codebook, path: Path) -> int:
    from openpyxl import Workbook  # only when asked for: web workers stay light

    workbook = Workbook(write_only=True)
    variables = workbook.create_sheet("Variables")
    _append_rows(variables, [list(DICTIONARY_COLUMNS), *dictionary_rows(codebook)])
    values = workbook.create_sheet("Values")
    _append_rows(values, [list(VALUE_COLUMNS), *value_rows(codebook)])
    notes = workbook.create_sheet("Missing codes")
    _append_rows(notes, [["value", "meaning", "stata"], *_missing_rows()])
    workbook.save(path)
    return len(codebook.variables)


def _append_rows(sheet: WriteOnlyWorksheet, rows: Iterable[Sequence[str | int]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, int):
                cells.append(WriteOnlyCell(sheet, value=value))  # numbers stay numeric
                continue
            # Text cells are always text: never a formula, whatever the first character.
            cell = WriteOnlyCell(sheet, value=neutralise_cell(value))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)


def _missing_rows() -> list[list[str | int]]:
    rows: list[list[str | int]] = [
        [n, reason, f".{STATA_MISSING[n]}"] for n, reason in MISSING_REASONS.items()
    ]
    rows.append(
        [
            "(the dk option's number)",
            "Don't know: SPSS user-missing; kept as its number in the CSV",
            f".{STATA_DONT_KNOW}",
        ]
    )
    return rows


def _variable_row(variable: Variable) -> list[str]:
    codes = values = missing = spss = stata = ""
    if variable.kind == "choice":
        codes = "; ".join(f"{n} = {code}" for n, code in variable.codes.items())
        values = "; ".join(f"{n} = {label}" for n, label in variable.value_labels.items())
    elif variable.kind == "flag":
        codes = f"option {variable.option_code}"
        values = "0 = Not ticked; 1 = Ticked"
    if variable.is_numeric_coded:
        # Reason first: a cell starting with "-" would be neutralised with an apostrophe.
        missing = "; ".join(f"{reason} = {n}" for n, reason in MISSING_REASONS.items())
        spss = "range -3 to -1" + (
            f", {variable.dont_know} (don't know)" if variable.dont_know else ""
        )
        stata = ", ".join(
            f".{STATA_MISSING[n]} = {reason}" for n, reason in MISSING_REASONS.items()
        ) + (f", .{STATA_DONT_KNOW} = Don't know" if variable.dont_know else "")
    elif variable.item is not None:
        missing = "empty: skipped, not asked or not recorded (the reason is not kept for this type)"
    kind = KIND_DESCRIPTIONS[variable.kind]
    if variable.item is not None and variable.item.type == "month_year":
        kind = "month (YYYY-MM)"
    asked_of = variable.asked_of if variable.item is not None else ""
    return [
        variable.name,
        variable.csv_column,
        variable.label,
        kind,
        codes,
        values,
        missing,
        spss,
        stata,
        asked_of,
    ]
