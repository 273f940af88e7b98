"""The merged view of translations: the .po catalogues with the in-app database overlay on top."""

from __future__ import annotations

import enum
import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime

from babel.messages.catalog import Catalog, Message
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.i18n.po_files import CatalogueFiles
from app.i18n.review_languages import is_target_language
from app.i18n.states import (
    Approval,
    PlaceholderMismatch,
    TranslationRecord,
    TranslationState,
    missing,
    record_from_message,
    source_of,
)
from app.models import TranslationEntry, TranslationStoreVersion
from app.models.clock import utc_now
from app.services.errors import ServiceError

VERSION_ROW_ID = 1


class TranslationError(ServiceError):
    """Base of the translation services' named errors."""


class UnknownLanguage(TranslationError):
    """Not one of the languages translators work in."""


class EntryNotFound(TranslationError):
    """No source string has that key (the English may have changed since the page was shown)."""


class NothingToApprove(TranslationError):
    """An empty translation cannot be approved."""


class OutdatedCannotBeApproved(TranslationError):
    """The English changed since this was translated; the text needs editing first."""


class PlaceholdersDoNotMatch(TranslationError):
    """The translation's placeholders differ from the English source's."""

    def __init__(self, mismatch: PlaceholderMismatch) -> None:
        super().__init__(
            f"placeholders differ: lacking {mismatch.lacking}, extra {mismatch.unknown}"
        )
        self.mismatch = mismatch


class StringKind(enum.StrEnum):
    """Where a string comes from, read from its message context."""

    INTERFACE = "interface"
    QUESTIONNAIRE = "questionnaire"
    SMS = "sms"


def kind_of(context: str) -> StringKind:
    if not context:
        return StringKind.INTERFACE
    if context.startswith("sms:") or context == "sms keyword":
        return StringKind.SMS
    # Questionnaire texts are "<questionnaire id>:<where>" (localisation.py); interface
    # contexts are plain words.
    return StringKind.QUESTIONNAIRE if ":" in context else StringKind.INTERFACE


def entry_key(context: str, source: str) -> str:
    """A short stable id for a source string, safe in URLs and form fields."""
    return hashlib.sha256(f"{context}\x04{source}".encode()).hexdigest()[:24]


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EntryView:
    """One string as a translator sees it: the record, where it came from, and who worked on it."""

    key: str
    record: TranslationRecord
    kind: StringKind
    in_app: bool
    translated_by: str | None = None
    translated_at: datetime | None = None


def check_language(language: str) -> None:
    if not is_target_language(language):
        raise UnknownLanguage(language)


def rows_for(session: Session, language: str) -> dict[tuple[str, str], TranslationEntry]:
    rows = session.scalars(select(TranslationEntry).where(TranslationEntry.language == language))
    return {(row.context, row.source): row for row in rows}


def record_from_row(row: TranslationEntry) -> TranslationRecord:
    state = TranslationState(row.state)
    if row.source_plural is not None:
        forms = tuple(row.plural_forms or ())
    else:
        forms = (row.translation,) if row.translation else ()
    approval = None
    if state is TranslationState.APPROVED and row.approved_by and row.approved_at:
        approval = Approval(row.approved_by, row.approved_at.date())
    return TranslationRecord(
        context=row.context,
        source=row.source,
        source_plural=row.source_plural,
        translation=forms,
        state=state,
        previous_source=row.previous_source,
        approval=approval,
    )


def write_record(row: TranslationEntry, record: TranslationRecord, now: datetime) -> None:
    """Copy a record's text and state onto its row (the row's language stays as it is)."""
    row.context = record.context
    row.source = record.source
    row.source_hash = source_hash(record.source)
    row.source_plural = record.source_plural
    if record.is_plural:
        row.plural_forms = list(record.translation)
        row.translation = record.translation[0] if record.translation else ""
    else:
        row.plural_forms = None
        row.translation = record.translation[0] if record.translation else ""
    row.state = record.state.value
    row.previous_source = record.previous_source
    if record.approval is None:
        row.approved_by, row.approved_at = None, None
    elif (
        row.approved_by != record.approval.reviewer
        or row.approved_at is None
        or (row.approved_at.date() != record.approval.on)
    ):
        row.approved_by = record.approval.reviewer
        # The .po encoding keeps the day only; an approval made now keeps the moment.
        row.approved_at = (
            now
            if record.approval.on == now.date()
            else datetime.combine(record.approval.on, datetime.min.time())
        )
    row.updated_at = now


