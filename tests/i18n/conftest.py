"""Fixtures for language tests: a temporary translations folder the test can write catalogues in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from flask import Flask

from app.extensions import db
from app.i18n.catalogues import forget_loaded_catalogues
from app.i18n.extraction import po_path, render_po, template_path
from app.i18n.po_files import read_catalogue
from app.services import areas as area_service
from config import PROJECT_ROOT

AREA = "north-riverside"


@pytest.fixture
def area(app: Flask) -> str:
    with app.app_context():
        area_service.add_area(db.session(), AREA, "North Riverside ICB")
    return AREA


@pytest.fixture
def translations_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """A copy of the project's template, with empty catalogues, that the app serves from."""
    directory = tmp_path / "translations"
    directory.mkdir()
    shutil.copyfile(template_path(PROJECT_ROOT / "translations"), template_path(directory))
    app.config["TRANSLATIONS_DIR"] = str(directory)
    forget_loaded_catalogues()
    yield directory
    forget_loaded_catalogues()


def template(directory: Path) -> Catalog:
    return read_catalogue(template_path(directory))


def write_catalogue(
    directory: Path,
    language: str,
    translations: dict[tuple[str | None, str], str],
    *,
    approved: bool = False,
    fuzzy: frozenset[tuple[str | None, str]] = frozenset(),
) -> None:
    """A language's catalogue with the given (context, source) -> translation entries."""
    catalog = Catalog(locale=language)
    for (context, source), text in translations.items():
        message = Message(source, text, context=context)
        if approved:
            message.user_comments.append("approved-by: reviewer 2026-11-01")
        if (context, source) in fuzzy:
            message.flags.add("fuzzy")
        catalog[source] = message
    path = po_path(directory, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_po(catalog), encoding="utf-8")
    forget_loaded_catalogues()
