"""``/metrics`` for operators, in Prometheus's text format (made by prometheus_client).

Who may read it: a request with ``Authorization: Bearer <ENGAGE_METRICS_TOKEN>``, or one from
an address in ``ENGAGE_METRICS_ALLOW`` (comma-separated addresses or networks; the address
is the visitor's as ``ENGAGE_TRUSTED_PROXIES`` works it out). With neither setting the page
is not there (404); anyone else is refused in words (403). No public page links to it.

Two kinds of figure:

- Counted in the process (prometheus_client counters and histograms): requests by endpoint
  (the route's name, never the address typed, so the number of series stays bounded), method
  and status; request duration by endpoint; survey answers sent; mail sent and failed. With
  several gunicorn workers (and the ``engage send-mail`` command) set
  ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder shared by them, made empty at each start
  (docs/deployment.md): every process writes its counts there and ``/metrics`` adds them up
  (prometheus_client's multiprocess mode), whichever worker answers. Without it each process
  counts its own (one process: ``make run``, tests).
- Read from the database at each scrape (the same whichever node or worker answers): mail
  waiting, failing and given up in the outbox, imports running and failed, search work
  queued but not yet written (index lag). A capability adds one with ``register_gauge``
  (core imports no capability)::

      metrics.register_gauge("engage_queue_jobs", "Jobs on the queue by state.", ("queue", "state"),
                             lambda: {("default", "waiting"): 3, ("default", "dead"): 1})

  The function runs in an app context at each scrape and returns ``{label values: number}``
  (a plain number when there are no labels). A failing source is left out of that scrape
  (and logged), never a failed scrape.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import time
from typing import Callable

from flask import Flask, Response, current_app, g, request

# A command run by hand with the web service's settings (PROMETHEUS_MULTIPROC_DIR) while the
# web service, whose folder it is, is stopped: make the folder, or count in memory instead,
# rather than fail to start.
_folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _folder and not os.path.isdir(_folder):
    try:
        os.makedirs(_folder, exist_ok=True)
    except OSError:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily

# No "_created" series beside each counter (the time it was first counted): they double the
# output and nobody graphs them.
disable_created_metrics()

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter("engage_http_requests", "Requests answered, by endpoint (route name), method and status.",
                   ("endpoint", "method", "status"))
LATENCY = Histogram("engage_http_request_duration_seconds", "Time to answer a request, by endpoint (route name).",
                    ("endpoint",), buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
SURVEY_SUBMISSIONS = Counter("engage_survey_submissions", "Survey answers sent and saved, by channel.", ("channel",))
MAIL_SENT = Counter("engage_mail_sent", "Emails the mail server accepted.")
MAIL_FAILED = Counter("engage_mail_failed", "Emails the mail server did not accept: retry (tried again later) "
                      "or given_up.", ("outcome",))

# Shown as 0 before the first one, so that a graph or an alert has a series from the start.
SURVEY_SUBMISSIONS.labels(channel="online")
MAIL_FAILED.labels(outcome="retry")
MAIL_FAILED.labels(outcome="given_up")

_GAUGES: dict[str, tuple[str, tuple[str, ...], Callable[[], object]]] = {}


def register_gauge(name: str, documentation: str, labels: tuple[str, ...], source: Callable[[], object]) -> None:
    """A figure read at each scrape (see the module's docstring). Registering a name again
    replaces it (each app registers its own once)."""
    _GAUGES[name] = (documentation, tuple(labels), source)


class _ReadAtScrape:
    """The registered gauges, read now (in the scraping request's app context)."""

    def collect(self):
        for name, (documentation, labels, source) in sorted(_GAUGES.items()):
            try:
                values = source()
            except Exception:  # noqa: BLE001  (one broken source never breaks the scrape)
                current_app.logger.exception("Metric %s could not be read", name)
                from ..extensions import db

                db.session.rollback()
                continue
            family = GaugeMetricFamily(name, documentation, labels=list(labels))
            if not labels:
                family.add_metric([], float(values or 0))
            else:
                for key, value in sorted((values or {}).items()):
                    key = key if isinstance(key, tuple) else (key,)
                    family.add_metric([str(k) for k in key], float(value or 0))
            yield family


def _counted_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _allowed() -> bool | None:
    """True: may read; False: refused; None: /metrics is switched off (nothing set)."""
    config = current_app.config
    token = config.get("ENGAGE_METRICS_TOKEN") or ""
    networks = [n.strip() for n in str(config.get("ENGAGE_METRICS_ALLOW") or "").split(",") if n.strip()]
    if not token and not networks:
        return None
    if token:
        sent = request.headers.get("Authorization", "")
        if sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip().encode(), token.encode()):
            return True
    if networks and request.remote_addr:
        try:
            address = ipaddress.ip_address(request.remote_addr)
        except ValueError:
            return False
        for network in networks:
            try:
                if address in ipaddress.ip_network(network, strict=False):
                    return True
            except ValueError:
                current_app.logger.warning("ENGAGE_METRICS_ALLOW has an entry that is not an address: %r", network)
    return False


def survey_submitted(channel: str) -> None:
    SURVEY_SUBMISSIONS.labels(channel=channel).inc()


def init_app(app: Flask) -> None:
    from .errors import error_response

    @app.route("/metrics")
    def metrics():
        allowed = _allowed()
        if allowed is None:
            return error_response(404)
        if not allowed:
            return error_response(403, "These figures are for the people who run this site. Send the "
                                       "operators' token, or ask from an address they allowed.")
        body = generate_latest(_counted_registry())
        scraped = CollectorRegistry(auto_describe=False)
        scraped.register(_ReadAtScrape())
        body += generate_latest(scraped)
        response = Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def _count(response):
        started = g.get("request_started")
        endpoint = request.endpoint or "(no route)"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(endpoint=endpoint, method=method, status=str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - started)
        return response

    from . import mail

    def _outbox():
        counts = mail.summary()
        return {("waiting",): counts["waiting"], ("failing",): counts["failing"], ("sent",): counts["sent"],
                ("given_up",): counts["given_up"]}

    from . import jobs

    register_gauge("engage_import_jobs", "Imports (uploads worked on in the background) kept for a day, by "
                   "kind and state: running, stalled (its worker died), failed, done.", ("kind", "state"), jobs.counts)
    from . import queue

    register_gauge("engage_queue_jobs", "Background jobs on the queue (engage/core/queue.py) by state: queued, "
                   "running, done, dead (failed after the last try: the dead-letter list).", ("state",),
                   lambda: {(state,): count for state, count in queue.counts().items()})
    register_gauge("engage_mail_outbox_messages", "Emails in the outbox: waiting (of which failing: tried and "
                   "not yet accepted), sent and given_up, whichever process or node sent them.", ("state",), _outbox)
