"""Checking questionnaire files: each broken fixture names its own expected problem line."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.questionnaire import Problem, validate_questionnaire_file
from app.questionnaire.validation import SCHEMA_PATH

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = sorted((FIXTURES / "broken").glob("*/v*.yaml"))
GOOD = sorted(path for path in FIXTURES.glob("*/v*.yaml"))
EXPECT = "# expect: "


def expected_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix(EXPECT) for line in lines if line.startswith(EXPECT)]


def problem_lines(path: Path) -> list[str]:
    return [str(problem).removeprefix(f"{path}: ") for problem in validate_questionnaire_file(path)]


def test_the_json_schema_is_itself_valid() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.parent.name)
def test_the_feature_fixtures_are_valid(path: Path) -> None:
    assert validate_questionnaire_file(path) == []


def test_there_is_a_broken_fixture_for_each_problem() -> None:
    assert len(BROKEN) >= 40
    assert all(expected_lines(path) for path in BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.parent.name)
def test_each_broken_fixture_gives_exactly_its_expected_problem(path: Path) -> None:
    assert problem_lines(path) == expected_lines(path)


def test_a_problem_prints_as_file_item_message() -> None:
    assert str(Problem("q/v1.yaml", "home.gp", "no")) == "q/v1.yaml: home.gp: no"
    assert str(Problem("q/v1.yaml", None, "no")) == "q/v1.yaml: -: no"


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    [problem] = validate_questionnaire_file(tmp_path / "v1.yaml")
    assert problem.message.startswith("cannot read the file")


def test_a_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    [problem] = validate_questionnaire_file(tmp_path)
    assert problem.message.startswith("cannot read the file")


def test_a_file_over_two_megabytes_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text("# padding\n" * 220_000, encoding="utf-8")
    assert [p.message for p in validate_questionnaire_file(path)] == [
        "the file is larger than 2097152 bytes"
    ]


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    assert [p.message for p in validate_questionnaire_file(path)] == ["not UTF-8 text (byte 10)"]


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert [p.message for p in validate_questionnaire_file(path)] == [
        "invalid YAML at line 1, column 43: nested more than 40 levels deep"
    ]


def test_a_key_that_is_not_text_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text("id: x\npiping:\n  by_relationship: {yes: your partner}\n", encoding="utf-8")
    assert [p.message for p in validate_questionnaire_file(path)] == [
        "piping.by_relationship: key True must be text "
        "(quote yes, no, on, off and numbers used as keys)"
    ]


def test_a_date_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text("id: x\nwhen: 2024-13-45\n", encoding="utf-8")
    [problem] = validate_questionnaire_file(path)
    assert problem.message.startswith("invalid YAML")


def test_more_than_500_items_is_a_problem(tmp_path: Path) -> None:
    def section(number: int) -> str:
        pages = "".join(
            f"      - id: p{number}-{n}\n        items:\n"
            f"          - {{id: s.i{number}_{n}, type: info, text: Hi}}\n"
            for n in range(167)
        )
        return f"  - id: s{number}\n    title: S\n    pages:\n{pages}"

    path = tmp_path / "v1.yaml"
    sections = "".join(section(number) for number in range(3))
    path.write_text(
        f"id: big\nversion: 1\ntitle: Big\nlanguages: [en]\nsections:\n{sections}",
        encoding="utf-8",
    )
    assert [p.message for p in validate_questionnaire_file(path)] == [
        "the file has 501 items; the limit is 500"
    ]


def test_a_long_value_is_cut_short_in_a_schema_problem(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text(
        "id: x\nversion: 1\ntitle: T\nlanguages: [en]\nsections: " + "word " * 200,
        encoding="utf-8",
    )
    [problem] = validate_questionnaire_file(path)
    assert problem.message.startswith("sections: 'word word")
    assert problem.message.endswith("... is not of type 'array'")
    assert len(problem.message) < 100


def test_many_schema_errors_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text("\n".join(f"extra_{n}: 1" for n in range(60)), encoding="utf-8")
    problems = validate_questionnaire_file(path)
    assert len(problems) <= 51


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=400))
def test_validation_never_raises_on_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    path = tmp_path_factory.mktemp("random") / "v1.yaml"
    path.write_bytes(content)
    assert all(isinstance(problem, Problem) for problem in validate_questionnaire_file(path))


YAML_PIECES = [
    "id:",
    " x",
    "\n",
    "  ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ":",
    "&a",
    "*a",
    "!!binary",
    "!!python/object",
    "version: 1",
    "sections:",
    "items:",
    "'",
    '"',
    "? ",
    "<<: ",
    "%YAML",
    "---",
    "yes",
    "2024-01-99",
    "1e999",
    ".nan",
    "~",
    "|",
    ">",
    "#",
]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(YAML_PIECES), max_size=40))
def test_validation_never_raises_on_yaml_like_noise(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str]
) -> None:
    path = tmp_path_factory.mktemp("noise") / "v1.yaml"
    path.write_text("".join(pieces), encoding="utf-8")
    assert all(isinstance(problem, Problem) for problem in validate_questionnaire_file(path))


def test_validation_never_raises_on_mangled_real_fixtures(tmp_path: Path) -> None:
    # Cut, duplicate and shuffle lines of the good fixtures: near-misses are the likely mistakes.
    chooser = random.Random(20240301)
    lines = [line for path in GOOD for line in path.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "v1.yaml"
    for _ in range(300):
        start = chooser.randrange(len(lines))
        sample = lines[start : start + chooser.randrange(1, 60)]
        if chooser.random() < 0.5:
            chooser.shuffle(sample)
        path.write_text("\n".join(sample), encoding="utf-8")
        assert all(isinstance(problem, Problem) for problem in validate_questionnaire_file(path))
