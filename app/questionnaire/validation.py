"""Checking a questionnaire file: safe YAML, then the JSON Schema, then the semantic checks."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .building import build_questionnaire
from .errors import Problem
from .schema import Questionnaire
from .semantic_checks import semantic_problems
from .yaml_file import read_questionnaire_yaml

SCHEMA_PATH = Path(__file__).with_name("questionnaire.schema.json")
# Past this many, the rest are usually echoes of the same mistake.
MAX_SCHEMA_PROBLEMS = 50
_MAX_MESSAGE = 300
_MAX_SHOWN = 60
_FILE_NAME = re.compile(r"v([1-9][0-9]*)\.yaml")

__all__ = [
    "Problem",
    "check_questionnaire_data",
    "check_questionnaire_file",
    "validate_questionnaire_file",
]


@functools.cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _location(path: Sequence[object]) -> str:
    location = ""
    for part in path:
        if isinstance(part, int):
            location += f"[{part}]"
        else:
            location += f".{part}" if location else str(part)
    return location


def _item_id_at(data: object, path: Sequence[object]) -> str | None:
    """The id of the item the error sits in, if it sits in one (sections[i].pages[j].items[k])."""
    node, item_id = data, None
    for index, part in enumerate(path):
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
        if index >= 3 and path[index - 1] == "items" and path[index - 3] == "pages":
            candidate = node.get("id") if isinstance(node, dict) else None
            item_id = candidate if isinstance(candidate, str) else None
    return item_id


def _message(error: ValidationError) -> str:
    message = str(error.message)
    shown = repr(error.instance)
    if len(shown) > _MAX_SHOWN:
        # jsonschema quotes the whole offending value; a page list would drown the point.
        message = message.replace(shown, shown[: _MAX_SHOWN - 3] + "...")
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    if isinstance(error.instance, bool) and error.validator in ("type", "pattern", "$ref"):
        # YAML 1.1 reads an unquoted yes/no/on/off as a boolean.
        message += " (quote yes, no, on and off so they stay text)"
    elif isinstance(error.instance, int | float) and error.validator_value == "string":
        # YAML 1.1 reads an unquoted age-band code such as 18_64 as the number 1864.
        message += " (put it in quotes so it stays text)"
    return message


def _sort_key(error: ValidationError) -> list[tuple[int, int, str]]:
    return [
        (0, part, "") if isinstance(part, int) else (1, 0, str(part))
        for part in error.absolute_path
    ]


def _schema_problems(data: dict[str, Any], file: str) -> list[Problem]:
    errors = sorted(_validator().iter_errors(data), key=_sort_key)
    problems = []
    for error in errors[:MAX_SCHEMA_PROBLEMS]:
        location = _location(list(error.absolute_path))
        message = _message(error)
        item_id = _item_id_at(data, list(error.absolute_path))
        problems.append(Problem(file, item_id, f"{location}: {message}" if location else message))
    if len(errors) > MAX_SCHEMA_PROBLEMS:
        problems.append(Problem(file, None, f"and {len(errors) - MAX_SCHEMA_PROBLEMS} more"))
    return problems


def _file_name_problems(file: str, version: int) -> list[Problem]:
    name = os.path.basename(file)
    match = _FILE_NAME.fullmatch(name)
    if match is None:
        return [Problem(file, None, f"the file must be named v{version}.yaml, after its version")]
    if int(match[1]) != version:
        return [Problem(file, None, f"the file says version {version}; name it v{version}.yaml")]
    return []


def check_questionnaire_file(
    path: str | os.PathLike[str],
) -> tuple[Questionnaire | None, list[Problem]]:
    """Run every check; return the questionnaire only when there are no problems."""
    file = os.fspath(path)
    data, problems = read_questionnaire_yaml(file)
    if data is None:
        return None, problems
    problems = _schema_problems(data, file)
    if problems:
        return None, problems
    questionnaire, problems = build_questionnaire(data, file)
    if questionnaire is None:
        return None, problems
    problems = _file_name_problems(file, questionnaire.version)
    problems += semantic_problems(questionnaire, file)
    return (None, problems) if problems else (questionnaire, [])


def check_questionnaire_data(
    data: dict[str, Any], file: str
) -> tuple[Questionnaire | None, list[Problem]]:
    """The schema, building and semantic checks for data that did not come from a vN.yaml file.

    Composed questionnaires (core + local module) live in the database, so they have no file
    name to check; ``file`` only labels the problems.
    """
    problems = _schema_problems(data, file)
    if problems:
        return None, problems
    questionnaire, problems = build_questionnaire(data, file)
    if questionnaire is None:
        return None, problems
    problems = semantic_problems(questionnaire, file)
    return (None, problems) if problems else (questionnaire, [])


def validate_questionnaire_file(path: str | os.PathLike[str]) -> list[Problem]:
    """List every problem in a questionnaire file (empty when it is fit to publish)."""
    return check_questionnaire_file(path)[1]
