"""Shared pieces: errors, security headers, sanitising, audit, pagination, templates."""
from flask import Flask


def init_core(app: Flask) -> None:
    from . import clock, content, errors, i18n, logs, mail, metrics, pagecache, queue, registry, security, templating, workflows

    clock.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    content.init_app(app)
    templating.init_app(app)
    registry.init_app(app)
    mail.init_app(app)
    queue.init_app(app)
    workflows.init_app(app)
    pagecache.init_app(app)
