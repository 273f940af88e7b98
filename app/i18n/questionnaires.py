"""Questionnaires in a language: the engine's localisation lookup fed from the catalogues.

Localising rebuilds the frozen questionnaire, so each (questionnaire, language, catalogue) is
done once and kept; a reloaded catalogue is a new object and so a new entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from babel.support import NullTranslations

from app.i18n.catalogues import note_english_fallback, translations_for
from app.i18n.languages import SOURCE_LANGUAGE, normalise_code
from app.questionnaire import Page, Questionnaire
from app.questionnaire.localisation import localise, page_contexts

_MAX_ENTRIES = 64


@dataclass(frozen=True)
class LocalisedQuestionnaire:
    questionnaire: Questionnaire
    # Contexts whose text is still English in this language (missing, outdated, or unapproved).
    english_contexts: frozenset[str]


_lock = threading.Lock()
_cache: OrderedDict[tuple[str, int, str, int], tuple[NullTranslations, LocalisedQuestionnaire]]
_cache = OrderedDict()


def _build(q: Questionnaire, translations: NullTranslations) -> LocalisedQuestionnaire:
    catalog = getattr(translations, "_catalog", {})
    english: set[str] = set()

    def translate(context: str, text: str) -> str:
        translated = catalog.get(f"{context}\x04{text}")
        if not translated:
            english.add(context)
            return text
        return str(translated)

    localised = localise(q, translate)
    return LocalisedQuestionnaire(localised, frozenset(english))


def localised(q: Questionnaire, language: str | None) -> LocalisedQuestionnaire:
    """The questionnaire with every text in ``language`` where the catalogue may serve it."""
    code = normalise_code(language) or SOURCE_LANGUAGE
    if code == SOURCE_LANGUAGE:
        return LocalisedQuestionnaire(q, frozenset())
    translations = translations_for(code)
    key = (q.id, q.version, code, id(translations))
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is translations:
            _cache.move_to_end(key)
            return hit[1]
    built = _build(q, translations)
    with _lock:
        _cache[key] = (translations, built)
        while len(_cache) > _MAX_ENTRIES:
            _cache.popitem(last=False)
    return built


def note_english_on_pages(localised_q: LocalisedQuestionnaire, pages: Iterable[Page]) -> None:
    """Note the English fallback when any text on these pages is still in English."""
    if not localised_q.english_contexts:
        return
    q = localised_q.questionnaire
    for page in pages:
        if page_contexts(q, page) & localised_q.english_contexts:
            note_english_fallback()
            return
