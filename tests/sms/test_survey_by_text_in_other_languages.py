"""A carer invited in Welsh or Panjabi gets every text in that language; answers match English.

Expected wording comes from the catalogues through the app's own lookups (sms_text,
question_prompt), and is checked against translations/<lang>/LC_MESSAGES/messages.po so a
lookup that quietly fell back to English fails here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from gettext import c2py
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.i18n.extraction import po_path
from app.i18n.po_files import read_catalogue
from app.i18n.questionnaires import localised
from app.i18n.sms_extractor import normalise_sms_text, sms_context
from app.models import Response
from app.questionnaire import Questionnaire, QuestionnaireLibrary, sms_segments
from app.services.sms_settings import SmsSettings
from app.sms.texts import (
    PROMPT_BUDGET,
    TEXT_BUDGETS,
    budget_for,
    fit_for_sms,
    plural_texts,
    question_prompt,
    sms_text,
    sms_wording,
)
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import PUBLIC_BASE_URL, TextingCarer
from tests.sms.conftest import AMIRA

LINK = re.compile(re.escape(PUBLIC_BASE_URL) + r"/\S+")

# The reply to each question of the core's SMS form, and the option code English stores for it
# (the same answers as tests/sms/test_survey_by_text.py, all given as numbers).
ANSWERS_AS_NUMBERS: dict[str, tuple[str, str]] = {
    "overall.rating": ("2", "excellent"),
    "last2.nurses.dignity": ("2", "most"),
    "last2.pain": ("1", "complete_all"),
    "home.any_time": ("1", "yes"),  # at home: the coordination follow-up is asked
    "home.coordination": ("2", "to_some_extent"),
    "last2.family_involved": ("1", "definitely"),
    "death.support_at_time": ("3", "no"),
    "pref.expressed": ("1", "yes"),  # said where: the right-place follow-up is asked
    "pref.right_place": ("1", "yes"),
    "about.place_of_death": ("3", "hospital"),
}


@dataclass(frozen=True)
class Carer:
    """A carer invited in one language: who died, how they reply, what they write at the end."""

    language: str
    name_of_person: str
    relationship: str  # as the invitation list says it
    relationship_code: str  # the core's code for it
    consent: str  # "yes" in their language
    # Replies typed differently from ANSWERS_AS_NUMBERS (e.g. Gurmukhi digits), same meaning.
    typed: Mapping[str, str]
    improve: str


WELSH = Carer(
    language="cy",
    name_of_person="Gwen",
    relationship="daughter",
    relationship_code="child",
    consent="Ie",
    typed={},
    improve="Roedd y nyrsys nos yn garedig. Ni ddywedodd neb wrthym fod y meddyg wedi newid.",
)
PANJABI = Carer(
    language="pa",
    name_of_person="ਗੁਰਮੀਤ",
    relationship="son",
    relationship_code="child",
    consent="ਹਾਂ",
    # Gurmukhi digits, as a Panjabi phone keyboard types them.
    typed={"overall.rating": "੨", "last2.pain": "੧", "about.place_of_death": "੩"},
    improve="ਰਾਤ ਦੀਆਂ ਨਰਸਾਂ ਬਹੁਤ ਦਿਆਲੂ ਸਨ। ਕਿਸੇ ਨੇ ਨਹੀਂ ਦੱਸਿਆ ਕਿ ਡਾਕਟਰ ਬਦਲ ਗਿਆ ਸੀ।",
)


def core(app: Flask) -> Questionnaire:
    library = QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))
    return library.get(app.config["DEFAULT_QUESTIONNAIRE"])


def po_translation(
    app: Flask, language: str, context: str, english: str | tuple[str, str], count: int = 0
) -> str:
    """The msgstr the translators wrote, read straight from the language's .po file.

    For a counting text (a plural entry) the form the language's plural rule picks for count.
    """
    path = po_path(Path(app.config["TRANSLATIONS_DIR"]), language)
    translated = read_catalogue(path, language)
    message = translated.get(english, context=context)
    assert message is not None and message.string, (language, context)
    if isinstance(message.string, tuple | list):
        form = c2py(translated.plural_expr)(count)
        return normalise_sms_text(str(message.string[form]))
    return normalise_sms_text(str(message.string))


def assert_within_budget(text: str, budget: tuple[int, int]) -> None:
    assert sms_segments(text) <= budget_for(text, budget), (sms_segments(text), text)


def export_rows(runner: FlaskCliRunner) -> list[dict[str, str]]:
    result = runner.invoke(args=["responses", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("person", [WELSH, PANJABI], ids=lambda person: person.language)
def test_the_whole_short_survey_by_text_in_the_carers_language(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    person: Carer,
) -> None:
    language = person.language
    invite(
        AMIRA,
        language=language,
        name_of_person=person.name_of_person,
        relationship=person.relationship,
    )
    questionnaire = core(app)
    piping = {"about.relationship": person.relationship_code}
    fields = SmsSettings.from_config(app.config).fields()

    [invitation] = fake.sent_to(AMIRA)
    link = LINK.search(invitation.body)
    assert link is not None, invitation.body
    filled = {
        "person": person.name_of_person,
        "link": link.group(0),
        "count": len(questionnaire.sms_form),
        **fields,
    }
    with app.app_context():
        assert invitation.body == sms_text("invitation", language, **filled)
        assert invitation.body != sms_text("invitation", "en", **filled)
    english_invitation = plural_texts()["invitation"]
    written = po_translation(
        app, language, sms_context("invitation"), english_invitation, filled["count"]
    )
    assert invitation.body == fit_for_sms(written % filled)
    assert "Reply YES" not in invitation.body and person.name_of_person in invitation.body
    assert_within_budget(invitation.body, TEXT_BUDGETS["invitation"])

    texter = carer(AMIRA)
    prompt = texter.sends(person.consent)[0]
    stored_codes: dict[str, str] = {}
    for item_id in questionnaire.sms_form:
        item = questionnaire.item(item_id)
        with app.app_context():
            expected = question_prompt(questionnaire, item, language, piping, person.name_of_person)
            wording = sms_wording(item, language, questionnaire)
        english = sms_wording(item, "en", questionnaire)
        # The wording served is the translators' own, not the English fallback.
        assert wording == po_translation(
            app, language, f"{questionnaire.id}:{item_id}:sms", english
        )
        assert wording != english, item_id
        assert prompt == expected, item_id
        if "{person}" in english:
            assert person.name_of_person in prompt, item_id
        assert_within_budget(prompt, PROMPT_BUDGET)
        if item_id in ANSWERS_AS_NUMBERS:
            number, code = ANSWERS_AS_NUMBERS[item_id]
            reply = person.typed.get(item_id, number)
            stored_codes[item_id] = code
        else:
            reply = person.improve
        prompt = texter.sends(reply)[0]

    with app.app_context():
        assert prompt == sms_text("completed", language, **fields)
        assert prompt != sms_text("completed", "en", **fields)
        response = db.session.scalars(select(Response)).one()
        assert response.language == language

    [row] = export_rows(runner)
    assert row["channel"] == "sms" and row["status"] == "submitted"
    assert row["language"] == language
    assert {item_id: row[item_id] for item_id in stored_codes} == stored_codes
    assert row["overall.improve"] == person.improve
    assert row["overall.good"] == ""  # a web-only question, never asked by text


@pytest.mark.parametrize("person", [WELSH, PANJABI], ids=lambda person: person.language)
def test_without_a_name_the_person_is_named_by_relationship_in_the_carers_language(
    app: Flask,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    person: Carer,
) -> None:
    invite(AMIRA, language=person.language, relationship=person.relationship)
    questionnaire = core(app)
    with app.app_context():
        translated = localised(questionnaire, person.language).questionnaire
    assert translated.piping is not None and questionnaire.piping is not None
    phrase = translated.piping.by_relationship[person.relationship_code]
    english_phrase = questionnaire.piping.by_relationship[person.relationship_code]
    assert phrase != english_phrase

    [invitation] = fake.sent_to(AMIRA)
    assert phrase in invitation.body and english_phrase not in invitation.body
    assert_within_budget(invitation.body, TEXT_BUDGETS["invitation"])
    first_prompt = carer(AMIRA).sends(person.consent)[0]
    assert phrase in first_prompt and english_phrase not in first_prompt
