"""Local questions go through the same translation states as the core: translate, approve, serve."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.i18n.po_files import CatalogueFiles
from app.i18n.states import TranslationState
from app.models import Response
from app.services import translations
from app.services.audit import Actor
from app.services.codesign_publishing import local_strings_to_translate
from tests.auth.staff_helpers import make_places
from tests.codesign.local_question_steps import LANGUAGE_QUESTION, approve_question
from tests.codesign.test_versions_on_the_web import publish_one_question, start_with_consent
from tests.page_checks import parse_page

OLA = Actor(7, "ola@example.org")
QUESTION = LANGUAGE_QUESTION.text
POLISH = "W jakim języku szpital powinien był z Państwem rozmawiać?"


def local_entry(app: Flask, language: str = "pl") -> translations.EntryView:
    with app.app_context():
        files = CatalogueFiles(Path(app.config["TRANSLATIONS_DIR"]))
        [entry] = [
            entry
            for entry in translations.list_entries(db.session(), files, language)
            if entry.record.source == QUESTION
        ]
        return entry


def translate_and_approve(app: Flask, text: str) -> None:
    with app.app_context():
        files = CatalogueFiles(Path(app.config["TRANSLATIONS_DIR"]))
        key = local_entry(app).key
        translations.edit_entry(db.session(), files, "pl", key, [text], OLA)
        translations.approve_entry(db.session(), files, "pl", key, OLA)


def polish_carer(app: Flask) -> FlaskClient:
    carer = start_with_consent(app)
    carer.get("/survey/q/about-relationship?lang=pl")
    return carer


def test_a_published_local_question_is_translated_approved_and_served(app: Flask) -> None:
    make_places(app)
    local_page = publish_one_question(app)
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False

    entry = local_entry(app)
    assert entry.record.state is TranslationState.MISSING
    assert entry.record.context.startswith("voices-core-north-riverside:")
    carer = polish_carer(app)
    assert QUESTION in parse_page(carer.get(f"/survey/q/{local_page}")).get_text()

    translate_and_approve(app, POLISH)
    page = parse_page(carer.get(f"/survey/q/{local_page}"))
    assert POLISH in page.get_text() and QUESTION not in page.get_text()
    # The core around it is still served from the core's catalogue under the area's version.
    with app.app_context():
        assert {r.questionnaire_id for r in db.session.scalars(select(Response))} == {
            "voices-core-north-riverside"
        }


def test_the_local_strings_are_those_of_each_areas_latest_version(app: Flask) -> None:
    make_places(app)
    publish_one_question(app)
    with app.app_context():
        strings = dict(local_strings_to_translate(db.session()))
    own = {context for context in strings if context.startswith("voices-core-north-riverside:")}
    assert own == set(strings) and QUESTION in strings.values()
    assert {"English", "Polish", "Both"} <= set(strings.values())


def approve_without_publishing(app: Flask) -> None:
    """A facilitator proposes and the commissioner approves a question, not yet published."""
    with app.app_context():
        approve_question(db.session(), "north-riverside", LANGUAGE_QUESTION, "polish-community")


def test_a_translator_can_finish_before_the_commissioner_publishes(app: Flask) -> None:
    """The issue's order: approve, translate and approve the translation, then publish."""
    make_places(app)
    approve_without_publishing(app)
    assert local_entry(app).record.state is TranslationState.MISSING
    translate_and_approve(app, POLISH)
    assert local_entry(app).record.state is TranslationState.APPROVED
    with app.app_context():
        from app.services.codesign_publishing import local_strings_to_translate as strings

        assert (local_entry(app).record.context, QUESTION) in strings(db.session())
