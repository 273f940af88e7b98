"""Translation states kept in the .po files themselves, so standard tools round-trip them.

missing  = empty msgstr
outdated = the ``fuzzy`` flag, with the previous source kept as ``#| msgid``
draft    = translated, not fuzzy, no approval comment
approved = a translator comment ``# approved-by: <reviewer> <YYYY-MM-DD>``
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from babel.messages.catalog import Catalog, Message

State = Literal["missing", "outdated", "draft", "approved"]
STATES: tuple[State, ...] = ("missing", "outdated", "draft", "approved")
APPROVAL_PREFIX = "approved-by:"
_APPROVAL = re.compile(r"^approved-by:\s*(?P<reviewer>\S+)\s+(?P<day>\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Approval:
    reviewer: str
    day: date

    def comment(self) -> str:
        return f"{APPROVAL_PREFIX} {self.reviewer} {self.day.isoformat()}"


def approval_of(message: Message) -> Approval | None:
    """The approval recorded on a message, if its comment is well formed."""
    for comment in message.user_comments:
        match = _APPROVAL.match(comment.strip())
        if match:
            try:
                return Approval(match["reviewer"], date.fromisoformat(match["day"]))
            except ValueError:
                return None
    return None


def _is_translated(message: Message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return bool(message.string) and all(message.string)
    return bool(message.string)


def message_state(message: Message) -> State:
    """Which of the four states a catalogue entry is in."""
    if not _is_translated(message):
        return "missing"
    if message.fuzzy:
        return "outdated"
    if approval_of(message) is not None:
        return "approved"
    return "draft"


def is_servable(message: Message, *, serve_drafts: bool) -> bool:
    """Approved text is always shown; drafts only where the deployment allows; never outdated."""
    state = message_state(message)
    return state == "approved" or (state == "draft" and serve_drafts)


def drop_approval(message: Message) -> None:
    """Forget an approval: the source changed, so a reviewer must look again."""
    message.user_comments = [
        comment
        for comment in message.user_comments
        if not comment.strip().startswith(APPROVAL_PREFIX)
    ]


def approve(message: Message, reviewer: str, day: date) -> None:
    """Record an approval (replacing any earlier one) and clear the outdated flag."""
    if any(character.isspace() for character in reviewer) or not reviewer:
        raise ValueError("a reviewer is named by one word, such as their user name")
    drop_approval(message)
    message.flags.discard("fuzzy")
    message.previous_id = []
    message.user_comments.append(Approval(reviewer, day).comment())


def translatable(catalog: Catalog) -> Iterable[Message]:
    """Every real entry (the header, with an empty msgid, is not one)."""
    return (message for message in catalog if message.id)


def count_states(catalog: Catalog) -> Counter[State]:
    """How many entries are in each state, for `flask translate status`."""
    counts: Counter[State] = Counter({state: 0 for state in STATES})
    for message in translatable(catalog):
        counts[message_state(message)] += 1
    return counts
