"""Engage: consultation and community engagement for local partnerships."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from .config import load_config
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides what the environment gives (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    instance = Path((config or {}).get("INSTANCE_PATH", app.instance_path))
    app.config.update(load_config(instance))
    if config:
        app.config.update(config)

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

    from . import accounts, api, consultations, demo, main, partnership, search, sharing, strategy, surveys, toolkit

    for module in (main, accounts, partnership, api, search, demo, toolkit, consultations, surveys, strategy, sharing):
        module.init_app(app)

    search.attach_specs(app)

    from .cli import engage_cli

    app.cli.add_command(engage_cli)
    return app
