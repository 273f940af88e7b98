"""`flask areas`, `flask groups` and `flask questionnaires validate` from the command line."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"


def test_areas_are_added_and_listed_slug_tab_name(runner: FlaskCliRunner) -> None:
    assert (
        runner.invoke(args=["areas", "add", "north-riverside", "North Riverside ICB"]).exit_code
        == 0
    )
    assert runner.invoke(args=["areas", "add", "east-coast", "East Coast ICB"]).exit_code == 0
    listed = runner.invoke(args=["areas", "list"])
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [
        "east-coast\tEast Coast ICB",
        "north-riverside\tNorth Riverside ICB",
    ]


def test_a_duplicate_or_malformed_area_slug_is_refused_clearly(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["areas", "add", "north-riverside", "North Riverside ICB"])
    again = runner.invoke(args=["areas", "add", "north-riverside", "Another"])
    assert again.exit_code != 0 and "already exists" in again.output
    bad = runner.invoke(args=["areas", "add", "North Riverside!", "Name"])
    assert bad.exit_code != 0 and "not a valid slug" in bad.output


def test_groups_can_belong_to_an_area_or_none(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["areas", "add", "east-coast", "East Coast ICB"])
    bound = runner.invoke(
        args=["groups", "add", "bangla-carers", "Bangla carers", "--area", "east-coast"]
    )
    assert bound.exit_code == 0, bound.output
    free = runner.invoke(args=["groups", "add", "lgbtq-elders", "LGBTQ+ elders"])
    assert free.exit_code == 0
    missing = runner.invoke(args=["groups", "add", "other", "Other", "--area", "nowhere"])
    assert missing.exit_code != 0 and "no area with the slug 'nowhere'" in missing.output
    listed = runner.invoke(args=["groups", "list"])
    assert listed.output.splitlines() == [
        "bangla-carers\tBangla carers",
        "lgbtq-elders\tLGBTQ+ elders",
    ]


def test_the_core_questionnaire_validates(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["questionnaires", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "" or "no problems" in result.output


def test_validate_prints_one_line_per_problem_and_fails(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken" / "v1.yaml"
    broken.parent.mkdir()
    core = (QUESTIONNAIRES / "voices-core" / "v1.yaml").read_text(encoding="utf-8")
    core = core.replace("id: voices-core", "id: broken", 1)
    # Two problems: an option code repeated, and routing that refers to an unknown item.
    core = core.replace("code: dk", "code: never", 1)
    core = core.replace("item: home.any_time,", "item: home.no_such_item,", 1)
    broken.write_text(core, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "validate", str(broken)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) >= 2
    assert all(line.startswith(str(broken)) for line in lines), lines
    assert any("home.no_such_item" in line for line in lines)


def test_sub_areas_are_added_under_a_parent_and_listed_with_it(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["areas", "add", "north-riverside", "North Riverside ICB"])
    added = runner.invoke(
        args=["areas", "add", "riverside-west", "West place", "--parent", "north-riverside"]
    )
    assert added.exit_code == 0, added.output
    assert "sub-area of north-riverside" in added.output
    assert runner.invoke(args=["areas", "list"]).output.splitlines() == [
        "north-riverside\tNorth Riverside ICB",
        "riverside-west\tWest place\tnorth-riverside",
    ]
    # Sub-areas go one level deep, and the parent must exist.
    deeper = runner.invoke(args=["areas", "add", "ward-9", "Ward", "--parent", "riverside-west"])
    assert deeper.exit_code != 0 and "itself a sub-area" in deeper.output
    unknown = runner.invoke(args=["areas", "add", "ward-9", "Ward", "--parent", "nowhere"])
    assert unknown.exit_code != 0 and "no area with the slug 'nowhere'" in unknown.output
    assert len(runner.invoke(args=["areas", "list"]).output.splitlines()) == 2
