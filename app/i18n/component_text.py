"""Translated stand-ins for the English words the NHS.UK macros fall back on ("Error", "Menu").

The nhsuk-frontend-jinja macros hard-code a few visually hidden English words as defaults; a
screen-reader user of the Urdu survey would hear "Error:" before every message. Every component
call gets these words in the page's language unless the template gave its own.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext


def _with_default(params: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    if params.get(key):
        return params
    return {**params, key: value}


def _error_message(params: dict[str, Any], key: str = "errorMessage") -> dict[str, Any]:
    message = params.get(key)
    if isinstance(message, dict) and (message.get("text") or message.get("html")):
        return {**params, key: _with_default(message, "visuallyHiddenText", gettext("Error"))}
    return params


def with_translated_defaults(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with the macro's English defaults replaced by translations."""
    params = _error_message(params)
    if name == "inset-text":
        params = _with_default(params, "visuallyHiddenText", gettext("Information"))
    elif name == "header":
        navigation = params.get("navigation")
        if isinstance(navigation, dict):
            navigation = _with_default(navigation, "ariaLabel", gettext("Menu"))
            navigation = _with_default(
                navigation, "toggleMenuVisuallyHiddenText", gettext("Browse")
            )
            navigation = _with_default(navigation, "toggleMenuText", gettext("More"))
            params = {**params, "navigation": navigation}
        logo = params.get("logo")
        if isinstance(logo, dict):
            params = {**params, "logo": _with_default(logo, "alt", gettext("NHS"))}
    elif name == "footer":
        meta = params.get("meta")
        if isinstance(meta, dict):
            params = {
                **params,
                "meta": _with_default(meta, "visuallyHiddenText", gettext("Support links")),
            }
    return params
