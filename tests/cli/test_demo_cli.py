"""`flask demo seed`: invented data for a first look, created once however often it is run."""

from __future__ import annotations

from flask.testing import FlaskCliRunner


def test_seeding_twice_creates_the_demo_once(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["demo", "seed", "--responses", "120", "--seed", "9"])
    second = runner.invoke(args=["demo", "seed", "--responses", "120", "--seed", "9"])

    assert first.exit_code == 0, first.output
    assert "Created 120 demo responses" in first.stderr
    assert "6 areas and 4 community groups" in first.stderr
    assert second.exit_code == 0, second.output
    assert "already there (120 responses" in second.stdout
    assert "nothing was changed" in second.stdout
    areas = runner.invoke(args=["areas", "list"]).output.splitlines()
    # East Coast ICB has three places (sub-areas), listed with their parent.
    assert [line.split("\t") for line in areas] == [
        ["east-coast", "East Coast ICB"],
        ["east-coast-harbour", "Harbour place", "east-coast"],
        ["east-coast-marshes", "Marshes place", "east-coast"],
        ["east-coast-uplands", "Uplands place", "east-coast"],
        ["north-riverside", "North Riverside ICB"],
        ["south-vale", "South Vale ICB"],
    ]
    groups = runner.invoke(args=["groups", "list"]).output.splitlines()
    assert len(groups) == 4
    exported = runner.invoke(args=["responses", "export"])
    assert len(exported.stdout.splitlines()) > 120  # header + rows (comments may span lines)
