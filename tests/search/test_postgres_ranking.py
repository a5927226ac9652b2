"""PostgreSQL search: a page of results is the same as ranking every match in one plain query.

``PostgresBackend.search`` ranks the matches in a narrow pass (id, rank and sort key only) and
reads the stored fields and highlights for the shown page only (bench/search.py: a common word
among 100,000 questions no longer writes the matched set to a temporary file). What people see
must not change: for a set of queries (one common word, two words, a phrase, a word with a
minus, a facet filter, a later page, a sort), the hits, their order, their scores and the
total are those of the reference query here, which ranks every match with the same formula
and takes the page with ORDER BY ... LIMIT. Runs in the PostgreSQL pass only.
"""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from engage.extensions import db
from engage.search import backend

WORDS = ["parks", "litter", "buses", "libraries", "noise", "lighting", "youth", "housing"]
FILLER = "how satisfied are you with the service in your area over the last year".split()


@pytest.fixture
def pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL search runs in the PostgreSQL pass (TEST_DATABASE_URL)")
    engine = backend()
    rng = random.Random(21)
    owners = {}
    for n in range(1, 121):
        topic = rng.sample(WORDS, 2)
        docs = [{"doc_id": f"consultation:{n}", "owner": f"Consultation:{n}", "kind": "consultation", "object_id": n,
                 "consultation_id": n, "visibility": "public" if n % 7 else "partners", "status": "open",
                 "title": f"{topic[0].capitalize()} consultation {n}", "body": " ".join(rng.choices(FILLER + WORDS, k=30)),
                 "extra": "", "year": str(2000 + n % 5), "sortdate": 20000101 + (n * 37) % 900}]
        for q in range(1, 6):
            words = rng.choices(FILLER, k=rng.randint(3, 12)) + rng.sample(WORDS, rng.randint(1, 3))
            rng.shuffle(words)
            docs.append({"doc_id": f"question:{n}-{q}", "owner": f"Consultation:{n}", "kind": "question", "object_id": n * 10 + q,
                         "consultation_id": n, "visibility": docs[0]["visibility"], "status": "open",
                         "title": " ".join(words).capitalize() + "?", "body": "Yes; No; " + rng.choice(WORDS),
                         "extra": docs[0]["title"], "year": docs[0]["year"], "sortdate": 20000101 + (n * 53 + q) % 900})
        owners[f"Consultation:{n}"] = docs
    engine.apply("consultations", owners)
    return engine


def reference(engine, text, *, filters, page=1, pagelen=10, sort=None, any_words=False):
    """Every match ranked in one plain query, as the backend's formula says, then the page."""
    from engage.search.postgres_backend import _TITLE_ONLY, _any_of, _parts, _WORD, search_document as d

    layout = engine._layouts["consultations"]
    cfg = sa.literal_column("'english'::regconfig")
    wanted, _unwanted = _parts(text)
    query = _any_of(cfg, wanted) if any_words else sa.func.websearch_to_tsquery(cfg, text)
    title_words = _any_of(cfg, [w for part in wanted for w in _WORD.findall(part)])
    rank = (sa.func.ts_rank_cd(sa.cast(layout.weights(), sa.ARRAY(sa.REAL)), d.c.tsv, query, 1)
            + sa.func.ts_rank(_TITLE_ONLY, d.c.tsv, title_words))
    where = [d.c.index_name == "consultations", d.c.tsv.op("@@")(query)]
    for clause in filters:
        where.append(d.c.terms.overlap(sa.cast([f"{f}:{v}" for f, v in clause], sa.ARRAY(sa.Text))))
    order = [d.c.sorts[sort].asc(), d.c.id] if sort else [rank.desc(), d.c.id]
    with engine.engine.connect() as conn:
        total = conn.scalar(sa.select(sa.func.count()).select_from(d).where(*where))
        rows = conn.execute(sa.select(d.c.fields["doc_id"].astext, rank).where(*where).order_by(*order)
                            .limit(pagelen).offset((page - 1) * pagelen)).all()
    return total, [(doc_id, 0.0 if sort else pytest.approx(score, rel=1e-6)) for doc_id, score in rows]


CASES = [
    ("parks", [[("visibility", "public")]], {}),
    ("parks", [[("visibility", "public")], [("kind", "question")]], {}),
    ("satisfied litter", [[("visibility", "public")], [("kind", "question")]], {}),
    ('"your area"', [[("visibility", "public")]], {}),
    ("noise -buses", [[("visibility", "public")]], {}),
    ("housing", [[("visibility", "public")], [("year", "2003")]], {}),
    ("service", [[("visibility", "public")], [("kind", "question")]], {"page": 3}),
    ("youth", [[("visibility", "public")]], {"sort": "sortdate"}),
]


@pytest.mark.parametrize("text,filters,options", CASES)
def test_a_page_is_what_ranking_every_match_gives(pg, text, filters, options):
    found = pg.search("consultations", text, filters=filters, pagelen=10, **options)
    total, expected = reference(pg, text, filters=filters, **options)
    assert total > 10, "each case must match more than a page, or the order is not tested"
    assert found.total == total
    assert [(h.fields["doc_id"], 0.0 if options.get("sort") else h.score) for h in found.hits] == expected


def test_nothing_with_every_word_falls_back_to_any_word(pg):
    filters = [[("visibility", "public")], [("kind", "consultation")]]
    found = pg.search("consultations", "parks zebracrossing", filters=filters, pagelen=10)
    total, expected = reference(pg, "parks zebracrossing", filters=filters, any_words=True)
    assert total > 0 and found.total == total
    assert [(h.fields["doc_id"], h.score) for h in found.hits] == expected
