"""`python -m analysis scores|inequalities` from a CSV export: output and clear errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scores_builders import ROOT, VOICES_CORE, build_responses, repeat

from analysis.__main__ import main as analysis_main
from analysis.questionnaire_data import QuestionnaireData
from analysis.scores import OUTPUT_COLUMNS

COLUMNS = list(OUTPUT_COLUMNS)


@pytest.fixture
def export(tmp_path: Path, questionnaire: QuestionnaireData) -> Path:
    """A small export: two areas, a handful of answers, text with commas and a newline."""
    rows = (
        repeat(
            30,
            area="north",
            overall__rating="excellent",
            about__ethnicity="white",
            submitted_at="2025-02-01T10:00:00Z",
        )
        + repeat(
            25,
            area="south",
            overall__rating="fair",
            about__ethnicity="asian",
            submitted_at="2025-05-01T10:00:00Z",
        )
        + repeat(4, area="south", overall__rating="poor", about__ethnicity="black")
        + repeat(12, area="south", overall__rating="good", about__ethnicity="mixed")
        + repeat(2, area="south", overall__rating="poor", status="in_progress")
        + [{"area": "north", "overall.good": 'Kind staff, "always" there.\nThank you.'}]
    )
    path = tmp_path / "responses.csv"
    build_responses(rows, questionnaire).to_csv(path, index=False, lineterminator="\r\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = analysis_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_scores_end_to_end_as_a_command(export: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "scores",
            str(export),
            "--questionnaire",
            str(VOICES_CORE),
            "--by",
            "area",
            "--by",
            "quarter",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, na_values=[""])
    assert list(table.columns) == COLUMNS
    oe = table[table["indicator"] == "overall_oe"]
    assert oe[["breakdown", "group"]].values.tolist() == [
        ["national", "all"],
        ["area", "north"],
        ["area", "south"],
        ["quarter", "2025-Q1"],
        ["quarter", "2025-Q2"],
    ]
    national = oe.iloc[0]
    assert (national["n"], national["numerator"], national["value"]) == (71, 30, 42.3)
    assert national["comparison"] == "n/a"
    assert set(table["kind"]) == {"proportion", "score"}


def test_json_output_to_a_file(
    capsys: pytest.CaptureFixture[str], export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scores.json"
    code, stdout, _ = run(
        capsys,
        "scores",
        str(export),
        "--questionnaire",
        str(VOICES_CORE),
        "--area",
        "south",
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert code == 0 and stdout == ""
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert list(rows[0]) == COLUMNS
    south = [r for r in rows if r["indicator"] == "overall_fair_poor" and r["group"] == "south"]
    assert south[0]["n"] == 40 and south[0]["suppressed"] == 0
    assert south[0]["value"] == pytest.approx(70.7)  # 29 of 41


def test_inequalities_for_an_area(capsys: pytest.CaptureFixture[str], export: Path) -> None:
    code, stdout, stderr = run(
        capsys,
        "inequalities",
        str(export),
        "--questionnaire",
        str(VOICES_CORE),
        "--area",
        "south",
        "--by",
        "about.ethnicity",
    )
    assert code == 0, stderr
    table = pd.read_csv(io.StringIO(stdout))
    asian = table[(table["indicator"] == "overall_fair_poor") & (table["group"] == "asian")]
    row = asian.iloc[0]
    assert row["gap_to_area"] == pytest.approx(row["std_value"] - row["area_value"], abs=0.11)
    assert row["gap_to_national"] == pytest.approx(
        row["std_value"] - row["national_value"], abs=0.11
    )
    for hidden in ("black", "mixed"):  # 4 respondents, and the next smallest group with them
        cell = table[(table["indicator"] == "overall_fair_poor") & (table["group"] == hidden)]
        assert cell.iloc[0]["suppressed"] == 1 and pd.isna(cell.iloc[0]["gap_to_area"])


def _bad_input(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, stdout, stderr = run(capsys, *argv)
    assert code == 2
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    message = _bad_input(
        capsys, "scores", str(tmp_path / "nope.csv"), "--questionnaire", str(VOICES_CORE)
    )
    assert "not found" in message


def test_a_file_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("response_id,status,área\n1,submitted,é\n".encode("latin-1"))
    assert "UTF-8" in _bad_input(capsys, "scores", str(path), "--questionnaire", str(VOICES_CORE))


def test_a_file_without_the_needed_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "thin.csv"
    path.write_text("response_id,area\n1,north\n", encoding="utf-8")
    message = _bad_input(capsys, "scores", str(path), "--questionnaire", str(VOICES_CORE))
    assert "status" in message


def test_an_unknown_breakdown(capsys: pytest.CaptureFixture[str], export: Path) -> None:
    message = _bad_input(
        capsys, "scores", str(export), "--questionnaire", str(VOICES_CORE), "--by", "postcode"
    )
    assert "--by" in message and "postcode" in message


def test_a_free_text_breakdown(capsys: pytest.CaptureFixture[str], export: Path) -> None:
    message = _bad_input(
        capsys, "scores", str(export), "--questionnaire", str(VOICES_CORE), "--by", "overall.good"
    )
    assert "text item" in message


def test_an_unknown_area(capsys: pytest.CaptureFixture[str], export: Path) -> None:
    message = _bad_input(
        capsys, "scores", str(export), "--questionnaire", str(VOICES_CORE), "--area", "atlantis"
    )
    assert "atlantis" in message


def test_an_unknown_weight_column(capsys: pytest.CaptureFixture[str], export: Path) -> None:
    message = _bad_input(
        capsys, "scores", str(export), "--questionnaire", str(VOICES_CORE), "--weight", "w"
    )
    assert "w" in message


def test_a_broken_questionnaire(
    capsys: pytest.CaptureFixture[str], export: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "q.yaml"
    broken.write_text("id: [", encoding="utf-8")
    assert "YAML" in _bad_input(capsys, "scores", str(export), "--questionnaire", str(broken))


def test_responses_to_another_questionnaire(
    capsys: pytest.CaptureFixture[str], export: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.csv"
    other.write_text(
        export.read_text(encoding="utf-8").replace("voices-core", "local-extra"), encoding="utf-8"
    )
    assert "local-extra" in _bad_input(
        capsys, "scores", str(other), "--questionnaire", str(VOICES_CORE)
    )


def test_a_bad_option(capsys: pytest.CaptureFixture[str], export: Path) -> None:
    message = _bad_input(
        capsys, "scores", str(export), "--questionnaire", str(VOICES_CORE), "--format", "xlsx"
    )
    assert "--format" in message


def test_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown command" in _bad_input(capsys, "tables")


def test_help_and_no_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scores", "--help")[0] == 0
    code, _, stderr = run(capsys)
    assert code == 2 and "usage" in stderr


def test_weights_and_an_area_with_its_own_breakdown(
    capsys: pytest.CaptureFixture[str], export: Path, tmp_path: Path
) -> None:
    weighted = tmp_path / "weighted.csv"
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    frame["weight"] = ["2.0" if area == "north" else "1.0" for area in frame["area"]]
    frame.to_csv(weighted, index=False)
    code, stdout, stderr = run(
        capsys,
        "scores",
        str(weighted),
        "--questionnaire",
        str(VOICES_CORE),
        "--weight",
        "weight",
        "--area",
        "north",
        "--by",
        "area",
        "--casemix",
        "about.sex",
    )
    assert code == 0, stderr
    table = pd.read_csv(io.StringIO(stdout), keep_default_na=False, na_values=[""])
    oe = table[table["indicator"] == "overall_oe"]
    assert oe[["breakdown", "group"]].values.tolist() == [["national", "all"], ["area", "north"]]
    # 30 north ratings, all excellent, at weight 2; 41 south ratings at weight 1: 60 / 101.
    assert oe.iloc[0]["value"] == pytest.approx(59.4)
    assert oe.iloc[0]["n"] == 71


def test_casemix_changes_the_standardised_values_and_none_turns_it_off(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, questionnaire: QuestionnaireData
) -> None:
    # The worked example of docs/methodology.md: north is young, south is old.
    def ages(area: str, age: str, hits: int, others: int) -> list[dict[str, str]]:
        return repeat(hits, area=area, about__age_band=age, overall__rating="excellent") + repeat(
            others, area=area, about__age_band=age, overall__rating="good"
        )

    rows = ages("north", "18_64", 10, 5) + ages("north", "85_plus", 1, 4)
    rows += ages("south", "18_64", 2, 3) + ages("south", "85_plus", 3, 12)
    path = tmp_path / "ages.csv"
    build_responses(rows, questionnaire).to_csv(path, index=False)

    def north(*casemix: str) -> pd.Series:
        code, stdout, stderr = run(
            capsys,
            "scores",
            str(path),
            "--questionnaire",
            str(VOICES_CORE),
            "--by",
            "area",
            *casemix,
        )
        assert code == 0, stderr
        table = pd.read_csv(io.StringIO(stdout))
        found = table[(table["indicator"] == "overall_oe") & (table["group"] == "north")]
        return found.iloc[0]

    by_age = north("--casemix", "about.age_band")
    assert (by_age["value"], by_age["std_value"], by_age["oe_ratio"]) == (55.0, 44.0, 1.1)
    # The questionnaire's default (age x illness; illness unanswered throughout) is the same.
    assert north()["std_value"] == 44.0
    unadjusted = north("--casemix", "none")
    assert unadjusted["std_value"] == unadjusted["value"] == 55.0
