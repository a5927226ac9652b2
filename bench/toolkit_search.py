"""Toolkit search speed: 5,000 generated entries, 200 fixed queries.

Everything is real and in a temporary folder: the entries are built from the words, titles and
front-matter values of the real toolkit files (fixed seed), turned into documents by the real
builder (``engage/toolkit/indexing.py``: the same schema and ``entry_document`` the app uses)
and written by the real backend's ``rebuild``. Each query runs through
``engage.toolkit.services.run_search``, the code path of the /toolkit page and the API: the
search itself, the facet counts (with one extra count query per facet that has a filter on),
the "did you mean" suggestion and the highlighted snippets.

Queries (fixed seed), as practitioners type them: 50 plain (one to three topic words from the
toolkit's titles, extra search words and skills), 10 common words found in most entries (the
worst case), 30 phrases (titles in quotes), 30 misspelt titles, 50 topic words with one or
two facet filters, 20 browsing by filters only, 10 bad input (operators, quotes, markup,
10,000 characters, other scripts). The searcher is opened once before timing (as in a running
app); each query then runs once.

With BENCH_DATABASE_URL set (a scratch PostgreSQL database), the same entries go into the
postgres backend too and the same queries run through it; its lines say ``engine: postgres``
(Whoosh's say ``engine: whoosh``).

Prints one JSON object per line. Aim: p95 under 20 ms.
"""
from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pg_support  # noqa: E402  (the postgres backend when BENCH_DATABASE_URL is set)

ENTRIES = int(os.environ.get("BENCH_TOOLKIT_ENTRIES", 5000))
AIM_P95_MS = 20.0
SEED = 4


def emit(**fields) -> None:
    print(json.dumps({"bench": "toolkit_search", **fields}), flush=True)


def real_toolkit():
    from engage.toolkit import loader

    folder = ROOT / "toolkit"
    files = loader.find_files(folder)
    known = {p.stem for p, _ in files}
    out = []
    for path, kind in files:
        parsed, errors = loader.parse_file(path, kind, folder, known)
        if parsed:
            out.append(parsed)
    return out


def generate(n: int, rng: random.Random):
    """n entries shaped like the real ones: similar titles, headings, lengths and words."""
    from engage.toolkit.models import AUDIENCES, COSTS, GROUP_SIZES, PURPOSES, TIMES

    real = real_toolkit()
    words = [w for p in real for w in re.findall(r"[A-Za-z][a-z'-]+", p.data["body"])]
    places = ["Farrowfield", "Ashby", "Brackenhurst", "Coldwell", "Dunmere", "Eastholme", "Fenton", "Greybridge"]
    groups = [a.replace("-", " ") for a in AUDIENCES]
    entries = []
    for i in range(1, n + 1):
        base = real[i % len(real)]
        kind = base.kind
        title = f"{base.data['title']} {rng.choice(['for', 'with', 'in'])} {rng.choice(places)} {rng.choice(groups)}"[:120]
        sections = []
        for heading in re.findall(r"^## (.+)$", base.data["body"], re.M):
            sentences = [" ".join(rng.choices(words, k=rng.randint(6, 16))).capitalize() + "." for _ in range(rng.randint(3, 7))]
            sections.append(f"## {heading}\n\n" + " ".join(sentences))
        entries.append(SimpleNamespace(
            id=i, slug=f"{base.slug}-{i}", kind=kind, title=title,
            summary=" ".join(rng.choices(words, k=18)).capitalize() + ".",
            body="\n\n".join(sections),
            purpose=rng.sample(list(PURPOSES), rng.randint(1, 3)),
            audiences=rng.sample(list(AUDIENCES), rng.randint(1, 4)),
            group_size=rng.choice(list(GROUP_SIZES)) if kind == "method" else None,
            time_needed=rng.choice(list(TIMES)) if kind == "method" else None,
            cost=rng.choice(list(COSTS)) if kind == "method" else None,
            keywords=list(base.data["keywords"]) + rng.sample(words, 2),
        ))
    return entries, real, words


