"""Co-design services: a group proposes, the commissioner reviews and publishes, all recorded."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    Area,
    CommunityGroup,
    LocalQuestion,
    LocalQuestionStatus,
    PublishedQuestionnaire,
    PublishedVersionIsImmutable,
    Response,
    RoleAssignment,
    User,
)
from app.models.response import ResponseStatus
from app.questionnaire import Questionnaire, QuestionnaireLibrary, sms_segments
from app.services import codesign, codesign_bank, codesign_notifications
from app.services import codesign_publishing as publishing
from app.services.codesign import ProposalInput
from app.services.response_export import export_responses_to_file, write_responses_csv
from app.services.response_import import import_responses_csv
from app.services.responses import start_response

FAITH = ProposalInput(
    question_type="yes_no",
    text="Were {person}'s faith or cultural needs respected at the end?",
    hint="For example prayer, washing or who could be present.",
    sms_text="Were {person}'s faith needs respected? 1 Yes 2 No 3 Don't know",
    reason="Families at the mosque tell us this went wrong in hospital.",
    for_groups=("somali-community",),
)


def person(session: Session, email: str, role: str, **scope: int | None) -> User:
    user = User(email=email, password_hash="-")
    user.assignments = [RoleAssignment(role=role, **scope)]
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def cast(session: Session, places: dict[str, int]) -> dict[str, User]:
    north, south = places["north-riverside"], places["south-vale"]
    somali = CommunityGroup(slug="somali-community", name="Somali carers", area_id=north)
    vale = CommunityGroup(slug="vale-carers", name="Vale carers", area_id=south)
    session.add_all([somali, vale])
    session.commit()
    return {
        "fatima": person(
            session, "fatima@example.org", "group_facilitator", community_group_id=somali.id
        ),
        "val": person(session, "val@example.org", "group_facilitator", community_group_id=vale.id),
        "cora": person(session, "cora@example.nhs.uk", "commissioner", area_id=north),
        "sam": person(session, "sam@example.nhs.uk", "commissioner", area_id=south),
    }


def _group(session: Session, slug: str) -> CommunityGroup:
    return session.scalars(select(CommunityGroup).where(CommunityGroup.slug == slug)).one()


def _area(session: Session, slug: str) -> Area:
    return session.scalars(select(Area).where(Area.slug == slug)).one()


def _propose(session: Session, cast: dict[str, User], data: ProposalInput = FAITH) -> LocalQuestion:
    return codesign.propose(
        session,
        cast["fatima"],
        group=_group(session, "somali-community"),
        area=_area(session, "north-riverside"),
        data=data,
    )


def _core_data(library: QuestionnaireLibrary, questionnaire: Questionnaire) -> dict[str, object]:
    return publishing.core_data(library, questionnaire)


def test_the_whole_workflow_from_proposal_to_a_published_version(
    session: Session,
    cast: dict[str, User],
    library: QuestionnaireLibrary,
    questionnaire: Questionnaire,
) -> None:
    question = _propose(session, cast)
    assert question.item_id.startswith("local.")
    assert question.sms_segments == sms_segments(FAITH.sms_text)
    codesign.submit_for_review(session, cast["fatima"], question)
    assert (
        codesign_notifications.unread_count(session, cast["cora"].id) == 1
    )  # the commissioner is told

    codesign.review(session, cast["cora"], question, "request_changes", "Say 'at the end of life'.")
    assert question.status == LocalQuestionStatus.CHANGES_REQUESTED
    assert codesign_notifications.unread_count(session, cast["fatima"].id) == 1
    assert (
        codesign_notifications.notifications_for(session, cast["fatima"].id)[0].kind
        == "changes_requested"
    )

    revised = ProposalInput(
        **{**FAITH.__dict__, "text": "At the end of life, were {person}'s faith needs respected?"}
    )
    codesign.update_proposal(session, cast["fatima"], question, revised, "Reworded as asked")
    codesign.submit_for_review(session, cast["fatima"], question)
    codesign.review(session, cast["cora"], question, "approve")
    assert question.status == LocalQuestionStatus.APPROVED

    trail = codesign.history(question)
    assert [event.kind for event, _ in trail] == [
        "created",
        "submitted",
        "changes_requested",
        "edited",
        "submitted",
        "approved",
    ]
    edited, diff = trail[3]
    assert edited.actor_label == "fatima@example.org"
    assert edited.comment == "Reworded as asked"
    assert diff == {"text": [FAITH.text, revised.text]}
    assert trail[2][0].comment == "Say 'at the end of life'."

    area = _area(session, "north-riverside")
    published = publishing.publish_area_module(
        session, cast["cora"], area, _core_data(library, questionnaire)
    )
    assert (published.questionnaire_id, published.version) == ("voices-core-north-riverside", 1)
    assert (published.core_version, published.module_version) == (1, 1)
    composed = publishing.questionnaire_of(published)
    assert composed.item(question.item_id).option_codes == ("yes", "no", "dk")
    bank = codesign_bank.question_bank(session, "faith")
    assert [entry.used_in for entry in bank] == [("North Riverside ICB (v1)",)]


def test_a_facilitator_cannot_see_or_edit_another_groups_proposal(
    session: Session, cast: dict[str, User]
) -> None:
    question = _propose(session, cast)
    with pytest.raises(codesign.LocalQuestionNotFound):
        codesign.question_for(session, cast["val"], question.id)
    with pytest.raises(codesign.LocalQuestionNotFound):
        codesign.update_proposal(session, cast["val"], question, FAITH)
    with pytest.raises(codesign.LocalQuestionNotFound):
        codesign.add_comment(session, cast["val"], question, "Mine now")
    assert codesign.visible_questions(session, cast["val"]) == []
    assert codesign.visible_questions(session, cast["fatima"]) == [question]


def test_a_commissioner_reviews_only_their_own_area(
    session: Session, cast: dict[str, User]
) -> None:
    question = _propose(session, cast)
    codesign.submit_for_review(session, cast["fatima"], question)
    with pytest.raises(codesign.LocalQuestionNotFound):
        codesign.review(session, cast["sam"], question, "approve")
    with pytest.raises(codesign.LocalQuestionNotFound):
        codesign.review(session, cast["fatima"], question, "approve")  # no self-approval
    assert question.status == LocalQuestionStatus.IN_REVIEW


def test_steps_out_of_order_are_refused_and_change_nothing(
    session: Session, cast: dict[str, User]
) -> None:
    question = _propose(session, cast)
    with pytest.raises(codesign.WrongStepForQuestion):
        codesign.review(session, cast["cora"], question, "approve")  # still a draft
    codesign.submit_for_review(session, cast["fatima"], question)
    with pytest.raises(codesign.LocalQuestionInvalid):
        codesign.review(session, cast["cora"], question, "reject", "   ")  # rejection needs a why
    codesign.review(session, cast["cora"], question, "approve")
    with pytest.raises(codesign.WrongStepForQuestion):
        codesign.update_proposal(session, cast["fatima"], question, FAITH)
    assert question.text == FAITH.text


def test_a_bad_proposal_gets_kind_messages_and_stores_nothing(
    session: Session, cast: dict[str, User]
) -> None:
    bad = ProposalInput(
        question_type="multiple", text="", option_labels=("Only one",), sms_text="x"
    )
    with pytest.raises(codesign.LocalQuestionInvalid) as raised:
        _propose(session, cast, bad)
    assert set(raised.value.errors) == {"text", "options", "sms_text", "reason"}
    assert session.scalars(select(LocalQuestion)).all() == []


def _approved(session: Session, cast: dict[str, User]) -> LocalQuestion:
    question = _propose(session, cast)
    codesign.submit_for_review(session, cast["fatima"], question)
    codesign.review(session, cast["cora"], question, "approve")
    return question


def test_a_published_version_can_never_be_changed(
    session: Session,
    cast: dict[str, User],
    library: QuestionnaireLibrary,
    questionnaire: Questionnaire,
) -> None:
    _approved(session, cast)
    area = _area(session, "north-riverside")
    published = publishing.publish_area_module(
        session, cast["cora"], area, _core_data(library, questionnaire)
    )
    published.definition_json = "{}"
    with pytest.raises(PublishedVersionIsImmutable):
        session.flush()
    session.rollback()
    with pytest.raises(PublishedVersionIsImmutable):
        session.execute(update(PublishedQuestionnaire).values(checksum="0" * 64))
    session.rollback()
    stored = session.scalars(select(PublishedQuestionnaire)).one()
    assert publishing.checksum_of(stored.definition_json) == stored.checksum


def test_new_responses_use_the_published_version_and_old_ones_keep_theirs(
    session: Session,
    cast: dict[str, User],
    library: QuestionnaireLibrary,
    questionnaire: Questionnaire,
) -> None:
    area = _area(session, "north-riverside")
    before = start_response(
        session,
        publishing.current_questionnaire_for_area(session, area.id, questionnaire),
        area=area,
        channel="web",
    )
    _approved(session, cast)
    publishing.publish_area_module(session, cast["cora"], area, _core_data(library, questionnaire))
    after = start_response(
        session,
        publishing.current_questionnaire_for_area(session, area.id, questionnaire),
        area=area,
        channel="web",
    )
    south = publishing.current_questionnaire_for_area(
        session, _area(session, "south-vale").id, questionnaire
    )
    assert (before.questionnaire_id, before.questionnaire_version) == ("voices-core", 1)
    assert (after.questionnaire_id, after.questionnaire_version) == (
        "voices-core-north-riverside",
        1,
    )
    assert south is questionnaire  # another area is untouched
    found = publishing.find_questionnaire(session, library, after.questionnaire_id, 1)
    assert found.sections[:-1] == questionnaire.sections


def test_publishing_with_nothing_approved_is_refused(
    session: Session,
    cast: dict[str, User],
    library: QuestionnaireLibrary,
    questionnaire: Questionnaire,
) -> None:
    _propose(session, cast)  # a draft is not published
    with pytest.raises(publishing.NothingToPublish):
        publishing.publish_area_module(
            session,
            cast["cora"],
            _area(session, "north-riverside"),
            _core_data(library, questionnaire),
        )
    assert session.scalars(select(PublishedQuestionnaire)).all() == []


def test_the_export_holds_both_versions_with_identical_core_columns(
    session: Session,
    cast: dict[str, User],
    library: QuestionnaireLibrary,
    questionnaire: Questionnaire,
    add_response: object,
) -> None:
    area = _area(session, "north-riverside")
    old = start_response(session, questionnaire, area=area, channel="web")
    question = _approved(session, cast)
    published = publishing.publish_area_module(
        session, cast["cora"], area, _core_data(library, questionnaire)
    )
    composed = publishing.questionnaire_of(published)
    new = start_response(session, composed, area=area, channel="sms")
    for response, answers in (
        (old, {"overall.rating": "good"}),
        (new, {"overall.rating": "poor", question.item_id: "no"}),
    ):
        response.status = ResponseStatus.SUBMITTED
        for item_id, value in answers.items():
            session.add(Answer(response_id=response.id, item_id=item_id, value=value))
    session.commit()

    out = io.StringIO()
    result = write_responses_csv(
        session,
        questionnaire,
        out,
        area_slug=area.slug,
        also=publishing.versions_built_on(session, questionnaire.id, [area.id]),
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    header = next(csv.reader(io.StringIO(out.getvalue())))
    plain = io.StringIO()
    write_responses_csv(session, questionnaire, plain, area_slug=area.slug)
    core_header = next(csv.reader(io.StringIO(plain.getvalue())))
    assert result.rows_written == 2
    assert header[: len(core_header)] == core_header
    assert header[len(core_header) :] == [question.item_id]
    by_version = {row["questionnaire_id"]: row for row in rows}
    assert by_version["voices-core"]["overall.rating"] == "good"
    assert by_version["voices-core"][question.item_id] == ""
    assert by_version["voices-core-north-riverside"][question.item_id] == "no"


def test_module_strings_of_a_draft_module_are_ready_for_translation(
    session: Session, cast: dict[str, User]
) -> None:
    from app.questionnaire.modules import module_strings

    question = _approved(session, cast)
    module = publishing.draft_module(session, _area(session, "north-riverside"))
    strings = dict(module_strings(module, "voices-core"))
    own = "voices-core-north-riverside"
    assert strings[f"{own}:{question.item_id}:text"] == FAITH.text
    assert strings[f"{own}:{question.item_id}:option:dk"] == "Don't know"
    assert json.loads(question.for_groups_json) == ["somali-community"]


def test_a_question_can_only_be_for_groups_that_work_in_its_area(
    session: Session, cast: dict[str, User]
) -> None:
    elsewhere = ProposalInput(**{**FAITH.__dict__, "for_groups": ("vale-carers", "no-such-group")})
    with pytest.raises(codesign.LocalQuestionInvalid) as raised:
        _propose(session, cast, elsewhere)
    assert set(raised.value.errors) == {"for_groups"}
    everywhere = ProposalInput(**{**FAITH.__dict__, "for_groups": ("lgbtq-elders",)})
    assert codesign.for_groups_of(_propose(session, cast, everywhere)) == ["lgbtq-elders"]


def test_an_export_of_two_versions_imports_back_with_the_local_answers(
    session: Session,
    cast: dict[str, User],
    library: QuestionnaireLibrary,
    questionnaire: Questionnaire,
    tmp_path: Path,
) -> None:
    area = _area(session, "north-riverside")
    old = start_response(session, questionnaire, area=area, channel="web")
    question = _approved(session, cast)
    published = publishing.publish_area_module(
        session, cast["cora"], area, _core_data(library, questionnaire)
    )
    new = start_response(session, publishing.questionnaire_of(published), area=area, channel="web")
    for response, answers in (
        (old, {"overall.rating": "good"}),
        (new, {"overall.rating": "poor", question.item_id: "yes"}),
    ):
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = response.started_at
        for item_id, value in answers.items():
            session.add(Answer(response_id=response.id, item_id=item_id, value=value))
    session.commit()
    exported = tmp_path / "both.csv"
    versions = publishing.versions_built_on(session, questionnaire.id, [area.id])
    export_responses_to_file(session, questionnaire, exported, also=versions)
    session.execute(delete(Response))
    session.commit()

    summary = import_responses_csv(
        session, publishing.LibraryWithPublished(library, session), exported
    )
    assert (summary.imported, summary.problem_count) == (2, 0), summary.problems
    again = tmp_path / "again.csv"
    export_responses_to_file(session, questionnaire, again, also=versions)
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
    local = session.scalars(select(Answer).where(Answer.item_id == question.item_id)).one()
    assert local.value == "yes"


def test_a_reviewers_comment_is_recorded_and_the_proposer_is_told(
    session: Session, cast: dict[str, User]
) -> None:
    question = _propose(session, cast)
    codesign.add_comment(session, cast["cora"], question, "Could it name the hospice too?")
    [_, (comment, _)] = codesign.history(question)
    assert (comment.kind, comment.actor_label) == ("comment", "cora@example.nhs.uk")
    assert comment.comment == "Could it name the hospice too?"
    assert [
        n.kind for n in codesign_notifications.notifications_for(session, cast["fatima"].id)
    ] == ["comment"]
    assert codesign_notifications.unread_count(session, cast["cora"].id) == 0  # not told of own
    with pytest.raises(codesign.LocalQuestionInvalid):
        codesign.add_comment(session, cast["fatima"], question, "   ")
