"""Babel extractor for questionnaire YAML files: every text a person sees, with a stable context.

Registered as the ``questionnaire`` extraction method (pyproject entry point, used by
translations/babel.cfg). Each string carries the context the engine's localisation lookup asks
for (app/questionnaire/localisation.py) and the line it is written on, so translators using
Poedit or Weblate see where a text comes from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.questionnaire.localisation import (
    domain_context,
    indicator_context,
    item_context,
    item_option_context,
    piping_context,
    scale_option_context,
    section_context,
    title_context,
)

# (line number, Babel keyword, (context, message), translator comments)
Extracted = tuple[int, str, tuple[str, str], list[str]]

_PERSON_NOTE = (
    "{person} is replaced by the person's name, or a phrase such as 'your partner': "
    "keep {person} exactly as it is."
)


def _get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node if isinstance(value_node, Node) else None
    return None


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and node.value else None


def _sequence(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _message(node: Node | None, context: str, what: str) -> Iterator[Extracted]:
    text = _text(node)
    if node is None or text is None:
        return
    comments = [what]
    if "{person}" in text:
        comments.append(_PERSON_NOTE)
    # YAML marks count lines from 0; Babel and editors from 1.
    yield node.start_mark.line + 1, "pgettext", (context, text), comments


def _options(node: Node | None, context_for: Any, what: str) -> Iterator[Extracted]:
    for option in _sequence(node):
        code = _text(_get(option, "code"))
        if code is not None:
            yield from _message(_get(option, "label"), context_for(code), what)


def extract_questionnaire_texts(root: Node) -> Iterator[Extracted]:
    """The texts of one composed questionnaire document, in file order."""
    q_id = _text(_get(root, "id"))
    if q_id is None:
        return
    yield from _message(_get(root, "title"), title_context(q_id), "Questionnaire title")
    piping = _get(root, "piping")
    yield from _message(
        _get(piping, "default"), piping_context(q_id, None), "How questions name the person"
    )
    relationships = _get(piping, "by_relationship")
    if isinstance(relationships, MappingNode):
        for key_node, phrase in relationships.value:
            yield from _message(
                phrase,
                piping_context(q_id, key_node.value),
                "How questions name the person, for this relationship; used in place of {person}",
            )
    scales = _get(root, "scales")
    if isinstance(scales, MappingNode):
        for key_node, scale in scales.value:
            scale_id = key_node.value
            yield from _options(
                _get(scale, "options"),
                lambda code, s=scale_id: scale_option_context(q_id, s, code),
                "Answer option",
            )
    for section in _sequence(_get(root, "sections")):
        section_id = _text(_get(section, "id")) or ""
        yield from _message(
            _get(section, "title"), section_context(q_id, section_id, "title"), "Section title"
        )
        yield from _message(
            _get(section, "intro"), section_context(q_id, section_id, "intro"), "Section intro"
        )
        for page in _sequence(_get(section, "pages")):
            for item in _sequence(_get(page, "items")):
                yield from _item_texts(q_id, item)
    for indicator in _sequence(_get(root, "indicators")):
        indicator_id = _text(_get(indicator, "id")) or ""
        yield from _message(
            _get(indicator, "name"),
            indicator_context(q_id, indicator_id),
            "Name of a headline indicator (a percentage) in reports",
        )
    for domain in _sequence(_get(root, "domains")):
        domain_id = _text(_get(domain, "id")) or ""
        yield from _message(
            _get(domain, "name"), domain_context(q_id, domain_id), "Name of a group of scores"
        )


def _item_texts(q_id: str, item: Node) -> Iterator[Extracted]:
    item_id = _text(_get(item, "id")) or ""
    yield from _message(_get(item, "text"), item_context(q_id, item_id, "text"), "Question")
    yield from _message(_get(item, "hint"), item_context(q_id, item_id, "hint"), "Question hint")
    yield from _message(
        _get(item, "sms"),
        item_context(q_id, item_id, "sms"),
        "The question sent by text message: keep it short (one SMS where possible)",
    )
    for field in ("options", "extra_options"):
        yield from _options(
            _get(item, field),
            lambda code: item_option_context(q_id, item_id, code),
            "Answer option",
        )


def extract_questionnaire(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extraction method for questionnaire YAML files."""
    root = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    if root is not None:
        yield from extract_questionnaire_texts(root)
