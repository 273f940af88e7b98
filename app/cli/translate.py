"""`flask translate extract|update|compile|pseudo`: the catalogue workflow for translators."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import current_app
from flask.cli import AppGroup

from app.i18n.extraction import (
    PROJECT_NAME,
    comparable,
    extract_template,
    po_path,
    render_po,
    template_path,
)
from app.i18n.languages import LANGUAGES, PSEUDO_LANGUAGE
from app.i18n.merging import update_catalogue
from app.i18n.po_files import read_catalogue
from app.i18n.pseudo import pseudo_catalogue

translate_cli = AppGroup(
    "translate", help="Extract, update and compile the translation catalogues."
)


def _directory() -> Path:
    return Path(str(current_app.config["TRANSLATIONS_DIR"]))


def _project_root() -> Path:
    # babel.cfg names source paths relative to the project, the translations folder's parent.
    return _directory().parent


def _read(path: Path, locale: str | None = None) -> Catalog:
    return read_catalogue(path, locale)


def _write(path: Path, catalog: Catalog) -> bool:
    """Write the catalogue unless only its date or line numbers would change; True if written.

    Translators edit these files on their own branches: rewriting an unchanged file just to
    bump a date or renumber lines would make every merge a conflict.
    """
    text = render_po(catalog)
    if path.exists() and comparable(path.read_text(encoding="utf-8")) == comparable(text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


@translate_cli.command("extract")
def extract_command() -> None:
    """Write translations/messages.pot from templates, Python, questionnaires and SMS texts."""
    catalog = extract_template(_project_root())
    written = _write(template_path(_directory()), catalog)
    state = "written to" if written else "unchanged in"
    click.echo(f"{len(catalog)} texts {state} {template_path(_directory())}")


@translate_cli.command("update")
@click.option("--extract/--no-extract", default=True, help="Extract the template first.")
def update_command(extract: bool) -> None:
    """Bring every language's catalogue up to date; changed sources become outdated, never lost."""
    if extract:
        extract_template_and_write()
    template = _read(template_path(_directory()))
    for language in LANGUAGES:
        path = po_path(_directory(), language.code)
        old = (
            _read(path, language.code)
            if path.exists()
            else Catalog(
                locale=language.code,
                project=template.project,
                copyright_holder=PROJECT_NAME,
                msgid_bugs_address=template.msgid_bugs_address,
                language_team=f"{language.english_name} translators",
                fuzzy=False,
            )
        )
        if _write(path, update_catalogue(old, template)):
            click.echo(f"updated {path}")


def extract_template_and_write() -> None:
    _write(template_path(_directory()), extract_template(_project_root()))


@translate_cli.command("compile")
def compile_command() -> None:
    """Write .mo files (translated, non-fuzzy entries) for tools that want them."""
    for language in LANGUAGES:
        path = po_path(_directory(), language.code)
        if not path.exists():
            continue
        catalog = _read(path, language.code)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        click.echo(f"compiled {path.with_suffix('.mo')}")


@translate_cli.command("pseudo")
def pseudo_command() -> None:
    """Write the pseudo-locale catalogue (every text transformed) to look at in Poedit."""
    catalog = pseudo_catalogue(_read(template_path(_directory())))
    path = po_path(_directory(), PSEUDO_LANGUAGE)
    _write(path, catalog)
    click.echo(f"{len(catalog)} texts written to {path} (served as ?lang={PSEUDO_LANGUAGE})")
