"""Fixtures for the themes tests: the packaged coding frame and a survey-export builder."""

from __future__ import annotations

import pytest
from themes_fixtures import ExportBuilder, build_export

from analysis.themes.frame import CodingFrame, load_frame


@pytest.fixture(scope="session")
def frame() -> CodingFrame:
    return load_frame()


@pytest.fixture
def export_of() -> ExportBuilder:
    return build_export
