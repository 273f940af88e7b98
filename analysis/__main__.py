"""Command line of the analysis package: `python -m analysis scores|inequalities|themes ...`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import cast

USAGE = (
    "usage: python -m analysis {scores,inequalities,themes} ...\n"
    "  scores        indicators and experience scores by breakdown (disclosure-controlled)\n"
    "  inequalities  one area's groups: standardised values and gaps to the area and national\n"
    "  themes        themes in the free-text comments\n"
    "Run `python -m analysis COMMAND --help` for the options of a command."
)


def _command(name: str) -> Callable[[list[str]], int] | None:
    # Imported lazily: each command pulls in only what it needs (themes loads NLTK).
    if name == "scores":
        from analysis.scores.cli import main as scores_main

        return scores_main
    if name == "inequalities":
        from analysis.scores.cli import inequalities_main

        return inequalities_main
    if name == "themes":
        try:
            themes = importlib.import_module("analysis.themes.cli")
        except ModuleNotFoundError as problem:
            if not (problem.name or "").startswith("analysis.themes"):
                raise
            return _unavailable("themes")
        return cast(Callable[[list[str]], int], themes.main)
    return None


def _unavailable(name: str) -> Callable[[list[str]], int]:
    def report(_arguments: list[str]) -> int:
        print(f"error: the {name} command is not available in this installation", file=sys.stderr)
        return 2

    return report


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        print(USAGE, file=sys.stderr)
        return 2
    if arguments[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    command = _command(arguments[0])
    if command is None:
        print(
            f"error: unknown command {arguments[0]!r} (scores, inequalities or themes)",
            file=sys.stderr,
        )
        return 2
    return command(arguments[1:])


if __name__ == "__main__":
    sys.exit(main())
