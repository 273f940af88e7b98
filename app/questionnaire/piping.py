"""Piping: naming the person who died in question text by name or relationship, never he/she."""

from __future__ import annotations

import re

from .schema import Answers, Questionnaire

PLACEHOLDER = "{person}"
MAX_NAME_LENGTH = 60

_PLACEHOLDER_PATTERN = re.compile(re.escape(PLACEHOLDER))
_OPENING_MARKS = "\"'“‘(["
_SENTENCE_ENDS = ".!?"


def person_phrase(q: Questionnaire, answers: Answers, person_name: str | None) -> str:
    """Choose how to name the person: their name, else the relationship phrase, else the default."""
    name = " ".join((person_name or "").split())
    if name and len(name) <= MAX_NAME_LENGTH:
        return name
    piping = q.piping
    if piping is None:
        return ""
    if piping.relationship_item is not None:
        relationship = answers.get(piping.relationship_item)
        if isinstance(relationship, str) and relationship in piping.by_relationship:
            return piping.by_relationship[relationship]
    return piping.default


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip(_OPENING_MARKS)
    trimmed = stripped.rstrip(" \t")
    if not trimmed or trimmed.endswith("\n"):
        return True
    return trimmed != stripped and trimmed[-1] in _SENTENCE_ENDS


def render_text(text: str, phrase: str) -> str:
    """Put ``phrase`` in place of {person}, capitalised where it starts a sentence."""
    if not phrase:
        return text.replace(PLACEHOLDER, phrase)
    # Only ever raise the first letter: lower-casing would spoil a name like "McLeod".
    capitalised = phrase[0].upper() + phrase[1:]

    def fill(match: re.Match[str]) -> str:
        return capitalised if _starts_sentence(text[: match.start()]) else phrase

    return _PLACEHOLDER_PATTERN.sub(fill, text)
