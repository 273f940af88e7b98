"""A report as a page, a standalone HTML file, a PDF (WeasyPrint), an XLSX workbook or a CSV."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _

from analysis.report.model import SUPPRESSED_MARK, Cell, ReportModel, ReportTable, Suppressed
from app.dashboard import charts
from app.dashboard.labels import BREAKDOWN_LABELS, COLUMN_LABELS, TABLE_TITLES, WORDS, definitions
from app.dashboard.measure_names import named

log = logging.getLogger(__name__)

FORMATS = ("pdf", "xlsx", "csv", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "html": "text/html",
}
PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report-print.css"
HEADLINE_MEASURE = charts.HEADLINE_MEASURE


def cell_display(cell: Cell) -> str:
    """A cell as a reader sees it: the marker, a number, or a translated word."""
    if isinstance(cell, Suppressed):
        return SUPPRESSED_MARK
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:,.2f}".rstrip("0").rstrip(".") if cell % 1 else f"{cell:,.0f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    word = WORDS.get(cell)
    return str(word) if word is not None else cell


@dataclass
class Section:
    """A table as templates show it: title, headings, display cells, suppressed flags."""

    id: str
    title: str
    headings: list[str]
    numeric: list[bool]
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)


# The columns a page or PDF shows where a table is wide; the XLSX and CSV carry every column.
SHOWN_COLUMNS = {
    "headline_indicators": (
        "indicator_name",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "std_value",
        "comparison",
        "national_value",
        "published_value",
        "published_year",
        "published_comparison",
    ),
    "domain_scores": (
        "domain_name",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "std_value",
        "std_ci_low",
        "std_ci_high",
        "comparison",
        "national_value",
    ),
    "inequalities": (
        "breakdown",
        "group",
        "n",
        "std_value",
        "std_ci_low",
        "std_ci_high",
        "gap_to_area",
        "gap_to_national",
        "comparison",
        "significant",
    ),
    "themes": (
        "group",
        "theme_name",
        "n_comments",
        "n_theme",
        "pct",
        "pct_positive",
        "pct_negative",
        "distinctiveness_z",
    ),
    "quotes": ("group", "theme_name", "language", "quote"),
}
SIGNIFICANT_COLUMNS = (
    "measure_name",
    "breakdown",
    "group",
    "std_value",
    "gap_to_national",
    "comparison",
)


def _shown(column_id: str, cell: Cell) -> str:
    """A cell as shown: a breakdown's id ("about.ethnicity") as its plain, translated name."""
    if column_id == "breakdown" and isinstance(cell, str) and cell in BREAKDOWN_LABELS:
        return str(BREAKDOWN_LABELS[cell])
    return cell_display(cell)


def section_of(
    table: ReportTable,
    *,
    rows: list[tuple[Cell, ...]] | None = None,
    columns: tuple[str, ...] | None = None,
) -> Section:
    chosen = table.rows if rows is None else rows
    wanted = columns or SHOWN_COLUMNS.get(table.id) or table.column_ids
    positions = [table.index(name) for name in wanted]
    kinds = [table.columns[position] for position in positions]
    return Section(
        id=table.id,
        title=str(TABLE_TITLES.get(table.id, table.id)),
        headings=[str(COLUMN_LABELS.get(column.id, column.id)) for column in kinds],
        numeric=[column.kind != "text" for column in kinds],
        rows=[
            [
                (
                    _shown(table.columns[position].id, row[position]),
                    isinstance(row[position], Suppressed),
                )
                for position in positions
            ]
            for row in chosen
        ],
    )


def activity_pivot(table: ReportTable) -> Section:
    """Responses by quarter as one row per quarter and one column per group (same cells)."""
    columns: list[tuple[str, str]] = []
    cells: dict[tuple[str, tuple[str, str]], Cell] = {}
    quarters: list[str] = []
    for record in table.records():
        quarter = str(record["quarter"])
        key = (str(record["breakdown"]), str(record["group"]))
        if key not in columns:
            columns.append(key)
        if quarter not in quarters:
            quarters.append(quarter)
        cells[(quarter, key)] = record["responses"]
    headings = [str(COLUMN_LABELS["quarter"])] + [
        str(BREAKDOWN_LABELS["all"]) if breakdown == "all" else f"{group}"
        for breakdown, group in columns
    ]
    rows = [
        [(quarter, False)]
        + [
            (
                cell_display(cells.get((quarter, key))),
                isinstance(cells.get((quarter, key)), Suppressed),
            )
            for key in columns
        ]
        for quarter in quarters
    ]
    return Section(
        table.id, str(TABLE_TITLES[table.id]), headings, [False] + [True] * len(columns), rows
    )


def trend_pivot(model: ReportModel, table: ReportTable) -> Section:
    """Key measures by quarter: one row per measure, "value (interval)" per quarter."""
    quarters: list[str] = []
    by_measure: dict[str, dict[str, tuple[str, bool]]] = {}
    for record in table.records():
        quarter, measure = str(record["quarter"]), str(record["measure"])
        if quarter not in quarters:
            quarters.append(quarter)
        value = record["value"]
        if isinstance(value, Suppressed):
            shown = (SUPPRESSED_MARK, True)
        else:
            interval = f"{cell_display(record['ci_low'])}–{cell_display(record['ci_high'])}"
            shown = (f"{cell_display(value)} ({interval})", False)
        by_measure.setdefault(measure, {})[quarter] = shown
    quarters.sort()
    rows = [
        [(model.labels.get(measure, measure), False)]
        + [values.get(quarter, ("", False)) for quarter in quarters]
        for measure, values in by_measure.items()
    ]
    return Section(
        table.id,
        str(TABLE_TITLES[table.id]),
        [str(COLUMN_LABELS["measure"]), *quarters],
        [False] + [True] * len(quarters),
        rows,
    )


