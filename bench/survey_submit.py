"""Survey submissions under load: Engage served by gunicorn (2 workers) on 127.0.0.1, on
SQLite (and on PostgreSQL too when BENCH_DATABASE_URL is set), beside a bare Flask endpoint
that inserts one row into the same database (the ceiling).

What is measured, per database:
- ``submits_per_s``: completed submissions per second. Residents first answer the survey's
  page (a draft is saved: not timed), then all send their answers ("Send my answers") at a
  bounded concurrency; a submission is complete when Engage answers 303 to the confirmation
  page, after its commit. ``p95_ms`` is the 95th percentile of that request.
- ``journeys_per_s``: whole journeys (start page, start, one page of answers, send) per
  second at the same concurrency, for context.
- ``ceiling_per_s``: the bare endpoint's inserts per second at the same concurrency, through
  gunicorn with 2 workers too; ``ratio`` = submits_per_s / ceiling_per_s (aim: 0.5 or more).
- ``errors``: requests that failed in the timed runs (aim: 0).
- ``lost``: answers acknowledged to a resident but missing from the database, counted after a
  run of whole journeys during which one gunicorn worker is killed with SIGKILL half way
  (``killed_worker``); requests cut off by the kill are not acknowledged and are counted in
  ``kill_errors`` (aim for ``lost``: 0).

Prints one JSON object per line. Everything runs in a temporary folder; nothing else is
touched. Bounded: SUBMITS submissions, CONCURRENCY at a time, each request with a timeout.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBMITS = int(os.environ.get("BENCH_SUBMITS", 300))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 16))
KILL_JOURNEYS = int(os.environ.get("BENCH_KILL_JOURNEYS", 200))
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

CEILING_APP = '''
import os
from flask import Flask
from sqlalchemy import create_engine, text
import engage.core.database  # the same SQLite connection settings as Engage (WAL, synchronous)
engine = create_engine(os.environ["BENCH_URL"], pool_pre_ping=True)
app = Flask(__name__)
@app.post("/insert")
def insert():
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_ceiling (value) VALUES (:v)"), {"v": "x"})
    return "ok"
'''


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def fresh_postgres(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(sqlalchemy_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def prepare(url: str, folder: Path) -> dict:
    """Engage's schema by its migrations, a ward tree and an open one-page survey."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from engage import create_app
    from engage.consultations.models import Consultation
    from engage.extensions import db
    from engage.partnership.models import Area, Organisation
    from engage.surveys import builder

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "ENGAGE_INDEX_DIR": str(folder / "index"),
                      "ENGAGE_UPLOAD_DIR": str(folder / "uploads")})
    with app.app_context():
        upgrade()
        db.session.execute(text("CREATE TABLE bench_ceiling (id SERIAL PRIMARY KEY, value VARCHAR(10))" if url.startswith("postgresql")
                                else "CREATE TABLE bench_ceiling (id INTEGER PRIMARY KEY AUTOINCREMENT, value VARCHAR(10))"))
        org = Organisation(name="Bench Council", kind="council")
        borough = Area(name="Benchborough", level="borough")
        db.session.add_all([org, borough])
        db.session.flush()
        wards = [Area(name=f"Ward {n}", level="ward", parent_id=borough.id, priority_ward=n < 3) for n in range(10)]
        db.session.add_all(wards)
        consultation = Consultation(title="Bench consultation", summary="Bench", lead_organisation_id=org.id, visibility="public")
        db.session.add(consultation)
        db.session.flush()
        survey = builder.create_survey(None, consultation, {"title": "Bench survey", "opens_at": datetime.now() - timedelta(days=1),
                                                            "closes_at": datetime.now() + timedelta(days=30), "one_per_browser": True})
        section = survey.sections[0]
        questions = [
            builder.add_question(None, survey, section, "area", {"text": "Your ward", "required": True}),
            builder.add_question(None, survey, section, "agreement", {"text": "My street is clean", "required": True,
                                                                      "options": "Agree\nNeither\nDisagree"}),
            builder.add_question(None, survey, section, "multiple", {"text": "Problems", "options": "Litter\nDogs\nGraffiti\nVerges"}),
            builder.add_question(None, survey, section, "rating", {"text": "Rate your park"}),
            builder.add_question(None, survey, section, "short_text", {"text": "Your tag"}),
        ]
        db.session.commit()
        info = {"id": survey.id, "wards": [w.id for w in wards],
                "questions": [(q.id, q.qtype, [o.id for o in q.choices()]) for q in questions]}
        db.session.remove()
        db.engine.dispose()
    return info


def answers_for(info: dict, n: int, tag: str) -> dict:
    out = {}
    for qid, qtype, options in info["questions"]:
        if qtype == "area":
            out[f"q{qid}"] = str(info["wards"][n % len(info["wards"])])
        elif qtype == "agreement":
            out[f"q{qid}"] = str(options[n % len(options)])
        elif qtype == "multiple":
            out[f"q{qid}"] = [str(options[0]), str(options[(n % 3) + 1])]
        elif qtype == "rating":
            out[f"q{qid}"] = str(n % 11)
        else:
            out[f"q{qid}"] = tag
    return out


