"""Translation states (missing, draft, outdated, approved): read from, and written to, PO messages.

Pure: babel only, no Flask or SQLAlchemy, so the catalogue commands, the services and the tests
share one definition of what each state means and how it is encoded in a .po file:

- missing: the msgstr is empty;
- outdated: the ``fuzzy`` flag, with the source it was translated from kept as ``#| msgid``;
- approved: a translator comment ``# approved-by: <reviewer> <YYYY-MM-DD>``;
- draft: any other non-empty translation.

A transition never throws a translation away: a changed source keeps the old source and the old
text (outdated), and only an explicit edit replaces the text.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from babel.messages.catalog import Message
from babel.messages.pofile import unescape

FUZZY = "fuzzy"
_APPROVAL = re.compile(r"^approved-by:\s+(\S+)\s+(\d{4}-\d{2}-\d{2})\s*$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
# %(name)s, %s, %d ... (not %%), and {name}, {0}, {} (not {{ or }}).
_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +\-]?\d*(?:\.\d+)?([sdifrxXeEgGc])")
_BRACES = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


class TranslationState(enum.StrEnum):
    MISSING = "missing"
    DRAFT = "draft"
    OUTDATED = "outdated"
    APPROVED = "approved"


class ApprovalRefused(ValueError):
    """Only a non-empty translation of the current source can be approved."""


class NothingToApprove(ApprovalRefused):
    """The string has no translation yet."""


class TranslatedFromOlderSource(ApprovalRefused):
    """The English changed since this was translated; it needs editing before approval."""


@dataclass(frozen=True)
class PlaceholderMismatch:
    """Placeholders the English has and the translation lacks, and ones only the translation has."""

    lacking: tuple[str, ...]
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class Approval:
    """Who approved a translation, and on which day."""

    reviewer: str
    on: date

    def as_comment(self) -> str:
        # Reviewer names are one token so the comment reads back unambiguously.
        return f"approved-by: {'_'.join(self.reviewer.split())} {self.on:%Y-%m-%d}"


@dataclass(frozen=True)
class TranslationRecord:
    """One string in one language: its source, its translation and the state they are in."""

    context: str
    source: str
    source_plural: str | None
    translation: tuple[str, ...]
    state: TranslationState
    previous_source: str | None = None
    approval: Approval | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.source)

    @property
    def is_plural(self) -> bool:
        return self.source_plural is not None

    @property
    def has_text(self) -> bool:
        return bool(self.translation) and all(form != "" for form in self.translation)


def missing(context: str, source: str, source_plural: str | None = None) -> TranslationRecord:
    return TranslationRecord(context, source, source_plural, (), TranslationState.MISSING)


def approval_of(message: Message) -> Approval | None:
    for comment in message.user_comments:
        found = _APPROVAL.match(comment.strip())
        if found:
            try:
                return Approval(found.group(1), date.fromisoformat(found.group(2)))
            except ValueError:
                return None
    return None


def previous_source_of(message: Message) -> str | None:
    """The ``#| msgid`` a message was translated from.

    Babel's reader keeps ``#|`` lines as user comments starting with "|", one per line, in the
    layout GNU gettext and Poedit write (a keyword line, then continuation strings).
    """
    # Read through app.i18n.po_files, the previous source is already parsed.
    if message.previous_id:
        previous = message.previous_id
        return str(previous[0] if isinstance(previous, list | tuple) else previous)
    parts: dict[str, list[str]] = {}
    keyword: str | None = None
    for comment in message.user_comments:
        if not comment.startswith("|"):
            continue
        line = comment[1:].strip()
        head = line.split(" ", 1)[0]
        if head in ("msgctxt", "msgid", "msgid_plural"):
            keyword = head
            line = line[len(head) :]
        if keyword is not None:
            parts.setdefault(keyword, []).extend(
                unescape(quoted) for quoted in _QUOTED.findall(line)
            )
    if "msgid" not in parts:
        return None
    return "".join(parts["msgid"])


def _plain_user_comments(message: Message) -> list[str]:
    return [
        comment
        for comment in message.user_comments
        if not comment.startswith("|") and not _APPROVAL.match(comment.strip())
    ]


def _forms(message: Message) -> tuple[str, ...]:
    string = message.string
    if isinstance(string, list | tuple):
        return tuple(str(form or "") for form in string)
    return (str(string or ""),)


def state_of(message: Message) -> TranslationState:
    """The state a .po message is in, by the encoding this module documents."""
    forms = _forms(message)
    if not forms or any(form == "" for form in forms):
        return TranslationState.MISSING
    if FUZZY in message.flags:
        return TranslationState.OUTDATED
    if approval_of(message) is not None:
        return TranslationState.APPROVED
    return TranslationState.DRAFT


def record_from_message(message: Message) -> TranslationRecord:
    source, plural = source_of(message)
    state = state_of(message)
    forms = _forms(message)
    return TranslationRecord(
        context=message.context or "",
        source=source,
        source_plural=plural,
        translation=forms if any(forms) else (),
        state=state,
        previous_source=previous_source_of(message) if state is TranslationState.OUTDATED else None,
        approval=approval_of(message) if state is TranslationState.APPROVED else None,
    )


def source_of(message: Message) -> tuple[str, str | None]:
    if isinstance(message.id, list | tuple):
        return str(message.id[0]), str(message.id[1])
    return str(message.id), None


def edit(record: TranslationRecord, translation: Sequence[str]) -> TranslationRecord:
    """A translator's new text: a draft of the current source (or missing if left empty)."""
    forms = tuple(translation)
    if not forms or all(form == "" for form in forms):
        return replace(
            record, translation=(), state=TranslationState.MISSING, previous_source=None,
            approval=None,
        )  # fmt: skip
    return replace(
        record, translation=forms, state=TranslationState.DRAFT, previous_source=None,
        approval=None,
    )  # fmt: skip


