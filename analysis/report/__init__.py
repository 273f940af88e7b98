"""Report tables for commissioners and community groups, every figure disclosure-controlled."""

from analysis.report.activity import InvitationCount
from analysis.report.build import area_comparison, build_report
from analysis.report.model import (
    SUPPRESSED,
    SUPPRESSED_MARK,
    Cell,
    Column,
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
    "area_comparison",
    "build_report",
    "load_published_figures",
]
