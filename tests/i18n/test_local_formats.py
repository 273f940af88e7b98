"""Numbers, dates and plural rules through Babel, in each page's locale."""

from __future__ import annotations

from datetime import datetime

import flask_babel
import pytest
from flask import Flask

from app.i18n.answer_messages import local_number

EXPECTED = {
    "en": ("1,234.5", "4 March 2026"),
    "pl": ("1\xa0234,5", "4 marca 2026"),
    "cy": ("1,234.5", "4 Mawrth 2026"),
    "zh_Hans": ("1,234.5", "2026年3月4日"),
    "ur": ("1,234.5", "4 مارچ، 2026"),
}


@pytest.mark.parametrize("code", EXPECTED)
def test_numbers_and_dates_follow_the_page_language(app: Flask, code: str) -> None:
    with app.test_request_context(f"/?lang={code}"):
        app.preprocess_request()
        number, day = EXPECTED[code]
        assert flask_babel.format_decimal(1234.5) == number
        assert flask_babel.format_date(datetime(2026, 3, 4), "long") == day


def test_answer_lengths_are_written_without_grouping_as_people_type_them(app: Flask) -> None:
    with app.test_request_context("/?lang=pl"):
        app.preprocess_request()
        assert local_number(5001) == "5001"
        assert local_number(0.5) == "0,5"
