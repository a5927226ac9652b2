"""Processor time per request of each public page, in-process, beside a bare Flask page.

bench/pages.py measures requests per second under gunicorn, which a shared, loaded machine
makes noisy. This measures what a loaded machine inflates least: the CPU time one request
takes (``time.process_time``) through Flask's test client on the same demo (built into a
temporary SQLite database as ``make run`` does: ``db upgrade``, ``engage seed-demo``,
``engage reindex``), the Python function calls it makes (``cProfile``: the same on any
machine, so a change shows even when the timings are noisy) and its SQL statements.

Each page is timed in rounds, each round the bare Flask page (bench/bare_app.py, a small
template extending a layout) and then the page, and the best round of each is kept: ``x_bare`` is the
page's CPU time over the bare page's. Under gunicorn a request also pays the server's own
work, the same for both, so the throughput ratio bench/pages.py reports is higher than
1 / x_bare. The pages: as bench/pages.py (home, the open survey's start and question pages
with a real draft, consultations, "You said, we did", strategy, a findings report, search).

A public page a first-time visitor sees is kept for the rest of the second it was drawn in
(engage/core/pagecache.py): ``cpu_ms`` is what such a visitor costs during a launch (almost
every request shown a kept page), ``drawn_cpu_ms`` what drawing the page costs (keeping off),
and ``queries`` the statements a drawing runs.

Settings: BENCH_CPU_REQUESTS (default 40) requests per round, BENCH_CPU_ROUNDS (5).
Prints one JSON object per line.
"""
from __future__ import annotations

import cProfile
import logging
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", 40))
ROUNDS = int(os.environ.get("BENCH_CPU_ROUNDS", 5))

from pages import emit  # noqa: E402  (bench/ is on the path from here)


def cpu_ms(get, n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        get()
    return (time.process_time() - started) / n * 1000


def calls(get, n: int = 10) -> int:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        get()
    profile.disable()
    return pstats.Stats(profile).total_calls // n


def bare_client():
    """bench/bare_app.py, the yardstick bench/pages.py serves beside Engage."""
    from bare_app import app as bare

    return bare.test_client()


def main() -> int:
    from pages import build_demo, demo_env, find_pages

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = demo_env(folder, "http://localhost", "bench-page-cpu")
        started = time.perf_counter()
        build_demo(env, folder / "build.log")
        pages, queries = find_pages(env)
        emit({"bench": "page_cpu", "step": "demo", "seconds": round(time.perf_counter() - started, 1), "pages": len(pages)})

        from engage import create_app
        from engage.core import pagecache

        app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        logging.disable(logging.INFO)   # one log line per request is the server's, not the page's
        client = app.test_client()
        # As bench/pages.py: the question pages with this client's own draft (its cookie),
        # every other page as a first visit, with no cookie.
        visitor = app.test_client(use_cookies=False)
        start = pages["survey start"]
        location = client.post(start, data={}).headers.get("Location", "")   # this client's own draft
        if "/page/" not in location:
            raise RuntimeError("starting the demo survey did not lead to a question page")
        bare = bare_client()
        bare.get("/")
        bare_best = None
        for name, path in pages.items():
            get = (lambda p=path, c=(client if "question" in name else visitor): c.get(p))
            for _ in range(3):
                status = get().status_code
            best = drawn = None
            for _ in range(ROUNDS):
                b = cpu_ms(lambda: bare.get("/"), REQUESTS)
                ms = cpu_ms(get, REQUESTS)
                with pagecache.not_kept(app):   # each request drawn anew, as for the first visitor each second
                    fresh = cpu_ms(get, REQUESTS)
                best = ms if best is None else min(best, ms)
                drawn = fresh if drawn is None else min(drawn, fresh)
                bare_best = b if bare_best is None else min(bare_best, b)
            emit({"bench": "page_cpu", "page": name, "path": path, "status": status, "cpu_ms": round(best, 2),
                  "x_bare": round(best / bare_best, 1), "python_calls": calls(get), "drawn_cpu_ms": round(drawn, 2),
                  "queries": queries.get(name)})
        emit({"bench": "page_cpu", "page": "bare Flask page", "cpu_ms": round(bare_best, 2),
              "python_calls": calls(lambda: bare.get("/"))})
    return 0


if __name__ == "__main__":
    sys.exit(main())
