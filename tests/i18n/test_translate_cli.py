"""`flask translate` on a small project: translations are never lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from app.i18n.catalogues import forget_loaded_catalogues
from app.i18n.extraction import po_path, template_path
from app.i18n.languages import LANGUAGES
from app.i18n.po_files import read_catalogue
from app.i18n.po_states import approve, message_state

CONFIG = """\
[jinja2: app/templates/**.html]
[questionnaire: questionnaires/**.yaml]
[extractors]
questionnaire = app.i18n.questionnaire_extractor:extract_questionnaire
"""
QUESTIONNAIRE = """\
id: tiny
version: 1
title: A tiny survey
languages: [en]
sections:
  - id: care
    title: The care
    pages:
      - id: p1
        items:
          - id: care.kind
            type: single
            text: "{text}"
            options:
              - {{code: "yes", label: "Yes"}}
              - {{code: "no", label: "No"}}
"""


@pytest.fixture
def project(app: Flask, tmp_path: Path) -> Path:
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "babel.cfg").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "app" / "templates").mkdir(parents=True)
    write_page(tmp_path, ["Save and continue", "Delete your answers"])
    write_questionnaire(tmp_path, "Were staff kind to {person}?")
    app.config["TRANSLATIONS_DIR"] = str(tmp_path / "translations")
    forget_loaded_catalogues()
    return tmp_path


def write_page(root: Path, texts: list[str]) -> None:
    body = "\n".join(f'<p>{{{{ _("{text}") }}}}</p>' for text in texts)
    (root / "app" / "templates" / "page.html").write_text(body + "\n", encoding="utf-8")


def write_questionnaire(root: Path, text: str) -> None:
    folder = root / "questionnaires" / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "v1.yaml").write_text(QUESTIONNAIRE.format(text=text), encoding="utf-8")


def catalogue(root: Path, language: str):  # noqa: ANN201
    return read_catalogue(po_path(root / "translations", language), language)


def translate_polish(root: Path) -> None:
    """A translator fills in the Polish catalogue; one entry is approved by a reviewer."""
    from datetime import date

    from app.i18n.extraction import render_po

    polish = catalogue(root, "pl")
    polish.get("Save and continue").string = "Zapisz i kontynuuj"
    polish.get("Delete your answers").string = "Usuń swoje odpowiedzi"
    question = polish.get("Were staff kind to {person}?", "tiny:care.kind:text")
    question.string = "Czy personel był życzliwy dla {person}?"
    approve(question, "ewa", date(2026, 11, 1))
    po_path(root / "translations", "pl").write_text(render_po(polish), encoding="utf-8")


def run(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["translate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_update_creates_a_catalogue_for_every_language(
    runner: FlaskCliRunner, project: Path
) -> None:
    run(runner, "update")
    assert template_path(project / "translations").exists()
    for entry in LANGUAGES:
        polish = catalogue(project, entry.code)
        assert polish.get("Save and continue") is not None, entry.code
    template_text = template_path(project / "translations").read_text(encoding="utf-8")
    assert "#: app/templates/page.html:1" in template_text
    assert 'msgctxt "tiny:care.kind:text"' in template_text
    assert "#: questionnaires/tiny/v1.yaml:13" in template_text


def test_a_source_edit_makes_the_translation_outdated_with_the_old_source_kept(
    runner: FlaskCliRunner, project: Path
) -> None:
    run(runner, "update")
    translate_polish(project)
    write_questionnaire(project, "Were the staff kind to {person}?")
    write_page(project, ["Save and carry on", "Delete your answers"])
    run(runner, "update")

    polish = catalogue(project, "pl")
    question = polish.get("Were the staff kind to {person}?", "tiny:care.kind:text")
    assert question.string == "Czy personel był życzliwy dla {person}?"
    assert message_state(question) == "outdated"
    assert question.previous_id == ["Were staff kind to {person}?"]
    assert not any(c.startswith("approved-by") for c in question.user_comments)
    button = polish.get("Save and carry on")
    assert button.string == "Zapisz i kontynuuj" and button.fuzzy
    assert button.previous_id == ["Save and continue"]
    assert message_state(polish.get("Delete your answers")) == "draft"
    text = po_path(project / "translations", "pl").read_text(encoding="utf-8")
    assert '#| msgid "Were staff kind to {person}?"' in text


def test_a_removed_text_is_kept_as_obsolete_never_deleted(
    runner: FlaskCliRunner, project: Path
) -> None:
    run(runner, "update")
    translate_polish(project)
    write_page(project, ["Save and continue"])
    run(runner, "update")
    text = po_path(project / "translations", "pl").read_text(encoding="utf-8")
    assert '#~ msgid "Delete your answers"' in text
    assert '#~ msgstr "Usuń swoje odpowiedzi"' in text
    # Bringing the text back brings its translation back.
    write_page(project, ["Save and continue", "Delete your answers"])
    run(runner, "update")
    assert catalogue(project, "pl").get("Delete your answers").string == "Usuń swoje odpowiedzi"


def test_an_approval_survives_an_update_when_the_source_is_unchanged(
    runner: FlaskCliRunner, project: Path
) -> None:
    run(runner, "update")
    translate_polish(project)
    run(runner, "update")
    question = catalogue(project, "pl").get("Were staff kind to {person}?", "tiny:care.kind:text")
    assert message_state(question) == "approved"
    assert "approved-by: ewa 2026-11-01" in question.user_comments


def test_compile_and_pseudo_write_their_catalogues(runner: FlaskCliRunner, project: Path) -> None:
    run(runner, "update")
    translate_polish(project)
    run(runner, "compile")
    assert po_path(project / "translations", "pl").with_suffix(".mo").exists()
    run(runner, "pseudo")
    pseudo = catalogue(project, "en_XA")
    assert pseudo.get("Save and continue").string.startswith("⟦")


def test_the_previous_source_survives_a_second_update(
    runner: FlaskCliRunner, project: Path
) -> None:
    run(runner, "update")
    translate_polish(project)
    write_questionnaire(project, "Were the staff kind to {person}?")
    run(runner, "update")
    run(runner, "update")
    text = po_path(project / "translations", "pl").read_text(encoding="utf-8")
    assert text.count('#| msgid "Were staff kind to {person}?"') == 1
    assert "# | msgid" not in text
    question = catalogue(project, "pl").get(
        "Were the staff kind to {person}?", "tiny:care.kind:text"
    )
    assert question.previous_id == ["Were staff kind to {person}?"]


def test_an_update_with_nothing_new_rewrites_nothing(runner: FlaskCliRunner, project: Path) -> None:
    run(runner, "update")
    translate_polish(project)
    files = [template_path(project / "translations")] + [
        po_path(project / "translations", entry.code) for entry in LANGUAGES
    ]
    for path in files:  # as if the catalogues had been made on another day
        text = re.sub(
            r"POT-Creation-Date: [^\\]*",
            "POT-Creation-Date: 2020-01-01 00:00+0000",
            path.read_text(encoding="utf-8"),
        )
        path.write_text(text, encoding="utf-8")
    before = {path: path.read_bytes() for path in files}
    output = run(runner, "update")
    assert {path: path.read_bytes() for path in files} == before
    assert "updated" not in output
