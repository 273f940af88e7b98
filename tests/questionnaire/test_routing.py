"""Routing journeys: which pages a carer sees, in what order, and what happens to old answers."""

from __future__ import annotations

import pytest

from app.questionnaire import (
    AnswerValue,
    Completeness,
    Questionnaire,
    UnknownPage,
    completeness,
    first_unseen_page,
    item_is_shown,
    next_page,
    off_path_items,
    page_is_shown,
    path,
    previous_page,
    progress,
    prune_answers,
    visible_items,
)

Answers = dict[str, AnswerValue | None]


def page_ids(q: Questionnaire, answers: Answers) -> list[str]:
    return [page.id for page in path(q, answers)]


def walk_forward(q: Questionnaire, answers: Answers) -> list[str]:
    seen, page = [], next_page(q, answers, None)
    while page is not None:
        seen.append(page.id)
        page = next_page(q, answers, page.id)
    return seen


def test_a_carer_who_says_no_to_the_filter_question_skips_its_block(routing: Questionnaire) -> None:
    answers: Answers = {"home.any_time": "no"}
    assert page_ids(routing, answers) == [
        "home-any-time",
        "hospital-any-time",
        "overall-comment",
    ]


def test_a_carer_who_skips_the_filter_question_also_skips_its_block(routing: Questionnaire) -> None:
    assert page_ids(routing, {"home.any_time": None}) == page_ids(routing, {"home.any_time": "no"})


def test_a_carer_who_has_answered_nothing_yet_sees_only_unguarded_pages(
    routing: Questionnaire,
) -> None:
    assert page_ids(routing, {}) == ["home-any-time", "hospital-any-time", "overall-comment"]


def test_a_carer_who_says_yes_twice_is_asked_to_rate_the_gp(routing: Questionnaire) -> None:
    answers: Answers = {"home.any_time": "yes", "home.gp.seen": "yes"}
    assert page_ids(routing, answers)[:3] == ["home-any-time", "home-gp-seen", "home-gp-rating"]
    rating_page = routing.page("home-gp-rating")
    assert [item.id for item in visible_items(routing, rating_page, answers)] == ["home.gp.rating"]


def test_a_carer_who_rates_the_gp_poor_is_asked_what_went_wrong(routing: Questionnaire) -> None:
    answers: Answers = {"home.any_time": "yes", "home.gp.seen": "yes", "home.gp.rating": "poor"}
    why = routing.item("home.gp.poor_why")
    assert item_is_shown(routing, why, answers)
    assert not item_is_shown(routing, why, {**answers, "home.gp.rating": "good"})


def test_a_carer_who_does_not_know_about_home_care_skips_the_hospital_section(
    routing: Questionnaire,
) -> None:
    answers: Answers = {"home.any_time": "dk"}
    assert page_ids(routing, answers) == ["home-any-time", "overall-comment"]
    assert not page_is_shown(routing, routing.page("hospital-any-time"), answers)


def test_next_and_previous_follow_the_path(routing: Questionnaire) -> None:
    answers: Answers = {"home.any_time": "no", "hospital.any_time": "yes"}
    assert walk_forward(routing, answers) == [
        "home-any-time",
        "hospital-any-time",
        "hospital-rating",
        "overall-comment",
    ]
    assert previous_page(routing, answers, "hospital-rating").id == "hospital-any-time"  # type: ignore[union-attr]
    assert previous_page(routing, answers, "hospital-any-time").id == "home-any-time"  # type: ignore[union-attr]
    assert previous_page(routing, answers, "home-any-time") is None
    assert previous_page(routing, answers, None) is None
    assert next_page(routing, answers, "overall-comment") is None


def test_next_page_from_a_page_that_left_the_path_still_moves_forward(
    routing: Questionnaire,
) -> None:
    # The carer went back and said no: the GP page they were on is now off the path.
    answers: Answers = {"home.any_time": "no"}
    assert next_page(routing, answers, "home-gp-rating").id == "hospital-any-time"  # type: ignore[union-attr]


def test_an_unknown_page_id_is_refused(routing: Questionnaire) -> None:
    with pytest.raises(UnknownPage):
        next_page(routing, {}, "nowhere")
    with pytest.raises(UnknownPage):
        progress(routing, {}, "nowhere")


def test_a_returning_carer_resumes_at_the_first_question_they_have_not_seen(
    routing: Questionnaire,
) -> None:
    assert first_unseen_page(routing, {}).id == "home-any-time"  # type: ignore[union-attr]
    answers: Answers = {"home.any_time": "yes", "home.gp.seen": None}
    # home.gp.seen was seen and skipped, so it does not count as unseen.
    assert first_unseen_page(routing, answers).id == "hospital-any-time"  # type: ignore[union-attr]
    finished: Answers = {"home.any_time": "no", "hospital.any_time": "no", "overall.comment": None}
    assert first_unseen_page(routing, finished) is None


