"""The languages translators work in, and each one's writing direction (never guessed from text)."""

from __future__ import annotations

SOURCE_LANGUAGE = "en"

# The contract shared with the catalogue side: English is the source; these are translated.
TARGET_LANGUAGES: tuple[str, ...] = (
    "cy",
    "pl",
    "ro",
    "pa",
    "ur",
    "pt",
    "es",
    "ar",
    "bn",
    "gu",
    "it",
    "zh_Hans",
    "so",
)

# Scripts written right to left; the direction follows the code so a mixed string cannot flip it.
RIGHT_TO_LEFT = frozenset({"ur", "ar", "ps", "fa", "ckb"})


def is_target_language(code: str) -> bool:
    return code in TARGET_LANGUAGES


def text_direction(code: str) -> str:
    """'rtl' or 'ltr' for an HTML dir attribute, from the language code alone."""
    return "rtl" if code.split("_")[0].split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


def html_lang(code: str) -> str:
    """The BCP 47 tag for an HTML lang attribute (zh_Hans becomes zh-Hans)."""
    return code.replace("_", "-")
