"""Questions name the person who died the way the carer does: by name, else by relationship."""

from __future__ import annotations

import pytest

from app.questionnaire import Questionnaire, person_phrase, render_text


def test_a_carer_who_gave_a_name_sees_the_name(piped: Questionnaire) -> None:
    answers = {"about.relationship": "child"}
    assert person_phrase(piped, answers, "  Margaret  ") == "Margaret"


def test_a_carer_who_gave_a_relationship_sees_the_relationship(piped: Questionnaire) -> None:
    assert person_phrase(piped, {"about.relationship": "spouse_partner"}, None) == "your partner"
    assert person_phrase(piped, {"about.relationship": "child"}, "   ") == "your parent"


@pytest.mark.parametrize(
    "answers",
    [{}, {"about.relationship": None}, {"about.relationship": "friend_neighbour"}],
    ids=["not asked yet", "skipped", "no phrase for that relationship"],
)
def test_otherwise_the_default_phrase_is_used(
    piped: Questionnaire, answers: dict[str, str | None]
) -> None:
    assert person_phrase(piped, answers, None) == "the person who died"


def test_a_name_too_long_to_be_a_name_falls_back_to_the_relationship(piped: Questionnaire) -> None:
    assert person_phrase(piped, {"about.relationship": "child"}, "x" * 61) == "your parent"
    assert person_phrase(piped, {}, "x" * 60) == "x" * 60


RENDERED = [
    ("{person} was at home.", "your mother", "Your mother was at home."),
    ("Was {person} at home?", "your mother", "Was your mother at home?"),
    ("It was hard. {person} was tired.", "your mother", "It was hard. Your mother was tired."),
    ("Is that right?\n{person} said so.", "your mother", "Is that right?\nYour mother said so."),
    ('"{person}" is how we name them.', "your mother", '"Your mother" is how we name them.'),
    ("Did {person} want that? {person} did.", "Ann", "Did Ann want that? Ann did."),
    ("{person} was at home.", "dr McLeod", "Dr McLeod was at home."),
    ("Was {person} at home?", "McLeod", "Was McLeod at home?"),
    ("No placeholder here.", "your mother", "No placeholder here."),
    ("e.g.{person}", "your mother", "e.g.your mother"),
]


@pytest.mark.parametrize(("text", "phrase", "expected"), RENDERED)
def test_render_text_capitalises_only_at_the_start_of_a_sentence(
    text: str, phrase: str, expected: str
) -> None:
    assert render_text(text, phrase) == expected


def test_a_piped_question_from_the_fixture(piped: Questionnaire) -> None:
    phrase = person_phrase(piped, {"about.relationship": "spouse_partner"}, None)
    assert render_text(piped.item("about.home").text, phrase) == (
        "Your partner was at home in the last 3 months. Is that right? Did your partner want that?"
    )
