"""build_report: every table of one report (national, an area or a group) from the responses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.disclosure import round_counts
from analysis.questionnaire_data import QuestionnaireData
from analysis.report.activity import (
    ACTIVITY_BREAKDOWNS,
    NOT_STATED,
    response_rates,
    responses_by_quarter,
)
from analysis.report.cells import table_from_frame
from analysis.report.measures import (
    INEQUALITY_BREAKDOWNS,
    funnel_table,
    headline_tables,
    inequality_table,
    key_measures,
    measure_labels,
    trend_table,
)
from analysis.report.model import (
    SUPPRESSED,
    Column,
    InvitationCount,
    ReportModel,
    ReportPeriod,
    ReportScope,
    ReportTable,
    Suppressed,
)
from analysis.report.published import PublishedFigure
from analysis.response_data import SUBMITTED
from analysis.scores import compute_scores
from analysis.scores.breakdowns import AREA, NATIONAL, QUARTER
from analysis.scores.encoding import MISSING_GROUP

if TYPE_CHECKING:  # the themes pipeline loads NLTK and scikit-learn: only when comments come
    from analysis.themes.pipeline import AnalysedComments

# A group's report puts its own responses in a scope of their own through the area column,
# so compute_scores keeps every response as the national reference.
IN_GROUP = "__in_group__"
OUT_OF_GROUP = "__out_of_group__"
# The sub-area (sub-ICB location, place) a response was collected in, beside its top-level
# ``area``; blank when it was collected in the area itself.
SUB_AREA = "sub_area"
# The group of responses collected by the area itself rather than in one of its places.
NO_SUB_AREA = "(no sub-area)"


def in_period(submitted_at: pd.Series, period: ReportPeriod) -> np.ndarray:
    """Which rows were submitted within the period (ISO timestamps compare as text)."""
    if period.start is None and period.end is None:
        return np.ones(len(submitted_at), dtype=bool)
    stamps = submitted_at.astype("string").fillna("").str.slice(0, 10)
    keep = pd.Series(True, index=submitted_at.index)
    if period.start is not None:
        keep &= stamps >= period.start.isoformat()
    if period.end is not None:
        keep &= (stamps <= period.end.isoformat()) & (stamps != "")
    mask: np.ndarray = keep.to_numpy(dtype=bool)
    return mask


def scope_mask(frame: pd.DataFrame, scope: ReportScope) -> np.ndarray:
    """The rows of the scope: an area's own and its sub-areas', narrowed to one sub-area."""
    if scope.kind == "national":
        return np.ones(len(frame), dtype=bool)
    column = "area" if scope.kind == "area" else "community_group"
    keep = frame[column].astype("string").fillna("") == scope.slug
    if scope.kind == "area" and SUB_AREA in frame.columns:
        sub_area = frame[SUB_AREA].astype("string").fillna("")
        keep |= sub_area == scope.slug
        if scope.sub_area is not None:
            keep &= sub_area == scope.sub_area
    mask: np.ndarray = keep.to_numpy(dtype=bool)
    return mask


def is_whole_area(frame: pd.DataFrame, scope: ReportScope) -> bool:
    """Whether the scope is a top-level area, unfiltered (its rows are its ``area`` rows)."""
    if scope.kind != "area" or scope.sub_area is not None:
        return False
    if SUB_AREA not in frame.columns:
        return True
    return not bool((frame[SUB_AREA].astype("string").fillna("") == scope.slug).any())


def area_comparison(responses: pd.DataFrame, questionnaire: QuestionnaireData) -> pd.DataFrame:
    """Every area's scores against national: the funnel plot's data (the same for every area).

    Computed once and handed to each build_report call when building many areas' reports.
    """
    return compute_scores(responses, questionnaire, by=[AREA])


def build_report(
    responses: pd.DataFrame,
    questionnaire: QuestionnaireData,
    scope: ReportScope,
    *,
    period: ReportPeriod | None = None,
    published: Mapping[str, PublishedFigure] | None = None,
    invitations: Sequence[InvitationCount] = (),
    comments: AnalysedComments | None = None,
    include_themes: bool = True,
    group_names: Mapping[str, str] | None = None,
    area_names: Mapping[str, str] | None = None,
    areas_table: pd.DataFrame | None = None,
) -> ReportModel:
    """Every table of the report for ``scope`` and ``period``, all through disclosure control.

    ``responses`` are every response (the export's columns); the national reference is every
    submitted response in the period, whatever the scope. ``comments`` are the analysed
    free-text comments of the same responses (analysis.themes), or None when there are none;
    ``include_themes`` False leaves the themes sections out altogether.
    ``areas_table`` is area_comparison() of the same responses, when already computed.
    """
    period = period or ReportPeriod()
    group_names = dict(group_names or {})
    area_names = dict(area_names or {})
    # Sub-area groups are shown by name; a blank sub-area is the area's own collection.
    place_names = {**area_names, MISSING_GROUP: NO_SUB_AREA, NOT_STATED: NO_SUB_AREA}
    keep = (responses["status"].astype("string") == SUBMITTED).to_numpy(dtype=bool) & in_period(
        responses["submitted_at"], period
    )
    # Building every area's report reads the same large frame 42 times: copy it only when
    # some rows must go.
    submitted = responses if keep.all() else responses.loc[keep].reset_index(drop=True)
    own_mask = scope_mask(submitted, scope)
    in_scope = submitted.loc[own_mask]
    exact = scope.kind == "national"
    count = len(in_scope)
    scope_count: int | Suppressed = count
    if not exact:
        rounded = round_counts(pd.Series([count])).iloc[0]
        scope_count = SUPPRESSED if pd.isna(rounded) else int(rounded)
    model = ReportModel(
        scope=scope,
        period=period,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        responses_in_scope=scope_count,
        labels=measure_labels(questionnaire),
    )
    tables = model.tables
    by_sub_area = _has_sub_areas(submitted, in_scope, scope)
    activity_breakdowns = [
        name
        for name in ACTIVITY_BREAKDOWNS
        if not (scope.kind == "group" and name == "community_group")
    ] + ([SUB_AREA] if by_sub_area else [])
    tables["responses_by_quarter"] = responses_by_quarter(
        in_scope,
        breakdowns=activity_breakdowns,
        exact_total=exact,
        group_names=group_names,
        area_names=place_names,
    )
    tables["response_rates"] = response_rates(
        invitations, exact_total=exact, group_names=group_names, area_names=place_names
    )
    measures = key_measures(questionnaire)
    breakdowns = [
        name
        for name in INEQUALITY_BREAKDOWNS
        if name in submitted.columns and not (scope.kind == "group" and name == "community_group")
    ] + ([SUB_AREA] if by_sub_area else [])
    if count:
        frame, own, area = _scoped(submitted, scope)
        scores = compute_scores(
            frame,
            questionnaire,
            by=[QUARTER, *(breakdowns if scope.kind != "group" else [])],
            area=area,
        )
        indicators, domains = headline_tables(scores, own, questionnaire, published or {})
        tables["headline_indicators"] = indicators
        tables["domain_scores"] = domains
        tables["quarterly_trends"] = trend_table(scores, measures)
        if scope.kind != "group":
            tables["inequalities"] = inequality_table(
                scores, own, measures, breakdowns, group_names, place_names
            )
            if "area" in submitted.columns:
                areas = (
                    areas_table
                    if areas_table is not None
                    else area_comparison(submitted, questionnaire)
                )
                tables["funnel_of_areas"] = funnel_table(areas, area_names)
    if include_themes:
        from analysis.report.themes_section import subset, theme_tables

        only_group = scope.slug if scope.kind == "group" else None
        chosen = (
            None if comments is None else subset(comments, _comment_mask(comments, scope, period))
        )
        themes, quotes = theme_tables(chosen, only_group=only_group, group_names=group_names)
        tables["themes"] = themes
        tables["quotes"] = quotes
    tables["suppression_summary"] = _suppression_summary(tables)
    return model


def _scoped(submitted: pd.DataFrame, scope: ReportScope) -> tuple[pd.DataFrame, str, str | None]:
    """The frame compute_scores reads, the breakdown of the scope's own row, and its area."""
    if scope.kind == "national":
        return submitted, NATIONAL, None
    if scope.kind == "area" and is_whole_area(submitted, scope):
        return submitted, AREA, scope.slug
    # A group, a sub-area or an area narrowed to one: the scope's rows stand as one "area".
    inside = scope_mask(submitted, scope)
    frame = submitted.assign(area=pd.Categorical(np.where(inside, IN_GROUP, OUT_OF_GROUP)))
    return frame, AREA, IN_GROUP


def _has_sub_areas(submitted: pd.DataFrame, in_scope: pd.DataFrame, scope: ReportScope) -> bool:
    """Whether the report breaks down by sub-area: a whole area with sub-areas' responses."""
    if SUB_AREA not in in_scope.columns or not is_whole_area(submitted, scope):
        return False
    return bool((in_scope[SUB_AREA].astype("string").fillna("") != "").any())


def _comment_mask(
    comments: AnalysedComments, scope: ReportScope, period: ReportPeriod
) -> np.ndarray:
    frame = comments.comments
    keep = np.ones(len(frame), dtype=bool)
    if "submitted_at" in frame.columns:
        keep &= in_period(frame["submitted_at"], period)
    if scope.kind == "area":
        keep &= scope_mask(frame, scope)
    # A group's themes are read against every other group's comments in the period, so the
    # distinctiveness compares the group with everyone else; only its own rows are shown.
    return keep


def _suppression_summary(tables: Mapping[str, ReportTable]) -> ReportTable:
    columns = (Column("table"), Column("cells"), Column("suppressed_cells", "value"))
    frame = pd.DataFrame(
        {
            "table": list(tables),
            "cells": [len(table.rows) * len(table.columns) for table in tables.values()],
            "suppressed_cells": [table.suppressed_cells for table in tables.values()],
        }
    )
    return table_from_frame("suppression_summary", frame, columns)
