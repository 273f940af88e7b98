"""What the mixed-load run prints and how it is judged against PERFORMANCE.md's targets."""

from __future__ import annotations

import argparse
from typing import Any

# "Bounded" tail for the overload run, from PERFORMANCE.md's targets: overload at 64 clients has
# p99 <= 500 ms (web) and the SMS webhook p99 <= 1 s at 64 clients; and nothing may time out.
OVERLOAD_P99_MS = {"page": 500.0, "save": 500.0, "sms": 1000.0}
WORKER_RSS_LIMIT_MIB = 120.0
# Caches (templates, rendered components, the questionnaire) fill in the first minute or two:
# a trend is only judged over a run long enough for the steady part to dominate.
TREND_MIN_SPAN_S = 300.0


def print_run_summary(summary: dict[str, Any], reference: dict[str, Any] | None) -> None:
    print(
        f"\n{summary['label']} ({summary['mode']} loop, {summary['seconds']:.0f} s): "
        f"{summary['rps']:.1f} req/s, sent {summary['sent']}"
        + (f" of {summary['planned']} planned" if summary["mode"] == "open" else "")
        + f", errors {summary['errors']}, p50 {summary['p50_ms']:.1f} ms,"
        f" p99 {summary['p99_ms']:.1f} ms,"
        f" max {summary['max_ms']:.1f} ms"
    )
    windows = ", ".join(f"{x:.0f}" for x in summary["p99_by_window_ms"])
    print(f"  p99 in each {summary['window_s']:.0f} s window (ms): {windows}")
    if summary.get("server_cpu_ms_per_request") is not None:
        print(
            f"  server CPU: {summary['server_cpu_share']:.2f} of a core, "
            f"{summary['server_cpu_ms_per_request']:.2f} ms per request"
        )
    if reference is not None:
        print(
            f"  reference {reference['label']}: {reference['rps']:.1f} req/s, p50 "
            f"{reference['p50_ms']:.1f} ms, p99 {reference['p99_ms']:.1f} ms,"
            f" errors {reference['errors']}"
            f"  -> ratios: req/s {ratio(summary['rps'], reference['rps'])}, p99 "
            f"{ratio(summary['p99_ms'], reference['p99_ms'])}"
        )
    if summary["label"].startswith("hello"):
        return  # every hello request is the same GET: a split by the mix's kinds says nothing
    for kind, k in summary["kinds"].items():
        late = f"  late p99 {k['late_p99_ms']:.1f} ms" if k["late_p99_ms"] is not None else ""
        print(
            f"  {kind:<5} sent {k['sent']:7d}  ok {k['ok']:7d}  errors {k['errors']:3d}  "
            f"{k['rps']:7.1f} req/s  p50 {k['p50_ms']:7.1f} ms  p99 {k['p99_ms']:7.1f} ms  "
            f"max {k['max_ms']:7.1f} ms{late}"
        )
        for sample in k["error_samples"]:
            print(f"        error: {sample}")


def loadavg_text(loadavg: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in loadavg)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def judge(
    args: argparse.Namespace,
    runs: dict[str, dict[str, Any]],
    memory: dict[str, Any],
    ledger_check: dict[str, Any],
) -> dict[str, tuple[bool, str]]:
    mixed, overload = runs["mixed"], runs["overload"]
    verdicts: dict[str, tuple[bool, str]] = {}
    achieved = mixed["rps"]
    verdicts["mixed: zero errors"] = (
        mixed["errors"] == 0,
        f"{mixed['errors']} errors in {mixed['sent']}",
    )
    verdicts["mixed: rate held"] = (
        mixed["not_sent"] == 0 and achieved >= 0.95 * args.rate,
        f"{achieved:.1f} of {args.rate:g} req/s, {mixed['not_sent']} not sent",
    )
    verdicts["every acknowledged answer stored (exact)"] = (
        bool(ledger_check["exact"]),
        f"web {ledger_check['web_answers']['compared']} keys, SMS texts "
        f"{ledger_check['sms_inbound_rows']['compared']}, SMS answers "
        f"{ledger_check['sms_answers']['compared']}; uncertain {ledger_check['uncertain_keys']}",
    )
    over_ok = overload["errors"] == 0
    details = []
    for kind, k in overload["kinds"].items():
        limit = OVERLOAD_P99_MS[kind]
        over_ok = over_ok and k["p99_ms"] <= limit
        details.append(f"{kind} p99 {k['p99_ms']:.0f}/{limit:.0f} ms max {k['max_ms']:.0f} ms")
    verdicts["overload: no errors, bounded tail"] = (
        over_ok,
        f"{overload['errors']} errors; " + ", ".join(details),
    )
    workers = memory.get("workers", {})
    growing = [pid for pid, w in workers.items() if w["growing"]]
    biggest = max((w["max_mib"] for w in workers.values()), default=float("nan"))
    span = min((w["span_s"] for w in workers.values()), default=0.0)
    if span >= TREND_MIN_SPAN_S:
        verdicts["worker memory: no growth trend"] = (
            bool(workers) and not growing,
            f"{len(workers)} workers, growing: {growing or 'none'}",
        )
    else:
        print(
            f"worker memory trend not judged: {span:.0f} s of samples, under "
            f"{TREND_MIN_SPAN_S:.0f} s (caches are still filling); the fit is shown for information"
        )
    verdicts[f"worker memory <= {WORKER_RSS_LIMIT_MIB:.0f} MiB"] = (
        biggest <= WORKER_RSS_LIMIT_MIB,
        f"largest {biggest:.1f} MiB after {memory.get('requests_at_end', 0)} requests",
    )
    verdicts["web workers do not import pandas"] = (
        not memory.get("pandas_imported_by"),
        f"pandas in {memory.get('pandas_imported_by') or 'no worker'}",
    )
    return verdicts
