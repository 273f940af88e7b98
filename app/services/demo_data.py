"""Invented demo areas, groups and responses that walk the real routing and echo national rates."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from app.models import Area, CommunityGroup, Response
from app.models.response import ResponseStatus
from app.questionnaire import AnswerValue, Questionnaire, serialise_answer
from app.services.bulk_answers import driver_timestamp, insert_answer_rows
from app.services.demo_answer_model import Respondent, choose, walk_questionnaire
from app.services.demo_answer_weights import RESPONDENT_SPREAD
from app.services.demo_population import (
    CHANNELS,
    DEMO_AREAS,
    DEMO_GROUPS,
    DEMO_SUB_AREAS,
    OTHER_LANGUAGES,
    PLACES_OF_DEATH,
    QUARTERS,
    DemoArea,
    DemoGroup,
)
from app.services.errors import ServiceError
from app.services.transactions import begin_write

__all__ = [
    "DEMO_AREAS",
    "DEMO_GROUPS",
    "DEMO_SUB_AREAS",
    "DemoAlreadySeeded",
    "DemoArea",
    "DemoGroup",
    "DemoResponse",
    "DemoSummary",
    "generate_demo_responses",
    "seed_demo",
]


@dataclass(frozen=True)
class DemoResponse:
    """One invented response: where it came from and its answers (None = seen, skipped)."""

    response_id: str
    area_slug: str
    group_slug: str | None
    language: str
    channel: str
    submitted_at: datetime
    answers: dict[str, AnswerValue | None]


def _window(today: date) -> tuple[datetime, int]:
    """The start of the quarter QUARTERS-1 quarters back, and the seconds from it until today."""
    quarter_start_month = 3 * ((today.month - 1) // 3) + 1
    months_back = 3 * (QUARTERS - 1)
    year, month = divmod((today.year * 12 + quarter_start_month - 1) - months_back, 12)
    start = datetime(year, month + 1, 1)
    end = datetime(today.year, today.month, today.day)
    return start, max(int((end - start).total_seconds()), 1)


def generate_demo_responses(
    rng: random.Random, questionnaire: Questionnaire, count: int, today: date
) -> Iterator[DemoResponse]:
    """``count`` invented submitted responses; the same seed and day give the same responses."""
    window_start, window_seconds = _window(today)
    for _ in range(count):
        area = rng.choices(DEMO_AREAS, [area.share for area in DEMO_AREAS])[0]
        group = _pick_group(rng, area)
        languages = group.languages if group and len(group.languages) > 1 else OTHER_LANGUAGES
        respondent = Respondent(
            area=area,
            group=group,
            language=choose(rng, languages),
            channel=choose(rng, CHANNELS),
            place_of_death=choose(rng, PLACES_OF_DEATH),
            experience=rng.gauss(0.0, RESPONDENT_SPREAD),
        )
        answers = walk_questionnaire(rng, questionnaire, respondent)
        yield DemoResponse(
            response_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            area_slug=area.slug,
            group_slug=group.slug if group else None,
            language=respondent.language,
            channel=respondent.channel,
            submitted_at=window_start + timedelta(seconds=rng.randrange(window_seconds)),
            answers=answers,
        )


# Every area a demo response may be stored under: the areas and their places.
DEMO_AREA_SLUGS = [area.slug for area in DEMO_AREAS] + [sub.slug for sub in DEMO_SUB_AREAS]


def collected_in(response: DemoResponse) -> str:
    """The sub-area (or the area itself) a demo response was collected in.

    Read from the random response id rather than drawn from the generator, so adding places
    changes no answer and no other draw of a seeded demo.
    """
    roll = (uuid.UUID(response.response_id).int % 1000) / 1000
    for sub_area in DEMO_SUB_AREAS:
        if sub_area.parent_slug != response.area_slug:
            continue
        if roll < sub_area.share:
            return sub_area.slug
        roll -= sub_area.share
    return response.area_slug


def _pick_group(rng: random.Random, area: DemoArea) -> DemoGroup | None:
    roll = rng.random()
    for group in DEMO_GROUPS:
        if group.area_slug not in (None, area.slug):
            continue
        if roll < group.share:
            return group
        roll -= group.share
    return None


class DemoAlreadySeeded(ServiceError):
    """The demo areas already hold responses; seeding again would duplicate them."""

    def __init__(self, responses: int) -> None:
        super().__init__(f"the demo areas already hold {responses} responses")
        self.responses = responses


@dataclass(frozen=True)
class DemoSummary:
    areas_created: int
    groups_created: int
    responses: int
    answers: int


def seed_demo(
    session: Session,
    questionnaire: Questionnaire,
    *,
    responses: int = 2_000,
    seed: int = 42,
    today: date | None = None,
    batch_size: int = 1_000,
    on_responses: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Create the demo areas, groups and responses in one transaction, or nothing at all.

    One transaction makes a re-run safe: either the demo is all there (and a second run says
    so) or none of it is.
    """
    begin_write(session)
    try:
        existing = session.scalar(
            select(func.count(Response.id))
            .join(Area, Area.id == Response.area_id)
            .where(Area.slug.in_(DEMO_AREA_SLUGS))
        )
        if existing:
            raise DemoAlreadySeeded(int(existing))
        area_ids, areas_created = _ensure_areas(session)
        group_ids, groups_created = _ensure_groups(session, area_ids)
        rng = random.Random(seed)
        answers_written = 0
        batch: list[DemoResponse] = []
        for response in generate_demo_responses(
            rng, questionnaire, responses, today or date.today()
        ):
            batch.append(response)
            if len(batch) >= batch_size:
                answers_written += _insert(session, questionnaire, batch, area_ids, group_ids)
                if on_responses is not None:
                    on_responses(len(batch))
                batch = []
        if batch:
            answers_written += _insert(session, questionnaire, batch, area_ids, group_ids)
            if on_responses is not None:
                on_responses(len(batch))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSummary(areas_created, groups_created, responses, answers_written)


