"""The inequality view: within one area, each group's standardised value and its gaps."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.questionnaire_data import QuestionnaireData
from analysis.scores.breakdowns import AREA, NATIONAL
from analysis.scores.compute import compute_scores

INEQUALITY_COLUMNS: tuple[str, ...] = (
    "indicator",
    "kind",
    "breakdown",
    "group",
    "n",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "area_value",
    "gap_to_area",
    "national_value",
    "gap_to_national",
    "comparison",
    "suppressed",
)


def inequalities(
    responses: pd.DataFrame,
    questionnaire: QuestionnaireData,
    *,
    area: str,
    by: Sequence[str],
    weight: str | None = None,
    casemix: Sequence[str] | None = None,
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each group of each ``by`` breakdown in ``area``: standardised value and its gaps.

    The gap to the area is to the area's standardised value, the gap to national to the
    national value, both in points (percentage points, or points on the 0–10 score). Built
    on compute_scores, so every figure has already passed disclosure control; a gap is blank
    whenever either side of it is suppressed.
    """
    table = compute_scores(
        responses,
        questionnaire,
        by=[name for name in by if name != AREA],
        area=area,
        weight=weight,
        casemix=casemix,
        reference=reference,
    )
    national = table.loc[table["breakdown"] == NATIONAL, ["indicator", "value"]].rename(
        columns={"value": "national_value"}
    )
    area_rows = table.loc[table["breakdown"] == AREA, ["indicator", "std_value"]].rename(
        columns={"std_value": "area_value"}
    )
    groups = table.loc[~table["breakdown"].isin([NATIONAL, AREA])]
    view = groups.merge(area_rows, on="indicator", how="left").merge(
        national, on="indicator", how="left"
    )
    view["gap_to_area"] = view["std_value"] - view["area_value"]
    view["gap_to_national"] = view["std_value"] - view["national_value"]
    return view.loc[:, list(INEQUALITY_COLUMNS)].reset_index(drop=True)
