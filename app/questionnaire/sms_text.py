"""SMS length arithmetic: GSM-7 or UCS-2 encoding, segment counts and smart punctuation."""

from __future__ import annotations

from typing import Literal

# GSM 03.38 basic character set (the escape character itself is left out: it is not text).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension characters are sent as escape + character, so each costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SmsEncoding = Literal["GSM-7", "UCS-2"]

_GSM7_SINGLE, _GSM7_PART = 160, 153
_UCS2_SINGLE, _UCS2_PART = 70, 67

_SMART_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote, the apostrophe word processors insert
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",  # zero-width space
        "\u00ad": "",  # soft hyphen
    }
)


def sms_encoding(text: str) -> SmsEncoding:
    """Say which encoding a phone will use: one non-GSM character makes it all UCS-2."""
    for character in text:
        if character not in GSM7_BASIC and character not in GSM7_EXTENSION:
            return "UCS-2"
    return "GSM-7"


def _units(text: str, encoding: SmsEncoding) -> list[int]:
    if encoding == "GSM-7":
        return [2 if character in GSM7_EXTENSION else 1 for character in text]
    # UCS-2 messages are counted in UTF-16 code units, so an emoji costs two.
    return [2 if ord(character) > 0xFFFF else 1 for character in text]


def sms_segments(text: str) -> int:
    """Count the SMS segments (billed messages) needed for ``text``; 0 for empty text."""
    encoding = sms_encoding(text)
    units = _units(text, encoding)
    single, part = (_GSM7_SINGLE, _GSM7_PART) if encoding == "GSM-7" else (_UCS2_SINGLE, _UCS2_PART)
    total = sum(units)
    if total == 0:
        return 0
    if total <= single:
        return 1
    # An escape pair or a surrogate pair is never split between segments, so a
    # two-unit character that does not fit moves whole to the next segment.
    segments, used = 1, 0
    for size in units:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments


def replace_smart_punctuation(text: str) -> str:
    """Swap curly quotes, dashes, ellipses and odd spaces for GSM-7 ones before sending."""
    return text.translate(_SMART_PUNCTUATION)
