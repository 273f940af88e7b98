"""Headline indicators, domain scores, quarterly trends, inequalities and the funnel of areas."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import NOT_APPLICABLE
from analysis.questionnaire_data import QuestionnaireData
from analysis.report.cells import table_from_frame
from analysis.report.model import Column, ReportTable
from analysis.report.published import PublishedFigure
from analysis.scores import round_for_publication
from analysis.scores.breakdowns import AREA, NATIONAL, QUARTER
from analysis.scores.encoding import MISSING_GROUP

# The figure on the report's first page, the funnel plot and the headline of every breakdown.
HEADLINE_MEASURE = "overall_oeg"
# Breakdowns of the inequalities view, in the order the issue lists them; deprivation is used
# only when the responses carry it (an IMD quintile added by the commissioner's data team).
INEQUALITY_BREAKDOWNS = (
    "about.ethnicity",
    "about.religion",
    "about.cause_group",
    "about.place_of_death",
    "about.age_band",
    "community_group",
    "language",
    "deprivation",
)
SIGNIFICANT = ("better", "worse")
# Funnel limits: 95% ("warning") and 99.8% ("alarm"), as in PHE/NHS funnel plots.
Z95 = 1.959964
Z998 = 3.090232

ESTIMATES = (
    Column("n", "count"),
    Column("value", "value"),
    Column("ci_low", "value"),
    Column("ci_high", "value"),
    Column("std_value", "value"),
    Column("std_ci_low", "value"),
    Column("std_ci_high", "value"),
    Column("comparison"),
)

# The headline indicators' table, as the XLSX and CSV hold it (the PDF shows a subset).
HEADLINE_INDICATOR_COLUMNS = (
    Column("indicator"),
    Column("polarity"),
    Column("n", "count"),
    Column("numerator", "count"),
    *ESTIMATES[1:],
    Column("national_value", "value"),
    Column("published_value", "value"),
    Column("published_year"),
    Column("published_comparison"),
)
# Each group's standardised value and its gaps, for every key measure and breakdown.
INEQUALITY_COLUMNS = (
    Column("measure"),
    Column("breakdown"),
    Column("group"),
    Column("n", "count"),
    Column("std_value", "value"),
    Column("std_ci_low", "value"),
    Column("std_ci_high", "value"),
    Column("area_value", "value"),
    Column("gap_to_area", "gap"),
    Column("national_value", "value"),
    Column("gap_to_national", "gap"),
    Column("comparison"),
    Column("significant"),
)


def key_measures(questionnaire: QuestionnaireData) -> tuple[str, ...]:
    """The measures shown by quarter and by group: the headline, fair/poor, every domain."""
    ids = [indicator.id for indicator in questionnaire.indicators]
    chosen = [name for name in (HEADLINE_MEASURE, "overall_fair_poor") if name in ids]
    return (*chosen, *(domain.id for domain in questionnaire.domains))


def measure_labels(questionnaire: QuestionnaireData) -> dict[str, str]:
    """A plain name of each measure, from the questionnaire's own definitions.

    An indicator without a name in the file is described by its item and numerator codes.
    """
    labels: dict[str, str] = {}
    for indicator in questionnaire.indicators:
        if indicator.name:
            labels[indicator.id] = indicator.name
        elif indicator.kind == "match":
            labels[indicator.id] = f"{indicator.item} matches {indicator.other_item}"
        else:
            labels[indicator.id] = f"{indicator.item}: {', '.join(indicator.numerator)}"
    for domain in questionnaire.domains:
        labels[domain.id] = domain.name
    return labels


def _published_comparison(low: float, high: float, published: float, polarity: str) -> str:
    if math.isnan(low) or math.isnan(high):
        return NOT_APPLICABLE
    if low <= published <= high:
        return "similar"
    higher = low > published
    return "better" if higher == (polarity == "higher") else "worse"


def headline_tables(
    table: pd.DataFrame,
    own: str,
    questionnaire: QuestionnaireData,
    published: Mapping[str, PublishedFigure],
) -> tuple[ReportTable, ReportTable]:
    """The scope's own row of every indicator and domain, beside national and published VOICES.

    ``own`` is the breakdown holding the scope's row ("area", or "national" for England).
    """
    national = table.loc[table["breakdown"] == NATIONAL].set_index("indicator")["value"]
    rows = table.loc[table["breakdown"] == own].copy()
    rows["national_value"] = rows["indicator"].map(national)
    polarity = {indicator.id: indicator.polarity for indicator in questionnaire.indicators}
    rows["polarity"] = rows["indicator"].map(polarity).fillna("higher")
    figures = [published.get(name) for name in rows["indicator"]]
    rows["published_value"] = [figure.value_pct if figure else np.nan for figure in figures]
    rows["published_year"] = pd.Series(
        [figure.year if figure else None for figure in figures], index=rows.index, dtype=object
    )
    rows["published_comparison"] = [
        _published_comparison(low, high, figure.value_pct, str(direction))
        if figure
        else NOT_APPLICABLE
        for low, high, figure, direction in zip(
            rows["ci_low"], rows["ci_high"], figures, rows["polarity"], strict=True
        )
    ]
    rows = round_for_publication(rows)
    proportions = rows.loc[rows["kind"] == "proportion"].reset_index(drop=True)
    scores = rows.loc[rows["kind"] == "score"].reset_index(drop=True)
    domain_columns = (Column("domain"), *ESTIMATES, Column("national_value", "value"))
    indicators = table_from_frame(
        "headline_indicators",
        proportions,
        HEADLINE_INDICATOR_COLUMNS,
        suppressed=proportions["suppressed"] == 1,
    )
    domains = table_from_frame(
        "domain_scores",
        scores.rename(columns={"indicator": "domain"}),
        domain_columns,
        suppressed=scores["suppressed"] == 1,
    )
    return indicators, domains


def trend_table(table: pd.DataFrame, measures: Sequence[str]) -> ReportTable:
    """Key measures by calendar quarter of submission, within the scope."""
    rows = table.loc[
        (table["breakdown"] == QUARTER)
        & table["indicator"].isin(list(measures))
        & (table["group"] != MISSING_GROUP)
    ]
    rows = round_for_publication(rows).rename(columns={"indicator": "measure", "group": "quarter"})
    order = {name: index for index, name in enumerate(measures)}
    rows = (
        rows.assign(_measure=rows["measure"].map(order))
        .sort_values(["_measure", "quarter"], kind="stable")
        .reset_index(drop=True)
    )
    columns = (
        Column("measure"),
        Column("quarter"),
        Column("n", "count"),
        Column("value", "value"),
        Column("ci_low", "value"),
        Column("ci_high", "value"),
        Column("comparison"),
    )
    return table_from_frame("quarterly_trends", rows, columns, suppressed=rows["suppressed"] == 1)


def inequality_table(
    table: pd.DataFrame,
    own: str,
    measures: Sequence[str],
    breakdowns: Sequence[str],
    group_names: Mapping[str, str],
    area_names: Mapping[str, str] | None = None,
) -> ReportTable:
    """Each group's standardised value and its gaps to the scope and to national.

    As analysis.scores.inequalities does, but from the table already computed for the report
    (one computation for every section). A gap is worked out before rounding and is blank when
    either side is suppressed; a gap is "significant" when the group differs from national.
    """
    national = table.loc[table["breakdown"] == NATIONAL].set_index("indicator")["value"]
    own_rows = table.loc[table["breakdown"] == own].set_index("indicator")["std_value"]
    rows = table.loc[
        table["breakdown"].isin(list(breakdowns)) & table["indicator"].isin(list(measures))
    ].copy()
    rows["area_value"] = rows["indicator"].map(own_rows) if own != NATIONAL else np.nan
    rows["national_value"] = rows["indicator"].map(national)
    rows["gap_to_area"] = rows["std_value"] - rows["area_value"]
    rows["gap_to_national"] = rows["std_value"] - rows["national_value"]
    rows["significant"] = np.where(rows["comparison"].isin(SIGNIFICANT), "yes", "no")
    for breakdown, names in (("community_group", group_names), ("sub_area", area_names or {})):
        named = rows["breakdown"] == breakdown
        rows.loc[named, "group"] = rows.loc[named, "group"].map(
            lambda slug, names=names: names.get(slug, slug)
        )
    rows = round_for_publication(rows).rename(columns={"indicator": "measure"})
    order = {name: index for index, name in enumerate(measures)}
    rows = rows.assign(
        _measure=rows["measure"].map(order),
        _breakdown=rows["breakdown"].map({name: i for i, name in enumerate(breakdowns)}),
    ).sort_values(["_breakdown", "_measure"], kind="stable")
    rows = rows.reset_index(drop=True)
    return table_from_frame(
        "inequalities", rows, INEQUALITY_COLUMNS, suppressed=rows["suppressed"] == 1
    )


def funnel_table(areas: pd.DataFrame, area_names: Mapping[str, str]) -> ReportTable:
    """Each area's headline percentage against its (published) base, with funnel limits.

    Limits are p ± z·√(p(1−p)/n) around the national percentage p, at 95% and 99.8%. The
    base is the published, rounded n, so a reader can redraw the plot from the table.
    """
    national_rows = areas.loc[
        (areas["breakdown"] == NATIONAL) & (areas["indicator"] == HEADLINE_MEASURE), "value"
    ]
    rows = areas.loc[(areas["breakdown"] == AREA) & (areas["indicator"] == HEADLINE_MEASURE)].copy()
    columns = (
        Column("area"),
        Column("n", "count"),
        Column("value", "percent"),
        Column("limit95_low", "percent"),
        Column("limit95_high", "percent"),
        Column("limit998_low", "percent"),
        Column("limit998_high", "percent"),
        Column("position"),
    )
    p = float(national_rows.iloc[0]) / 100 if len(national_rows) else float("nan")
    n = pd.to_numeric(rows["n"], errors="coerce").astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(p * (1 - p) / n) * 100
    centre = p * 100
    rows["limit95_low"] = np.clip(centre - Z95 * spread, 0, 100).round(1)
    rows["limit95_high"] = np.clip(centre + Z95 * spread, 0, 100).round(1)
    rows["limit998_low"] = np.clip(centre - Z998 * spread, 0, 100).round(1)
    rows["limit998_high"] = np.clip(centre + Z998 * spread, 0, 100).round(1)
    value = rows["value"].astype(float)
    rows["position"] = np.select(
        [
            value > rows["limit998_high"],
            value > rows["limit95_high"],
            value < rows["limit998_low"],
            value < rows["limit95_low"],
        ],
        ["above 99.8% limit", "above 95% limit", "below 99.8% limit", "below 95% limit"],
        "within limits",
    )
    rows.loc[value.isna(), "position"] = NOT_APPLICABLE
    rows["area"] = rows["group"].map(lambda slug: area_names.get(slug, slug))
    rows = round_for_publication(rows).sort_values("area", kind="stable").reset_index(drop=True)
    return table_from_frame("funnel_of_areas", rows, columns, suppressed=rows["suppressed"] == 1)
