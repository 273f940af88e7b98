"""Keywords are recognised in any case, with punctuation and politeness, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.sms.keywords import (
    Keyword,
    KeywordConflict,
    is_twilio_standard_word,
    keyword_table,
    load_keyword_table,
    match_consent,
    match_keyword,
)

REQUIRED_LANGUAGES = {
    "en", "cy", "pl", "ur", "pa", "bn", "ar", "so", "ro", "pt", "es", "it", "gu", "zh_Hans",
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP", Keyword.STOP),
        ("stop", Keyword.STOP),
        ("Stop.", Keyword.STOP),
        ("stop please", Keyword.STOP),
        ("Please STOP!!", Keyword.STOP),
        ("STOP texting me", Keyword.STOP),
        ("stop stop", Keyword.STOP),
        ("Unsubscribe", Keyword.STOP),
        ("don't text me", Keyword.STOP),
        ("Stop 🙏", Keyword.STOP),
        ("stopio", Keyword.STOP),  # Welsh
        ("proszę, koniec", Keyword.STOP),  # Polish
        ("بند کریں", Keyword.STOP),  # Urdu
        ("band karo", Keyword.STOP),  # romanised Urdu
        ("ਬੰਦ ਕਰੋ", Keyword.STOP),  # Panjabi
        ("বন্ধ করুন", Keyword.STOP),  # Bengali
        ("توقف من فضلك", Keyword.STOP),  # Arabic
        ("Jooji fadlan", Keyword.STOP),  # Somali
        ("Dezabonare", Keyword.STOP),  # Romanian
        ("Parar, por favor", Keyword.STOP),  # Portuguese
        ("baja", Keyword.STOP),  # Spanish
        ("Basta grazie", Keyword.STOP),  # Italian
        ("બંધ કરો", Keyword.STOP),  # Gujarati
        ("请停止", Keyword.STOP),  # Chinese
        ("退订", Keyword.STOP),
        ("START", Keyword.START),
        ("help", Keyword.HELP),
        ("Help?", Keyword.HELP),
        ("pomoc", Keyword.HELP),
        ("Skip", Keyword.SKIP),
        ("pomiń", Keyword.SKIP),
        ("BACK", Keyword.BACK),
        ("yn ôl", Keyword.BACK),
        ("link please", Keyword.LINK),
        ("LANG", Keyword.LANG),
        ("iaith", Keyword.LANG),
        ("Delete", Keyword.DELETE),
        ("delete my answers", Keyword.DELETE),
        ("usuń", Keyword.DELETE),
        ("not now", Keyword.LATER),
    ],
)
def test_keywords_are_found_however_they_are_written(text: str, keyword: Keyword) -> None:
    assert match_keyword(text) is keyword


@pytest.mark.parametrize(
    "text",
    [
        "Stop the nurses being rude",
        "The end was peaceful",
        "1",
        "Excellent",
        "Don't know",
        "",
        "   ",
        "🙂",
        "help came too late",
    ],
)
def test_answers_and_comments_are_not_mistaken_for_keywords(text: str) -> None:
    assert match_keyword(text) is None


def test_every_supported_language_has_stop_and_start_or_help() -> None:
    table = keyword_table()
    assert {language.code for language in table.languages} >= REQUIRED_LANGUAGES
    data_languages = {language.code for language in table.languages}
    assert data_languages == REQUIRED_LANGUAGES


def test_a_phrase_with_two_meanings_in_two_languages_is_refused(tmp_path: Path) -> None:
    clash = tmp_path / "keywords.yaml"
    clash.write_text(
        "en: {name: English, keywords: {stop: [stop]}}\n"
        "xx: {name: Other, keywords: {skip: [stop]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(KeywordConflict):
        load_keyword_table(clash)


def test_only_a_bare_standard_word_is_left_for_twilio_to_confirm() -> None:
    assert is_twilio_standard_word(" stop ")
    assert not is_twilio_standard_word("stop please")
    assert not is_twilio_standard_word("Stop.")
    assert not is_twilio_standard_word("koniec")


def test_consent_words_in_several_languages() -> None:
    assert match_consent("Yes please") is True
    assert match_consent("tak") is True
    assert match_consent("haan") is True
    assert match_consent("No thank you") is False
    assert match_consent("what is this?") is None


def test_each_table_peels_its_own_polite_characters_off_a_one_word_message() -> None:
    # The peeling order is worked out once per set of fillers: two tables never share one.
    from dataclasses import replace

    polite = replace(
        keyword_table(),
        keywords={"停止": Keyword.STOP},
        fillers=frozenset({"请", "请你", "谢谢"}),
    )
    plain = replace(polite, fillers=frozenset())
    assert match_keyword("请你停止谢谢", polite) is Keyword.STOP
    assert match_keyword("请你停止谢谢", plain) is None
    assert match_keyword("请你停止谢谢", polite) is Keyword.STOP
