"""SMS arithmetic: which encoding a prompt needs and how many billed segments it costs."""

from __future__ import annotations

import pytest

from app.questionnaire import replace_smart_punctuation, sms_encoding, sms_segments

SEGMENTS = [
    ("", "GSM-7", 0),
    ("a", "GSM-7", 1),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),  # extension characters cost two septets each
    ("€" * 81, "GSM-7", 2),
    ("a" * 152 + "[" + "a" * 10, "GSM-7", 2),  # the escape pair moves whole to part two
    ("a" * 152 + "[" + "a" * 152, "GSM-7", 3),
    ("Ça va? Niño, £5 à Køge", "GSM-7", 1),
    ("It’s kind", "UCS-2", 1),  # one curly apostrophe makes the whole message UCS-2
    ("ا" * 70, "UCS-2", 1),
    ("ا" * 71, "UCS-2", 2),
    ("ا" * 134, "UCS-2", 2),
    ("ا" * 135, "UCS-2", 3),
    ("🙂" * 35, "UCS-2", 1),  # an emoji is two UTF-16 code units
    ("🙂" * 36, "UCS-2", 2),
    ("a" * 66 + "🙂" + "a" * 66, "UCS-2", 3),  # a surrogate pair is never split
]


@pytest.mark.parametrize(("text", "encoding", "segments"), SEGMENTS)
def test_encoding_and_segments(text: str, encoding: str, segments: int) -> None:
    assert sms_encoding(text) == encoding
    assert sms_segments(text) == segments


def test_smart_punctuation_is_replaced_so_a_gsm_message_stays_gsm() -> None:
    text = "“It’s fine” – she said… it\u00a0was — ok"
    plain = replace_smart_punctuation(text)
    assert plain == '"It\'s fine" - she said... it was - ok'
    assert sms_encoding(text) == "UCS-2"
    assert sms_encoding(plain) == "GSM-7"


def test_letters_of_other_scripts_are_left_alone() -> None:
    assert replace_smart_punctuation("আপনার মা") == "আপনার মা"
