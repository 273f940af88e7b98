"""Loading questionnaires: one file, or a library of every published version, loaded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.questionnaire import (
    QuestionnaireInvalid,
    QuestionnaireLibrary,
    UnknownQuestionnaire,
    load_questionnaire,
    questionnaire_paths,
)

FIXTURES = Path(__file__).parent / "fixtures"
PIPING = FIXTURES / "piping" / "v1.yaml"


def publish(root: Path, questionnaire_id: str, version: int, source: Path = PIPING) -> Path:
    """Copy a fixture into ``root`` as ``<id>/v<version>.yaml`` with its id and version set."""
    text = source.read_text(encoding="utf-8")
    text = text.replace("id: piping\n", f"id: {questionnaire_id}\n", 1)
    text = text.replace("version: 1\n", f"version: {version}\n", 1)
    path = root / questionnaire_id / f"v{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_loading_a_broken_file_raises_with_every_problem() -> None:
    path = FIXTURES / "broken" / "duplicate-item-id" / "v1.yaml"
    with pytest.raises(QuestionnaireInvalid) as invalid:
        load_questionnaire(path)
    assert [str(problem) for problem in invalid.value.problems] == [
        f"{path}: s.a: item id is used more than once"
    ]
    assert str(invalid.value) == f"{path}: s.a: item id is used more than once"


def test_questionnaire_paths_lists_files_by_id_then_version_number(tmp_path: Path) -> None:
    for version in (10, 2, 1):
        publish(tmp_path, "bereavement", version)
    publish(tmp_path, "audit", 1)
    (tmp_path / "audit" / "notes.yaml").write_text("not a version", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a folder", encoding="utf-8")
    assert [path.relative_to(tmp_path).as_posix() for path in questionnaire_paths(tmp_path)] == [
        "audit/v1.yaml",
        "bereavement/v1.yaml",
        "bereavement/v2.yaml",
        "bereavement/v10.yaml",
    ]
    assert questionnaire_paths(tmp_path / "missing") == []


def test_the_library_gives_the_latest_version_unless_asked_for_one(tmp_path: Path) -> None:
    for version in (1, 2, 10):
        publish(tmp_path, "bereavement", version)
    library = QuestionnaireLibrary(tmp_path)
    assert library.versions("bereavement") == (1, 2, 10)
    assert library.get("bereavement").version == 10
    assert library.get("bereavement", 2).version == 2
    assert library.ids() == ("bereavement",)
    assert [(q.id, q.version) for q in library.all()] == [
        ("bereavement", 1),
        ("bereavement", 2),
        ("bereavement", 10),
    ]


def test_the_library_loads_each_file_once(tmp_path: Path) -> None:
    path = publish(tmp_path, "bereavement", 1)
    library = QuestionnaireLibrary(tmp_path)
    first = library.get("bereavement")
    path.unlink()  # a second read would fail: the cached questionnaire must be served
    assert library.get("bereavement", 1) is first


@pytest.mark.parametrize(
    ("questionnaire_id", "version"),
    [("nothing", None), ("bereavement", 3), ("../bereavement", None), ("", None)],
)
def test_asking_for_what_is_not_published_raises_unknown_questionnaire(
    tmp_path: Path, questionnaire_id: str, version: int | None
) -> None:
    publish(tmp_path, "bereavement", 1)
    library = QuestionnaireLibrary(tmp_path)
    with pytest.raises(UnknownQuestionnaire):
        library.get(questionnaire_id, version)
    assert library.versions(questionnaire_id) == () or questionnaire_id == "bereavement"


def test_a_file_whose_id_does_not_match_its_folder_is_refused(tmp_path: Path) -> None:
    path = publish(tmp_path, "bereavement", 1)
    shutil.move(path.parent, tmp_path / "other")
    with pytest.raises(
        QuestionnaireInvalid, match="id 'bereavement' does not match its folder 'other'"
    ):
        QuestionnaireLibrary(tmp_path).get("other")


def test_a_library_over_the_real_questionnaires_folder_loads_them_all() -> None:
    root = Path(__file__).resolve().parents[2] / "questionnaires"
    if not questionnaire_paths(root):
        pytest.skip("no questionnaires published yet")
    library = QuestionnaireLibrary(root)
    assert {q.id for q in library.all()} == set(library.ids())
