"""Reading a questionnaire YAML file defensively: size cap, safe loader, no duplicate keys."""

from __future__ import annotations

import os
from collections.abc import Hashable
from typing import Any, NoReturn

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from .errors import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
# The format is a handful of levels deep; nested conditions add a few more.
MAX_DEPTH = 40


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, anchors/aliases and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def _refuse(self, message: str) -> NoReturn:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        raise ComposerError(None, None, message, event.start_mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # Aliases let a few bytes expand into an exponentially large document
        # ("billion laughs"); scales already cover the reuse a questionnaire needs.
        if self.check_event(yaml.AliasEvent):
            self._refuse("anchors and aliases (& and *) are not allowed")
        # Stopping here is quick; letting a deep document hit Python's recursion limit
        # in the composer (or later in jsonschema) is slow or fatal.
        if self.depth >= MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                # A second definition silently winning would hide an editing mistake.
                raise ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(file: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    if mark is not None:
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        return Problem(file, None, f"invalid YAML at {where}: {reason}")
    return Problem(file, None, f"invalid YAML: {reason}")


def _key_problems(file: str, data: object) -> list[Problem]:
    """Mapping keys that are not text (an unquoted yes, or a number)."""
    problems: list[Problem] = []
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, inner in value.items():
                if not isinstance(key, str):
                    problems.append(
                        Problem(
                            file,
                            None,
                            f"{where or 'top level'}: key {key!r} must be text "
                            "(quote yes, no, on, off and numbers used as keys)",
                        )
                    )
                    continue
                stack.append((inner, f"{where}.{key}" if where else key))
        elif isinstance(value, list):
            stack.extend((inner, f"{where}[{index}]") for index, inner in enumerate(value))
    return sorted(problems, key=lambda problem: problem.message)


def read_questionnaire_yaml(
    path: str | os.PathLike[str],
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read and parse one file; return its top-level mapping or the problems that stop it."""
    file = os.fspath(path)
    try:
        with open(file, "rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [Problem(file, None, f"cannot read the file: {error.strerror or error}")]
    if len(content) > MAX_FILE_BYTES:
        return None, [Problem(file, None, f"the file is larger than {MAX_FILE_BYTES} bytes")]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(file, None, f"not UTF-8 text (byte {error.start})")]
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        return None, [_yaml_problem(file, error)]
    except (ValueError, TypeError, OverflowError) as error:
        # SafeLoader builds dates and numbers itself, e.g. 2024-13-01 fails as a date.
        return None, [Problem(file, None, f"invalid YAML: a value cannot be read ({error})")]
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        return None, [Problem(file, None, f"the top level must be a mapping, not {kind}")]
    problems = _key_problems(file, data)
    return (None, problems) if problems else (data, [])
