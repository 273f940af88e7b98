"""The translator's pages: one language each, review and edit, approve, .po download and upload."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services.translation_store import entry_key
from tests.auth.staff_helpers import Staff, add_staff, csrf_token, sign_in
from tests.i18n.catalogue_fixtures import QUESTION_CONTEXT, po_file, write_catalogues
from tests.page_checks import parse_page

QUESTION = "How well was {person} looked after in the last two days?"
CONTINUE = entry_key("", "Continue")
HELLO = entry_key("", "Hello %(name)s")


@pytest.fixture
def catalogues(app: Flask, tmp_path: Path) -> Path:
    root = write_catalogues(tmp_path / "translations")
    app.config["TRANSLATIONS_DIR"] = str(root)
    return root


@pytest.fixture
def polish_translator(app: Flask, catalogues: Path) -> Staff:
    return add_staff(app, "translator", "ola.translator@example.org", language="pl")


@pytest.fixture
def ola(client: FlaskClient, polish_translator: Staff) -> FlaskClient:
    sign_in(client, polish_translator)
    return client


def audit_actions(app: Flask) -> list[tuple[str, str | None]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.language) for e in events if e.action.startswith("translation.")]


def test_a_polish_translator_sees_the_polish_strings_with_their_states(ola: FlaskClient) -> None:
    response = ola.get("/translate/pl")
    assert response.status_code == 200
    page = parse_page(response)
    cards = page.select("[data-entry]")
    assert len(cards) == 5
    states = sorted(tag["data-state"] for tag in page.select("[data-state]"))
    assert states == ["approved", "draft", "draft", "missing", "outdated"]
    translated = page.select("[data-translation]")
    assert all(tag["lang"] == "pl" and tag["dir"] == "ltr" for tag in translated)
    assert page.select_one("a[href='/translate/pl/messages.po']")


def test_an_outdated_string_shows_the_old_and_the_new_english_side_by_side(
    ola: FlaskClient,
) -> None:
    page = parse_page(ola.get("/translate/pl?state=outdated"))
    change = page.select_one("[data-source-change]")
    assert change is not None
    assert change.select_one("[data-old-source]").get_text(strip=True) == (
        "How well was {person} cared for in the last two days?"
    )
    assert change.select_one("[data-new-source]").get_text(strip=True) == QUESTION


def test_filters_and_search_narrow_the_list(ola: FlaskClient) -> None:
    drafts = parse_page(ola.get("/translate/pl?state=draft"))
    assert len(drafts.select("[data-entry]")) == 2
    sms = parse_page(ola.get("/translate/pl?kind=sms"))
    assert [t.get_text(strip=True) for t in sms.select("[data-source]")] == [
        "Reply STOP to stop these texts."
    ]
    found = parse_page(ola.get("/translate/pl?q=witaj"))
    assert len(found.select("[data-entry]")) == 1
    nonsense = parse_page(ola.get("/translate/pl?state=bogus&kind=bogus"))
    assert len(nonsense.select("[data-entry]")) == 5


def test_a_translator_for_polish_gets_404_for_every_other_language(ola: FlaskClient) -> None:
    for path in (
        "/translate/ur",
        "/translate/cy",
        "/translate/en",
        "/translate/xx",
        f"/translate/ur/strings/{CONTINUE}",
        "/translate/ur/messages.po",
        "/translate/ur/upload",
    ):
        assert ola.get(path).status_code == 404, path
    token = csrf_token(ola, "/translate/pl")
    response = ola.post(f"/translate/ur/strings/{CONTINUE}/approve", data={"csrf_token": token})
    assert response.status_code == 404


def test_the_translator_home_goes_straight_to_their_language(ola: FlaskClient) -> None:
    response = ola.get("/translate")
    assert response.status_code == 302 and response.headers["Location"] == "/translate/pl"


def test_other_roles_and_visitors_cannot_reach_translations(
    app: Flask, client: FlaskClient, catalogues: Path
) -> None:
    assert client.get("/translate/pl").status_code == 302  # to sign in
    analyst_area = "north-riverside"
    from tests.auth.staff_helpers import make_places

    make_places(app)
    analyst = add_staff(app, "analyst", "ari@example.nhs.uk", area=analyst_area)
    sign_in(client, analyst)
    assert client.get("/translate/pl").status_code == 403


def test_an_admin_can_open_every_language_and_urdu_is_written_right_to_left(
    app: Flask, client: FlaskClient, catalogues: Path
) -> None:
    sign_in(client, add_staff(app, "admin", "ada@example.nhs.uk"))
    overview = parse_page(client.get("/translate"))
    assert len(overview.select("tbody tr")) == 13
    page = parse_page(client.get(f"/translate/ur/strings/{CONTINUE}"))
    textarea = page.select_one("textarea#form_0")
    assert textarea["lang"] == "ur" and textarea["dir"] == "rtl"
    chinese = parse_page(client.get(f"/translate/zh_Hans/strings/{CONTINUE}"))
    assert chinese.select_one("textarea#form_0")["lang"] == "zh-Hans"


def test_editing_saves_a_draft_and_approving_makes_it_approved(
    app: Flask, ola: FlaskClient
) -> None:
    path = f"/translate/pl/strings/{HELLO}"
    form = parse_page(ola.get(path))
    token = form.select_one("main form input[name=csrf_token]")["value"]
    response = ola.post(path, data={"csrf_token": token, "form_0": "Dzień dobry %(name)s"})
    assert response.status_code == 302
    page = parse_page(ola.get(path))
    assert page.select_one("[data-state]")["data-state"] == "draft"
    assert page.select_one("textarea#form_0").get_text() == "Dzień dobry %(name)s"
    ola.post(f"{path}/approve", data={"csrf_token": token})
    page = parse_page(ola.get(path))
    assert page.select_one("[data-state]")["data-state"] == "approved"
    assert "Approved by ola.translator@example.org" in page.get_text()
    assert audit_actions(app) == [("translation.edit", "pl"), ("translation.approve", "pl")]


def test_a_placeholder_mismatch_is_explained_and_nothing_is_saved(
    app: Flask, ola: FlaskClient
) -> None:
    path = f"/translate/pl/strings/{HELLO}"
    token = csrf_token(ola, path)
    response = ola.post(path, data={"csrf_token": token, "form_0": "Dzień dobry"})
    assert response.status_code == 400
    page = parse_page(response)
    summary = page.select_one(".nhsuk-error-summary").get_text(" ", strip=True)
    assert "%(name)" in summary and "leaves out" in summary
    assert page.title.get_text().startswith("Error:")
    assert audit_actions(app) == []


def test_approving_an_outdated_string_is_refused_kindly(ola: FlaskClient) -> None:
    key = entry_key(QUESTION_CONTEXT, QUESTION)
    token = csrf_token(ola, f"/translate/pl/strings/{key}")
    response = ola.post(
        f"/translate/pl/strings/{key}/approve", data={"csrf_token": token}, follow_redirects=True
    )
    page = parse_page(response)
    assert "The English changed since this was translated" in page.get_text()
    assert page.select_one("[data-state]")["data-state"] == "outdated"


def test_a_post_without_csrf_is_refused(ola: FlaskClient) -> None:
    response = ola.post(f"/translate/pl/strings/{HELLO}", data={"form_0": "Hej %(name)s"})
    assert response.status_code == 400


def test_download_is_the_merged_catalogue_and_is_audited(app: Flask, ola: FlaskClient) -> None:
    response = ola.get("/translate/pl/messages.po")
    assert response.status_code == 200
    assert 'filename="messages-pl.po"' in response.headers["Content-Disposition"]
    assert b'msgstr "Dalej"' in response.data
    assert audit_actions(app) == [("translation.export_po", "pl")]


def upload(client: FlaskClient, data: bytes, *, approved: bool = False) -> object:
    token = csrf_token(client, "/translate/pl/upload")
    form: dict[str, object] = {
        "csrf_token": token,
        "po_file": (BytesIO(data), "messages.po"),
    }
    if approved:
        form["mark_approved"] = "yes"
    return client.post("/translate/pl/upload", data=form, content_type="multipart/form-data")


def test_an_upload_reports_what_was_imported_and_why_others_were_not(
    app: Flask, ola: FlaskClient
) -> None:
    data = po_file(
        "pl",
        'msgctxt "sms:welcome"\nmsgid "Reply STOP to stop these texts."\nmsgstr "Wyślij STOP."\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Cześć {imie}"\n\n'
        'msgid "Gone from the English"\nmsgstr "Nie ma"\n',
    )
    response = upload(ola, data, approved=True)
    assert response.status_code == 200
    page = parse_page(response)
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
        for row in page.select(".nhsuk-summary-list__row")
    }
    assert rows["Strings imported"] == "1"
    rejected = page.select_one("[data-rejected]").get_text(" ", strip=True)
    assert "Hello %(name)s" in rejected and "{imie}" in rejected
    assert "Gone from the English" in page.select_one("[data-not-in-source]").get_text()
    listing = parse_page(ola.get("/translate/pl?kind=sms"))
    assert listing.select_one("[data-state]")["data-state"] == "approved"
    actions = audit_actions(app)
    assert ("translation.import_po", "pl") in actions


def test_an_upload_for_the_wrong_language_changes_nothing(app: Flask, ola: FlaskClient) -> None:
    before = ola.get("/translate/pl/messages.po").data
    response = upload(ola, po_file("ur", 'msgid "Continue"\nmsgstr "جاری رکھیں"\n'))
    assert response.status_code == 400
    page = parse_page(response)
    assert "The file is for the language ur" in page.select_one(".nhsuk-error-summary").get_text()
    assert ola.get("/translate/pl/messages.po").data == before
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "translation.import_po")
        ).one()
        assert '"refused": "wrong_language"' in refused.detail


def test_an_unreadable_upload_is_explained(ola: FlaskClient) -> None:
    response = upload(ola, b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert response.status_code == 400
    assert "could not be read" in parse_page(response).get_text()


def test_an_oversized_upload_is_refused_before_parsing(app: Flask, ola: FlaskClient) -> None:
    app.config["TRANSLATION_UPLOAD_MAX_BYTES"] = 2048
    response = upload(ola, po_file("pl", "# padding\n" * 2000))
    assert response.status_code == 413
    assert [a for a, _ in audit_actions(app) if a == "translation.import_po"] == []


def test_an_upload_with_no_file_asks_for_one(ola: FlaskClient) -> None:
    token = csrf_token(ola, "/translate/pl/upload")
    response = ola.post(
        "/translate/pl/upload", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a .po file" in parse_page(response).get_text()


def test_every_translator_page_keeps_the_page_conventions(ola: FlaskClient) -> None:
    for path in (
        "/translate/pl",
        f"/translate/pl/strings/{CONTINUE}",
        f"/translate/pl/strings/{entry_key('', '%(num)d day')}",
        "/translate/pl/upload",
    ):
        page: BeautifulSoup = parse_page(ola.get(path))
        assert page.h1 is not None, path
    plural = parse_page(ola.get(f"/translate/pl/strings/{entry_key('', '%(num)d day')}"))
    assert len(plural.select("textarea")) == 3, "Polish has three plural forms"
    hint = plural.select_one("#form_0-hint").get_text(strip=True)
    assert hint.endswith(": %(num)d")


def test_the_staff_home_links_a_translator_to_the_translations(ola: FlaskClient) -> None:
    page = parse_page(ola.get("/staff"))
    assert page.select_one("a[href='/translate']") is not None


def test_a_chinese_translator_reaches_simplified_chinese(
    app: Flask, client: FlaskClient, catalogues: Path
) -> None:
    sign_in(client, add_staff(app, "translator", "li@example.org", language="zh_Hans"))
    response = client.get("/translate")
    assert response.headers["Location"] == "/translate/zh_Hans"
    page = parse_page(client.get(f"/translate/zh_Hans/strings/{CONTINUE}"))
    assert page.select_one("textarea#form_0")["lang"] == "zh-Hans"
    assert client.get("/translate/pl").status_code == 404
