"""No hidden English: every page type, shown in the pseudo-locale, has only transformed text.

The pseudo-locale (en_XA) turns every catalogue text into accented, bracketed text, so any
plain English letter left on a page came from somewhere that skips the catalogues. User data
(names, the area, configured contacts, codes) and language names in the switcher are allowed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from bs4 import BeautifulSoup, NavigableString
from flask import Flask
from flask.testing import FlaskClient

from app.i18n.catalogues import forget_loaded_catalogues
from app.i18n.extraction import extract_template, render_po, template_path
from app.i18n.questionnaire_extractor import extract_questionnaire
from config import PROJECT_ROOT
from tests.page_checks import SurveyWalker, parse_page

FIXTURE = PROJECT_ROOT / "tests" / "questionnaire" / "fixtures" / "all-types"
LATIN_LETTER = re.compile(r"[A-Za-z]")
PERSON = "Amira"
AREA_NAME = "North Riverside ICB"


@pytest.fixture
def pseudo_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The app serving a template that also holds the all-types fixture's texts."""
    questionnaires = tmp_path / "questionnaires"
    shutil.copytree(PROJECT_ROOT / "questionnaires", questionnaires)
    shutil.copytree(FIXTURE, questionnaires / "all-types")
    catalog: Catalog = extract_template(PROJECT_ROOT)
    with (FIXTURE / "v1.yaml").open("rb") as handle:
        for line, _keyword, (context, text), comments in extract_questionnaire(handle, [], [], {}):
            catalog.add(
                text, locations=[("all-types", line)], auto_comments=comments, context=context
            )
    translations = tmp_path / "translations"
    translations.mkdir()
    template_path(translations).write_text(render_po(catalog), encoding="utf-8")
    app.config["TRANSLATIONS_DIR"] = str(translations)
    app.config["QUESTIONNAIRES_DIR"] = str(questionnaires)
    forget_loaded_catalogues()
    yield app
    forget_loaded_catalogues()


def allowed_data(app: Flask) -> list[str]:
    config = app.config
    values = [
        PERSON,
        AREA_NAME,
        str(config["SURVEY_ORGANISATION"]),
        str(config["SUPPORT_NAME"]),
        str(config["SUPPORT_PHONE"]),
        str(config["SUPPORT_URL"]).removeprefix("https://"),
        str(config["SURVEY_CONTACT_EMAIL"]),
        "4KD7M-2QX9P",  # the example code in hints
        "ico.org.uk",
    ]
    return sorted(values, key=len, reverse=True)


def untransformed_text(
    soup: BeautifulSoup, data: list[str], data_selectors: tuple[str, ...] = ()
) -> list[str]:
    """Every visible text (and accessible name) still holding a plain Latin letter."""
    # The organisation's own statements (app/main/notices.py) are its data, not our interface.
    skipped = (
        "script",
        "style",
        "nav.cv-language-switcher",
        ".cv-resume-code",
        ".cv-deployment-notice",
        *data_selectors,
    )
    for hidden in soup.select(", ".join(skipped)):
        hidden.decompose()
    pieces: list[str] = []
    for node in soup.find_all(string=True):
        if type(node) is not NavigableString:  # comments, the doctype: not shown
            continue
        if node.parent is not None and node.parent.name in ("code",):
            continue
        pieces.append(str(node))
    for tag in soup.find_all(attrs={"aria-label": True}):
        pieces.append(str(tag["aria-label"]))
    for tag in soup.find_all(attrs={"alt": True}):
        pieces.append(str(tag["alt"]))
    problems = []
    for piece in pieces:
        remainder = piece
        for value in data:
            remainder = remainder.replace(value, "")
        if LATIN_LETTER.search(remainder):
            problems.append(piece.strip())
    return problems


class PseudoWalker(SurveyWalker):
    """A survey walker that checks every page it lands on for untransformed text."""

    checked: list[str]
    data: list[str]
    data_selectors: tuple[str, ...] = ()

    def _take(self, response):  # type: ignore[no-untyped-def]
        soup = super()._take(response)
        assert soup.html["lang"] == "en-XA", self.visited[-8:]  # type: ignore[index]
        copy = BeautifulSoup(str(soup), "html.parser")
        english = untransformed_text(copy, self.data, self.data_selectors)
        assert not english, (self.path, english)
        self.checked.append(self.path)
        return soup


def pseudo_walker(app: Flask, client: FlaskClient) -> PseudoWalker:
    walker = PseudoWalker(client)
    walker.checked = []
    walker.data = allowed_data(app)
    return walker


@pytest.fixture
def area_name(app: Flask, area: str) -> str:
    return area


