"""gunicorn's settings for Engage (docs/deployment.md): ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every value can be changed through the environment without editing this file:
``ENGAGE_BIND`` (default 127.0.0.1:8000, the reverse proxy's upstream), ``WEB_CONCURRENCY``
(workers, default 2), ``ENGAGE_WEB_THREADS`` (threads per worker, default 4),
``ENGAGE_WEB_TIMEOUT`` (seconds, default 60).

Logs: gunicorn's own lines go through Engage's formatter (JSON unless ENGAGE_LOG_FORMAT=text);
there is no access log: the app writes one line per request itself, with the request id and
the route's pattern instead of the address typed (which may hold search words or tokens).

Metrics: /metrics adds up every worker's counts (prometheus_client's multiprocess mode). The
workers share a folder: PROMETHEUS_MULTIPROC_DIR when set (systemd's RuntimeDirectory), else a
new private one in the temporary folder, made here before any worker starts and removed when
gunicorn stops. It is emptied when gunicorn starts, and a worker's live figures are dropped
when it ends.
"""
import os
import shutil
import tempfile
from pathlib import Path

# Before any worker (and so prometheus_client) starts: every worker inherits the setting. A
# reload (HUP) reads this file again with the folder already set, and keeps it.
_MADE = "PROMETHEUS_MULTIPROC_DIR_MADE_BY_GUNICORN"   # set by this file only: the folder it made (removed at exit)
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _made_folder = tempfile.mkdtemp(prefix="engage-metrics-")
    os.environ.update({"PROMETHEUS_MULTIPROC_DIR": _made_folder, _MADE: _made_folder})

bind = os.environ.get("ENGAGE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("ENGAGE_WEB_THREADS", "4"))
timeout = int(os.environ.get("ENGAGE_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Behind nginx on the same machine: the proxy's address is the only one gunicorn believes for
# X-Forwarded-*; Engage itself decides with ENGAGE_TRUSTED_PROXIES (ProxyFix).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "engage": {"()": "engage.core.logs.make_formatter", "kind": os.environ.get("ENGAGE_LOG_FORMAT", "json")},
    },
    "handlers": {
        "engage": {"class": "logging.StreamHandler", "formatter": "engage", "stream": "ext://sys.stderr"},
    },
    # The app puts its own handler on the root logger when it starts (engage/core/logs.py).
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["engage"], "propagate": False, "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False, "qualname": "gunicorn.access"},
    },
}


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink(missing_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    made = os.environ.get(_MADE)
    if made and made == os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(made, ignore_errors=True)
