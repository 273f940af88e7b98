"""Checks that every cell disclosure control hid is the `[c]` marker in each downloaded format."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from openpyxl import load_workbook

from analysis.report.model import SUPPRESSED, ReportModel


def suppressed_positions(model: ReportModel) -> set[tuple[str, int, str]]:
    """(table id, row number from 1, column id) of every hidden cell of the model."""
    return {
        (table.id, row_number, column.id)
        for table in model.tables.values()
        for row_number, row in enumerate(table.rows, start=1)
        for column, cell in zip(table.columns, row, strict=True)
        if cell is SUPPRESSED
    }


def assert_hidden_cells_are_markers(client: FlaskClient, url: str, model: ReportModel) -> None:
    """``url`` is a report download without its extension (``/reports/x/report?sub_area=y``)."""
    positions = suppressed_positions(model)
    assert positions, "the report should hide some cells, or this check means nothing"
    path, _, query = url.partition("?")
    suffix = f"?{query}" if query else ""

    csv_text = client.get(f"{path}.csv{suffix}").get_data(as_text=True)
    marked = {
        (table, int(row), column)
        for table, row, column, _value in re.findall(
            r"^([a-z_]+),(\d+),[^\r\n]*,([a-z_0-9]+),(\[c\])\r?$", csv_text, flags=re.M
        )
    }
    assert marked == positions

    book = load_workbook(io.BytesIO(client.get(f"{path}.xlsx{suffix}").data))
    for table_id, row_number, column_id in positions:
        sheet = book[table_id]
        header = [cell.value for cell in sheet[2]]
        cell = sheet.cell(row=row_number + 2, column=header.index(column_id) + 1)
        assert cell.value == "[c]" and cell.data_type == "s", (table_id, row_number, column_id)

    html = client.get(f"{path}.html{suffix}").get_data(as_text=True)
    hidden = BeautifulSoup(html, "html.parser").select("td.cv-suppressed")
    assert hidden and {td.get_text(strip=True) for td in hidden} == {"[c]"}
