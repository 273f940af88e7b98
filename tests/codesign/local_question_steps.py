"""Test steps shared by the co-design tests: a question proposed, approved and published."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Area, CommunityGroup, LocalQuestion, RoleAssignment, User
from app.questionnaire import QuestionnaireLibrary
from app.services import codesign
from app.services import codesign_publishing as publishing
from app.services.codesign import ProposalInput

LANGUAGE_QUESTION = ProposalInput(
    question_type="single",
    text="Which language would you have liked the hospital to use?",
    option_labels=("English", "Polish", "Both"),
    reason="Several families had no interpreter.",
)


def approve_question(
    session: Session, area_slug: str, data: ProposalInput, group_slug: str | None = None
) -> tuple[LocalQuestion, User]:
    """A facilitator proposes ``data`` in the area and its commissioner approves it."""
    area = session.scalars(select(Area).where(Area.slug == area_slug)).one()
    groups = select(CommunityGroup)
    if group_slug is not None:
        groups = groups.where(CommunityGroup.slug == group_slug)
    group = session.scalars(groups).first()
    assert group is not None
    fay = User(email="fay@example.org", password_hash="-")
    fay.assignments = [RoleAssignment(role="group_facilitator", community_group_id=group.id)]
    cora = User(email="cora@example.nhs.uk", password_hash="-")
    cora.assignments = [RoleAssignment(role="commissioner", area_id=area.id)]
    session.add_all([fay, cora])
    session.commit()
    question = codesign.propose(session, fay, group=group, area=area, data=data)
    codesign.submit_for_review(session, fay, question)
    codesign.review(session, cora, question, "approve")
    return question, cora


def publish(app: Flask, session: Session, commissioner: User, area_slug: str) -> None:
    """The commissioner publishes the area's approved questions as its next version."""
    area = session.scalars(select(Area).where(Area.slug == area_slug)).one()
    library = QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))
    core = library.get(app.config["DEFAULT_QUESTIONNAIRE"])
    publishing.publish_area_module(session, commissioner, area, publishing.core_data(library, core))


def approve_and_publish(
    app: Flask, area_slug: str, data: ProposalInput, group_slug: str | None = None
) -> str:
    """Propose, approve and publish one question; its item id."""
    with app.app_context():
        session = db.session()
        question, commissioner = approve_question(session, area_slug, data, group_slug)
        publish(app, session, commissioner, area_slug)
        return question.item_id
