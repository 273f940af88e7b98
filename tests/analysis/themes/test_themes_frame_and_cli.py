"""Analysts extend the coding frame as data; the command line writes the documented files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
from themes_fixtures import BENGALI, ENGLISH, POLISH, ExportBuilder, repeat

from analysis.themes.cli import main
from analysis.themes.frame import CodingFrame, InvalidCodingFrame, load_frame

END_OF_LIFE_LANGUAGES = {"en", "cy", "pl", "ur", "pa"}


def test_the_frame_has_the_qdc_categories_and_end_of_life_themes(frame: CodingFrame) -> None:
    qdc = [t for t in frame.themes if t.framework == "qdc"]
    end_of_life = [t for t in frame.themes if t.framework == "end_of_life"]
    assert len(qdc) == 10 and len(end_of_life) == 8
    assert {t.label for t in qdc} >= {"Staff", "Medication & pain", "Mental Health specifics"}
    for theme in end_of_life:
        assert END_OF_LIFE_LANGUAGES <= set(theme.patterns), theme.id
    for theme in frame.themes:
        assert theme.name and theme.description and theme.patterns["en"]


def test_an_analyst_adds_a_theme_without_code(tmp_path: Path, export_of: ExportBuilder) -> None:
    frame_file = tmp_path / "frame.yaml"
    frame_file.write_text(
        textwrap.dedent("""\
        languages: [en, pl]
        themes:
          - id: parking_charges
            name: Parking charges
            description: Paying to park while visiting someone who is dying.
            patterns:
              en: [parking charge*, pay to park, parking fee*]
              pl: [opłat* za parking]
    """),
        encoding="utf-8",
    )
    assert load_frame(frame_file).theme("parking_charges").name == "Parking charges"
    rows = [("Visitors", "en", "We had to pay to park every day while Dad was dying.")] * 10
    responses = tmp_path / "responses.csv"
    export_of(rows).to_csv(responses, index=False)
    out = tmp_path / "themes.csv"
    assert main(["summarise", str(responses), "--frame", str(frame_file), "--out", str(out)]) == 0
    table = pd.read_csv(out).set_index("theme")
    assert table.loc["parking_charges", "n_theme"] == 10


def test_a_broken_frame_is_reported_by_theme(tmp_path: Path) -> None:
    frame_file = tmp_path / "frame.yaml"
    frame_file.write_text("themes:\n  - id: x\n    name: X\n    description: d\n", "utf-8")
    with pytest.raises(InvalidCodingFrame, match="theme 'x'.*English"):
        load_frame(frame_file)


def test_summarise_writes_themes_quotes_and_phrases(
    tmp_path: Path, export_of: ExportBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [("Carers", "en", c) for c in repeat(ENGLISH, 24)]
    rows += [("Polish community", "pl", c) for c in repeat(POLISH, 12)]
    rows += [("Bengali group", "bn", c) for c in repeat(BENGALI, 11)]
    rows += [('=HYPERLINK("http://x")', "en", c) for c in repeat(ENGLISH, 10)]
    rows += [("Tiny", "en", "Dr Evans was wonderful.")] * 3
    export = export_of(rows)
    export.loc[0, "status"] = "in_progress"  # not submitted: not analysed
    responses = tmp_path / "responses.csv"
    export.to_csv(responses, index=False)
    out, quotes, phrases = tmp_path / "t.csv", tmp_path / "q.csv", tmp_path / "p.csv"
    awaiting = tmp_path / "a.csv"
    code = main(
        [
            "summarise",
            str(responses),
            "--by",
            "community_group",
            "--by",
            "detected_language",
            "--by",
            "language",
            "--out",
            str(out),
            "--quotes",
            str(quotes),
            "--phrases",
            str(phrases),
            "--awaiting",
            str(awaiting),
        ]
    )
    assert code == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "breakdown",
        "group",
        "theme",
        "n_comments",
        "n_theme",
        "pct",
        "pct_positive",
        "pct_negative",
        "distinctiveness_z",
        "suppressed",
    ]
    assert set(table["breakdown"]) == {"community_group", "detected_language", "language"}
    carers = table[(table["group"] == "Carers")]
    # 23 comments (the response in progress is not analysed): published rounded to 25, while
    # every percentage is a share of the exact 23.
    assert (carers["n_comments"] == 25).all()
    shares = carers["pct"] * 23 / 100
    assert ((shares - shares.round()).abs() < 0.02).all()
    assert (carers["pct"] > 0).any()
    counts = table[["n_comments", "n_theme"]].stack().dropna()
    assert not counts.between(1, 7).any() and (counts % 5 == 0).all()
    assert table.loc[table["group"] == "Tiny", "suppressed"].all()
    assert '\'=HYPERLINK("http://x")' in set(table["group"])  # CSV injection neutralised
    quote_table = pd.read_csv(quotes)
    assert list(quote_table.columns) == ["breakdown", "group", "theme", "language", "quote"]
    assert "pl" in set(quote_table["language"])
    assert "Tiny" not in set(quote_table["group"])
    assert len(pd.read_csv(awaiting)) == 11
    err = capsys.readouterr().err
    assert "themes: 59 comments" in err and "bn 11" in err


def test_summarise_reports_a_missing_breakdown_column(
    tmp_path: Path, export_of: ExportBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    responses = tmp_path / "responses.csv"
    export_of([("G", "en", ENGLISH[0])] * 10).to_csv(responses, index=False)
    assert main(["summarise", str(responses), "--by", "no.such.column"]) == 1
    assert "no.such.column" in capsys.readouterr().err
