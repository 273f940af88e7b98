"""Exchange .po files with Poedit and Weblate: export the merged view, import an upload."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from io import BytesIO

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access.permissions import Scope
from app.i18n import states
from app.i18n.po_files import CatalogueFiles, repair_previous_sources
from app.i18n.states import PlaceholderMismatch, TranslationRecord, TranslationState
from app.models import TranslationEntry
from app.services.audit import Actor, AuditAction, add_event
from app.services.transactions import begin_write
from app.services.translation_store import (
    TranslationError,
    bump_store_version,
    check_language,
    merged_entries,
    now,
    row_for,
    rows_for,
    template_messages,
    write_record,
)

# Wide enough that babel never wraps a line: wrapped "#| msgid" comments would corrupt the file.
_NO_WRAPPING = 1_000_000_000


class PoFileRejected(TranslationError):
    """The uploaded file was not imported at all; ``reason`` says why in a word."""

    def __init__(self, reason: str, *, line: int | None = None, found: str | None = None) -> None:
        super().__init__(f"{reason} (line {line}, language {found!r})")
        self.reason = reason
        self.line = line
        self.found = found


@dataclass(frozen=True)
class RejectedEntry:
    """One string not imported because its placeholders do not fit the English."""

    source: str
    context: str
    mismatch: PlaceholderMismatch


@dataclass
class ImportReport:
    """What an upload changed, and what it left out and why."""

    imported: int = 0
    unchanged: int = 0
    empty: int = 0
    not_in_source: list[str] = field(default_factory=list)
    rejected: list[RejectedEntry] = field(default_factory=list)


def export_po(session: Session, files: CatalogueFiles, language: str) -> bytes:
    """The language's merged catalogue (files plus in-app work), states encoded in the file."""
    check_language(language)
    template = files.template()
    existing = files.catalogue(language)
    catalogue = Catalog(
        locale=language,
        project="Carer Voices",
        fuzzy=False,
        creation_date=template.creation_date,
        revision_date=_revision_date(session, language, existing, template),
    )
    by_key = {(message.context or "", message.id if isinstance(message.id, str) else message.id[0]):
              message for message in template_messages(template)}  # fmt: skip
    for entry in merged_entries(session, files, language):
        message = states.to_message(
            entry.record, by_key.get(entry.record.key), num_plurals=catalogue.num_plurals
        )
        catalogue[message.id] = message
    buffer = BytesIO()
    write_po(buffer, catalogue, include_previous=True, width=_NO_WRAPPING, sort_output=False)
    return repair_previous_sources(buffer.getvalue().decode("utf-8")).encode("utf-8")


def _revision_date(
    session: Session, language: str, existing: Catalog | None, template: Catalog
) -> datetime:
    """When the language last changed, so exporting twice gives the same bytes."""
    latest = session.scalar(
        select(func.max(TranslationEntry.updated_at)).where(TranslationEntry.language == language)
    )
    if latest is not None:
        return latest
    if existing is not None and isinstance(existing.revision_date, datetime):
        return existing.revision_date
    created = template.creation_date
    return created if isinstance(created, datetime) else datetime(2000, 1, 1)


def parse_upload(language: str, file_bytes: bytes, max_bytes: int) -> Catalog:
    """The uploaded catalogue, or PoFileRejected with a reason a view can explain kindly."""
    if len(file_bytes) > max_bytes:
        raise PoFileRejected("too_large")
    try:
        catalogue = read_po(BytesIO(file_bytes), abort_invalid=True)
    except PoFileError as problem:
        raise PoFileRejected("unreadable", line=problem.lineno + 1) from problem
    except (UnicodeDecodeError, LookupError, UnknownLocaleError, ValueError) as problem:
        raise PoFileRejected("unreadable") from problem
    header = dict(catalogue.mime_headers).get("Language", "").strip()
    if not header:
        raise PoFileRejected("no_language")
    if not _same_language(header, language):
        raise PoFileRejected("wrong_language", found=header[:32])
    return catalogue


