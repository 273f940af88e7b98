"""Request-test helpers: parse every page and check the conventions all pages must keep."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def parse_page(response: TestResponse) -> BeautifulSoup:
    """Parse an HTML response and fail on broken page conventions."""
    assert response.mimetype == "text/html", response.mimetype
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    html = soup.find("html")
    assert isinstance(html, Tag) and html.get("lang"), "every page declares its language"
    assert soup.title and soup.title.get_text(strip=True), "every page has a title"
    assert len(soup.find_all("h1")) == 1, "every page has exactly one h1"
    ids = [tag["id"] for tag in soup.find_all(attrs={"id": True})]
    duplicated = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicated, f"duplicate ids: {duplicated}"
    for form in soup.find_all("form", method=lambda m: (m or "").lower() == "post"):
        assert form.find("input", attrs={"name": "csrf_token"}), "every POST form carries CSRF"
    assert soup.find(id="support-heading"), "bereavement support is signposted on every page"
    return soup


@dataclass
class SurveyWalker:
    """Drives the web survey through the test client as a carer's browser would."""

    client: FlaskClient
    soup: BeautifulSoup | None = None
    path: str = ""
    visited: list[str] = field(default_factory=list)

    def get(self, url: str, expect: int = 200) -> BeautifulSoup:
        response = self.client.get(url, follow_redirects=True)
        assert response.status_code == expect, (url, response.status_code)
        return self._take(response)

    def submit(
        self,
        values: dict[str, str | list[str]] | None = None,
        *,
        button_value: str | None = None,
        expect: int = 200,
        form_index: int = 0,
        drop: tuple[str, ...] = (),
    ) -> BeautifulSoup:
        """Post the page's form with its current values, overridden by `values`."""
        assert self.soup is not None
        forms = self.soup.select("main form[method=post]")
        form = forms[form_index]
        data: dict[str, str | list[str]] = {}
        for field_tag in form.find_all("input"):
            name = field_tag.get("name")
            if not name:
                continue
            kind = field_tag.get("type", "text")
            if kind in ("radio", "checkbox"):
                if field_tag.has_attr("checked"):
                    if kind == "checkbox":
                        existing = data.setdefault(name, [])
                        assert isinstance(existing, list)
                        existing.append(field_tag.get("value", ""))
                    else:
                        data[name] = field_tag.get("value", "")
            else:
                data[name] = field_tag.get("value", "")
        for area in form.find_all("textarea"):
            data[area["name"]] = area.get_text()
        if values:
            data.update(values)
        if button_value is not None:
            data["action"] = button_value
        for name in drop:
            data.pop(name, None)
        action = form.get("action") or self.path
        response = self.client.post(action, data=data, follow_redirects=True)
        assert response.status_code == expect, (action, response.status_code)
        return self._take(response)

    def _take(self, response: TestResponse) -> BeautifulSoup:
        self.path = response.request.path
        self.visited.append(self.path)
        self.soup = parse_page(response)
        return self.soup

    @property
    def page_id(self) -> str | None:
        if self.path.startswith("/survey/q/"):
            return self.path.removeprefix("/survey/q/")
        return None

    def field_names(self) -> set[str]:
        assert self.soup is not None
        names = {tag.get("name") for tag in self.soup.select("main form input, main form textarea")}
        return {n for n in names if n and n not in ("csrf_token", "page_id", "return_to", "action")}

    def error_messages(self) -> list[str]:
        assert self.soup is not None
        return [a.get_text(strip=True) for a in self.soup.select(".nhsuk-error-summary a")]
