"""Reading the questionnaire as plain data: items, 0–10 scores, indicators, domains, case mix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from scores_builders import VOICES_CORE

from analysis.questionnaire_data import (
    QuestionnaireData,
    QuestionnaireFileError,
    load_questionnaire,
    questionnaire_from_data,
)


def test_the_voices_core_definition_is_read_in_full(questionnaire: QuestionnaireData) -> None:
    assert questionnaire.id == "voices-core"
    assert len(questionnaire.indicators) == 34
    assert [domain.id for domain in questionnaire.domains] == [
        "quality",
        "dignity",
        "symptoms",
        "coordination",
        "communication",
        "carer_support",
        "personal_needs",
    ]
    assert questionnaire.case_mix == ("about.age_band", "about.cause_group")
    # Info items are not answerable and have no column.
    assert "last2.intro" not in questionnaire.items


def test_options_are_scored_best_10_worst_0_in_equal_steps(
    questionnaire: QuestionnaireData,
) -> None:
    assert questionnaire.item("overall.rating").scores() == (10.0, 7.5, 5.0, 2.5, 0.0)
    # dk is not scored, and does not count as a step.
    assert questionnaire.item("home.coordination").scores() == (10.0, 5.0, 0.0, None)
    pain = questionnaire.item("hospital.pain").scores()
    assert pain[:4] == pytest.approx((10.0, 20 / 3, 10 / 3, 0.0))
    assert pain[4:] == (None, None)  # no_pain, dk


def test_extra_options_are_appended_and_not_substantive(questionnaire: QuestionnaireData) -> None:
    culture = questionnaire.item("death.culture_faith")
    assert culture.codes == ("definitely", "to_some_extent", "no", "dk", "na")
    assert culture.substantive_codes == ("definitely", "to_some_extent", "no")


def test_the_match_indicator_keeps_its_population_condition(
    questionnaire: QuestionnaireData,
) -> None:
    (match,) = [i for i in questionnaire.indicators if i.id == "died_in_preferred_place"]
    assert match.kind == "match"
    assert match.other_item == "about.place_of_death"
    assert match.among is not None and match.among.op == "equals"
    assert match.among.values == ("yes",)


def _voices_data() -> dict[str, object]:
    data = yaml.safe_load(VOICES_CORE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_numerator_code_that_is_not_an_option_is_refused() -> None:
    data = _voices_data()
    indicators = data["indicators"]
    assert isinstance(indicators, list)
    indicators[0] = {**indicators[0], "numerator": ["excelent"]}
    with pytest.raises(QuestionnaireFileError, match="numerator"):
        questionnaire_from_data(data)


def test_a_domain_over_an_unknown_item_is_refused() -> None:
    data = _voices_data()
    data["domains"] = [{"id": "x", "name": "X", "items": ["nowhere.item"]}]
    with pytest.raises(QuestionnaireFileError, match="nowhere.item"):
        questionnaire_from_data(data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: [unclosed", "not valid YAML"),
        ("- a list", "not a questionnaire"),
        ("id: x\nversion: 1\n", "malformed"),
    ],
)
def test_unreadable_questionnaire_files_give_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionnaireFileError, match=message):
        load_questionnaire(path)


def test_a_missing_questionnaire_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireFileError, match="not found"):
        load_questionnaire(tmp_path / "absent.yaml")
