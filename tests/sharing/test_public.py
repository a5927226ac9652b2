"""What residents and partner sites see: "you said, we did" with its filters, each report's
page (with the responses), the consultation's page, the Atom feed (valid Atom), the embed
(framable, small), and who sees drafts and partner-only reports."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from lxml import etree

from engage.extensions import db
from engage.sharing import responses, services
from tests.sharing.support import answer, make_report, publish

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(world, smtp):
    report = publish(world, make_report(world))
    answer(world["coordinator"], report, world["partnership"], report.recommendations[0],
                            {"status": "taken", "action": "Cleaning went fortnightly", "owner": "Street scene", "due_on": None})
    db.session.commit()
    return report


def test_you_said_we_did_shows_the_report_and_its_responses(client, world, published):
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert "What people said about litter" in html and "People want cleaner streets." in html
    assert "Safer Borough Partnership" in html and "Responded" in html
    assert "Healthy Borough Partnership" in html and "Response due" in html
    # The consultation now has a report, so it is not listed again under "other results".
    assert "Other published results" not in html


def test_older_results_without_a_report_still_show(client, world):
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Other published results" in html and "Seven in ten see a lot of litter" in html


@pytest.mark.parametrize("args, shown", [
    ({}, True),
    ({"priority": "new"}, True),          # tagged under the old priority, found under the new one
    ({"priority": "other_new"}, False),
    ({"area": "north"}, True),            # Castle is in Northtown
    ({"area": "borough"}, True),
    ({"area": "bridge"}, False),
    ({"partnership": "second"}, True),
    ({"year": "this"}, True),
    ({"year": "1999"}, False),
])
def test_filters(client, world, published, args, shown):
    query = {}
    for key, value in args.items():
        if key == "year":
            query[key] = str(date.today().year) if value == "this" else value
        else:
            query[key] = world[value].id
    html = client.get("/you-said-we-did", query_string=query).get_data(as_text=True)
    assert ("What people said about litter" in html) is shown


def test_bad_filters_are_ignored_not_errors(client, world, published):
    for query in ({"priority": "x"}, {"area": "99999999999"}, {"year": "abc"}, {"year": "⁰⁴⁵"}, {"page": "-3"}):
        response = client.get("/you-said-we-did", query_string=query)
        # The bad filter is left out, so the published report is still listed.
        assert response.status_code == 200 and "What people said about litter" in response.get_data(as_text=True), query


def test_report_page_shows_you_said_and_we_did(client, world, published):
    html = client.get(f"/findings/{published.id}").get_data(as_text=True)
    assert "You said" in html and "Seven in ten see a lot of litter" in html  # seeded from the consultation
    assert "Cleaning went fortnightly" in html and "Action taken" in html
    assert "A Safer Borough" in html and "tagged as Safe neighbourhoods (Strategy 2005)" in html
    assert "Timeline" not in html  # the workflow's record is for the people working on it
    assert html.count("<h1") == 1


def test_consultation_page_shows_its_published_reports(client, world, published):
    html = client.get(f"/consultations/{world['consultation'].id}").get_data(as_text=True)
    assert "You said, we did" in html and f"/findings/{published.id}" in html


def test_consultation_manage_list_offers_a_report(client, login, world):
    login("practitioner")
    html = client.get(f"/consultations/{world['consultation'].id}").get_data(as_text=True)
    assert f"/findings/new?consultation={world['consultation'].id}" in html


def test_navigation_and_old_links(client, world):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/you-said-we-did"' in html
    from flask import url_for

    with client.application.test_request_context():
        assert url_for("consultations.you_said_we_did") == url_for("sharing.you_said_we_did") == "/you-said-we-did"


@pytest.mark.parametrize("viewer, sees_draft", [
    (None, False), ("vcs", True), ("practitioner", True), ("coordinator", True), ("officer", True)])
def test_drafts_only_for_the_authors_organisation_and_reviewers(client, login, world, viewer, sees_draft):
    draft = make_report(world)
    login(viewer) if viewer else None
    assert client.get(f"/findings/{draft.id}").status_code == (200 if sees_draft else 404)


def test_drafts_hidden_from_other_organisations(client, login, world, users):
    from tests.conftest import sign_in

    draft = make_report(world, partnership_ids=[world["second"].id])
    sign_in(client, "other@test.example")  # a practitioner of another organisation
    assert client.get(f"/findings/{draft.id}").status_code == 404
    client.post("/sign-out")
    sign_in(client, "coord2@test.example")  # coordinates a named partnership: a reviewer
    assert client.get(f"/findings/{draft.id}").status_code == 200
    assert services.can_view(world["other_user"], draft) is False


def test_partner_only_reports_need_signing_in(client, login, world, smtp):
    report = publish(world, make_report(world, visibility="partners", title="Partners only litter report"))
    assert client.get(f"/findings/{report.id}").status_code == 404
    assert "Partners only litter report" not in client.get("/you-said-we-did").get_data(as_text=True)
    assert "Partners only litter report" not in client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    assert "Partners only litter report" not in client.get("/embed/you-said-we-did").get_data(as_text=True)
    login("vcs")
    assert client.get(f"/findings/{report.id}").status_code == 200
    assert "Partners only litter report" in client.get("/you-said-we-did").get_data(as_text=True)
    # Feed, embed and API are public whoever asks.
    assert "Partners only litter report" not in client.get("/you-said-we-did/feed.atom").get_data(as_text=True)


def test_feed_is_valid_atom_with_reports_and_responses(client, world, published):
    response = client.get("/you-said-we-did/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "You said: What people said about litter" in titles
    assert "We did: Safer Borough Partnership responded to What people said about litter" in titles
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:  # RFC 4287: each entry has id, title, updated and a link
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    other = etree.fromstring(client.get("/you-said-we-did/feed.atom", query_string={"area": world["bridge"].id}).data)
    assert other.findall(f"{ATOM}entry") == []


def test_embed_can_be_framed_and_filters(client, world, published):
    response = client.get("/embed/you-said-we-did", query_string={"partnership": world["partnership"].id, "area": world["castle"].id})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"] and "X-Frame-Options" not in response.headers
    assert "What people said about litter" in html and 'target="_top"' in html
    assert "Safer Borough Partnership" in html and "govuk-service-navigation" not in html
    assert client.get("/you-said-we-did").headers["X-Frame-Options"] == "DENY"
    none = client.get("/embed/you-said-we-did", query_string={"area": world["bridge"].id}).get_data(as_text=True)
    assert "No reports have been published yet" in none


def test_officers_see_the_embed_snippet(client, login, world):
    login("officer")
    html = client.get("/findings/manage").get_data(as_text=True)
    assert "&lt;iframe src=&#34;http://localhost/embed/you-said-we-did" in html or "&lt;iframe src=\"http://localhost/embed/you-said-we-did" in html
    login("practitioner")
    assert "&lt;iframe" not in client.get("/findings/manage").get_data(as_text=True)


def test_withdrawn_reports_leave_the_public_pages_with_a_notice(client, world, published):
    summary = published.summary
    services.transition(world["officer2"], published, "withdraw", "Figures were wrong")
    db.session.commit()
    assert "What people said about litter" not in client.get("/you-said-we-did").get_data(as_text=True)
    # A link someone kept says what happened, in words, and shows none of the content.
    response = client.get(f"/findings/{published.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This report has been withdrawn on" in html and "Figures were wrong" in html
    assert "What people said about litter" in html and summary not in html
    assert client.get("/findings/999999").status_code == 404


def test_a_report_withdrawn_under_embargo_was_never_out_so_it_stays_not_found(client, world, published):
    published.embargo_until = services.now() + timedelta(days=3)
    db.session.commit()
    services.transition(world["officer2"], published, "withdraw", "Not ready")
    db.session.commit()
    assert client.get(f"/findings/{published.id}").status_code == 404


def test_dashboard_counts(client, login, world, published):
    published.published_at = services.now() - timedelta(weeks=10)
    db.session.commit()
    login("officer")
    html = client.get("/findings/dashboard").get_data(as_text=True)
    assert "A Safer Borough" in html and "Includes work tagged under Safe neighbourhoods (Strategy 2005)" in html
    assert "Late responses" in html and "Healthy Borough Partnership" in html
    assert "Castle" in html  # the priority ward
    from engage.sharing import dashboard

    data = dashboard.build()
    row = next(r for r in data["rows"] if r.priority.name == "A Safer Borough")
    # Safer Borough answered its one recommendation (done); Healthy Borough did not (late).
    assert (row.counts.consultations, row.counts.reports, row.counts.done, row.counts.late) == (1, 1, 1, 1)
    castle = next(w for w in data["wards"] if w.ward.name == "Castle")
    assert (castle.local, castle.reports) == (1, 1)


def test_the_dashboard_counts_only_consultations_the_reader_may_see(client, login, world, published):
    """The review's defect: the board dashboard counted other organisations' private
    consultations (11 where the reader may see 10). It uses the consultations' own rule."""
    from engage.consultations import services as consultation_services
    from engage.sharing import dashboard
    from tests.consultations.records_support import log

    officer2 = world["officer2"]   # another organisation
    private = log(officer2, title="Private litter review", area_ids=[world["castle"].id], priority_ids=[world["old"].id],
                  visibility="organisation")
    db.session.commit()
    coordinator = world["coordinator"]
    assert not consultation_services.can_view(coordinator, private)

    def counts(user):
        data = dashboard.build(user)
        row = next(r for r in data["rows"] if r.priority.name == "A Safer Borough")
        castle = next(w for w in data["wards"] if w.ward.name == "Castle")
        return data["totals"].consultations, row.counts.consultations, castle.local

    assert counts(coordinator) == (1, 1, 1)        # the private one is not counted for them
    assert counts(officer2) == (2, 2, 2)           # its own organisation sees it
    login("coordinator")
    html = client.get("/findings/dashboard").get_data(as_text=True)
    assert "Private litter review" not in html


def test_words_search_the_report_its_findings_and_responses(client, world, published):
    def found(words):
        return "What people said about litter" in client.get("/you-said-we-did", query_string={"q": words}).get_data(as_text=True)

    assert found("litter") and found("fortnightly") and found("seven in ten")  # title, a response, a key finding
    assert not found("allotments")
    api = client.get("/api/v1/findings", query_string={"q": "fortnightly"}).get_json()
    assert [f["id"] for f in api["findings"]] == [published.id]


def test_words_never_reveal_what_is_not_public(client, world, smtp):
    embargoed = publish(world, make_report(world, title="Secret embargoed litter plan"),
                        embargo_until=services.now() + timedelta(days=2))
    assert embargoed.state == "published"
    html = client.get("/you-said-we-did", query_string={"q": "secret embargoed"}).get_data(as_text=True)
    assert "Secret embargoed litter plan" not in html
