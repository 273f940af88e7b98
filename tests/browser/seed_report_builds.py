"""Queued report builds in each state a reader can meet, in the live server's database.

A real queue needs a scope of thousands of responses and a worker; the pages only need the
rows (and a ready build's file in REPORTS_DIR), made here through the same services. Run by a
fixture as ``python -m tests.browser.seed_report_builds <area-slug>`` with the server's
DATABASE_URL and REPORTS_DIR; prints ``state=build id`` lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select

from analysis.report.model import ReportPeriod, ReportScope
from app import create_app
from app.extensions import db
from app.models import Area
from app.services import report_builds, report_files


def seed_builds(area_slug: str) -> dict[str, int]:
    app = create_app()
    folder = Path(app.config["REPORTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        session = db.session()
        area = session.scalars(select(Area).where(Area.slug == area_slug)).one()

        def ask(file_format: str) -> int:
            return report_builds.request_build(
                session,
                scope=ReportScope("area", area.slug, area.name),
                period=ReportPeriod(),
                file_format=file_format,
                language="en",
                data_version="browser-test",
                requested_by_user_id=None,
                area_id=area.id,
            ).id

        def claim(build_id: int) -> None:
            claimed = report_builds.claim_next(session, lease_seconds=600)
            assert claimed is not None and claimed.id == build_id

        builds: dict[str, int] = {}
        # Built, then its file went: the purge finds the row and expires it.
        builds["expired"] = ask("csv")
        claim(builds["expired"])
        report_builds.finish(session, builds["expired"], f"{builds['expired']}-gone.csv")
        report_files.purge_report_files(session, folder, keep_days=365)
        builds["ready"] = ask("xlsx")
        claim(builds["ready"])
        name = f"{builds['ready']}-report-{area.slug}.xlsx"
        (folder / name).write_bytes(b"PK")
        report_builds.finish(session, builds["ready"], name)
        builds["failed"] = ask("html")
        for _ in range(report_builds.MAX_ATTEMPTS):
            claim(builds["failed"])
            report_builds.fail(session, builds["failed"], "OSError")
        builds["waiting"] = ask("pdf")
        return builds


if __name__ == "__main__":
    for state, build_id in seed_builds(sys.argv[1]).items():
        print(f"{state}={build_id}")
