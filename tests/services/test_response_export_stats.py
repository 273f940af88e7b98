"""SPSS and Stata files: the same values and labels as the CSV, value labels and missing codes."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.questionnaire import Questionnaire, load_questionnaire
from app.services.errors import AreaNotFound
from app.services.response_codebook import (
    NOT_ASKED,
    NOT_RECORDED,
    SKIPPED,
    ExportCodeUnknown,
    build_codebook,
    variable_name,
)
from app.services.response_dictionary import write_dictionary_csv, write_dictionary_file
from app.services.response_export import restore_cell, write_responses_csv
from app.services.response_export_stats import export_responses_stats
from tests.services.conftest import AddResponse

HYPERLINK = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def two_carers(add_response: AddResponse) -> None:
    add_response(
        {
            "about.relationship": "child",
            "about.place_of_death": "home",
            "hospital.any_time": "no",  # routes past every hospital question
            "overall.rating": "good",
            "about.age_band": None,  # seen and skipped
            "overall.improve": None,
            "overall.good": HYPERLINK,
        },
        group="polish-community",
        language="pl",
        submitted_at=datetime(2025, 1, 2, 3, 4, 5),
    )
    add_response(
        {
            "about.relationship": "friend_neighbour",
            "about.place_of_death": "dk",
            "hospital.any_time": "yes",
            "hospital.rating": "poor",
            "overall.good": "Kind nurses,\nthank you",
        },
        channel="paper",
    )


def csv_rows(session: Session, questionnaire: Questionnaire) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_responses_csv(session, questionnaire, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def read_back(path: Path, file_format: str) -> tuple[pd.DataFrame, object]:
    reader = pyreadstat.read_sav if file_format == "sav" else pyreadstat.read_dta
    return reader(path, user_missing=True)  # type: ignore[no-any-return]


@pytest.mark.parametrize("file_format", ["sav", "dta"])
def test_the_file_holds_the_same_answers_and_labels_as_the_csv(
    session: Session,
    questionnaire: Questionnaire,
    two_carers: None,
    tmp_path: Path,
    file_format: str,
) -> None:
    destination = tmp_path / f"responses.{file_format}"
    result = export_responses_stats(session, questionnaire, destination, file_format)  # type: ignore[arg-type]
    frame, meta = read_back(destination, file_format)
    rows = csv_rows(session, questionnaire)
    codebook = build_codebook(questionnaire)

    assert result.rows_written == len(frame) == len(rows) == 2
    labels = meta.variable_value_labels  # type: ignore[attr-defined]
    for variable in codebook.variables:
        column = frame[variable.name].tolist()
        for row, value in zip(rows, column, strict=True):
            cell = row[variable.csv_column]
            if variable.kind == "choice":
                if cell:
                    # The number's label is the option's label, and the codebook maps it back.
                    if value == "d":  # Stata's don't know
                        assert cell == "dk"
                    else:
                        assert variable.codes[int(value)] == cell
                        assert labels[variable.name][value] == variable.value_labels[int(value)]
                else:
                    assert value in (SKIPPED, NOT_ASKED, NOT_RECORDED, "a", "b", "c")
            elif variable.kind == "text":
                assert value == restore_cell(cell)
            elif variable.kind == "fixed_datetime":
                expected = "" if pd.isna(value) else f"{value:%Y-%m-%dT%H:%M:%SZ}"
                assert expected == cell
            elif variable.kind == "fixed_number":
                assert int(value) == int(cell)
            elif variable.kind == "fixed_text":
                assert value == restore_cell(cell)
    column_labels = dict(zip(meta.column_names, meta.column_labels, strict=True))  # type: ignore[attr-defined]
    assert column_labels["overall_rating"].startswith("Overall")
    assert "the person who died" in column_labels["about_relationship"]


def test_spss_codes_say_why_an_answer_is_missing_and_declare_them_missing(
    session: Session, questionnaire: Questionnaire, two_carers: None, tmp_path: Path
) -> None:
    destination = tmp_path / "responses.sav"
    export_responses_stats(session, questionnaire, destination, "sav")
    frame, meta = pyreadstat.read_sav(destination, user_missing=True)
    first, second = frame.to_dict("records")

    assert first["hospital_rating"] == NOT_ASKED  # routed past: no hospital stay
    assert first["about_age_band"] == SKIPPED
    assert first["about_sex"] == NOT_RECORDED  # on the route, but no answer row at all
    assert first["overall_improve"] == ""  # text keeps no reason
    assert second["hospital_rating"] == 5  # poor: fifth of the rating5 options
    place = build_codebook(questionnaire).variables
    dk = next(v for v in place if v.name == "about_place_of_death").dont_know
    assert second["about_place_of_death"] == dk == 6
    assert meta.variable_value_labels["about_place_of_death"][6] == "Don't know"
    assert meta.variable_value_labels["hospital_rating"][-2] == "Not asked (routed past)"
    ranges = meta.missing_ranges["about_place_of_death"]
    assert {"lo": -3.0, "hi": -1.0} in ranges and {"lo": 6.0, "hi": 6.0} in ranges
    # Read without user-missing, the reasons and don't know are all missing values.
    plain, _ = pyreadstat.read_sav(destination)
    assert plain["hospital_rating"].isna().tolist() == [True, False]
    assert plain["about_place_of_death"].isna().tolist() == [False, True]


def test_stata_uses_extended_missing_values_with_labels(
    session: Session, questionnaire: Questionnaire, two_carers: None, tmp_path: Path
) -> None:
    destination = tmp_path / "responses.dta"
    export_responses_stats(session, questionnaire, destination, "dta")
    frame, meta = pyreadstat.read_dta(destination, user_missing=True)
    first, second = frame.to_dict("records")

    assert (first["hospital_rating"], first["about_age_band"]) == ("b", "a")
    assert second["about_place_of_death"] == "d"
    assert meta.variable_value_labels["about_place_of_death"]["d"] == "Don't know"
    assert meta.variable_value_labels["hospital_rating"]["b"] == "Not asked (routed past)"
    assert meta.variable_value_labels["about_relationship"][2] == "Their son or daughter"


@pytest.mark.parametrize("file_format", ["sav", "dta"])
def test_a_formula_in_free_text_is_kept_as_plain_text(
    session: Session,
    questionnaire: Questionnaire,
    two_carers: None,
    tmp_path: Path,
    file_format: str,
) -> None:
    destination = tmp_path / f"responses.{file_format}"
    export_responses_stats(session, questionnaire, destination, file_format)  # type: ignore[arg-type]
    frame, _ = read_back(destination, file_format)
    # A string variable in SPSS or Stata is never evaluated; the CSV neutralises it instead.
    assert frame["overall_good"].tolist()[0] == HYPERLINK
    assert csv_rows(session, questionnaire)[0]["overall.good"] == "'" + HYPERLINK


def test_only_the_area_asked_for_is_exported_and_an_unknown_area_is_refused(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse, tmp_path: Path
) -> None:
    add_response({"overall.rating": "good"}, area="south-vale")
    add_response({"overall.rating": "poor"})
    destination = tmp_path / "north.sav"
    result = export_responses_stats(
        session, questionnaire, destination, "sav", area_slug="north-riverside"
    )
    frame, _ = pyreadstat.read_sav(destination)
    assert result.rows_written == 1 and frame["area"].tolist() == ["north-riverside"]
    with pytest.raises(AreaNotFound):
        export_responses_stats(session, questionnaire, tmp_path / "x.sav", "sav", area_slug="x")
    assert not (tmp_path / "x.sav").exists()


@pytest.mark.parametrize("file_format", ["sav", "dta"])
def test_an_empty_export_is_a_valid_file_with_every_variable(
    session: Session,
    questionnaire: Questionnaire,
    places: dict[str, int],
    tmp_path: Path,
    file_format: str,
) -> None:
    destination = tmp_path / f"empty.{file_format}"
    result = export_responses_stats(session, questionnaire, destination, file_format)  # type: ignore[arg-type]
    frame, _ = read_back(destination, file_format)
    assert result.rows_written == 0 and len(frame) == 0
    assert list(frame.columns) == build_codebook(questionnaire).names


def test_variable_names_suit_stata_and_stay_unique() -> None:
    taken: set[str] = set()
    assert variable_name("hospital.doctors.dignity", taken) == "hospital_doctors_dignity"
    assert variable_name("hospital_doctors.dignity", taken) == "hospital_doctors_dignity_2"
    long = variable_name("a" * 40, taken)
    assert len(long) == 32
    assert variable_name("9lives", taken) == "v_9lives"


def test_the_web_app_loads_pandas_and_pyreadstat_only_when_a_file_is_asked_for(
    tmp_path: Path,
) -> None:
    # Web workers must stay small (PERFORMANCE.md): the views import the writer lazily.
    probe = (
        "import sys; from app import create_app; create_app('testing'); "
        "print(sorted(m for m in ('pandas', 'pyreadstat', 'openpyxl') if m in sys.modules))"
    )
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}"}
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
    ).stdout.strip()
    assert loaded == "[]"


def test_a_stored_code_the_version_does_not_list_stops_the_export_and_leaves_no_file(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse, tmp_path: Path
) -> None:
    # Only a hand-edited database could hold this; the file must not guess a number for it.
    add_response({"overall.rating": "superb"})
    with pytest.raises(ExportCodeUnknown, match="overall.rating"):
        export_responses_stats(session, questionnaire, tmp_path / "r.sav", "sav")
    assert list(tmp_path.iterdir()) == []


ALL_TYPES = Path(__file__).resolve().parents[1] / "questionnaire" / "fixtures" / "all-types"


def test_every_question_type_gets_its_own_kind_of_variable(
    session: Session, add_response: AddResponse, tmp_path: Path
) -> None:
    questionnaire = load_questionnaire(ALL_TYPES / "v1.yaml")
    add_response(
        {
            "types.single": "na",
            "types.multiple": "gp;carer",
            "types.number": "3",
            "types.hours": "2.5",
            "types.died": "2024-03",
        },
        questionnaire_id="all-types",
    )
    add_response({"types.multiple": None}, questionnaire_id="all-types")
    destination = tmp_path / "all.sav"
    export_responses_stats(session, questionnaire, destination, "sav")
    frame, meta = pyreadstat.read_sav(destination, user_missing=True)
    first, second = frame.to_dict("records")

    assert first["types_single"] == 4  # yes, no, dk, then the item's own "na"
    assert meta.variable_value_labels["types_single"][4] == "Not applicable"
    flags = ["types_multiple_1", "types_multiple_2", "types_multiple_3"]
    assert [first[name] for name in flags] == [1, 0, 1]
    assert [second[name] for name in flags] == [SKIPPED] * 3
    assert meta.column_names_to_labels["types_multiple_3"] == "Tick all that apply [Care worker]"
    assert (first["types_number"], first["types_hours"]) == (3.0, 2.5)
    assert second["types_number"] == NOT_RECORDED
    assert (first["types_died"], second["types_died"]) == ("2024-03", "")


def test_the_dictionary_neutralises_formula_text_in_csv_and_keeps_xlsx_cells_as_text(
    tmp_path: Path,
) -> None:
    source = (ALL_TYPES / "v1.yaml").read_text(encoding="utf-8")
    hostile = source.replace('text: "Tell us briefly"', 'text: "=HYPERLINK(1) Tell us"')
    (tmp_path / "hostile").mkdir()
    (tmp_path / "hostile" / "v1.yaml").write_text(hostile, encoding="utf-8")
    codebook = build_codebook(load_questionnaire(tmp_path / "hostile" / "v1.yaml"))

    out = io.StringIO(newline="")
    write_dictionary_csv(codebook, out)
    rows = {row["variable"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["types_text"]["label"] == "'=HYPERLINK(1) Tell us"
    assert rows["types_number"]["asked_of"] == "everyone"

    workbook_path = tmp_path / "dictionary.xlsx"
    write_dictionary_file(codebook, workbook_path, "xlsx")
    sheet = load_workbook(workbook_path)["Variables"]
    (cell,) = [c for c in sheet["C"] if "HYPERLINK" in str(c.value)]
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(1) Tell us", "s")
