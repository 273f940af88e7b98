"""Fixtures for the export, import and demo services: the real questionnaire, areas, responses."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Answer, Area, CommunityGroup, Response
from app.questionnaire import Questionnaire, QuestionnaireLibrary

AddResponse = Callable[..., Response]


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The database session of an application context held open for the test."""
    with app.app_context():
        yield db.session()


@pytest.fixture
def library(app: Flask, session: Session) -> QuestionnaireLibrary:
    return QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))


@pytest.fixture
def questionnaire(app: Flask, library: QuestionnaireLibrary) -> Questionnaire:
    return library.get(app.config["DEFAULT_QUESTIONNAIRE"])


@pytest.fixture
def places(session: Session) -> dict[str, int]:
    """Two areas, a group bound to one of them and a group that works across both."""
    north = Area(slug="north-riverside", name="North Riverside ICB")
    south = Area(slug="south-vale", name="South Vale ICB")
    session.add_all([north, south])
    session.flush()
    session.add_all(
        [
            CommunityGroup(slug="polish-community", name="Polish centre", area_id=north.id),
            CommunityGroup(slug="lgbtq-elders", name="LGBTQ+ elders group", area_id=None),
        ]
    )
    session.commit()
    return {"north-riverside": north.id, "south-vale": south.id}


@pytest.fixture
def add_response(session: Session, places: dict[str, int]) -> AddResponse:
    """Store a response with the given stored answer texts (None = seen and skipped)."""

    def add(
        answers: Mapping[str, str | None],
        *,
        area: str = "north-riverside",
        group: str | None = None,
        status: str = "submitted",
        submitted_at: datetime | None = datetime(2025, 3, 4, 10, 30, 15),
        questionnaire_id: str = "voices-core",
        version: int = 1,
        language: str = "en",
        channel: str = "web",
        response_id: str | None = None,
    ) -> Response:
        group_id = None
        if group is not None:
            group_id = session.scalar(select(CommunityGroup.id).where(CommunityGroup.slug == group))
        response = Response(
            response_id=response_id or str(uuid.uuid4()),
            questionnaire_id=questionnaire_id,
            questionnaire_version=version,
            channel=channel,
            language=language,
            status=status,
            area_id=places[area],
            community_group_id=group_id,
            submitted_at=submitted_at if status == "submitted" else None,
        )
        session.add(response)
        session.flush()
        session.add_all(
            Answer(response_id=response.id, item_id=item_id, value=value)
            for item_id, value in answers.items()
        )
        session.commit()
        return response

    return add
