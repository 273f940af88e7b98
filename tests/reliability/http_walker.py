"""A carer's browser over real HTTP, for tests that drive gunicorn rather than the test client."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from tests.page_checks import SurveyWalker


@dataclass
class _Request:
    path: str


class HttpResponse:
    """Just the parts of a Flask TestResponse that SurveyWalker and parse_page read."""

    def __init__(self, reply: requests.Response) -> None:
        self.status_code = reply.status_code
        self.mimetype = reply.headers.get("Content-Type", "").split(";")[0].strip()
        self.request = _Request(urlsplit(reply.url).path)
        self.headers = reply.headers
        self._text = reply.text

    def get_data(self, as_text: bool = False) -> str | bytes:
        return self._text if as_text else self._text.encode("utf-8")


class HttpClient:
    """A requests session (it keeps the session cookie) with FlaskClient's get/post shape."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()

    def get(self, path: str, follow_redirects: bool = True) -> HttpResponse:
        reply = self.session.get(
            self.base_url + path, allow_redirects=follow_redirects, timeout=self.timeout
        )
        return HttpResponse(reply)

    def post(
        self, path: str, data: dict[str, object] | None = None, follow_redirects: bool = True
    ) -> HttpResponse:
        reply = self.session.post(
            self.base_url + path, data=data, allow_redirects=follow_redirects, timeout=self.timeout
        )
        return HttpResponse(reply)


def http_walker(base_url: str) -> SurveyWalker:
    return SurveyWalker(HttpClient(base_url))  # type: ignore[arg-type]
