r"""Deterministic cost of one signed SMS webhook: instructions (callgrind) or a profile.

CPU time on a shared machine swings with other work; instructions executed do not. This sets up
the same throwaway SQLite database as bench/sms_webhook.py (production settings, one invited
carer), starts the conversation with YES, then posts the benchmark's texts through Flask's test
client, which goes through the app's WSGI stack (the signature gate included): each text is
correctly signed with a fresh MessageSid and alternates an answer ("1") and BACK, so every
request inserts the inbound row, changes an answer and the conversation, and returns TwiML.
``--forged`` signs the same texts with the wrong token instead (403 expected, and the inbound
table is counted before and after: zero rows written). Every request is built and signed before
the run, so the signing is not counted; the test client's own cost is in every figure.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \
        .venv/bin/python -m bench.sms_instructions --callgrind     # "Collected" ÷ N
    .venv/bin/python -m bench.sms_instructions --profile           # cProfile, top functions

Under callgrind the script switches instrumentation on around the N measured requests itself
(callgrind_control), after the warm-up, so start-up and warm-up are not counted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.page_instructions import measure_requests
from bench.sms_webhook import PUBLIC_BASE_URL, inbound_rows, phone, prepare

_PATH = "/sms/inbound"
_FORM = "application/x-www-form-urlencoded"


def signed_text(token: str, body: str, *, forged: bool) -> tuple[bytes, str]:
    """A Twilio inbound webhook body from the benchmark's carer, and its signature."""
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": phone(0),
        "To": "+447400123456",
        "Body": body,
        "NumMedia": "0",
    }
    signing_token = secrets.token_hex(16) if forged else token
    signature = RequestValidator(signing_token).compute_signature(PUBLIC_BASE_URL + _PATH, params)
    return urlencode(params).encode("ascii"), signature


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sms_instructions", description=__doc__)
    parser.add_argument("--requests", type=int, default=50, help="requests measured (50)")
    parser.add_argument("--warmup", type=int, default=100, help="requests before measuring")
    parser.add_argument("--forged", action="store_true", help="texts signed with a wrong token")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--callgrind", action="store_true", help="toggle callgrind around the run")
    how.add_argument("--profile", action="store_true", help="cProfile the run, print the top")
    parser.add_argument("--stats", default=None, help="with --profile: also save pstats here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sms-instructions-") as tmp:
        env = prepare(Path(tmp), 1)
        os.environ.update(env)
        from app import create_app

        token = env["TWILIO_AUTH_TOKEN"]
        client = create_app().test_client()
        body, signature = signed_text(token, "YES", forged=False)
        started = client.post(
            _PATH, data=body, content_type=_FORM, headers={"X-Twilio-Signature": signature}
        )
        if "Overall, how would you rate" not in started.get_data(as_text=True):
            raise RuntimeError(f"conversation did not start: {started.get_data(as_text=True)}")
        total = args.warmup + args.requests
        texts = [
            signed_text(token, "1" if turn % 2 == 0 else "BACK", forged=args.forged)
            for turn in range(total)
        ]
        expected = 403 if args.forged else 200
        count = [0]

        def one() -> None:
            payload, signed = texts[count[0]]
            reply = client.post(
                _PATH, data=payload, content_type=_FORM, headers={"X-Twilio-Signature": signed}
            )
            count[0] += 1
            if reply.status_code != expected:
                raise RuntimeError(f"request {count[0]} gave {reply.status_code}")

        for _ in range(args.warmup):
            one()
        rows_before = inbound_rows(Path(tmp) / "bench.db")
        measure_requests(
            one, args.requests, callgrind=args.callgrind, stats_file=args.stats, top=(70, 50)
        )
        written = inbound_rows(Path(tmp) / "bench.db") - rows_before
        print(f"inbound rows written during the measured requests: {written}")
        if args.forged and written:
            raise RuntimeError(f"forged texts wrote {written} inbound rows")
        if not args.forged and written != args.requests:
            raise RuntimeError(f"{args.requests} signed texts wrote {written} inbound rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
