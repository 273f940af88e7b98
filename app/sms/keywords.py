"""Recognise SMS keywords (STOP, HELP, SKIP...) in any case, punctuation or supported language."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

KEYWORDS_FILE = Path(__file__).with_name("keywords.yaml")

# Twilio's own opt-out filter acts on these single words (SMS.md); it confirms them itself.
TWILIO_STANDARD_OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
TWILIO_STANDARD_OPT_IN = frozenset({"start", "unstop"})


class Keyword(enum.StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    SKIP = "skip"
    BACK = "back"
    LINK = "link"
    LANG = "lang"
    DELETE = "delete"
    LATER = "later"


class KeywordConflict(ValueError):
    """Two languages give one phrase different meanings: the table must be fixed."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, for the LANG menu


@dataclass(frozen=True)
class KeywordTable:
    languages: tuple[Language, ...]
    keywords: Mapping[str, Keyword]
    consent: Mapping[str, bool]
    answers: Mapping[str, str]  # phrase -> option code
    fillers: frozenset[str]

    def language(self, code: str) -> Language | None:
        return next((language for language in self.languages if language.code == code), None)


def normalise(text: str) -> str:
    """Fold case, drop punctuation, emoji and accents on Latin letters, collapse spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept: list[str] = []
    for character in unicodedata.normalize("NFKD", folded):
        category = unicodedata.category(character)
        if category.startswith("M"):
            # Accents go only from Latin letters ("pomiń" = "pomin"); in Indic and Arabic
            # scripts the marks are vowels and belong to the word.
            if kept and kept[-1].isascii():
                continue
            kept.append(character)
        elif category[0] in "PSZC":
            # An apostrophe joins a word ("don't" = "dont"); other punctuation separates.
            kept.append("" if character in "'\u2019" else " ")
        else:
            kept.append(character)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def _phrases(raw: object) -> Iterable[str]:
    if not isinstance(raw, list):
        return []
    return [normalise(str(item)) for item in raw if normalise(str(item))]


def _add(index: dict[str, Any], phrase: str, meaning: object, where: str) -> None:
    if index.get(phrase, meaning) != meaning:
        raise KeywordConflict(f"{where}: {phrase!r} means both {index[phrase]!r} and {meaning!r}")
    index[phrase] = meaning


def load_keyword_table(path: Path = KEYWORDS_FILE) -> KeywordTable:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    languages: list[Language] = []
    keywords: dict[str, Keyword] = {}
    consent: dict[str, bool] = {}
    answers: dict[str, str] = {}
    fillers: set[str] = set()
    for code, entry in data.items():
        languages.append(Language(str(code), str(entry["name"])))
        for name, phrases in (entry.get("keywords") or {}).items():
            for phrase in _phrases(phrases):
                _add(keywords, phrase, Keyword(name), f"{code} keywords")
        for name, phrases in (entry.get("consent") or {}).items():
            for phrase in _phrases(phrases):
                _add(consent, phrase, name == "yes", f"{code} consent")
        for option_code, phrases in (entry.get("answers") or {}).items():
            for phrase in _phrases(phrases):
                _add(answers, phrase, str(option_code), f"{code} answers")
        fillers.update(_phrases(entry.get("fillers")))
    return KeywordTable(tuple(languages), keywords, consent, answers, frozenset(fillers))


@lru_cache(maxsize=1)
def keyword_table() -> KeywordTable:
    return load_keyword_table()


def _candidates(normalised: str, fillers: frozenset[str]) -> list[str]:
    """The message as sent, then without polite words at either end ("please stop it")."""
    words = normalised.split()
    # "STOP STOP" is still one request.
    words = [word for index, word in enumerate(words) if index == 0 or word != words[index - 1]]
    candidates = [" ".join(words)]
    start, end = 0, len(words)
    while start < end and words[start] in fillers:
        start += 1
    while end > start and words[end - 1] in fillers:
        end -= 1
    candidates.append(" ".join(words[start:end]))
    # Chinese has no spaces: peel polite characters off the ends of the one "word".
    if len(words) == 1:
        word = words[0]
        for filler in _peel_order(fillers):
            word = word.removeprefix(filler).removesuffix(filler)
        candidates.append(word)
    return [candidate for candidate in candidates if candidate]


@lru_cache(maxsize=8)
def _peel_order(fillers: frozenset[str]) -> tuple[str, ...]:
    """The fillers peeled off a one-word message, longest first: sorted once per table.

    Keyed by the fillers themselves, so a different table never gets another table's order.
    """
    return tuple(sorted((f for f in fillers if not f.isascii()), key=len, reverse=True))


def match_keyword(text: str, table: KeywordTable | None = None) -> Keyword | None:
    """The keyword a whole message asks for, or None when it is an answer or other text."""
    table = table or keyword_table()
    for candidate in _candidates(normalise(text), table.fillers):
        if candidate in table.keywords:
            return table.keywords[candidate]
    return None


def is_twilio_standard_word(text: str) -> bool:
    """Whether Twilio's own filter acts on (and confirms) this message: one bare keyword.

    Strict on purpose ("Stop." does not count): if in doubt we confirm too, because a second
    confirmation is better than none.
    """
    return text.strip().casefold() in TWILIO_STANDARD_OPT_OUT | TWILIO_STANDARD_OPT_IN


def match_consent(text: str, table: KeywordTable | None = None) -> bool | None:
    """True for yes, False for no, None for anything else (the reply to the invitation)."""
    table = table or keyword_table()
    for candidate in _candidates(normalise(text), table.fillers):
        if candidate in table.consent:
            return table.consent[candidate]
    return None


def match_answer_word(
    text: str, option_codes: Iterable[str], table: KeywordTable | None = None
) -> str | None:
    """An option code named by a word in any language ("tak" = yes), if the item has it."""
    table = table or keyword_table()
    codes = set(option_codes)
    for candidate in _candidates(normalise(text), table.fillers):
        code = table.answers.get(candidate)
        if code in codes:
            return code
    return None
