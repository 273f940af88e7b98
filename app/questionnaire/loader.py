"""Loading checked questionnaires from disk, and a cached library of every published version."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from .errors import Problem, QuestionnaireInvalid, UnknownQuestionnaire
from .schema import Questionnaire
from .validation import check_questionnaire_file

_VERSION_FILE = re.compile(r"v([1-9][0-9]*)\.yaml")


def load_questionnaire(path: str | os.PathLike[str]) -> Questionnaire:
    """Load one ``vN.yaml`` file; raise QuestionnaireInvalid listing every problem found."""
    questionnaire, problems = check_questionnaire_file(path)
    if questionnaire is None:
        raise QuestionnaireInvalid(problems)
    return questionnaire


def _versions_in(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    versions = {}
    for path in folder.iterdir():
        match = _VERSION_FILE.fullmatch(path.name)
        if match is not None and path.is_file():
            versions[int(match[1])] = path
    return dict(sorted(versions.items()))


def _index_of(root: Path) -> dict[str, dict[int, Path]]:
    if not root.is_dir():
        return {}
    folders = sorted(folder for folder in root.iterdir() if folder.is_dir())
    return {folder.name: files for folder in folders if (files := _versions_in(folder))}


def questionnaire_paths(root: str | os.PathLike[str]) -> list[Path]:
    """Every ``<root>/<id>/vN.yaml``, ordered by id then version number (v2 before v10)."""
    return [path for files in _index_of(Path(root)).values() for path in files.values()]


class QuestionnaireLibrary:
    """Every questionnaire under ``root``; the folder is listed once, each file loaded once."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._index: dict[str, dict[int, Path]] | None = None
        self._loaded: dict[tuple[str, int], Questionnaire] = {}
        # Web workers serve requests on several threads; load each file only once.
        self._lock = threading.Lock()

    def _files(self) -> dict[str, dict[int, Path]]:
        with self._lock:
            if self._index is None:
                # Ids come from URLs and stored responses; looking them up in a listing
                # made once means no request can make us touch an arbitrary path.
                self._index = _index_of(self.root)
            return self._index

    def ids(self) -> tuple[str, ...]:
        """The id of every questionnaire folder, in order."""
        return tuple(self._files())

    def versions(self, questionnaire_id: str) -> tuple[int, ...]:
        """Published version numbers, oldest first (empty when there are none)."""
        return tuple(self._files().get(questionnaire_id, {}))

    def get(self, questionnaire_id: str, version: int | None = None) -> Questionnaire:
        """The given version, or the latest one when ``version`` is None."""
        files = self._files().get(questionnaire_id, {})
        if version is None and files:
            version = max(files)
        if version is None or version not in files:
            raise UnknownQuestionnaire(questionnaire_id, version)
        key = (questionnaire_id, version)
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = _load_from_folder(questionnaire_id, files[version])
            return self._loaded[key]

    def all(self) -> tuple[Questionnaire, ...]:
        """Every version of every questionnaire, ordered by id then version."""
        return tuple(
            self.get(questionnaire_id, version)
            for questionnaire_id, files in self._files().items()
            for version in files
        )


def _load_from_folder(questionnaire_id: str, path: Path) -> Questionnaire:
    questionnaire = load_questionnaire(path)
    if questionnaire.id != questionnaire_id:
        message = f"id '{questionnaire.id}' does not match its folder '{questionnaire_id}'"
        raise QuestionnaireInvalid([Problem(str(path), None, message)])
    return questionnaire
