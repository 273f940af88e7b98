"""`python -m analysis scores|inequalities`: the scores table of an export file, as CSV or JSON."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import pandas as pd

from analysis.questionnaire_data import (
    QuestionnaireData,
    QuestionnaireFileError,
    load_questionnaire,
    merge_versions,
)
from analysis.response_data import ResponseDataError, read_header, read_responses_csv
from analysis.scores.breakdowns import AREA, source_column
from analysis.scores.compute import NO_CASEMIX, compute_scores
from analysis.scores.inequalities import inequalities
from analysis.scores.table import round_for_publication

# Exit codes: 2 for anything wrong with what was asked or given (as argparse does), 1 when the
# result could not be written.
BAD_INPUT = 2
WRITE_FAILED = 1
METHOD_NOTE = "docs/methodology.md"


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error, so scripts and people see the reason and nothing else."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


def _parser(prog: str, description: str, *, area_required: bool) -> _Parser:
    parser = _Parser(prog=prog, description=description, epilog=f"Method: {METHOD_NOTE}")
    parser.add_argument("responses", type=Path, help="response export (CSV, UTF-8)")
    parser.add_argument(
        "--questionnaire",
        required=True,
        type=Path,
        action="append",
        help="questionnaire YAML; repeat it for each version in the export (an area's published "
        "versions: flask questionnaires published)",
    )
    parser.add_argument(
        "--area", required=area_required, help="groups from this area only (its slug)"
    )
    parser.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="COLUMN",
        help="breakdown: area, community_group, language, channel, quarter or an item id "
        "(repeatable)",
    )
    parser.add_argument("--weight", metavar="COL", help="column of survey weights")
    parser.add_argument(
        "--casemix",
        action="append",
        default=None,
        metavar="COL",
        help="case-mix variable for standardisation (repeatable; default from the "
        f"questionnaire; '{NO_CASEMIX}' for none)",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        metavar="FILE",
        help="export to use as the national reference (default: every response in RESPONSES)",
    )
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser(
        "python -m analysis scores",
        "Indicators and experience scores, crude and standardised, by breakdown, with "
        "disclosure control.",
        area_required=False,
    )
    return _run(parser, argv, inequality_view=False)


def inequalities_main(argv: Sequence[str] | None = None) -> int:
    parser = _parser(
        "python -m analysis inequalities",
        "Within one area: each group's standardised value and its gap to the area and national.",
        area_required=True,
    )
    return _run(parser, argv, inequality_view=True)


def _run(parser: _Parser, argv: Sequence[str] | None, *, inequality_view: bool) -> int:
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as stop:
        # --help, or a usage error already reported on one line: hand back the exit code.
        return stop.code if isinstance(stop.code, int) else BAD_INPUT
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = _compute(args, inequality_view=inequality_view)
        except (QuestionnaireFileError, ResponseDataError) as problem:
            # One line whatever the cause: a pandas or YAML reason can span several.
            print(f"error: {' '.join(str(problem).split())}", file=sys.stderr)
            return BAD_INPUT
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    try:
        _write(round_for_publication(table), args.out, args.format)
    except BrokenPipeError:
        # The reader (head, less) stopped early: not a failure. Point stdout at /dev/null so
        # the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as problem:
        print(f"error: cannot write {args.out}: {problem.strerror or problem}", file=sys.stderr)
        return WRITE_FAILED
    return 0


def _compute(args: argparse.Namespace, *, inequality_view: bool) -> pd.DataFrame:
    questionnaire = merge_versions([load_questionnaire(path) for path in args.questionnaire])
    responses = _read(args.responses, questionnaire, args, groups=True)
    reference = _read(args.reference, questionnaire, args, groups=False) if args.reference else None
    if inequality_view:
        if not args.by:
            raise ResponseDataError("inequalities needs at least one --by breakdown")
        return inequalities(
            responses,
            questionnaire,
            area=args.area,
            by=args.by,
            weight=args.weight,
            casemix=args.casemix,
            reference=reference,
        )
    return compute_scores(
        responses,
        questionnaire,
        by=args.by,
        area=args.area,
        weight=args.weight,
        casemix=args.casemix,
        reference=reference,
    )


def _read(
    path: Path, questionnaire: QuestionnaireData, args: argparse.Namespace, *, groups: bool
) -> pd.DataFrame:
    """Read the columns needed; the reference file needs no breakdown columns."""
    casemix = [] if args.casemix in (None, [NO_CASEMIX]) else list(args.casemix)
    wanted = casemix
    if groups:
        header = read_header(path)
        for name in args.by:
            # Checked before reading so the message names the option and a large file is not read.
            if source_column(name) not in header:
                raise ResponseDataError(
                    f"unknown --by column {name!r}: {path.name} has no such column"
                )
        wanted = wanted + [source_column(name) for name in args.by] + ([AREA] if args.area else [])
    return read_responses_csv(
        path, questionnaire, columns=wanted, numeric=[args.weight] if args.weight else []
    )


def _write(table: pd.DataFrame, out: Path | None, file_format: str) -> None:
    if out is None:
        _write_to(table, sys.stdout, file_format)
        return
    with out.open("w", encoding="utf-8", newline="") as handle:
        _write_to(table, handle, file_format)


def _write_to(table: pd.DataFrame, handle: TextIO, file_format: str) -> None:
    if file_format == "json":
        handle.write(table.to_json(orient="records", double_precision=6))
        handle.write("\n")
    else:
        table.to_csv(handle, index=False, lineterminator="\n")
