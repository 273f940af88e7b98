r"""Deterministic cost of one question page: instructions (callgrind) or a profile, in one process.

CPU time on a shared machine swings with other work; instructions executed do not. This walks
one carer to the measured page with Flask's test client (the same journey as
bench/web_survey.py), warms up, then measures N page views (or saves) only; ``--hello``
measures the bare hello app the same way (the test client's own cost is in both):

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \
        .venv/bin/python -m bench.page_instructions --callgrind      # "Collected" ÷ N
    .venv/bin/python -m bench.page_instructions --profile            # cProfile, top functions
    ... --language pl                 # a translated page (the carer's response switched first)

Under callgrind the script switches instrumentation on around the N requests itself
(callgrind_control), so start-up and warm-up are not counted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.web_survey import ANSWER_ITEM, ANSWER_VALUES, PAGE_ID, prepare_database

_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def _walk(client: object) -> str:
    """Open link, start, consent, no name, first answer; returns the form's CSRF token."""
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)

    def token(path: str) -> str:
        found = _CSRF.search(client.get(path).get_data(as_text=True))
        if found is None:
            raise RuntimeError(f"no CSRF token on {path}")
        return found.group(1)

    steps = [
        ("/a/bench-area/start", {"group": ""}, "/survey/consent"),
        ("/survey/consent", {"consent": "yes"}, "/survey/person"),
        ("/survey/person", {"person_name": ""}, "/survey/q/about-relationship"),
        (
            "/survey/q/about-relationship",
            {"page_id": "about-relationship", "about.relationship": "child"},
            f"/survey/q/{PAGE_ID}",
        ),
    ]
    for path, form, where in steps:
        # Starting a response clears the session (and its CSRF token): read each page's form.
        csrf = token(path.removesuffix("/start") if path.endswith("/start") else path)
        reply = client.post(path, data={"csrf_token": csrf, **form})
        if reply.status_code != 302 or not reply.location.endswith(where):
            raise RuntimeError(f"journey: POST {path} gave {reply.status_code} {reply.location}")
    return token(f"/survey/q/{PAGE_ID}")


def _callgrind(switch_on: bool) -> None:
    state = "on" if switch_on else "off"
    subprocess.run(
        ["callgrind_control", f"--instr={state}", str(os.getpid())],
        check=True,
        capture_output=True,
        timeout=120,
    )


def measure_requests(
    one: Callable[[], None],
    requests: int,
    *,
    callgrind: bool,
    stats_file: str | None = None,
    top: tuple[int, int] = (60, 40),
) -> None:
    """Run ``one`` ``requests`` times under callgrind's switch or cProfile (after any warm-up).

    Shared by the page and the SMS webhook scripts, so both count exactly the same way.
    """
    if callgrind:
        _callgrind(True)
        for _ in range(requests):
            one()
        _callgrind(False)
        print(f"measured {requests} requests: divide callgrind's 'Collected' by that")
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        one()
    profiler.disable()
    if stats_file:
        profiler.dump_stats(stats_file)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top[0])
    stats.sort_stats("tottime").print_stats(top[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_instructions", description=__doc__)
    parser.add_argument("--requests", type=int, default=50, help="requests measured (50)")
    parser.add_argument("--warmup", type=int, default=100, help="requests before measuring")
    parser.add_argument("--post", action="store_true", help="measure the answer save instead")
    parser.add_argument("--path", default=None, help="GET this path instead (e.g. /healthz)")
    parser.add_argument(
        "--hello", action="store_true", help="the bare hello app instead (the same reference)"
    )
    parser.add_argument(
        "--language",
        default=None,
        help="switch the carer's response to this language first (e.g. pl: a translated page)",
    )
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--callgrind", action="store_true", help="toggle callgrind around the run")
    how.add_argument("--profile", action="store_true", help="cProfile the run, print the top")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="page-instructions-") as tmp:
        env, _journal = prepare_database(Path(tmp))
        os.environ.update(env)
        from app import create_app

        if args.hello:
            from bench.hello_app import app as hello

            client = hello.test_client()
            csrf, page = "", "/"
        else:
            client = create_app().test_client()
            csrf, page = _walk(client), f"/survey/q/{PAGE_ID}"
            if args.language:
                # ?lang= once: saved on the response, so every measured page is in it.
                switched = client.get(f"{page}?lang={args.language}")
                if switched.status_code != 200:
                    raise RuntimeError(f"?lang={args.language} gave {switched.status_code}")
        count = [0]

        def one() -> None:
            if args.post:
                value = ANSWER_VALUES[count[0] % 2]
                form = {"csrf_token": csrf, "page_id": PAGE_ID, ANSWER_ITEM: value}
                reply = client.post(page, data=form)
                expected = 302
            else:
                reply = client.get(page if args.hello else args.path or page)
                expected = 200
            count[0] += 1
            if reply.status_code != expected:
                raise RuntimeError(f"request {count[0]} gave {reply.status_code}")

        for _ in range(args.warmup):
            one()
        measure_requests(one, args.requests, callgrind=args.callgrind)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    sys.exit(main())
