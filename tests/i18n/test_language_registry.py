import re

import pytest
from babel import Locale

from app.i18n.languages import (
    LANGUAGES,
    PSEUDO,
    Language,
    direction_for,
    language,
    normalise_code,
)
from app.sms.keywords import keyword_table
from config import PROJECT_ROOT

ISSUE_LANGUAGES = {
    "en", "cy", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it", "zh_Hans", "so",
}  # fmt: skip


def test_every_language_the_issue_names_is_served_once() -> None:
    codes = [entry.code for entry in LANGUAGES]
    assert set(codes) == ISSUE_LANGUAGES and len(codes) == len(set(codes))
    assert codes[0] == "en"


@pytest.mark.parametrize("entry", LANGUAGES, ids=lambda entry: entry.code)
def test_each_language_has_a_babel_locale_and_a_name_in_its_own_script(entry: Language) -> None:
    locale = Locale.parse(entry.locale)
    assert entry.native_name and entry.english_name
    # The native name is how the language names itself (Babel's CLDR data agrees).
    own = (locale.get_display_name(locale) or "").lower()
    assert entry.native_name.split(" ")[0].split("（")[0].lower()[:3] in own or entry.code == "pa"


def test_direction_comes_from_the_code_alone() -> None:
    for code in ("ur", "ar", "ps", "fa", "ckb", "ur-PK", "ar_EG"):
        assert direction_for(code) == "rtl", code
    for code in ("en", "pl", "pa", "bn", "zh_Hans", "so", None, "xx"):
        assert direction_for(code) == "ltr", code
    assert all(entry.direction == direction_for(entry.code) for entry in LANGUAGES)


def test_browser_and_data_tags_map_to_the_registry_codes() -> None:
    assert normalise_code("zh-CN") == "zh_Hans" and normalise_code("zh-Hans-CN") == "zh_Hans"
    assert normalise_code("pl-PL") == "pl" and normalise_code("UR") == "ur"
    assert normalise_code("pa-Guru-IN") == "pa" and normalise_code("en-GB") == "en"
    assert normalise_code("qps") == PSEUDO.code
    assert normalise_code("klingon") is None and normalise_code("") is None
    assert language("nonsense").code == "en"


def test_every_served_language_has_sms_keywords() -> None:
    table = keyword_table()
    missing = [entry.code for entry in LANGUAGES if table.language(entry.code) is None]
    assert not missing


def test_the_stylesheet_applies_each_registry_font_stack() -> None:
    css = (PROJECT_ROOT / "app" / "static" / "css" / "languages.css").read_text(encoding="utf-8")
    for entry in LANGUAGES:
        if not entry.font_stack:
            continue
        rule = re.search(
            r"\.cv-lang-" + re.escape(entry.code) + r" \{\s*font-family: ([^;]+);", css
        )
        assert rule is not None, entry.code
        assert " ".join(rule.group(1).split()) == entry.font_stack, entry.code
