"""Translation states: read from .po messages, every transition, and back into a .po file."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from app.i18n import states
from app.i18n.states import Approval, TranslationState
from tests.i18n.catalogue_fixtures import POLISH, QUESTION_CONTEXT


def polish_messages() -> dict[str, Message]:
    catalogue = read_po(BytesIO(POLISH.encode()), abort_invalid=True)
    return {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue if m.id}


def test_each_encoding_in_a_po_file_reads_as_its_state() -> None:
    messages = polish_messages()
    assert states.state_of(messages["Continue"]) is TranslationState.APPROVED
    assert states.state_of(messages["Hello %(name)s"]) is TranslationState.DRAFT
    outdated = messages["How well was {person} looked after in the last two days?"]
    assert states.state_of(outdated) is TranslationState.OUTDATED
    assert states.state_of(messages["Reply STOP to stop these texts."]) is TranslationState.MISSING
    assert states.state_of(messages["%(num)d day"]) is TranslationState.DRAFT


def test_an_outdated_entry_keeps_the_english_it_was_translated_from() -> None:
    record = states.record_from_message(
        polish_messages()["How well was {person} looked after in the last two days?"]
    )
    assert record.previous_source == "How well was {person} cared for in the last two days?"
    assert record.translation == ("Jak dobrze opiekowano się {person} w ostatnich dwóch dniach?",)
    assert record.context == QUESTION_CONTEXT


def test_the_approval_comment_names_the_reviewer_and_the_day() -> None:
    record = states.record_from_message(polish_messages()["Continue"])
    assert record.approval == Approval("ola@example.org", date(2026, 11, 2))


def test_a_plural_with_one_empty_form_is_missing() -> None:
    message = Message(("%(num)d day", "%(num)d days"), ("%(num)d dzień", "", "%(num)d dni"))
    assert states.state_of(message) is TranslationState.MISSING


def test_editing_makes_a_draft_and_clearing_makes_it_missing() -> None:
    record = states.missing("", "Continue")
    drafted = states.edit(record, ["Dalej"])
    assert drafted.state is TranslationState.DRAFT and drafted.translation == ("Dalej",)
    assert states.edit(drafted, [""]).state is TranslationState.MISSING


def test_editing_an_outdated_translation_settles_it_as_a_draft_of_the_new_english() -> None:
    outdated = states.source_changed(states.edit(states.missing("", "Old"), ["Stare"]), "New")
    edited = states.edit(outdated, ["Nowe"])
    assert edited.state is TranslationState.DRAFT and edited.previous_source is None


def test_approving_a_draft_records_who_and_when() -> None:
    draft = states.edit(states.missing("", "Continue"), ["Dalej"])
    approved = states.approve(draft, "ola@example.org", date(2026, 11, 3))
    assert approved.state is TranslationState.APPROVED
    assert approved.approval == Approval("ola@example.org", date(2026, 11, 3))


def test_an_empty_or_outdated_translation_cannot_be_approved() -> None:
    with pytest.raises(states.NothingToApprove):
        states.approve(states.missing("", "Continue"), "ola", date(2026, 11, 3))
    outdated = states.source_changed(states.edit(states.missing("", "Old"), ["Stare"]), "New")
    with pytest.raises(states.TranslatedFromOlderSource):
        states.approve(outdated, "ola", date(2026, 11, 3))


def test_a_changed_source_keeps_the_old_source_and_the_old_text() -> None:
    approved = states.approve(
        states.edit(states.missing("", "Old words"), ["Stare słowa"]), "ola", date(2026, 11, 3)
    )
    changed = states.source_changed(approved, "New words")
    assert changed.state is TranslationState.OUTDATED
    assert changed.source == "New words"
    assert changed.previous_source == "Old words"
    assert changed.translation == ("Stare słowa",)
    assert changed.approval is None
    again = states.source_changed(changed, "Newer words")
    assert again.previous_source == "Old words", "the text was written for the first English"


def test_a_changed_source_with_nothing_translated_is_simply_missing() -> None:
    changed = states.source_changed(states.missing("", "Old"), "New")
    assert changed.state is TranslationState.MISSING and changed.source == "New"


def test_only_approved_text_is_served_unless_drafts_are_allowed() -> None:
    assert states.is_servable(TranslationState.APPROVED, serve_drafts=False)
    assert not states.is_servable(TranslationState.DRAFT, serve_drafts=False)
    assert states.is_servable(TranslationState.DRAFT, serve_drafts=True)
    assert not states.is_servable(TranslationState.OUTDATED, serve_drafts=True)
    assert not states.is_servable(TranslationState.MISSING, serve_drafts=True)


@pytest.mark.parametrize(
    "source, translation",
    [
        ("Continue", "Dalej"),
        ("Hello %(name)s", "Witaj %(name)s"),
        ("How well was {person} looked after?", "Jak {person}?"),
    ],
)
def test_every_state_survives_a_trip_through_a_po_file(source: str, translation: str) -> None:
    missing = states.missing(QUESTION_CONTEXT, source)
    draft = states.edit(missing, [translation])
    approved = states.approve(draft, "ola@example.org", date(2026, 11, 3))
    outdated = states.source_changed(draft, source + " Really?")
    for record in (missing, draft, approved, outdated):
        catalogue = Catalog(locale="pl", fuzzy=False)
        message = states.to_message(record, num_plurals=catalogue.num_plurals)
        catalogue[message.id] = message
        buffer = BytesIO()
        write_po(buffer, catalogue, include_previous=True, width=10**9)
        reread = [m for m in read_po(BytesIO(buffer.getvalue()), abort_invalid=True) if m.id]
        assert [states.record_from_message(m) for m in reread] == [record]


def test_placeholders_must_match_the_english() -> None:
    assert states.placeholder_problem("Hello %(name)s", None, ["Witaj %(name)s"]) is None
    lacking = states.placeholder_problem("Hello %(name)s", None, ["Witaj"])
    assert lacking is not None and lacking.lacking == ("%(name)",)
    renamed = states.placeholder_problem("About {person}", None, ["O {osoba}"])
    assert renamed is not None
    assert renamed.lacking == ("{person}",) and renamed.unknown == ("{osoba}",)
    assert states.placeholder_problem("100%% sure", None, ["w 100%% pewne"]) is None


def test_a_plural_form_may_leave_out_the_count_but_never_invent_a_placeholder() -> None:
    assert (
        states.placeholder_problem("%(num)d day", "%(num)d days", ["jeden dzień", "%(num)d dni"])
        is None
    )
    problem = states.placeholder_problem("%(num)d day", "%(num)d days", ["%(liczba)d dni"])
    assert problem is not None and problem.unknown == ("%(liczba)",)


def test_placeholders_are_listed_as_the_translator_must_type_them() -> None:
    assert states.placeholders_as_written("%(num)d day for {person}", "%(num)d days, 100%%") == [
        "%(num)d",
        "{person}",
    ]
