import io
from pathlib import Path

from app.i18n.questionnaire_extractor import extract_questionnaire
from app.i18n.sms_extractor import extract_sms_texts
from app.questionnaire import load_questionnaire
from app.questionnaire.localisation import localise, visible_texts
from app.sms.texts import TEXTS_FILE, catalogue, plural_texts
from config import PROJECT_ROOT

CORE = PROJECT_ROOT / "questionnaires" / "voices-core" / "v1.yaml"
FIXTURE = PROJECT_ROOT / "tests" / "questionnaire" / "fixtures" / "all-types" / "v1.yaml"


def extracted(path: Path) -> list[tuple[int, str, tuple[str, str], list[str]]]:
    with path.open("rb") as handle:
        return list(extract_questionnaire(handle, [], [], {}))


def test_every_visible_text_is_extracted_with_the_context_the_engine_asks_for() -> None:
    for path in (CORE, FIXTURE):
        questionnaire = load_questionnaire(path)
        found = {message for _line, _keyword, message, _comments in extracted(path)}
        assert found == set(visible_texts(questionnaire)), path


def test_contexts_name_questionnaire_item_and_field_and_lines_point_at_the_text() -> None:
    lines = CORE.read_text(encoding="utf-8").splitlines()
    by_context = {message[0]: (line, message[1]) for line, _k, message, _c in extracted(CORE)}
    line, text = by_context["voices-core:about.relationship:text"]
    assert text == "How were you related to {person}?"
    assert "How were you related to {person}?" in lines[line - 1]
    assert by_context["voices-core:scale:yes3:definitely"][1] == "Yes, definitely"
    assert by_context["voices-core:about.relationship:option:spouse_partner"][1] == (
        "Their husband, wife or partner"
    )
    assert by_context["voices-core:piping:spouse_partner"][1] == "your partner"
    assert by_context["voices-core:section:about:title"][1] == "About the person who died"
    assert "voices-core:overall.rating:sms" in by_context


def test_translators_are_told_to_keep_the_person_placeholder() -> None:
    for _line, _keyword, (_context, text), comments in extracted(CORE):
        if "{person}" in text:
            assert any("keep {person}" in comment for comment in comments), text


def test_a_folded_multi_line_text_is_extracted_as_the_engine_reads_it() -> None:
    source = (
        b"id: tiny\nversion: 1\ntitle: Tiny\nlanguages: [en]\nsections:\n"
        b"  - id: s\n    title: S\n    intro: >-\n      First line\n      second line.\n"
        b"    pages: []\n"
    )
    found = list(extract_questionnaire(io.BytesIO(source), [], [], {}))
    assert (
        8,
        "pgettext",
        ("tiny:section:s:intro", "First line second line."),
        ["Section intro"],
    ) in found


def test_localise_translates_texts_and_keeps_codes_and_routing() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    shown = localise(questionnaire, lambda context, text: f"[{context}] {text}")
    single = shown.item("types.single")
    assert single.text == "[all-types:types.single:text] A single choice"
    assert [o.code for o in single.options] == ["yes", "no", "dk", "na"]
    assert single.options[0].label == "[all-types:scale:yesno:yes] Yes"
    assert single.options[3].label == "[all-types:types.single:option:na] Not applicable"
    assert shown.pages == tuple(shown.pages) and len(shown.pages) == len(questionnaire.pages)
    assert [p.show_if for p in shown.pages] == [p.show_if for p in questionnaire.pages]


def test_sms_texts_are_extracted_under_their_names() -> None:
    with TEXTS_FILE.open("rb") as handle:
        found = {message: line for line, _k, message, _c in extract_sms_texts(handle, [], [], {})}
    english = catalogue()["en"]
    assert {message[0] for message in found} == {f"sms:{name}" for name in english}
    assert ("sms:help", english["help"]) in found
    # A text that counts questions is a plural entry: its English "one" and "other" forms.
    one, other = plural_texts()["intro"]
    assert ("sms:intro", one, other) in found and "short question " in one
