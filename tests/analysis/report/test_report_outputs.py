"""Charts and files of a report: escaped SVG, tidy CSV and XLSX with inert text."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree

from openpyxl import load_workbook

from analysis.report.charts import Bar, FunnelPoint, Series, bar_chart, funnel_plot, trend_chart
from analysis.report.model import (
    SUPPRESSED,
    Column,
    ReportModel,
    ReportPeriod,
    ReportScope,
    ReportTable,
)
from analysis.report.tabular import neutralise, write_tidy_csv, write_workbook

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"


def model_with(rows: tuple[tuple[object, ...], ...]) -> ReportModel:
    table = ReportTable(
        "quotes",
        (Column("group"), Column("n", "count"), Column("value", "value"), Column("quote")),
        rows,  # type: ignore[arg-type]
    )
    return ReportModel(
        ReportScope("area", "north", "North"),
        ReportPeriod(),
        "voices-core",
        1,
        40,
        {"quotes": table},
    )


def test_charts_are_well_formed_svg_with_a_title_a_description_and_escaped_text() -> None:
    charts = [
        bar_chart(
            "bars",
            HOSTILE,
            "d & e",
            [Bar(HOSTILE, 50, 40, 60, 55), Bar("hidden", None)],
            maximum=100,
        ),
        funnel_plot(
            "funnel",
            "t",
            HOSTILE,
            [FunnelPoint(HOSTILE, 100, 70, True)],
            centre=75,
            x_label="n",
            y_label="%",
        ),
        trend_chart(
            "trend",
            "t",
            "d",
            [Series(HOSTILE, (("2025-Q1", 50.0), ("2025-Q2", None)))],
            maximum=100,
            y_label="%",
        ),
    ]
    for svg in charts:
        root = ElementTree.fromstring(svg)  # raises if the escaping broke the XML
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
        assert root.get("role") == "img"
        assert "<script>" not in svg and "&lt;script&gt;" in svg
        assert not list(root.iter(f"{SVG}script"))
    assert "[c]" in charts[0]  # the hidden bar is marked, not drawn


def test_formula_text_is_neutralised_and_numbers_are_left_alone() -> None:
    for text in ("=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("kind nurses") == "kind nurses"


def test_the_tidy_csv_has_one_line_per_cell_with_markers_and_inert_text() -> None:
    model = model_with(
        (("north", 15, 42.5, '=HYPERLINK("http://x")'), ("tiny", SUPPRESSED, SUPPRESSED, HOSTILE))
    )
    out = io.StringIO(newline="")
    assert write_tidy_csv(model, out) == 8
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    values = {(line["row"], line["column"]): line["value"] for line in lines}
    assert values[("1", "value")] == "42.5" and values[("1", "n")] == "15"
    assert values[("1", "quote")] == '\'=HYPERLINK("http://x")'
    assert values[("2", "n")] == "[c]" and values[("2", "value")] == "[c]"
    assert values[("2", "quote")] == HOSTILE
    assert lines[0]["key"] == "group=north"


def test_the_workbook_stores_numbers_as_numbers_and_text_never_as_a_formula() -> None:
    model = model_with(
        (("=cmd|' /C calc'!A0", 15, 42.5, "+SUM(1)"), ("tiny", SUPPRESSED, SUPPRESSED, "ok"))
    )
    out = io.BytesIO()
    write_workbook(
        model,
        out,
        titles={"quotes": "Quotes"},
        about=[("Report", "=North")],
        definitions=[("[c]", "hidden")],
    )
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["About", "quotes", "Definitions"]
    sheet = book["quotes"]
    assert sheet["A1"].value == "Quotes"
    assert [cell.value for cell in sheet[2]] == ["group", "n", "value", "quote"]
    assert sheet["A3"].value == "'=cmd|' /C calc'!A0" and sheet["A3"].data_type == "s"
    assert sheet["B3"].value == 15 and sheet["C3"].value == 42.5
    assert sheet["D3"].value == "'+SUM(1)"
    assert sheet["B4"].value == "[c]" and sheet["C4"].value == "[c]"
    assert book["About"]["B1"].value == "'=North"
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
