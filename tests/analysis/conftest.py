"""Fixtures for the scores tests: the real VOICES questionnaire and a response-frame builder."""

from __future__ import annotations

import pytest
from scores_builders import VOICES_CORE, Builder, build_responses

from analysis.questionnaire_data import QuestionnaireData, load_questionnaire


@pytest.fixture(scope="session")
def questionnaire() -> QuestionnaireData:
    return load_questionnaire(VOICES_CORE)


@pytest.fixture
def responses(questionnaire: QuestionnaireData) -> Builder:
    return lambda rows: build_responses(rows, questionnaire)
