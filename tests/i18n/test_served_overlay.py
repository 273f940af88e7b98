"""A translation approved in the app is what carers see, with no file change and no restart."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.i18n.po_files import CatalogueFiles
from app.services import translations
from app.services.audit import Actor
from app.services.translation_store import entry_key
from tests.page_checks import parse_page

OLA = Actor(7, "ola@example.org")


def in_app(app: Flask, files: CatalogueFiles, text: str, *, approve: bool = False) -> None:
    """A translator's edit (and approval) through the service, in its own app context."""
    home = entry_key("", "Carer Voices")
    with app.app_context():
        translations.edit_entry(db.session(), files, "pl", home, [text], OLA)
        if approve:
            translations.approve_entry(db.session(), files, "pl", home, OLA)


def heading(client: FlaskClient) -> str:
    soup = parse_page(client.get("/?lang=pl"))
    assert soup.h1 is not None
    return soup.h1.get_text(strip=True)


def test_an_approval_in_the_app_reaches_the_carers_page(
    app: Flask, client: FlaskClient, translations_dir: Path
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
    files = CatalogueFiles(translations_dir)
    assert heading(client) == "Carer Voices"

    in_app(app, files, "Głosy opiekunów")
    assert heading(client) == "Carer Voices"  # a draft, and drafts are not served here

    in_app(app, files, "Głosy opiekunów", approve=True)
    assert heading(client) == "Głosy opiekunów"

    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    in_app(app, files, "Głosy Opiekunów")
    assert heading(client) == "Głosy Opiekunów"  # drafts shown where the deployment allows
