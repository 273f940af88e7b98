"""A private, throwaway PostgreSQL server a test may stop and start (CI's own server it may not)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.load_harness import HOST, free_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server as the Debian `postgres` user when we are root.
    if os.getuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def unavailable_reason() -> str | None:
    """Why a private server cannot be started here, or None if it can."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / tool).exists():
            return f"PostgreSQL binaries not found in {PG_BIN} (set PG_BIN)"
    if os.getuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: initdb cannot run"
    return None


class PrivatePostgres:
    """initdb into a temporary folder, serve on a free port on 127.0.0.1, stop and start at will."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "--auth=trust", "--no-sync", "-E", "UTF8"])  # fmt: skip

    def _run(self, command: list[str]) -> None:
        subprocess.run(_as_postgres(command), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off"
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                   "-l", str(self.dir / "log"), "-w", "start"])  # fmt: skip

    def stop(self) -> None:
        # "fast": disconnect every client at once, as a crash or failover would.
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
