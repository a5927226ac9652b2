"""The Whoosh speed-ups give what Whoosh itself gives.

Each fast path (issue 11) replaces a slow part of Whoosh with arrays or C code; these tests
build a real index in a temporary folder and compare the fast answer with Whoosh's own:
- writing: the fields' terms, frequencies, weights and positions, and a rebuilt index's
  postings and term statistics, are those of Whoosh's own writer;
- phrases: the documents matched with positions in arrays are those of Whoosh's Phrase query;
- "did you mean": the words offered are those of Whoosh's corrector, in the same order;
- facet counts without a second search are the counts that second search gives.
"""
from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from engage.search.spec import IndexSpec
from engage.search.whoosh_backend import _FAST_CLASSES, AndGroup, WhooshBackend

WORDS = ("people young older residents survey surveys surveying focus group groups area forum forums "
         "street streets lighting clean cleaner parks park safety safe feel feeling council services "
         "housing repairs noise neighbourhood community events running ran runs the of and a to in").split()


def _spec() -> IndexSpec:
    schema = Schema(
        owner=ID(stored=True), doc_id=ID(stored=True, unique=True), kind=ID(stored=True),
        title=TEXT(stored=True, analyzer=StemmingAnalyzer()), body=TEXT(stored=True, analyzer=StemmingAnalyzer()),
        extra=TEXT(analyzer=StemmingAnalyzer()), words=TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=2)),
        area=KEYWORD(commas=True, scorable=False, lowercase=False), status=KEYWORD(stored=True, commas=True),
        note=STORED,
    )
    return IndexSpec(name="things", schema=schema, root=object, documents=lambda o: [], all_roots=lambda: [],
                     count_roots=lambda: 0, text_fields={"title": 3.0, "body": 1.5, "extra": 1.0}, spelling_field="words")


def _documents(n=400, seed=3):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        title = " ".join(rng.choices(WORDS, k=rng.randint(2, 6))).capitalize()
        body = " ".join(rng.choices(WORDS, k=rng.randint(5, 40)))
        docs.append({
            "owner": f"Thing:{i // 3}", "doc_id": f"thing:{i}", "kind": rng.choice(["consultation", "question"]),
            "title": title, "body": body, "extra": "Ünïcödé straße e.g. U.S.A. 3.14 don't" if i % 50 == 0 else "",
            "words": f"{title} {body}", "area": ",".join(rng.sample(["1", "2", " 3", "4 "], rng.randint(0, 3))),
            "status": rng.choice(["open", "closed", "planned"]), "note": i,
        })
    return docs


@pytest.fixture()
def indexed(tmp_path):
    backend = WhooshBackend(str(tmp_path / "index"))
    spec = _spec()
    backend.register(spec)
    docs = _documents()
    backend.rebuild(spec.name, ([d] for d in docs))
    return backend, spec, docs


def test_fast_fields_index_as_whoosh_does():
    layout_fields = WhooshBackend("unused")
    layout_fields.register(_spec())
    schema = layout_fields.layouts["things"].schema
    fast = [name for name in schema.names() if type(schema[name]) in _FAST_CLASSES.values()]
    assert {"alltext", "title", "words", "area", "status", "owner", "kind"} <= set(fast)
    checked = 0
    for doc in _documents(120) + [{"title": t, "words": t, "area": t, "owner": t} for t in
                                  ["", " ", "The the a of", ", a,, b ,a", "to be or not to be", "x" * 300]]:
        for name, value in layout_fields.layouts["things"].document(doc).items():
            if name not in fast or not isinstance(value, str):
                continue
            field = schema[name]
            whoosh_class = type(field).__mro__[2]  # FastX -> _FastIndex -> X
            assert sorted(field.index(value)) == sorted(whoosh_class.index(field, value)), (name, value)
            checked += 1
    assert checked > 500


