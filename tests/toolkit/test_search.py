"""Search quality on the real toolkit, in a real Whoosh index: stemming, phrases, boosts and
ranking, facets and their counts, "did you mean", snippets, and input of any kind."""
import re

import pytest
from werkzeug.datastructures import MultiDict

from engage.toolkit import services
from engage.toolkit.models import PURPOSES


def search(index, q="", pagelen=50, **filters):
    pairs = [("q", q)] + [(name, v) for name, values in filters.items() for v in ([values] if isinstance(values, str) else values)]
    return services.run_search(index, services.read_params(MultiDict(pairs)), pagelen=pagelen)


def slugs(results):
    return [r.slug for r in results.results]


def test_focus_group_ranks_the_focus_group_entry_first(search_index):
    results = search(search_index, "focus group")
    assert slugs(results)[0] == "focus-group"
    assert results.total > 1  # other entries mention focus groups, below it


@pytest.mark.parametrize("query,first", [
    ("door knocking", "door-knocking"),
    ("participatory budgeting", "participatory-budgeting"),
    ("citizens jury", "citizens-jury"),
    ("world cafe", "world-cafe"),
    ("photovoice", "photovoice"),
    ("easy read", "accessibility-and-easy-read"),
    ("you said we did", "feeding-back-results"),
])
def test_titles_outrank_mentions(search_index, query, first):
    assert slugs(search(search_index, query))[0] == first


def test_stemming_consulting_finds_consultation(search_index):
    found = slugs(search(search_index, "consulting"))
    assert "principles-of-fair-consultation" in found
    assert "postcard-consultation" in found
    assert "avoiding-consultation-fatigue" in found


def test_stemming_works_both_ways(search_index):
    assert "questionnaire-survey" in slugs(search(search_index, "surveying"))
    assert "engaging-young-people" in slugs(search(search_index, "engage"))


def test_phrase_search_needs_the_words_together(search_index):
    loose = search(search_index, "open space")
    phrase = search(search_index, '"open space"')
    assert slugs(phrase)[0] == "open-space"
    assert phrase.total < loose.total  # entries with "open" and "space" apart drop out
    assert set(slugs(phrase)) <= set(slugs(loose))


def test_words_are_anded_then_ored_when_nothing_has_them_all(search_index):
    narrow = search(search_index, "camera young")
    wide = search(search_index, "camera")
    assert 0 < narrow.total <= wide.total  # AND: every word must match
    fallback = search(search_index, "photovoice xylophone")  # no entry has both words
    assert fallback.total >= 1 and slugs(fallback)[0] == "photovoice"


def test_snippets_mark_the_matching_words(search_index):
    result = next(r for r in search(search_index, "refreshments").results if r.slug == "focus-group")
    assert '<mark class="engage-highlight">refreshments</mark>' in str(result.snippet).lower()


def test_snippets_are_escaped(search_index):
    snippet = services.snippet("Use <b>bold</b> words & more about focus groups", "focus")
    assert "&lt;b&gt;" in str(snippet) and "&amp;" in str(snippet)
    assert '<mark class="engage-highlight">focus</mark>' in str(snippet)


def test_did_you_mean(search_index):
    assert search(search_index, "focsu group").suggestion == "focus group"
    assert search(search_index, "questionaire").suggestion == "questionnaire"
    assert search(search_index, "partisipatory budgetting").suggestion == "participatory budgeting"
    assert search(search_index, "focus group").suggestion is None


def test_facet_counts_cover_every_value(search_index):
    everything = search(search_index)
    assert everything.total >= 40
    kinds = everything.facets["kind"]
    assert kinds["method"] >= 28 and kinds["guide"] >= 12 and kinds["method"] + kinds["guide"] == everything.total
    assert set(everything.facets) == {"kind", "purpose", "audience", "group_size", "time", "cost"}
    assert list(everything.facets["purpose"]) == list(PURPOSES)
    # Only methods have a group size: the sizes add up to the number of methods.
    assert sum(everything.facets["group_size"].values()) == kinds["method"]


def test_a_filter_gives_exactly_its_count(search_index):
    everything = search(search_index)
    for name in ("kind", "purpose", "audience", "group_size", "time", "cost"):
        for value, count in everything.facets[name].items():
            if count:
                assert search(search_index, **{name: value}).total == count, (name, value)


