"""`python -m analysis themes summarise | train | evaluate`: the themes command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis.themes.comments import FREE_TEXT_ITEMS, InvalidExport, read_comments
from analysis.themes.frame import InvalidCodingFrame, load_frame
from analysis.themes.labelled import (
    InvalidLabelledFile,
    LabelledComments,
    held_out_split,
    read_labelled,
)
from analysis.themes.model_file import InvalidModelFile, load_model, save_model
from analysis.themes.nltk_setup import MissingNltkData

REPO_ROOT = Path(__file__).resolve().parents[2]
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            text = table[column]
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_STARTS))
            table.loc[risky, column] = "'" + text[risky].astype(str)
    return table


def write_csv(table: pd.DataFrame, destination: Path | None) -> None:
    safe = _neutralise_formulas(table)
    if destination is None:
        safe.to_csv(sys.stdout, index=False)
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        safe.to_csv(destination, index=False)


def _summarise(args: argparse.Namespace) -> int:
    from analysis.themes.key_phrases import phrases_by_group
    from analysis.themes.pipeline import analyse_comments
    from analysis.themes.quotes import quotes_by_group
    from analysis.themes.summary import summarise_by_group

    frame = load_frame(args.frame)
    model = load_model(args.model) if args.model else None
    comments = read_comments(args.responses, args.items)
    breakdowns = args.by or ["community_group"]
    analysed = analyse_comments(comments, frame, model)
    write_csv(summarise_by_group(analysed, breakdowns), args.out)
    if args.quotes:
        write_csv(quotes_by_group(analysed, breakdowns), args.quotes)
    if args.phrases:
        write_csv(phrases_by_group(analysed, breakdowns), args.phrases)
    waiting = analysed.comments[analysed.comments["awaiting_translation"]]
    if args.awaiting:
        from analysis.themes.redaction import redact

        columns = ["response_id", "item", "detected_language", "language_confidence", "text"]
        listing = waiting[columns].rename(columns={"detected_language": "language"})
        write_csv(listing.assign(text=listing["text"].map(redact)), args.awaiting)
    counts = waiting["detected_language"].value_counts()
    listed = ", ".join(f"{lang} {n}" for lang, n in counts.items()) or "none"
    print(
        f"themes: {len(analysed.comments)} comments; awaiting translation (no patterns yet): "
        f"{len(waiting)} ({listed})",
        file=sys.stderr,
    )
    return 0


def _warn_if_inside_repository(path: Path) -> None:
    try:
        path.resolve().relative_to(REPO_ROOT)
    except ValueError:
        return
    print(
        f"warning: {path} is inside the repository; a model trained on shared data must never be "
        "committed (keep it outside the repo or in a git-ignored directory)",
        file=sys.stderr,
    )


def _train(args: argparse.Namespace) -> int:
    from analysis.themes.model import train_model

    model = train_model(read_labelled(args.labelled), load_frame(args.frame))
    _warn_if_inside_repository(args.out)
    save_model(model, args.out)
    learnt = ", ".join(model.theme_labels)
    print(f"trained {len(model.theme_labels)} themes ({learnt}) and sentiment -> {args.out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from analysis.themes.evaluation import evaluate_model, evaluate_patterns
    from analysis.themes.model import train_model

    frame = load_frame(args.frame)
    train: LabelledComments | None = None
    if args.split:
        train, test = held_out_split(read_labelled(args.split))
    elif args.test and (args.train or args.model):
        train = read_labelled(args.train) if args.train else None
        test = read_labelled(args.test)
    else:
        print("evaluate needs --test with --train or --model, or --split", file=sys.stderr)
        return 2
    if args.baseline:
        baseline = evaluate_patterns(frame, test).report("patterns only (untrained)")
        print(
            baseline.replace("themes_macro_f1", "patterns_themes_macro_f1").replace(
                "sentiment_macro_f1", "patterns_sentiment_macro_f1"
            )
        )
    model = load_model(args.model) if args.model or train is None else train_model(train, frame)
    print(evaluate_model(model, test).report("trained model"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis themes", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    summarise = commands.add_parser("summarise", help="themes by group from a responses export")
    summarise.add_argument("responses", type=Path, help="responses export (CSV)")
    summarise.add_argument(
        "--by",
        action="append",
        metavar="COLUMN",
        help="breakdown column, repeatable (default community_group)",
    )
    summarise.add_argument("--out", type=Path, help="themes table CSV (default: standard output)")
    summarise.add_argument("--quotes", type=Path, help="redacted representative quotes CSV")
    summarise.add_argument("--phrases", type=Path, help="key phrases (collocations) CSV")
    summarise.add_argument(
        "--awaiting", type=Path, help="redacted comments in languages without patterns CSV"
    )
    summarise.add_argument("--model", type=Path, help="trained model from `themes train`")
    summarise.add_argument(
        "--items", nargs="+", default=list(FREE_TEXT_ITEMS), help="free-text item columns"
    )
    train = commands.add_parser("train", help="train theme and sentiment models")
    train.add_argument("labelled", type=Path, help="CSV with text, cat:<theme> and sentiment_3")
    train.add_argument("--out", type=Path, required=True, help="model file to write")
    evaluate = commands.add_parser("evaluate", help="precision, recall and F1 on labelled data")
    evaluate.add_argument("--train", type=Path, help="labelled CSV to train on")
    evaluate.add_argument("--model", type=Path, help="a saved model instead of --train")
    evaluate.add_argument("--test", type=Path, help="labelled CSV to judge on")
    evaluate.add_argument(
        "--split", type=Path, help="train on a fixed stratified 80%% of this file, test on the 20%%"
    )
    evaluate.add_argument(
        "--baseline", action="store_true", help="also report the untrained patterns + VADER figures"
    )
    for sub in (summarise, train, evaluate):
        sub.add_argument("--frame", type=Path, help="coding frame YAML (default: packaged)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"summarise": _summarise, "train": _train, "evaluate": _evaluate}
    try:
        return handlers[args.command](args)
    except (
        MissingNltkData,
        InvalidCodingFrame,
        InvalidExport,
        InvalidLabelledFile,
        InvalidModelFile,
        FileNotFoundError,
        KeyError,
    ) as error:
        print(f"themes: {error}", file=sys.stderr)
        return 1
