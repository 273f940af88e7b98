"""Removes identifiers from quotes (names, phone and NHS numbers, e-mails, postcodes, addresses)."""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers

NAME, PHONE, NHS_NUMBER, EMAIL = "[name]", "[phone number]", "[NHS number]", "[email]"
POSTCODE, ADDRESS, DATE_OF_BIRTH, DATE = "[postcode]", "[address]", "[date of birth]", "[date]"

_TITLES = (
    r"Dr|Doctor|Nurse|Sister|Matron|Midwife|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Rev|Revd|Reverend|"
    r"Father|Fr|Imam|Rabbi|Pastor|Canon|Bishop|Sheikh|Shaykh|Maulana|Pandit|Giani|Bhai|Sant|"
    r"Sir|Dame|Lady|Lord|Chaplain|Councillor|Cllr|Pan|Pani|Siostra|Doktor|Ks|Ksiądz|Parch|Nyrs"
)
# Words that follow a title but are not names ("the Nurse. The care was...", "Dr Who?").
_NOT_NAMES = (
    r"The|A|An|And|But|Or|I|We|He|She|They|It|This|That|On|In|At|Was|Were|Who|When|Thank|"
    r"Thanks|Please|Team|Practitioner|Practitioners|Surgery|Surgeries|Led|Unit|Ward"
)
_NAME_WORD = r"[A-Z\u00c0-\u017f][\w'’\-]*"
TITLED_NAME = re.compile(
    rf"\b(?i:(?P<title>{_TITLES}))\.?\s+(?!(?:{_NOT_NAMES})\b)"
    rf"{_NAME_WORD}(?:\s+(?!(?:{_NOT_NAMES})\b){_NAME_WORD})?"
)
EMAIL_ADDRESS = re.compile(r"\b[\w.+'\-]+@[\w\-]+(?:\.[\w\-]+)+\b")
# UK numbers by shape, because phonenumbers' validity check rejects Ofcom's drama ranges
# (07700 900xxx, 0113 496 0xxx) that people still type as examples or real numbers.
UK_PHONE = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)(?:\d[\s\-]?){8,9}\d(?!\d)")
NHS_NUMBER_SHAPE = re.compile(r"(?<!\d)(\d{3})[\s\-]?(\d{3})[\s\-]?(\d{4})(?!\d)")
NHS_NUMBER_LABELLED = re.compile(
    r"(?i)\bnhs\s*(?:no\.?|number|num)?\s*[:#]?\s*\d(?:[\s\-]?\d){9}(?!\d)"
)
UK_POSTCODE = re.compile(
    r"(?i)\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b"
)
_STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Way|Crescent|Cres|Court|Ct|Gardens|Gdns|"
    r"Place|Pl|Terrace|Grove|Hill|Park|View|Walk|Square|Sq|Row|Mews|Rise|Green|Vale|Parade|"
    r"Heights|Fold|Croft|Stryd|Heol|Ffordd|ulica|ul"
)
STREET_ADDRESS = re.compile(
    rf"(?:\b(?i:flat|apartment|unit)\s+\d+[A-Za-z]?,?\s+)?"
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'’\-]*\s+){{1,3}}(?:{_STREET_TYPES})\b\.?"
    rf"|\b(?:[A-Z][a-z'’\-]+\s+){{1,2}}(?:Street|Road|Avenue|Lane|Close|Crescent|Terrace|"
    rf"Gardens|Grove|Mews)\b"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_FULL_DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
DATE_OF_BIRTH_PHRASE = re.compile(
    rf"(?i)\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)\s*[:\-]?\s*"
    rf"(?:{_FULL_DATE}|\d{{4}})"
)
FULL_DATE = re.compile(rf"(?i)\b{_FULL_DATE}")


def is_valid_nhs_number(digits: str) -> bool:
    """NHS number Modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _redact_nhs_numbers(text: str) -> str:
    text = NHS_NUMBER_LABELLED.sub(NHS_NUMBER, text)

    def replace(match: re.Match[str]) -> str:
        digits = "".join(match.groups())
        return NHS_NUMBER if is_valid_nhs_number(digits) else match.group(0)

    return NHS_NUMBER_SHAPE.sub(replace, text)


def _redact_other_phone_numbers(text: str) -> str:
    """International numbers and UK ones in unusual layouts, found by libphonenumber."""
    spans = []
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        # Short codes (111, 999, 116 123) are services to name, never a person's number.
        if sum(ch.isdigit() for ch in match.raw_string) >= 9:
            spans.append((match.start, match.end))
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text


def _redact_titled_names(text: str) -> str:
    return TITLED_NAME.sub(lambda m: f"{m.group('title')} {NAME}", text)


_STEPS: tuple[Callable[[str], str], ...] = (
    lambda t: EMAIL_ADDRESS.sub(EMAIL, t),
    lambda t: DATE_OF_BIRTH_PHRASE.sub(DATE_OF_BIRTH, t),
    lambda t: FULL_DATE.sub(DATE, t),
    _redact_nhs_numbers,
    lambda t: UK_PHONE.sub(PHONE, t),
    _redact_other_phone_numbers,
    lambda t: UK_POSTCODE.sub(POSTCODE, t),
    lambda t: STREET_ADDRESS.sub(ADDRESS, t),
    _redact_titled_names,
)


def redact(text: str) -> str:
    """The text with every identifier we can recognise replaced by a [placeholder]."""
    for step in _STEPS:
        text = step(text)
    return text
