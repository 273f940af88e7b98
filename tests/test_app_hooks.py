"""The app's cheap "is this hook async?" check agrees with Flask's for every kind of callable."""

from __future__ import annotations

import inspect
from functools import partial
from typing import Any

import pytest
from flask import Flask


def plain(*_args: Any) -> None:
    return None


async def asynchronous(*_args: Any) -> None:
    return None


class Hook:
    def method(self) -> None:
        return None

    async def async_method(self) -> None:
        return None


def test_plain_functions_are_used_as_they_are(app: Flask) -> None:
    assert app.ensure_sync(plain) is plain
    assert all(app.ensure_sync(hook) is hook for hook in app.before_request_funcs[None])


@pytest.mark.parametrize(
    "func",
    [asynchronous, Hook().async_method, partial(asynchronous, 1)],
    ids=["async function", "async method", "partial of an async function"],
)
def test_async_callables_still_go_to_flasks_async_support(app: Flask, func: Any) -> None:
    assert inspect.iscoroutinefunction(func)
    # Flask wraps them to run synchronously, which needs the optional asgiref package;
    # without it Flask says so. Either way the function is never handed back as it is.
    try:
        wrapped = app.ensure_sync(func)
    except RuntimeError as missing:
        assert "async" in str(missing)
    else:
        assert wrapped is not func


def test_other_callables_get_flasks_own_answer(app: Flask) -> None:
    method = Hook().method
    assert app.ensure_sync(method) == method
    bound = partial(plain, 1)
    assert app.ensure_sync(bound) is bound


@pytest.mark.skipif(
    not hasattr(inspect, "markcoroutinefunction"), reason="Python 3.12's coroutine marker"
)
def test_a_function_marked_as_a_coroutine_is_treated_as_one(app: Flask) -> None:
    def marked() -> None:
        return None

    inspect.markcoroutinefunction(marked)  # type: ignore[attr-defined,unused-ignore]
    try:
        wrapped = app.ensure_sync(marked)
    except RuntimeError:
        return
    assert wrapped is not marked
