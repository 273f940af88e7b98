"""Commissioner reports: one area's PDF, every area's PDF, and the dashboard page warm.

`python -m bench.report_bench [--quick] [--rounds 3] [--jobs 2]`

Three measurements, each beside a reference measured in the same run (median of the rounds),
the PDFs also with the CPU seconds they took (the parent and its workers), which a busy shared
machine changes far less than the wall-clock time:
  - pdf: build_report + render_pdf for one area holding 50,000 responses (of 100,000 in two
    areas); reference: a bare pandas groupby counting every analysed item of the same responses
    by area (what the analysis must at least read). Target ≤ 5 s.
  - all areas: every area's PDF for 42 areas (420,000 responses), built as `flask reports build
    --all-areas` does, forked workers sharing the data read once; reference: the same groupby
    once per area. Target ≤ 120 s.
  - dashboard: GET /reports/national through the test client, signed in as an administrator,
    once cold then warm (cached per data version); reference: GET /healthz on the same app.
    Target ≤ 1 s warm.
The synthetic responses (bench/synthetic_responses.py) carry no free text, so themes are empty
here; the free-text pipeline has its own benchmark (bench/themes_bench.py) and its result is
cached per data version in the app, like the scores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "questionnaires" / "voices-core" / "v1.yaml"
PUBLISHED = ROOT.parent / "shared" / "voices" / "national-reference.csv"
LIMIT_PDF_S = 5.0
LIMIT_ALL_AREAS_S = 120.0
LIMIT_DASHBOARD_S = 1.0
PASSWORD = "lantern-orchard-violet-47"

_shared: dict[str, Any] = {}


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _groupby_reference(frame: Any, questionnaire: Any, areas: list[str] | None = None) -> None:
    items = sorted(questionnaire.analysed_items())
    if areas is None:
        frame.groupby("area", observed=True)[items].count()
        return
    for area in areas:
        frame.loc[frame["area"] == area].groupby("quarter_key", observed=True)[items].count()


def _app() -> Any:
    from app import create_app

    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _one_pdf(frame: Any, questionnaire: Any, area: str, areas_table: Any = None) -> bytes:
    from analysis.report.build import build_report
    from analysis.report.model import ReportScope
    from app.dashboard.documents import render_pdf
    from app.services.reporting import published_figures

    model = build_report(
        frame,
        questionnaire,
        ReportScope("area", area, area),
        published=published_figures(str(PUBLISHED)),
        comments=None,
        areas_table=areas_table,
    )
    return render_pdf(model)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the forked workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_pdf(responses: int, rounds: int) -> dict[str, Any]:
    from analysis.questionnaire_data import load_questionnaire
    from bench.synthetic_responses import synthetic_responses

    questionnaire = load_questionnaire(QUESTIONNAIRE)
    frame = synthetic_responses(responses, areas=2, questionnaire=questionnaire)
    area = "area-000"
    in_area = int((frame["area"] == area).sum())
    app = _app()
    ours: list[float] = []
    reference: list[float] = []
    cpu: list[float] = []
    with app.app_context(), app.test_request_context("/"):
        _one_pdf(frame, questionnaire, area)  # fonts and templates loaded once, as in a server
        for round_number in range(rounds):
            pair = [
                ("reference", lambda: _groupby_reference(frame, questionnaire)),
                ("pdf", lambda: _one_pdf(frame, questionnaire, area)),
            ]
            for name, action in pair if round_number % 2 == 0 else reversed(pair):
                started_cpu = _cpu_seconds()
                (ours if name == "pdf" else reference).append(_timed(action))
                if name == "pdf":
                    cpu.append(_cpu_seconds() - started_cpu)
    return {"responses_in_area": in_area, "ours": ours, "reference": reference, "cpu": cpu}


def _worker_pdf(area: str) -> int:
    frame, questionnaire, areas_table, app = (
        _shared["frame"],
        _shared["questionnaire"],
        _shared["areas_table"],
        _shared["app"],
    )
    with app.app_context(), app.test_request_context("/"):
        return len(_one_pdf(frame, questionnaire, area, areas_table))


def measure_all_areas(responses: int, areas: int, jobs: int) -> dict[str, Any]:
    import pandas as pd

    from analysis.questionnaire_data import load_questionnaire
    from analysis.report.build import area_comparison
    from analysis.scores.encoding import quarter_labels
    from bench.synthetic_responses import synthetic_responses

    questionnaire = load_questionnaire(QUESTIONNAIRE)
    frame = synthetic_responses(responses, areas=areas, questionnaire=questionnaire)
    # The app reads submitted responses only (the export's default): so does the bench.
    frame = frame.loc[frame["status"] == "submitted"].reset_index(drop=True)
    slugs = [str(slug) for slug in frame["area"].cat.categories]
    codes, labels = quarter_labels(frame["submitted_at"])
    reference_frame = frame.assign(quarter_key=pd.Categorical.from_codes(codes, labels))
    reference = _timed(lambda: _groupby_reference(reference_frame, questionnaire, slugs))
    app = _app()
    started, started_cpu = time.perf_counter(), _cpu_seconds()
    # As the CLI does: the data, the areas' comparison and the PDF renderer once, then forked
    # workers.
    from app.dashboard.printed import warm_up_renderer

    warm_up_renderer()
    _shared.update(
        frame=frame,
        questionnaire=questionnaire,
        areas_table=area_comparison(frame, questionnaire),
        app=app,
    )
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        sizes = pool.map(_worker_pdf, slugs)
    ours = time.perf_counter() - started
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "areas": len(slugs),
        "responses": responses,
        "ours": ours,
        "reference": reference,
        "pdf_bytes": sum(sizes),
    }


def _sign_in(client: Any, email: str, secret: str) -> None:
    from app.models.clock import utc_now
    from app.services import totp

    def token(path: str) -> str:
        found = re.search(r'name="csrf_token"\s+value="([^"]+)"', client.get(path).get_data(True))
        assert found, path
        return found.group(1)

    response = client.post(
        "/login", data={"csrf_token": token("/login"), "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    code = totp.code_for_step(secret, totp.time_step(utc_now()))
    response = client.post("/login/code", data={"csrf_token": token("/login/code"), "code": code})
    assert response.status_code == 302, response.status_code


def measure_dashboard(responses: int, rounds: int) -> dict[str, Any]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services import accounts, totp
    from app.services.demo_data import seed_demo
    from app.services.encryption import contact_cipher
    from app.survey.context import default_questionnaire

    with tempfile.TemporaryDirectory(prefix="cv-report-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            session = db.session()
            seed_demo(session, default_questionnaire(), responses=responses, seed=3)
            secret = totp.new_secret()
            grant = accounts.resolve_grant(session, "admin")
            accounts.create_user(
                session,
                "bench.admin@example.nhs.uk",
                PASSWORD,
                [grant],
                contact_cipher(app.config),
                totp_secret=secret,
            )
        client = app.test_client()
        _sign_in(client, "bench.admin@example.nhs.uk", secret)

        def page() -> None:
            response = client.get("/reports/national")
            assert response.status_code == 200, response.status_code

        def hello() -> None:
            assert client.get("/healthz").status_code == 200

        cold = _timed(page)
        warm, reference = [], []
        for _ in range(max(rounds, 3)):
            reference.append(_timed(hello))
            warm.append(_timed(page))
        with app.app_context():
            db.engine.dispose()
    return {"responses": responses, "cold": cold, "ours": warm, "reference": reference}


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small data, one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else args.rounds
    pdf_responses = 20_000 if args.quick else 100_000
    all_responses, areas = (42_000, 42) if args.quick else (420_000, 42)
    dashboard_responses = 2_000 if args.quick else 20_000
    print(f"report bench: load average at start {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")

    pdf = measure_pdf(pdf_responses, rounds)
    pdf_s, pdf_ref = statistics.median(pdf["ours"]), statistics.median(pdf["reference"])
    print(
        f"pdf        reference (groupby) {pdf_ref:.2f} s, ours {pdf_s:.2f} s, ratio "
        f"{pdf_s / pdf_ref:.1f}× (CPU {statistics.median(pdf['cpu']):.2f} s) — one area, "
        f"{pdf['responses_in_area']:,} responses  "
        f"{_verdict(pdf_s <= LIMIT_PDF_S)} (≤ {LIMIT_PDF_S:g} s)"
    )
    every = measure_all_areas(all_responses, areas, args.jobs)
    print(
        f"all areas  reference (groupby per area) {every['reference']:.2f} s, ours "
        f"{every['ours']:.1f} s, ratio {every['ours'] / every['reference']:.1f}× (CPU "
        f"{every['cpu']:.0f} s in all processes) — "
        f"{every['areas']} area PDFs, {every['responses']:,} responses, {args.jobs} workers  "
        f"{_verdict(every['ours'] <= LIMIT_ALL_AREAS_S)} (≤ {LIMIT_ALL_AREAS_S:g} s)"
    )
    board = measure_dashboard(dashboard_responses, rounds)
    warm, hello = statistics.median(board["ours"]), statistics.median(board["reference"])
    print(
        f"dashboard  reference (GET /healthz) {hello * 1000:.1f} ms, "
        f"ours warm {warm * 1000:.0f} ms "
        f"(cold {board['cold']:.1f} s), ratio {warm / hello:.0f}× — {board['responses']:,} "
        f"responses  {_verdict(warm <= LIMIT_DASHBOARD_S)} (≤ {LIMIT_DASHBOARD_S:g} s warm)"
    )
    passed = (
        pdf_s <= LIMIT_PDF_S and every["ours"] <= LIMIT_ALL_AREAS_S and warm <= LIMIT_DASHBOARD_S
    )
    print(f"report bench: {_verdict(passed)}; load average at end {os.getloadavg()[0]:.1f}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
