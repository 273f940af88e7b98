"""Analysts train models from any labelled file and see precision, recall and F1."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from themes_fixtures import ExportBuilder
from themes_labelled_fixture import labelled_table

from analysis.themes.cli import main
from analysis.themes.frame import CodingFrame
from analysis.themes.labelled import from_frame
from analysis.themes.model import train_model
from analysis.themes.model_file import load_model, save_model

SHARED = Path(__file__).resolve().parents[4] / "shared"
SHARED_TRAIN = Path(
    os.environ.get("THEMES_TRAIN_CSV", SHARED / "data/patient-experience-comments/train.csv")
)


def test_a_model_trained_on_labels_predicts_themes_and_sentiment(
    frame: CodingFrame, tmp_path: Path
) -> None:
    model = train_model(from_frame(labelled_table()), frame)
    assert model.theme_labels == ["Staff", "Access to medical care & support"]
    path = save_model(model, tmp_path / "model")  # no suffix is added to the name given
    assert path == tmp_path / "model"
    with zipfile.ZipFile(path) as archive:  # plain arrays and JSON: nothing to unpickle
        assert all(name.endswith(".npy") for name in archive.namelist())
    loaded = load_model(path)
    texts = pd.Series(
        ["The nurses were not kind at all.", "We waited hours at night, nobody came."]
    )
    features = loaded.features(texts, None)
    themes = loaded.predict_themes(features)
    assert bool(themes.loc[0, "Staff"]) and bool(themes.loc[1, "Access to medical care & support"])
    assert list(loaded.predict_sentiment(features)) == ["negative", "negative"]


def test_evaluate_prints_per_class_scores_and_macro_f1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled_table().to_csv(labelled, index=False)
    assert main(["evaluate", "--train", str(labelled), "--test", str(labelled), "--baseline"]) == 0
    output = capsys.readouterr().out
    assert re.search(r"^themes_macro_f1 [01]\.\d{4}$", output, re.MULTILINE)
    assert re.search(r"^sentiment_macro_f1 [01]\.\d{4}$", output, re.MULTILINE)
    assert re.search(r"^patterns_themes_macro_f1 ", output, re.MULTILINE)
    assert "Staff" in output and "neutral_or_mixed" in output and "precision" in output


def test_train_writes_a_model_that_summarise_can_use(
    tmp_path: Path, export_of: ExportBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled_table().to_csv(labelled, index=False)
    model_path = tmp_path / "models" / "themes.npz"
    assert main(["train", str(labelled), "--out", str(model_path)]) == 0
    assert model_path.is_file()

    comments = [
        "Rude staff who never answered the buzzer.",
        "We waited hours for anyone to come at night.",
        "Caring nurses who treated mum with dignity.",
    ]
    responses = tmp_path / "responses.csv"
    export_of([("Carers", "en", comment) for comment in comments * 4]).to_csv(
        responses, index=False
    )

    def access_row(*model: str) -> pd.Series:
        out = tmp_path / f"themes{len(model)}.csv"
        assert main(["summarise", str(responses), "--out", str(out), *model]) == 0
        return pd.read_csv(out).set_index("theme").loc["access"]

    with_model = access_row("--model", str(model_path))
    # The model learnt from the labels that waiting all night is a complaint; VADER alone
    # reads the sentence as neutral, so the flag visibly changes the summary.
    assert with_model["pct"] == 33.3 and with_model["pct_negative"] == 100.0
    assert access_row()["pct_negative"] != with_model["pct_negative"]


@pytest.mark.skipif(not SHARED_TRAIN.is_file(), reason="shared labelled comments not present")
def test_quality_on_the_held_out_fifth_of_the_nhs_comments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", "--split", str(SHARED_TRAIN)]) == 0
    output = capsys.readouterr().out
    themes = float(re.search(r"^themes_macro_f1 (\S+)$", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    sentiment = float(re.search(r"^sentiment_macro_f1 (\S+)$", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert themes >= 0.65
    assert sentiment >= 0.65
