"""Carer Voices Flask application: create_app wires extensions, blueprints, errors and commands."""

from __future__ import annotations

import logging
import sqlite3
import weakref
from collections.abc import Callable
from inspect import CO_COROUTINE
from types import FunctionType
from typing import Any

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from werkzeug.routing import IntegerConverter

from app.sqlite_writers import QueuedWriterConnection, queued_writer_factory
from config import Config, config_class


class DatabaseIdConverter(IntegerConverter):
    """Flask's int converter, capped at PostgreSQL's INTEGER maximum.

    A larger id in a URL (/admin/users/2147483648/...) made PostgreSQL refuse the query
    (NumericValueOutOfRange), a 500; now it simply matches no route, a 404 like any unknown id.
    """

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class CarerVoicesFlask(Flask):
    """Flask, answering its "is this hook async?" question cheaply for plain functions."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # Flask asks inspect.iscoroutinefunction about every hook, context processor and view
        # on every request (about 18 a page). For a plain function the answer is a flag of
        # its code, or a marker in its __dict__ (inspect.markcoroutinefunction, Python 3.12):
        # exactly what inspect reads. Anything else (methods, partials, objects) asks Flask.
        if (
            type(func) is FunctionType
            and not func.__code__.co_flags & CO_COROUTINE
            and "_is_coroutine_marker" not in func.__dict__
        ):
            return func
        return super().ensure_sync(func)


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build an application for the named configuration, with optional test overrides."""
    app = CarerVoicesFlask(__name__, instance_relative_config=True)
    # Before any route exists: every <int:...> id must fit the database's integer column.
    app.url_map.converters["int"] = DatabaseIdConverter
    chosen: type[Config] = config_class(config_name)
    app.config.from_object(chosen)
    app.config.update(chosen.from_environment())
    if overrides:
        app.config.update(overrides)
    chosen.check(app.config)
    _prepare_instance_folder(app)
    _configure_templates(app)
    from app.components import ComponentRenderer

    app.jinja_env.globals["component"] = ComponentRenderer(app.jinja_env)
    from app.page_chrome import PageChrome

    app.jinja_env.globals["chrome"] = PageChrome(app.jinja_env).template_global()
    from app.main.notices import register_notices

    register_notices(app)

    from app.extensions import csrf, db, limiter, migrate
    from app.i18n.web import register_languages

    _tune_sqlite_engine_options(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())),
        render_as_batch=True,  # SQLite can only ALTER tables by copying them
        compare_type=True,
    )
    csrf.init_app(app)
    register_languages(app)
    limiter.init_app(app)
    with app.app_context():
        _configure_sqlite(db.engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))

    # Imported here, not at the top: blueprints and models need the extensions above bound.
    from app import models  # noqa: F401  (register every table on the metadata)
    from app.access.routes import register_access_control
    from app.actions import bp as actions_bp
    from app.auth import register_auth
    from app.cli import register_commands
    from app.codesign import bp as codesign_bp
    from app.dashboard import bp as dashboard_bp
    from app.main import bp as main_bp
    from app.main.csrf_tokens import register_remembered_csrf_tokens
    from app.main.errors import register_error_handlers
    from app.main.headers import register_security_headers
    from app.main.session_cookie import register_session_cookie
    from app.sms import register_sms
    from app.staff import bp as staff_bp
    from app.survey import bp as survey_bp
    from app.survey.question_markup import register_question_markup
    from app.translate import bp as translate_bp
    from app.unlimited_endpoints import register_unlimited_endpoints

    app.register_blueprint(main_bp)
    app.register_blueprint(survey_bp)
    register_question_markup(app)
    register_sms(app)
    register_auth(app)
    app.register_blueprint(staff_bp)
    app.register_blueprint(translate_bp)
    app.register_blueprint(codesign_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(dashboard_bp)
    # Last of the routes: every endpoint registered so far is checked for a declared permission.
    register_access_control(app)
    # After every route too: which endpoints declare no rate limit, so they can skip the limiter.
    register_unlimited_endpoints(app, limiter)
    _trust_configured_proxies(app)
    _keep_statements_out_of_logs()
    register_error_handlers(app)
    register_security_headers(app)
    register_session_cookie(app)
    register_remembered_csrf_tokens(app)
    register_commands(app)
    return app


def _keep_statements_out_of_logs() -> None:
    # SQLAlchemy logs every statement with its parameters (answers, phone numbers) whenever its
    # logger inherits INFO from a root logger set up by a deployment: pin it to warnings.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def _trust_configured_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* only from as many proxies as configured (rate limits key on it)."""
    hops = {
        name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}", 0) or 0)
        for name in ("for", "proto", "host")
    }
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"]
        )


