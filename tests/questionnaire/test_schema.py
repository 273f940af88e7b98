"""The loaded questionnaire: frozen, looked up by id, scored 0-10 from its options."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.questionnaire import (
    And,
    Equals,
    Not,
    Questionnaire,
    UnknownIndicator,
    UnknownItem,
    UnknownOptionCode,
    UnknownPage,
    load_questionnaire,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_loaded_questionnaire_cannot_be_changed(routing: Questionnaire) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        routing.title = "Changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        routing.scales["yesno"] = ()  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        routing.item("home.any_time").text = "Changed"  # type: ignore[misc]


def test_loading_the_same_file_twice_gives_equal_hashable_questionnaires() -> None:
    first = load_questionnaire(FIXTURES / "piping" / "v1.yaml")
    second = load_questionnaire(FIXTURES / "piping" / "v1.yaml")
    assert first == second
    assert len({first, second}) == 1
    assert hash(first.piping) == hash(second.piping)


def test_items_and_pages_are_listed_in_file_order(routing: Questionnaire) -> None:
    assert [item.id for item in routing.items] == [
        "home.any_time",
        "home.gp.seen",
        "home.gp.rating",
        "home.gp.poor_why",
        "hospital.any_time",
        "hospital.rating",
        "overall.comment",
    ]
    assert [page.id for page in routing.pages][:3] == [
        "home-any-time",
        "home-gp-seen",
        "home-gp-rating",
    ]


def test_lookups_by_id(routing: Questionnaire) -> None:
    assert routing.item("home.gp.rating").page_id == "home-gp-rating"
    assert routing.item("home.gp.rating").section_id == "home"
    assert routing.page_of("home.gp.poor_why").id == "home-gp-rating"
    assert routing.has_item("home.any_time") and not routing.has_item("home.nothing")
    assert routing.has_page("hospital-rating") and not routing.has_page("nowhere")
    with pytest.raises(UnknownItem):
        routing.item("home.nothing")
    with pytest.raises(UnknownPage):
        routing.page("nowhere")


def test_information_text_is_not_an_answerable_item(all_types: Questionnaire) -> None:
    assert "types.info" in [item.id for item in all_types.items]
    assert "types.info" not in [item.id for item in all_types.answerable_items]


def test_a_scale_with_extra_options_gives_the_item_every_choice(all_types: Questionnaire) -> None:
    single = all_types.item("types.single")
    assert single.scale_id == "yesno"
    assert single.option_codes == ("yes", "no", "dk", "na")
    assert single.substantive_codes == ("yes", "no")
    assert single.option("na").label == "Not applicable"
    with pytest.raises(UnknownOptionCode):
        single.option("maybe")


@pytest.mark.parametrize(
    ("code", "score"),
    [("outstanding", 10.0), ("excellent", 7.5), ("good", 5.0), ("fair", 2.5), ("poor", 0.0)],
)
def test_ratings_score_best_ten_worst_zero_in_equal_steps(
    indicators: Questionnaire, code: str, score: float
) -> None:
    assert indicators.item("care.rating").score(code) == score


def test_dont_know_and_no_pain_are_not_scored(indicators: Questionnaire) -> None:
    pain = indicators.item("care.pain")
    assert [pain.score(code) for code in pain.option_codes] == [10.0, 5.0, 0.0, None, None]
    with pytest.raises(UnknownOptionCode):
        pain.score("maybe")


def test_only_single_choice_items_with_two_substantive_options_are_scorable(
    all_types: Questionnaire,
) -> None:
    assert all_types.item("types.single").is_scorable
    assert not all_types.item("types.multiple").is_scorable
    assert all_types.item("types.multiple").score("gp") is None


def test_a_page_condition_includes_its_sections(routing: Questionnaire) -> None:
    section_condition = Not(Equals("home.any_time", "dk"))
    assert routing.sections[1].show_if == section_condition
    assert routing.page("hospital-any-time").show_if == section_condition
    assert routing.page("hospital-rating").show_if == And(
        (section_condition, Equals("hospital.any_time", "yes"))
    )
    assert routing.item("home.gp.poor_why").show_if == Equals("home.gp.rating", "poor")


def test_indicators_are_looked_up_by_id(indicators: Questionnaire) -> None:
    match = indicators.indicator("died_in_preferred_place")
    assert match.kind == "match" and match.other_item_id == "care.place_of_death"
    assert indicators.indicator("overall_oe").numerator == ("outstanding", "excellent")
    with pytest.raises(UnknownIndicator):
        indicators.indicator("nothing")