def approve(record: TranslationRecord, reviewer: str, on: date) -> TranslationRecord:
    """Approve the text as it stands; refused when empty or translated from an older source."""
    if not record.has_text:
        raise NothingToApprove(record.key)
    if record.state is TranslationState.OUTDATED:
        raise TranslatedFromOlderSource(record.key)
    return replace(record, state=TranslationState.APPROVED, approval=Approval(reviewer, on))


def source_changed(
    record: TranslationRecord, new_source: str, new_plural: str | None = None
) -> TranslationRecord:
    """The English changed: keep the old source and the old text, and mark it outdated."""
    if new_source == record.source and new_plural == record.source_plural:
        return record
    if not record.translation:
        return missing(record.context, new_source, new_plural)
    return replace(
        record,
        source=new_source,
        source_plural=new_plural,
        state=TranslationState.OUTDATED,
        # Translated from the first source it was written for, however often it changed since.
        previous_source=record.previous_source or record.source,
        approval=None,
    )


def is_servable(state: TranslationState, serve_drafts: bool) -> bool:
    """Shown to carers: approved text always, drafts only where the deployment allows them."""
    return state is TranslationState.APPROVED or (serve_drafts and state is TranslationState.DRAFT)


def to_message(
    record: TranslationRecord, template: Message | None = None, num_plurals: int = 2
) -> Message:
    """A .po message carrying the record's text and state (locations from the template)."""
    if record.is_plural:
        forms = list(record.translation) or [""] * num_plurals
        forms += [""] * (num_plurals - len(forms))
        string: str | tuple[str, ...] = tuple(forms[:num_plurals])
        identifier: str | tuple[str, str] = (record.source, record.source_plural or "")
    else:
        string = record.translation[0] if record.translation else ""
        identifier = record.source
    flags = {flag for flag in (template.flags if template else set()) if flag != FUZZY}
    comments = _plain_user_comments(template) if template else []
    previous: list[str] = []
    if record.state is TranslationState.OUTDATED:
        flags.add(FUZZY)
        if record.previous_source is not None:
            previous = [record.previous_source]
    if record.state is TranslationState.APPROVED and record.approval is not None:
        comments.insert(0, record.approval.as_comment())
    return Message(
        identifier,
        string,
        locations=list(template.locations) if template else [],
        flags=flags,
        auto_comments=list(template.auto_comments) if template else [],
        user_comments=comments,
        previous_id=previous,
        context=record.context or None,
    )


def placeholders(text: str) -> Counter[str]:
    """Every formatting placeholder in a text, named the same whatever its format spec."""
    found: Counter[str] = Counter()
    for name, conversion in _PERCENT.findall(text.replace("%%", "")):
        found[f"%({name})" if name else f"%{conversion}"] += 1
    for name in _BRACES.findall(text.replace("{{", "").replace("}}", "")):
        found["{" + name + "}"] += 1
    return found


def placeholders_as_written(*texts: str) -> list[str]:
    """The placeholders of the texts as they appear in them, first occurrence first."""
    seen: dict[str, None] = {}
    for text in texts:
        cleaned = text.replace("%%", "").replace("{{", "").replace("}}", "")
        for pattern in (_PERCENT, _BRACES):
            for found in pattern.finditer(cleaned):
                seen.setdefault(found.group(0), None)
    return list(seen)


def placeholder_problem(
    source: str, source_plural: str | None, translation: Sequence[str]
) -> PlaceholderMismatch | None:
    """How a translation's placeholders fail to fit its source, or None when they fit."""
    expected = set(placeholders(source))
    if source_plural is None:
        for form in translation:
            got = set(placeholders(form))
            if got != expected:
                return PlaceholderMismatch(
                    tuple(sorted(expected - got)), tuple(sorted(got - expected))
                )
        return None
    # Plural forms may leave the count out (for example "one day"), but never invent one.
    allowed = expected | set(placeholders(source_plural))
    for form in translation:
        extra = set(placeholders(form)) - allowed
        if extra:
            return PlaceholderMismatch((), tuple(sorted(extra)))
    return None
