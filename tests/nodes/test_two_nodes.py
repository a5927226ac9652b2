"""Two web nodes on one PostgreSQL database (issue 21, "Several web nodes").

Two ``gunicorn wsgi:app`` nodes on loopback ports share one PostgreSQL database (the postgres
search backend), one SECRET_KEY, one upload folder and one Redis server for the rate limits,
as two machines behind a load balancer would. One visitor (one cookie jar) sends each step of
a journey to the other node: a survey started on A and carried on on B, a consultation saved
on B by an officer who signed in on A (the form token from A's page), a results import
uploaded on A, confirmed on B, confirmed again on A (it runs once) and followed on A, a
findings report moved on A from B's page, and a rate limit counted across both nodes.

The nodes are started once for the module (PostgreSQL only: SQLite is one machine's file).
"""
from __future__ import annotations

import csv
import io
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.nodes_support import Missing, Node, Visitor, fresh_postgres, node_environment, prepare, start_redis
from tests.conftest import require

pytestmark = pytest.mark.postgres

RESUME_LIMIT = 4  # saved-answer codes tried per address per minute, on both nodes together
OFFICER = {"email": "officer@example.org", "password": "demo-password"}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("two web nodes share one PostgreSQL database: this runs when the tests run on PostgreSQL "
                    "(TEST_DATABASE_URL); SQLite is one machine's file")
    folder = tmp_path_factory.mktemp("nodes")
    parsed = make_url(base)
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    try:
        url = fresh_postgres(parsed.set(database=f"{parsed.database}_nodes_{worker}").render_as_string(hide_password=False))
    except Missing as error:
        require(False, str(error))
    try:
        redis = start_redis(folder)
    except Missing as error:
        require(False, str(error))
    started: list[Node] = []
    try:
        prepare(url, folder)
        env = node_environment(url, folder, redis.url, ENGAGE_SURVEY_RESUME_LIMIT=f"{RESUME_LIMIT} per minute",
                               ENGAGE_MAIL_BACKGROUND="0")
        started.extend(Node(name, env, folder).launch() for name in ("a", "b"))
        for node in started:
            node.ready()
        engine = create_engine(url)
        yield started[0], started[1], engine
        engine.dispose()
    finally:
        for node in started:
            node.stop()
        redis.stop()


def _one(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def _answer(visitor: Visitor, page) -> list[tuple[str, str]]:
    """The survey page answered: the first choice of each question, ranks in order, the
    resident's words in the first text box."""
    sent, seen, ranks = [], set(), {}
    from bench.nodes_support import forms

    form = next(f for f in forms(page.text) if f["method"] == "post")
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
            if rank:
                place = ranks.setdefault(rank.group(1), 0)
                ranks[rank.group(1)] += 1
                value = values[place]
            else:
                value = values[0]
            sent.append((name, value))
            seen.add(name)
        elif kind == "hidden":
            sent.append((name, field["value"]))
        elif kind in ("text", "textarea") and re.fullmatch(r"q\d+", name) and "words" not in seen:
            sent.append((name, visitor.words))
            seen.update({name, "words"})
    return sent


def test_a_survey_answered_on_alternating_nodes_is_stored_once(nodes):
    a, b, engine = nodes
    resident = Visitor()
    resident.words = "Answered on two web nodes, page by page"
    survey_id = _one(engine, "SELECT id FROM survey WHERE title = 'Cleaner streets and parks survey'")
    assert resident.get(a, f"/surveys/{survey_id}").status == 200
    step = resident.post(a, f"/surveys/{survey_id}", {})
    assert step.status == 302 and step.path.endswith("/page/0")
    turn = [b, a]
    for count in range(12):
        page = resident.get(turn[count % 2], step.path)
        assert page.status == 200, step.path
        # The answers go to the node that did not show the page (its form token, its session).
        step = resident.post(turn[(count + 1) % 2], step.path, _answer(resident, page))
        assert step.status in (302, 303), (step.path, step.status)
        if step.path.endswith("/done"):
            break
    assert step.path.endswith(f"/surveys/{survey_id}/done")
    assert resident.get(a, step.path).status == 200
    assert _one(engine, "SELECT count(*) FROM survey_answer a JOIN survey_response r ON r.id = a.response_id "
                        "WHERE r.status = 'complete' AND a.text = :words", words=resident.words) == 1


def test_an_officer_signed_in_on_one_node_saves_on_the_other(nodes):
    a, b, engine = nodes
    officer = Visitor()
    officer.get(a, "/sign-in")
    assert officer.post(a, "/sign-in", OFFICER).status == 302
    consultation_id = _one(engine, "SELECT id FROM consultation WHERE title LIKE 'Environment survey 2005%'")
    path = f"/consultations/{consultation_id}/edit"
    page = officer.get(a, path)
    assert page.status == 200
    title = "Environment survey 2005 (saved through the other web node)"
    sent = [(k, v) for k, v in page.form(path) if k != "title"] + [("title", title)]
    saved = officer.post(b, path, sent)   # B reads A's session cookie and checks A's form token
    assert saved.status == 302 and saved.path == f"/consultations/{consultation_id}"
    assert _one(engine, "SELECT title FROM consultation WHERE id = :id", id=consultation_id) == title
    # A form token made up by neither node is refused by both.
    officer.csrf = "not-a-token"
    assert officer.post(b, path, sent).status == 400


def _results_file(rows: int) -> bytes:
    wards = ["Appleton", "Ditton", "Hale", "Farnworth"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "Ward", "Age band", "Sex", "Q1 Do you feel safer on the bus at night?", "Q2 What should we fix first?"])
    for i in range(rows):
        writer.writerow([i + 1, wards[i % 4], "16-24" if i % 2 else "65+", "Female" if i % 3 else "Male",
                         "Yes" if i % 4 == 0 else "No", "Lighting;Litter" if i % 2 else "Litter"])
    return out.getvalue().encode()


