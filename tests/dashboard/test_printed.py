"""The printed report: compact tables made only of the model's cells, markers kept, one font."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

from flask import Flask

from analysis.report.measures import HEADLINE_INDICATOR_COLUMNS as INDICATOR_COLUMNS
from analysis.report.measures import INEQUALITY_COLUMNS
from analysis.report.model import (
    SUPPRESSED,
    Cell,
    ReportModel,
    ReportPeriod,
    ReportScope,
    ReportTable,
)
from app.dashboard.documents import render_document_html, render_pdf
from app.dashboard.printed import (
    MOST_SIGNIFICANT_GAPS,
    headline_section,
    inequality_sections,
    significant_gaps,
)
from tests.dashboard.report_data import seed_reports
from tests.dashboard.test_report_pages import model_for


def model_of(*tables: ReportTable) -> ReportModel:
    return ReportModel(
        ReportScope("area", "north", "North"),
        ReportPeriod(),
        "voices-core",
        1,
        400,
        {table.id: table for table in tables},
    )


def inequality_row(group: str, gap: float, significant: bool, measure: str = "overall_oeg") -> Cell:
    comparison = ("worse" if gap < 0 else "better") if significant else "similar"
    return (  # type: ignore[return-value]
        measure,
        "about.ethnicity",
        group,
        120,
        70.0 + gap,
        65.0 + gap,
        75.0 + gap,
        71.0,
        gap - 1.0,
        70.0,
        gap,
        comparison,
        "yes" if significant else "no",
    )


def test_the_headline_table_shows_the_models_cells_and_hides_a_whole_suppressed_row(
    app: Flask,
) -> None:
    table = ReportTable(
        "headline_indicators",
        INDICATOR_COLUMNS,
        (
            ("overall_oeg", "higher", 1240, 830, 66.9, 64.2, 69.5, 67.1, 64.4, 69.7, "similar",
             66.1, 74.0, 2015, "worse"),
            ("overall_oe", "higher", SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED,
             SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, 31.0, None, None, "n/a"),
        ),
    )  # fmt: skip
    model = replace(model_of(table), labels={"overall_oeg": "Care rated good or better"})
    with app.test_request_context("/"):
        section = headline_section(model, table)
    shown, hidden = ([text for text, _flag in row] for row in section.rows)
    # Readers see the plain name; an indicator without one keeps its id rather than a blank.
    assert shown[:4] == ["Care rated good or better", "1,240", "66.9", "64.2–69.5"]
    assert hidden[0] == "overall_oe"
    assert "74 (2015)" in shown
    # Every figure of the hidden row is the marker, flagged, and no number slips through.
    assert hidden[1:4] == ["[c]", "[c]", "[c]"]
    assert all(flag for text, flag in section.rows[1] if text == "[c]")
    assert not any(re.search(r"\d", text) for text in hidden[1:5])


def test_the_largest_significant_gaps_are_listed_and_every_one_is_counted(app: Flask) -> None:
    gaps = [-3.0, 12.5, -20.0, 4.0, -7.5, 9.0, -1.0, 15.0, -11.0, 6.0,
            -2.0, 8.5, -13.0, 5.0, -16.0, 3.5, -18.0, 2.5]  # fmt: skip
    rows = [inequality_row(f"g{index}", gap, True) for index, gap in enumerate(gaps)]
    rows.append(inequality_row("big-but-chance", -40.0, False))
    rows.append(inequality_row("hidden", 0.0, False))
    rows[-1] = (*rows[-1][:3], *[SUPPRESSED] * 10)  # type: ignore[index]
    table = ReportTable("inequalities", INEQUALITY_COLUMNS, tuple(rows))  # type: ignore[arg-type]
    model = model_of(table)
    with app.test_request_context("/"):
        section, count = significant_gaps(model, table)
        per_breakdown = inequality_sections(model, table)
    assert count == len(gaps)
    listed = [float(row[4][0]) for row in section.rows]
    assert len(listed) == MOST_SIGNIFICANT_GAPS
    assert listed == sorted(listed, key=abs, reverse=True)
    assert listed[0] == -20.0 and -40.0 not in listed  # a gap chance explains is not listed
    # One short table per breakdown; the hidden group's line is markers only.
    (ethnicity,) = per_breakdown
    hidden = next(row for row in ethnicity.rows if row[0][0] == "hidden")
    assert [text for text, _flag in hidden[1:]] == ["[c]"] * (len(hidden) - 1)


def test_the_printed_report_points_to_the_full_tables_and_embeds_no_fallback_serif_font(
    app: Flask, tmp_path: Path
) -> None:
    seed_reports(app, responses=400)
    model = model_for(app)
    with app.app_context(), app.test_request_context("/"):
        html = render_document_html(model)
        pdf = render_pdf(model)
    assert "spreadsheet (XLSX) and CSV downloads" in html
    # The printed inequalities: one chart and one short table per breakdown, paired.
    charts = re.findall(r'id="chart-inequality-(\d+)-figure"', html)
    tables = re.findall(r'<table id="table-inequalities-(\d+)"', html)
    assert charts and charts == tables
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    families = {line.split()[0].split("+")[-1] for line in fonts.stdout.splitlines()[2:]}
    # Charts and page numbers use the body's sans-serif family: a serif font in the PDF means
    # some text fell back to the default font (and one more font was embedded).
    assert "DejaVu-Sans" in families and not any("Serif" in name for name in families), families
