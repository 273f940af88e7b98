"""Reading an import file: UTF-8 checked line by line, CSV records numbered by their first line."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from app.services.response_import_problems import ImportFileUnreadable, RowProblem

# Far above a real row (80 columns of 5,000-character comments); a binary file is stopped early.
MAX_LINE_BYTES = 8 * 1024 * 1024


class _NotUtf8(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class _TooLong(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class CsvRows:
    """(first line number, cells) for each record; file-level faults become ImportFileUnreadable."""

    def __init__(self, source: Path) -> None:
        self._handle = source.open("rb")
        self._reader = csv.reader(self._decoded_lines(), strict=True)

    def _decoded_lines(self) -> Iterator[str]:
        # Decoding line by line (not in the blocks a text file reads) lets a bad byte be
        # reported on its own line, and a file without line breaks is stopped early.
        number = 0
        while raw := self._handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise _TooLong(number)
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)  # Excel's "CSV UTF-8" starts with one
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as problem:
                raise _NotUtf8(number, problem.start + 1) from problem

    def __enter__(self) -> CsvRows:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        while True:
            # A quoted comment can span lines, so a record starts on the line after the last one.
            line = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except _NotUtf8 as problem:
                message = (
                    "the file is not UTF-8 text (in the spreadsheet, save it as 'CSV UTF-8'); "
                    f"byte {problem.column} of this line cannot be read"
                )
                raise ImportFileUnreadable([RowProblem(problem.line, None, message)]) from None
            except _TooLong as problem:
                message = (
                    f"a line longer than {MAX_LINE_BYTES // 2**20} MB: this is not a responses CSV"
                )
                raise ImportFileUnreadable([RowProblem(problem.line, None, message)]) from None
            except csv.Error as problem:
                raise ImportFileUnreadable(
                    [RowProblem(line, None, f"this is not well-formed CSV ({problem})")]
                ) from problem
            # Spreadsheets leave blank lines and rows of empty cells at the end: not responses.
            if any(cells):
                return line, cells


def csv_rows(source: Path) -> CsvRows:
    return CsvRows(source)


def read_header(rows: CsvRows) -> list[str]:
    try:
        line, header = next(rows)
    except StopIteration:
        raise ImportFileUnreadable(["the file is empty: expected a header row"]) from None
    if line != 1:
        raise ImportFileUnreadable([RowProblem(line, None, "the header must be the first line")])
    return [name.strip() for name in header]
