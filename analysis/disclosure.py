"""Disclosure-control thresholds shared by every output of the analysis package."""

from __future__ import annotations

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
