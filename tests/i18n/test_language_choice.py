"""Which language a page is in: the invitation's, a choice, the response's, the browser's."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.i18n.selection import best_accepted, choose_language
from app.models import Response
from app.services import areas as area_service
from app.services import invitations as invitation_service
from tests.page_checks import SurveyWalker, parse_page


def html_lang(client: FlaskClient, url: str, **headers: str) -> tuple[str, str]:
    soup = parse_page(client.get(url, headers=headers, follow_redirects=True))
    return str(soup.html["lang"]), str(soup.html["dir"])


def invite(app: Flask, area: str, language: str) -> str:
    with app.app_context():
        issued = invitation_service.create_invitation(
            db.session(),
            area=area_service.area_by_slug(db.session(), area),
            questionnaire_id="voices-core",
            language=language,
        )
        return issued.token


def the_response_language(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(select(Response.language)).one()


def test_the_order_is_explicit_then_response_then_remembered_then_browser_then_english() -> None:
    everything = {"response_language": "ur", "remembered": "cy", "accepted": ["pl"]}
    assert choose_language(explicit="ar", **everything) == "ar"  # type: ignore[arg-type]
    assert choose_language(**everything) == "ur"  # type: ignore[arg-type]
    assert choose_language(remembered="cy", accepted=["pl"]) == "cy"
    assert choose_language(accepted=["pl"]) == "pl"
    assert choose_language() == "en"
    # Unknown codes are passed over, never shown as a broken page.
    assert choose_language(explicit="xx", response_language="ur") == "ur"


def test_the_browser_list_is_read_best_first_and_unknown_languages_skipped() -> None:
    assert best_accepted(["de-DE", "pl-PL", "en"]) == "pl"
    assert best_accepted(["zh-CN"]) == "zh_Hans"
    assert best_accepted(["de", "fr"]) is None
    assert best_accepted(["en-XA"]) is None  # the pseudo-locale is never chosen by a browser


def test_a_browser_asking_for_polish_gets_polish_pages(client: FlaskClient) -> None:
    assert html_lang(client, "/", **{"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}) == (
        "pl",
        "ltr",
    )
    assert html_lang(client, "/", **{"Accept-Language": "de-DE"}) == ("en", "ltr")


def test_an_explicit_choice_beats_the_browser_and_is_remembered(client: FlaskClient) -> None:
    polish_browser = {"Accept-Language": "pl"}
    assert html_lang(client, "/support?lang=cy", **polish_browser) == ("cy", "ltr")
    assert html_lang(client, "/privacy", **polish_browser) == ("cy", "ltr")
    assert html_lang(client, "/privacy?lang=not-a-language", **polish_browser) == ("cy", "ltr")


def test_an_invitation_in_urdu_opens_the_survey_in_urdu(
    app: Flask, client: FlaskClient, area: str
) -> None:
    token = invite(app, area, "ur")
    walker = SurveyWalker(client)
    soup = walker.get(
        f"/s/{token}",
    )
    assert walker.path == "/survey/welcome"
    assert (soup.html["lang"], soup.html["dir"]) == ("ur", "rtl")
    # The browser's own language does not override the invitation's.
    assert html_lang(client, "/survey/consent", **{"Accept-Language": "en-GB"}) == ("ur", "rtl")
    assert the_response_language(app) == "ur"


def test_choosing_another_language_changes_the_response_language(
    app: Flask, client: FlaskClient, area: str
) -> None:
    token = invite(app, area, "ur")
    SurveyWalker(client).get(f"/s/{token}")
    assert html_lang(client, "/survey/consent?lang=pl") == ("pl", "ltr")
    assert the_response_language(app) == "pl"
    assert html_lang(client, "/survey/consent") == ("pl", "ltr")


def test_a_language_chosen_before_starting_carries_into_the_survey(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = SurveyWalker(client)
    soup = walker.get(f"/a/{area}?lang=ar")
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    walker.submit()
    assert walker.path == "/survey/consent"
    assert (walker.soup.html["lang"], walker.soup.html["dir"]) == ("ar", "rtl")  # type: ignore[union-attr]
    assert the_response_language(app) == "ar"


def test_the_pseudo_locale_is_refused_where_it_is_switched_off(
    app: Flask, client: FlaskClient
) -> None:
    app.config["PSEUDO_LOCALE_ENABLED"] = False
    assert html_lang(client, "/?lang=en_XA") == ("en", "ltr")
    app.config["PSEUDO_LOCALE_ENABLED"] = True
    assert html_lang(client, "/?lang=en_XA") == ("en-XA", "ltr")


def test_every_page_offers_every_language_in_its_own_script(client: FlaskClient) -> None:
    soup = parse_page(client.get("/contact?lang=ur"))
    switcher = soup.select_one("nav.cv-language-switcher")
    assert switcher is not None
    names = [item.get_text(strip=True) for item in switcher.select("li")]
    assert names[:3] == ["English", "Cymraeg", "Polski"] and "اردو" in names and len(names) == 14
    links = {a.get_text(strip=True): a for a in switcher.select("a")}
    assert links["Polski"]["href"] == "?lang=pl" and links["Polski"]["lang"] == "pl"
    assert links["العربية"]["dir"] == "rtl"
    current = switcher.select_one("[aria-current]")
    assert current is not None and current.get_text(strip=True) == "اردو"


def test_switching_keeps_the_pages_other_parameters(client: FlaskClient) -> None:
    soup = parse_page(client.get("/privacy?lang=cy&section=rights"))
    link = soup.select_one('nav.cv-language-switcher a[lang="pl"]')
    assert link is not None and link["href"] == "?lang=pl&section=rights"
