"""Public pages under load: Engage's pages against a bare Flask page, in the same run.

A press release sends thousands of residents to one survey within an hour (issue 21). This
builds the Halton demo into a temporary SQLite database (``flask db upgrade``, ``engage
seed-demo``, ``engage reindex``, as ``make run`` does), starts Engage under gunicorn (2 sync
workers) and, beside it, a bare Flask app rendering a small template (``bench/bare_app.py``,
the same gunicorn settings), and drives each public page with a load generator: the home page,
the open survey's start page and each of its question pages (a real draft per connection: the
start page's form is sent with its token, and each connection keeps its own cookies), the
consultations list, "You said, we did", the strategy page, a published findings report and a
consultation search.

The load generator is this script's own (no wrk on CI): 2 processes (as wrk's 2 threads), each
holding 8 connections (16 in all) with asyncio, each connection sending its next request as
soon as the last one is answered (gunicorn's sync workers close the connection after each
answer, so each request opens a new one, as wrk's do against them). Every figure is from the
same run as the bare page's: the bare page is measured first and last, and each page's ratio is
its requests/s over the mean of the two. On a shared machine absolute figures are noisy; the
ratios are what to compare.

Each page's line also gives the SQL statements one request runs (counted in-process with a
SQLAlchemy event on a test client of the same database).

Aim (issue 21): every public page at least 0.25 of the bare page's requests/s, the survey
journey's pages (start and question pages) at least 0.5.

Engage's floor, in the same run: the whole Engage app with one bench-only route that reads a
resident's session and returns a fixed page the size of a question page (bench/floor_app.py,
driven with the question pages' cookies). Every request hook, the session and the server's
own work are in it and nothing else, so it is the most a page that must also read the
database (a question page reads the resident's draft) could reach.

Settings: BENCH_PAGE_SECONDS (default 5) of measured load per page after 1 s of warm-up;
BENCH_CONNECTIONS (16); BENCH_PROCESSES (2). Prints one JSON object per line.
"""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("BENCH_PAGE_SECONDS", 5))
WARM_UP = 1.0
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 16))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", 2))
HOST = "127.0.0.1"
AIM_PUBLIC, AIM_JOURNEY = 0.25, 0.5
SEARCH_WORDS = "litter"


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    f, c = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[f] + (ordered[c] - ordered[f]) * (k - f)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ---- the load generator ------------------------------------------------------------------

async def _connection(port: int, request: bytes, deadline: float, started_after: float, out: dict) -> None:
    while True:
        t0 = time.perf_counter()
        if t0 >= deadline:
            return
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            data = await reader.read()  # to the end: the server closes after its answer
            writer.close()
        except OSError:
            out["errors"] += 1
            await asyncio.sleep(0.01)
            continue
        t1 = time.perf_counter()
        if t1 > deadline:
            return  # answered after the window closed: not counted
        ok = data[:12].split(b" ")[1:2] == [b"200"] if data.startswith(b"HTTP/1.") else False
        if t0 >= started_after:
            if ok:
                out["latencies"].append((t1 - t0) * 1000)
            else:
                out["errors"] += 1


def _drive(port: int, requests: list[bytes], warm_up: float, seconds: float) -> dict:
    """One process's share: each request (bytes) is one connection's, sent over and over."""
    out = {"latencies": [], "errors": 0}
    now = time.perf_counter()
    started_after, deadline = now + warm_up, now + warm_up + seconds

    async def main():
        await asyncio.gather(*(_connection(port, r, deadline, started_after, out) for r in requests))

    asyncio.run(main())
    return out


