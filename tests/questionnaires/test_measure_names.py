"""Readers meet indicators and domains by name: every core measure has one, and no two share it."""

from __future__ import annotations

from typing import Any

from app.questionnaire import load_questionnaire
from app.questionnaire.localisation import indicator_context, localise
from tests.questionnaires.voices_contract import CORE_V1_PATH


def test_every_core_indicator_and_domain_has_its_own_plain_name(core: dict[str, Any]) -> None:
    measures = [*core["indicators"], *core["domains"]]
    names = [measure.get("name", "") for measure in measures]
    unnamed = [measure["id"] for measure in measures if not measure.get("name")]
    assert unnamed == []
    assert len(set(names)) == len(names)
    # A name is for people: it never just repeats the technical id.
    assert not [m["id"] for m in measures if m["name"].replace(" ", "_").lower() == m["id"]]


def test_indicator_names_are_translated_under_their_own_context() -> None:
    questionnaire = load_questionnaire(CORE_V1_PATH)
    asked: list[str] = []

    def translate(context: str, text: str) -> str:
        asked.append(context)
        return f"[{text}]" if ":indicator:" in context else text

    localised = localise(questionnaire, translate)
    assert indicator_context("voices-core", "overall_oeg") in asked
    named = {indicator.id: indicator.name for indicator in localised.indicators}
    assert named["overall_oeg"] == "[Care rated good or better]"
    # The name is display text: the translated indicator still equals the original.
    assert localised.indicators == questionnaire.indicators
