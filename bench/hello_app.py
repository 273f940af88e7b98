"""The bare Flask "hello" reference app, served by gunicorn with the same settings as the survey."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> tuple[str, int, dict[str, str]]:
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}
