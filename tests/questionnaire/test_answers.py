"""Reading what a carer typed or ticked, kindly refusing what cannot be accepted, and storing it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.questionnaire import (
    AnswerValue,
    InvalidAnswer,
    InvalidMonthYear,
    Item,
    MultipleNotAllowed,
    NotAnswerable,
    NotANumber,
    NumberOutOfRange,
    Questionnaire,
    TextTooLong,
    UnknownOptionCode,
    deserialise_answer,
    parse_answer,
    serialise_answer,
)

ACCEPTED: list[tuple[str, Any, AnswerValue | None]] = [
    # Skipping is always allowed, whatever the question.
    ("types.single", None, None),
    ("types.single", "", None),
    ("types.single", "   ", None),
    ("types.single", [], None),
    ("types.single", ["", " "], None),
    ("types.multiple", [], None),
    ("types.text", " \n\t ", None),
    ("types.number", " ", None),
    ("types.died", "", None),
    # Single choice: the code, in any case, with spaces around it.
    ("types.single", "yes", "yes"),
    ("types.single", " Yes ", "yes"),
    ("types.single", "NA", "na"),
    ("types.single", ["dk"], "dk"),
    ("types.single", ["no", "no"], "no"),
    # Multiple choice: a list, or one string joined with ';', returned in option order.
    ("types.multiple", ["carer", "gp"], ("gp", "carer")),
    ("types.multiple", "nurse;gp", ("gp", "nurse")),
    ("types.multiple", ["gp", "GP", "gp;nurse"], ("gp", "nurse")),
    ("types.multiple", ";gp;", ("gp",)),
    # Text: stripped, line ends normalised, control characters dropped.
    ("types.text", "  She was cared for  ", "She was cared for"),
    ("types.text", "line one\r\nline two", "line one\nline two"),
    ("types.text", "a\x00b\x07c\td", "abc\td"),
    ("types.text", "x" * 20, "x" * 20),
    ("types.text", "é" * 20, "é" * 20),  # characters, not bytes
    # Numbers: spaces, a whole number written with .0, the bounds themselves.
    ("types.number", " 12 ", 12),
    ("types.number", "12.0", 12),
    ("types.number", "0", 0),
    ("types.number", "120", 120),
    ("types.number", "+7", 7),
    ("types.number", "٣٤", 34),  # Arabic-Indic digits, as typed on an Urdu or Arabic keyboard
    ("types.hours", "1.5", 1.5),
    ("types.hours", "2", 2.0),
    # Months: four ways of writing one, stored one way.
    ("types.died", "2024-03", "2024-03"),
    ("types.died", "03/2024", "2024-03"),
    ("types.died", "3/2024", "2024-03"),
    ("types.died", "03-2024", "2024-03"),
    ("types.died", " 12 / 2030 ", "2030-12"),
]


@pytest.mark.parametrize(("item_id", "raw", "expected"), ACCEPTED)
def test_accepted_answers(
    all_types: Questionnaire, item_id: str, raw: Any, expected: AnswerValue | None
) -> None:
    assert parse_answer(all_types.item(item_id), raw) == expected


REFUSED: list[tuple[str, Any, type[InvalidAnswer], str]] = [
    (
        "types.single",
        "maybe",
        UnknownOptionCode,
        "Choose one of the options, or leave this question blank.",
    ),
    ("types.single", "1", UnknownOptionCode, "Choose one of the options"),
    (
        "types.single",
        ["yes", "no"],
        MultipleNotAllowed,
        "Choose only one answer, or leave this question blank.",
    ),
    ("types.multiple", ["gp", "vet"], UnknownOptionCode, "Choose one of the options"),
    (
        "types.text",
        "x" * 21,
        TextTooLong,
        "Your answer is 21 characters long. Please shorten it to 20 characters or fewer.",
    ),
    ("types.text", ["one", "two"], MultipleNotAllowed, "Choose only one answer"),
    ("types.number", "twelve", NotANumber, "Enter a number, like 3, or leave this question blank."),
    (
        "types.number",
        "12.5",
        NotANumber,
        "Enter a whole number, like 3, or leave this question blank.",
    ),
    ("types.number", "nan", NotANumber, "Enter a number"),
    ("types.number", "inf", NotANumber, "Enter a number"),
    ("types.number", "1e400", NotANumber, "Enter a number"),
    ("types.number", "1_000", NotANumber, "Enter a number"),
    ("types.number", "0x10", NotANumber, "Enter a number"),
    (
        "types.number",
        "121",
        NumberOutOfRange,
        "Enter a number from 0 to 120, or leave this question blank.",
    ),
    ("types.number", "-1", NumberOutOfRange, "Enter a number from 0 to 120"),
    (
        "types.hours",
        "0.25",
        NumberOutOfRange,
        "Enter a number of 0.5 or more, or leave this question blank.",
    ),
    ("types.hours", "1e3", NotANumber, "Enter a number"),
    (
        "types.died",
        "March 2024",
        InvalidMonthYear,
        "Enter a month and year, like 03/2024, or leave this question blank.",
    ),
    ("types.died", "13/2024", InvalidMonthYear, "Enter a month and year, like 03/2024"),
    ("types.died", "2024-00", InvalidMonthYear, "Enter a month and year, like 03/2024"),
    ("types.died", "01/1899", InvalidMonthYear, "Enter a month and year, like 03/2024"),
    (
        "types.died",
        "12/2019",
        InvalidMonthYear,
        "Enter a month and year between 01/2020 and 12/2030, or leave this question blank.",
    ),
    (
        "types.info",
        "anything",
        NotAnswerable,
        "This is information only and does not need an answer.",
    ),
    ("types.info", None, NotAnswerable, "This is information only"),
    ("types.single", 5, InvalidAnswer, "We could not read this answer"),
    ("types.single", [b"yes"], InvalidAnswer, "We could not read this answer"),
]


@pytest.mark.parametrize(("item_id", "raw", "error", "message"), REFUSED)
def test_refused_answers_get_a_kind_plain_message(
    all_types: Questionnaire, item_id: str, raw: Any, error: type[InvalidAnswer], message: str
) -> None:
    with pytest.raises(error) as refused:
        parse_answer(all_types.item(item_id), raw)
    assert type(refused.value) is error
    assert refused.value.item_id == item_id
    assert refused.value.message.startswith(message)
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(("reply", "code"), [("1", "yes"), ("2", "no"), ("3", "dk"), ("4", "na")])
def test_an_sms_reply_can_pick_an_option_by_its_number(
    all_types: Questionnaire, reply: str, code: str
) -> None:
    assert parse_answer(all_types.item("types.single"), reply, allow_option_numbers=True) == code


@pytest.mark.parametrize("reply", ["0", "5", "-1", "１", "01" * 3000])
def test_an_sms_reply_with_a_number_that_is_not_listed_is_refused(
    all_types: Questionnaire, reply: str
) -> None:
    with pytest.raises(UnknownOptionCode):
        parse_answer(all_types.item("types.single"), reply, allow_option_numbers=True)


STORED: list[tuple[str, AnswerValue, str]] = [
    ("types.single", "dk", "dk"),
    ("types.multiple", ("gp", "carer"), "gp;carer"),
    ("types.text", "Line one\nLine two", "Line one\nLine two"),
    ("types.number", 12, "12"),
    ("types.hours", 1.5, "1.5"),
    ("types.hours", 2.0, "2"),
    ("types.hours", 1e20, "100000000000000000000"),
    ("types.died", "2024-03", "2024-03"),
]


@pytest.mark.parametrize(("item_id", "value", "text"), STORED)
def test_answers_are_stored_as_the_text_in_the_format_table(
    all_types: Questionnaire, item_id: str, value: AnswerValue, text: str
) -> None:
    item = all_types.item(item_id)
    assert serialise_answer(item, value) == text
    assert deserialise_answer(item, text) == value


def test_a_skipped_answer_is_read_back_as_none(all_types: Questionnaire) -> None:
    assert deserialise_answer(all_types.item("types.single"), None) is None
    assert deserialise_answer(all_types.item("types.text"), "") is None


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("types.single", "maybe"),
        ("types.single", ("yes",)),
        ("types.multiple", ("gp", "vet")),
        ("types.multiple", ()),
        ("types.number", 1.5),
        ("types.number", True),
        ("types.hours", float("nan")),
        ("types.died", "soon"),
        ("types.info", "x"),
    ],
)
def test_a_value_of_the_wrong_kind_cannot_be_stored(
    all_types: Questionnaire, item_id: str, value: AnswerValue
) -> None:
    with pytest.raises(InvalidAnswer):
        serialise_answer(all_types.item(item_id), value)


@pytest.mark.parametrize(
    ("item_id", "text", "error"),
    [
        ("types.single", "maybe", UnknownOptionCode),
        ("types.multiple", "gp;;nurse", UnknownOptionCode),
        ("types.text", "x" * 21, TextTooLong),
        ("types.number", "12.5", NotANumber),
        ("types.number", "500", NumberOutOfRange),
        ("types.died", "2024-13", InvalidMonthYear),
        ("types.info", "x", NotAnswerable),
    ],
)
def test_bad_stored_text_is_reported_not_passed_on(
    all_types: Questionnaire, item_id: str, text: str, error: type[InvalidAnswer]
) -> None:
    with pytest.raises(error):
        deserialise_answer(all_types.item(item_id), text)


# Property tests: whatever arrives from a web form or a text message, the engine either
# accepts it or raises InvalidAnswer with a message for the carer, and never anything else.

ANSWERABLE = [
    "types.single",
    "types.multiple",
    "types.text",
    "types.number",
    "types.hours",
    "types.died",
]
RAW = st.one_of(
    st.none(),
    st.text(),
    st.lists(st.text(), max_size=5),
    st.text(alphabet="0123456789.-+/eE ;yesnogpYN", max_size=12),
    st.lists(
        st.sampled_from(["yes", "no", "gp", "nurse", "carer", "dk", "na", "1", " "]), max_size=4
    ),
)


@settings(max_examples=400)
@given(item_id=st.sampled_from([*ANSWERABLE, "types.info"]), raw=RAW, numbers=st.booleans())
def test_parse_answer_raises_nothing_but_invalid_answer(
    all_types: Questionnaire, item_id: str, raw: Any, numbers: bool
) -> None:
    try:
        parse_answer(all_types.item(item_id), raw, allow_option_numbers=numbers)
    except InvalidAnswer as error:
        assert error.message and error.item_id == item_id


@settings(max_examples=400)
@given(item_id=st.sampled_from(ANSWERABLE), raw=RAW)
def test_every_accepted_answer_survives_storage_unchanged(
    all_types: Questionnaire, item_id: str, raw: Any
) -> None:
    item = all_types.item(item_id)
    try:
        value = parse_answer(item, raw)
    except InvalidAnswer:
        return
    if value is not None:
        assert deserialise_answer(item, serialise_answer(item, value)) == value


@given(value=st.floats(min_value=0.5, allow_nan=False, allow_infinity=False))
def test_any_float_survives_storage_unchanged(all_types: Questionnaire, value: float) -> None:
    item: Item = all_types.item("types.hours")
    text = serialise_answer(item, value)
    assert "e" not in text.lower()
    assert deserialise_answer(item, text) == value


@given(text=st.text())
def test_deserialise_raises_nothing_but_invalid_answer(all_types: Questionnaire, text: str) -> None:
    for item in all_types.items:
        try:
            deserialise_answer(item, text)
        except InvalidAnswer:
            pass
