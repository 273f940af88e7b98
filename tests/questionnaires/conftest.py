"""Fixtures for the VOICES core questionnaire tests: the contract and v1.yaml as plain data."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.questionnaires.voices_contract import (
    CONTRACT_PATH,
    CORE_V1_PATH,
    Contract,
    CoreItem,
    core_items,
    parse_contract,
)


@pytest.fixture(scope="session")
def contract() -> Contract:
    if not CONTRACT_PATH.exists():
        pytest.skip(f"the VOICES contract is not checked out next to the project: {CONTRACT_PATH}")
    return parse_contract(CONTRACT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def core() -> dict[str, Any]:
    return yaml.safe_load(CORE_V1_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def items(core: dict[str, Any]) -> list[CoreItem]:
    return core_items(core)


@pytest.fixture(scope="session")
def answerable(items: list[CoreItem]) -> list[CoreItem]:
    return [i for i in items if i.data["type"] != "info"]