def test_facets_combine(search_index):
    methods = search(search_index, kind="method")
    cheap_methods = search(search_index, kind="method", cost="low")
    assert 0 < cheap_methods.total < methods.total
    assert all(r.kind == "method" and r.cost == "low" for r in cheap_methods.results)
    # The count shown for "low" under the method filter is what ticking it gives.
    assert methods.facets["cost"]["low"] == cheap_methods.total


def test_values_of_one_facet_are_ored(search_index):
    small = search(search_index, group_size="small").total
    large = search(search_index, group_size="large").total
    both = search(search_index, group_size=["small", "large"])
    assert both.total == small + large
    # A facet's own counts ignore its own filter, so the other values stay choosable.
    assert both.facets["group_size"]["medium"] > 0


def test_search_and_filter_together(search_index):
    results = search(search_index, "young people", kind="method", purpose="empower")
    assert results.total >= 1
    assert "youth-council" in slugs(results)
    assert all(r.kind == "method" and "empower" in r.purpose for r in results.results)


def test_unknown_filter_values_are_ignored(search_index):
    params = services.read_params(MultiDict([("kind", "spaceship"), ("cost", "<b>"), ("kind", "method")]))
    assert params.filters == {"kind": ["method"]}


def test_state_round_trips_through_the_url(search_index):
    params = services.read_params(MultiDict([("q", "focus"), ("kind", "method"), ("purpose", "consult"), ("purpose", "involve"), ("page", "2")]))
    assert params.args() == [("q", "focus"), ("kind", "method"), ("purpose", "consult"), ("purpose", "involve"), ("page", "2")]
    removed = params.args(remove=("purpose", "consult"))
    assert ("purpose", "consult") not in removed and ("purpose", "involve") in removed
    assert ("page", "2") not in removed  # a changed filter goes back to page 1


def test_paging(search_index):
    first = search(search_index, pagelen=10)
    second = services.run_search(search_index, services.read_params(MultiDict([("page", "2")])), pagelen=10)
    assert first.pages >= 4 and second.page == 2
    assert not set(slugs(first)) & set(slugs(second))
    beyond = services.run_search(search_index, services.read_params(MultiDict([("page", "999")])), pagelen=10)
    assert beyond.page == beyond.pages
    last = services.run_search(search_index, services.read_params(MultiDict([("page", str(first.pages))])), pagelen=10)
    assert beyond.results and slugs(beyond) == slugs(last)  # the last page's entries, not an empty list


BAD_INPUT = [
    '"unbalanced quote', 'focus "group', "AND", "OR", "NOT", "AND OR NOT", "focus AND", "NOT NOT", "*", "**", "foc*",
    "NOT NOT survey", "survey AND NOT", "?", "(", ")", "((focus)", "[a TO z]", "title:focus", "focus^99", "~", "-", "+", "\\", "x" * 10_000,
    "focus " * 2_000, "<script>alert('x')</script>", "<b>focus</b>", "'; DROP TABLE toolkit_entry; --",
    "консультация молодежи", "協議 調査", "استشارة", "👍🏽 focus", "\x00\x01 focus", "%00", "{{ 7*7 }}",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_any_input_gives_results_or_a_plain_message(search_index, query):
    everything = search(search_index, "").total
    results = search(search_index, query)
    # The count is the count of what is listed (50 a page), never more than the toolkit holds.
    assert results.total == len(results.results) if results.total <= 50 else len(results.results) == 50
    assert results.total <= everything
    assert results.pages == max(1, -(-results.total // 50))
    for r in results.results:
        assert r.slug and r.title
    # Whatever is around it, the word "focus" finds the focus group entry. Whoosh's query
    # parser promises that; PostgreSQL's web search syntax reads "title:", "^99" and tags as
    # words of their own, so there it promises only the plain message above.
    from engage.search.whoosh_backend import WhooshBackend

    if isinstance(search_index, WhooshBackend) and re.search(r"(?<![a-z])focus(?![a-z*])", query.lower()):
        assert "focus-group" in slugs(results), query[:40]


def test_query_with_no_words_shows_everything_with_a_message(search_index):
    for query in ("*", "AND", "((", "!!!"):
        results = search(search_index, query)
        assert results.total >= 40, query
        assert "did not have any words" in results.message


def test_very_long_query_is_cut_with_a_message(search_index):
    results = search(search_index, "focus group " * 1000)
    assert "only the first 500 characters" in results.message
    assert "focus-group" in slugs(results)
