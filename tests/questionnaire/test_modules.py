"""Local modules: composed after the locked core, refused whenever they would change it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis.questionnaire_data import (
    FIXED_COLUMNS,
    QuestionnaireFileError,
    merge_versions,
    questionnaire_from_data,
)
from analysis.scores import compute_scores
from app.questionnaire import load_questionnaire
from app.questionnaire.modules import (
    compose_questionnaire,
    local_item_id,
    module_strings,
    translate_module,
)
from app.questionnaire.yaml_file import read_questionnaire_yaml

CORE_FILE = Path(__file__).resolve().parents[2] / "questionnaires" / "voices-core" / "v1.yaml"


@pytest.fixture(scope="module")
def core_data() -> dict[str, Any]:
    data, problems = read_questionnaire_yaml(CORE_FILE)
    assert data is not None, problems
    return data


def faith_module(**changes: Any) -> dict[str, Any]:
    module: dict[str, Any] = {
        "id": "north-riverside",
        "version": 1,
        "title": "Questions from local groups",
        "items": [
            {
                "id": "local.faith_needs",
                "type": "single",
                "text": "Were {person}'s faith needs respected by staff?",
                "options": [
                    {"code": "yes", "label": "Yes"},
                    {"code": "no", "label": "No"},
                    {"code": "dk", "label": "Don't know", "substantive": False},
                ],
                "sms": "Were {person}'s faith needs respected? 1 Yes 2 No 3 Don't know",
            },
            {
                "id": "local.more",
                "type": "text",
                "text": "What else should the hospice know?",
                "max_length": 500,
                "show_if": {"item": "local.faith_needs", "equals": "no"},
            },
        ],
    }
    module.update(changes)
    return module


def test_a_module_becomes_one_section_after_the_core_with_its_own_sms_questions(
    core_data: dict[str, Any],
) -> None:
    composed, data, problems = compose_questionnaire(core_data, faith_module())
    core = load_questionnaire(CORE_FILE)
    assert problems == []
    assert composed is not None
    assert composed.id == "voices-core-north-riverside"
    assert composed.sections[:-1] == core.sections
    assert composed.sections[-1].id == "local"
    assert [item.id for item in composed.sections[-1].pages[1].items] == ["local.more"]
    assert composed.sms_form == (*core.sms_form, "local.faith_needs")
    assert composed.indicators == core.indicators
    # The composed data is what gets frozen: it must be a complete questionnaire on its own.
    assert data["sections"][-1]["id"] == "local"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "overall.rating"}, "local item ids must start with 'local.'"),
        ({"id": "local.x", "filter": True}, "'filter' is for core items only"),
        ({"id": "local.x", "scale": "yesno"}, "'scale' is for core items only"),
        (
            {"id": "local.x", "show_if": {"item": "overall.rating", "equals": "poor"}},
            "local routing may only read local questions, not 'overall.rating'",
        ),
    ],
)
def test_a_module_cannot_take_over_or_route_from_a_core_item(
    core_data: dict[str, Any], change: dict[str, Any], expected: str
) -> None:
    item = {"type": "text", "text": "Anything else?", "max_length": 100, **change}
    composed, _, problems = compose_questionnaire(core_data, faith_module(items=[item]))
    assert composed is None
    assert expected in [problem.message for problem in problems]


def _tampered(core_data: dict[str, Any], tamper: Any) -> list[str]:
    """Compose, then tamper with the composed data as a hand-edited frozen copy would."""
    from app.questionnaire.modules import module_problems
    from app.questionnaire.validation import check_questionnaire_data

    _, data, _ = compose_questionnaire(core_data, faith_module())
    data = copy.deepcopy(data)
    tamper(data)
    composed, problems = check_questionnaire_data(data, "tampered")
    assert composed is not None, problems
    core = load_questionnaire(CORE_FILE)
    return [problem.message for problem in module_problems(core, composed, "tampered")]


def test_editing_a_core_option_is_refused(core_data: dict[str, Any]) -> None:
    def relabel(data: dict[str, Any]) -> None:
        data["scales"]["yesno"]["options"][0]["label"] = "Yes, definitely"

    messages = _tampered(core_data, relabel)
    assert "the core's scales cannot be changed by a module" in messages


def test_re_ordering_core_sections_is_refused(core_data: dict[str, Any]) -> None:
    def swap(data: dict[str, Any]) -> None:
        sections = data["sections"]
        sections[-2], sections[-3] = sections[-3], sections[-2]

    messages = _tampered(core_data, swap)
    assert any("was changed, moved or removed" in message for message in messages)


def test_removing_a_core_item_is_refused(core_data: dict[str, Any]) -> None:
    def remove(data: dict[str, Any]) -> None:
        you = next(section for section in data["sections"] if section["id"] == "you")
        you["pages"].pop()

    messages = _tampered(core_data, remove)
    assert "core section 'you' was changed, moved or removed" in messages


def test_touching_a_core_indicator_or_its_denominator_is_refused(
    core_data: dict[str, Any],
) -> None:
    def widen(data: dict[str, Any]) -> None:
        data["indicators"][0]["among"] = {"item": "local.faith_needs", "equals": "yes"}

    assert "the core's indicators cannot be changed by a module" in _tampered(core_data, widen)


def test_local_ids_are_made_from_any_label() -> None:
    assert local_item_id("Faith needs (Somali community)") == "local.faith_needs_somali_community"
    assert local_item_id("2nd visit") == "local.q_2nd_visit"
    assert local_item_id("!!!") == "local.question"


def test_every_module_string_has_the_context_the_carers_page_looks_up(
    core_data: dict[str, Any],
) -> None:
    from app.questionnaire.localisation import visible_texts

    strings = dict(module_strings(faith_module(), "voices-core"))
    own = "voices-core-north-riverside"
    assert strings[f"{own}:section:local:title"] == "Questions from local groups"
    assert strings[f"{own}:local.faith_needs:option:dk"] == "Don't know"
    assert strings[f"{own}:local.more:text"] == "What else should the hospice know?"
    assert f"{own}:local.more:hint" not in strings
    # Exactly the local texts the localisation asks for: a translation is found where it is used.
    composed, _data, problems = compose_questionnaire(core_data, faith_module())
    assert composed is not None, problems
    asked = {pair for pair in visible_texts(composed) if pair[0].startswith(f"{own}:")}
    assert asked == set(strings.items())


def test_translating_a_module_changes_only_its_strings() -> None:
    module = faith_module()
    upper = translate_module(module, lambda _context, source: source.upper(), "voices-core")
    assert upper["items"][0]["options"][0] == {"code": "yes", "label": "YES"}
    assert upper["items"][1]["show_if"] == module["items"][1]["show_if"]
    assert module["items"][0]["options"][0]["label"] == "Yes"  # the original is untouched


def _frame(
    rows: list[dict[str, str]], columns: list[str], questionnaire_id: str = "voices-core"
) -> pd.DataFrame:
    base = {
        "questionnaire_id": questionnaire_id,
        "questionnaire_version": "1",
        "area": "north",
        "community_group": "",
        "language": "en",
        "channel": "web",
        "status": "submitted",
        "submitted_at": "2025-02-10T09:30:00Z",
    }
    records = [{"response_id": f"r{i}", **base, **row} for i, row in enumerate(rows)]
    return pd.DataFrame.from_records(records, columns=columns).replace("", pd.NA)


def _rows() -> list[dict[str, str]]:
    ratings = ["outstanding", "excellent", "good", "fair", "poor"]
    places = ["home", "hospital", "hospice", "care_home"]
    return [
        {
            "overall.rating": ratings[i % 5],
            "pref.expressed": "yes" if i % 3 else "no",
            "pref.place": places[i % 4],
            "about.place_of_death": places[(i // 2) % 4],
            "hospital.any_time": "yes",
            "hospital.pain": ["complete_all", "partial", "no_pain"][i % 3],
            "local.faith_needs": ["yes", "no", "dk"][i % 3],
            "local.more": "Nobody asked about prayers" if i % 7 == 0 else "",
        }
        for i in range(240)
    ]


def test_adding_a_module_changes_no_core_indicator_value(core_data: dict[str, Any]) -> None:
    core = questionnaire_from_data(core_data)
    _, data, problems = compose_questionnaire(core_data, faith_module())
    assert problems == []
    composed = questionnaire_from_data(data)
    rows = _rows()
    core_columns = [*FIXED_COLUMNS, *core.items]
    without_module = compute_scores(_frame(rows, core_columns), core)
    with_module = compute_scores(
        _frame(rows, [*FIXED_COLUMNS, *composed.items], composed.id), composed
    )
    assert set(composed.items) - set(core.items) == {"local.faith_needs", "local.more"}
    pd.testing.assert_frame_equal(without_module, with_module)
    assert len(without_module) > 10  # the comparison covered real indicators


def test_responses_to_the_core_and_to_a_composed_version_are_analysed_together(
    core_data: dict[str, Any],
) -> None:
    core = questionnaire_from_data(core_data)
    _, data, _ = compose_questionnaire(core_data, faith_module())
    merged = merge_versions([core, questionnaire_from_data(data)])
    rows = _rows()
    columns = [*FIXED_COLUMNS, *merged.items]
    # The first half answered before the module was published, the second half after.
    mixed = pd.concat(
        [_frame(rows[:120], columns), _frame(rows[120:], columns, data["id"])],
        ignore_index=True,
    )
    mixed["response_id"] = [f"r{i}" for i in range(len(mixed))]
    all_core = compute_scores(_frame(rows, [*FIXED_COLUMNS, *core.items]), core)
    pd.testing.assert_frame_equal(compute_scores(mixed, merged), all_core)


def test_versions_whose_core_items_differ_are_not_merged(core_data: dict[str, Any]) -> None:
    core = questionnaire_from_data(core_data)
    changed = copy.deepcopy(core_data)
    changed["scales"]["yesno"]["options"].pop()
    with pytest.raises(QuestionnaireFileError, match="differs between versions"):
        merge_versions([core, questionnaire_from_data(changed)])


def test_a_composed_questionnaire_keeps_the_cores_translations(core_data: dict[str, Any]) -> None:
    """Core texts are looked up under the core's id; only the local section is the area's own."""
    from app.questionnaire.localisation import localise

    composed, _data, problems = compose_questionnaire(core_data, faith_module())
    assert composed is not None, problems
    assert composed.id == "voices-core-north-riverside" and composed.based_on == "voices-core"
    catalogue = {
        "voices-core:about.relationship:text": "Kim była dla Pana/Pani {person}?",
        "voices-core:scale:yes3:definitely": "Tak, zdecydowanie",
        "voices-core:piping:default": "zmarła osoba",
        "voices-core-north-riverside:local.faith_needs:text": "Czy szanowano wiarę {person}?",
    }
    asked: list[str] = []

    def translate(context: str, text: str) -> str:
        asked.append(context)
        return catalogue.get(context, text)

    polish = localise(composed, translate)
    assert polish.item("about.relationship").text == "Kim była dla Pana/Pani {person}?"
    assert polish.item("local.faith_needs").text == "Czy szanowano wiarę {person}?"
    assert polish.piping is not None and polish.piping.default == "zmarła osoba"
    assert polish.based_on == "voices-core"
    own = {context for context in asked if context.startswith("voices-core-north-riverside:")}
    assert own and all(":local." in context or ":section:local:" in context for context in own)
