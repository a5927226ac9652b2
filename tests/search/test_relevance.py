"""Relevance pinned: for each query, the record people expect is in the top three.

Two sets of data: the Halton demo data (as ``seed-demo`` loads it), and a small run of the
bench's generated consultations (``bench/search.py``'s generator, fixed seed). The rules:
a title match ranks above a body match, a question asked about a topic ranks above a passing
mention of it, quoted phrases need their words together, words match across their endings
(stemming), and a misspelt word gives a "did you mean" that then finds the record.

Speed work on the index must keep every one of these passing.
"""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from engage.consultations import search as csearch
from engage.consultations import services
from engage.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def public(text: str, kind: str | None = None, **selected):
    chosen = {k: [str(v)] for k, v in selected.items()}
    if kind:
        chosen["kind"] = [kind]
    return csearch.run_search(services.audience(None), text, chosen)


def top(results, n=3):
    return [(h.fields["kind"], h.fields["title"]) for h in results.hits[:n]]


# ---- the Halton demo data -----------------------------------------------------------------

DEMO_TOP_THREE = [
    # (query, kind filter, expected (kind, start of title), why)
    ("area forums", None, ("consultation", "Area forums 2005"), "title above body"),
    ("police meetings", None, ("consultation", "Police Participation and Delivery meetings"), "title above body"),
    ("walkabouts", None, ("consultation", "Castlefields neighbourhood walkabouts"), "title"),
    ("walkabout", None, ("consultation", "Castlefields neighbourhood walkabouts"), "stemming: singular finds plural"),
    ("drink alcohol", None, ("question", "Do you drink alcohol, even occasionally?"), "a question above mentions"),
    ("drinking", None, ("question", "Do you drink alcohol, even occasionally?"), "stemming: drinking finds drink"),
    ("satisfied local area", None, ("question", "How satisfied or dissatisfied are you with your local area"), "question above mention"),
    ("influence decisions", None, ("question", "Do you agree or disagree that you can influence decisions"), "question"),
    ("clean streets", "question", ("question", "How clean are the streets where you live?"), "question-level search"),
    ("cleaning streets", None, ("question", "How clean are the streets where you live?"), "stemming: cleaning finds clean"),
    ('"cleaning streets"', None, ("question", "How clean are the streets where you live?"), "phrase"),
    ("what have residents said about clean streets", None, ("question", "How clean are the streets where you live?"),
     "plain English question"),
    ("alcohol parents", None, ("question", "Where do you get alcohol from?"), "words in the answer options"),
    ("teenagers pubs", None, ("finding", "40% of teenagers say they drink in pubs"), "a finding by its words"),
]


@pytest.fixture
def demo(seeded):
    return seeded


@pytest.mark.parametrize("query,kind,expected,why", DEMO_TOP_THREE, ids=[q for q, *_ in DEMO_TOP_THREE])
def test_demo_expected_record_in_the_top_three(demo, query, kind, expected, why):
    found = top(public(query, kind))
    assert any(k == expected[0] and t.startswith(expected[1]) for k, t in found), (why, found)


def test_demo_title_match_outranks_body_match(demo):
    results = public("forums")
    kinds_titles = top(results, 10)
    first_body_only = next(i for i, (_, t) in enumerate(kinds_titles) if "forum" not in t.lower())
    last_title = max(i for i, (_, t) in enumerate(kinds_titles) if "forum" in t.lower())
    assert last_title < first_body_only, kinds_titles


def test_demo_phrase_needs_the_words_together(demo):
    loose = public("parks safer")
    phrase = public('"parks safer"')
    assert phrase.total < loose.total or phrase.total == 0
    assert public('"making them safer"').total >= 1
    assert public('"safer making"').total < public("safer making").total