def _request(path: str, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", "User-Agent: engage-bench", "Accept: text/html", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def measure(pool, port: int, requests: list[bytes]) -> dict:
    """Requests/s and latency over SECONDS, after WARM_UP, from PROCESSES processes."""
    shares = [requests[i::PROCESSES] for i in range(PROCESSES)]
    results = list(pool.map(_drive, [port] * PROCESSES, shares, [WARM_UP] * PROCESSES, [SECONDS] * PROCESSES))
    latencies = [t for r in results for t in r["latencies"]]
    return {
        "requests_per_second": round(len(latencies) / SECONDS, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "requests": len(latencies),
        "errors": sum(r["errors"] for r in results),
    }


# ---- the servers -------------------------------------------------------------------------

def start_gunicorn(app: str, port: int, env: dict, chdir: Path, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"{HOST}:{port}", "--chdir", str(chdir),
         "--log-level", "warning", app],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn for {app} stopped: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                # Both workers: a few more requests so neither is loading the app when timed.
                for _ in range(6):
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                    conn.request("GET", "/")
                    conn.getresponse().read()
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {app} did not answer within 120 s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# ---- the demo and its pages --------------------------------------------------------------

def demo_env(folder: Path, public_url: str, secret: str) -> dict:
    """The environment of an Engage whose database, index and uploads are in ``folder``."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite:///{folder / 'engage.db'}", "SECRET_KEY": secret,
        "ENGAGE_INDEX_DIR": str(folder / "index"), "ENGAGE_UPLOAD_DIR": str(folder / "uploads"),
        "ENGAGE_PUBLIC_URL": public_url, "ENGAGE_ENV": "development",
        "ENGAGE_SEARCH_BACKEND": "whoosh", "PYTHONPATH": str(ROOT),
    })
    env.pop("ENGAGE_INSTANCE", None)
    return env


def build_demo(env: dict, log: Path) -> None:
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    with log.open("ab") as out:
        for args in (["db", "upgrade"], ["engage", "seed-demo"], ["engage", "reindex"]):
            subprocess.run(flask + args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=True)


def find_pages(env: dict) -> tuple[dict, dict]:
    """The pages to drive (name -> path) and the SQL statements each runs once, in-process on
    the same database. The survey is the demo's open survey; its question pages those a new
    draft is shown."""
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "SECRET_KEY", "ENGAGE_INDEX_DIR",
                                                                "ENGAGE_UPLOAD_DIR", "ENGAGE_PUBLIC_URL")})
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event, select

    from engage import create_app
    from engage.extensions import db
    from engage.surveys.models import Survey

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    pages: dict[str, str] = {"home": "/"}
    with app.app_context():
        survey = next(s for s in db.session.scalars(select(Survey).order_by(Survey.id)) if s.state == "open")
        survey_id = survey.id
        client = app.test_client()
        pages["survey start"] = f"/surveys/{survey_id}"
        reply = client.post(f"/surveys/{survey_id}", data={})
        first = re.search(r"/page/(\d+)", reply.headers.get("Location", ""))
        if first is None:
            raise RuntimeError(f"starting the demo survey did not lead to a question page ({reply.status_code})")
        index = int(first.group(1))
        while True:
            reply = client.get(f"/surveys/{survey_id}/page/{index}")
            if reply.status_code == 200:
                pages[f"survey question page {index}"] = f"/surveys/{survey_id}/page/{index}"
            elif reply.status_code != 302 or "/page/" not in reply.headers.get("Location", ""):
                break
            index += 1
            if index > 50:
                break
        pages["consultations"] = "/consultations"
        pages["you said, we did"] = "/you-said-we-did"
        pages["strategy"] = "/strategy"
        listing = client.get("/you-said-we-did").get_data(as_text=True)
        report = re.search(r'href="(/findings/\d+)"', listing)
        if report is None:
            raise RuntimeError("no published findings report on /you-said-we-did")
        pages["findings report"] = report.group(1)
        pages["consultation search"] = f"/consultations/search?q={SEARCH_WORDS}"
        engine = db.engine
        db.session.remove()

    # Each request on its own (its own app context and session, as under gunicorn).
    counted = {"n": 0}

    def count(*_args):
        counted["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    queries = {}
    for name, path in pages.items():
        client.get(path)  # once first: what is set up on a first visit is not counted
        counted["n"] = 0
        status = client.get(path).status_code
        queries[name] = counted["n"] if status == 200 else None
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return pages, queries


def survey_cookies(port: int, survey_path: str, n: int) -> list[str]:
    """``n`` residents each starting the survey for real (the form's token, its cookies): the
    Cookie header each then sends with the question pages."""
    out = []
    for _ in range(n):
        jar = SimpleCookie()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request("GET", survey_path)
        reply = conn.getresponse()
        body = reply.read().decode()
        for header in reply.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
        form = f"csrf_token={token.group(1)}" if token else ""
        cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request("POST", survey_path, body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        reply = conn.getresponse()
        reply.read()
        if reply.status != 302 or "/page/" not in (reply.headers.get("Location") or ""):
            raise RuntimeError(f"starting the survey over HTTP gave {reply.status}")
        for header in reply.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        out.append("; ".join(f"{k}={m.value}" for k, m in jar.items() if m.value))
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port, bare_port, floor_port = free_port(), free_port(), free_port()
        env = demo_env(folder, f"http://{HOST}:{port}", "bench-pages")
        started = time.perf_counter()
        build_demo(env, folder / "build.log")
        pages, queries = find_pages(env)
        emit({"bench": "pages", "step": "demo", "seconds": round(time.perf_counter() - started, 1), "pages": len(pages)})

        engage = bare = floor = None
        try:
            engage = start_gunicorn("wsgi:app", port, env, ROOT, folder / "engage.log")
            bare = start_gunicorn("bare_app:app", bare_port, env, ROOT / "bench", folder / "bare.log")
            floor = start_gunicorn("floor_app:app", floor_port, {**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"},
                                   ROOT, folder / "floor.log")
            survey_path = pages["survey start"]
            cookies = survey_cookies(port, survey_path, CONNECTIONS)
            with ProcessPoolExecutor(PROCESSES) as pool:
                first = measure(pool, bare_port, [_request("/")] * CONNECTIONS)
                results = {}
                for name, path in pages.items():
                    journey = name.startswith("survey")
                    requests = [_request(path, cookie) for cookie in cookies] if "question" in name else [_request(path)] * CONNECTIONS
                    results[name] = (path, journey, measure(pool, port, requests))
                # Engage's floor for a page with a resident's session (bench/floor_app.py).
                floor_figures = measure(pool, floor_port, [_request("/bench-floor", cookie) for cookie in cookies])
                last = measure(pool, bare_port, [_request("/")] * CONNECTIONS)
            bare_rps = (first["requests_per_second"] + last["requests_per_second"]) / 2
            emit({"bench": "pages", "page": "bare Flask page", "path": "/", **first,
                  "requests_per_second_at_end": last["requests_per_second"], "p50_ms_at_end": last["p50_ms"],
                  "p99_ms_at_end": last["p99_ms"], "load": f"{PROCESSES} processes, {CONNECTIONS} connections, {SECONDS:g} s"})
            met = 0
            for name, (path, journey, figures) in results.items():
                ratio = figures["requests_per_second"] / bare_rps if bare_rps else 0
                aim = AIM_JOURNEY if journey else AIM_PUBLIC
                met += ratio >= aim
                emit({"bench": "pages", "page": name, "path": path, **figures, "ratio_to_bare": round(ratio, 2),
                      "queries": queries.get(name), "aim": f">= {aim} of bare", "meets_aim": ratio >= aim})
            emit({"bench": "pages", "page": "Engage floor: a fixed page after reading the session", "path": "/bench-floor",
                  **floor_figures, "ratio_to_bare": round(floor_figures["requests_per_second"] / bare_rps, 2),
                  "note": "the most a page that also reads the database could reach (bench/floor_app.py)"})
            emit({"bench": "pages", "step": "summary", "bare_requests_per_second": round(bare_rps, 1),
                  "pages_meeting_aim": f"{met} of {len(results)}"})
        finally:
            stop(engage)
            stop(bare)
            stop(floor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
