"""The languages translators work in, from the one language registry (app/i18n/languages.py)."""

from __future__ import annotations

from app.i18n.languages import SOURCE_LANGUAGE, direction_for, language, language_codes

# English is the source; every other registered language is translated.
TARGET_LANGUAGES: tuple[str, ...] = tuple(
    code for code in language_codes() if code != SOURCE_LANGUAGE
)


def is_target_language(code: str) -> bool:
    return code in TARGET_LANGUAGES


def text_direction(code: str) -> str:
    """'rtl' or 'ltr' for an HTML dir attribute, from the language code alone."""
    return direction_for(code)


def html_lang(code: str) -> str:
    """The BCP 47 tag for an HTML lang attribute (zh_Hans becomes zh-Hans)."""
    return language(code).html_lang
