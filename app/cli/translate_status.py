"""`flask translate status` (states per language, --strict) and `flask translate sync`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.i18n.po_files import CatalogueFiles
from app.i18n.review_languages import TARGET_LANGUAGES, is_target_language
from app.services import translations

# Its own group object so this file merges cleanly beside app/cli/translate.py, which defines
# the extract/update/compile commands on a group of the same name: join the two when merging.
translate_status_cli = AppGroup("translate", help="Translation catalogues and their states.")

COLUMNS = ("language", "total", "approved", "draft", "outdated", "missing")


@translate_status_cli.command("status")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 if any string would be shown in English under the current serving setting.",
)
@click.option("--language", "only", default=None, help="One language code, for example pl.")
def status(strict: bool, only: str | None) -> None:
    """Print total / approved / draft / outdated / missing strings for each language."""
    if only is not None and not is_target_language(only):
        raise click.ClickException(
            f"{only!r} is not a translated language; choose one of {', '.join(TARGET_LANGUAGES)}"
        )
    files = CatalogueFiles(Path(str(current_app.config["TRANSLATIONS_DIR"])))
    serve_drafts = bool(current_app.config.get("TRANSLATIONS_SERVE_DRAFTS", False))
    languages = [only] if only else list(TARGET_LANGUAGES)
    rows = [translations.counts(db.session(), files, code) for code in languages]
    table = [COLUMNS] + [
        (
            row.language,
            *(str(n) for n in (row.total, row.approved, row.draft, row.outdated, row.missing)),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for line in table:
        click.echo(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(line)
            )
        )
    served = "approved and draft" if serve_drafts else "approved only"
    unserved = {row.language: row.unservable(serve_drafts) for row in rows}
    click.echo(f"Serving {served} translations (TRANSLATIONS_SERVE_DRAFTS).")
    if strict and any(unserved.values()):
        short = ", ".join(f"{code}: {count}" for code, count in unserved.items() if count)
        raise click.ClickException(f"Strings that carers would see in English: {short}")


@translate_status_cli.command("sync")
def sync() -> None:
    """Mark in-app translations outdated where the English in messages.pot changed.

    Run it after updating the template (``translate update`` can call it): nothing is deleted.
    """
    files = CatalogueFiles(Path(str(current_app.config["TRANSLATIONS_DIR"])))
    report = translations.sync_sources(db.session(), files.template())
    click.echo(
        f"{report.outdated} in-app translations marked outdated; "
        f"{report.unmatched} kept whose English is no longer in the template."
    )
