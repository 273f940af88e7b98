"""SMS texts and question prompts come from the same catalogues as the web pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from flask import Flask

from app.i18n.extraction import po_path
from app.i18n.languages import LANGUAGES
from app.i18n.po_files import read_catalogue
from app.i18n.po_states import message_state
from app.questionnaire import sms_segments
from app.sms.texts import (
    DEFAULT_BUDGET,
    PROMPT_BUDGET,
    TEXT_BUDGETS,
    budget_for,
    catalogue,
    question_prompt,
    sms_text,
)
from app.survey.context import default_questionnaire
from config import PROJECT_ROOT
from tests.i18n.conftest import write_catalogue

FIELDS = {
    "organisation": "North Riverside ICB and Riverside Council",
    "support_name": "Cruse Bereavement Support",
    "support_phone": "0800 634 9488",
    "person": "your brother or sister",
    "count": 10,
    "link": "https://carervoices.north-riverside.example.nhs.uk/s/" + "x" * 32,
    "menu": "1 English 2 Cymraeg 3 Polski",
}
WELSH_HELP = (
    "Arolwg gan %(organisation)s. Atebwch gyda rhif eich ateb. Cymorth: %(support_name)s "
    "%(support_phone)s"
)


def test_an_sms_text_is_sent_in_the_carers_language(app: Flask, translations_dir: Path) -> None:
    english = catalogue()["en"]["help"]
    write_catalogue(translations_dir, "cy", {("sms:help", english): WELSH_HELP}, approved=True)
    with app.app_context():
        text = sms_text("help", "cy", **FIELDS)
        assert text.startswith("Arolwg gan North Riverside ICB")
        assert sms_text("help", "pl", **FIELDS).startswith("Survey from North Riverside")


def test_a_translation_with_a_broken_placeholder_falls_back_to_english(
    app: Flask, translations_dir: Path
) -> None:
    english = catalogue()["en"]["help"]
    broken = "Arolwg gan %(sefydliad)s."
    write_catalogue(translations_dir, "cy", {("sms:help", english): broken}, approved=True)
    with app.app_context():
        assert sms_text("help", "cy", **FIELDS).startswith("Survey from North Riverside")


def test_a_question_is_texted_in_the_carers_language(app: Flask, translations_dir: Path) -> None:
    with app.app_context():
        questionnaire = default_questionnaire()
        item = questionnaire.item("pref.expressed")
        assert item.sms_text is not None
        write_catalogue(
            translations_dir,
            "pa",
            {
                ("voices-core:pref.expressed:sms", item.sms_text): (
                    "ਕੀ {person} ਨੇ ਦੱਸਿਆ ਸੀ ਕਿ ਉਹ ਕਿੱਥੇ ਮਰਨਾ ਚਾਹੁੰਦੇ ਸਨ? 1 ਹਾਂ 2 ਨਹੀਂ 3 ਪਤਾ ਨਹੀਂ"
                ),
                ("voices-core:piping:default", "the person who died"): "ਮਰਨ ਵਾਲਾ ਵਿਅਕਤੀ",
            },
        )
        prompt = question_prompt(questionnaire, item, "pa", {})
        assert prompt == (
            "ਕੀ ਮਰਨ ਵਾਲਾ ਵਿਅਕਤੀ ਨੇ ਦੱਸਿਆ ਸੀ ਕਿ ਉਹ ਕਿੱਥੇ ਮਰਨਾ ਚਾਹੁੰਦੇ ਸਨ? 1 ਹਾਂ 2 ਨਹੀਂ 3 ਪਤਾ ਨਹੀਂ"
        )


def over_budget(translated: Catalog) -> list[tuple[str, int, str]]:
    """Every translated SMS text or question wording longer than its segment budget."""
    problems = []
    for message in translated:
        context = message.context or ""
        if not message.id or message_state(message) == "missing":
            continue
        # A counting text (plural entry) has one form per plural category: check each.
        forms = message.string if isinstance(message.string, tuple | list) else [message.string]
        for form in forms:
            if context.startswith("sms:"):
                name = context.removeprefix("sms:")
                text = str(form) % FIELDS
                budget = budget_for(text, TEXT_BUDGETS.get(name, DEFAULT_BUDGET))
            elif context.endswith(":sms"):
                text = str(form).replace("{person}", "your brother or sister")
                budget = budget_for(text, PROMPT_BUDGET)
            else:
                continue
            if sms_segments(text) > budget:
                problems.append((context, sms_segments(text), text))
    return problems


@pytest.mark.parametrize("code", [entry.code for entry in LANGUAGES if entry.code != "en"])
def test_every_translated_sms_text_keeps_to_its_segment_budget(code: str) -> None:
    """Drafts too: a translator sees the budget fail before a reviewer approves the text."""
    path = po_path(PROJECT_ROOT / "translations", code)
    assert not over_budget(read_catalogue(path, code))


def test_the_budget_check_catches_a_long_urdu_text() -> None:
    translated = Catalog(locale="ur")
    english = catalogue()["en"]["later"]
    translated[english] = Message(english, "ٹھیک ہے۔ " * 40, context="sms:later")
    assert [problem[0] for problem in over_budget(translated)] == ["sms:later"]


def test_the_number_of_questions_takes_each_languages_plural_form(app: Flask) -> None:
    """Polish: 22 pytania, 25 pytań; English: 1 question, 11 questions (Babel's plural rules)."""
    fields = {**FIELDS}
    with app.app_context():
        english_one = sms_text("intro", "en", **{**fields, "count": 1})
        english_many = sms_text("intro", "en", **{**fields, "count": 11})
        polish_22 = sms_text("intro", "pl", **{**fields, "count": 22})
        polish_25 = sms_text("intro", "pl", **{**fields, "count": 25})
    assert "1 short question by text" in english_one
    assert "11 short questions by text" in english_many
    assert "22 krótkie pytania" in polish_22
    assert "25 krótkich pytań" in polish_25