def _ensure_areas(session: Session) -> tuple[dict[str, int], int]:
    rows = session.execute(
        select(Area.slug, Area.id).where(Area.slug.in_([area.slug for area in DEMO_AREAS]))
    )
    ids = {slug: area_id for slug, area_id in rows}
    created = 0
    for area in DEMO_AREAS:
        if area.slug not in ids:
            row = Area(slug=area.slug, name=area.name)
            session.add(row)
            session.flush()
            ids[area.slug] = row.id
            created += 1
    for sub_area in DEMO_SUB_AREAS:
        found = session.scalar(select(Area.id).where(Area.slug == sub_area.slug))
        if found is None:
            row = Area(slug=sub_area.slug, name=sub_area.name, parent_id=ids[sub_area.parent_slug])
            session.add(row)
            session.flush()
            found = row.id
            created += 1
        ids[sub_area.slug] = found
    return ids, created


def _ensure_groups(session: Session, area_ids: Mapping[str, int]) -> tuple[dict[str, int], int]:
    slugs = [group.slug for group in DEMO_GROUPS]
    rows = session.execute(
        select(CommunityGroup.slug, CommunityGroup.id).where(CommunityGroup.slug.in_(slugs))
    )
    ids = {slug: group_id for slug, group_id in rows}
    created = 0
    for group in DEMO_GROUPS:
        if group.slug not in ids:
            area_id = area_ids[group.area_slug] if group.area_slug else None
            row = CommunityGroup(slug=group.slug, name=group.name, area_id=area_id)
            session.add(row)
            session.flush()
            ids[group.slug] = row.id
            created += 1
    return ids, created


def _insert(
    session: Session,
    questionnaire: Questionnaire,
    batch: Sequence[DemoResponse],
    area_ids: Mapping[str, int],
    group_ids: Mapping[str, int],
) -> int:
    responses = cast(Table, Response.__table__)
    rows: list[dict[str, Any]] = []
    for response in batch:
        started = response.submitted_at - timedelta(minutes=20)
        rows.append(
            {
                "response_id": response.response_id,
                "questionnaire_id": questionnaire.id,
                "questionnaire_version": questionnaire.version,
                "channel": response.channel,
                "language": response.language,
                "status": ResponseStatus.SUBMITTED.value,
                "area_id": area_ids[collected_in(response)],
                "community_group_id": group_ids[response.group_slug]
                if response.group_slug
                else None,
                "invitation_id": None,
                "current_page_id": None,
                "consent_given_at": started if response.channel != "paper" else None,
                "resume_code_hash": None,
                "started_at": started,
                "updated_at": response.submitted_at,
                "submitted_at": response.submitted_at,
            }
        )
    # The new keys come back with their response_ids, so no parameter order is needed (asking
    # for it made SQLAlchemy insert one row per statement on SQLite).
    created = session.execute(
        insert(responses).returning(responses.c.id, responses.c.response_id), rows
    )
    key_of = {response_id: key for key, response_id in created}
    answers: list[tuple[int, str, str | None, Any]] = []
    for response in batch:
        key = key_of[response.response_id]
        stamp = driver_timestamp(session, response.submitted_at)
        answers.extend(
            (
                key,
                item_id,
                # A skipped question is stored as NULL, exactly as the web survey stores it.
                None if value is None else serialise_answer(questionnaire.item(item_id), value),
                stamp,
            )
            for item_id, value in response.answers.items()
        )
    insert_answer_rows(session, answers)
    return len(answers)
