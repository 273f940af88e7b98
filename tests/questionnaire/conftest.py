"""Fixture questionnaires for the engine tests: one tiny file per feature, no Flask app."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.questionnaire import Questionnaire, load_questionnaire

FIXTURES = Path(__file__).parent / "fixtures"


def _load(name: str) -> Questionnaire:
    return load_questionnaire(FIXTURES / name / "v1.yaml")


@pytest.fixture(scope="session")
def all_types() -> Questionnaire:
    return _load("all-types")


@pytest.fixture(scope="session")
def routing() -> Questionnaire:
    return _load("routing-filter")


@pytest.fixture(scope="session")
def piped() -> Questionnaire:
    return _load("piping")


@pytest.fixture(scope="session")
def indicators() -> Questionnaire:
    return _load("indicators")
