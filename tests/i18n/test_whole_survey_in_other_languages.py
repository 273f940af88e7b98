"""The whole core survey answered in Urdu and in Polish stores the same codes as in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.services import areas as area_service
from tests.i18n.conftest import template, write_catalogue
from tests.page_checks import SurveyWalker
from tests.survey.test_journey import stored_answers, the_only_response, walk_to_check_page

MARK = {"ur": "اردو: ", "pl": "PL: "}


def answer_whole_survey(
    app: Flask, client: FlaskClient, code: str
) -> tuple[dict[str, str | None], str]:
    """Answers stored after walking the whole survey in a language, and the check page's text."""
    walker = SurveyWalker(client)
    walker.get(f"/a/north-riverside?lang={code}")
    walker.submit()
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": "Amira"})
    walk_to_check_page(walker)
    assert walker.soup is not None and walker.soup.html["lang"] == code
    check_text = walker.soup.get_text(" ")
    walker.submit()
    assert walker.path == "/survey/thank-you"
    with app.app_context():
        response = the_only_response()
        assert response.language == code and response.status == "submitted"
        answers = stored_answers(response.response_id)
        db.session.delete(response)
        db.session.commit()
    return answers, check_text


@pytest.mark.parametrize("code", ["ur", "pl"])
def test_the_core_survey_in_another_language_stores_the_english_codes(
    app: Flask, client: FlaskClient, translations_dir: Path, code: str
) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    english, _ = answer_whole_survey(app, client, "en")
    # Every questionnaire text translated (marked, so the pages are visibly not English).
    questionnaire_texts = {
        (message.context, message.id): MARK[code] + message.id
        for message in template(translations_dir)
        if message.id and message.context and message.context.startswith("voices-core:")
    }
    write_catalogue(translations_dir, code, questionnaire_texts)
    translated, check_text = answer_whole_survey(app, client, code)
    assert MARK[code] + "How were you related to Amira?" in check_text
    assert translated == english