def misspell(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randint(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def make_queries(rng: random.Random, real, words) -> list[tuple[str, list[tuple[str, str]]]]:
    """What practitioners type: topic words from the toolkit's titles, extra search words and
    front matter (not random words from the bodies), phrases, typos, filters, and bad input."""
    from engage.toolkit.services import FACET_VALUES

    topics = sorted({w.lower() for p in real for text in [p.data["title"], *p.data["keywords"], *p.data["skills"]]
                     for w in re.findall(r"[A-Za-z][a-z'-]+", text) if len(w) > 3})
    common = [w.lower() for w in words if len(w) > 4]
    titles = [p.data["title"].lower() for p in real]
    facets = [(name, value) for name, values in FACET_VALUES.items() for value in values]
    queries = []
    for _ in range(50):
        queries.append(("plain", [("q", " ".join(rng.sample(topics, rng.randint(1, 3))))]))
    for _ in range(10):  # common words that most entries contain: the worst case
        queries.append(("common", [("q", " ".join(rng.sample(common, rng.randint(1, 2))))]))
    for _ in range(30):
        queries.append(("phrase", [("q", f'"{rng.choice(titles)}"')]))
    for _ in range(30):
        title = rng.choice(titles).split()
        queries.append(("misspelt", [("q", " ".join(misspell(w, rng) for w in title))]))
    for _ in range(50):
        pairs = [("q", " ".join(rng.sample(topics, rng.randint(1, 2))))]
        pairs += rng.sample(facets, rng.randint(1, 2))
        queries.append(("faceted", pairs))
    for _ in range(20):
        queries.append(("browse", rng.sample(facets, rng.randint(1, 3))))
    bad = ['"unbalanced quote', "AND OR NOT", "*", "x" * 10_000, "<script>alert(1)</script>", "консультация",
           "(((focus", "focus^9 title:group", "協議 調査", "NOT NOT survey"]
    queries += [("bad", [("q", q)]) for q in bad]
    return queries


def main() -> None:
    from engage.search.whoosh_backend import WhooshBackend
    from engage.toolkit import indexing

    rng = random.Random(SEED)
    entries, real, words = generate(ENTRIES, rng)
    queries = make_queries(random.Random(SEED + 1), real, words)

    with tempfile.TemporaryDirectory(prefix="engage-bench-toolkit-") as folder:
        backend = WhooshBackend(folder)
        backend.register(indexing.SPEC)
        started, cpu_started = time.perf_counter(), time.process_time()
        count = backend.rebuild(indexing.INDEX, ([indexing.entry_document(e)] for e in entries))
        build = time.perf_counter() - started
        build_cpu = time.process_time() - cpu_started
        size = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
        emit(what="index_build", engine="whoosh", entries=count, seconds=round(build, 2), cpu_seconds=round(build_cpu, 2),
             entries_per_second=round(count / build), index_mb=round(size / 1e6, 1))
        run_queries(backend, "whoosh", queries)

    postgres = pg_support.open_backend(indexing.SPEC)
    if postgres is not None:
        count, build = pg_support.rebuild(postgres, indexing.INDEX, [indexing.entry_document(e) for e in entries])
        emit(what="index_build", engine="postgres", entries=count, seconds=round(build, 2))
        run_queries(postgres, "postgres", queries)
        pg_support.close(postgres)


def run_queries(backend, engine, queries) -> None:
    from werkzeug.datastructures import MultiDict

    from engage.toolkit import services

    # Open the searcher once, as a running app has (not timed).
    services.run_search(backend, services.read_params(MultiDict([("q", "warm up")])))

    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}  # CPU time of this process: what a busy machine does not inflate
    totals = []
    for category, pairs in queries:
        params = services.read_params(MultiDict(pairs))
        started, cpu_started = time.perf_counter(), time.process_time()
        results = services.run_search(backend, params)
        timings.setdefault(category, []).append((time.perf_counter() - started) * 1000)
        cpu.setdefault(category, []).append((time.process_time() - cpu_started) * 1000)
        totals.append(results.total)

    def summary(values):
        values = sorted(values)
        return {"p50_ms": round(statistics.median(values), 2),
                "p95_ms": round(values[max(0, int(round(0.95 * len(values))) - 1)], 2),
                "max_ms": round(values[-1], 2)}

    def cpu_p95(values):
        values = sorted(values)
        return round(values[max(0, int(round(0.95 * len(values))) - 1)], 2)

    for category, values in timings.items():
        emit(what="query_latency", engine=engine, queries=category, count=len(values), **summary(values),
             cpu_p95_ms=cpu_p95(cpu[category]))
    every = [v for values in timings.values() for v in values]
    overall = summary(every)
    every_cpu = cpu_p95([v for values in cpu.values() for v in values])
    emit(what="query_latency", engine=engine, queries="all", count=len(every), mean_hits=round(statistics.mean(totals), 1),
         aim_p95_ms=AIM_P95_MS, within_aim=overall["p95_ms"] < AIM_P95_MS, **overall, cpu_p95_ms=every_cpu,
         within_aim_cpu=every_cpu < AIM_P95_MS)


if __name__ == "__main__":
    main()
