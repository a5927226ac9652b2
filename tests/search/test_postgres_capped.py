"""PostgreSQL search with more matches than it reads (``postgres_backend.CAP``, 1,000).

A ranked search reads at most ``CAP`` + 1 matches, and as many with the words in their title
(``tsv_title``'s own index). Past the cap the total is a floor, said in words ("More than
1,000 results"), never shown as an exact number; below it everything is exact (the ranking
test, tests/search/test_postgres_ranking.py, checks the page against ranking every match).
Here the cap is made small so that a few hundred documents go past it. Runs in the
PostgreSQL pass only.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engage.extensions import db
from engage.search import backend
from engage.search import postgres_backend

PUBLIC = [[("visibility", "public")]]


def _doc(owner, n, *, title, body="", kind="question", visibility="public", year="2004"):
    return {"doc_id": f"{kind}:{n}", "owner": owner, "kind": kind, "object_id": n, "consultation_id": n,
            "visibility": visibility, "status": "open", "title": title, "body": body, "extra": "", "year": year,
            "sortdate": 20000101 + n}


@pytest.fixture
def pg(app, monkeypatch):
    """300 public documents that mention lanterns in passing, written first (so read first),
    then one with lanterns in its title; 40 for partners only; the cap made 50."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL search runs in the PostgreSQL pass (TEST_DATABASE_URL)")
    monkeypatch.setattr(postgres_backend, "CAP", 50)
    engine = backend()
    owners = {}  # ten documents a record: few writes (each record's documents are one insert)
    for n in range(1, 301):
        owner = f"Consultation:{1000 + (n - 1) // 10}"
        owners.setdefault(owner, []).append(_doc(owner, n, title=f"How satisfied are you with the service {n}?",
                                                 body=f"Answers: the lanterns, the benches and the paths {n}", year=str(2000 + n % 3)))
    engine.apply("consultations", owners)
    engine.apply("consultations", {"Consultation:2000": [_doc("Consultation:2000", 301, title="Lanterns in the park", body="Yes; No")]})
    for owner, first in (("Consultation:3000", 302), ("Consultation:3001", 322)):
        engine.apply("consultations", {owner: [_doc(owner, n, title=f"Lanterns for partners {n}", visibility="partners")
                                               for n in range(first, first + 20)]})
    return engine


def _exact_count(text, filters) -> int:
    d = postgres_backend.search_document.c
    where = [d.index_name == "consultations", d.tsv.op("@@")(sa.func.websearch_to_tsquery(sa.literal_column("'english'::regconfig"), text))]
    for clause in filters:
        where.append(d.terms.overlap(sa.cast([f"{f}:{v}" for f, v in clause], sa.ARRAY(sa.Text))))
    return db.session.scalar(sa.select(sa.func.count()).select_from(postgres_backend.search_document).where(*where))


def test_past_the_cap_the_total_is_a_floor_and_below_it_exact(pg):
    found = pg.search("consultations", "lanterns", filters=PUBLIC, facets=["year", "kind"], pagelen=10)
    assert _exact_count("lanterns", PUBLIC) == 301
    assert found.capped and found.total == 50 and found.pages == 5
    # The facet counts are those of the matches read (51), never more than the exact ones.
    assert sum(found.facets["year"].values()) == 51 and found.facets["kind"] == {"question": 51}
    narrow = pg.search("consultations", "lanterns park", filters=PUBLIC, facets=["year"], pagelen=10)
    assert not narrow.capped and narrow.total == 1 and narrow.facets["year"] == {"2004": 1}


def test_a_title_match_read_after_the_cap_still_comes_first(pg):
    # The title match was written last: the 51 rows read first all mention lanterns in passing.
    found = pg.search("consultations", "lanterns", filters=PUBLIC, pagelen=10)
    assert found.capped
    assert found.hits[0].fields["title"] == "Lanterns in the park"
    assert all(h.fields["consultation_id"] <= 301 for h in found.hits)  # none of the partners' documents
    # A word ruled out in the body keeps a title match out, even one found by its title alone.
    assert pg.search("consultations", "lanterns -yes", filters=PUBLIC, pagelen=10).hits[0].fields["title"] != "Lanterns in the park"


def test_filters_most_documents_pass_still_filter(pg):
    """A filter most documents pass is checked on the rows read rather than through the terms
    index (``_term_shares``, from PostgreSQL's statistics): it must filter all the same."""
    with pg.engine.begin() as conn:
        conn.execute(sa.text("ANALYZE search_document"))
    pg._shares = None
    assert pg._term_shares().get("visibility:public", 0) >= postgres_backend.BROAD
    found = pg.search("consultations", "partners", filters=PUBLIC, pagelen=10)
    assert found.total == 0 and found.hits == []
    found = pg.search("consultations", "partners", filters=[[("visibility", "partners")]], pagelen=10)
    assert found.total == 40 == _exact_count("partners", [[("visibility", "partners")]])
    both = pg.search("consultations", "lanterns", filters=[[("visibility", "public"), ("visibility", "partners")],
                                                           [("kind", "question")]], pagelen=10)
    assert both.capped and both.hits[0].fields["title"].startswith("Lanterns")


def test_the_search_page_says_more_than_and_shows_no_counts(pg, client):
    page = client.get("/consultations/search?q=lanterns").get_data(as_text=True)
    heading = re.search(r'id="results-heading">([^<]*)<', page).group(1)
    assert heading.startswith("More than 50 results"), heading
    assert "too many results to count" in page
    assert not re.search(r"engage-facets.*\(\d+\)</label>", page, re.S)
    assert "Page 1 of 3<" in page  # the pages of the results counted (20 a page)
    exact = client.get("/consultations/search?q=lanterns+park").get_data(as_text=True)
    assert re.search(r'id="results-heading">1 result for', exact)
    assert "(1)</label>" in exact and "too many results" not in exact
    api = client.get("/api/v1/search?q=lanterns").get_json()
    assert api["capped"] is True and api["total"] == 50
