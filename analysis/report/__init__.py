"""Report tables for commissioners and community groups, every figure disclosure-controlled.

The model and the published figures need only the standard library, so a web worker can name
them without loading pandas; build_report lives in analysis.report.build.
"""

from analysis.report.model import (
    SUPPRESSED,
    SUPPRESSED_MARK,
    Cell,
    Column,
    InvitationCount,
    ReportModel,
    ReportPeriod,
    ReportScope,
    ReportTable,
    Suppressed,
)
from analysis.report.published import PublishedFigure, load_published_figures

__all__ = [
    "SUPPRESSED",
    "SUPPRESSED_MARK",
    "Cell",
    "Column",
    "InvitationCount",
    "PublishedFigure",
    "ReportModel",
    "ReportPeriod",
    "ReportScope",
    "ReportTable",
    "Suppressed",
    "load_published_figures",
]
