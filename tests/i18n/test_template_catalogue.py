"""CI fails when translations/messages.pot is stale: run `flask --app wsgi translate update`."""

from app.i18n.extraction import (
    extract_template,
    render_po,
    template_is_stale,
    template_path,
    without_creation_date,
)
from config import PROJECT_ROOT


def test_the_committed_template_matches_a_fresh_extraction() -> None:
    assert not template_is_stale(PROJECT_ROOT), (
        "translations/messages.pot is out of date: run `flask --app wsgi translate update` "
        "and commit the template and catalogues"
    )


def test_the_staleness_check_ignores_only_the_creation_date(tmp_path) -> None:  # noqa: ANN001
    fresh = render_po(extract_template(PROJECT_ROOT))
    committed = template_path(PROJECT_ROOT / "translations").read_text(encoding="utf-8")
    assert without_creation_date(fresh) == without_creation_date(committed)
    edited = committed.replace('msgid "Save and continue"', 'msgid "Save and carry on"')
    assert without_creation_date(edited) != without_creation_date(fresh)


def test_the_template_holds_interface_questionnaire_and_sms_texts() -> None:
    text = template_path(PROJECT_ROOT / "translations").read_text(encoding="utf-8")
    assert 'msgid "Save and continue"' in text
    assert 'msgctxt "voices-core:about.relationship:text"' in text
    assert 'msgctxt "sms:invitation"' in text
    assert 'msgid_plural "You can write up to %(num)s characters."' in text
