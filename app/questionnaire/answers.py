"""Turning what a carer typed or ticked into a checked answer value, and storing it as text."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from .errors import (
    N_,
    InvalidAnswer,
    InvalidMonthYear,
    MultipleNotAllowed,
    NotAnswerable,
    NotANumber,
    NumberOutOfRange,
    TextTooLong,
    UnknownOptionCode,
)
from .schema import AnswerValue, Item

RawAnswer = str | Sequence[str] | None

MULTIPLE_SEPARATOR = ";"
MIN_YEAR, MAX_YEAR = 1900, 2100
# Long enough for any finite float written out in full (the longest is ~330 characters),
# short enough that nobody can make the parser chew on megabytes.
_MAX_NUMBER_LENGTH = 400

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_YEAR_FIRST = re.compile(r"([0-9]{4})\s*-\s*([0-9]{1,2})")
_MONTH_FIRST = re.compile(r"([0-9]{1,2})\s*[/-]\s*([0-9]{4})")
_KEPT_CONTROLS = frozenset("\n\t")


def _pieces(item: Item, raw: RawAnswer) -> list[str]:
    """The non-blank strings in ``raw``; raises InvalidAnswer for anything that is not text."""
    values: Sequence[object]
    if raw is None:
        values = []
    elif isinstance(raw, str):
        values = [raw]
    elif isinstance(raw, Sequence) and not isinstance(raw, bytes | bytearray):
        values = raw
    else:
        raise InvalidAnswer(item.id)
    pieces: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise InvalidAnswer(item.id)
        if value.strip():
            pieces.append(value)
    return pieces


def _resolve_code(item: Item, typed: str, allow_option_numbers: bool) -> str:
    typed = typed.strip()
    codes = item.option_codes
    if typed in codes:
        return typed
    folded = typed.casefold()
    for code in codes:
        if code.casefold() == folded:
            return code
    # SMS replies are often the option's number as listed in the message (at most 50
    # options, so two digits; longer digit strings would only be slow to convert).
    if allow_option_numbers and typed.isascii() and typed.isdigit() and len(typed) <= 2:
        position = int(typed)
        if 1 <= position <= len(codes):
            return codes[position - 1]
    raise UnknownOptionCode(item.id)


def _parse_single(item: Item, pieces: list[str], allow_numbers: bool) -> str:
    # The same choice sent twice (a double-submitted form) is still one answer.
    codes = {_resolve_code(item, piece, allow_numbers) for piece in pieces}
    if len(codes) > 1:
        raise MultipleNotAllowed(item.id)
    return codes.pop()


def _parse_multiple(item: Item, pieces: list[str], allow_numbers: bool) -> tuple[str, ...] | None:
    chosen = {
        _resolve_code(item, part, allow_numbers)
        for piece in pieces
        for part in piece.split(MULTIPLE_SEPARATOR)
        if part.strip()
    }
    return tuple(code for code in item.option_codes if code in chosen) or None


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters (keeping newline and tab) and strip."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Control characters and lone surrogates cannot be stored or shown safely.
    return "".join(
        character
        for character in text
        if character in _KEPT_CONTROLS or unicodedata.category(character) not in ("Cc", "Cs")
    ).strip()


def _parse_text(item: Item, typed: str) -> str | None:
    text = clean_text(typed)
    if item.max_length is not None and len(text) > item.max_length:
        raise TextTooLong(item.id, len(text), item.max_length)
    return text or None


def _parse_number(item: Item, typed: str) -> int | float:
    typed = typed.strip()
    if len(typed) > _MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(typed):
        raise NotANumber(item.id)
    try:
        number = Decimal(typed)
    except InvalidOperation:
        raise NotANumber(item.id) from None
    value: int | float
    if item.integer:
        if number != number.to_integral_value():
            raise NotANumber(
                item.id, N_("Enter a whole number, like 3, or leave this question blank.")
            )
        value = int(number)
    else:
        value = float(number)
        if not math.isfinite(value):
            raise NotANumber(item.id)
        value = value + 0.0  # -0.0 becomes 0.0 so it reads and stores as "0"
    low = item.minimum if isinstance(item.minimum, int | float) else None
    high = item.maximum if isinstance(item.maximum, int | float) else None
    if (low is not None and value < low) or (high is not None and value > high):
        raise NumberOutOfRange(item.id, low, high)
    return value


def month_year_text(year: int, month: int) -> str:
    """Write a month the one way it is stored: ``YYYY-MM``."""
    return f"{year:04d}-{month:02d}"


def _parse_month_year(item: Item, typed: str) -> str:
    typed = typed.strip()
    if match := _YEAR_FIRST.fullmatch(typed):
        year, month = int(match[1]), int(match[2])
    elif match := _MONTH_FIRST.fullmatch(typed):
        month, year = int(match[1]), int(match[2])
    else:
        raise InvalidMonthYear(item.id)
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidMonthYear(item.id)
    value = month_year_text(year, month)
    low = item.minimum if isinstance(item.minimum, str) else None
    high = item.maximum if isinstance(item.maximum, str) else None
    # Zero-padded YYYY-MM text sorts in date order, so plain comparison is enough.
    if (low is not None and value < low) or (high is not None and value > high):
        raise _month_out_of_range(item.id, low, high)
    return value


def _month_out_of_range(item_id: str, low: str | None, high: str | None) -> InvalidMonthYear:
    def shown(month: str) -> str:
        year, number = month.split("-")
        return f"{number}/{year}"

    if low is not None and high is not None:
        return InvalidMonthYear(
            item_id,
            N_(
                "Enter a month and year between %(earliest)s and %(latest)s, "
                "or leave this question blank."
            ),
            earliest=shown(low),
            latest=shown(high),
        )
    if low is not None:
        return InvalidMonthYear(
            item_id,
            N_("Enter a month and year of %(earliest)s or later, or leave this question blank."),
            earliest=shown(low),
        )
    return InvalidMonthYear(
        item_id,
        N_("Enter a month and year of %(latest)s or earlier, or leave this question blank."),
        latest=shown(high) if high is not None else "",
    )


def parse_answer(
    item: Item, raw: RawAnswer, *, allow_option_numbers: bool = False
) -> AnswerValue | None:
    """Check a raw web-form or SMS answer; None means skipped, which is always allowed."""
    if not item.is_answerable:
        raise NotAnswerable(item.id)
    pieces = _pieces(item, raw)
    if not pieces:
        return None
    if item.type == "multiple":
        return _parse_multiple(item, pieces, allow_option_numbers)
    if item.type == "single":
        return _parse_single(item, pieces, allow_option_numbers)
    if len(pieces) > 1:
        raise MultipleNotAllowed(item.id)
    if item.type == "text":
        return _parse_text(item, pieces[0])
    if item.type == "number":
        return _parse_number(item, pieces[0])
    return _parse_month_year(item, pieces[0])


def _plain_decimal(value: float) -> str:
    # repr gives the shortest text that reads back as the same float; Decimal writes it
    # without an exponent, which the number parser (and a spreadsheet) can read.
    return format(Decimal(repr(value)), "f").removesuffix(".0")


def serialise_answer(item: Item, value: AnswerValue) -> str:
    """Write an answer as the text stored and exported (see the format document's table)."""
    if item.type == "single" and isinstance(value, str) and value in item.option_codes:
        return value
    if item.type == "multiple" and isinstance(value, tuple) and value:
        if all(code in item.option_codes for code in value):
            return MULTIPLE_SEPARATOR.join(code for code in item.option_codes if code in value)
    if item.type == "text" and isinstance(value, str):
        return value
    if item.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if item.type == "number" and isinstance(value, float) and not item.integer:
        if math.isfinite(value):
            return _plain_decimal(value)
    if item.type == "month_year" and isinstance(value, str):
        return _parse_month_year(item, value)
    if not item.is_answerable:
        raise NotAnswerable(item.id)
    raise InvalidAnswer(item.id)


def deserialise_answer(item: Item, text: str | None) -> AnswerValue | None:
    """Read a stored answer back; empty or None is a skipped question."""
    if text is None or text == "":
        return None
    if not item.is_answerable:
        raise NotAnswerable(item.id)
    if not isinstance(text, str):
        raise InvalidAnswer(item.id)
    if item.type == "single":
        return item.option(text).code
    if item.type == "multiple":
        codes = text.split(MULTIPLE_SEPARATOR)
        for code in codes:
            item.option(code)
        return tuple(code for code in item.option_codes if code in codes)
    if item.type == "text":
        if item.max_length is not None and len(text) > item.max_length:
            raise TextTooLong(item.id, len(text), item.max_length)
        return text
    if item.type == "number":
        return _parse_number(item, text)
    return _parse_month_year(item, text)
