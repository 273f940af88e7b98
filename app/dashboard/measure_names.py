"""Each indicator's and domain's plain name in the reader's language, from the questionnaire."""

from __future__ import annotations

from flask_babel import get_locale

from analysis.report.model import ReportModel
from analysis.report.names import with_names
from app.i18n.questionnaires import localised
from app.survey.context import default_questionnaire


def measure_names() -> dict[str, str]:
    """Measure id -> name, translated through the questionnaire catalogue like its questions."""
    locale = get_locale()
    questionnaire = localised(
        default_questionnaire(), str(locale) if locale else None
    ).questionnaire
    names = {indicator.id: indicator.name or indicator.id for indicator in questionnaire.indicators}
    names.update({domain.id: domain.name for domain in questionnaire.domains})
    return names


def named(model: ReportModel) -> ReportModel:
    """The report with names beside the ids (analysis.report.names); naming twice is harmless."""
    return with_names(model, measure_names())
