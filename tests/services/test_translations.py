"""Translation services on the real database: merged view, edits, approvals, sync, .po files."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n.overlay import overlay
from app.i18n.po_files import CatalogueFiles
from app.i18n.states import TranslationState
from app.models import AuditEvent, TranslationEntry
from app.services import translations
from app.services.audit import Actor
from app.services.translation_store import entry_key
from tests.i18n.catalogue_fixtures import QUESTION_CONTEXT, TEMPLATE, po_file, write_catalogues

OLA = Actor(7, "ola@example.org")
QUESTION = "How well was {person} looked after in the last two days?"


@pytest.fixture
def files(app: Flask, tmp_path: Path) -> CatalogueFiles:
    root = write_catalogues(tmp_path / "translations")
    app.config["TRANSLATIONS_DIR"] = str(root)
    return CatalogueFiles(root)


def states_by_source(
    session: Session, files: CatalogueFiles, language: str = "pl"
) -> dict[str, str]:
    return {
        entry.record.source: entry.record.state.value
        for entry in translations.list_entries(session, files, language)
    }


def row_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(TranslationEntry)) or 0)


def key(source: str, context: str = "") -> str:
    return entry_key(context, source)


def test_the_merged_view_reads_each_state_from_the_catalogue_file(
    session: Session, files: CatalogueFiles
) -> None:
    assert states_by_source(session, files) == {
        "Continue": "approved",
        "Hello %(name)s": "draft",
        QUESTION: "outdated",
        "Reply STOP to stop these texts.": "missing",
        "%(num)d day": "draft",
    }
    assert translations.counts(session, files, "pl") == translations.StateCounts(
        "pl", total=5, approved=1, draft=2, outdated=1, missing=1
    )


def test_a_language_without_a_catalogue_has_every_string_missing(
    session: Session, files: CatalogueFiles
) -> None:
    counts = translations.counts(session, files, "ur")
    assert (counts.total, counts.missing) == (5, 5)
    with pytest.raises(translations.UnknownLanguage):
        translations.counts(session, files, "en")


def test_filters_by_state_kind_and_search(session: Session, files: CatalogueFiles) -> None:
    drafts = translations.list_entries(session, files, "pl", state=TranslationState.DRAFT)
    assert {e.record.source for e in drafts} == {"Hello %(name)s", "%(num)d day"}
    questions = translations.list_entries(
        session, files, "pl", kind=translations.StringKind.QUESTIONNAIRE
    )
    assert [e.record.context for e in questions] == [QUESTION_CONTEXT]
    sms = translations.list_entries(session, files, "pl", kind=translations.StringKind.SMS)
    assert [e.record.source for e in sms] == ["Reply STOP to stop these texts."]
    found = translations.list_entries(session, files, "pl", search="WITAJ")
    assert [e.record.source for e in found] == ["Hello %(name)s"]


def test_an_edit_is_a_draft_stored_in_the_database_and_audited(
    session: Session, files: CatalogueFiles
) -> None:
    entry = translations.edit_entry(
        session, files, "pl", key("Reply STOP to stop these texts.", "sms:welcome"),
        ["Odpowiedz STOP, aby zatrzymać."], OLA,
    )  # fmt: skip
    assert entry.in_app and entry.record.state is TranslationState.DRAFT
    assert entry.translated_by == "ola@example.org"
    events = list(session.scalars(select(AuditEvent)))
    assert [(e.action, e.language, e.actor_user_id) for e in events] == [
        ("translation.edit", "pl", 7)
    ]
    assert "Odpowiedz" not in events[0].detail


def test_an_edit_whose_placeholders_differ_is_refused_and_nothing_is_stored(
    session: Session, files: CatalogueFiles
) -> None:
    with pytest.raises(translations.PlaceholdersDoNotMatch) as refused:
        translations.edit_entry(session, files, "pl", key("Hello %(name)s"), ["Witaj"], OLA)
    assert refused.value.mismatch.lacking == ("%(name)",)
    assert row_count(session) == 0


def test_approving_a_draft_serves_it_even_when_drafts_are_not_served(
    app: Flask, session: Session, files: CatalogueFiles
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
    translations.edit_entry(session, files, "pl", key("Continue"), ["Dalej dalej"], OLA)
    assert overlay("pl", Translations()).gettext("Continue") == "Continue"
    translations.approve_entry(session, files, "pl", key("Continue"), OLA)
    assert overlay("pl", Translations()).gettext("Continue") == "Dalej dalej"
    entry = translations.find_entry(session, files, "pl", key("Continue"))
    assert entry.record.approval is not None and entry.record.approval.reviewer == OLA.label


def test_drafts_are_served_only_when_the_deployment_allows_them(
    app: Flask, session: Session, files: CatalogueFiles
) -> None:
    translations.edit_entry(
        session, files, "pl", key(QUESTION, QUESTION_CONTEXT), ["Jak {person}?"], OLA
    )
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
    assert overlay("pl", Translations()).pgettext(QUESTION_CONTEXT, QUESTION) == QUESTION
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    assert overlay("pl", Translations()).pgettext(QUESTION_CONTEXT, QUESTION) == "Jak {person}?"


def test_the_overlay_is_rebuilt_only_when_the_store_changes(
    app: Flask, session: Session, files: CatalogueFiles
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    base = Translations()
    first = overlay("pl", base)
    assert overlay("pl", base) is first
    version = translations.store_version(session)
    translations.edit_entry(session, files, "pl", key("Continue"), ["Naprzód"], OLA)
    assert translations.store_version(session) == version + 1
    second = overlay("pl", base)
    assert second is not first and second.gettext("Continue") == "Naprzód"


def test_plural_drafts_are_served_by_count(
    app: Flask, session: Session, files: CatalogueFiles
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    translations.edit_entry(
        session,
        files,
        "pl",
        key("%(num)d day"),
        ["%(num)d dzień", "%(num)d dni", "%(num)d dni!"],
        OLA,
    )
    served = overlay("pl", Translations())
    assert served.ngettext("%(num)d day", "%(num)d days", 1) == "%(num)d dzień"
    assert served.ngettext("%(num)d day", "%(num)d days", 5) == "%(num)d dni!"


def test_an_outdated_or_empty_entry_cannot_be_approved(
    session: Session, files: CatalogueFiles
) -> None:
    with pytest.raises(translations.OutdatedCannotBeApproved):
        translations.approve_entry(session, files, "pl", key(QUESTION, QUESTION_CONTEXT), OLA)
    with pytest.raises(translations.NothingToApprove):
        translations.approve_entry(
            session, files, "pl", key("Reply STOP to stop these texts.", "sms:welcome"), OLA
        )
    assert row_count(session) == 0


def test_revert_brings_back_the_catalogue_files_text(
    session: Session, files: CatalogueFiles
) -> None:
    translations.edit_entry(session, files, "pl", key("Continue"), ["Naprzód"], OLA)
    entry = translations.revert_entry(session, files, "pl", key("Continue"), OLA)
    assert not entry.in_app
    assert entry.record.translation == ("Dalej",)
    assert entry.record.state is TranslationState.APPROVED


def test_a_source_edit_marks_in_app_work_outdated_and_keeps_the_old_source(
    session: Session, files: CatalogueFiles
) -> None:
    translations.edit_entry(
        session,
        files,
        "pl",
        key("Reply STOP to stop these texts.", "sms:welcome"),
        ["Wyślij STOP."],
        OLA,
    )
    translations.edit_entry(
        session, files, "pl", key("Hello %(name)s"), ["Dzień dobry %(name)s"], OLA
    )
    translations.approve_entry(session, files, "pl", key("Hello %(name)s"), OLA)
    reworded = TEMPLATE.replace(
        "Reply STOP to stop these texts.", "Reply STOP at any time to stop these texts."
    ).replace('msgid "Hello %(name)s"', 'msgid "Hello there %(name)s"')
    (files.root / "messages.pot").write_text(reworded, encoding="utf-8")
    report = translations.sync_sources(session, files.template())
    assert report == translations.SyncReport(outdated=2, unmatched=0)
    assert row_count(session) == 2, "nothing is deleted"
    sms = translations.find_entry(
        session, files, "pl", key("Reply STOP at any time to stop these texts.", "sms:welcome")
    )
    assert sms.record.state is TranslationState.OUTDATED
    assert sms.record.previous_source == "Reply STOP to stop these texts."
    assert sms.record.translation == ("Wyślij STOP.",)
    hello = translations.find_entry(session, files, "pl", key("Hello there %(name)s"))
    assert hello.record.state is TranslationState.OUTDATED
    assert hello.record.previous_source == "Hello %(name)s"
    assert hello.record.approval is None


def test_an_upload_imports_changed_strings_and_reports_the_rest(
    session: Session, files: CatalogueFiles
) -> None:
    upload = po_file(
        "pl",
        'msgctxt "sms:welcome"\nmsgid "Reply STOP to stop these texts."\nmsgstr "Wyślij STOP."\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Cześć"\n\n'
        'msgid "A string the English dropped"\nmsgstr "Coś"\n\n'
        'msgid "Continue"\nmsgstr ""\n',
    )
    report = translations.import_po(session, files, "pl", upload, OLA, mark_approved=False)
    assert report.imported == 1 and report.empty == 1
    assert report.not_in_source == ["A string the English dropped"]
    assert [(r.source, r.mismatch.lacking) for r in report.rejected] == [
        ("Hello %(name)s", ("%(name)",))
    ]
    states = states_by_source(session, files)
    assert states["Reply STOP to stop these texts."] == "draft"
    assert states["Continue"] == "approved", "an empty string never erases a translation"
    assert translations.find_entry(
        session, files, "pl", key("Hello %(name)s")
    ).record.translation == ("Witaj %(name)s",)
    event = session.scalars(select(AuditEvent)).one()
    assert event.action == "translation.import_po"
    assert json.loads(event.detail)["rejected"] == 1


def test_an_upload_marked_approved_approves_by_the_uploader(
    session: Session, files: CatalogueFiles
) -> None:
    upload = po_file("pl", 'msgid "Hello %(name)s"\nmsgstr "Witaj %(name)s"\n')
    translations.import_po(session, files, "pl", upload, OLA, mark_approved=True)
    entry = translations.find_entry(session, files, "pl", key("Hello %(name)s"))
    assert entry.record.state is TranslationState.APPROVED
    assert entry.record.approval is not None and entry.record.approval.reviewer == OLA.label


def test_an_approval_comment_typed_into_an_upload_is_not_trusted(
    session: Session, files: CatalogueFiles
) -> None:
    upload = po_file(
        "pl", '# approved-by: someone 2026-01-01\nmsgid "Hello %(name)s"\nmsgstr "Hej %(name)s"\n'
    )
    translations.import_po(session, files, "pl", upload, OLA, mark_approved=False)
    entry = translations.find_entry(session, files, "pl", key("Hello %(name)s"))
    assert entry.record.state is TranslationState.DRAFT


@pytest.mark.parametrize(
    "upload, reason",
    [
        (po_file("ur", 'msgid "Continue"\nmsgstr "جاری رکھیں"\n'), "wrong_language"),
        (b'msgid "Continue"\nmsgstr "Dalej"\n', "no_language"),
        (b"\xff\xfe\x00garbage\x00", "unreadable"),
        (po_file("pl", 'msgid "Continue"\nmsgstr "Dalej"\nnonsense here\n'), "unreadable"),
        (b"%PDF-1.7\n" + b"\x00" * 64, "unreadable"),
    ],
)
def test_a_bad_file_is_rejected_whole_and_changes_nothing(
    session: Session, files: CatalogueFiles, upload: bytes, reason: str
) -> None:
    translations.edit_entry(session, files, "pl", key("Continue"), ["Naprzód"], OLA)
    before = translations.export_po(session, files, "pl")
    version = translations.store_version(session)
    with pytest.raises(translations.PoFileRejected) as rejected:
        translations.import_po(session, files, "pl", upload, OLA, mark_approved=True)
    assert rejected.value.reason == reason
    assert translations.export_po(session, files, "pl") == before
    assert translations.store_version(session) == version
    assert row_count(session) == 1


def test_a_file_naming_a_region_of_the_language_is_accepted(
    session: Session, files: CatalogueFiles
) -> None:
    upload = po_file("pl_PL", 'msgid "Hello %(name)s"\nmsgstr "Hej %(name)s"\n')
    report = translations.import_po(session, files, "pl", upload, OLA, mark_approved=False)
    assert report.imported == 1
    with pytest.raises(translations.PoFileRejected):
        translations.import_po(
            session, files, "zh_Hans", po_file("zh_Hant", ""), OLA, mark_approved=False
        )


def test_a_file_over_the_limit_is_refused_before_parsing(
    session: Session, files: CatalogueFiles
) -> None:
    with pytest.raises(translations.PoFileRejected) as rejected:
        translations.import_po(
            session,
            files,
            "pl",
            po_file("pl", "#" * 2048),
            OLA,
            mark_approved=False,
            max_bytes=1024,
        )
    assert rejected.value.reason == "too_large"


def test_export_then_import_changes_nothing(session: Session, files: CatalogueFiles) -> None:
    translations.edit_entry(
        session,
        files,
        "pl",
        key("Reply STOP to stop these texts.", "sms:welcome"),
        ["Wyślij STOP."],
        OLA,
    )
    translations.approve_entry(
        session, files, "pl", key("Reply STOP to stop these texts.", "sms:welcome"), OLA
    )
    exported = translations.export_po(session, files, "pl")
    before = states_by_source(session, files)
    version = translations.store_version(session)
    report = translations.import_po(session, files, "pl", exported, OLA, mark_approved=False)
    assert report.imported == 0 and report.unchanged == 5 and report.empty == 0
    assert not report.rejected and not report.not_in_source
    assert translations.store_version(session) == version
    assert states_by_source(session, files) == before
    assert translations.export_po(session, files, "pl") == exported


def test_the_export_encodes_every_state_for_poedit_and_weblate(
    session: Session, files: CatalogueFiles
) -> None:
    exported = translations.export_po(session, files, "pl").decode("utf-8")
    assert '"Language: pl\\n"' in exported
    assert "# approved-by: ola@example.org 2026-11-02" in exported
    assert "#, fuzzy" in exported
    assert '#| msgid "How well was {person} cared for in the last two days?"' in exported
    catalogue = read_po(BytesIO(exported.encode()), abort_invalid=True)
    assert catalogue.num_plurals == 3
