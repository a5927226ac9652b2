"""Two web nodes under load while one is killed (issue 21, "Load and faults").

Two ``gunicorn wsgi:app`` nodes (bench/nodes_support.py) on loopback ports share one
PostgreSQL database (the postgres search backend), one SECRET_KEY, one upload folder and one
Redis server for the rate limits. RESPONDENTS simulated residents (threads, one cookie jar
each) answer the demo survey ("Cleaner streets and parks survey"), page by page, over and over,
through a small round-robin load balancer: a node that refuses connections is left out for a
second and the request goes to the other (as a proxy does when it cannot connect); a request
cut off half way is an error the resident sees, and they send it again (up to 5 times).

Three runs, each for a fixed time:
1. ``one``: one node alone (journeys per second).
2. ``two``: both nodes (journeys per second; ``ratio`` = two / one).
3. ``kill``: both nodes, and KILL_AFTER seconds in node B is killed with kill -9 (its master
   and workers, no warning), then started again DOWN_SECONDS later. Meanwhile an officer
   imports a large results file, confirmed on node B, so the import dies with the node. Its
   job's lease (ENGAGE_JOB_LEASE_SECONDS, 5 s here) runs out and the queue (engage/core/queue.py)
   runs it again on a live node; should the progress page (read on node A) ever offer to start
   it again instead, the officer does (``restarted_by_officer``).

Figures, one JSON object per line: ``requests_per_s`` (requests answered, not failed) and
``journeys_per_s`` (whole surveys sent, about 14 requests each: on a busy machine a journey
can take longer than a run, so this one is coarse) for one and two nodes, and their ``ratio``
(of requests); the ``kill`` run's ``error_rate`` (requests that failed / requests sent while B
was down and until it answered again) and overall; ``lost``: answers acknowledged to a
resident (the "done" page received) but not in the database afterwards (must be 0); and
``import_runs``: how many times the import's figures were written (must be 1).

Needs PostgreSQL (BENCH_DATABASE_URL, a scratch database: ``<name>_scale`` is dropped and made
again) and Debian's redis-server (a private one is started on a free port). When either is
missing it prints one JSON line saying what was skipped and why, and exits 0; otherwise it
exits 1 when an acknowledged answer was lost or the import did not run exactly once.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import sys
import tempfile
import threading
import time
import urllib.error
from http.client import HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nodes_support import Missing, Node, Visitor, forms, fresh_postgres, node_environment, prepare, start_redis  # noqa: E402

RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", 50))
SECONDS = float(os.environ.get("BENCH_SCALE_SECONDS", 30))          # each of the runs "one" and "two"
KILL_SECONDS = float(os.environ.get("BENCH_KILL_SECONDS", 60))      # the run with the kill
KILL_AFTER = float(os.environ.get("BENCH_KILL_AFTER", 5))
DOWN_SECONDS = float(os.environ.get("BENCH_DOWN_SECONDS", 3))
WORKERS = int(os.environ.get("BENCH_NODE_WORKERS", 2))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 30000))
LEASE_SECONDS = 5
SURVEY = "Cleaner streets and parks survey"
OFFICER = {"email": "officer@example.org", "password": "demo-password"}
QUESTION = "Do you feel safer on the bus at night?"


def say(**figure) -> None:
    print(json.dumps({"bench": "scale", **figure}), flush=True)


# ---- the load balancer and the residents --------------------------------------------------

class Balancer:
    """Round robin over the nodes; a node that refused a connection is skipped for a second."""

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes
        self.turn = itertools.count()
        self.down_until: dict[str, float] = {}
        self.lock = threading.Lock()

    def pick(self, avoid: Node | None = None) -> Node:
        now = time.monotonic()
        with self.lock:
            for _ in range(len(self.nodes)):
                node = self.nodes[next(self.turn) % len(self.nodes)]
                if node is not avoid and self.down_until.get(node.name, 0) <= now:
                    return node
            return self.nodes[next(self.turn) % len(self.nodes)]

    def refused(self, node: Node) -> None:
        with self.lock:
            self.down_until[node.name] = time.monotonic() + 1.0


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[float, bool]] = []   # (when, failed)
        self.acknowledged: list[str] = []

    def request(self, failed: bool) -> None:
        with self.lock:
            self.requests.append((time.monotonic(), failed))

    def between(self, start: float, end: float) -> tuple[int, int]:
        with self.lock:
            window = [failed for when, failed in self.requests if start <= when <= end]
        return len(window), sum(window)


class Failed(Exception):
    pass


_ANSWERS: dict[str, list[tuple[str, str]]] = {}
_ANSWERS_LOCK = threading.Lock()


def answers(path: str, text: str) -> list[tuple[str, str]]:
    """The answers for a survey page (the first choice of each question, ranks in order, and a
    text box for the resident's own words): the same page for everyone, so worked out once."""
    with _ANSWERS_LOCK:
        if path in _ANSWERS:
            return _ANSWERS[path]
    sent, seen, ranks = [], set(), {}
    form = next(f for f in forms(text) if f["method"] == "post")
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if name in ("csrf_token", "website") or name in seen:
            continue
        if kind in ("radio", "checkbox"):
            sent.append((name, field["value"]))
            seen.add(name)
        elif kind == "select":
            values = [o[0] for o in field["options"] if o[0]]
            rank = re.fullmatch(r"(q\d+)-rank-\d+", name)
            place = ranks.get(rank.group(1), 0) if rank else 0
            if rank:
                ranks[rank.group(1)] = place + 1
            sent.append((name, values[place]))
            seen.add(name)
        elif kind == "hidden":
            sent.append((name, field["value"]))
        elif kind in ("text", "textarea") and re.fullmatch(r"q\d+", name) and "words" not in seen:
            sent.append((name, "{words}"))
            seen.update({name, "words"})
    with _ANSWERS_LOCK:
        _ANSWERS[path] = sent
    return sent


class Resident:
    def __init__(self, balancer: Balancer, tally: Tally, survey_id: int, tag: str):
        self.balancer, self.tally, self.survey_id, self.tag = balancer, tally, survey_id, tag
        self.visitor = Visitor(timeout=30)

    def _send(self, method: str, path: str, data=None):
        """One request through the balancer; sent again (up to 5 times) when it fails."""
        for attempt in range(5):
            node = self.balancer.pick()
            try:
                page = self.visitor.get(node, path) if method == "GET" else self.visitor.post(node, path, data)
            except urllib.error.URLError as error:
                if isinstance(error.reason, ConnectionRefusedError):
                    self.balancer.refused(node)   # never reached the node: the balancer tries another
                    continue
                self.tally.request(failed=True)
                time.sleep(0.2 * (attempt + 1))
                continue
            except (OSError, HTTPException):
                self.tally.request(failed=True)
                time.sleep(0.2 * (attempt + 1))
                continue
            failed = page.status >= 500
            self.tally.request(failed=failed)
            if not failed:
                return page
            time.sleep(0.2 * (attempt + 1))
        raise Failed(path)

    def journey(self, n: int) -> bool:
        words = f"{self.tag}-{n}"
        self.visitor = Visitor(timeout=30)
        start = f"/surveys/{self.survey_id}"
        self._send("GET", start)
        step = self._send("POST", start, {})
        if step.status != 302:
            return False
        for _ in range(12):
            page = self._send("GET", step.path)
            if page.status != 200:
                return False
            sent = [(k, words if v == "{words}" else v) for k, v in answers(step.path, page.text)]
            step = self._send("POST", step.path, sent)
            if step.status not in (302, 303):
                return False
            if step.path.endswith("/done"):
                with self.tally.lock:
                    self.tally.acknowledged.append(words)
                return True
        return False


def run(nodes: list[Node], survey_id: int, seconds: float, tag: str, tally: Tally, during=None) -> dict:
    """RESPONDENTS residents answering for ``seconds``; ``during(started)`` runs alongside."""
    balancer = Balancer(nodes)
    stop = threading.Event()
    done = [0]
    lock = threading.Lock()

    def resident(i: int) -> None:
        person = Resident(balancer, tally, survey_id, f"{tag}{i}")
        for n in itertools.count():
            if stop.is_set():
                return
            try:
                ok = person.journey(n)
            except Failed:
                ok = False
            if ok:
                with lock:
                    done[0] += 1

    threads = [threading.Thread(target=resident, args=(i,), daemon=True) for i in range(RESPONDENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    extra = threading.Thread(target=during, args=(started,), daemon=True) if during else None
    if extra:
        extra.start()
    time.sleep(seconds)   # the run's fixed length (the residents go on meanwhile)
    counted = done[0]
    stop.set()
    elapsed = time.monotonic() - started
    sent, failed = tally.between(started, started + elapsed)
    for thread in threads:
        thread.join(60)
    if extra:
        extra.join(300)
    return {"journeys": counted, "seconds": round(elapsed, 1), "journeys_per_s": round(counted / elapsed, 2),
            "requests_per_s": round((sent - failed) / elapsed, 1)}


# ---- the import ---------------------------------------------------------------------------

def results_file(rows: int) -> bytes:
    wards = ["Appleton", "Ditton", "Hale", "Farnworth"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "Ward", "Age band", "Sex", f"Q1 {QUESTION}", "Q2 What should we fix first?"])
    for i in range(rows):
        writer.writerow([i + 1, wards[i % 4], "16-24" if i % 2 else "65+", "Female" if i % 3 else "Male",
                         "Yes" if i % 4 == 0 else "No", "Lighting;Litter" if i % 2 else "Litter"])
    return out.getvalue().encode()


def until_moved(visitor: Visitor, node: Node, path: str, timeout: float = 300.0, on_page=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            page = visitor.get(node, path)
        except (OSError, HTTPException):
            time.sleep(0.5)
            continue
        if page.status != 200:
            return page
        if on_page is not None:
            on_page(page)
        time.sleep(0.5)
    raise RuntimeError(f"{path} did not finish within {timeout:.0f} s")


def prepare_import(a: Node, b: Node, consultation_id: int) -> tuple[Visitor, str, list]:
    """Sign in, upload the file and wait for its whole-file check: ready to confirm."""
    officer = Visitor(timeout=120)
    officer.get(a, "/sign-in")
    if officer.post(a, "/sign-in", OFFICER).status != 302:
        raise RuntimeError("the officer could not sign in")
    start = f"/consultations/{consultation_id}/results/import"
    officer.get(a, start)
    uploaded = officer.post(a, start, {"format": "raw"}, files={"file": ("bus.csv", results_file(IMPORT_ROWS))})
    if uploaded.status != 302:
        raise RuntimeError(f"the upload was refused ({uploaded.status})")
    preview = uploaded.path
    officer.get(a, preview)
    until_moved(officer, a, f"{preview}/progress")
    page = officer.get(a, preview)
    return officer, preview, page.form(preview)


# ---- the whole bench ----------------------------------------------------------------------

def one_value(url: str, sql: str, **params):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def stored(url: str, words: list[str]) -> set[str]:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT a.text FROM survey_answer a JOIN survey_response r ON r.id = a.response_id "
                                     "WHERE r.status = 'complete' AND a.text IN :words").bindparams(bindparam("words", expanding=True)),
                                {"words": words or [""]}).all()
    finally:
        engine.dispose()
    return {row[0] for row in rows}


def main() -> int:
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        say(skipped=True, why="needs PostgreSQL: set BENCH_DATABASE_URL to a scratch database (several nodes share one "
                              "PostgreSQL database; SQLite is one machine's file)")
        return 0
    from sqlalchemy.engine import make_url

    from bench.nodes_support import sqlalchemy_url

    folder = Path(tempfile.mkdtemp(prefix="engage-bench-scale-"))
    parsed = make_url(sqlalchemy_url(base))
    try:
        url = fresh_postgres(parsed.set(database=f"{parsed.database}_scale").render_as_string(hide_password=False))
        redis = start_redis(folder)
    except Missing as error:
        say(skipped=True, why=str(error))
        return 0
    nodes: list[Node] = []
    try:
        prepare(url, folder)
        env = node_environment(url, folder, redis.url, ENGAGE_SURVEY_RATE_LIMIT="1000000 per hour",
                               ENGAGE_JOB_LEASE_SECONDS=str(LEASE_SECONDS))
        a, b = Node("a", env, folder, workers=WORKERS), Node("b", env, folder, workers=WORKERS)
        nodes = [a.launch(), b.launch()]
        for node in nodes:
            node.ready()
        survey_id = one_value(url, "SELECT id FROM survey WHERE title = :t", t=SURVEY)
        consultation_id = one_value(url, "SELECT id FROM consultation WHERE title LIKE 'Area forums 2005%'")
        tally = Tally()
        common = {"respondents": RESPONDENTS, "workers_per_node": WORKERS, "cores": os.cpu_count()}

        one = run([a], survey_id, SECONDS, "one", tally)
        say(figure="journeys_per_s", nodes=1, value=one["journeys_per_s"], journeys=one["journeys"], seconds=one["seconds"],
            requests_per_s=one["requests_per_s"], **common)
        two = run([a, b], survey_id, SECONDS, "two", tally)
        say(figure="journeys_per_s", nodes=2, value=two["journeys_per_s"], journeys=two["journeys"], seconds=two["seconds"],
            requests_per_s=two["requests_per_s"], **common)
        say(figure="ratio_two_nodes_to_one", value=round(two["requests_per_s"] / one["requests_per_s"], 2) if one["requests_per_s"] else None,
            of="requests_per_s", note="both nodes and the residents share this machine's cores")

        officer, preview, mapping = prepare_import(a, b, consultation_id)
        events: dict = {"restarts": 0}
        before = len(tally.requests)

        def kill_and_import(started: float) -> None:
            confirmed = officer.post(b, preview, mapping)           # the import runs on node B
            events["import_started"] = confirmed.status == 302
            time.sleep(max(0.0, started + KILL_AFTER - time.monotonic()))
            progress = officer.get(a, f"{preview}/progress")
            events["import_running_at_kill"] = progress.status == 200 and f"{preview}/restart" not in progress.text
            events["import_done_before_kill"] = progress.path.endswith("/done")
            events["killed_at"] = time.monotonic()
            b.kill()
            time.sleep(DOWN_SECONDS)
            b.launch().ready()
            events["back_at"] = time.monotonic()

            def restart_if_stalled(page) -> None:
                if f"{preview}/restart" in page.text:   # its worker died with node B: start it again
                    officer.post(a, f"{preview}/restart", {})
                    events["restarts"] += 1

            finished = until_moved(officer, a, f"{preview}/progress", on_page=restart_if_stalled)
            events["import_done"] = finished.path.endswith("/done")
            events["import_seconds"] = round(time.monotonic() - started, 1)

        killed = run([a, b], survey_id, KILL_SECONDS, "kill", tally, during=kill_and_import)
        window_end = events.get("back_at", time.monotonic()) + 2.0
        sent, failed = tally.between(events.get("killed_at", 0.0), window_end)
        total = len(tally.requests) - before
        failed_all = sum(f for _, f in tally.requests[before:])
        say(figure="journeys_per_s", nodes=2, run="kill", value=killed["journeys_per_s"], journeys=killed["journeys"],
            seconds=killed["seconds"], requests_per_s=killed["requests_per_s"], **common)
        say(figure="error_rate_during_kill", value=round(failed / sent, 4) if sent else 0.0, failed=failed, requests=sent,
            window_s=round(window_end - events.get("killed_at", window_end), 1), down_s=DOWN_SECONDS,
            restart_s=round(events.get("back_at", 0.0) - events.get("killed_at", 0.0) - DOWN_SECONDS, 1),
            note="requests cut off when node B died, until it answered again (each sent again by its resident)")
        say(figure="error_rate_kill_run", value=round(failed_all / total, 4) if total else 0.0, failed=failed_all, requests=total)

        acknowledged = list(tally.acknowledged)
        lost = [w for w in acknowledged if w not in stored(url, acknowledged)]
        say(figure="lost", value=len(lost), acknowledged=len(acknowledged), examples=lost[:5])
        questions = one_value(url, "SELECT count(*) FROM consultation_question WHERE consultation_id = :c AND text = :q",
                              c=consultation_id, q=QUESTION)
        figures = one_value(url, "SELECT count(*) FROM consultation_figure f JOIN consultation_option o ON o.id = f.option_id "
                                 "JOIN consultation_question q ON q.id = o.question_id WHERE q.text = :q", q=QUESTION)
        distinct = one_value(url, "SELECT count(DISTINCT (f.option_id, f.segment_id)) FROM consultation_figure f JOIN consultation_option o "
                                  "ON o.id = f.option_id JOIN consultation_question q ON q.id = o.question_id WHERE q.text = :q", q=QUESTION)
        runs = questions if figures == distinct else questions + 1
        say(figure="import_runs", value=runs if events.get("import_done") else 0, rows=IMPORT_ROWS,
            running_when_killed=bool(events.get("import_running_at_kill")), done_before_kill=bool(events.get("import_done_before_kill")),
            restarted_by_officer=events["restarts"],
            seconds=events.get("import_seconds"))
        return 0 if not lost and runs == 1 and events.get("import_done") else 1
    finally:
        for node in nodes:
            node.stop()
        redis.stop()


if __name__ == "__main__":
    sys.exit(main())
