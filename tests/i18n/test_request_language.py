"""A page's language is worked out once a request, and again whenever what decides it changes."""

from __future__ import annotations

from flask import Flask, g, render_template_string, session

from app.i18n.web import SESSION_LANGUAGE_KEY, current_language, local_decimal, page_translations


def test_the_language_follows_every_change_made_during_the_request(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "cy"}):
        assert current_language() == "cy"
        assert current_language() == "cy"  # remembered, not recomputed differently
        session[SESSION_LANGUAGE_KEY] = "pl"  # a choice remembered mid-request
        assert current_language() == "pl"
        g.survey_language = "ur"  # the view has learnt the response's language
        assert current_language() == "ur"
        g.explicit_language = "pa"  # ?lang= (apply_language_choice)
        assert current_language() == "pa"
        del g.explicit_language
        assert current_language() == "ur"


def test_the_page_translations_change_with_the_language_mid_request(app: Flask) -> None:
    with app.test_request_context("/"):
        english = page_translations()
        assert page_translations() is english
        g.explicit_language = "pl"
        polish = page_translations()
        assert polish is not english
        assert page_translations() is polish


def test_two_requests_never_share_a_language(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "pl"}):
        assert current_language() == "pl"
    with app.test_request_context("/", headers={"Accept-Language": "cy"}):
        assert current_language() == "cy"


def test_numbers_are_written_in_the_language_of_the_page_as_it_is_now(app: Flask) -> None:
    with app.test_request_context("/"):
        assert local_decimal(12345) == "12,345"
        g.explicit_language = "pl"  # switched after a number was already written
        assert local_decimal(12345).replace("\xa0", " ") == "12 345"
        assert local_decimal(12345, "#0") == "12345"
        g.explicit_language = "ro"
        assert local_decimal(12345) == "12.345"
    with app.test_request_context("/"):
        assert local_decimal(12345) == "12,345"  # the next request starts from its own language


def test_a_template_writes_numbers_in_the_language_of_its_words(app: Flask) -> None:
    page = "{{ _('Carer Voices') }} {{ 12345 | decimalformat }} {{ 7 | decimalformat('#0') }}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "Carer Voices 12,345 7"
        g.explicit_language = "ro"  # chosen during the request, before this render
        assert render_template_string(page).endswith(" 12.345 7")
    with app.test_request_context("/", headers={"Accept-Language": "pl"}):
        assert render_template_string(page).replace("\xa0", " ").endswith(" 12 345 7")


def test_the_language_switcher_marks_the_page_language_and_keeps_other_arguments(
    app: Flask,
) -> None:
    page = "{{ language_switcher_items() }}"
    with app.test_request_context("/survey/q/x?return_to=check&lang=cy"):
        g.explicit_language = "cy"
        items = render_template_string(page)
    assert 'lang="cy" dir="ltr" aria-current="true"' in items
    assert 'href="?lang=pl&amp;return_to=check"' in items
    with app.test_request_context("/"):
        items = render_template_string(page)
    assert 'lang="en" dir="ltr" aria-current="true"' in items
    assert 'href="?lang=pl"' in items
