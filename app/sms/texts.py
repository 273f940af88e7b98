"""The SMS channel's texts in the carer's language, fitted to GSM-7 and held to segment budgets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.i18n.catalogues import translations_for
from app.i18n.questionnaires import localised
from app.i18n.sms_extractor import normalise_sms_text, sms_context
from app.questionnaire import (
    Answers,
    Item,
    Questionnaire,
    person_phrase,
    render_text,
    replace_smart_punctuation,
    sms_encoding,
    sms_segments,
)
from app.sms.keywords import keyword_table

TEXTS_FILE = Path(__file__).with_name("texts.yaml")
FALLBACK_LANGUAGE = "en"

# Segment budgets (GSM-7, UCS-2): a question prompt is one message in GSM-7 languages and at
# most three in UCS-2 ones (Urdu, Bengali, Arabic... need 70-character segments).
PROMPT_BUDGET = (1, 3)
TEXT_BUDGETS: Mapping[str, tuple[int, int]] = {
    "invitation": (3, 6),
    "reminder": (3, 6),
    "help": (2, 5),
    "language_menu": (2, 3),
}
DEFAULT_BUDGET = (1, 3)


@dataclass(frozen=True)
class SenderDetails:
    """Who is asking and where to find support: filled into invitations, HELP and goodbyes."""

    organisation: str
    support_name: str
    support_phone: str


@lru_cache(maxsize=1)
def _texts_file() -> Mapping[str, Mapping[str, object]]:
    data: Mapping[str, Mapping[str, object]] = yaml.safe_load(
        TEXTS_FILE.read_text(encoding="utf-8")
    )
    return data


def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every text by language and name (a counting text by its "other" form)."""
    return {
        str(language): {
            str(key): normalise_sms_text(str(text["other"] if isinstance(text, dict) else text))
            for key, text in texts.items()
        }
        for language, texts in _texts_file().items()
    }


def plural_texts() -> Mapping[str, tuple[str, str]]:
    """The English texts that count something (``%(count)s``): name -> (one, other)."""
    return {
        str(key): (normalise_sms_text(str(text["one"])), normalise_sms_text(str(text["other"])))
        for key, text in _texts_file()[FALLBACK_LANGUAGE].items()
        if isinstance(text, dict)
    }


def text_names() -> tuple[str, ...]:
    return tuple(catalogue()[FALLBACK_LANGUAGE])


def fit_for_sms(text: str) -> str:
    """Swap smart punctuation when that keeps the text GSM-7 (a curly ' would make it UCS-2)."""
    plain = replace_smart_punctuation(text)
    return plain if sms_encoding(plain) == "GSM-7" else text


def budget_for(text: str, budget: tuple[int, int]) -> int:
    return budget[0] if sms_encoding(text) == "GSM-7" else budget[1]


def sms_text(name: str, language: str, **fields: object) -> str:
    """The named text in the carer's language, from the catalogues (English until translated)."""
    plural = plural_texts().get(name)
    if plural is not None:
        # The catalogue holds as many forms as the language needs for this count.
        count = int(str(fields["count"]))
        english = plural[0] if count == 1 else plural[1]
        translated = str(
            translations_for(language).unpgettext(sms_context(name), plural[0], plural[1], count)
        )
    else:
        english = catalogue()[FALLBACK_LANGUAGE][name]
        translated = str(translations_for(language).upgettext(sms_context(name), english))
    try:
        return fit_for_sms(translated % fields)
    except (KeyError, ValueError, TypeError):
        # A translation with a broken placeholder must never stop a message: send English.
        return fit_for_sms(english % fields)


def sms_wording(item: Item, language: str, questionnaire: Questionnaire | None = None) -> str:
    """An item's SMS wording (else its question text) in the carer's language."""
    if questionnaire is not None:
        item = localised(questionnaire, language).questionnaire.item(item.id)
    return item.sms_text or item.text


def question_prompt(
    questionnaire: Questionnaire,
    item: Item,
    language: str,
    answers: Answers,
    person_name: str | None = None,
) -> str:
    """The question as one text, naming the person as personally as the budget allows.

    The name given on the invitation list comes first; when it makes the prompt too long the
    relationship phrase ("your partner") or "the person who died" is used instead.
    """
    questionnaire = localised(questionnaire, language).questionnaire
    wording = sms_wording(questionnaire.item(item.id), language)
    phrases = [person_phrase(questionnaire, answers, person_name)]
    phrases.append(person_phrase(questionnaire, answers, None))
    if questionnaire.piping is not None:
        phrases.append(questionnaire.piping.default)
    return _fitted_prompt(wording, tuple(phrases))


# Keyed by everything the prompt is made of (the wording as translated, and the phrases in
# order), so it cannot give one carer another's prompt or an old translation's: a changed
# catalogue gives a different wording, and so a different key. Bounded: an entry is a short
# text, a few hundred bytes (about 11 questions x languages x ways to name the person).
@lru_cache(maxsize=1024)
def _fitted_prompt(wording: str, phrases: tuple[str, ...]) -> str:
    """The wording with the first phrase that keeps it within the prompt's segment budget."""
    text = ""
    for phrase in phrases:
        text = fit_for_sms(render_text(wording, phrase))
        if sms_segments(text) <= budget_for(text, PROMPT_BUDGET):
            return text
    return text


def language_menu(languages: Sequence[str]) -> tuple[str, list[str]]:
    """'1 English 2 Cymraeg ...' and the codes in that order."""
    table = keyword_table()
    codes = [code for code in languages if table.language(code) is not None]
    names = [f"{number} {table.language(code).name}" for number, code in enumerate(codes, 1)]  # type: ignore[union-attr]
    return " ".join(names), codes
