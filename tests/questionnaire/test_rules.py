"""Routing conditions: a table of answers and what each condition says about them."""

from __future__ import annotations

import pytest

from app.questionnaire import (
    And,
    Answered,
    AnswerValue,
    Condition,
    Equals,
    In,
    Not,
    Or,
    parse_condition,
)

Answers = dict[str, AnswerValue | None]

SAID_YES: Answers = {"home.any_time": "yes"}
SAID_NO: Answers = {"home.any_time": "no"}
SKIPPED: Answers = {"home.any_time": None}
NEVER_SEEN: Answers = {}
TICKED_GP_AND_NURSE: Answers = {"home.who": ("gp", "nurse")}
TICKED_NOTHING: Answers = {"home.who": ()}
VISITS_3: Answers = {"home.visits": 3}
WROTE_NOTHING: Answers = {"overall.good": ""}

EQUALS_YES = Equals("home.any_time", "yes")

CASES: list[tuple[str, Condition, Answers, bool]] = [
    ("yes equals yes", EQUALS_YES, SAID_YES, True),
    ("no does not equal yes", EQUALS_YES, SAID_NO, False),
    ("a skipped question equals nothing", EQUALS_YES, SKIPPED, False),
    ("an unseen question equals nothing", EQUALS_YES, NEVER_SEEN, False),
    (
        "a tick-box answer equals each code ticked",
        Equals("home.who", "gp"),
        TICKED_GP_AND_NURSE,
        True,
    ),
    (
        "a tick-box answer does not equal a code not ticked",
        Equals("home.who", "carer"),
        TICKED_GP_AND_NURSE,
        False,
    ),
    ("a number equals the same number", Equals("home.visits", 3), VISITS_3, True),
    ("in: any listed code matches", In("home.any_time", ("no", "dk")), SAID_NO, True),
    ("in: no listed code matches", In("home.any_time", ("no", "dk")), SAID_YES, False),
    (
        "in: a tick-box answer overlaps",
        In("home.who", ("carer", "nurse")),
        TICKED_GP_AND_NURSE,
        True,
    ),
    ("in: nothing ticked overlaps nothing", In("home.who", ("gp",)), TICKED_NOTHING, False),
    ("in: a skipped question is in nothing", In("home.any_time", ("yes", "no")), SKIPPED, False),
    ("answered: yes is an answer", Answered("home.any_time"), SAID_YES, True),
    ("answered: skipping is not an answer", Answered("home.any_time"), SKIPPED, False),
    ("answered: empty text is not an answer", Answered("overall.good"), WROTE_NOTHING, False),
    ("answered: nothing ticked is not an answer", Answered("home.who"), TICKED_NOTHING, False),
    ("answered false: holds when skipped", Answered("home.any_time", False), SKIPPED, True),
    ("answered false: holds when unseen", Answered("home.any_time", False), NEVER_SEEN, True),
    ("answered false: fails when answered", Answered("home.any_time", False), SAID_NO, False),
    ("not: turns false into true", Not(EQUALS_YES), SAID_NO, True),
    ("not: a skipped question is 'not yes'", Not(EQUALS_YES), SKIPPED, True),
    ("and: both hold", And((EQUALS_YES, Answered("home.any_time"))), SAID_YES, True),
    ("and: one fails", And((EQUALS_YES, Equals("home.visits", 3))), SAID_YES, False),
    ("or: one holds", Or((EQUALS_YES, Equals("home.any_time", "no"))), SAID_NO, True),
    ("or: none hold", Or((EQUALS_YES, Equals("home.any_time", "no"))), SKIPPED, False),
]


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_condition_table(condition: Condition, answers: Answers, expected: bool) -> None:
    assert condition.evaluate(answers) is expected


PARSED: list[tuple[object, Condition]] = [
    ({"item": "a.b", "equals": "yes"}, Equals("a.b", "yes")),
    ({"item": "a.b", "equals": 3}, Equals("a.b", 3)),
    ({"item": "a.b", "in": ["home", "hospice"]}, In("a.b", ("home", "hospice"))),
    ({"item": "a.b", "answered": False}, Answered("a.b", False)),
    ({"not": {"item": "a.b", "equals": "no"}}, Not(Equals("a.b", "no"))),
    (
        {"and": [{"item": "a.b", "equals": "yes"}, {"or": [{"item": "c.d", "answered": True}]}]},
        And((Equals("a.b", "yes"), Or((Answered("c.d", True),)))),
    ),
]


@pytest.mark.parametrize(("data", "condition"), PARSED)
def test_conditions_are_parsed_from_file_data(data: object, condition: Condition) -> None:
    assert parse_condition(data, "show_if") == condition


BAD: list[tuple[object, str]] = [
    ("yes", "show_if: a condition must be a mapping such as {item: x, equals: y}"),
    (
        {"item": "a.b"},
        "show_if: a condition needs exactly one of and, answered, equals, in, not, or",
    ),
    ({"item": "a.b", "equals": "x", "in": ["x"]}, "show_if: a condition needs exactly one of"),
    ({"equals": "yes"}, "show_if: 'equals' needs 'item' naming the item to test"),
    ({"item": "a.b", "equals": True}, "quote yes, no, on and off so they stay text"),
    ({"item": "a.b", "in": []}, "show_if: 'in' needs a non-empty list of values"),
    ({"item": "a.b", "answered": "yes"}, "show_if: 'answered' must be true or false"),
    ({"and": []}, "show_if: 'and' needs a non-empty list of conditions"),
    (
        {"item": "a.b", "not": {"item": "a.b", "answered": True}},
        "show_if: 'not' does not take 'item'",
    ),
    ({"or": [{"item": "a.b", "eq": "x"}]}, "show_if.or[0]: unknown condition key(s): eq"),
    ({"not": {"not": "x"}}, "show_if.not.not: a condition must be a mapping"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_a_badly_shaped_condition_says_what_is_wrong_and_where(data: object, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_condition(data, "show_if")
    assert message in str(error.value)


def test_a_condition_lists_the_items_it_reads() -> None:
    condition = And((Equals("a.b", "yes"), Not(In("c.d", ("x",))), Or((Answered("e.f"),))))
    assert condition.item_ids() == frozenset({"a.b", "c.d", "e.f"})
