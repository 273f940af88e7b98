"""A carer switches language part-way: every answer stays, stored as the same option codes."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Response
from tests.i18n.conftest import write_catalogue
from tests.page_checks import SurveyWalker
from tests.survey.test_journey import answers_in, start_open_link, walk_to_check_page

POLISH = {
    ("voices-core:about.relationship:text", "How were you related to {person}?"): (
        "Kim była dla Ciebie {person}?"
    ),
    ("voices-core:about.relationship:option:child", "Their son or daughter"): "Syn lub córka",
    (None, "Save and continue"): "Zapisz i kontynuuj",
    (None, "Change"): "Zmień",
}


def test_switching_to_polish_keeps_every_answer_and_shows_polish(
    app: Flask, client: FlaskClient, area: str, translations_dir: Path
) -> None:
    write_catalogue(translations_dir, "pl", POLISH)
    walker = start_open_link(client)
    assert walker.page_id == "about-relationship"
    walker.submit({"about.relationship": "child"})
    walker.submit()  # about-age, left blank
    english_so_far = answers_in(app)

    soup = walker.get("/survey/q/about-relationship?lang=pl")
    assert soup.html["lang"] == "pl"
    assert soup.h1.get_text(" ", strip=True) == "Kim była dla Ciebie Amira?"
    chosen = soup.select_one('input[name="about.relationship"][checked]')
    assert chosen is not None and chosen["value"] == "child"
    label = soup.select_one(f'label[for="{chosen["id"]}"]')
    assert label is not None and label.get_text(strip=True) == "Syn lub córka"
    assert answers_in(app) == english_so_far

    walker.submit()
    walk_to_check_page(walker)
    check = walker.soup
    assert check is not None and check.html["lang"] == "pl"
    assert "Zmień" in check.get_text(" ")
    assert "Syn lub córka" in check.get_text(" ")
    with app.app_context():
        assert db.session.scalars(select(Response.language)).one() == "pl"
    assert answers_in(app)["about.relationship"] == "child"  # the code, whatever the language


def test_switching_back_to_english_shows_english_again(
    app: Flask, client: FlaskClient, area: str, translations_dir: Path
) -> None:
    write_catalogue(translations_dir, "pl", POLISH)
    walker: SurveyWalker = start_open_link(client)
    walker.get("/survey/q/about-relationship?lang=pl")
    soup = walker.get("/survey/q/about-relationship?lang=en")
    assert soup.html["lang"] == "en"
    assert soup.h1.get_text(" ", strip=True) == "How were you related to Amira?"
