"""Visibility: public records for anyone, partner-only records for anyone signed in,
own-organisation records for that organisation and officers. Checked everywhere a record
can surface: the finder, pages, search (consultation, question and finding hits and facet
counts), the API, open data, "have your say" and "you said, we did"."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.consultations import services
from engage.extensions import db
from tests.conftest import sign_in
from tests.consultations.records_support import add_question, log, ref  # noqa: F401

WORDS = {"public": "Alphapublic", "partners": "Betapartners", "organisation": "Gammaprivate", "other": "Deltaother"}


@pytest.fixture
def records(app, users, ref):
    today = date.today()
    out = {}
    for key, word in WORDS.items():
        owner = ref["other_user"] if key == "other" else users["practitioner"]
        visibility = "organisation" if key == "other" else key
        c = log(owner, title=f"{word} survey", summary=f"About {word}.", visibility=visibility,
                planned_start=today - timedelta(days=5), planned_close=today + timedelta(days=20))
        c.results_published_on = today - timedelta(days=1)
        services.save_finding(owner, c, None, {"statement": f"{word} finding statement"})
        db.session.commit()
        add_question(c, f"{word} question about parks", ["Yes", "No"], {"all": (200, [150, 50])})
        out[key] = c
    return out


def as_viewer(client, login, ref, viewer):
    if viewer == "other":
        client.post("/sign-out")
        assert sign_in(client, ref["other_user"].email).status_code == 302
    else:
        login(viewer)
    return client


# viewer -> which records they may see
EXPECTED = {
    None: {"public"},
    "vcs": {"public", "partners", "organisation"},
    "practitioner": {"public", "partners", "organisation"},
    "other": {"public", "partners", "other"},
    "officer": {"public", "partners", "organisation", "other"},
}


@pytest.mark.parametrize("viewer", list(EXPECTED))
def test_finder_pages_and_search_follow_the_rule(client, login, ref, records, viewer):
    as_viewer(client, login, ref, viewer)
    allowed = EXPECTED[viewer]
    finder = client.get("/consultations").get_data(as_text=True)
    everything = client.get("/consultations/search").get_data(as_text=True)
    for key, c in records.items():
        word = WORDS[key]
        visible = key in allowed
        assert (word in finder) is visible, (viewer, key, "finder")
        assert (word in everything) is visible, (viewer, key, "search with no words")
        assert client.get(f"/consultations/{c.id}").status_code == (200 if visible else 404)
        for query in (word, f"{word} question", f"{word} finding statement"):
            html = client.get("/consultations/search", query_string={"q": query}).get_data(as_text=True)
            assert (f"{word} survey" in html) is visible, (viewer, key, query)
        # Facet filters cannot be used to reach hidden records either.
        html = client.get("/consultations/search", query_string={"q": word, "kind": "question", "org_id": str(c.lead_organisation_id)}).get_data(as_text=True)
        assert (f"In: {word} survey" in html) is visible
    results = client.get("/consultations/search", query_string={"kind": "consultation"}).get_data(as_text=True)
    assert f"{len(allowed)} result" in results


@pytest.mark.parametrize("viewer", list(EXPECTED))
def test_api_open_data_and_public_pages_are_public_only(client, login, ref, records, viewer):
    as_viewer(client, login, ref, viewer)
    listed = client.get("/api/v1/consultations").get_json()
    assert [c["title"] for c in listed["consultations"]] == ["Alphapublic survey"]
    for key, c in records.items():
        assert client.get(f"/api/v1/consultations/{c.id}").status_code == (200 if key == "public" else 404)
        hits = client.get("/api/v1/search", query_string={"q": WORDS[key]}).get_json()["hits"]
        assert bool(hits) is (key == "public")
    csv_text = client.get("/consultations/export.csv").get_data(as_text=True)
    json_body = client.get("/consultations/export.json").get_json()
    assert [c["title"] for c in json_body["consultations"]] == ["Alphapublic survey"]
    assert "Alphapublic" in client.get("/you-said-we-did").get_data(as_text=True)
    for key in ("partners", "organisation", "other"):
        assert WORDS[key] not in csv_text
        for page in ("/have-your-say", "/you-said-we-did"):
            assert WORDS[key] not in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize("viewer", [None, "practitioner", "officer"])
def test_have_your_say_lists_open_public_consultations_only(client, login, users, ref, viewer):
    today = date.today()
    for visibility in ("public", "partners", "organisation"):
        log(users["practitioner"], title=f"Open {visibility} chat", visibility=visibility, how_to_take_part=f"Come along {visibility}",
            planned_start=today - timedelta(days=2), planned_close=today + timedelta(days=9))
    log(users["practitioner"], title="Closed public chat", planned_start=today - timedelta(days=30), planned_close=today - timedelta(days=9))
    as_viewer(client, login, ref, viewer)
    html = client.get("/have-your-say").get_data(as_text=True)
    assert "Open public chat" in html and "Come along public" in html
    assert "Open partners chat" not in html and "Open organisation chat" not in html and "Closed public chat" not in html


def test_the_one_rule(app, users, ref):
    anon = services.audience(None)
    assert not anon.everything and anon.levels == {"public"} and anon.organisation_id is None
    member = services.audience(users["vcs"])
    assert member.levels == {"public", "partners"} and member.organisation_id == users["vcs"].organisation_id
    assert services.audience(users["officer"]).everything
    assert services.search_filter(None) == [[("visibility", "public")]]
    assert services.search_filter(users["vcs"]) == [[("visibility", "partners"), ("visibility", "public"), ("org_id", str(users["vcs"].organisation_id))]]
    assert services.search_filter(users["officer"]) == []


def test_changing_visibility_updates_search_at_once(client, login, users, ref, records):
    c = records["public"]
    assert "Alphapublic survey" in client.get("/consultations/search?q=alphapublic").get_data(as_text=True)
    c.visibility = "organisation"
    db.session.commit()
    assert "Alphapublic survey" not in client.get("/consultations/search?q=alphapublic").get_data(as_text=True)
    assert "Alphapublic" not in client.get("/api/v1/search?q=alphapublic").get_data(as_text=True)


def test_unpublished_results_stay_private_to_editors(client, login, users, ref):
    c = log(users["practitioner"], title="Epsilonpending survey")
    add_question(c, "Epsilonpending question", ["Yes", "No"], {"all": (300, [200, 100])})
    services.save_finding(users["practitioner"], c, None, {"statement": "Epsilonpending finding"})
    db.session.commit()
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Epsilonpending finding" not in page and "67%" not in page
    search = client.get("/consultations/search?q=epsilonpending").get_data(as_text=True)
    assert "Epsilonpending finding" not in search and "came first" not in search
    assert client.get(f"/api/v1/consultations/{c.id}").get_json()["findings"] == []
    login("practitioner")
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Epsilonpending finding" in page and "These results are not published yet" in page


def test_did_you_mean_never_offers_a_word_from_a_record_the_reader_may_not_see(client, login, records):
    # One letter off each record's own word: only the public record's word may come back.
    for key, word in WORDS.items():
        near_miss = word[:-1].lower()
        suggestion = client.get(f"/api/v1/search?q={near_miss}").get_json()["suggestion"]
        if key == "public":
            assert suggestion == word.lower()
        else:
            assert suggestion != word.lower(), f"a near miss revealed the {key} record's word"
