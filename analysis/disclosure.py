"""Disclosure control for every output of the analysis package: the thresholds and the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# A result whose unweighted base is under 10 is suppressed (GP Patient Survey practice).
MINIMUM_BASE = 10
# Sub-national counts of 1-7 are shown suppressed; other counts are rounded to the nearest 5
# (NHS Digital method).
SMALL_COUNT_MAX = 7
COUNT_ROUNDING = 5
# Breakdowns where small cells need secondary suppression so totals cannot reveal them.
SENSITIVE_BREAKDOWNS = frozenset(
    {"about.ethnicity", "about.religion", "you.ethnicity", "you.religion", "you.lgbtq"}
)

# The figures a suppressed row must not show (its estimates, intervals and ratio).
VALUE_COLUMNS: tuple[str, ...] = (
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "oe_ratio",
)
COUNT_COLUMNS: tuple[str, ...] = ("n", "numerator")
# A set of cells that add up to a published total: the same measure, the same breakdown.
DEFAULT_PARTITION: tuple[str, ...] = ("indicator", "breakdown")
NOT_APPLICABLE = "n/a"


def round_counts(counts: pd.Series) -> pd.Series:
    """NHS Digital rounding: counts of 1–7 become NA (suppressed), others the nearest 5.

    A zero stays 0: a true zero cannot identify anyone.
    """
    values = pd.to_numeric(counts, errors="coerce").astype("Float64")
    rounded = (np.floor(values / COUNT_ROUNDING + 0.5) * COUNT_ROUNDING).astype("Int64")
    small = (values >= 1) & (values <= SMALL_COUNT_MAX)
    return rounded.mask(small.fillna(False) | values.isna())


def primary_suppression(n: pd.Series) -> pd.Series:
    """The base rule: a result from fewer than MINIMUM_BASE respondents is not published."""
    return (pd.to_numeric(n, errors="coerce").fillna(0) < MINIMUM_BASE).astype(bool)


def secondary_suppression(
    table: pd.DataFrame,
    suppressed: pd.Series,
    *,
    partition: Sequence[str] = DEFAULT_PARTITION,
    sensitive: Iterable[str] = SENSITIVE_BREAKDOWNS,
) -> pd.Series:
    """Also suppress the next smallest cell where a sensitive breakdown has one suppressed cell.

    The groups of a breakdown add up to the total above them (that is why "missing" is a group),
    so a single hidden cell could be recovered as total minus the others. Hiding the smallest
    other non-empty cell too leaves two unknowns for one equation. Empty cells (n = 0) neither
    count as hidden nor serve as the partner: they give nothing away, and hiding one would
    protect nothing.
    """
    n = pd.to_numeric(table["n"], errors="coerce").fillna(0)
    result = suppressed.astype(bool).copy()
    in_scope = table["breakdown"].isin(list(sensitive))
    if not in_scope.any():
        return result
    keys = [table.loc[in_scope, column] for column in partition]
    hidden = (result & (n > 0))[in_scope]
    hidden_count = hidden.groupby(keys, sort=False, observed=True).transform("sum")
    needs_partner = hidden_count == 1
    candidates = needs_partner & ~result[in_scope] & (n[in_scope] > 0)
    if not candidates.any():
        return result
    partner_n = n[in_scope][candidates]
    partner_keys = [key[candidates] for key in keys]
    partners = partner_n.groupby(partner_keys, sort=False, observed=True).idxmin()
    result.loc[partners.to_numpy()] = True
    return result


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    partition: Sequence[str] = DEFAULT_PARTITION,
    sensitive: Iterable[str] = SENSITIVE_BREAKDOWNS,
) -> pd.DataFrame:
    """Apply the base rule and secondary suppression; blank every figure of a suppressed row.

    A suppressed row keeps only its labels and ``suppressed`` = 1: no value, interval, ratio,
    comparison or count, so nothing about a small group can be read or recovered from it.
    """
    suppressed = secondary_suppression(
        table, primary_suppression(table["n"]), partition=partition, sensitive=sensitive
    )
    result = table.copy()
    for column in VALUE_COLUMNS:
        if column in result.columns:
            result[column] = result[column].astype("float64").mask(suppressed)
    for column in COUNT_COLUMNS:
        if column in result.columns:
            result[column] = pd.to_numeric(result[column]).astype("Float64").mask(suppressed)
    if "comparison" in result.columns:
        result["comparison"] = result["comparison"].mask(suppressed, NOT_APPLICABLE)
    result["suppressed"] = suppressed.astype("int8")
    return result


def apply_disclosure_control(
    table: pd.DataFrame,
    *,
    exact_counts: pd.Series | None = None,
    partition: Sequence[str] = DEFAULT_PARTITION,
    sensitive: Iterable[str] = SENSITIVE_BREAKDOWNS,
) -> pd.DataFrame:
    """Every rule, in order: small cells, secondary suppression, then rounding of counts.

    ``exact_counts`` marks rows whose counts are published as they are (the national total);
    every other count is rounded, because it is below national level.
    """
    result = suppress_small_cells(table, partition=partition, sensitive=sensitive)
    exact = (
        pd.Series(False, index=result.index) if exact_counts is None else exact_counts.astype(bool)
    )
    for column in COUNT_COLUMNS:
        if column in result.columns:
            counts = result[column]
            result[column] = round_counts(counts).where(~exact, counts.round().astype("Int64"))
    return result
