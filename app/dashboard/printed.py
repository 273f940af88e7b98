"""The printed report (PDF, and the HTML file that is its source): compact, board-readable tables.

A board reads the headline figures, the domain scores, the gaps that matter and the trends; the
full tables (every breakdown of the responses, every key measure by every group, every interval
and limit) stay in the XLSX and CSV, and the document says so. Every cell shown here is a cell of
the report model, displayed by documents.cell_display, so the PDF's numbers are the
spreadsheet's; a combined cell (an interval "from–to") shows two model cells, and is a marker
when either is hidden.

Fewer, narrower tables are also what keeps the PDF fast: WeasyPrint's time grows with the table
cells it lays out (docs/performance.md, Reports).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import gettext as _

from analysis.report.model import SUPPRESSED_MARK, Cell, ReportModel, ReportTable, Suppressed
from app.dashboard import charts
from app.dashboard.documents import (
    Section,
    activity_pivot,
    cell_display,
    report_context,
    section_of,
)
from app.dashboard.labels import BREAKDOWN_LABELS, COLUMN_LABELS, TABLE_TITLES
from app.dashboard.measure_names import named

# Responses by quarter in print: the total and the channels (language and group in the XLSX).
PRINTED_ACTIVITY_BREAKDOWNS = ("all", "channel")
# The largest significant gaps to national, across every key measure and breakdown, listed.
MOST_SIGNIFICANT_GAPS = 15

Shown = tuple[str, bool]
CellPicker = Callable[[dict[str, Cell]], Shown]


def _one(column: str) -> CellPicker:
    def pick(record: dict[str, Cell]) -> Shown:
        cell = record[column]
        return cell_display(cell), isinstance(cell, Suppressed)

    return pick


def _interval(low_column: str, high_column: str) -> CellPicker:
    """Two model cells as one "from–to" cell; the marker alone if either is hidden."""

    def pick(record: dict[str, Cell]) -> Shown:
        low, high = record[low_column], record[high_column]
        if isinstance(low, Suppressed) or isinstance(high, Suppressed):
            return SUPPRESSED_MARK, True
        if low is None or high is None:
            return "", False
        return f"{cell_display(low)}–{cell_display(high)}", False

    return pick


def _with_year(value_column: str, year_column: str) -> CellPicker:
    def pick(record: dict[str, Cell]) -> Shown:
        value, year = record[value_column], record[year_column]
        if isinstance(value, Suppressed):
            return SUPPRESSED_MARK, True
        if value is None:
            return "", False
        return (f"{cell_display(value)} ({year})" if year else cell_display(value)), False

    return pick


def _labelled(column: str, labels: dict[str, str]) -> CellPicker:
    def pick(record: dict[str, Cell]) -> Shown:
        cell = record[column]
        return str(labels.get(str(cell), cell_display(cell))), False

    return pick


def _compact(
    table: ReportTable,
    table_id: str,
    columns: Sequence[tuple[str, bool, CellPicker]],
    records: Sequence[dict[str, Cell]] | None = None,
    title: str | None = None,
) -> Section:
    """A table of chosen (heading, numeric, picker) columns over the model's records."""
    chosen = list(table.records()) if records is None else records
    return Section(
        id=table_id,
        title=title or str(TABLE_TITLES.get(table.id, table.id)),
        headings=[heading for heading, _numeric, _pick in columns],
        numeric=[numeric for _heading, numeric, _pick in columns],
        rows=[[pick(record) for _heading, _numeric, pick in columns] for record in chosen],
    )


def _heading(column_id: str) -> str:
    return str(COLUMN_LABELS.get(column_id, column_id))


def _interval_heading() -> str:
    return str(_("95% interval"))


def headline_section(model: ReportModel, table: ReportTable) -> Section:
    return _compact(
        table,
        table.id,
        [
            (_heading("indicator"), False, _labelled("indicator", model.labels)),
            (_heading("n"), True, _one("n")),
            (_heading("value"), True, _one("value")),
            (_interval_heading(), True, _interval("ci_low", "ci_high")),
            (_heading("comparison"), False, _one("comparison")),
            (_heading("national_value"), True, _one("national_value")),
            (
                str(_("Published VOICES % (year)")),
                True,
                _with_year("published_value", "published_year"),
            ),
            (_heading("published_comparison"), False, _one("published_comparison")),
        ],
    )


def domain_section(model: ReportModel, table: ReportTable) -> Section:
    return _compact(
        table,
        table.id,
        [
            (_heading("domain"), False, _labelled("domain", model.labels)),
            (_heading("n"), True, _one("n")),
            (_heading("value"), True, _one("value")),
            (_interval_heading(), True, _interval("ci_low", "ci_high")),
            (_heading("std_value"), True, _one("std_value")),
            (_heading("comparison"), False, _one("comparison")),
            (_heading("national_value"), True, _one("national_value")),
        ],
    )


def trend_values(model: ReportModel, table: ReportTable) -> Section:
    """Key measures by quarter, the value alone (the intervals are in the XLSX and CSV)."""
    quarters: list[str] = []
    by_measure: dict[str, dict[str, Shown]] = {}
    for record in table.records():
        quarter, measure = str(record["quarter"]), str(record["measure"])
        if quarter not in quarters:
            quarters.append(quarter)
        value = record["value"]
        by_measure.setdefault(measure, {})[quarter] = (
            cell_display(value),
            isinstance(value, Suppressed),
        )
    quarters.sort()
    return Section(
        table.id,
        str(TABLE_TITLES[table.id]),
        [_heading("measure"), *quarters],
        [False] + [True] * len(quarters),
        [
            [(model.labels.get(measure, measure), False)]
            + [values.get(quarter, ("", False)) for quarter in quarters]
            for measure, values in by_measure.items()
        ],
    )


