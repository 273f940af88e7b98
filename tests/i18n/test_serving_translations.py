"""What respondents see: approved always, drafts only where allowed, English (with a note) else."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.i18n.catalogues import translations_for
from tests.i18n.conftest import template, write_catalogue
from tests.page_checks import parse_page

NOTE = ".cv-english-note"
HOME_HEADING = (None, "Carer Voices")


def every_text_translated(directory: Path, prefix: str) -> dict[tuple[str | None, str], str]:
    translated: dict[tuple[str | None, str], str] = {}
    for message in template(directory):
        if message.id and isinstance(message.id, str):
            translated[(message.context, message.id)] = prefix + message.id
    return translated


def test_an_english_page_never_carries_the_note(client: FlaskClient) -> None:
    soup = parse_page(client.get("/"))
    assert soup.select_one(NOTE) is None


def test_a_page_with_missing_translations_says_so_in_english_until_the_note_is_translated(
    client: FlaskClient, translations_dir: Path
) -> None:
    soup = parse_page(client.get("/?lang=pl"))
    note = soup.select_one(NOTE)
    assert note is not None and note["lang"] == "en"
    assert "Some of this page is shown in English" in note.get_text()


def test_the_note_is_in_the_carers_language_when_translated(
    client: FlaskClient, translations_dir: Path
) -> None:
    write_catalogue(
        translations_dir,
        "cy",
        {
            (None, "Some of this page is shown in English. We are still translating it."): (
                "Mae rhywfaint o'r dudalen hon yn Saesneg. Rydym yn dal i'w chyfieithu."
            )
        },
    )
    soup = parse_page(client.get("/?lang=cy"))
    note = soup.select_one(NOTE)
    assert note is not None and note["lang"] == "cy"
    assert "Mae rhywfaint" in note.get_text()


def test_a_fully_translated_page_has_no_note(client: FlaskClient, translations_dir: Path) -> None:
    write_catalogue(translations_dir, "pl", every_text_translated(translations_dir, "PL "))
    soup = parse_page(client.get("/?lang=pl"))
    assert soup.select_one(NOTE) is None
    assert soup.h1.get_text(strip=True) == "PL Carer Voices"


def test_drafts_are_shown_only_where_the_deployment_allows(
    app: Flask, client: FlaskClient, translations_dir: Path
) -> None:
    write_catalogue(translations_dir, "pl", every_text_translated(translations_dir, "PL "))
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
    soup = parse_page(client.get("/?lang=pl"))
    assert soup.h1.get_text(strip=True) == "Carer Voices"
    assert soup.select_one(NOTE) is not None
    write_catalogue(
        translations_dir,
        "pl",
        every_text_translated(translations_dir, "PL "),
        approved=True,
    )
    soup = parse_page(client.get("/?lang=pl"))
    assert soup.h1.get_text(strip=True) == "PL Carer Voices"
    assert soup.select_one(NOTE) is None


def test_outdated_translations_are_never_shown(client: FlaskClient, translations_dir: Path) -> None:
    translated = every_text_translated(translations_dir, "PL ")
    write_catalogue(
        translations_dir, "pl", translated, approved=True, fuzzy=frozenset({HOME_HEADING})
    )
    soup = parse_page(client.get("/?lang=pl"))
    assert soup.h1.get_text(strip=True) == "Carer Voices"
    assert soup.select_one(NOTE) is not None


def test_a_changed_catalogue_is_served_without_a_restart(
    app: Flask, translations_dir: Path
) -> None:
    with app.app_context():
        write_catalogue(translations_dir, "pl", {HOME_HEADING: "Głosy opiekunów"})
        assert translations_for("pl").gettext("Carer Voices") == "Głosy opiekunów"
        write_catalogue(translations_dir, "pl", {HOME_HEADING: "Głosy Opiekunów"})
        assert translations_for("pl").gettext("Carer Voices") == "Głosy Opiekunów"


def test_plural_forms_follow_each_language(app: Flask, translations_dir: Path) -> None:
    from babel.messages.catalog import Catalog, Message

    from app.i18n.catalogues import forget_loaded_catalogues
    from app.i18n.extraction import po_path, render_po

    catalog = Catalog(locale="pl")
    single, plural = "It takes about %(num)s minute.", "It takes about %(num)s minutes."
    catalog[(single, plural)] = Message(
        (single, plural),
        ("Zajmie to %(num)s minutę.", "Zajmie to %(num)s minuty.", "Zajmie to %(num)s minut."),
    )
    path = po_path(translations_dir, "pl")
    path.parent.mkdir(parents=True)
    path.write_text(render_po(catalog), encoding="utf-8")
    forget_loaded_catalogues()
    with app.app_context():
        polish = translations_for("pl")
        # Polish has three forms: 1 minutę, 22 minuty, 20 minut.
        assert polish.ngettext(single, plural, 1) == "Zajmie to %(num)s minutę."
        assert polish.ngettext(single, plural, 22) == "Zajmie to %(num)s minuty."
        assert polish.ngettext(single, plural, 20) == "Zajmie to %(num)s minut."
