"""Translatable words of the reports: table titles, column headings, comparisons, definitions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TABLE_TITLES = {
    "responses_by_quarter": _l("Responses by quarter"),
    "response_rates": _l("Response rates against invitations"),
    "headline_indicators": _l("Headline indicators"),
    "domain_scores": _l("Experience scores by domain (0 to 10)"),
    "quarterly_trends": _l("Trends by quarter"),
    "inequalities": _l("Inequalities: results by group"),
    "funnel_of_areas": _l("Areas compared: funnel plot data"),
    "themes": _l("Themes in carers' comments, by community group"),
    "quotes": _l("What carers said (redacted quotes)"),
    "suppression_summary": _l("Cells hidden by disclosure control"),
}

COLUMN_LABELS = {
    "quarter": _l("Quarter"),
    "breakdown": _l("Breakdown"),
    "group": _l("Group"),
    "responses": _l("Responses"),
    "invitations": _l("Invitations"),
    "response_rate": _l("Response rate (%)"),
    "indicator": _l("Indicator id"),
    "indicator_name": _l("Indicator"),
    "polarity": _l("Better when"),
    "domain": _l("Domain id"),
    "domain_name": _l("Domain"),
    "measure": _l("Measure id"),
    "measure_name": _l("Measure"),
    "n": _l("Base (n)"),
    "numerator": _l("Numerator"),
    "value": _l("Value"),
    "ci_low": _l("95% interval from"),
    "ci_high": _l("95% interval to"),
    "std_value": _l("Standardised value"),
    "std_ci_low": _l("Standardised interval from"),
    "std_ci_high": _l("Standardised interval to"),
    "comparison": _l("Against national"),
    "national_value": _l("National (this survey)"),
    "published_value": _l("Published VOICES (%)"),
    "published_year": _l("VOICES year"),
    "published_comparison": _l("Against published VOICES (context)"),
    "area_value": _l("Whole area"),
    "gap_to_area": _l("Gap to area"),
    "gap_to_national": _l("Gap to national"),
    "significant": _l("Significant"),
    "area": _l("Area"),
    "limit95_low": _l("95% limit from"),
    "limit95_high": _l("95% limit to"),
    "limit998_low": _l("99.8% limit from"),
    "limit998_high": _l("99.8% limit to"),
    "position": _l("Position"),
    "theme": _l("Theme id"),
    "theme_name": _l("Theme"),
    "n_comments": _l("Comments"),
    "n_theme": _l("Comments on the theme"),
    "pct": _l("Share (%)"),
    "pct_positive": _l("Positive (%)"),
    "pct_negative": _l("Negative (%)"),
    "distinctiveness_z": _l("Distinctiveness (z)"),
    "language": _l("Language"),
    "quote": _l("Quote"),
    "table": _l("Table"),
    "cells": _l("Cells"),
    "suppressed_cells": _l("Hidden cells"),
}

WORDS = {
    "better": _l("better"),
    "similar": _l("similar"),
    "worse": _l("worse"),
    "n/a": _l("n/a"),
    "yes": _l("yes"),
    "no": _l("no"),
    "higher": _l("higher"),
    "lower": _l("lower"),
    "within limits": _l("within limits"),
    "above 95% limit": _l("above 95% limit"),
    "above 99.8% limit": _l("above 99.8% limit"),
    "below 95% limit": _l("below 95% limit"),
    "below 99.8% limit": _l("below 99.8% limit"),
    # How invitations reached carers (the channel rows of the response rates).
    "sms": _l("Text message"),
    "email": _l("E-mail"),
    "letter": _l("Letter"),
}

BREAKDOWN_LABELS = {
    "all": _l("All responses"),
    "channel": _l("Channel"),
    "language": _l("Language"),
    "community_group": _l("Community group"),
    "sub_area": _l("Sub-area"),
    "about.ethnicity": _l("Ethnic group of the person who died"),
    "about.religion": _l("Religion of the person who died"),
    "about.cause_group": _l("Main illness"),
    "about.place_of_death": _l("Place of death"),
    "about.age_band": _l("Age at death"),
    "deprivation": _l("Deprivation"),
}


def definitions() -> list[tuple[str, str]]:
    """The XLSX "Definitions" sheet: every term a reader meets, in the reader's language."""
    return [
        (
            "[c]",
            str(
                _l(
                    "Hidden by disclosure control: fewer than 10 people answered, a count of 1 "
                    "to 7, or a cell hidden so another hidden cell cannot be worked out."
                )
            ),
        ),
        (str(_l("Counts")), str(_l("Below national level, counts are rounded to the nearest 5."))),
        (
            str(_l("Value")),
            str(_l("A percentage (indicators) or a mean score from 0 to 10 (domains).")),
        ),
        (
            str(_l("95% interval")),
            str(
                _l(
                    "Wilson score interval for percentages, Student t interval for scores: the "
                    "range the true value is likely to lie in."
                )
            ),
        ),
        (
            str(_l("Standardised value")),
            str(
                _l(
                    "The value this group would have with the national mix of age at death and "
                    "main illness (indirect standardisation)."
                )
            ),
        ),
        (
            str(_l("Against national")),
            str(
                _l(
                    "better or worse when the standardised interval lies wholly on one side of "
                    "national; similar otherwise."
                )
            ),
        ),
        (
            str(_l("Published VOICES")),
            str(
                _l(
                    "The last national figure ONS published (2011 to 2015), shown as context "
                    "only: a different time, method and population."
                )
            ),
        ),
        (
            str(_l("Gap")),
            str(_l("Difference in points between a group and the area or national value.")),
        ),
        (
            str(_l("Funnel limits")),
            str(
                _l(
                    "95% and 99.8% control limits around the national percentage for an area of "
                    "that size."
                )
            ),
        ),
        (
            str(_l("Quotes")),
            str(
                _l(
                    "Chosen from groups of 10 comments or more; names, phone and NHS numbers, "
                    "e-mails, postcodes and addresses are removed."
                )
            ),
        ),
    ]