def row_for(
    session: Session,
    rows: dict[tuple[str, str], TranslationEntry],
    language: str,
    key: tuple[str, str],
) -> TranslationEntry:
    """The overlay row for a string, added to the session if there was none."""
    row = rows.get(key)
    if row is None:
        row = TranslationEntry(language=language, context=key[0], source=key[1])
        session.add(row)
        rows[key] = row
    return row


def find_row(session: Session, language: str, context: str, source: str) -> TranslationEntry:
    """The overlay row for one string, added to the session if there is none yet."""
    row = session.scalar(
        select(TranslationEntry).where(
            TranslationEntry.language == language,
            TranslationEntry.context == context,
            TranslationEntry.source_hash == source_hash(source),
        )
    )
    if row is None:
        row = TranslationEntry(language=language, context=context, source=source)
        session.add(row)
    return row


def template_messages(template: Catalog) -> list[Message]:
    return [message for message in template if message.id]


def merged_entries(session: Session, files: CatalogueFiles, language: str) -> list[EntryView]:
    """Every source string, with the text a carer would be served from.

    The sources are the template catalogue (interface, core questionnaire, SMS) and the
    published local questions of every area, which live in the database, not in a file.
    """
    from app.services.codesign_publishing import local_strings_to_translate

    check_language(language)
    catalogue = files.catalogue(language)
    rows = rows_for(session, language)
    by_context: dict[str, TranslationEntry] = {}
    for stored in rows.values():
        if stored.source_plural is None:
            by_context[stored.context] = stored
    messages = template_messages(files.template())
    in_template = {(message.context or "", source_of(message)[0]) for message in messages}
    messages += [
        Message(source, context=context)
        for context, source in local_strings_to_translate(session)
        if (context, source) not in in_template
    ]
    entries = []
    for message in messages:
        context = message.context or ""
        source, plural = source_of(message)
        row = rows.get((context, source))
        if row is not None:
            record = record_from_row(row)
            entries.append(
                EntryView(
                    entry_key(context, source),
                    record,
                    kind_of(context),
                    in_app=True,
                    translated_by=row.translated_by,
                    translated_at=row.translated_at,
                )
            )
            continue
        found = catalogue.get(message.id, context=message.context) if catalogue else None
        if found is not None and source_of(found) == (source, plural):
            record = record_from_message(found)
        elif plural is None and context in by_context and (found is None or not found.string):
            # Translated in the app from an earlier wording (a reworded local question): kept,
            # shown as outdated with the old and new English, never dropped.
            earlier = by_context[context]
            record = TranslationRecord(
                context,
                source,
                None,
                (earlier.translation,) if earlier.translation else (),
                TranslationState.OUTDATED,
                previous_source=earlier.source,
            )
        else:
            record = missing(context, source, plural)
        entries.append(
            EntryView(entry_key(context, source), record, kind_of(context), in_app=False)
        )
    return entries


# Overlay changes committed by this process. The web overlay (app/i18n/overlay.py) reads the
# store version at most once a second, and at once after a change here, so a translator sees
# their own save on the next page and other processes see it within a second.
_local_changes = 0
_local_changes_lock = threading.Lock()


def local_changes() -> int:
    """How many overlay changes this process has made (a change marker, not a version)."""
    return _local_changes


def _count_local_change(*_session: object) -> None:
    global _local_changes
    with _local_changes_lock:
        _local_changes += 1


def store_version(session: Session) -> int:
    """A number that changes whenever the overlay does: cheap enough to read on every request."""
    version = session.scalar(
        select(TranslationStoreVersion.version).where(TranslationStoreVersion.id == VERSION_ROW_ID)
    )
    return int(version or 0)


def bump_store_version(session: Session) -> None:
    """Count one change, inside the caller's write transaction."""
    changed = session.execute(
        update(TranslationStoreVersion)
        .where(TranslationStoreVersion.id == VERSION_ROW_ID)
        .values(version=TranslationStoreVersion.version + 1)
    )
    if getattr(changed, "rowcount", 0) == 0:
        session.add(TranslationStoreVersion(id=VERSION_ROW_ID, version=1))
    # Counted now and again once committed: a version read in between (another thread of this
    # process, before the commit) is never trusted afterwards.
    _count_local_change()
    event.listen(session, "after_commit", _count_local_change, once=True)


def now() -> datetime:
    return utc_now()
