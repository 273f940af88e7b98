"""The header and footer are rendered once per language, yet always say what the catalogue says."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.i18n.po_files import CatalogueFiles
from app.services import translations
from app.services.audit import Actor
from app.services.translation_store import entry_key
from tests.i18n.conftest import write_catalogue
from tests.i18n.test_serving_translations import NOTE, every_text_translated
from tests.page_checks import parse_page

OLA = Actor(7, "ola@example.org")
SKIP_LINK = (None, "Skip to main content")
SUPPORT_HEADING = (None, "If you need someone to talk to")


def chrome_texts(client: FlaskClient, path: str) -> tuple[str, str]:
    """(the skip link, the support box heading): one from the header, one from the footer."""
    soup = parse_page(client.get(path))
    skip = soup.select_one("a.nhsuk-skip-link")
    support = soup.select_one("#support-heading")
    assert skip is not None and support is not None
    return skip.get_text(strip=True), support.get_text(strip=True)


def test_a_translators_save_reaches_the_header_and_footer_on_the_next_page(
    app: Flask, client: FlaskClient, translations_dir: Path
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    files = CatalogueFiles(translations_dir)
    assert chrome_texts(client, "/?lang=pl") == (
        "Skip to main content",
        "If you need someone to talk to",
    )
    assert chrome_texts(client, "/support") == (
        "Skip to main content",
        "If you need someone to talk to",
    )

    with app.app_context():
        translations.edit_entry(
            db.session(), files, "pl", entry_key("", "Skip to main content"), ["Przejdź dalej"], OLA
        )
    assert chrome_texts(client, "/support")[0] == "Przejdź dalej"

    with app.app_context():
        translations.edit_entry(
            db.session(),
            files,
            "pl",
            entry_key("", "If you need someone to talk to"),
            ["Jeśli chcesz z kimś porozmawiać"],
            OLA,
        )
    assert chrome_texts(client, "/support") == ("Przejdź dalej", "Jeśli chcesz z kimś porozmawiać")
    # English pages keep their own chrome all along.
    assert chrome_texts(client, "/support?lang=en") == (
        "Skip to main content",
        "If you need someone to talk to",
    )


def test_each_language_keeps_its_own_chrome(client: FlaskClient, translations_dir: Path) -> None:
    write_catalogue(translations_dir, "pl", {SKIP_LINK: "PL skip"}, approved=True)
    write_catalogue(translations_dir, "cy", {SKIP_LINK: "CY skip"}, approved=True)
    for _ in range(2):
        assert chrome_texts(client, "/?lang=pl")[0] == "PL skip"
        assert chrome_texts(client, "/?lang=cy")[0] == "CY skip"
        assert chrome_texts(client, "/?lang=en")[0] == "Skip to main content"


def test_english_in_the_chrome_is_noted_on_every_page_not_only_the_first(
    client: FlaskClient, translations_dir: Path
) -> None:
    # Everything translated except one text of the footer.
    texts = every_text_translated(translations_dir, "PL ")
    del texts[SUPPORT_HEADING]
    write_catalogue(translations_dir, "pl", texts, approved=True)
    for path in ("/?lang=pl", "/", "/support", "/"):
        soup = parse_page(client.get(path))
        assert soup.select_one(NOTE) is not None, path
        heading = soup.select_one("#support-heading")
        assert heading is not None and heading.get_text(strip=True) == SUPPORT_HEADING[1]


def test_fully_translated_chrome_adds_no_note(client: FlaskClient, translations_dir: Path) -> None:
    write_catalogue(
        translations_dir, "pl", every_text_translated(translations_dir, "PL "), approved=True
    )
    for path in ("/?lang=pl", "/", "/support"):
        soup = parse_page(client.get(path))
        assert soup.select_one(NOTE) is None, path
        skip = soup.select_one("a.nhsuk-skip-link")
        assert skip is not None and skip.get_text(strip=True) == "PL Skip to main content"


def test_the_chrome_links_follow_where_the_app_is_mounted(client: FlaskClient) -> None:
    def stylesheet_links(**environ: str) -> list[str]:
        soup = parse_page(client.get("/", environ_overrides=environ or None))
        return [str(link["href"]) for link in soup.select("head link[rel=stylesheet]")]

    at_root = stylesheet_links()
    mounted = stylesheet_links(SCRIPT_NAME="/voices")
    assert at_root and all(href.startswith("/static/") for href in at_root)
    assert mounted == ["/voices" + href for href in at_root]
    assert stylesheet_links() == at_root  # the mounted fragment is not served at the root
