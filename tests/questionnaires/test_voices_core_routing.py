"""Routing of the VOICES core through the real engine: carers see only the services they used.

VOICES asks about a service only when the person who died used it, so every filter question
that is not answered "yes" (no, don't know, skipped, never reached) must take its whole block
off the carer's path; a "yes" must bring it back. Denominators depend on it.
"""

from __future__ import annotations

import pytest

from app.questionnaire import (
    load_questionnaire,
    next_page,
    path,
    person_phrase,
    prune_answers,
    render_text,
    sms_encoding,
    sms_segments,
    validate_questionnaire_file,
    visible_items,
)
from tests.questionnaires.voices_contract import CORE_V1_PATH

HOME_AFTER_FILTER = [
    "home.gp.seen", "home.gp.dignity", "home.gp.rating",
    "home.dn.seen", "home.dn.dignity", "home.dn.rating",
    "home.spc.seen", "home.spc.rating",
    "home.carers.seen", "home.carers.dignity", "home.carers.rating",
    "home.pain", "home.personal_care", "home.equipment", "home.coordination",
    "home.carer_support", "home.ooh.needed", "home.ooh.got_care", "home.ooh.rating",
]  # fmt: skip

# filter item -> (filters that must already be "yes" for it to be asked, the block it guards)
BLOCKS: dict[str, tuple[list[str], list[str]]] = {
    "home.any_time": ([], HOME_AFTER_FILTER),
    "home.gp.seen": (["home.any_time"], ["home.gp.dignity", "home.gp.rating"]),
    "home.dn.seen": (["home.any_time"], ["home.dn.dignity", "home.dn.rating"]),
    "home.spc.seen": (["home.any_time"], ["home.spc.rating"]),
    "home.carers.seen": (["home.any_time"], ["home.carers.dignity", "home.carers.rating"]),
    "home.ooh.needed": (["home.any_time"], ["home.ooh.got_care", "home.ooh.rating"]),
    "carehome.any_time": ([], ["carehome.dignity", "carehome.pain", "carehome.rating"]),
    "hospital.any_time": ([], [
        "hospital.doctors.dignity", "hospital.nurses.dignity", "hospital.enough_nurses",
        "hospital.pain", "hospital.coordination", "hospital.rating",
    ]),
    "hospice.any_time": ([], [
        "hospice.doctors.dignity", "hospice.nurses.dignity", "hospice.pain", "hospice.rating",
    ]),
    "pref.expressed": ([], [
        "pref.place", "pref.recorded", "pref.enough_choice", "pref.right_place",
    ]),
    # Not a VOICES "F" item, but only someone who was told can say how they were told.
    "death.told_likely": ([], ["death.told_sensitively"]),
}  # fmt: skip

NOT_YES = {"no": "no", "don't know": "dk", "skipped": None, "never answered": "absent"}


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(CORE_V1_PATH)


def seen_items(q, answers) -> list[str]:
    """The questions on this carer's path, in the order they are asked."""
    return [
        item.id
        for page in path(q, answers)
        for item in visible_items(q, page, answers)
        if item.is_answerable
    ]


def with_filter(guards: list[str], filter_id: str, value) -> dict:
    """Outer filters "yes", ``filter_id`` = ``value``, and any filters nested in its block "yes"."""
    nested = [item_id for item_id in BLOCKS[filter_id][1] if item_id in BLOCKS]
    answers: dict = {item_id: "yes" for item_id in guards + nested}
    if value != "absent":
        answers[filter_id] = value
    return answers


def test_the_core_file_passes_every_engine_check():
    assert validate_questionnaire_file(CORE_V1_PATH) == []


def test_the_table_covers_every_filter_item(q):
    filters = {item.id for item in q.items if item.filter}
    assert filters == set(BLOCKS) - {"death.told_likely"}


@pytest.mark.parametrize("filter_id", list(BLOCKS))
def test_yes_to_a_filter_shows_its_whole_block(q, filter_id):
    guards, block = BLOCKS[filter_id]
    seen = seen_items(q, with_filter(guards, filter_id, "yes"))
    assert filter_id in seen
    assert [i for i in seen if i in block] == block


@pytest.mark.parametrize("answer", list(NOT_YES), ids=list(NOT_YES))
@pytest.mark.parametrize("filter_id", list(BLOCKS))
def test_anything_but_yes_removes_the_block_and_nothing_else(q, filter_id, answer):
    guards, block = BLOCKS[filter_id]
    with_yes = seen_items(q, with_filter(guards, filter_id, "yes"))
    without = seen_items(q, with_filter(guards, filter_id, NOT_YES[answer]))
    assert without == [i for i in with_yes if i not in block]