def _until_moved(visitor: Visitor, node: Node, path: str, timeout: float = 120.0):
    """Read the progress page on ``node`` until it sends the officer on (the work ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = visitor.get(node, path)
        if page.status != 200:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{path} still in progress after {timeout:.0f} s")


def test_an_import_uploaded_on_one_node_confirmed_on_the_other_runs_once(nodes):
    a, b, engine = nodes
    officer = Visitor()
    officer.get(a, "/sign-in")
    assert officer.post(a, "/sign-in", OFFICER).status == 302
    consultation_id = _one(engine, "SELECT id FROM consultation WHERE title LIKE 'Area forums 2005%'")
    start = f"/consultations/{consultation_id}/results/import"
    officer.get(a, start)
    # 1,200 respondents: more than ENGAGE_IMPORT_BACKGROUND_ROWS, so the file is checked and
    # imported in the background, with progress on the page.
    uploaded = officer.post(a, start, {"format": "raw"}, files={"file": ("bus.csv", _results_file(1200))})
    assert uploaded.status == 302
    preview = uploaded.path
    checking = officer.get(b, preview)                        # B starts the whole-file check
    assert checking.status == 302 and checking.path == f"{preview}/progress"
    assert _until_moved(officer, a, f"{preview}/progress").path == preview   # A sees B's check end
    page = officer.get(a, preview)
    assert page.status == 200
    mapping = page.form(preview)
    assert dict(mapping)["col_4"] == "question"
    # "Import" pressed twice at once (a double click the balancer sent to both nodes): the
    # upload's claim lets exactly one of them start it; both are sent to its progress.
    barrier = threading.Barrier(2)

    def confirm(node):
        barrier.wait()
        return officer.post(node, preview, mapping)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(confirm, (b, a)))
    assert all(p.status == 302 and (p.path.startswith(f"{preview}/progress") or p.path == f"{preview}/done")
               for p in answers), [(p.status, p.path) for p in answers]
    done = _until_moved(officer, a, f"{preview}/progress")    # followed on A
    assert done.status == 302 and done.path == f"{preview}/done"
    assert "Results imported" in officer.get(a, done.path).text
    question = "Do you feel safer on the bus at night?"
    assert _one(engine, "SELECT count(*) FROM consultation_question WHERE consultation_id = :c AND text = :q",
                c=consultation_id, q=question) == 1
    figures, distinct = (_one(engine, f"SELECT {what} FROM consultation_figure f JOIN consultation_option o ON o.id = f.option_id "
                                      "JOIN consultation_question q ON q.id = o.question_id WHERE q.text = :q", q=question)
                         for what in ("count(*)", "count(DISTINCT (f.option_id, f.segment_id))"))
    assert figures > 0 and figures == distinct
    assert _one(engine, "SELECT count(*) FROM audit_event WHERE action = 'import' AND object_id = :c",
                c=consultation_id) == 1   # one run recorded


def test_a_findings_report_moves_once_across_nodes(nodes):
    a, b, engine = nodes
    officer = Visitor()
    officer.get(b, "/sign-in")
    assert officer.post(b, "/sign-in", OFFICER).status == 302
    report_id = _one(engine, "SELECT id FROM findings_report WHERE state = 'in-review' ORDER BY id LIMIT 1")
    path = f"/findings/{report_id}/move/approve"
    page = officer.get(b, path)
    assert page.status == 200
    moved = officer.post(a, path, page.form(path))
    assert moved.status == 302 and moved.path == f"/findings/{report_id}"
    assert _one(engine, "SELECT state FROM findings_report WHERE id = :id", id=report_id) == "approved"
    # The same form sent again to B (the other node) finds it moved: nothing twice.
    assert officer.post(b, path, page.form(path)).status == 409
    assert _one(engine, "SELECT count(*) FROM findings_transition WHERE report_id = :id AND action = 'approve'", id=report_id) == 1


def test_a_rate_limit_counts_on_both_nodes_together(nodes):
    a, b, engine = nodes
    survey_id = _one(engine, "SELECT id FROM survey WHERE title = 'Cleaner streets and parks survey'")
    path = f"/surveys/{survey_id}/resume"
    visitor = Visitor()
    statuses = []
    for turn in range(RESUME_LIMIT + 1):
        node = (a, b)[turn % 2]
        visitor.get(node, path)
        statuses.append(visitor.post(node, path, {"code": f"WRONG-CODE-{turn}"}).status)
    # Four wrong codes, two on each node, then the fifth (on A) is over the shared limit; with
    # each node counting alone, A would have seen only its third.
    assert statuses[:RESUME_LIMIT] == [400] * RESUME_LIMIT and statuses[RESUME_LIMIT] == 429
    assert visitor.post(b, path, {"code": "WRONG-CODE-B"}).status == 429