def test_changing_a_filter_answer_drops_the_answers_it_no_longer_asks_for(
    routing: Questionnaire,
) -> None:
    before: Answers = {
        "home.any_time": "yes",
        "home.gp.seen": "yes",
        "home.gp.rating": "poor",
        "home.gp.poor_why": "Nobody came at the weekend",
        "hospital.any_time": "no",
    }
    after = {**before, "home.any_time": "no"}
    assert prune_answers(routing, after) == {"home.any_time": "no", "hospital.any_time": "no"}
    assert off_path_items(routing, after) == {
        "home.gp.seen",
        "home.gp.rating",
        "home.gp.poor_why",
    }
    assert prune_answers(routing, before) == before


def test_a_chain_of_stale_answers_is_dropped_in_one_pass(routing: Questionnaire) -> None:
    # home.gp.seen is stale, so the page it opened is closed too, though its own answer says yes.
    answers: Answers = {"home.any_time": "dk", "home.gp.seen": "yes", "home.gp.rating": "good"}
    assert prune_answers(routing, answers) == {"home.any_time": "dk"}


def test_answers_to_items_this_questionnaire_does_not_have_are_off_the_path(
    routing: Questionnaire,
) -> None:
    assert off_path_items(routing, {"home.any_time": "no", "old.item": "x"}) == {"old.item"}


def test_progress_counts_pages_on_this_carers_path(routing: Questionnaire) -> None:
    answers: Answers = {"home.any_time": "no"}
    assert progress(routing, answers, "home-any-time") == (1, 3)
    assert progress(routing, answers, "hospital-any-time") == (2, 3)
    assert progress(routing, answers, "overall-comment") == (3, 3)
    assert progress(routing, answers, "home-gp-rating") == (2, 3)  # off the path: the next step


def test_completeness_counts_answered_skipped_and_unseen_questions_on_the_path(
    routing: Questionnaire,
) -> None:
    answers: Answers = {"home.any_time": "yes", "home.gp.seen": None, "stale.item": "x"}
    assert completeness(routing, answers) == Completeness(answered=1, skipped=1, unseen=2)
    assert completeness(routing, answers).total == 4


def test_information_pages_are_on_the_path_but_never_unseen(all_types: Questionnaire) -> None:
    assert path(all_types, {})[0].id == "info"
    assert first_unseen_page(all_types, {}).id == "choices"  # type: ignore[union-attr]


def test_the_same_answers_object_changed_between_calls_gets_the_new_route(
    routing: Questionnaire,
) -> None:
    # Routes are remembered by the answers' content, never by the dict: a save changes the
    # carer's answers in place between asking for the route and asking again.
    answers: Answers = {"home.any_time": "yes", "home.gp.seen": "yes"}
    assert "home-gp-rating" in page_ids(routing, answers)
    answers["home.any_time"] = "no"
    assert "home-gp-rating" not in page_ids(routing, answers)
    assert prune_answers(routing, answers) == {"home.any_time": "no"}
    answers["home.any_time"] = "yes"
    assert prune_answers(routing, answers) == answers


def test_remembered_routes_keep_each_carers_own_answer_values(routing: Questionnaire) -> None:
    # Two carers whose answers route alike still keep their own values, not the first one's.
    first = prune_answers(routing, {"home.any_time": "yes", "home.gp.poor_why": "late"})
    second = prune_answers(routing, {"home.any_time": "yes", "home.gp.poor_why": "late"})
    assert first == second and first is not second
    kept = prune_answers(routing, {"home.any_time": "yes", "home.gp.seen": None})
    kept["home.gp.seen"] = "changed by the caller"
    assert prune_answers(routing, {"home.any_time": "yes", "home.gp.seen": None}) == {
        "home.any_time": "yes",
        "home.gp.seen": None,
    }


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"home.any_time": "no"},
        {"home.any_time": "yes", "home.gp.seen": "yes"},
        {"home.any_time": "yes", "home.gp.seen": "no", "home.gp.poor_why": "late"},
        {"home.any_time": None, "hospital.any_time": "yes"},
    ],
)
def test_the_path_is_every_page_with_a_question_the_carer_is_asked(
    routing: Questionnaire, answers: Answers
) -> None:
    # The path is worked out in the same pass as the items shown; it must say the same as
    # asking page by page.
    asked = [page for page in routing.pages if page_is_shown(routing, page, answers)]
    assert list(path(routing, answers)) == asked
    assert walk_forward(routing, answers) == [page.id for page in asked]