def test_demo_misspelling_gives_did_you_mean_that_finds_the_record(demo):
    results = public("alcahol")
    assert results.total == 0 and results.suggestion == "alcohol"
    assert any(t.startswith("Young people's alcohol survey 2005") for _, t in top(public(results.suggestion)))
    results = public("walkabuts castlefields")
    assert results.suggestion == "walkabouts castlefields"
    assert top(public(results.suggestion))[0] == ("consultation", "Castlefields neighbourhood walkabouts")


def test_demo_words_of_a_partners_only_record_are_never_suggested(demo):
    # "Local Area Agreement workshops and mini-conferences 2005" is for partners only.
    results = public("minconferences")
    assert results.total == 0 and results.suggestion is None


# ---- the bench's generated data ---------------------------------------------------------

def _bench():
    spec = importlib.util.spec_from_file_location("engage_bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(app, tmp_path_factory):
    """120 generated consultations (2,400 questions) as the bench makes them, indexed by reindex
    (made once a worker, copied for each test: tests/conftest.py's ``built_once``)."""
    from engage.demo.foundation import seed_foundation
    from engage.search import reindex
    from tests.conftest import built_once

    bench = _bench()
    bench.CONSULTATIONS = 120

    def build():
        seed_foundation()
        db.session.commit()
        bench.generate(random.Random(2006))
        reindex(["consultations"])

    built_once(app, "relevance-generated", build, tmp_path_factory)
    return bench


def _public_consultations():
    from sqlalchemy import select

    from engage.consultations.models import Consultation

    return db.session.scalars(select(Consultation).where(Consultation.visibility == "public").order_by(Consultation.id)).all()


def test_generated_consultation_title_above_its_questions(generated):
    # Every question carries its consultation's title as extra words: the consultation
    # itself, whose title it is, must be in the top three.
    checked = 0
    for c in _public_consultations()[:25]:
        found = top(public(c.title))
        assert ("consultation", c.title) in found, (c.title, found)
        checked += 1
    assert checked == 25


def test_generated_question_above_passing_mention(generated):
    # A topic asked about in questions ranks those questions above consultations whose
    # summary only mentions it.
    for topic in ("graffiti", "allotments", "street lighting", "dog fouling", "fly tipping", "youth clubs"):
        found = public(topic).hits[:3]
        assert found and all(topic.split()[0] in h.fields["title"].lower() for h in found), (topic, top(public(topic)))


def _public_question_texts() -> set[str]:
    from sqlalchemy import select

    from engage.consultations.models import Consultation, Question

    return set(db.session.scalars(select(Question.text).join(Consultation).where(Consultation.visibility == "public")))


def test_generated_question_level_search(generated):
    asked = _public_question_texts()
    checked = 0
    for kind_of_question, words in (("How satisfied are you with {t} in your area?", "satisfied {t}"),
                                    ("Should the council spend more on {t}?", "spend more {t}"),
                                    ("Has {t} got better or worse over the last year?", "{t} worse"),
                                    ("Which of these would most improve {t}?", "improving {t}")):
        for topic in ("libraries", "recycling", "noise", "graffiti", "allotments", "cycling", "markets"):
            expected = kind_of_question.format(t=topic)
            if expected not in asked:
                continue
            titles = [t for _, t in top(public(words.format(t=topic), "question"))]
            assert expected in titles, (expected, titles)
            checked += 1
    assert checked >= 10


def test_generated_phrase_and_stemming(generated):
    phrase = public('"got better or worse"', "question")
    loose = public("better worse", "question")
    assert phrase.total and all("got better or worse" in h.fields["title"] for h in phrase.hits)
    assert phrase.total <= loose.total
    assert public('"worse or better"', "question").total < loose.total
    # "improving" finds "improve", "libraries" finds "library" and the other way round.
    assert all("improve" in t for _, t in top(public("improving", "question")))
    assert public("library", "question").total == public("libraries", "question").total > 0


def test_generated_misspelling(generated):
    results = public("alotments")
    assert results.suggestion == "allotments"
    assert public(results.suggestion).total > 0

