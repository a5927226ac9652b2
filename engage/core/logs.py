"""Logs an operator can use: one line per event, a request id on every line, no personal data.

Every log line (Engage's own, Flask's, SQLAlchemy's, the libraries') goes through one handler
on the root logger that adds ``request_id`` (the web request it belongs to) and ``job_id``
(the background work it belongs to) and writes either

- JSON, one object a line (``ENGAGE_LOG_FORMAT=json``, the default when
  ``ENGAGE_ENV=production``), made by python-json-logger, or
- readable text (``ENGAGE_LOG_FORMAT=text``, the default elsewhere, e.g. ``make run``):
  ``2026-12-06 19:30:01,123 INFO [req=4K7Q-M3XP-A9TR] engage.request: GET /surveys/<int:survey_id> 200``.

``ENGAGE_LOG_LEVEL`` (default ``INFO``) sets the level.

The request id. Each request gets one: the ``X-Request-ID`` header when a trusted reverse
proxy sent it (``ENGAGE_TRUSTED_PROXIES`` > 0; nginx's ``proxy_set_header X-Request-ID
$request_id`` overwrites whatever the visitor sent) and it is a plain token (letters, digits,
``.``, ``_``, ``-``; 8 to 64 of them), else a new one. It comes back as the ``X-Request-ID``
response header and is shown on every error page ("If you contact us, quote this reference"),
so the line in the log for a resident's problem can be found.

Background work: ``with logs.job("mail-sender"):`` (or ``job("import", token[:8])``) gives
every line logged inside a ``job_id``; ``logs.current_job()`` tells which.

One line per request (logger ``engage.request``): method, the route's pattern (never the
address typed: no query string, no tokens or search words), endpoint, status and duration.

No personal data: addresses, names, phone numbers and free text never go into a message
(log ids, counts and kinds instead); SQLAlchemy is told to leave statement parameters out of
its errors and logs (``hide_parameters``, engage/config.py). ``tests/ops/test_logs.py`` sends a
survey answer with an email address, a phone number and free text, and a failing mail,
with every logger at DEBUG, and searches every line for them.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("engage_request_id", default=None)
_job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("engage_job_id", default=None)

VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"   # Crockford's: no I, L, O or U to misread
REQUEST_LOG = logging.getLogger("engage.request")


def new_request_id() -> str:
    """Twelve characters in three groups, easy to read out on the phone: ``4K7Q-M3XP-A9TR``."""
    # 60 random bits, five to a character (one draw, not twelve: this runs on every request).
    bits = secrets.randbits(60)
    chars = "".join(_ALPHABET[(bits >> (5 * n)) & 31] for n in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def current_request_id() -> str | None:
    if has_request_context():
        rid = g.get("request_id")
        if not rid:
            # An error raised before the request's own start (a form token refused by
            # Flask-WTF's check, say) still gets a reference.
            rid = g.request_id = new_request_id()
        return rid
    return _request_id.get()


def route() -> str:
    """The request's route pattern (``/set-up-account/<token>``), for log lines: never the
    address typed, which can hold a token, an email address or search words."""
    if has_request_context() and request.url_rule is not None:
        return request.url_rule.rule
    return "(no route)"


def current_job() -> str | None:
    return _job_id.get()


@contextlib.contextmanager
def job(kind: str, ident: object | None = None):
    """Every line logged inside belongs to this background job (``kind:ident``)."""
    token = _job_id.set(f"{kind}:{ident}" if ident is not None else kind)
    try:
        yield
    finally:
        _job_id.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``job_id`` to each record (None when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        if getattr(record, "job_id", None) is None:
            record.job_id = current_job()
        return True


class HideLimitKeys(logging.Filter):
    """Flask-Limiter's "ratelimit ... (key) exceeded" line names the key it counts by: a
    visitor's address, or an account's email. The line stays; the key does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 3 and "exceeded" in str(record.msg):
            record.args = (record.args[0], "(hidden)", record.args[2])
        return True


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        tags = []
        if getattr(record, "request_id", None):
            tags.append(f"req={record.request_id}")
        if getattr(record, "job_id", None):
            tags.append(f"job={record.job_id}")
        record.engage_tags = f" [{' '.join(tags)}]" if tags else ""
        return super().format(record)


def make_formatter(kind: str = "json") -> logging.Formatter:
    """The formatter for ``kind`` (``json`` or ``text``); gunicorn's log config uses it too."""
    if kind == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(job_id)s",
                             rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                             datefmt="%Y-%m-%dT%H:%M:%S%z")
    return TextFormatter("%(asctime)s %(levelname)s%(engage_tags)s %(name)s: %(message)s")


class EngageHandler(logging.StreamHandler):
    """The one handler on the root logger (replaced, never doubled, when another app is made)."""


class _Stderr:
    """Standard error as it is when a line is written (not when the app was made: test
    runners and gunicorn replace it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure(app: Flask) -> EngageHandler:
    """Put the one handler on the root logger, in the format and level the settings say."""
    kind = (app.config.get("ENGAGE_LOG_FORMAT") or ("json" if app.config.get("ENGAGE_ENV") == "production" else "text")).lower()
    if kind not in ("json", "text"):
        kind = "text"
    level = str(app.config.get("ENGAGE_LOG_LEVEL") or "INFO").upper()
    root = logging.getLogger()
    stream = _Stderr()
    for old in [h for h in root.handlers if isinstance(h, EngageHandler)]:
        root.removeHandler(old)
    handler = EngageHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(make_formatter(kind))
    root.addHandler(handler)
    root_level = getattr(logging, level, logging.INFO)
    root.setLevel(root_level)
    # SQLAlchemy at DEBUG writes every row it reads (addresses, answers): at DEBUG it is given
    # its statements (INFO, their values hidden by hide_parameters), never the rows; else only
    # its warnings.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO if root_level <= logging.DEBUG else logging.WARNING)
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(f, HideLimitKeys) for f in limiter_log.filters):
        limiter_log.addFilter(HideLimitKeys())
    app.extensions["engage_log_handler"] = handler
    return handler


def init_app(app: Flask) -> None:
    configure(app)

    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        trusted = int(app.config.get("ENGAGE_TRUSTED_PROXIES") or 0) > 0
        g.request_id = incoming if trusted and VALID_ID.match(incoming) else new_request_id()
        g.request_started = time.perf_counter()

    # First of all before-request steps (the form token check, rate limits), so that what they
    # refuse is logged and shown with this request's id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _finish(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
        started = g.get("request_started")
        if started is not None:
            seconds = time.perf_counter() - started
            rule = route()
            status = response.status_code
            # A 503 "busy, try again" or a 429 is the service protecting itself: a warning.
            level = logging.WARNING if status in (429, 503) else logging.ERROR if status >= 500 else logging.INFO
            REQUEST_LOG.log(level, "%s %s %s %.1f ms", request.method, rule, response.status_code, seconds * 1000,
                            extra={"method": request.method, "route": rule, "endpoint": request.endpoint,
                                   "status": response.status_code, "duration_ms": round(seconds * 1000, 1)})
        return response

    # A global (not a context processor) so that imported macros see it too.
    app.jinja_env.globals["request_reference"] = current_request_id
