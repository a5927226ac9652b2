"""With several gunicorn workers, /metrics adds up every worker's counts (prometheus_client's
multiprocess mode, PROMETHEUS_MULTIPROC_DIR, deploy/gunicorn.conf.py), whichever worker
answers the scrape; and gunicorn's own lines are JSON like the app's. The database plays no
part: it runs in the PostgreSQL pass only (tests/conftest.py ``in_the_postgresql_pass``)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import in_the_postgresql_pass

pytestmark = in_the_postgresql_pass("gunicorn's workers add up their counts the same way whatever the database")

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "workers-token-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _count(text: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "engage_http_requests_total" and sample.labels.get("endpoint") == "consultations.page":
                total += sample.value
    return total


def test_two_workers_counts_add_up(_schema, tmp_path):
    """With the folder set (systemd's RuntimeDirectory)."""
    folder = tmp_path / "prometheus"
    seen = _serve_and_count(_schema, tmp_path, folder, {"PROMETHEUS_MULTIPROC_DIR": str(folder)})
    assert seen["workers"] >= 2 and seen["scraped"] == [seen["sent"]] * 6


def test_two_workers_counts_add_up_with_no_setting(_schema, tmp_path):
    """By default: gunicorn's settings make a private folder (in the temporary folder) for its
    workers, and remove it when gunicorn stops."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    seen = _serve_and_count(_schema, tmp_path, None, {"TMPDIR": str(temporary)})
    assert seen["workers"] >= 2 and seen["scraped"] == [seen["sent"]] * 6
    assert not list(temporary.glob("engage-metrics-*")), "the folder gunicorn made is removed when it stops"


def _serve_and_count(_schema, tmp_path, folder, settings: dict) -> dict:
    """Serve with gunicorn (2 workers), send requests, scrape /metrics six times: how many
    requests were sent, how many worker files counted them, and each scrape's total."""
    port = _free_port()
    base_env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env = {**base_env, **settings, "DATABASE_URL": _schema, "ENGAGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "SECRET_KEY": "workers-test", "ENGAGE_INDEX_DIR": str(tmp_path / "index"),
           "ENGAGE_UPLOAD_DIR": str(tmp_path / "uploads"), "ENGAGE_SEARCH_BACKEND":
           "postgres" if _schema.startswith("postgresql") else "whoosh",
           "ENGAGE_METRICS_TOKEN": TOKEN, "ENGAGE_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "ENGAGE_WEB_THREADS": "1", "ENGAGE_LOG_FORMAT": "json", "ENGAGE_MAIL_BACKGROUND": "0"}
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(base + "/consultations/1")[0] == 404:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not answer within two minutes"
            time.sleep(0.2)
        sent = 1
        # Many at once, so that both workers answer some.
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: _get(f"{base}/consultations/{800000 + n}")[0], range(60)))
        assert statuses == [404] * 60
        sent += 60
        if folder is None:   # the one gunicorn made
            made = list((tmp_path / "tmp").glob("engage-metrics-*"))
            assert len(made) == 1, made
            folder = made[0]
        files = {p.name for p in folder.glob("counter_*.db")}
        assert len(files) >= 2, f"one worker answered everything: {files}"
        # Whichever worker answers the scrape, the figure is the sum over both.
        scraped = []
        for _ in range(6):
            status, text = _get(base + "/metrics", TOKEN)
            assert status == 200
            scraped.append(_count(text))
        assert _get(base + "/metrics")[0] == 403
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    log.seek(0)
    lines = [line for line in log.read().splitlines() if line.strip()]
    # gunicorn's own lines (starting, booting workers) and the app's are JSON objects.
    parsed = [json.loads(line) for line in lines]
    assert any(p["logger"] == "gunicorn.error" for p in parsed)
    assert any(p["logger"] == "engage.request" and p["request_id"] for p in parsed)
    return {"sent": sent, "workers": len(files), "scraped": scraped}
