"""CI fails when translations/messages.pot is stale: run `flask --app wsgi translate update`."""

from app.i18n.extraction import (
    comparable,
    extract_template,
    render_po,
    template_is_stale,
    template_path,
)
from config import PROJECT_ROOT


def test_the_committed_template_matches_a_fresh_extraction() -> None:
    assert not template_is_stale(PROJECT_ROOT), (
        "translations/messages.pot is out of date: run `flask --app wsgi translate update` "
        "and commit the template and catalogues"
    )


def test_the_staleness_check_ignores_dates_and_line_numbers_but_not_texts_or_files() -> None:
    fresh = render_po(extract_template(PROJECT_ROOT))
    assert comparable(fresh) == comparable(
        fresh.replace("#: app/templates/base.html:", "#: app/templates/base.html:1")
    )
    edited = fresh.replace('msgid "Save and continue"', 'msgid "Save and carry on"')
    assert comparable(edited) != comparable(fresh)
    moved = fresh.replace("#: app/templates/base.html:", "#: app/templates/layout.html:")
    assert comparable(moved) != comparable(fresh)


def test_the_template_holds_interface_questionnaire_and_sms_texts() -> None:
    text = template_path(PROJECT_ROOT / "translations").read_text(encoding="utf-8")
    assert 'msgid "Save and continue"' in text
    assert 'msgctxt "voices-core:about.relationship:text"' in text
    assert 'msgctxt "sms:invitation"' in text
    assert 'msgid_plural "You can write up to %(num)s characters."' in text