def activity_section(table: ReportTable) -> Section:
    rows = tuple(
        row for row in table.rows if row[table.index("breakdown")] in PRINTED_ACTIVITY_BREAKDOWNS
    )
    return activity_pivot(ReportTable(table.id, table.columns, rows))


def inequality_sections(model: ReportModel, table: ReportTable) -> list[Section]:
    """One short table per breakdown: the headline measure for each group, as its chart."""
    by_breakdown: dict[str, list[dict[str, Cell]]] = {}
    for record in table.where(measure=charts.HEADLINE_MEASURE):
        by_breakdown.setdefault(str(record["breakdown"]), []).append(record)
    columns: list[tuple[str, bool, CellPicker]] = [
        (_heading("group"), False, _one("group")),
        (_heading("n"), True, _one("n")),
        (_heading("std_value"), True, _one("std_value")),
        (_interval_heading(), True, _interval("std_ci_low", "std_ci_high")),
    ]
    if model.scope.kind == "area":
        columns.append((_heading("gap_to_area"), True, _one("gap_to_area")))
    columns += [
        (_heading("gap_to_national"), True, _one("gap_to_national")),
        (_heading("comparison"), False, _one("comparison")),
    ]
    return [
        _compact(
            table,
            f"table-inequalities-{number}",
            columns,
            records,
            title=str(
                _(
                    "Care rated good or better, by %(breakdown)s",
                    breakdown=str(BREAKDOWN_LABELS.get(breakdown, breakdown)).lower(),
                )
            ),
        )
        for number, (breakdown, records) in enumerate(by_breakdown.items())
    ]


def _gap_size(record: dict[str, Cell]) -> float:
    gap = record["gap_to_national"]
    return abs(gap) if isinstance(gap, int | float) else 0.0


def significant_gaps(model: ReportModel, table: ReportTable) -> tuple[Section, int]:
    """The largest significant gaps to national in any key measure, and how many there are."""
    significant = [record for record in table.records() if record["significant"] == "yes"]
    largest = sorted(significant, key=_gap_size, reverse=True)[:MOST_SIGNIFICANT_GAPS]
    breakdowns = {key: str(value) for key, value in BREAKDOWN_LABELS.items()}
    section = _compact(
        table,
        "table-significant-gaps",
        [
            (_heading("measure"), False, _labelled("measure", model.labels)),
            (_heading("breakdown"), False, _labelled("breakdown", breakdowns)),
            (_heading("group"), False, _one("group")),
            (_heading("std_value"), True, _one("std_value")),
            (_heading("gap_to_national"), True, _one("gap_to_national")),
            (_heading("comparison"), False, _one("comparison")),
        ],
        largest,
        title=str(_("The largest significant gaps to national")),
    )
    return section, len(significant)


def funnel_section(table: ReportTable) -> Section:
    return section_of(table, columns=("area", "n", "value", "position"))


def printed_context(model: ReportModel) -> dict[str, Any]:
    """report_context with the printed tables in place of the page's full ones."""
    # Readers of the PDF see plain names, as on the page (the model's labels carry them).
    model = named(model)
    context = report_context(model)
    sections: dict[str, Section] = context["sections"]
    tables = model.tables
    if "responses_by_quarter" in tables:
        sections["responses_by_quarter"] = activity_section(tables["responses_by_quarter"])
    if "headline_indicators" in tables:
        sections["headline_indicators"] = headline_section(model, tables["headline_indicators"])
    if "domain_scores" in tables:
        sections["domain_scores"] = domain_section(model, tables["domain_scores"])
    if "quarterly_trends" in tables:
        sections["quarterly_trends"] = trend_values(model, tables["quarterly_trends"])
    if "funnel_of_areas" in tables:
        sections["funnel_of_areas"] = funnel_section(tables["funnel_of_areas"])
    inequalities = tables.get("inequalities")
    context["inequality_tables"] = []
    context["printed"] = True
    context["significant_gaps"] = None
    if inequalities is not None:
        per_breakdown = inequality_sections(model, inequalities)
        context["inequality_tables"] = list(
            zip(context["charts"]["inequalities"], per_breakdown, strict=False)
        )
        context["significant_gaps"], context["significant_count"] = significant_gaps(
            model, inequalities
        )
    return context


def warm_up_renderer() -> None:
    """Import WeasyPrint and load the print fonts once, in a process about to fork workers.

    The import and the first document cost about two seconds; forked workers inherit the loaded
    renderer instead of paying that each. The document is a sentence in the report's fonts.
    """
    from weasyprint import HTML

    from app.dashboard.documents import PRINT_CSS, RefusingFetcher

    css = PRINT_CSS.read_text(encoding="utf-8")
    HTML(
        string=f"<style>{css}</style><h1>Carer Voices</h1><p>1 <b>2</b></p>",
        base_url=None,
        url_fetcher=RefusingFetcher(),
    ).write_pdf()
