"""Engage's floor for ``bench/pages.py``: the whole Engage app (every request hook, the
session cookie read and signed again, logs, metrics, security headers) with one more route
that reads a resident's session and returns a fixed page the size of a survey question page.
A page that also reads anything from the database costs more than this, so its throughput
beside the bare Flask page is the most a survey question page (which must read the resident's
draft) could reach. Not a bench itself: ``gunicorn --chdir <repository> floor_app:app`` with
bench/ on PYTHONPATH."""
from flask import session

from wsgi import app

PAGE = "<!DOCTYPE html><html lang=\"en\"><head><title>Floor</title></head><body><main><h1>Floor</h1><p>" + \
    "A fixed page the size of a survey question page. " * 220 + "</p></main></body></html>"


@app.route("/bench-floor")
def bench_floor():
    session.get("surveys")
    return PAGE
