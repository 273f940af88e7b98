"""Follow changes to the English: translations of a changed source become outdated, never lost."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import states
from app.i18n.states import TranslationState
from app.models import TranslationEntry
from app.services.audit import SYSTEM, Actor, AuditAction, add_event
from app.services.transactions import begin_write
from app.services.translation_store import (
    bump_store_version,
    now,
    record_from_row,
    template_messages,
    write_record,
)

# The same similarity pybabel update uses to carry a translation over to a reworded string.
SIMILAR_ENOUGH = 0.6


@dataclass(frozen=True)
class SyncReport:
    """Rows moved to a changed source (outdated), and rows whose source is gone without a match."""

    outdated: int
    unmatched: int


def sync_sources(session: Session, template: Catalog, actor: Actor = SYSTEM) -> SyncReport:
    """Re-key in-app translations whose English changed, marking them outdated.

    A string with a questionnaire or SMS context keeps its context when reworded, so the match is
    exact; an interface string (no context) is matched to the most similar new English. A row
    with no match is kept as it is: unreachable, but not deleted, in case the English returns.
    """
    sources: dict[str, dict[str, str | None]] = defaultdict(dict)
    for message in template_messages(template):
        source, plural = states.source_of(message)
        sources[message.context or ""][source] = plural
    begin_write(session)
    rows = list(session.scalars(select(TranslationEntry)))
    taken = {(row.language, row.context, row.source) for row in rows}
    outdated = unmatched = 0
    moment = now()
    for row in rows:
        in_context = sources.get(row.context, {})
        if row.source in in_context:
            continue
        new_source = _replacement(row, in_context)
        if new_source is None or (row.language, row.context, new_source) in taken:
            unmatched += 1
            continue
        record = states.source_changed(record_from_row(row), new_source, in_context[new_source])
        taken.discard((row.language, row.context, row.source))
        taken.add((row.language, row.context, new_source))
        write_record(row, record, moment)
        if record.state is TranslationState.OUTDATED:
            outdated += 1
    if outdated:
        bump_store_version(session)
        add_event(
            session,
            actor,
            AuditAction.TRANSLATION_SYNC,
            detail={"outdated": outdated, "unmatched": unmatched},
        )
    session.commit()
    return SyncReport(outdated=outdated, unmatched=unmatched)


def _replacement(row: TranslationEntry, in_context: dict[str, str | None]) -> str | None:
    if row.context and len(in_context) == 1:
        return next(iter(in_context))
    close = difflib.get_close_matches(row.source, list(in_context), n=1, cutoff=SIMILAR_ENOUGH)
    return close[0] if close else None
