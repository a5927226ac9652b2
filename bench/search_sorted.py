"""Sorted PostgreSQL search speed (issue 21): browsing by date with no words, as the
consultation search page and API do, over 100,000 question results (the documents of
bench/search.py: 5,000 consultations, 20 questions each, built by the real consultations
IndexSpec), on the postgres backend only (needs BENCH_DATABASE_URL, a scratch database).

Query kinds (fixed seed), all as the public sees them (visibility filter), sorted by date
newest first, through the real backend's ``search``:
- ``browse``: no words, the counts of all 11 facets (the search page with nothing typed), pages 1 to 5;
- ``browse_filtered``: the same with one facet value ticked;
- ``browse_questions``: questions only (a filter most documents pass), no facets (the API's list);
- ``counts_only``: one facet's counts alone, one hit (as the toolkit page counts a
  facet that has a filter on: sorted, ``pagelen=1``).

``BENCH_REUSE=1`` keeps the documents already in the database (made by an earlier run) and
only makes any missing index: a before/after comparison of the same data. Prints one JSON
object per line; aim: p95 under 50 ms for each kind.
"""
from __future__ import annotations

import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pg_support  # noqa: E402

AIM_P95_MS = 50.0
RUNS = {"browse": 40, "browse_filtered": 40, "browse_questions": 40, "counts_only": 40}


def _bench_search():
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def emit(obj):
    print(json.dumps(obj), flush=True)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    if pg_support.database_url() is None:
        emit({"bench": "search_sorted", "skipped": "BENCH_DATABASE_URL is not set"})
        return 0
    source = _bench_search()
    rng = random.Random(2106)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        from engage import create_app

        app = create_app({"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                          "ENGAGE_INDEX_DIR": str(folder / "index"), "ENGAGE_UPLOAD_DIR": str(folder / "uploads"),
                          "SERVER_NAME": "localhost"})
        with app.app_context():
            from sqlalchemy import create_engine, text

            from engage import search as search_pkg
            from engage.search.postgres_backend import PostgresBackend, search_document

            spec = next(s for s in search_pkg._SPECS if s.name == "consultations")
            engine = create_engine(pg_support.database_url())
            with engine.connect() as conn:
                have = conn.execute(text("SELECT to_regclass('search_document') IS NOT NULL")).scalar() and \
                    conn.execute(text("SELECT count(*) FROM search_document")).scalar()
            if os.environ.get("BENCH_REUSE") and have:
                with engine.begin() as conn:
                    for index in search_document.indexes:   # any index added since
                        index.create(conn, checkfirst=True)
                    conn.execute(text("ANALYZE search_document"))
                postgres = PostgresBackend(engine)
                postgres.register(spec)
                emit({"bench": "search_sorted", "step": "reuse", "documents": have})
            else:
                engine.dispose()
                from engage.demo.foundation import seed_foundation
                from engage.extensions import db

                db.create_all()
                seed_foundation()
                db.session.commit()
                questions = source.generate(rng)
                captured: list[dict] = []
                for _ in source.documents_in_batches(spec, captured):
                    pass
                db.session.remove()
                postgres = pg_support.open_backend(spec)
                count, seconds = pg_support.rebuild(postgres, "consultations", captured)
                emit({"bench": "search_sorted", "step": "build", "questions": questions, "documents": count,
                      "seconds": round(seconds, 1)})
            with postgres.engine.connect() as conn:
                values = conn.execute(text(
                    "SELECT DISTINCT t FROM search_document, unnest(terms) t WHERE t LIKE 'year:%' OR t LIKE 'area:%' "
                    "OR t LIKE 'status:%' OR t LIKE 'method:%'")).scalars().all()
            picks = sorted(values)
            public = [[("visibility", "public")]]
            facets = source.FACET_FIELDS

            def run(kind):
                if kind == "browse":
                    return postgres.search("consultations", "", filters=public, facets=facets, page=rng.randint(1, 5),
                                           pagelen=20, sort="sortdate", reverse=True)
                if kind == "browse_filtered":
                    field, value = rng.choice(picks).split(":", 1)
                    return postgres.search("consultations", "", filters=public + [[(field, value)]], facets=facets,
                                           pagelen=20, sort="sortdate", reverse=True)
                if kind == "browse_questions":
                    return postgres.search("consultations", "", filters=public + [[("kind", "question")]],
                                           page=rng.randint(1, 5), pagelen=20, sort="sortdate", reverse=True)
                return postgres.search("consultations", "", filters=public, facets=["year"], page=1, pagelen=1,
                                       sort="sortdate")

            for kind in RUNS:
                run(kind)   # warm
            times: dict[str, list[float]] = {}
            totals: dict[str, list[int]] = {}
            for kind, n in RUNS.items():
                for _ in range(n):
                    started = time.perf_counter()
                    res = run(kind)
                    times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                    totals.setdefault(kind, []).append(res.total)
            for kind, ts in times.items():
                p95 = percentile(ts, 95)
                emit({"bench": "search_sorted", "step": "query", "queries": kind, "count": len(ts),
                      "postgres_p50_ms": round(statistics.median(ts), 1), "postgres_p95_ms": round(p95, 1),
                      "largest_total": max(totals[kind]), "aim": f"p95 <= {AIM_P95_MS:.0f} ms", "meets_p95": p95 <= AIM_P95_MS})
            pg_support.close(postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