def report_context(model: ReportModel) -> dict[str, Any]:
    """Everything the report templates need: sections, charts and subsets, all from the model."""
    model = named(model)
    sections = {table_id: section_of(table) for table_id, table in model.tables.items()}
    inequalities = model.tables.get("inequalities")
    headline_gaps: Section | None = None
    significant: Section | None = None
    if inequalities is not None:
        measure = inequalities.index("measure")
        flag = inequalities.index("significant")
        headline_gaps = section_of(
            inequalities,
            rows=[row for row in inequalities.rows if row[measure] == HEADLINE_MEASURE],
        )
        significant = section_of(
            inequalities,
            rows=[row for row in inequalities.rows if row[flag] == "yes"],
            columns=SIGNIFICANT_COLUMNS,
        )
    if "responses_by_quarter" in model.tables:
        sections["responses_by_quarter"] = activity_pivot(model.tables["responses_by_quarter"])
    if "quarterly_trends" in model.tables:
        sections["quarterly_trends"] = trend_pivot(model, model.tables["quarterly_trends"])
    return {
        "model": model,
        "sections": sections,
        "headline_gaps": headline_gaps,
        "significant_count": len(significant.rows) if significant else 0,
        "breakdown_labels": {key: str(value) for key, value in BREAKDOWN_LABELS.items()},
        "charts": {
            "activity": charts.activity_chart(model),
            "headline": charts.headline_chart(model),
            "domains": charts.domain_chart(model),
            "trends": charts.trend_charts(model),
            "inequalities": charts.inequality_charts(model),
            "funnel": charts.funnel_chart(model),
        },
        "suppressed_mark": SUPPRESSED_MARK,
        # The page; printed.printed_context turns this on for the PDF and the HTML file.
        "printed": False,
    }


def render_document_html(model: ReportModel) -> str:
    """The report as one self-contained HTML file (the download, and the PDF's source)."""
    from app.dashboard.printed import printed_context  # it builds on this module

    css = PRINT_CSS.read_text(encoding="utf-8")
    return render_template("dashboard/document.html", css=css, **printed_context(model))


class RefusingFetcher:
    """A WeasyPrint URL fetcher that fetches nothing: no file, no URL, whatever the content says.

    Everything the PDF needs (CSS, SVG charts) is inline, and fonts come from the system
    through fontconfig, so any fetch is either a mistake or an attack; each is logged.
    """

    _fail_on_errors = False  # WeasyPrint reads this: a refusal is a warning, not a crash

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        from weasyprint.urls import URLFetchingError

        self.refused.append(url[:200])
        log.warning("report PDF: refused to fetch a resource (%d characters)", len(url))
        raise URLFetchingError("the report renderer fetches nothing")

    fetch = __call__


def render_pdf(model: ReportModel, *, fetcher: RefusingFetcher | None = None) -> bytes:
    from weasyprint import HTML

    html = render_document_html(model)
    fetcher = fetcher or RefusingFetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render_xlsx(model: ReportModel) -> bytes:
    from analysis.report.tabular import write_workbook

    buffer = io.BytesIO()
    write_workbook(
        model,
        buffer,
        titles={key: str(value) for key, value in TABLE_TITLES.items()},
        about=about_lines(model),
        definitions=definitions(),
    )
    return buffer.getvalue()


def render_csv(model: ReportModel) -> bytes:
    from analysis.report.tabular import write_tidy_csv

    text = io.StringIO(newline="")
    write_tidy_csv(model, text)
    return text.getvalue().encode("utf-8")


def about_lines(model: ReportModel) -> list[tuple[str, str]]:
    return [
        (_("Report"), model.scope.name),
        (_("Period"), model.period.label()),
        (_("Responses"), cell_display(model.responses_in_scope)),
        (_("Questionnaire"), f"{model.questionnaire_id} v{model.questionnaire_version}"),
        (_("Hidden cells"), str(model.suppressed_cells)),
    ]


def render(model: ReportModel, file_format: str) -> bytes:
    """The report in one of FORMATS, with every measure's name in the reader's language."""
    model = named(model)
    if file_format == "pdf":
        return render_pdf(model)
    if file_format == "xlsx":
        return render_xlsx(model)
    if file_format == "csv":
        return render_csv(model)
    if file_format == "html":
        return render_document_html(model).encode("utf-8")
    raise ValueError(f"unknown report format {file_format!r}")


def download_name(model: ReportModel, file_format: str) -> str:
    period = ""
    if model.period.start or model.period.end:
        period = f"-{model.period.start or 'start'}-to-{model.period.end or 'now'}"
    place = f"-{model.scope.sub_area}" if model.scope.sub_area else ""
    return f"report-{model.scope.slug}{place}{period}.{file_format}"


def configured_questionnaires_dir() -> str:
    return str(current_app.config["QUESTIONNAIRES_DIR"])
