"""`flask translate status`: a table of states per language; --strict fails on unserved strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from app.extensions import db
from app.i18n.po_files import CatalogueFiles
from app.services import translations
from app.services.audit import Actor
from app.services.translation_store import entry_key
from tests.i18n.catalogue_fixtures import QUESTION_CONTEXT, write_catalogues

QUESTION = "How well was {person} looked after in the last two days?"


@pytest.fixture
def files(app: Flask, tmp_path: Path) -> CatalogueFiles:
    root = write_catalogues(tmp_path / "translations")
    app.config["TRANSLATIONS_DIR"] = str(root)
    return CatalogueFiles(root)


def table(output: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in output.splitlines() if line.strip()}


def test_status_prints_each_languages_counts(runner: FlaskCliRunner, files: CatalogueFiles) -> None:
    result = runner.invoke(args=["translate", "status"])
    assert result.exit_code == 0, result.output
    rows = table(result.output)
    assert rows["language"] == ["total", "approved", "draft", "outdated", "missing"]
    assert rows["pl"] == ["5", "1", "2", "1", "1"]
    assert rows["ur"] == ["5", "0", "0", "0", "5"]
    assert len([code for code in rows if code not in ("language", "Serving")]) == 13


def test_status_for_one_language(runner: FlaskCliRunner, files: CatalogueFiles) -> None:
    result = runner.invoke(args=["translate", "status", "--language", "pl"])
    assert result.exit_code == 0
    assert set(table(result.output)) == {"language", "pl", "Serving"}
    unknown = runner.invoke(args=["translate", "status", "--language", "klingon"])
    assert unknown.exit_code != 0 and "not a translated language" in unknown.output


def complete_polish(app: Flask, files: CatalogueFiles) -> None:
    """Translate the missing and outdated Polish strings, leaving drafts as drafts."""
    actor = Actor(None, "tester")
    with app.app_context():
        session = db.session()
        translations.edit_entry(
            session, files, "pl", entry_key("sms:welcome", "Reply STOP to stop these texts."),
            ["Wyślij STOP."], actor,
        )  # fmt: skip
        translations.edit_entry(
            session, files, "pl", entry_key(QUESTION_CONTEXT, QUESTION), ["Jak {person}?"], actor
        )


def test_strict_fails_while_a_served_string_is_missing(
    app: Flask, runner: FlaskCliRunner, files: CatalogueFiles
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
    result = runner.invoke(args=["translate", "status", "--strict", "--language", "pl"])
    assert result.exit_code == 1
    assert "pl: 4" in result.output, "1 missing, 1 outdated and 2 drafts are shown in English"


def test_strict_counts_drafts_as_served_only_when_drafts_are_served(
    app: Flask, runner: FlaskCliRunner, files: CatalogueFiles
) -> None:
    complete_polish(app, files)
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    served = runner.invoke(args=["translate", "status", "--strict", "--language", "pl"])
    assert served.exit_code == 0, served.output
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
    unserved = runner.invoke(args=["translate", "status", "--strict", "--language", "pl"])
    assert unserved.exit_code == 1 and "pl: 4" in unserved.output


def test_sync_marks_in_app_work_outdated_when_the_english_changes(
    app: Flask, runner: FlaskCliRunner, files: CatalogueFiles
) -> None:
    complete_polish(app, files)
    template = files.template_path.read_text(encoding="utf-8")
    files.template_path.write_text(
        template.replace("Reply STOP to stop these texts.", "Reply STOP to end these texts."),
        encoding="utf-8",
    )
    result = runner.invoke(args=["translate", "sync"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 in-app translations marked outdated")
    status = runner.invoke(args=["translate", "status", "--language", "pl"])
    assert table(status.output)["pl"] == ["5", "1", "3", "1", "0"]
