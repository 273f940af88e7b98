"""Language of each comment: by script where it is unambiguous, otherwise lingua, offline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

UNDETERMINED = "und"
# Below this lingua confidence a short or mixed comment is given the language the respondent
# chose for the survey (or English): lingua guesses Somali or Welsh for "ok thanks".
MINIMUM_CONFIDENCE = 0.5

# Scripts that, among the languages we serve, belong to one language only.
_SCRIPT_LANGUAGES = {
    "pa": r"[\u0a00-\u0a7f]",  # Gurmukhi
    "bn": r"[\u0980-\u09ff]",  # Bengali
    "gu": r"[\u0a80-\u0aff]",  # Gujarati
    "ta": r"[\u0b80-\u0bff]",  # Tamil
    "hi": r"[\u0900-\u097f]",  # Devanagari
    "zh": r"[\u4e00-\u9fff]",  # Han
}
_ARABIC_SCRIPT = r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"
_LETTER = r"[^\W\d_]"
# Words common in English comments and rare in the other configured Latin-script languages.
# Plain-ASCII text with enough of them is English without asking lingua: most comments are,
# and lingua is the slowest step at 100,000 comments. Its confidence is recorded as below.
_ENGLISH_MARKERS = re.compile(
    r"\b(?:the|and|was|were|with|they|this|that|have|very|not|for|she|his|her|our|but|had|"
    r"been|from|would|could|there|when|what|which|who|did|didn't|wasn't|don't|couldn't|"
    r"because|about|after|their|them|just|also|really|everyone|everything|nothing|my|we|"
    r"is|it|of|to|in|so|no|on|at|us|me|he)\b",
    re.IGNORECASE,
)
ENGLISH_RULE_CONFIDENCE = 0.99
_MINIMUM_MARKERS, _MINIMUM_MARKER_SHARE = 3, 0.3


def _lingua_language(code: str) -> Language | None:
    try:
        iso = getattr(IsoCode639_1, code.upper())
    except AttributeError:
        return None
    return Language.from_iso_code_639_1(iso)


@lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...]) -> LanguageDetector | None:
    languages = [lang for code in codes if (lang := _lingua_language(code)) is not None]
    if len(languages) < 2:
        return None
    # Low-accuracy mode: trigram models only, ~50 MB and several times faster; accurate enough
    # once restricted to the few languages a region's survey is offered in.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _lingua_best(texts: list[str], codes: tuple[str, ...]) -> tuple[list[str], list[float]]:
    detector = _detector(codes)
    if detector is None or not texts:
        only = codes[0] if codes else UNDETERMINED
        return [only] * len(texts), [1.0] * len(texts)
    confidences = detector.compute_language_confidence_values_in_parallel(texts)
    languages, values = [], []
    for ranked in confidences:
        if ranked and ranked[0].value > 0:
            languages.append(ranked[0].language.iso_code_639_1.name.lower())
            values.append(float(ranked[0].value))
        else:
            languages.append(UNDETERMINED)
            values.append(0.0)
    return languages, values


def _plainly_english(texts: pd.Series) -> pd.Series:
    """Text where at least 3 words, and 30% of all words, are English markers."""
    markers = texts.str.count(_ENGLISH_MARKERS)
    words = texts.str.count(r"\S+").clip(lower=1)
    return (markers >= _MINIMUM_MARKERS) & (markers / words >= _MINIMUM_MARKER_SHARE)


def detect_languages(
    texts: pd.Series, configured: Sequence[str], hints: pd.Series | None = None
) -> pd.DataFrame:
    """Columns `language` (ISO 639-1, or 'und') and `language_confidence` for each text.

    `hints` is the language each respondent chose for the survey; it settles comments too short
    or too mixed for a confident guess.
    """
    texts = texts.fillna("").astype(str)
    codes = tuple(dict.fromkeys(configured))
    language = pd.Series(UNDETERMINED, index=texts.index, dtype=object)
    confidence = pd.Series(0.0, index=texts.index)
    undecided = texts.str.contains(_LETTER, regex=True)
    # Script tests only matter for text with non-ASCII letters (a minority of comments).
    beyond_ascii = undecided & ~texts.map(str.isascii).astype(bool)
    for code, script in _SCRIPT_LANGUAGES.items():
        if code not in codes:
            continue
        in_script = beyond_ascii & texts.str.contains(script, regex=True)
        language[in_script], confidence[in_script] = code, 1.0
        undecided &= ~in_script
        beyond_ascii &= ~in_script
    if "en" in codes:
        plainly_english = undecided & ~beyond_ascii & _plainly_english(texts)
        language[plainly_english], confidence[plainly_english] = "en", ENGLISH_RULE_CONFIDENCE
        undecided &= ~plainly_english
    arabic = beyond_ascii & texts.str.contains(_ARABIC_SCRIPT, regex=True)
    groups = [
        (arabic, tuple(c for c in codes if c in {"ur", "ar", "fa", "ps"})),
        (undecided & ~arabic, tuple(c for c in codes if c not in _SCRIPT_LANGUAGES)),
    ]
    for mask, candidates in groups:
        if not mask.any():
            continue
        found, values = _lingua_best(texts[mask].tolist(), candidates)
        language[mask], confidence[mask] = found, values
    unsure = confidence < MINIMUM_CONFIDENCE
    if unsure.any():
        fallback = pd.Series("en" if "en" in codes else UNDETERMINED, index=texts.index)
        if hints is not None:
            hinted = hints.reindex(texts.index).fillna("").astype(str).str.lower().str[:2]
            fallback = fallback.where(~hinted.isin(codes), hinted)
        language[unsure] = fallback[unsure]
    return pd.DataFrame(
        {"language": language.astype(str), "language_confidence": np.round(confidence, 3)}
    )