def _raise_as_sqlalchemy_error(
    connection: Any, raw: sqlite3.Connection, problem: sqlite3.Error, statement: str
) -> None:
    """Raise a driver error from ``statement`` as Connection.exec_driver_sql would have."""
    from sqlalchemy.exc import DBAPIError

    dialect = connection.dialect
    invalidated = bool(dialect.is_disconnect(problem, raw, None))
    if invalidated:
        connection.invalidate(problem)
    raise DBAPIError.instance(
        statement,
        (),
        problem,
        sqlite3.Error,
        connection_invalidated=invalidated,
        dialect=dialect,
    ) from problem


def _migrations_dir() -> str:
    from config import PROJECT_ROOT

    return str(PROJECT_ROOT / "migrations")


def _prepare_instance_folder(app: Flask) -> None:
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    # A URI filename (sqlite:///file:...?uri=true, e.g. mode=ro) names an existing file;
    # taking it as a path would create a stray "file:" folder in the working directory.
    if uri.startswith("sqlite:///") and ":memory:" not in uri and "uri=true" not in uri:
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _configure_templates(app: Flask) -> None:
    # The NHS.UK macros expect ChainableUndefined (they read nested optional parameters).
    app.jinja_options = {
        **app.jinja_options,
        "undefined": ChainableUndefined,
        # The NHS.UK macros live in .jinja files, which Flask would not autoescape by name:
        # escape everything, or a carer's comment could run as script on the check page.
        "autoescape": True,
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(app.root_path) + "/templates"),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
    }


def _tune_sqlite_engine_options(app: Flask) -> None:
    """SQLite file databases: no liveness ping per checkout, and writers that queue (see below).

    A file has no server connection to go stale, so pool_pre_ping only added a ``SELECT 1`` to
    every request; PostgreSQL keeps it (it lets workers survive a server restart).
    """
    url = make_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if url.get_backend_name() != "sqlite":
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.pop("pool_pre_ping", None)
    database = url.database or ""
    if database and database != ":memory:" and not url.query.get("uri"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault(
            "factory",
            queued_writer_factory(database, int(app.config["SQLITE_BUSY_TIMEOUT_MS"])),
        )
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


# Engines already configured; weak so a disposed app's engine (and its id) can go away
# without a new engine at the same address being mistaken for a configured one.
_configured_sqlite_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _configure_sqlite(engine: Engine, timeout_ms: int) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for write transactions on SQLite."""
    if engine.dialect.name != "sqlite" or engine in _configured_sqlite_engines:
        return
    _configured_sqlite_engines.add(engine)
    on_disk = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Take transaction control from pysqlite so BEGIN is ours to issue (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # The busy timeout makes concurrent writers wait instead of failing "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        if on_disk:
            # WAL lets carers' page views carry on while another carer's page is being written.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes can fail with SQLITE_BUSY without
        # waiting; services that write ask for IMMEDIATE so they queue on the busy timeout.
        immediate = connection.get_execution_options().get("sqlite_begin_immediate", False)
        raw = connection.connection.dbapi_connection
        if not immediate:
            # A deferred BEGIN takes no lock and cannot fail for want of one, so it goes
            # straight to the driver: through SQLAlchemy's execution pipeline it cost as much
            # as a page's own query.
            raw.execute("BEGIN")
            return
        if isinstance(raw, QueuedWriterConnection):
            raw.queue_for_writing()
        try:
            # Straight to the driver too (every text and every save begins this way).
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as problem:
            # Raised as the pipeline would raise it: callers catch SQLAlchemy's
            # OperationalError ("database is locked" -> 503), and a closed connection is
            # invalidated so the pool does not hand it out again.
            _raise_as_sqlalchemy_error(connection, raw, problem, "BEGIN IMMEDIATE")
