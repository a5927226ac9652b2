"""Shared pieces: errors, security headers, sanitising, audit, pagination, templates."""
from flask import Flask


def init_core(app: Flask) -> None:
    from . import errors, i18n, mail, registry, security, templating, workflows

    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    registry.init_app(app)
    mail.init_app(app)
    workflows.init_app(app)
