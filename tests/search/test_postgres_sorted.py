"""PostgreSQL searches sorted by a field (browsing with no words, newest first; counts in
title order) read their page in the sort key's index order (migration
0038_ops_search_sort_index) and stop after ``CAP`` + 1 matches.

- Below the cap: the same page order, total and facet counts as sorting and counting every
  match (worked out here in plain SQL), on every page, both directions, with a filter.
- Past the cap (made small): the total is a floor, ``capped`` is set, pages still follow the
  sort order of every match.
- EXPLAIN of the backend's own statement uses the sort index (a dropped index fails here).
Runs in the PostgreSQL pass only."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engage.extensions import db
from engage.search import backend, postgres_backend

PUBLIC = [[("visibility", "public")]]


def _doc(owner, n, *, visibility="public", year="2004", sortdate=None):
    return {"doc_id": f"question:{n}", "owner": owner, "kind": "question", "object_id": n, "consultation_id": n,
            "visibility": visibility, "status": "open", "title": f"Question {n} about the park", "body": "", "extra": "",
            "year": year, "sortdate": sortdate if sortdate is not None else 20000101 + (n * 37) % 90}


@pytest.fixture
def pg(app):
    """120 documents in 12 records: sort dates with many ties, three years, some for partners only."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL search runs in the PostgreSQL pass (TEST_DATABASE_URL)")
    engine = backend()
    owners: dict[str, list] = {}
    for n in range(1, 121):
        owner = f"Consultation:{5000 + (n - 1) // 10}"
        owners.setdefault(owner, []).append(_doc(owner, n, year=str(2001 + n % 3),
                                                 visibility="partners" if n % 7 == 0 else "public"))
    engine.apply("consultations", owners)
    with db.engine.begin() as conn:
        conn.execute(sa.text("ANALYZE search_document"))
    return engine


def _every_match(filters, reverse: bool) -> tuple[list[int], dict[str, int]]:
    """Every match sorted by date (ties by id) and the years counted: what the backend did
    before, reading every match."""
    d = postgres_backend.search_document.c
    where = [d.index_name == "consultations"]
    for clause in filters:
        where.append(d.terms.overlap(sa.cast([f"{f}:{v}" for f, v in clause], sa.ARRAY(sa.Text))))
    key = d.sorts["sortdate"]
    rows = db.session.execute(sa.select(d.fields["object_id"].astext, d.terms).where(*where)
                              .order_by(key.desc() if reverse else key.asc(), d.id)).all()
    years: dict[str, int] = {}
    for _id, terms in rows:
        for t in terms:
            if t.startswith("year:"):
                years[t[5:]] = years.get(t[5:], 0) + 1
    return [int(i) for i, _t in rows], years


@pytest.mark.parametrize("reverse", [True, False])
@pytest.mark.parametrize("filters", [PUBLIC, PUBLIC + [[("year", "2002")]]])
def test_sorted_pages_totals_and_counts_are_those_of_every_match(pg, filters, reverse):
    ids, years = _every_match(filters, reverse)
    assert len(ids) > 30 and len(set(ids)) == len(ids)
    shown = []
    for page in range(1, 5):
        res = pg.search("consultations", "", filters=filters, facets=["year"], page=page, pagelen=10,
                        sort="sortdate", reverse=reverse)
        assert res.total == len(ids) and not res.capped
        assert res.facets["year"] == years
        shown += [int(h.fields["object_id"]) for h in res.hits]
    assert shown == ids[:len(shown)] and len(shown) == min(40, len(ids))
    # Without facets (the API's list) the same order and total.
    res = pg.search("consultations", "", filters=filters, page=2, pagelen=10, sort="sortdate", reverse=reverse)
    assert [int(h.fields["object_id"]) for h in res.hits] == ids[10:20] and res.total == len(ids)


def test_past_the_cap_the_total_is_a_floor_and_the_order_holds(pg, monkeypatch):
    monkeypatch.setattr(postgres_backend, "CAP", 25)
    ids, _years = _every_match(PUBLIC, True)
    first = pg.search("consultations", "", filters=PUBLIC, facets=["year"], pagelen=10, sort="sortdate", reverse=True)
    assert first.capped and first.total == 25
    assert [int(h.fields["object_id"]) for h in first.hits] == ids[:10]
    deep = pg.search("consultations", "", filters=PUBLIC, facets=["year"], page=5, pagelen=10, sort="sortdate", reverse=True)
    assert [int(h.fields["object_id"]) for h in deep.hits] == ids[40:50]
    assert deep.total >= 50 and deep.capped


def _toolkit(engine) -> None:
    """Toolkit entries (the toolkit's own document builder), for its title order."""
    from types import SimpleNamespace

    from engage.toolkit.indexing import entry_document

    for n in range(1, 31):
        entry = SimpleNamespace(id=9000 + n, slug=f"method-{n}", kind="method", title=f"Method {(n * 7) % 30:02d} for places",
                                summary="A way to ask people", body="Steps to take.", keywords=["asking"], purpose=["involve"],
                                audiences=["residents"], group_size=None, time_needed=None, cost=None)
        doc = entry_document(entry)
        engine.apply("toolkit", {doc["owner"]: [doc]})


@pytest.mark.parametrize("name,sort,reverse,index,filters", [
    ("consultations", "sortdate", True, "ix_search_document_sortdate", PUBLIC),
    ("toolkit", "sort_title", False, "ix_search_document_sort_title", []),
])
def test_the_sorted_page_is_read_through_the_sort_index(pg, name, sort, reverse, index, filters):
    """The backend's own statement, EXPLAINed as it runs (auto_explain is not needed: the
    statement is caught on its way to the database)."""
    statements: list[tuple[str, object]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if "UNION ALL" in statement and "found" in statement:
            statements.append((statement, parameters))

    engine = pg.engine
    if name == "toolkit":
        _toolkit(pg)
        titles = [h.fields["title"] for h in pg.search(name, "", pagelen=30, sort=sort).hits]
        assert titles == sorted(titles) and len(titles) == 30
    sa.event.listen(engine, "before_cursor_execute", catch)
    try:
        pg.search(name, "", filters=filters, facets=["purpose"] if name == "toolkit" else ["year"], pagelen=10,
                  sort=sort, reverse=reverse)
    finally:
        sa.event.remove(engine, "before_cursor_execute", catch)
    assert statements, "the sorted search's statement was not seen"
    statement, parameters = statements[-1]
    with engine.connect() as conn:
        # For a table this small the planner would as soon read it and sort: make reading every
        # match and sorting it dear, as it is on a large one. Without the index it must still sort.
        conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        conn.execute(sa.text("SET LOCAL enable_sort = off"))
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    found = plan.split("CTE found")[1].split("\n  ->")[0]   # the CTE's own nodes, up to the next part
    assert index in found and "Sort" not in found, plan
