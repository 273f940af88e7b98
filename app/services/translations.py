"""Translators' work: list, edit, approve and revert strings, count states, exchange .po files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.access.permissions import Scope
from app.i18n import states
from app.i18n.po_files import CatalogueFiles
from app.i18n.states import TranslationState
from app.models import TranslationEntry
from app.services.audit import Actor, AuditAction, add_event
from app.services.transactions import begin_write
from app.services.translation_exchange import (
    ImportReport,
    PoFileRejected,
    RejectedEntry,
    export_po,
    import_po,
)
from app.services.translation_store import (
    EntryNotFound,
    EntryView,
    NothingToApprove,
    OutdatedCannotBeApproved,
    PlaceholdersDoNotMatch,
    StringKind,
    TranslationError,
    UnknownLanguage,
    bump_store_version,
    find_row,
    merged_entries,
    now,
    source_hash,
    store_version,
    write_record,
)
from app.services.translation_sync import SyncReport, sync_sources

__all__ = [
    "EntryNotFound",
    "EntryView",
    "ImportReport",
    "NothingToApprove",
    "OutdatedCannotBeApproved",
    "PlaceholdersDoNotMatch",
    "PoFileRejected",
    "RejectedEntry",
    "StateCounts",
    "StringKind",
    "SyncReport",
    "TranslationError",
    "UnknownLanguage",
    "approve_entry",
    "counts",
    "edit_entry",
    "export_po",
    "find_entry",
    "import_po",
    "list_entries",
    "revert_entry",
    "store_version",
    "sync_sources",
]


@dataclass(frozen=True)
class StateCounts:
    """How many strings of one language are in each state."""

    language: str
    total: int
    approved: int
    draft: int
    outdated: int
    missing: int

    def unservable(self, serve_drafts: bool) -> int:
        """Strings a carer would see in English under this serving setting."""
        return self.missing + self.outdated + (0 if serve_drafts else self.draft)


def list_entries(
    session: Session,
    files: CatalogueFiles,
    language: str,
    *,
    state: TranslationState | None = None,
    search: str = "",
    kind: StringKind | None = None,
) -> list[EntryView]:
    """The language's strings, filtered by state, kind and a case-insensitive search."""
    wanted = search.strip().casefold()
    found = []
    for entry in merged_entries(session, files, language):
        record = entry.record
        if state is not None and record.state is not state:
            continue
        if kind is not None and entry.kind is not kind:
            continue
        if wanted:
            haystack = " ".join(
                [
                    record.context,
                    record.source,
                    record.source_plural or "",
                    record.previous_source or "",
                    *record.translation,
                ]
            ).casefold()
            if wanted not in haystack:
                continue
        found.append(entry)
    return found


def find_entry(session: Session, files: CatalogueFiles, language: str, key: str) -> EntryView:
    for entry in merged_entries(session, files, language):
        if entry.key == key:
            return entry
    raise EntryNotFound(key)


def counts(session: Session, files: CatalogueFiles, language: str) -> StateCounts:
    tally = Counter(entry.record.state for entry in merged_entries(session, files, language))
    return StateCounts(
        language=language,
        total=sum(tally.values()),
        approved=tally[TranslationState.APPROVED],
        draft=tally[TranslationState.DRAFT],
        outdated=tally[TranslationState.OUTDATED],
        missing=tally[TranslationState.MISSING],
    )


def edit_entry(
    session: Session,
    files: CatalogueFiles,
    language: str,
    key: str,
    translation: Sequence[str],
    actor: Actor,
) -> EntryView:
    """Store a translator's text as a draft of the current English (empty text: missing)."""
    entry = find_entry(session, files, language, key)
    forms = [form.strip("\r") for form in translation]
    if any(forms):
        mismatch = states.placeholder_problem(
            entry.record.source, entry.record.source_plural, forms
        )
        if mismatch is not None:
            raise PlaceholdersDoNotMatch(mismatch)
    edited = states.edit(entry.record, forms)
    return _store(session, files, language, entry, edited, actor, AuditAction.TRANSLATION_EDIT)


def approve_entry(
    session: Session, files: CatalogueFiles, language: str, key: str, actor: Actor
) -> EntryView:
    """Approve the text as it stands, so it is served whatever the draft setting."""
    entry = find_entry(session, files, language, key)
    moment = now()
    try:
        approved = states.approve(entry.record, actor.label, moment.date())
    except states.NothingToApprove as refused:
        raise NothingToApprove(key) from refused
    except states.TranslatedFromOlderSource as refused:
        raise OutdatedCannotBeApproved(key) from refused
    return _store(session, files, language, entry, approved, actor, AuditAction.TRANSLATION_APPROVE)


def revert_entry(
    session: Session, files: CatalogueFiles, language: str, key: str, actor: Actor
) -> EntryView:
    """Drop the in-app change so the catalogue file's text (if any) is current again."""
    entry = find_entry(session, files, language, key)
    if entry.in_app:
        begin_write(session)
        session.execute(
            delete(TranslationEntry).where(
                TranslationEntry.language == language,
                TranslationEntry.context == entry.record.context,
                TranslationEntry.source_hash == source_hash(entry.record.source),
            )
        )
        bump_store_version(session)
        add_event(
            session,
            actor,
            AuditAction.TRANSLATION_REVERT,
            scope=Scope(language=language),
            object_ref=f"string:{entry.key}",
            detail={"was": entry.record.state.value},
        )
        session.commit()
    return find_entry(session, files, language, key)


def _store(
    session: Session,
    files: CatalogueFiles,
    language: str,
    entry: EntryView,
    record: states.TranslationRecord,
    actor: Actor,
    action: AuditAction,
) -> EntryView:
    for attempt in (1, 2):
        begin_write(session)
        moment = now()
        row = find_row(session, language, *entry.record.key)
        write_record(row, record, moment)
        if action is AuditAction.TRANSLATION_EDIT:
            row.translated_by, row.translated_at = actor.label, moment
        bump_store_version(session)
        add_event(
            session,
            actor,
            action,
            scope=Scope(language=language),
            object_ref=f"string:{entry.key}",
            detail={"state": record.state.value, "kind": entry.kind.value},
        )
        try:
            session.commit()
        except IntegrityError:
            # On PostgreSQL two reviewers can add the same string's first row at once; the
            # other's row exists now, so the second attempt updates it instead.
            session.rollback()
            if attempt == 2:
                raise
        else:
            break
    return find_entry(session, files, language, entry.key)
