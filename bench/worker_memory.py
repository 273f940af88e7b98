"""Gunicorn workers' memory during a load run: RSS from /proc, a trend fit, pandas never loaded."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from bench.load_mix import after_warmup, memory_trend


class MemorySampler:
    """Every `interval` s, each gunicorn worker's RSS from /proc, with the requests done so far."""

    def __init__(self, master_pid: int, interval: float) -> None:
        self.master_pid = master_pid
        self.interval = interval
        self.samples: list[dict[str, float]] = []  # t, pid, rss_mib, requests
        self.requests_done = 0
        self.pandas_seen: set[int] = set()
        self._stop = threading.Event()
        self._start = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.interval + 5)

    def _workers(self) -> list[int]:
        path = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self._start
            for pid in self._workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss_kib = next(
                    (
                        int(line.split()[1])
                        for line in status.splitlines()
                        if line.startswith("VmRSS:")
                    ),
                    0,
                )
                self.samples.append(
                    {
                        "t": now,
                        "pid": pid,
                        "rss_mib": rss_kib / 1024,
                        "requests": self.requests_done,
                    }
                )
                if pid not in self.pandas_seen and _imports_pandas(pid):
                    self.pandas_seen.add(pid)
            self._stop.wait(self.interval)

    def report(self) -> dict[str, Any]:
        per_worker: dict[str, Any] = {}
        for pid in sorted({int(s["pid"]) for s in self.samples}):
            points = [(s["t"], s["rss_mib"]) for s in self.samples if int(s["pid"]) == pid]
            whole = memory_trend(points)
            steady = memory_trend(after_warmup(points))
            per_worker[str(pid)] = {
                "samples": len(points),
                "span_s": points[-1][0] - points[0][0],
                "first_mib": points[0][1],
                "last_mib": points[-1][1],
                "max_mib": max(p[1] for p in points),
                "slope_mib_per_min_whole": whole.slope_mib_per_min,
                "slope_mib_per_min_steady": steady.slope_mib_per_min,
                "fitted_growth_mib_steady": steady.fitted_growth_mib,
                "residual_sd_mib_steady": steady.residual_sd_mib,
                "growing": steady.growing,
            }
        return {
            "interval_s": self.interval,
            "workers": per_worker,
            "requests_at_end": self.requests_done,
            "pandas_imported_by": sorted(self.pandas_seen),
            "samples": self.samples,
        }


def _imports_pandas(pid: int) -> bool:
    try:
        return "/pandas/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def print_memory(memory: dict[str, Any]) -> None:
    print(
        f"\nworker memory (RSS every {memory.get('interval_s')} s; trend fitted after 20% warm-up):"
    )
    for pid, w in memory.get("workers", {}).items():
        print(
            f"  pid {pid}: {w['samples']} samples, {w['first_mib']:.1f} -> {w['last_mib']:.1f} MiB "
            f"(max {w['max_mib']:.1f}); slope {w['slope_mib_per_min_steady']:+.3f} MiB/min, fitted "
            f"growth {w['fitted_growth_mib_steady']:+.2f} MiB vs noise sd "
            f"{w['residual_sd_mib_steady']:.2f} MiB -> {'GROWING' if w['growing'] else 'flat'}"
        )