def test_every_core_survey_page_is_fully_translated(
    pseudo_app: Flask, client: FlaskClient, area_name: str
) -> None:
    walker = pseudo_walker(pseudo_app, client)
    walker.get(f"/a/{area_name}?lang=en_XA")  # welcome
    walker.submit()  # start
    walker.submit({}, expect=400)  # consent with no choice: the error
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": "x" * 61}, expect=400)  # the name is too long
    walker.submit({"person_name": PERSON})
    seen_types: set[str] = set()
    while walker.page_id is not None:
        soup = walker.soup
        assert soup is not None
        for field in soup.select("main .nhsuk-radios, main .nhsuk-checkboxes, main textarea"):
            seen_types.add(field.name if field.name == "textarea" else field["class"][0])
        walker.submit()
    assert walker.path == "/survey/check"
    assert {"nhsuk-radios", "textarea"} <= seen_types
    walker.get("/survey/q/about-relationship?return_to=check")
    walker.submit({"about.relationship": "spouse_partner", "action": "save_and_exit"})
    assert walker.path == "/survey/saved"
    walker.get("/resume")
    walker.submit({"resume_code": "WRONG-CODE1"}, expect=400)
    walker.get("/survey/check")
    walker.submit()  # send
    assert walker.path == "/survey/thank-you"
    walker.get("/withdraw")
    walker.submit({"code": "WRONG-CODE1"}, expect=400)
    walker.get("/withdraw/confirm")
    walker.submit()
    assert walker.path == "/withdraw/done"


def test_every_question_type_and_its_errors_are_fully_translated(
    pseudo_app: Flask, client: FlaskClient, area_name: str
) -> None:
    pseudo_app.config["DEFAULT_QUESTIONNAIRE"] = "all-types"
    walker = pseudo_walker(pseudo_app, client)
    walker.get(f"/a/{area_name}?lang=en_XA")
    walker.submit()
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": PERSON})
    walker.get("/survey/q/info")  # information text only
    walker.submit()
    assert walker.page_id == "choices"
    walker.submit({"types.single": "maybe"}, expect=400)
    walker.submit({"types.single": "na", "types.multiple": ["gp", "nurse"]})
    assert walker.page_id == "open"
    walker.submit(
        {
            "types.text": "ẋ" * 21,
            "types.number": "121",
            "types.hours": "0.1",
            "types.died-month": "13",
            "types.died-year": "2024",
        },
        expect=400,
    )
    blank = {"types.text": "", "types.hours": "", "types.died-month": "", "types.died-year": ""}
    walker.submit({**blank, "types.number": "1.5"}, expect=400)
    walker.submit({"types.number": "3", "types.died-month": "3", "types.died-year": "2024"})
    assert walker.path == "/survey/check"


def test_not_now_public_and_error_pages_are_fully_translated(
    pseudo_app: Flask, client: FlaskClient, area_name: str
) -> None:
    walker = pseudo_walker(pseudo_app, client)
    walker.get("/?lang=en_XA")
    for url in ("/support", "/privacy", "/accessibility", "/contact", "/login", "/resume"):
        walker.get(url)
    walker.get("/s/not-a-real-link", expect=404)
    walker.get("/survey/q/nowhere")  # no survey here: sent kindly to the resume page
    walker.get(f"/a/{area_name}")
    walker.submit()
    walker.submit({"consent": "no"})  # not now
    assert walker.path == "/survey/consent"
    response = client.post("/resume", data={"resume_code": "x"})  # no CSRF token: 400
    assert response.status_code == 400
    walker._take(response)
    response = client.post("/resume", data={"resume_code": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    walker._take(response)
    walker.get("/resume")
    for _attempt in range(10):
        walker.submit({"resume_code": "WRONG-CODE1"}, expect=400)
    walker.submit({"resume_code": "WRONG-CODE1"}, expect=429)  # too many tries
    assert len(walker.checked) >= 20
    assert parse_page(client.get("/")).html["lang"] == "en-XA"


def test_staff_pages_are_fully_translated(pseudo_app: Flask, client: FlaskClient) -> None:
    from tests.auth.staff_helpers import make_places, make_staff, sign_in

    make_places(pseudo_app)
    admin = make_staff(pseudo_app)["admin"]
    walker = pseudo_walker(pseudo_app, client)
    walker.data = [*walker.data, *STAFF_DATA]
    walker.get("/login?lang=en_XA")
    sign_in(client, admin)
    for url in (
        "/staff",
        "/admin/users",
        "/admin/users/invite",
        "/areas/north-riverside/invitations",
    ):
        walker.get(url)
    walker.get("/admin/users/invite")
    walker.submit({"email": "not-an-email", "role": "translator", "language": ""}, expect=400)
    walker.data_selectors = ("td.nhsuk-table__cell",)  # audit records: event codes are data
    walker.get("/admin/audit")


# Staff pages show people's emails, area names and audit records (event names are data).
STAFF_DATA = [
    "ada.admin@example.nhs.uk",
    "cora.commissioner@example.nhs.uk",
    "ari.analyst@example.nhs.uk",
    "fay.facilitator@example.org",
    "tomos.translator@example.org",
    "North Riverside ICB",
    "South Vale ICB",
    "Polish centre",
    "UTC",
    "Cymraeg",  # a translator's language, by its own name
    "Vale carers circle",
    " cy ",  # the language code given as an example
]
