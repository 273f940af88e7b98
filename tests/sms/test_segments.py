"""Every text fits its segment budget, in every language, however the person who died is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.questionnaire import Questionnaire, QuestionnaireLibrary, sms_encoding, sms_segments
from app.sms.keywords import keyword_table
from app.sms.texts import (
    DEFAULT_BUDGET,
    PROMPT_BUDGET,
    TEXT_BUDGETS,
    budget_for,
    catalogue,
    fit_for_sms,
    language_menu,
    question_prompt,
    sms_text,
    text_names,
)
from config import PROJECT_ROOT

LANGUAGES = [language.code for language in keyword_table().languages]
LONGEST_LINK = "https://carervoices.north-riverside.example.nhs.uk/s/" + "x" * 32
FIELDS = {
    "organisation": "North Riverside ICB and Riverside Council",
    "support_name": "Cruse Bereavement Support",
    "support_phone": "0800 634 9488",
    "person": "your brother or sister",
    "count": 10,
    "link": LONGEST_LINK,
    "menu": language_menu(LANGUAGES)[0],
}


def core_questionnaire() -> Questionnaire:
    return QuestionnaireLibrary(Path(PROJECT_ROOT / "questionnaires")).get("voices-core")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_prompt_fits_its_budget(language: str) -> None:
    questionnaire = core_questionnaire()
    relationship = questionnaire.piping.relationship_item if questionnaire.piping else None
    codes = list(questionnaire.piping.by_relationship) if questionnaire.piping else []
    names = [None, "Rose", "Mohammed Abdul-Rahman Chaudhry-Williamson"]
    for item_id in questionnaire.sms_form:
        item = questionnaire.item(item_id)
        for code in [None, *codes]:
            answers = {relationship: code} if relationship and code else {}
            for name in names:
                prompt = question_prompt(questionnaire, item, language, answers, name)
                budget = budget_for(prompt, PROMPT_BUDGET)
                assert sms_segments(prompt) <= budget, (item_id, language, code, name, prompt)


def test_a_long_name_gives_way_to_the_relationship_to_keep_one_segment() -> None:
    questionnaire = core_questionnaire()
    item = questionnaire.item("last2.pain")
    long_name = "Mohammed Abdul-Rahman Chaudhry-Williamson"
    prompt = question_prompt(questionnaire, item, "en", {"about.relationship": "parent"}, long_name)
    assert long_name not in prompt and "your son or daughter" in prompt
    assert question_prompt(questionnaire, item, "en", {}, "Rose").count("Rose") == 1


def test_remembered_prompts_name_each_carers_own_person_in_the_current_wording(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Prompts are remembered by what they are made of: two carers asked the same question,
    # turn about, each see only their own person; a changed wording (a translator's save)
    # is never answered with the old one.
    questionnaire = core_questionnaire()
    item = questionnaire.item("last2.pain")
    carers = [("Rose", {}), (None, {"about.relationship": "parent"}), ("Ali", {}), (None, {})]
    for _round in range(2):
        prompts = [question_prompt(questionnaire, item, "en", a, name) for name, a in carers]
        assert "Rose" in prompts[0] and "Ali" not in prompts[0]
        assert "your son or daughter" in prompts[1] and "Rose" not in prompts[1]
        assert "Ali" in prompts[2] and "Rose" not in prompts[2]
        assert "Rose" not in prompts[3] and "Ali" not in prompts[3]
        assert "your son or daughter" not in prompts[3]
    monkeypatch.setattr(
        "app.sms.texts.sms_wording", lambda *_args: "Did {person} have help with pain?"
    )
    assert question_prompt(questionnaire, item, "en", {}, "Rose") == (
        "Did Rose have help with pain?"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", text_names())
def test_every_text_fits_its_budget(language: str, name: str) -> None:
    text = sms_text(name, language, **FIELDS)
    budget = budget_for(text, TEXT_BUDGETS.get(name, DEFAULT_BUDGET))
    assert sms_segments(text) <= budget, (name, language, sms_segments(text), text)


def test_texts_in_gsm_languages_have_no_smart_punctuation() -> None:
    for language, texts in catalogue().items():
        for name in texts:
            text = sms_text(name, language, **{**FIELDS, "menu": "1 English"})
            if sms_encoding(fit_for_sms(text)) == "GSM-7":
                assert not set(text) & set("\u2018\u2019\u201c\u201d\u2013\u2014\u2026"), name


def test_smart_punctuation_is_replaced_only_when_that_keeps_a_text_gsm() -> None:
    assert fit_for_sms("We\u2019re sorry \u2013 thank you") == "We're sorry - thank you"
    urdu = "شکریہ \u2019"
    assert fit_for_sms(urdu) == urdu


def test_segment_counting_follows_gsm_and_ucs2_rules() -> None:
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # extension: two each
    assert sms_segments("ś" * 70) == 1 and sms_segments("ś" * 71) == 2  # Polish: UCS-2
    assert sms_encoding("آپ کا شکریہ") == "UCS-2"
