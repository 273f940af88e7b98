"""Publish a local multiple-choice question in a new area of the live server's database.

The core has no multiple-choice item, so the browser tests get that page type from co-design,
the way an area really adds one. Run by a fixture as
``python -m tests.browser.seed_local_question <area-slug>`` with the server's DATABASE_URL;
prints the question's page id.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app import create_app
from app.extensions import db
from app.models import Area, CommunityGroup, RoleAssignment, User
from app.questionnaire import QuestionnaireLibrary
from app.services import codesign
from app.services import codesign_publishing as publishing


def publish_multiple_choice_question(area_slug: str) -> str:
    app = create_app()
    with app.app_context():
        session = db.session()
        area = Area(slug=area_slug, name="Local questions area")
        session.add(area)
        session.flush()
        group = CommunityGroup(slug=f"{area_slug}-group", name="Local carers group", area=area)
        fay = User(email=f"fay@{area_slug}.example.org", password_hash="-")
        cora = User(email=f"cora@{area_slug}.example.nhs.uk", password_hash="-")
        session.add_all([group, fay, cora])
        session.flush()
        fay.assignments = [RoleAssignment(role="group_facilitator", community_group_id=group.id)]
        cora.assignments = [RoleAssignment(role="commissioner", area_id=area.id)]
        session.commit()
        question = codesign.propose(
            session,
            fay,
            group=group,
            area=area,
            data=codesign.ProposalInput(
                question_type="multiple",
                text="Who helped {person} at home?",
                option_labels=("Family", "Friends", "Faith community", "Paid carers"),
                reason="Families told us help at home came from many places.",
            ),
        )
        codesign.submit_for_review(session, fay, question)
        codesign.review(session, cora, question, "approve")
        library = QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))
        core = library.get(app.config["DEFAULT_QUESTIONNAIRE"])
        data = publishing.core_data(library, core)
        published = publishing.publish_area_module(session, cora, area, data)
        composed = publishing.questionnaire_of(published)
        return composed.page_of(question.item_id).id


if __name__ == "__main__":
    print(publish_multiple_choice_question(sys.argv[1]))
