"""`python -m bench.sms_outbox --cpu N` sends every message and reports three rounds and a ratio."""

from __future__ import annotations

import re

import pytest

from bench import sms_outbox


def test_the_cpu_probe_sends_every_message_and_prints_a_ratio_per_round(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # cpu_round raises if the unpaced worker sent fewer than it was given.
    assert sms_outbox.main(["--cpu", "4", "--no-json"]) == 0
    out = capsys.readouterr().out
    rounds = re.findall(r"bare send [\d.]+ ms  worker [\d.]+ ms  ratio [\d.]+", out)
    assert len(rounds) == 3
    assert re.search(r"median ratio [\d.]+ \(CPU per message, worker / bare send\)", out)
