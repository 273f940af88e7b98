"""Privacy, accessibility and contact pages; security headers and caching on every kind of page."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.auth.staff_helpers import PASSWORD, add_staff, make_places, post_password, sign_in
from tests.page_checks import parse_page

EXPECTED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_privacy_notice_says_who_what_why_how_long_and_on_what_legal_basis(
    client: FlaskClient,
) -> None:
    page = parse_page(client.get("/privacy"))
    text = page.get_text(" ")
    for heading in (
        "Who is responsible for your information",
        "Our legal reason for using it",
        "What we collect",
        "Why we collect it",
        "How long we keep it",
        "Your rights",
    ):
        assert page.find("h2", string=heading), heading
    assert "90 days after the survey round closes" in text
    # The organisation's statements come from its notices file (the demo's here).
    assert "is the data controller" in text and "Article 9(2)(h)" in text
    assert "Answers are kept for 10 years" in text
    assert "PLACEHOLDER" not in text


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/accessibility", "Accessibility statement"), ("/contact", "Contact us")],
)
def test_the_accessibility_statement_and_contact_page(
    client: FlaskClient, path: str, heading: str
) -> None:
    page = parse_page(client.get(path))
    h1 = page.find("h1")
    assert h1 is not None and h1.get_text(strip=True) == heading
    assert "survey@example.nhs.uk" in page.get_text()


def test_every_page_links_to_privacy_accessibility_contact_and_staff_sign_in(
    client: FlaskClient,
) -> None:
    footer = parse_page(client.get("/")).select_one("footer")
    assert footer is not None
    links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
    assert links["Privacy"] == "/privacy"
    assert links["Accessibility statement"] == "/accessibility"
    assert links["Contact us"] == "/contact"
    assert links["Staff sign in"] == "/login"
    assert links["Delete your answers"] == "/withdraw"


def test_pages_load_nothing_from_another_site(app: Flask, client: FlaskClient) -> None:
    make_places(app)
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    pages = ["/", "/privacy", "/login", "/withdraw"]
    sign_in(client, ari)
    pages.append("/staff")
    for path in pages:
        page = parse_page(client.get(path))
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in page.find_all(tag):
                url = str(element.get(attribute) or "")
                assert url == "" or url.startswith("/"), (path, url)


def test_staff_and_error_pages_carry_the_headers_and_are_never_cached(
    app: Flask, client: FlaskClient
) -> None:
    make_places(app)
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    assert_security_headers(client.get("/login"))
    assert_security_headers(client.get("/staff"))  # the redirect to sign in
    assert_security_headers(client.get("/no-such-page"))
    sign_in(client, ari)
    for path in (
        "/staff",
        "/admin/audit",
        "/exports/responses.csv?area=south-vale",
        "/exports/responses.csv",
    ):
        assert_security_headers(client.get(path))
    for attempt in range(6):
        last = post_password(app.test_client(), "x@example.nhs.uk", f"nope-{attempt}-xxxxxxx")
    assert last.status_code == 429
    assert_security_headers(last)


def test_proxy_headers_are_believed_only_when_configured(
    app: Flask, migrated_database: str
) -> None:
    """(The app fixture is here for its clean-up: it empties the tables afterwards.)"""
    from tests.conftest import make_app

    behind_proxy = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": migrated_database, "PROXY_FIX_X_FOR": 1}
    )
    make_places(behind_proxy)
    add_staff(behind_proxy, "analyst", "ari@example.nhs.uk", area="north-riverside")
    client = behind_proxy.test_client()
    for attempt in range(5):
        post_password(
            client,
            f"p{attempt}@example.nhs.uk",
            "wrong-password-x",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    # A different carer's office behind the same proxy is not locked out...
    assert (
        post_password(
            client, "ari@example.nhs.uk", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2"
        ).status_code
        == 302
    )

    # ...but without the setting, a forged header cannot dodge the per-address limit.
    direct = make_app(migrated_database)
    other = direct.test_client()
    for attempt in range(5):
        post_password(
            other,
            f"q{attempt}@example.nhs.uk",
            "wrong-password-x",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    assert (
        post_password(
            other, "ari@example.nhs.uk", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9"
        ).status_code
        == 429
    )


def test_production_error_pages_show_an_error_id_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from tests.test_config import set_production_sms_settings

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    set_production_sms_settings(monkeypatch)
    production = create_app("production")

    @production.get("/fault-for-test")
    def fault() -> str:
        raise RuntimeError("a carer's answer that must not be shown")

    response = production.test_client().get("/fault-for-test")
    assert response.status_code == 500
    text = parse_page(response).get_text(" ")
    assert "quote error" in text
    assert "Traceback" not in text and "must not be shown" not in text
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert_security_headers(response)  # the error page is a response like any other
