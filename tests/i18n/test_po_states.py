"""The catalogue commands' view of translation states, read from .po entries."""

from __future__ import annotations

from datetime import date

import pytest
from babel.messages.catalog import Catalog, Message

from app.i18n.po_states import (
    approval_of,
    approve,
    count_states,
    drop_approval,
    is_message_servable,
    message_state,
)


def test_each_state_is_read_from_the_entry() -> None:
    assert message_state(Message("Yes", "")) == "missing"
    assert message_state(Message("Yes", "Tak")) == "draft"
    assert message_state(Message("Yes", "Tak", flags=["fuzzy"])) == "outdated"
    approved = Message("Yes", "Tak", user_comments=["approved-by: ewa 2026-11-01"])
    assert message_state(approved) == "approved"
    assert approval_of(approved) is not None and approval_of(approved).reviewer == "ewa"  # type: ignore[union-attr]
    # A plural entry is missing until every form is written.
    assert message_state(Message(("day", "days"), ("dzień", ""))) == "missing"
    assert message_state(Message(("day", "days"), ("dzień", "dni", "dni"))) == "draft"


def test_an_outdated_entry_is_never_served_even_if_it_was_approved() -> None:
    stale = Message("Yes", "Tak", flags=["fuzzy"], user_comments=["approved-by: ewa 2026-11-01"])
    assert message_state(stale) == "outdated"
    assert not is_message_servable(stale, serve_drafts=True)
    assert is_message_servable(Message("Yes", "Tak"), serve_drafts=True)
    assert not is_message_servable(Message("Yes", "Tak"), serve_drafts=False)


def test_approving_clears_the_outdated_flag_and_records_the_reviewer() -> None:
    message = Message("Yes", "Tak", flags=["fuzzy"], previous_id=["Yes please"])
    approve(message, "ewa", date(2026, 11, 2))
    assert message_state(message) == "approved" and message.previous_id == []
    assert message.user_comments == ["approved-by: ewa 2026-11-02"]
    drop_approval(message)
    assert message_state(message) == "draft"
    with pytest.raises(ValueError):
        approve(message, "Ewa Nowak", date(2026, 11, 2))


def test_a_malformed_approval_comment_does_not_count() -> None:
    assert message_state(Message("Yes", "Tak", user_comments=["approved-by: ewa"])) == "draft"
    assert message_state(Message("Yes", "Tak", user_comments=["approved-by: ewa 2026-13-45"])) == (
        "draft"
    )


def test_counts_cover_every_entry_once() -> None:
    catalog = Catalog(locale="pl")
    catalog.add("One", "Jeden")
    catalog.add("Two", "")
    catalog.add("Three", "Trzy", flags=["fuzzy"])
    catalog.add("Four", "Cztery", user_comments=["approved-by: ewa 2026-11-01"])
    catalog.add("Four", "Cztery (ankieta)", context="voices-core:x:text")
    assert count_states(catalog) == {"missing": 1, "outdated": 1, "draft": 2, "approved": 1}