@pytest.mark.parametrize("filter_id", [f for f, (guards, _) in BLOCKS.items() if guards])
def test_a_nested_block_is_hidden_when_its_outer_filter_is_no(q, filter_id):
    guards, block = BLOCKS[filter_id]
    answers = {guard: "no" for guard in guards} | {filter_id: "yes"}
    seen = seen_items(q, answers)
    assert filter_id not in seen
    assert not set(block) & set(seen)


@pytest.mark.parametrize("filter_id", list(BLOCKS))
def test_changing_a_filter_to_no_drops_the_answers_already_given_in_its_block(q, filter_id):
    guards, block = BLOCKS[filter_id]
    answers = with_filter(guards, filter_id, "no")
    for item_id in block:
        answers[item_id] = q.item(item_id).option_codes[0] if q.item(item_id).is_choice else "x"
    kept = prune_answers(q, answers)
    assert not set(block) & set(kept)
    assert kept[filter_id] == "no"


def test_a_carer_whose_person_was_at_home_and_in_hospital_sees_just_those_services(q):
    answers = {
        "about.relationship": "child",
        "about.place_of_death": "hospital",
        "home.any_time": "yes",
        "home.gp.seen": "yes",
        "home.dn.seen": "no",
        "home.spc.seen": "dk",
        "home.carers.seen": "yes",
        "home.ooh.needed": "no",
        "carehome.any_time": "no",
        "hospital.any_time": "yes",
        "hospice.any_time": "no",
        "death.told_likely": "no",
        "pref.expressed": "yes",
    }
    expected = [
        "about.relationship", "about.age_band", "about.sex", "about.cause_group",
        "about.place_of_death", "about.ethnicity", "about.religion", "about.months_since_death",
        "home.any_time",
        "home.gp.seen", "home.gp.dignity", "home.gp.rating",
        "home.dn.seen",
        "home.spc.seen",
        "home.carers.seen", "home.carers.dignity", "home.carers.rating",
        "home.pain", "home.personal_care", "home.equipment", "home.coordination",
        "home.carer_support", "home.ooh.needed",
        "carehome.any_time",
        "hospital.any_time", "hospital.doctors.dignity", "hospital.nurses.dignity",
        "hospital.enough_nurses", "hospital.pain", "hospital.coordination", "hospital.rating",
        "hospice.any_time",
        "last2.place", "last2.doctors.dignity", "last2.nurses.dignity", "last2.pain",
        "last2.nursing_help", "last2.privacy", "last2.nutrition", "last2.fluids",
        "last2.understood_info", "last2.time_to_ask", "last2.involved",
        "last2.family_involved", "last2.unwanted_decisions",
        "death.told_likely", "death.support_at_time", "death.dealt_sensitively",
        "death.culture_faith", "death.bereavement_support",
        "pref.expressed", "pref.place", "pref.recorded", "pref.enough_choice", "pref.right_place",
        "overall.rating", "overall.good", "overall.improve", "overall.other",
        "you.main_carer", "you.age_band", "you.sex", "you.ethnicity", "you.religion",
        "you.language", "you.lgbtq",
    ]  # fmt: skip
    assert seen_items(q, answers) == expected


def test_next_page_walks_the_same_path(q):
    answers = {"home.any_time": "yes", "home.gp.seen": "no", "hospital.any_time": "yes"}
    walked, page = [], next_page(q, answers, None)
    while page is not None:
        walked.append(page.id)
        page = next_page(q, answers, page.id)
    assert walked == [page.id for page in path(q, answers)]
    assert "home-gp-care" not in walked and "hospital-dignity" in walked


def test_a_carer_who_skips_every_question_still_reaches_the_end_without_service_blocks(q):
    seen = seen_items(q, {})
    assert seen[-1] == "you.lgbtq"
    for filter_id, (_guards, block) in BLOCKS.items():
        assert not set(block) & set(seen), filter_id


RELATIONSHIPS = [
    "spouse_partner", "child", "child_in_law", "sibling", "parent",
    "other_relative", "friend_neighbour", "other",
]  # fmt: skip


@pytest.mark.parametrize("name", [None, "Amira", "Bartholomew-Fitzgerald"])
@pytest.mark.parametrize("relationship", [*RELATIONSHIPS, None])
def test_every_sms_prompt_is_one_gsm7_message_however_the_person_is_named(q, name, relationship):
    answers = {} if relationship is None else {"about.relationship": relationship}
    phrase = person_phrase(q, answers, name)
    for item_id in q.sms_form:
        text = render_text(q.item(item_id).sms_text, phrase)
        assert sms_encoding(text) == "GSM-7", (item_id, text)
        assert sms_segments(text) == 1, (item_id, len(text), text)


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_question_text_never_starts_lower_case_whoever_the_person_is(q, relationship):
    phrase = person_phrase(q, {"about.relationship": relationship}, None)
    for item in q.items:
        for text in (item.text, item.hint):
            if text:
                rendered = render_text(text, phrase)
                assert rendered[0].isupper() or rendered[0] in "'\"", (item.id, rendered)
