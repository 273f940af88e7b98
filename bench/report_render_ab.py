"""Two versions of the printed report, rendered alternately in one process: CPU seconds each.

On a shared machine the wall clock of a PDF follows other people's load; rendering two versions
of the same report turn about in one process, and timing the CPU, compares them fairly.

    # in a checkout of each version (e.g. `git archive COMMIT | tar -x -C /tmp/old`, then copy
    # this file into its bench/ and link .venv):
    python -m bench.report_render_ab write before.html [--responses 84000] [--areas 42] \
        [--published ../shared/voices/national-reference.csv]
    python -m bench.report_render_ab write after.html  [--responses 84000] [--areas 42]
    # then, anywhere:
    python -m bench.report_render_ab compare before.html after.html [--rounds 5]

`write` builds area-000's report from synthetic responses (no free text) with the version's
own build_report and render_document_html; `compare` prints the median CPU seconds of each
render and the ratio of the second to the first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.report_bench import PUBLISHED, QUESTIONNAIRE


def write_html(out: Path, responses: int, areas: int, published: Path) -> None:
    from analysis.questionnaire_data import load_questionnaire
    from analysis.report.build import area_comparison, build_report
    from analysis.report.model import ReportScope
    from app import create_app
    from app.dashboard.documents import render_document_html
    from app.services.reporting import published_figures
    from bench.synthetic_responses import synthetic_responses

    questionnaire = load_questionnaire(QUESTIONNAIRE)
    frame = synthetic_responses(responses, areas=areas, questionnaire=questionnaire)
    frame = frame.loc[frame["status"] == "submitted"].reset_index(drop=True)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context(), app.test_request_context("/"):
        model = build_report(
            frame,
            questionnaire,
            ReportScope("area", "area-000", "area-000"),
            published=published_figures(str(published)),
            comments=None,
            areas_table=area_comparison(frame, questionnaire),
        )
        out.write_text(render_document_html(model), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


def compare(first: Path, second: Path, rounds: int) -> None:
    from weasyprint import HTML

    from app.dashboard.documents import RefusingFetcher

    sources = [(path.name, path.read_text(encoding="utf-8")) for path in (first, second)]
    HTML(string="<p>fonts loaded before timing</p>").write_pdf()
    seconds: dict[str, list[float]] = {name: [] for name, _html in sources}
    for round_number in range(rounds):
        for name, html in sources if round_number % 2 == 0 else reversed(sources):
            started = time.process_time()
            HTML(string=html, base_url=None, url_fetcher=RefusingFetcher()).write_pdf()
            seconds[name].append(time.process_time() - started)
    medians = [statistics.median(seconds[name]) for name, _html in sources]
    for (name, _html), median in zip(sources, medians, strict=True):
        print(f"{name}: median {median:.2f} CPU s over {rounds} renders")
    print(f"ratio {sources[1][0]} / {sources[0][0]}: {medians[1] / medians[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report_render_ab",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write", help="write this version's PDF source")
    writing.add_argument("out", type=Path)
    writing.add_argument("--responses", type=int, default=84_000)
    writing.add_argument("--areas", type=int, default=42)
    writing.add_argument("--published", type=Path, default=PUBLISHED)
    comparing = commands.add_parser("compare", help="render two PDF sources in turn")
    comparing.add_argument("first", type=Path)
    comparing.add_argument("second", type=Path)
    comparing.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.command == "write":
        write_html(args.out, args.responses, args.areas, args.published)
    else:
        compare(args.first, args.second, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
