"""An export holding the core and an area's published version is analysed with both definitions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from analysis.__main__ import main as analysis_main
from app.extensions import db
from app.models import Answer, Area, Response
from app.models.clock import utc_now
from app.models.response import ResponseStatus
from app.questionnaire import QuestionnaireLibrary
from app.services.codesign_publishing import current_questionnaire_for_area
from app.services.responses import start_response
from tests.auth.staff_helpers import make_places
from tests.codesign.test_versions_on_the_web import publish_one_question

RATINGS = ["outstanding", "excellent", "good", "fair", "poor"]


def add_sent_responses(app: Flask, count: int) -> None:
    """``count`` sent responses on whatever the area's current version is."""
    with app.app_context():
        session = db.session()
        area = session.scalars(select(Area).where(Area.slug == "north-riverside")).one()
        library = QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))
        core = library.get(app.config["DEFAULT_QUESTIONNAIRE"])
        current = current_questionnaire_for_area(session, area.id, core)
        for index in range(count):
            response = start_response(session, current, area=area, channel="web")
            response.status = ResponseStatus.SUBMITTED
            response.submitted_at = utc_now()
            session.add(
                Answer(response_id=response.id, item_id="overall.rating", value=RATINGS[index % 5])
            )
            session.commit()


def test_scores_read_the_core_and_the_published_versions_together(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_places(app)
    add_sent_responses(app, 20)
    publish_one_question(app)
    add_sent_responses(app, 20)
    export = tmp_path / "export.csv"
    folder = tmp_path / "published"
    assert runner.invoke(args=["responses", "export", "--out", str(export)]).exit_code == 0
    written = runner.invoke(args=["questionnaires", "published", "--out", str(folder)])
    assert written.exit_code == 0, written.output
    [frozen] = sorted(folder.iterdir())
    assert frozen.name == "voices-core-north-riverside-v1.json"
    core_file = Path(app.config["QUESTIONNAIRES_DIR"]) / "voices-core" / "v1.yaml"
    with app.app_context():
        versions = {r.questionnaire_id for r in db.session.scalars(select(Response))}
    assert versions == {"voices-core", "voices-core-north-riverside"}

    # The core file alone refuses the export: the local version's codes would be unknown to it.
    alone = analysis_main(["scores", str(export), "--questionnaire", str(core_file)])
    assert alone != 0
    capsys.readouterr()
    out = tmp_path / "scores.csv"
    both = analysis_main(
        ["scores", str(export), "--questionnaire", str(core_file), "--questionnaire", str(frozen)]
        + ["--out", str(out)]
    )
    assert both == 0, capsys.readouterr().err
    table = pd.read_csv(out)
    national = table[(table["indicator"] == "overall_oeg") & (table["breakdown"] == "national")]
    assert list(national["n"]) == [40]
