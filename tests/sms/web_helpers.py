"""The web side of a carer who mixes channels: open the link, answer a page, submit."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def post_page(client: FlaskClient, page_id: str, answers: dict[str, str]) -> None:
    token = csrf_token(client, f"/survey/q/{page_id}")
    response = client.post(
        f"/survey/q/{page_id}", data={"csrf_token": token, "page_id": page_id, **answers}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def submit_on_web(client: FlaskClient) -> None:
    token = csrf_token(client, "/survey/check")
    response = client.post("/survey/submit", data={"csrf_token": token})
    assert response.status_code == 302
