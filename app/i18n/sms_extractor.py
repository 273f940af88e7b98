"""Babel extractor for app/sms/texts.yaml: each SMS text under the context "sms:<name>"."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

SMS_CONTEXT_PREFIX = "sms:"
SOURCE_SECTION = "en"
# (line, function, (context, text) or (context, singular, plural), comments) as Babel wants.
Extracted = tuple[int, str, tuple[str, ...], list[str]]
NOTE = (
    "A text message: keep it short and plain; keep every %(name)s exactly. "
    "Texts outside the GSM alphabet fit 70 characters per message."
)


def sms_context(name: str) -> str:
    return SMS_CONTEXT_PREFIX + name


def normalise_sms_text(text: str) -> str:
    """Folded YAML keeps line breaks as spaces; an SMS has single spaces only."""
    return " ".join(text.split())


def extract_sms_texts(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """The English SMS texts, each with its segment-budget note for translators."""
    root = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        return
    for language_node, texts in root.value:
        if language_node.value != SOURCE_SECTION or not isinstance(texts, MappingNode):
            continue
        for name_node, text_node in texts.value:
            if isinstance(text_node, MappingNode):
                # A counting text: English "one" and "other" forms, a plural catalogue entry.
                forms = {
                    key.value: normalise_sms_text(value.value)
                    for key, value in text_node.value
                    if isinstance(value, ScalarNode)
                }
                if "one" not in forms or "other" not in forms:
                    continue
                yield (
                    text_node.start_mark.line + 1,
                    "npgettext",
                    (sms_context(name_node.value), forms["one"], forms["other"]),
                    [NOTE, "%(count)s is a number of questions: give each plural form."],
                )
                continue
            if not isinstance(text_node, ScalarNode):
                continue
            yield (
                text_node.start_mark.line + 1,
                "pgettext",
                (sms_context(name_node.value), normalise_sms_text(text_node.value)),
                [NOTE],
            )
