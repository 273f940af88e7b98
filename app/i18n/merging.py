"""Updating a language's catalogue from the template without ever losing a translation.

Like msgmerge, but matching the way our contexts work: an entry whose source text changed keeps
its translation, marked fuzzy (outdated) with the old source as ``#| msgid``; its approval is
dropped, so a reviewer looks again. Entries that left the template stay as obsolete ``#~``.
"""

from __future__ import annotations

import copy
from difflib import get_close_matches

from babel.messages.catalog import Catalog, Message

from app.i18n.extraction import PROJECT_NAME
from app.i18n.po_states import drop_approval, message_state

_SIMILARITY = 0.6


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def _translated(message: Message) -> bool:
    return message_state(message) != "missing"


def _carry(target: Message, source: Message, *, outdated: bool) -> None:
    target.string = copy.copy(source.string)
    target.user_comments = list(source.user_comments)
    if source.fuzzy:
        target.flags.add("fuzzy")
        target.previous_id = list(source.previous_id)
    if outdated:
        target.flags.add("fuzzy")
        old_ids = source.id if isinstance(source.id, (tuple, list)) else [source.id]
        target.previous_id = list(source.previous_id) if source.fuzzy else list(old_ids)
        drop_approval(target)
    _match_plural_shape(target)


def _match_plural_shape(message: Message) -> None:
    if message.pluralizable and not isinstance(message.string, (tuple, list)):
        message.string = (message.string, message.string) if message.string else ("", "")
    elif not message.pluralizable and isinstance(message.string, (tuple, list)):
        message.string = message.string[0] if message.string else ""


def update_catalogue(old: Catalog, template: Catalog) -> Catalog:
    """The language's catalogue brought up to date with the template."""
    updated = Catalog(
        locale=old.locale,
        domain=old.domain,
        header_comment=old.header_comment,
        project=old.project,
        version=old.version,
        copyright_holder=PROJECT_NAME,
        msgid_bugs_address=old.msgid_bugs_address,
        creation_date=template.creation_date,
        revision_date=old.revision_date,
        last_translator=old.last_translator,
        language_team=old.language_team,
        fuzzy=False,
    )
    previous = {_key(m): m for m in old if m.id}
    previous.update({_key(m): m for m in old.obsolete.values() if m.id})
    by_context: dict[str, list[Message]] = {}
    by_text: dict[str, Message] = {}
    for message in previous.values():
        if not _translated(message):
            continue
        if message.context:
            by_context.setdefault(message.context, []).append(message)
        else:
            by_text.setdefault(_key(message)[0].lower().strip(), message)
    used: set[tuple[str, str | None]] = set()

    for entry in template:
        if not entry.id:
            continue
        message = Message(
            entry.id,
            "",
            locations=list(entry.locations),
            flags=set(entry.flags) - {"fuzzy"},
            auto_comments=list(entry.auto_comments),
            context=entry.context,
        )
        key = _key(entry)
        if key in previous:
            _carry(message, previous[key], outdated=False)
            used.add(key)
        else:
            source = _outdated_source(entry, by_context, by_text)
            if source is not None:
                _carry(message, source, outdated=True)
                used.add(_key(source))
        _match_plural_shape(message)
        # Catalog keys entries by (msgid, msgctxt), taking the context from the message.
        updated[entry.id] = message

    for key, message in previous.items():
        if key in used or updated.get(key[0], key[1]) is not None or not _translated(message):
            continue
        updated.obsolete[updated._key_for(key[0], key[1])] = message  # noqa: SLF001
    return updated


def _outdated_source(
    entry: Message, by_context: dict[str, list[Message]], by_text: dict[str, Message]
) -> Message | None:
    """The old translation of this text: same context (questionnaire texts), else a close text."""
    msgid = _key(entry)[0]
    if entry.context and entry.context in by_context:
        candidates = by_context[entry.context]
        texts = {_key(m)[0]: m for m in candidates}
        best = get_close_matches(msgid, list(texts), 1, 0.0)
        return texts[best[0]] if best else candidates[0]
    if entry.context:
        return None
    best = get_close_matches(msgid.lower().strip(), list(by_text), 1, _SIMILARITY)
    return by_text[best[0]] if best else None
