"""The analysis never reaches the network and says how to fix a missing install step."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from typing import NoReturn

import nltk
import pytest
from themes_fixtures import ENGLISH, PANJABI, POLISH, URDU, WELSH, ExportBuilder, repeat
from themes_labelled_fixture import labelled_table

from analysis.themes import nltk_setup, sentiment
from analysis.themes.comments import comments_from_responses
from analysis.themes.frame import CodingFrame
from analysis.themes.key_phrases import phrases_by_group
from analysis.themes.labelled import from_frame
from analysis.themes.model import train_model
from analysis.themes.pipeline import analyse_comments
from analysis.themes.quotes import quotes_by_group
from analysis.themes.summary import summarise_by_group


class NetworkUsed(AssertionError):
    pass


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise NetworkUsed("the themes analysis tried to open a network connection")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(nltk, "download", _refuse)


def test_the_whole_pipeline_runs_with_sockets_blocked(
    no_network: None, export_of: ExportBuilder, frame: CodingFrame
) -> None:
    sentiment.bereavement_aware_vader.cache_clear()  # load the lexicon again, offline
    rows = [("English", "en", c) for c in repeat(ENGLISH, 12)]
    rows += [
        ("Mixed languages", lang, c)
        for lang, c in zip(
            ["cy", "pl", "ur", "pa"] * 3, repeat(WELSH + POLISH + URDU + PANJABI, 12), strict=True
        )
    ]
    model = train_model(from_frame(labelled_table()), frame)
    for with_model in (None, model):
        analysed = analyse_comments(comments_from_responses(export_of(rows)), frame, with_model)
        assert not summarise_by_group(analysed, ["community_group", "area"]).empty
        assert not quotes_by_group(analysed, ["community_group"]).empty
        phrases_by_group(analysed, ["community_group"])


def test_the_project_nltk_data_directory_comes_first() -> None:
    nltk.data.path.append(str(nltk_setup.PROJECT_NLTK_DATA))
    nltk_setup.use_project_nltk_data()
    assert nltk.data.path[0] == str(nltk_setup.PROJECT_NLTK_DATA)
    assert nltk.data.path.count(str(nltk_setup.PROJECT_NLTK_DATA)) == 1
    assert not Path(nltk_setup.VADER_RESOURCE).is_absolute()


def test_a_missing_lexicon_tells_the_user_to_run_make_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(nltk_setup, "PROJECT_NLTK_DATA", tmp_path / "nltk_data")
    sentiment.bereavement_aware_vader.cache_clear()
    try:
        with pytest.raises(nltk_setup.MissingNltkData, match="make install"):
            sentiment.bereavement_aware_vader()
    finally:
        monkeypatch.undo()
        sentiment.bereavement_aware_vader.cache_clear()


def test_the_install_step_copies_the_lexicon_from_the_pypi_package(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "prepare_nltk_data.py"
    spec = importlib.util.spec_from_file_location("prepare_nltk_data", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--target", str(tmp_path)]) == 0
    lexicon = tmp_path / nltk_setup.VADER_RESOURCE
    assert "\t" in lexicon.read_text(encoding="utf-8").splitlines()[0]
