"""Names beside ids in report tables: shown to readers, the id kept for analysts."""

from __future__ import annotations

from analysis.report.model import (
    SUPPRESSED,
    Column,
    ReportModel,
    ReportPeriod,
    ReportScope,
    ReportTable,
)
from analysis.report.names import with_names
from analysis.report.tabular import tidy_rows

NAMES = {"overall_oeg": "Care rated good or better", "dignity": "Dignity and respect"}


def report() -> ReportModel:
    indicators = ReportTable(
        "headline_indicators",
        (Column("indicator"), Column("n", "count"), Column("value", "value")),
        (("overall_oeg", 120, 71.5), ("brand_new", SUPPRESSED, SUPPRESSED)),
    )
    domains = ReportTable(
        "domain_scores", (Column("domain"), Column("value", "score")), (("dignity", 7.9),)
    )
    other = ReportTable("themes", (Column("group"),), (("polish-community",),))
    return ReportModel(
        ReportScope("area", "north", "North"),
        ReportPeriod(),
        "voices-core",
        1,
        120,
        {"headline_indicators": indicators, "domain_scores": domains, "themes": other},
        {"overall_oeg": "overall.rating: outstanding, excellent, good"},
    )


def test_a_name_column_follows_each_measure_id_and_an_unnamed_id_names_itself() -> None:
    named = with_names(report(), NAMES)
    table = named.table("headline_indicators")
    assert table.column_ids == ("indicator", "indicator_name", "n", "value")
    assert table.rows == (
        ("overall_oeg", "Care rated good or better", 120, 71.5),
        ("brand_new", "brand_new", SUPPRESSED, SUPPRESSED),
    )
    assert named.table("domain_scores").rows == (("dignity", "Dignity and respect", 7.9),)
    assert named.table("themes") == report().table("themes")
    assert named.labels["overall_oeg"] == "Care rated good or better"


def test_naming_twice_changes_nothing_and_the_cached_model_is_left_alone() -> None:
    original = report()
    once = with_names(original, NAMES)
    assert with_names(once, {"overall_oeg": "another"}).tables == once.tables
    assert original.table("headline_indicators").column_ids == ("indicator", "n", "value")


def test_the_tidy_csv_keys_rows_by_id_whatever_the_language_of_the_name() -> None:
    english = list(tidy_rows(with_names(report(), NAMES)))
    welsh = list(tidy_rows(with_names(report(), {"overall_oeg": "Gofal da neu well"})))
    assert ("headline_indicators", "1", "indicator=overall_oeg", "indicator_name",
            "Care rated good or better") in english  # fmt: skip
    assert [line[2] for line in english] == [line[2] for line in welsh]
