"""Plain names beside measure ids: readers see the name, analysts keep the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from analysis.report.model import Column, ReportModel, ReportTable

# Which column of which table holds a measure id, and the name column written after it.
NAMED_COLUMNS: dict[str, tuple[str, str]] = {
    "headline_indicators": ("indicator", "indicator_name"),
    "domain_scores": ("domain", "domain_name"),
    "quarterly_trends": ("measure", "measure_name"),
    "inequalities": ("measure", "measure_name"),
}


def name_table(table: ReportTable, names: Mapping[str, str]) -> ReportTable:
    """The table with a name column right after its id column (unchanged if it has one)."""
    wanted = NAMED_COLUMNS.get(table.id)
    if wanted is None or wanted[1] in table.column_ids or wanted[0] not in table.column_ids:
        return table
    id_column, name_column = wanted
    position = table.index(id_column)
    columns = (
        *table.columns[: position + 1],
        Column(name_column),
        *table.columns[position + 1 :],
    )
    rows = tuple(
        (
            *row[: position + 1],
            names.get(str(row[position]), str(row[position])),
            *row[position + 1 :],
        )
        for row in table.rows
    )
    return ReportTable(table.id, columns, rows)


def with_names(model: ReportModel, names: Mapping[str, str]) -> ReportModel:
    """A copy of the report whose measure tables carry each measure's name beside its id.

    Names are display text in the reader's language, so they are added when a report is shown
    or written, never stored in the cached, language-free model. An id without a name is its
    own name, so nothing is ever blank.
    """
    tables = {table_id: name_table(table, names) for table_id, table in model.tables.items()}
    return replace(model, tables=tables, labels={**model.labels, **names})
