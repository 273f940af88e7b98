"""`flask responses export` and `flask responses import`: what an analyst types and sees."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask.testing import FlaskCliRunner

FIXED = (
    "response_id,questionnaire_id,questionnaire_version,area,community_group,"
    "language,channel,status,submitted_at"
)


def seed(runner: FlaskCliRunner, count: int = 60) -> None:
    result = runner.invoke(args=["demo", "seed", "--responses", str(count), "--seed", "3"])
    assert result.exit_code == 0, result.output


def paper_returns(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = FIXED.split(",") + ["overall.rating", "overall.good"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    "questionnaire_id": "voices-core",
                    "questionnaire_version": "1",
                    "area": "east-coast",
                    "language": "en",
                    "channel": "paper",
                    "status": "submitted",
                    "submitted_at": "2025-02-03T09:00:00Z",
                    **row,
                }
            )
    return path


def test_export_writes_csv_to_standard_output_and_a_summary_to_standard_error(
    runner: FlaskCliRunner,
) -> None:
    seed(runner)

    result = runner.invoke(args=["responses", "export", "--format", "csv"])

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert ",".join(rows[0][:9]) == FIXED
    assert len(rows) == 61
    assert result.stderr.startswith("Exported 60 responses to standard output in ")


def test_export_to_a_file_for_one_area(runner: FlaskCliRunner, tmp_path: Path) -> None:
    seed(runner)
    out = tmp_path / "south.csv"

    result = runner.invoke(args=["responses", "export", "--area", "south-vale", "--out", str(out)])

    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        areas = {row["area"] for row in csv.DictReader(handle)}
    assert areas == {"south-vale"}
    assert f"to {out}" in result.stderr
    assert result.stdout == ""


def test_export_of_an_unknown_area_fails_kindly(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["responses", "export", "--area", "atlantis"])

    assert result.exit_code == 1
    assert "There is no area with the slug 'atlantis'" in result.stderr


def test_import_reports_each_problem_and_imports_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    seed(runner, 5)
    source = paper_returns(
        tmp_path / "paper.csv",
        [
            {"response_id": "p-1", "overall.rating": "good"},
            {"response_id": "p-2", "overall.rating": "great"},
            {"response_id": "p-3", "submitted_at": "yesterday"},
        ],
    )

    result = runner.invoke(args=["responses", "import", str(source)])

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("line 3: column overall.rating: unknown code 'great'")
    assert lines[1].startswith("line 4: column submitted_at: 'yesterday' is not an ISO 8601")
    assert "Nothing was imported: 2 of the rows have problems" in result.stderr
    exported = runner.invoke(args=["responses", "export"])
    assert "p-1" not in exported.stdout


def test_import_with_skip_invalid_then_again_changes_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    seed(runner, 5)
    source = paper_returns(
        tmp_path / "paper.csv",
        [
            {"response_id": "p-1", "overall.rating": "good", "overall.good": "=kind staff"},
            {"response_id": "p-2", "overall.rating": "great"},
        ],
    )

    first = runner.invoke(args=["responses", "import", str(source), "--skip-invalid"])
    second = runner.invoke(args=["responses", "import", str(source), "--skip-invalid"])

    assert first.exit_code == 0, first.output
    assert "line 3: column overall.rating: unknown code 'great'" in first.stderr
    assert "Imported 1 responses (0 already present, 1 invalid skipped)" in first.stderr
    assert second.exit_code == 0
    assert "Imported 0 responses (1 already present, 1 invalid skipped)" in second.stderr
    exported = runner.invoke(args=["responses", "export"]).stdout
    assert exported.count("p-1") == 1
    assert "'=kind staff" in exported


def test_a_dry_run_says_what_it_would_do(runner: FlaskCliRunner, tmp_path: Path) -> None:
    seed(runner, 5)
    source = paper_returns(tmp_path / "paper.csv", [{"response_id": "p-1"}])

    result = runner.invoke(args=["responses", "import", str(source), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Would import 1 responses (0 already present, 0 invalid skipped)" in result.stderr
    assert "p-1" not in runner.invoke(args=["responses", "export"]).stdout


def test_importing_a_file_that_is_not_utf8_explains_what_to_do(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes((FIXED + "\r\n").encode() + "caf\xe9,voices-core\r\n".encode("latin-1"))

    result = runner.invoke(args=["responses", "import", str(source)])

    assert result.exit_code == 1
    assert "latin1.csv: line 2: the file is not UTF-8 text" in result.stderr
    assert "Nothing was imported." in result.stderr
