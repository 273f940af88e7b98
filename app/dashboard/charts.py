"""The report's charts: drawn from its published cells, with translated titles and descriptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from analysis.report.charts import Bar, FunnelPoint, Series, bar_chart, funnel_plot, trend_chart
from analysis.report.model import ReportModel, ReportTable, Suppressed
from app.dashboard.labels import BREAKDOWN_LABELS

HEADLINE_MEASURE = "overall_oeg"


@dataclass(frozen=True)
class Chart:
    """An SVG picture and the id of the table beside it that holds the same numbers."""

    id: str
    svg: Markup
    table_id: str


def _number(cell: object) -> float | None:
    if isinstance(cell, Suppressed) or cell is None or isinstance(cell, str):
        return None
    return float(cell)  # type: ignore[arg-type]


def _hidden(labels: Sequence[str]) -> str:
    if not labels:
        return ""
    return " " + str(
        _("Not shown because too few people answered: %(groups)s.", groups=", ".join(labels))
    )


def headline_chart(model: ReportModel) -> Chart | None:
    table = model.tables.get("headline_indicators")
    if table is None or not table.rows:
        return None
    bars, hidden = [], []
    for record in table.records():
        label = str(record.get("indicator_name") or record["indicator"])
        value = _number(record["value"])
        if value is None:
            hidden.append(label)
        bars.append(
            Bar(
                label,
                value,
                _number(record["ci_low"]),
                _number(record["ci_high"]),
                _number(record["national_value"]),
            )
        )
    svg = bar_chart(
        "chart-headline",
        _("Headline indicators with 95% intervals"),
        _(
            "Bars show each indicator's percentage in %(scope)s; lines show the 95%% interval "
            "and red ticks the national value. The table below gives every figure.",
            scope=model.scope.name,
        )
        + _hidden(hidden),
        bars,
        maximum=100.0,
    )
    return Chart("chart-headline", Markup(svg), table.id)


def domain_chart(model: ReportModel) -> Chart | None:
    table = model.tables.get("domain_scores")
    if table is None or not table.rows:
        return None
    bars = [
        Bar(
            model.labels.get(str(record["domain"]), str(record["domain"])),
            _number(record["value"]),
            _number(record["ci_low"]),
            _number(record["ci_high"]),
            _number(record["national_value"]),
        )
        for record in table.records()
    ]
    svg = bar_chart(
        "chart-domains",
        _("Experience scores by domain, 0 to 10"),
        _(
            "Bars show the mean score of each domain with its 95% interval; red ticks show "
            "the national score. The table below gives every figure."
        ),
        bars,
        maximum=10.0,
    )
    return Chart("chart-domains", Markup(svg), table.id)


def inequality_charts(model: ReportModel) -> list[Chart]:
    table = model.tables.get("inequalities")
    if table is None:
        return []
    charts = []
    national: float | None = None
    by_breakdown: dict[str, list[Bar]] = {}
    hidden: dict[str, list[str]] = {}
    for record in table.where(measure=HEADLINE_MEASURE):
        breakdown = str(record["breakdown"])
        value = _number(record["std_value"])
        national = _number(record["national_value"]) or national
        if value is None:
            hidden.setdefault(breakdown, []).append(str(record["group"]))
        by_breakdown.setdefault(breakdown, []).append(
            Bar(
                str(record["group"]),
                value,
                _number(record["std_ci_low"]),
                _number(record["std_ci_high"]),
            )
        )
    for number, (breakdown, bars) in enumerate(by_breakdown.items()):
        name = str(BREAKDOWN_LABELS.get(breakdown, breakdown))
        chart_id = f"chart-inequality-{number}"
        svg = bar_chart(
            chart_id,
            _("Care rated good or better, by %(breakdown)s", breakdown=name.lower()),
            _(
                "Standardised percentage rating care outstanding, excellent or good for each "
                "group, with 95% intervals; the dashed line is national."
            )
            + _hidden(hidden.get(breakdown, [])),
            bars,
            maximum=100.0,
            reference=national,
            reference_label=_("national"),
        )
        charts.append(Chart(chart_id, Markup(svg), table.id))
    return charts


def funnel_chart(model: ReportModel) -> Chart | None:
    table = model.tables.get("funnel_of_areas")
    headline = model.tables.get("headline_indicators")
    if table is None or not table.rows:
        return None
    centre = None
    if headline is not None:
        for record in headline.where(indicator=HEADLINE_MEASURE):
            centre = _number(record["national_value"])
    if centre is None:
        return None
    points = []
    for record in table.records():
        n, value = _number(record["n"]), _number(record["value"])
        if n is None or value is None:
            continue
        own = model.scope.kind == "area" and str(record["area"]) == model.scope.name
        points.append(FunnelPoint(str(record["area"]), n, value, own))
    svg = funnel_plot(
        "chart-funnel",
        _("Areas compared: care rated good or better"),
        _(
            "Each dot is an area: its percentage rating care good or better against the number "
            "who answered. Dotted lines are 95% and 99.8% limits around national; an area "
            "outside them differs by more than chance would explain."
        ),
        points,
        centre=centre,
        x_label=_("People who answered"),
        y_label=_("Percentage"),
    )
    return Chart("chart-funnel", Markup(svg), table.id)


def trend_charts(model: ReportModel) -> list[Chart]:
    table = model.tables.get("quarterly_trends")
    charts: list[Chart] = []
    if table is None or not table.rows:
        return charts
    percent: dict[str, list[tuple[str, float | None]]] = {}
    scores: dict[str, list[tuple[str, float | None]]] = {}
    for record in table.records():
        measure = str(record["measure"])
        target = percent if measure.startswith("overall_") else scores
        target.setdefault(measure, []).append((str(record["quarter"]), _number(record["value"])))
    if percent:
        svg = trend_chart(
            "chart-trend-percent",
            _("Overall rating by quarter"),
            _("Percentage by calendar quarter; a gap is a quarter with too few answers to show."),
            [
                Series(model.labels.get(name, name), tuple(points))
                for name, points in percent.items()
            ],
            maximum=100.0,
            y_label=_("Percentage"),
        )
        charts.append(Chart("chart-trend-percent", Markup(svg), table.id))
    if scores:
        svg = trend_chart(
            "chart-trend-scores",
            _("Experience scores by quarter"),
            _("Mean score from 0 to 10 by calendar quarter; a gap is a quarter not shown."),
            [
                Series(model.labels.get(name, name), tuple(points))
                for name, points in scores.items()
            ],
            maximum=10.0,
            y_label=_("Score"),
        )
        charts.append(Chart("chart-trend-scores", Markup(svg), table.id))
    return charts


def activity_chart(model: ReportModel) -> Chart | None:
    table: ReportTable | None = model.tables.get("responses_by_quarter")
    if table is None or not table.rows:
        return None
    points = [
        (str(record["quarter"]), _number(record["responses"]))
        for record in table.where(breakdown="all")
    ]
    top = max([value for _label, value in points if value is not None] + [10.0])
    svg = trend_chart(
        "chart-activity",
        _("Responses by quarter"),
        _("Number of responses submitted in each calendar quarter (rounded to the nearest 5)."),
        [Series(_("Responses"), tuple(points))],
        maximum=float(top * 1.1),
        y_label=_("Responses"),
    )
    return Chart("chart-activity", Markup(svg), table.id)
