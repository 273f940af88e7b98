"""Responses as SPSS .sav or Stata .dta, with variable labels, value labels and missing codes.

This module imports pandas and pyreadstat: callers in the web app import it inside the view,
so a web worker only loads them when an analyst asks for a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.models import Answer
from app.questionnaire import Questionnaire, deserialise_answer, off_path_items
from app.services.response_codebook import (
    MISSING_REASONS,
    NOT_ASKED,
    NOT_RECORDED,
    NOT_SELECTED,
    SELECTED,
    SKIPPED,
    SPSS_LABEL_LIMIT,
    STATA_DONT_KNOW,
    STATA_LABEL_LIMIT,
    STATA_MISSING,
    STATS_FORMATS,
    Codebook,
    ExportCodeUnknown,
    StatsFormat,
    Variable,
    build_codebook,
    routing_item_ids,
    shorten,
)
from app.services.response_export import (
    EXPORT_BATCH_SIZE,
    ExportCountMismatch,
    ExportResult,
    area_ids_for_export,
    begin_read_snapshot,
    matching_count,
    other_questionnaires,
)
from app.services.response_export_rows import ExportFilter, batch_statement

__all__ = ["STATS_FORMATS", "ExportCodeUnknown", "StatsFormat", "export_responses_stats"]

MULTIPLE_SEPARATOR = ";"
_ABSENT = object()  # no answer row at all (never shown), unlike a row holding NULL (skipped)


def export_responses_stats(
    session: Session,
    questionnaire: Questionnaire,
    destination: Path,
    file_format: StatsFormat,
    *,
    area_slug: str | None = None,
    sub_area_slug: str | None = None,
    include_in_progress: bool = False,
    batch_size: int = EXPORT_BATCH_SIZE,
    on_rows: Callable[[int], None] | None = None,
    also: Sequence[Questionnaire] = (),
) -> ExportResult:
    """Write the responses to ``destination`` as .sav or .dta, count-checked, renamed into place.

    pyreadstat writes a whole DataFrame at once (it has no append mode), so the responses
    are read a batch at a time into compact column arrays (2 bytes per coded answer) and the
    file is written from those: memory grows with the number of responses, unlike the CSV.
    """
    codebook = build_codebook(questionnaire)
    begin_read_snapshot(session)
    try:
        # An area's file holds its sub-areas' responses too, as its report counts them.
        area_ids = area_ids_for_export(session, area_slug, sub_area_slug)
        # Responses to published versions built on this core (core + local questions) are in
        # the file too, as in the CSV and the report: the variables are the core's, whose
        # items and routing a published version keeps unchanged; local answers are left out.
        ids = tuple(dict.fromkeys([questionnaire.id, *(other.id for other in also)]))
        which = ExportFilter(questionnaire.id, area_ids, include_in_progress, ids)
        expected = matching_count(session, ids, area_ids, include_in_progress)
        columns = _Columns(codebook, expected)
        filler = _RowFiller(questionnaire, codebook)
        written = 0
        for batch in _response_batches(session.connection(), which, batch_size):
            if written + len(batch) > expected:
                raise ExportCountMismatch(expected, written + len(batch))
            for fixed, answers in batch:
                filler.fill(columns, written, fixed, answers)
                written += 1
            if on_rows is not None:
                on_rows(len(batch))
        if written != expected:
            raise ExportCountMismatch(expected, written)
        others = other_questionnaires(session, ids, area_ids, include_in_progress)
    finally:
        session.rollback()  # end the read snapshot before the (slow) file writing
    frame = columns.frame(file_format)
    _write_checked(frame, codebook, destination, file_format, written, sub_area_slug or area_slug)
    return ExportResult(written, others)


class _Columns:
    """One array per variable, allocated once for the number of responses the export holds."""

    def __init__(self, codebook: Codebook, rows: int) -> None:
        self.codebook = codebook
        self.arrays: dict[str, Any] = {}
        for variable in codebook.variables:
            if variable.kind in ("choice", "flag"):
                self.arrays[variable.name] = np.full(rows, NOT_RECORDED, dtype=np.int16)
            elif variable.kind in ("number", "fixed_number"):
                self.arrays[variable.name] = np.full(rows, np.nan, dtype=np.float64)
            elif variable.kind == "fixed_datetime":
                # Microseconds: pyreadstat writes datetime64[s] columns as 1970-01-01.
                self.arrays[variable.name] = np.full(rows, np.datetime64("NaT"), "datetime64[us]")
            else:
                self.arrays[variable.name] = np.full(rows, "", dtype=object)

    def frame(self, file_format: StatsFormat) -> pd.DataFrame:
        data: dict[str, Any] = {}
        for variable in self.codebook.variables:
            values = self.arrays[variable.name]
            if file_format == "dta" and variable.is_numeric_coded:
                values = _stata_missing(values, variable)
            data[variable.name] = values
        return pd.DataFrame(data, copy=False)


def _stata_missing(values: np.ndarray[Any, Any], variable: Variable) -> np.ndarray[Any, Any]:
    """Negative reason codes (and don't know) become Stata's extended missing .a, .b, .c, .d."""
    out = values.astype(object)
    for code, letter in STATA_MISSING.items():
        out[values == code] = letter
    if variable.dont_know is not None:
        out[values == variable.dont_know] = STATA_DONT_KNOW
    return out


class _RowFiller:
    """Puts one response's answers into the column arrays, routing worked out once per route."""

    def __init__(self, questionnaire: Questionnaire, codebook: Codebook) -> None:
        self.questionnaire = questionnaire
        self.codebook = codebook
        self.routing_ids = tuple(sorted(routing_item_ids(questionnaire)))
        self.item_ids = tuple(item.id for item in questionnaire.answerable_items)
        self._off_path: dict[tuple[object, ...], frozenset[str]] = {}
        self.fixed = [v for v in codebook.variables if v.item is None]
        self.items = [v for v in codebook.variables if v.item is not None]
        self.number_of = {
            v.name: {code: number for number, code in v.codes.items()} for v in self.items
        }

    def fill(
        self, columns: _Columns, row: int, fixed: dict[str, Any], answers: dict[str, str | None]
    ) -> None:
        arrays = columns.arrays
        for variable in self.fixed:
            value = fixed[variable.csv_column]
            if variable.kind == "fixed_datetime":
                if value is not None:
                    arrays[variable.name][row] = np.datetime64(value, "us")
            elif variable.kind == "fixed_number":
                arrays[variable.name][row] = float(value)
            else:
                arrays[variable.name][row] = value or ""
        off_path = self.off_path(answers)
        for variable in self.items:
            text = answers.get(variable.csv_column, _ABSENT)
            if isinstance(text, str) and text != "":
                arrays[variable.name][row] = self.value(variable, text)
            elif variable.kind == "text":
                continue  # an empty string; the reason is not written for text
            elif variable.kind == "number" and not variable.is_numeric_coded:
                continue  # NaN: negative codes could be real answers here
            elif variable.csv_column in off_path:
                arrays[variable.name][row] = NOT_ASKED
            elif text is _ABSENT:
                arrays[variable.name][row] = NOT_RECORDED
            else:
                arrays[variable.name][row] = SKIPPED

    def value(self, variable: Variable, text: str) -> object:
        if variable.kind == "choice":
            number = self.number_of[variable.name].get(text)
            if number is None:
                raise ExportCodeUnknown(variable.csv_column, text)
            return number
        if variable.kind == "flag":
            ticked = text.split(MULTIPLE_SEPARATOR)
            return SELECTED if variable.option_code in ticked else NOT_SELECTED
        if variable.kind == "number":
            return float(text)
        return text

    def off_path(self, answers: dict[str, str | None]) -> frozenset[str]:
        """The items routing takes this response past (the same for everyone on its route)."""
        route = tuple(answers.get(item_id) for item_id in self.routing_ids)
        known = self._off_path.get(route)
        if known is None:
            # Every item "answered", so the walk reports exactly the items off the route.
            probe: dict[str, Any] = dict.fromkeys(self.item_ids)
            for item_id, text in zip(self.routing_ids, route, strict=True):
                item = self.questionnaire.item(item_id)
                probe[item_id] = deserialise_answer(item, text)
            known = off_path_items(self.questionnaire, probe)
            self._off_path[route] = known
        return known


Batch = list[tuple[dict[str, Any], dict[str, str | None]]]


def _response_batches(
    connection: Connection, which: ExportFilter, batch_size: int
) -> Iterator[Batch]:
    """(fixed columns, answers by item id incl. None for skipped) per response, by keyset."""
    last_id = 0
    while True:
        # The same keyset query as the CSV export, so both files hold the same responses.
        statement = batch_statement(which, last_id, batch_size)
        rows = connection.execute(statement).all()
        if not rows:
            return
        batch: Batch = []
        answers_of: dict[int, dict[str, str | None]] = {}
        for key, *values in rows:
            fixed = dict(zip(_FIXED_ORDER, values, strict=True))
            answers: dict[str, str | None] = {}
            answers_of[key] = answers
            batch.append((fixed, answers))
        keys = list(answers_of)
        answer_rows = connection.execute(
            select(Answer.response_id, Answer.item_id, Answer.value).where(
                Answer.response_id.in_(keys)
            )
        )
        for key, item_id, value in answer_rows:
            answers_of[key][item_id] = value
        yield batch
        last_id = rows[-1].id


_FIXED_ORDER: Sequence[str] = (
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


@dataclass(frozen=True)
class _Labels:
    columns: dict[str, str | None]
    values: dict[str, dict[Any, str]]


def _labels(codebook: Codebook, file_format: StatsFormat) -> _Labels:
    limit = SPSS_LABEL_LIMIT if file_format == "sav" else STATA_LABEL_LIMIT
    columns: dict[str, str | None] = {v.name: shorten(v.label, limit) for v in codebook.variables}
    values: dict[str, dict[Any, str]] = {}
    for variable in codebook.variables:
        if not variable.is_numeric_coded:
            continue
        labels: dict[Any, str] = dict(variable.value_labels)
        if file_format == "sav":
            labels.update(MISSING_REASONS)
        else:
            if variable.dont_know is not None:
                labels[STATA_DONT_KNOW] = labels.pop(variable.dont_know)
            labels.update({STATA_MISSING[code]: text for code, text in MISSING_REASONS.items()})
        values[variable.name] = labels
    return _Labels(columns, values)


def _write_checked(
    frame: pd.DataFrame,
    codebook: Codebook,
    destination: Path,
    file_format: StatsFormat,
    rows: int,
    area_slug: str | None,
) -> None:
    """Write beside ``destination``, read the row count back, and only then rename into place."""
    destination = destination.resolve()
    handle, temporary_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    os.close(handle)
    temporary = Path(temporary_name)
    labels = _labels(codebook, file_format)
    title = f"{codebook.questionnaire_id} v{codebook.version} responses" + (
        f", {area_slug}" if area_slug else ""
    )
    try:
        if file_format == "sav":
            # {"lo": -3, "hi": -1} is the MissingRange pyreadstat declares (a TypedDict).
            spss_missing: dict[str, list[Any]] = {
                v.name: v.spss_missing() for v in codebook.variables if v.spss_missing()
            }
            pyreadstat.write_sav(
                frame,
                temporary,
                file_label=title,
                column_labels=labels.columns,
                variable_value_labels=labels.values,
                missing_ranges=spss_missing,
                variable_measure={
                    v.name: "nominal" for v in codebook.variables if v.kind in ("choice", "flag")
                },
            )
            _, meta = pyreadstat.read_sav(temporary, metadataonly=True)
        else:
            pyreadstat.write_dta(
                frame,
                temporary,
                file_label=title[:80],
                column_labels=labels.columns,
                variable_value_labels=labels.values,
                missing_user_values={
                    v.name: v.stata_missing() for v in codebook.variables if v.stata_missing()
                },
            )
            _, meta = pyreadstat.read_dta(temporary, metadataonly=True)
        found = int(meta.number_rows or 0)  # an empty file may report no count at all
        if found != rows:
            raise ExportCountMismatch(rows, found)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
