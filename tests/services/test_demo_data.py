"""Demo data: deterministic, on the route, near the national rates, with planted differences."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Answer, Area, CommunityGroup, Response
from app.questionnaire import (
    AnswerValue,
    Questionnaire,
    completeness,
    deserialise_answer,
    off_path_items,
    serialise_answer,
)
from app.services.demo_data import DemoAlreadySeeded, generate_demo_responses, seed_demo
from tests.services.response_helpers import count_answers, count_responses

TODAY = date(2025, 6, 30)


def test_the_same_seed_gives_the_same_responses_and_another_seed_does_not(
    questionnaire: Questionnaire,
) -> None:
    def make(seed: int) -> list[object]:
        return list(generate_demo_responses(random.Random(seed), questionnaire, 40, TODAY))

    assert make(5) == make(5)
    assert make(5) != make(6)


def test_every_invented_carer_follows_the_route_page_by_page(
    questionnaire: Questionnaire,
) -> None:
    responses = list(generate_demo_responses(random.Random(1), questionnaire, 400, TODAY))

    for response in responses:
        assert off_path_items(questionnaire, response.answers) == frozenset()
        if response.channel == "sms":
            assert set(response.answers) <= set(questionnaire.sms_form)
        else:
            # Every question on the route was seen (answered or skipped), none jumped over.
            assert completeness(questionnaire, response.answers).unseen == 0
    assert {response.channel for response in responses} == {"web", "sms", "paper"}
    assert {"en", "pl", "bn", "ur"} <= {response.language for response in responses}
    assert all(
        datetime(2023, 7, 1) <= response.submitted_at < datetime(2025, 6, 30)
        for response in responses
    )


def _rate(
    answers: dict[int, dict[str, str | None]],
    item_id: str,
    numerator: set[str],
    substantive: set[str],
    among: Callable[[int], bool] = lambda _key: True,
) -> float:
    values = [
        given[item_id]
        for key, given in answers.items()
        if among(key) and given.get(item_id) in substantive
    ]
    return 100.0 * sum(value in numerator for value in values) / len(values)


def test_seeding_creates_the_demo_once_near_national_rates_with_planted_differences(
    session: Session, questionnaire: Questionnaire
) -> None:
    summary = seed_demo(session, questionnaire, responses=2_000, seed=42, today=TODAY)
    answers_after_first = count_answers(session)

    with pytest.raises(DemoAlreadySeeded):
        seed_demo(session, questionnaire, responses=2_000, seed=42, today=TODAY)

    # Three areas, and East Coast's three places (sub-areas).
    assert (summary.areas_created, summary.groups_created, summary.responses) == (6, 4, 2_000)
    assert session.scalar(select(func.count(Area.id))) == 6
    places = session.scalars(
        select(Area.slug).where(Area.parent_id.is_not(None)).order_by(Area.slug)
    ).all()
    assert places == ["east-coast-harbour", "east-coast-marshes", "east-coast-uplands"]
    in_places = session.scalar(
        select(func.count(Response.id))
        .join(Area, Area.id == Response.area_id)
        .where(Area.parent_id.is_not(None))
    )
    # Most of East Coast's responses (30% of all) were collected in a place; some in the ICB.
    assert 0.15 * 2_000 < in_places < 0.30 * 2_000
    assert session.scalar(select(func.count(CommunityGroup.id))) == 4
    assert count_responses(session) == 2_000
    assert count_answers(session) == answers_after_first == summary.answers
    assert set(session.scalars(select(Response.status).distinct())) == {"submitted"}

    answers: dict[int, dict[str, str | None]] = defaultdict(dict)
    for key, item_id, value in session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value)
    ):
        answers[key][item_id] = value
    area_of = dict(
        session.execute(
            select(Response.id, Area.slug).join(Area, Area.id == Response.area_id)
        ).all()
    )
    group_of = dict(
        session.execute(
            select(Response.id, CommunityGroup.slug).join(
                CommunityGroup, CommunityGroup.id == Response.community_group_id
            )
        ).all()
    )

    for stored in answers.values():
        values: dict[str, AnswerValue | None] = {
            item_id: deserialise_answer(questionnaire.item(item_id), text)
            for item_id, text in stored.items()
        }
        assert off_path_items(questionnaire, values) == frozenset()

    rating = {"outstanding", "excellent", "good", "fair", "poor"}
    oeg = {"outstanding", "excellent", "good"}
    assert 70 <= _rate(answers, "overall.rating", oeg, rating) <= 80
    assert 37 <= _rate(answers, "overall.rating", {"outstanding", "excellent"}, rating) <= 47
    worse_area = _rate(answers, "overall.rating", oeg, rating, lambda k: area_of[k] == "south-vale")
    other_areas = _rate(
        answers, "overall.rating", oeg, rating, lambda k: area_of[k] != "south-vale"
    )
    assert other_areas - worse_area >= 12

    yes3 = {"definitely", "to_some_extent", "no"}
    in_group = lambda k: group_of.get(k) == "bangla-carers"  # noqa: E731
    faith_group = _rate(answers, "death.culture_faith", {"definitely"}, yes3, in_group)
    faith_rest = _rate(
        answers, "death.culture_faith", {"definitely"}, yes3, lambda k: not in_group(k)
    )
    assert faith_rest - faith_group >= 15
    frequency = {"always", "most", "some", "never"}
    dignity_group = _rate(answers, "last2.nurses.dignity", {"always"}, frequency, in_group)
    dignity_rest = _rate(
        answers, "last2.nurses.dignity", {"always"}, frequency, lambda k: not in_group(k)
    )
    assert dignity_rest - dignity_group >= 10


def test_seeded_rows_hold_exactly_the_generated_answers_and_times(
    session: Session, questionnaire: Questionnaire
) -> None:
    expected = list(generate_demo_responses(random.Random(9), questionnaire, 50, TODAY))

    seed_demo(session, questionnaire, responses=50, seed=9, today=TODAY)

    for response in expected:
        stored = session.scalars(
            select(Response).where(Response.response_id == response.response_id)
        ).one()
        assert (stored.submitted_at, stored.updated_at) == (response.submitted_at,) * 2
        rows = session.execute(
            select(Answer.item_id, Answer.value, Answer.updated_at).where(
                Answer.response_id == stored.id
            )
        ).all()
        assert {item_id: value for item_id, value, _ in rows} == {
            item_id: None if value is None else serialise_answer(questionnaire.item(item_id), value)
            for item_id, value in response.answers.items()
        }
        assert {updated for _, _, updated in rows} <= {response.submitted_at}
