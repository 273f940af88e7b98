"""Request-scoped helpers binding a browser session to one response, and loading questionnaires."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from flask import current_app, g, session

from app.extensions import db
from app.i18n.web import clear_session_keeping_language
from app.models import Response
from app.questionnaire import Questionnaire, QuestionnaireLibrary
from app.services import responses as response_service
from app.services.codesign_publishing import current_questionnaire_for_area, find_questionnaire

SESSION_KEY = "response_id"


@lru_cache(maxsize=4)
def _library(root: str) -> QuestionnaireLibrary:
    return QuestionnaireLibrary(Path(root))


def questionnaire_library() -> QuestionnaireLibrary:
    return _library(str(current_app.config["QUESTIONNAIRES_DIR"]))


def default_questionnaire() -> Questionnaire:
    return questionnaire_library().get(str(current_app.config["DEFAULT_QUESTIONNAIRE"]))


class NamesQuestionnaire(Protocol):
    @property
    def questionnaire_id(self) -> str: ...
    @property
    def questionnaire_version(self) -> int: ...


def questionnaire_for(response: NamesQuestionnaire) -> Questionnaire:
    # Each response is shown and saved on the version it was started on: a file version, or
    # an area's published core + local module version (frozen in the database).
    return find_questionnaire(
        db.session(),
        questionnaire_library(),
        response.questionnaire_id,
        response.questionnaire_version,
    )


def questionnaire_for_area(area_id: int) -> Questionnaire:
    """What a new response in the area answers: its latest published version, else the core."""
    return current_questionnaire_for_area(db.session(), area_id, default_questionnaire())


def bind_response(response: Response) -> None:
    """Remember the response in the signed session cookie; nothing else about the carer."""
    # The response's language (the invitation's, or the one chosen) follows the carer to
    # pages that do not load the response, such as the resume and withdrawal pages.
    clear_session_keeping_language(response.language)
    session[SESSION_KEY] = response.response_id
    session.permanent = True
    g.survey_language = response.language


def bound_response_id() -> str | None:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, str) else None


def current_open_response() -> Response:
    """The bound response if it may still change (raises ResponseNotFound/AlreadySubmitted)."""
    response = response_service.open_response(db.session(), bound_response_id())
    g.survey_language = response.language
    return response
