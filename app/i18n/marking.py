"""N_: mark a text for the catalogue where it is defined; it is translated where it is shown."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802  (the gettext convention translators' tools look for)
    return text
