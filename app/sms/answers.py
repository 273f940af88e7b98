"""Read a text reply as an answer: a number in any script, an option's word, a carer's word."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from app.questionnaire import InvalidAnswer, Item, UnknownOptionCode
from app.sms.keywords import match_answer_word, normalise

# "1 Always 2 Mostly 3 Sometimes": the short labels the SMS wording gives each number.
_NUMBERED = re.compile(r"(\d{1,2}) (.+?)(?= \d{1,2} |$)")
_FIRST_OPTION = re.compile(r"(?:^| )(1) ")
_LEADING_NUMBER = re.compile(r"(\d{1,2})(?: (.*))?")
_MULTIPLE_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\s)\s*")


def ascii_digits(text: str) -> str:
    """Arabic-Indic, Bengali, Gurmukhi, Gujarati and full-width digits become 0-9."""
    return "".join(
        str(unicodedata.decimal(character)) if character.isdecimal() else character
        for character in text
    )


def sms_option_labels(wording: str) -> dict[int, str]:
    """{1: "always", 2: "mostly", ...} from an SMS wording that lists numbered options."""
    text = normalise(wording)
    # The options start at the first standalone "1" (the question may say "last 2 days").
    start = _FIRST_OPTION.search(text)
    if start is None:
        return {}
    return {int(number): label for number, label in _NUMBERED.findall(text[start.start(1) :])}


def _option_names(item: Item, wording: str) -> Mapping[str, int]:
    """Every normalised name of every option: code, label, and the SMS wording's short label."""
    options = tuple((option.code, option.label) for option in item.options)
    return _names_of_options(options, wording)


# Cached: the same few questions are asked in every conversation, and normalising every
# option's names cost more than the rest of reading a reply. Keys are questionnaire text only.
@lru_cache(maxsize=1024)
def _names_of_options(options: tuple[tuple[str, str], ...], wording: str) -> Mapping[str, int]:
    names: dict[str, int] = {}
    short = sms_option_labels(wording)
    for position, (code, label) in enumerate(options, 1):
        for name in (code.replace("_", " "), label, short.get(position, "")):
            key = normalise(name)
            # A name two options share ("yes" in "Yes, definitely"?) never picks either.
            if key and names.setdefault(key, position) != position:
                names[key] = 0
    return names


def _choice_position(item: Item, text: str, wording: str) -> int:
    cleaned = normalise(ascii_digits(text))
    names = _option_names(item, wording)
    leading = _LEADING_NUMBER.fullmatch(cleaned)
    if leading:
        position, rest = int(leading[1]), leading[2] or ""
        # "2" or "2 excellent" is option 2; "2 outstanding" contradicts itself.
        if not rest or names.get(rest) == position:
            return position
        raise UnknownOptionCode(item.id)
    position = names.get(cleaned, 0)
    if position:
        return position
    code = match_answer_word(text, item.option_codes)
    if code is not None:
        return item.option_codes.index(code) + 1
    raise UnknownOptionCode(item.id)


def raw_answer(item: Item, text: str, wording: str) -> str:
    """The reply as the raw text the engine's parse_answer reads (option numbers allowed).

    Raises InvalidAnswer when a choice question's reply names no option.
    """
    if item.type == "single":
        return str(_choice_position(item, text, wording))
    if item.type == "multiple":
        parts = [part for part in _MULTIPLE_SEPARATORS.split(ascii_digits(text).strip()) if part]
        if not parts:
            raise InvalidAnswer(item.id)
        return ";".join(str(_choice_position(item, part, wording)) for part in parts)
    if item.type in ("number", "month_year"):
        return ascii_digits(text)
    return text
