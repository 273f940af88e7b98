"""Translation states of .po entries for the catalogue commands, by app.i18n.states' rules.

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

from app.i18n.states import is_servable, state_of

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


def message_state(message: Message) -> State:
    """Which of the four states a catalogue entry is in (the one definition is states.state_of)."""
    state: State = state_of(message).value
    return state


def is_message_servable(message: Message, *, serve_drafts: bool) -> bool:
    """Approved text is always shown; drafts only where the deployment allows; never outdated."""
    return is_servable(state_of(message), serve_drafts)


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
