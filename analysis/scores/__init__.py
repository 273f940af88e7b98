"""Experience scores: VOICES indicators and 0–10 domain scores, standardised and disclosure-safe."""

from analysis.scores.compute import UnknownAnswerCodes, compute_scores
from analysis.scores.inequalities import INEQUALITY_COLUMNS, inequalities
from analysis.scores.table import OUTPUT_COLUMNS, round_for_publication

__all__ = [
    "INEQUALITY_COLUMNS",
    "OUTPUT_COLUMNS",
    "UnknownAnswerCodes",
    "compute_scores",
    "inequalities",
    "round_for_publication",
]
