"""Question markup rendered once and reused: never one carer's name or answers on another's page."""

from __future__ import annotations

import pytest
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.i18n.web import TEMPLATE_TRANSLATIONS_KEY
from app.services import areas as area_service
from app.survey import question_markup
from app.survey.question_markup import QuestionMarkup
from app.survey.rendering import OptionView, QuestionView
from tests.page_checks import SurveyWalker


def _carer_on_about_sex(client: FlaskClient, name: str, sex: str | None) -> SurveyWalker:
    """A carer who gave a name, answered the first two pages and has reached about-sex."""
    walker = SurveyWalker(client)
    walker.get("/a/north-riverside")
    walker.submit()
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": name})
    walker.submit({"about.relationship": "child"})
    walker.submit({"about.age_band": "75_84"})
    assert walker.page_id == "about-sex"
    if sex is not None:
        walker.submit({"about.sex": sex})
        walker.get("/survey/q/about-sex")
    return walker


def _question_text_and_choice(walker: SurveyWalker) -> tuple[str, list[str]]:
    assert walker.soup is not None
    heading = walker.soup.select_one("main h1")
    assert heading is not None
    checked = [str(box["value"]) for box in walker.soup.select('main input[name="about.sex"]')
               if box.has_attr("checked")]  # fmt: skip
    return heading.get_text(" ", strip=True), checked


def test_two_carers_on_the_same_page_each_see_their_own_name_and_answer(app: Flask) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    amira = _carer_on_about_sex(app.test_client(), "Amira", "female")
    bola = _carer_on_about_sex(app.test_client(), "Bola", None)
    chen = _carer_on_about_sex(app.test_client(), "Amira", None)
    # Each page twice, so the second view of each is the kept markup.
    for _ in range(2):
        amira.get("/survey/q/about-sex")
        assert _question_text_and_choice(amira) == ("What was the sex of Amira?", ["female"])
        bola.get("/survey/q/about-sex")
        assert _question_text_and_choice(bola) == ("What was the sex of Bola?", [])
        # The same name as Amira's, but not her answer.
        chen.get("/survey/q/about-sex")
        assert _question_text_and_choice(chen) == ("What was the sex of Amira?", [])


def test_a_page_with_an_error_shows_this_carers_own_error(app: Flask) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    carer = _carer_on_about_sex(app.test_client(), "Amira", None)
    carer.submit({"about.sex": "not-an-option"}, expect=400)
    assert carer.error_messages()
    carer.get("/survey/q/about-sex")
    assert not carer.error_messages()


def test_the_kept_markup_is_used_in_tests_as_in_production(app: Flask) -> None:
    # With templates reloading (debug) nothing is kept; the tests above must exercise reuse.
    assert not app.jinja_env.auto_reload


def test_kept_markup_is_bounded_and_kept_apart_per_catalogue(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(question_markup, "MAX_QUESTION_FRAGMENTS", 2)
    markup = QuestionMarkup(app.jinja_env)

    def question(name: str) -> QuestionView:
        return QuestionView(
            item_id="about.sex",
            type="single",
            text=f"What was the sex of {name}?",
            hint=None,
            options=(OptionView("female", "Female", False, True),),
        )

    def rendered(translations: Translations, name: str) -> str:
        context = app.jinja_env.from_string("").new_context(
            {TEMPLATE_TRANSLATIONS_KEY: translations, "page_language": None}
        )
        return str(markup.render(context, (question(name),), "about.sex"))

    with app.test_request_context():
        # A translator's save makes a new catalogue object: it never gets the old one's markup.
        before, after = Translations(), Translations()
        assert "Amira" in rendered(before, "Amira")
        assert "Amira" in rendered(after, "Amira")
        assert len(markup._fragments) == 2
        assert "Bola" in rendered(after, "Bola")
        assert len(markup._fragments) == 2  # the oldest went
        assert "Amira" in rendered(before, "Amira")