def _same_language(header: str, language: str) -> bool:
    """Poedit often writes a region (pl_PL) for a language we keep without one (pl)."""
    found, wanted = (code.replace("-", "_").casefold() for code in (header, language))
    return found == wanted or ("_" not in wanted and found.split("_")[0] == wanted)


def import_po(
    session: Session,
    files: CatalogueFiles,
    language: str,
    file_bytes: bytes,
    actor: Actor,
    *,
    mark_approved: bool,
    max_bytes: int = 1024 * 1024,
) -> ImportReport:
    """Take translators' work from an uploaded .po file into the overlay.

    The whole file is checked before anything is written: an unreadable file or one for another
    language changes nothing. Strings the English no longer has are reported, not imported;
    strings whose placeholders differ from the English are rejected one by one, with the reason.
    Empty strings in the file never erase a translation.
    """
    check_language(language)
    uploaded = parse_upload(language, file_bytes, max_bytes)
    current = {entry.record.key: entry.record for entry in merged_entries(session, files, language)}
    report = ImportReport()
    changes: list[TranslationRecord] = []
    today = now().date()
    for message in uploaded:
        if not message.id:
            continue
        incoming = states.record_from_message(message)
        existing = current.get(incoming.key)
        if existing is None or existing.source_plural != incoming.source_plural:
            report.not_in_source.append(incoming.source[:120])
            continue
        if not incoming.has_text:
            report.empty += 1
            continue
        mismatch = states.placeholder_problem(
            incoming.source, incoming.source_plural, incoming.translation
        )
        if mismatch is not None:
            report.rejected.append(RejectedEntry(incoming.source, incoming.context, mismatch))
            continue
        incoming = _decide_state(incoming, existing, actor, today, mark_approved)
        if incoming == existing:
            report.unchanged += 1
            continue
        changes.append(incoming)
    # Everything above only read; the changes and the audit row commit together, or not at all.
    begin_write(session)
    if changes:
        rows = rows_for(session, language)
        moment = now()
        for record in changes:
            row = row_for(session, rows, language, record.key)
            write_record(row, record, moment)
            row.translated_by, row.translated_at = actor.label, moment
        bump_store_version(session)
    report.imported = len(changes)
    add_event(
        session,
        actor,
        AuditAction.TRANSLATION_IMPORT,
        scope=Scope(language=language),
        detail={
            "imported": report.imported,
            "unchanged": report.unchanged,
            "not_in_source": len(report.not_in_source),
            "rejected": len(report.rejected),
            "mark_approved": mark_approved,
        },
    )
    session.commit()
    return report


def _decide_state(
    incoming: TranslationRecord,
    existing: TranslationRecord,
    actor: Actor,
    today: date,
    mark_approved: bool,
) -> TranslationRecord:
    """What an uploaded string becomes.

    An approval comment in the file is never taken on trust: approving is a reviewer's act in
    the app, or an upload the signed-in reviewer marks as approved. Text identical to what is on
    record keeps its state, so re-uploading an export changes nothing.
    """
    if incoming.state is TranslationState.OUTDATED:
        if (
            existing.state is TranslationState.OUTDATED
            and incoming.translation == existing.translation
        ):
            return existing
        previous = incoming.previous_source or existing.previous_source or existing.source
        return replace(
            existing,
            translation=incoming.translation,
            state=TranslationState.OUTDATED,
            previous_source=previous,
            approval=None,
        )
    if incoming.translation == existing.translation and existing.state is not (
        TranslationState.OUTDATED
    ):
        if mark_approved and existing.state is TranslationState.DRAFT:
            return states.approve(existing, actor.label, today)
        return existing
    edited = states.edit(existing, incoming.translation)
    return states.approve(edited, actor.label, today) if mark_approved else edited
