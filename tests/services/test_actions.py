"""'You said, we did' service: checked details, a history of every version, audited changes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, CommunityGroup, ThemeAction, ThemeActionRevision
from app.services import actions
from app.services.actions import ActionDetails
from app.services.audit import Actor

CORA = Actor(7, "cora.commissioner@example.nhs.uk")
DETAILS = ActionDetails(
    theme_id="eol_out_of_hours",
    group_id=None,
    you_said="Nobody came at night when the syringe driver alarmed.",
    we_did="We funded a night nursing service across the area.",
    day="3",
    month="2",
    year="2026",
    status="in_progress",
    is_public=True,
)


def group_id(session: Session, slug: str) -> int:
    found = session.scalar(select(CommunityGroup.id).where(CommunityGroup.slug == slug))
    assert found is not None
    return found


def test_recording_an_action_keeps_its_first_version_and_audits_it(
    session: Session, places: dict[str, int]
) -> None:
    action = actions.record_action(session, places["north-riverside"], DETAILS, CORA)

    assert (action.theme_id, action.status, action.version) == (
        "eol_out_of_hours",
        "in_progress",
        1,
    )
    assert action.action_date == date(2026, 2, 3)
    (revision,) = session.scalars(select(ThemeActionRevision)).all()
    assert (revision.version, revision.saved_by_label) == (1, CORA.label)
    (event,) = session.scalars(select(AuditEvent)).all()
    assert (event.action, event.object_ref) == ("actions.recorded", f"action:{action.id}")
    assert event.area_id == places["north-riverside"]
    assert json.loads(event.detail)["theme"] == "eol_out_of_hours"


def test_a_change_adds_a_version_and_the_old_words_stay_in_the_history(
    session: Session, places: dict[str, int]
) -> None:
    action = actions.record_action(session, places["north-riverside"], DETAILS, CORA)
    changed = replace(DETAILS, we_did="The night service started in March.", status="done")

    actions.change_action(session, action.id, changed, CORA, expected_version=1)

    stored = session.get(ThemeAction, action.id)
    assert stored is not None and (stored.status, stored.version) == ("done", 2)
    history = actions.action_history(session, action.id)
    assert [(r.version, r.status) for r in history] == [(2, "done"), (1, "in_progress")]
    assert history[1].we_did == DETAILS.we_did
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert json.loads(events[-1].detail) == {"changed": "status,we_did", "version": 2}


def test_a_stale_form_cannot_overwrite_someone_elses_change(
    session: Session, places: dict[str, int]
) -> None:
    action = actions.record_action(session, places["north-riverside"], DETAILS, CORA)
    actions.change_action(
        session, action.id, replace(DETAILS, status="done"), CORA, expected_version=1
    )

    with pytest.raises(actions.ActionChangedMeanwhile):
        actions.change_action(
            session, action.id, replace(DETAILS, we_did="Older words"), CORA, expected_version=1
        )
    assert actions.action_by_id(session, action.id).we_did == DETAILS.we_did
    assert len(actions.action_history(session, action.id)) == 2


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"theme_id": "made_up"}, "theme_id", "unknown"),
        ({"you_said": "   "}, "you_said", "missing"),
        ({"we_did": "x" * 2001}, "we_did", "too_long"),
        ({"day": "31", "month": "2"}, "action_date", "not_a_date"),
        ({"day": "tomorrow"}, "action_date", "not_a_date"),
        ({"year": ""}, "action_date", "missing"),
        ({"year": "1999"}, "action_date", "out_of_range"),
        ({"status": "abandoned"}, "status", "unknown"),
    ],
)
def test_bad_details_are_refused_by_field_and_nothing_is_stored(
    session: Session, places: dict[str, int], change: dict[str, str], field: str, problem: str
) -> None:
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.record_action(session, places["north-riverside"], replace(DETAILS, **change), CORA)  # type: ignore[arg-type]
    assert refused.value.problems == {field: problem}
    assert session.scalars(select(ThemeAction)).all() == []
    assert session.scalars(select(AuditEvent)).all() == []


def test_a_group_of_another_area_cannot_be_chosen_but_a_group_across_areas_can(
    session: Session, places: dict[str, int]
) -> None:
    polish = group_id(session, "polish-community")  # works in the north only
    across = group_id(session, "lgbtq-elders")  # works in every area
    with pytest.raises(actions.ActionInvalid) as refused:
        actions.record_action(
            session, places["south-vale"], replace(DETAILS, group_id=polish), CORA
        )
    assert refused.value.problems == {"group_id": "unknown"}
    action = actions.record_action(
        session, places["south-vale"], replace(DETAILS, group_id=across), CORA
    )
    assert action.community_group_id == across


def test_actions_are_listed_by_theme_in_frame_order_and_filtered_by_group_and_publication(
    session: Session, places: dict[str, int]
) -> None:
    north = places["north-riverside"]
    polish = group_id(session, "polish-community")
    actions.record_action(session, north, replace(DETAILS, theme_id="eol_place_of_death"), CORA)
    actions.record_action(
        session, north, replace(DETAILS, theme_id="staff", group_id=polish, is_public=False), CORA
    )
    actions.record_action(session, places["south-vale"], DETAILS, CORA)

    whole_area = actions.actions_by_theme(session, area_id=north)
    assert [theme.theme_id for theme in whole_area] == ["staff", "eol_place_of_death"]
    assert whole_area[0].theme_name == "Staff"
    for_group = actions.actions_by_theme(session, group_id=polish)
    assert [theme.theme_id for theme in for_group] == ["staff"]
    published = actions.actions_by_theme(session, area_id=north, public_only=True)
    assert [theme.theme_id for theme in published] == ["eol_place_of_death"]