def test_a_rebuild_writes_the_postings_whooshs_own_writer_writes(indexed, tmp_path):
    backend, spec, docs = indexed
    fast = backend.searcher(spec.name).reader()
    # The same documents through Whoosh's own writer (its pool, its posting-by-posting writes).
    from whoosh import index as windex

    plain_schema = _spec().schema
    layout = backend.layouts[spec.name]
    plain = plain_schema.copy()
    for name in layout.schema.names():
        if name not in plain.names():
            plain.add(name, TEXT(analyzer=StemmingAnalyzer()))
    for name in list(plain.names()):
        if name not in layout.schema.names():
            plain.remove(name)
        elif type(plain[name]) is TEXT and type(layout.schema[name]).__name__ == "STORED":
            plain.remove(name)
            plain.add(name, STORED())
    (tmp_path / "plain").mkdir()
    ix = windex.create_in(str(tmp_path / "plain"), plain)
    writer = ix.writer()
    for doc in docs:
        writer.add_document(**layout.document(doc))
    writer.commit(optimize=True)
    slow = ix.reader()
    terms = list(slow.all_terms())
    assert terms == list(fast.all_terms())
    for field, text in terms:
        a, b = slow.term_info(field, text), fast.term_info(field, text)
        assert (a.weight(), a.doc_frequency(), a.min_length(), a.max_length(), a.max_weight()) == \
               (b.weight(), b.doc_frequency(), b.min_length(), b.max_length(), b.max_weight()), (field, text)
        assert list(slow.postings(field, text).items_as("weight")) == list(fast.postings(field, text).items_as("weight"))
        if field in ("alltext", "title", "words"):
            assert list(slow.postings(field, text).items_as("positions")) == list(fast.postings(field, text).items_as("positions"))
    assert [slow.stored_fields(i) for i in range(slow.doc_count_all())] == \
           [fast.stored_fields(i) for i in range(fast.doc_count_all())]


@pytest.mark.parametrize("phrase", ['"focus group"', '"group focus"', '"young people"', '"area forum"', '"the survey"',
                                    '"street lighting parks"', '"clean streets"', '"running the survey"', '"nothing like this"'])
def test_phrases_match_what_whooshs_phrase_query_matches(indexed, phrase):
    backend, spec, _docs = indexed
    searcher = backend.searcher(spec.name)
    view = backend.view(spec.name, searcher)
    query = backend._parse(phrase, backend.layouts[spec.name].text, AndGroup, searcher.schema)
    expected = np.zeros(view.size, dtype=bool)
    expected[list(searcher.docs_for_query(query))] = True
    view.begin(phrase)
    assert (view.match(query) == expected).all()


def test_did_you_mean_offers_the_words_whooshs_corrector_offers(indexed):
    backend, spec, _docs = indexed
    searcher = backend.searcher(spec.name)
    view = backend.view(spec.name, searcher)
    corrector = searcher.reader().corrector("words")
    rng = random.Random(5)
    compared = 0
    for word in WORDS:
        if len(word) < 4:
            continue
        i = rng.randint(1, len(word) - 2)
        for typo in (word[:i] + word[i + 1] + word[i] + word[i + 2:], word[:i] + word[i + 1:], word[:i] + "e" + word[i:]):
            for maxdist, prefix in ((1, 1), (2, 1), (1, 0)):
                assert view.suggest("words", typo, maxdist, prefix, 8) == \
                       corrector.suggest(typo, limit=8, maxdist=maxdist, prefix=prefix), (typo, maxdist, prefix)
                compared += 1
    assert compared > 100
    assert backend.search(spec.name, "surveyy").suggestion == "survey"


def test_facet_counts_alone_are_the_counts_a_search_gives(indexed):
    backend, spec, _docs = indexed
    for text in ("survey", "focus group", '"young people"', ""):
        filters = [[("kind", "question")], [("status", "open"), ("status", "closed")]]
        main = backend.search(spec.name, text, filters=filters, facets=["area"])
        alone = backend.facet_counts(spec.name, text, filters=[[("kind", "question")]], facets=["status"])
        again = backend.search(spec.name, text, filters=[[("kind", "question")]], facets=["status"], pagelen=1)
        assert alone == again.facets and alone["status"]
        assert main.facets["area"]