class Resident:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.token = ""

    def request(self, path: str, data: dict | None = None):
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrf_token": self.token}, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read()

    def open_start(self, survey_id: int) -> bool:
        status, _, page = self.request(f"/surveys/{survey_id}")
        match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        self.token = match.group(1).decode() if match else ""
        return status == 200 and bool(self.token)

    def answer_page(self, info: dict, n: int, tag: str) -> bool:
        status, location, _ = self.request(f"/surveys/{info['id']}", {})
        if status != 302 or not location.endswith("/page/0"):
            return False
        status, location, _ = self.request(f"/surveys/{info['id']}/page/0", answers_for(info, n, tag))
        return status == 302 and location.endswith("/check")

    def send(self, survey_id: int) -> bool:
        status, location, _ = self.request(f"/surveys/{survey_id}/check", {"email": ""})
        return status == 303 and location.endswith("/done")


class Server:
    def __init__(self, module: str, folder: Path, env: dict, chdir: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5",
             "--log-level", "warning", module],
            cwd=str(chdir), env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=open(folder / f"gunicorn-{self.port}.log", "w"))
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: see {folder}")
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    out.append(int(entry.name))
        return out

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run_ceiling(base: str) -> tuple[float, int]:
    errors = 0
    lock = threading.Lock()

    def one(_):
        nonlocal errors
        request = urllib.request.Request(base + "/insert", data=b"", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                ok = response.status == 200
        except Exception:
            ok = False
        if not ok:
            with lock:
                errors += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(one, range(SUBMITS)))
    return SUBMITS / (time.perf_counter() - started), errors


def run_submits(base: str, info: dict) -> dict:
    residents = [Resident(base) for _ in range(SUBMITS)]

    def prepare_one(n):
        r = residents[n]
        return r.open_start(info["id"]) and r.answer_page(info, n, f"s{n}")

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        ready = list(pool.map(prepare_one, range(SUBMITS)))
    times: list[float] = []
    errors = sum(1 for ok in ready if not ok)
    lock = threading.Lock()

    def send(n):
        nonlocal errors
        if not ready[n]:
            return
        started = time.perf_counter()
        ok = residents[n].send(info["id"])
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            times.append(elapsed)
            if not ok:
                errors += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(send, range(SUBMITS)))
    seconds = time.perf_counter() - started
    return {"submits_per_s": round(len(times) / seconds, 1), "p95_ms": round(p95(times), 1),
            "median_ms": round(statistics.median(times), 1) if times else 0.0, "errors": errors}


def run_journeys(base: str, info: dict, count: int, tag: str, on_half=None) -> tuple[list[str], int, float]:
    acknowledged: list[str] = []
    errors = 0
    lock = threading.Lock()
    fired = threading.Event()

    def journey(n):
        nonlocal errors
        r = Resident(base)
        name = f"{tag}{n}"
        try:
            ok = r.open_start(info["id"]) and r.answer_page(info, n, name) and r.send(info["id"])
        except Exception:
            ok = False
        with lock:
            if ok:
                acknowledged.append(name)
            else:
                errors += 1
            done = len(acknowledged) + errors
        if on_half is not None and done >= count // 2 and not fired.is_set():
            fired.set()
            on_half()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(journey, range(count)))
    return acknowledged, errors, count / (time.perf_counter() - started)


def stored_tags(url: str) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.text FROM survey_answer a JOIN survey_response r ON r.id = a.response_id "
            "WHERE r.status = 'complete' AND a.text IS NOT NULL")).all()
    engine.dispose()
    return {row[0] for row in rows}


def bench(name: str, url: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"engage-bench-{name}-"))
    info = prepare(url, folder)
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "ENGAGE_INDEX_DIR": str(folder / "index"),
           "ENGAGE_UPLOAD_DIR": str(folder / "uploads"), "ENGAGE_SURVEY_RATE_LIMIT": "1000000 per hour",
           "ENGAGE_ENV": "development", "BENCH_URL": url}
    (folder / "ceiling_app.py").write_text(CEILING_APP)
    ceiling = Server("ceiling_app:app", folder, {**env, "PYTHONPATH": str(ROOT)}, folder)
    try:
        ceiling_rate, ceiling_errors = run_ceiling(ceiling.base)
    finally:
        ceiling.stop()
    engage = Server("wsgi:app", folder, env, ROOT)
    try:
        submits = run_submits(engage.base, info)
        _, journey_errors, journeys_per_s = run_journeys(engage.base, info, min(SUBMITS, 200), "j")
        killed: list[int] = []

        def kill_one():
            workers = engage.workers()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])

        acknowledged, kill_errors, _ = run_journeys(engage.base, info, KILL_JOURNEYS, "k", on_half=kill_one)
    finally:
        engage.stop()
    stored = stored_tags(url)
    lost = [tag for tag in acknowledged if tag not in stored]
    return {"bench": "survey_submit", "database": name, "submits_per_s": submits["submits_per_s"],
            "ceiling_per_s": round(ceiling_rate, 1), "ratio": round(submits["submits_per_s"] / ceiling_rate, 2) if ceiling_rate else None,
            "p95_ms": submits["p95_ms"], "median_ms": submits["median_ms"], "errors": submits["errors"] + journey_errors + ceiling_errors,
            "lost": len(lost), "journeys_per_s": round(journeys_per_s, 1), "killed_worker": bool(killed),
            "acknowledged_during_kill": len(acknowledged), "kill_errors": kill_errors,
            "submissions": SUBMITS, "concurrency": CONCURRENCY, "workers": 2}


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="engage-bench-sqlite-") as tmp:
        results.append(bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}"))
        print(json.dumps(results[-1]), flush=True)
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        results.append(bench("postgresql", fresh_postgres(pg)))
        print(json.dumps(results[-1]), flush=True)
    return 0 if all(r["errors"] == 0 and r["lost"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
