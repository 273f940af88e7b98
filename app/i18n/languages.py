"""The language registry: each language we serve, named in its own script, direction and fonts.

Everything that needs to know about a language (the switcher, <html lang dir>, fonts, Babel
formatting, the catalogues, SMS) reads it from here, so adding a language is one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["ltr", "rtl"]

SOURCE_LANGUAGE = "en"
# The pseudo-locale: every string accented, bracketed and lengthened, to find hidden English.
PSEUDO_LANGUAGE = "en_XA"

# Direction comes from the language code, never from guessing at the text: a Urdu page quoting
# an English name is still right-to-left.
RTL_LANGUAGES = frozenset({"ar", "ur", "ps", "fa", "ckb", "he", "yi", "sd"})

# Font stacks, for scripts the NHS.UK stack (Frutiger, Arial) does not cover. The fonts are
# served from app/static/fonts (copied from Debian's fonts-noto-* packages at install by
# scripts/vendor_fonts.py), never fetched from the internet; app/static/css/languages.css
# applies each stack through the body's cv-lang-<code> class (tests keep the two in step).
_LATIN = "Arial, sans-serif"


@dataclass(frozen=True, slots=True)
class Language:
    """One language: its catalogue code, names, direction, fonts and Babel formatting locale."""

    code: str
    native_name: str
    english_name: str
    direction: Direction = "ltr"
    font_stack: str = ""  # empty: the NHS.UK stylesheet's own
    babel_locale: str = ""

    @property
    def locale(self) -> str:
        """The Babel locale for numbers, dates and plural rules (the code unless it differs)."""
        return self.babel_locale or self.code

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for <html lang>: hyphens, and the pseudo-locale tagged as English."""
        return self.code.replace("_", "-")


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English", babel_locale="en_GB"),
    Language("cy", "Cymraeg", "Welsh"),
    Language("pl", "Polski", "Polish"),
    Language("ro", "Română", "Romanian"),
    Language(
        "pa",
        "ਪੰਜਾਬੀ",
        "Panjabi (Gurmukhi)",
        font_stack='"Noto Sans Gurmukhi", ' + _LATIN,
    ),
    Language(
        "ur",
        "اردو",
        "Urdu",
        direction="rtl",
        font_stack='"Noto Nastaliq Urdu", "Noto Naskh Arabic", ' + _LATIN,
    ),
    Language("pt", "Português", "Portuguese"),
    Language("es", "Español", "Spanish"),
    Language(
        "ar",
        "العربية",
        "Arabic",
        direction="rtl",
        font_stack='"Noto Naskh Arabic", "Noto Sans Arabic", ' + _LATIN,
    ),
    Language("bn", "বাংলা", "Bengali", font_stack='"Noto Sans Bengali", ' + _LATIN),
    Language("gu", "ગુજરાતી", "Gujarati", font_stack='"Noto Sans Gujarati", ' + _LATIN),
    Language("it", "Italiano", "Italian"),
    Language(
        "zh_Hans",
        "中文（简体）",
        "Chinese (Simplified)",
        font_stack=(
            '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
        ),
    ),
    Language("so", "Soomaali", "Somali"),
)

PSEUDO = Language(PSEUDO_LANGUAGE, "Ƥşḗŭḓǿ", "Pseudo-locale (testing)", babel_locale="en_GB")

_BY_CODE = {language.code: language for language in (*LANGUAGES, PSEUDO)}
# Codes people (and browsers, and older data) use for the same languages.
_ALIASES = {
    "zh": "zh_Hans",
    "zh_cn": "zh_Hans",
    "zh_sg": "zh_Hans",
    "zh_hans": "zh_Hans",
    "pa_guru": "pa",
    "pa_in": "pa",
    "en_gb": "en",
    "en_us": "en",
    "en_xa": PSEUDO_LANGUAGE,
    "qps": PSEUDO_LANGUAGE,
}


def language_codes() -> tuple[str, ...]:
    """The real languages' codes, English first (the pseudo-locale is not offered to people)."""
    return tuple(language.code for language in LANGUAGES)


def normalise_code(raw: str | None) -> str | None:
    """The registry's code for a tag like "pl", "zh-CN", "ur_PK" or "pa-Guru"; None if unknown."""
    if not raw:
        return None
    tag = raw.strip().replace("-", "_")
    if tag in _BY_CODE:
        return tag
    lowered = tag.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for known in _BY_CODE:
        if known.lower() == lowered:
            return known
    primary = lowered.split("_", 1)[0]
    if primary in _ALIASES:
        return _ALIASES[primary]
    return primary if primary in _BY_CODE else None


def language(code: str | None) -> Language:
    """The language for a code (aliases understood); English when the code is unknown."""
    return _BY_CODE[normalise_code(code) or SOURCE_LANGUAGE]


def is_known(code: str | None) -> bool:
    return normalise_code(code) is not None


def direction_for(code: str | None) -> Direction:
    """Right-to-left for Arabic-script and Hebrew-script languages, by code alone."""
    primary = (normalise_code(code) or code or "").split("_", 1)[0].lower()
    return "rtl" if primary in RTL_LANGUAGES else "ltr"
