"""Engage: consultation and community engagement for local partnerships."""
from __future__ import annotations

import faulthandler
import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from .config import check_secret_key, load_config
from .core.urls import EngageFlask, configure as configure_public_address
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class TrustedProxies:
    """Werkzeug's ProxyFix for as many proxies as ``ENGAGE_TRUSTED_PROXIES`` says (read on each
    request, so the setting can change without rebuilding the app). Exactly that many values
    of each X-Forwarded-* header are believed, so a visitor cannot pretend to be elsewhere by
    sending the headers themselves; with 0 none are."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._fixed: dict[int, object] = {}

    def __call__(self, environ, start_response):
        count = int(self.app.config.get("ENGAGE_TRUSTED_PROXIES") or 0)
        if count <= 0:
            return self.wsgi_app(environ, start_response)
        if count not in self._fixed:
            from werkzeug.middleware.proxy_fix import ProxyFix

            # Only what the README's proxy example sets: the visitor's address and the scheme.
            # The host comes from the Host header the proxy passes on (checked against
            # TRUSTED_HOSTS); links never come from it (engage/core/urls.py).
            self._fixed[count] = ProxyFix(self.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)
        return self._fixed[count](environ, start_response)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides what the environment gives (tests use it)."""
    # A crash in a native library (a segmentation fault) prints every thread's Python stack.
    if not faulthandler.is_enabled():
        faulthandler.enable()
    app = EngageFlask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    instance = Path((config or {}).get("INSTANCE_PATH", app.instance_path))
    app.config.update(load_config(instance))
    if config:
        app.config.update(config)
    check_secret_key(app.config, given=bool(os.environ.get("SECRET_KEY")) or "SECRET_KEY" in (config or {}))
    configure_public_address(app)
    # Behind a reverse proxy (see the README): believe its X-Forwarded-* headers.
    app.wsgi_app = TrustedProxies(app, app.wsgi_app)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from .core import init_core

    init_core(app)

    from . import (accounts, api, background, consultations, cycle, demo, follow, funding, main, partnership, performance, risks,
                   search, sharing, strategy, surveys, toolkit, translations)

    for module in (main, accounts, partnership, api, search, demo, toolkit, consultations, surveys, strategy, sharing, follow,
                   performance, funding, background, translations, cycle, risks):
        module.init_app(app)

    search.attach_specs(app)

    from . import backup  # noqa: F401  (its commands join the engage group: engage backup / restore)
    from .cli import engage_cli

    app.cli.add_command(engage_cli)
    return app
