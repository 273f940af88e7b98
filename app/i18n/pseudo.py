"""The pseudo-locale: every text accented, lengthened and bracketed, placeholders and markup kept.

A page shown in the pseudo-locale makes hidden English obvious: any text that reads as plain
English did not go through a catalogue. The brackets also show where text is cut off.
"""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog, Message

OPEN, CLOSE = "⟦", "⟧"
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ",
)
# Kept exactly: %(name)s placeholders, {person}, HTML tags and entities.
_PROTECTED = re.compile(r"%\([^)]+\)[sdifr]|%%|\{[a-z_]+\}|<[^>]+>|&[#a-zA-Z0-9]+;")


def pseudo_localise(text: str) -> str:
    """⟦Ŧħīş ŧḗẋŧ, ŀǿƞɠḗř⟧ with every placeholder and tag untouched."""
    if not text:
        return text
    pieces: list[str] = []
    position = 0
    for match in _PROTECTED.finditer(text):
        pieces.append(_transform(text[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_transform(text[position:]))
    body = "".join(pieces)
    # About a third longer, like German or Polish, to find layouts that cannot grow.
    padding = "~" * max(1, len(text) // 3)
    return f"{OPEN}{body}{padding}{CLOSE}"


def _transform(fragment: str) -> str:
    return fragment.translate(_ACCENTED)


def is_pseudo_localised(text: str) -> bool:
    return OPEN in text and CLOSE in text


def pseudo_catalogue(template: Catalog) -> Catalog:
    """A catalogue translating every template entry into the pseudo-locale (all approved)."""
    catalog = Catalog(locale="en_GB", domain=template.domain, project=template.project, fuzzy=False)
    for entry in template:
        if not entry.id:
            continue
        if isinstance(entry.id, (tuple, list)):
            string: str | tuple[str, ...] = tuple(pseudo_localise(part) for part in entry.id)
        else:
            string = pseudo_localise(entry.id)
        catalog[entry.id] = Message(
            entry.id,
            string,
            locations=list(entry.locations),
            flags=set(entry.flags) - {"fuzzy"},
            auto_comments=list(entry.auto_comments),
            user_comments=["approved-by: pseudo-locale 2000-01-01"],
            context=entry.context,
        )
    return catalog
