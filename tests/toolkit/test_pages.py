"""The public toolkit pages: search with facets and removable filters (state in the URL, no
JavaScript), entry pages, consultations that used a method, feedback, the embed page and
CSRF on the forms."""
import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.toolkit.models import ToolkitFeedback
from tests.toolkit.test_search import BAD_INPUT


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_search_page_lists_everything_with_facet_counts(client, toolkit):
    html = page(client, "/toolkit")
    assert html.count("<h1") == 1
    assert "45 entries" in html
    assert re.search(r'name="kind" type="checkbox" value="method"', html)
    assert re.search(r"Methods <span class=\"engage-count\">\(30\)</span>", html)
    assert re.search(r"Guides <span class=\"engage-count\">\(15\)</span>", html)
    for legend in ("Kind", "Purpose", "Good for", "Group size", "Time needed", "Cost"):
        assert f">{legend}</legend>" in html
    assert "<script>" not in html and " style=" not in html


def test_search_shows_results_snippets_and_suggestion(client, toolkit):
    html = page(client, "/toolkit?q=focsu+group")
    assert "Did you mean" in html and 'href="/toolkit?q=focus+group"' in html
    html = page(client, "/toolkit?q=focus+group")
    first = re.search(r'class="engage-results__item">\s*<h3[^>]*><a class="govuk-link" href="/toolkit/([\w-]+)"', html)
    assert first.group(1) == "focus-group"
    assert '<mark class="engage-highlight">' in html


def test_filters_are_in_the_url_and_each_can_be_removed(client, toolkit):
    html = page(client, "/toolkit?q=young+people&kind=method&purpose=involve&purpose=empower")
    assert 'value="method" checked' in html and 'value="involve" checked' in html and 'value="empower" checked' in html
    assert 'value="young people"' in html  # the search box keeps the words
    removes = re.findall(r'class="govuk-link engage-chosen__link" href="([^"]+)"', html)
    assert len(removes) == 3
    pairs = [parse_qsl(urlsplit(h.replace("&amp;", "&")).query) for h in removes]
    assert ("kind", "method") not in pairs[0] and ("purpose", "involve") in pairs[0] and ("q", "young people") in pairs[0]
    assert ("purpose", "involve") not in pairs[1] and ("purpose", "empower") in pairs[1] and ("kind", "method") in pairs[1]
    # Following a removal link gives a page without that filter.
    after = page(client, removes[0].replace("&amp;", "&"))
    assert 'value="method" checked' not in after and 'value="involve" checked' in after


def test_filtered_count_matches_the_results(client, toolkit):
    html = page(client, "/toolkit?kind=method&cost=low")
    total = int(re.search(r"(\d+) entries", html).group(1))
    assert total == len(re.findall(r'class="engage-results__item"', html))
    label = re.search(r"Under £500 <span class=\"engage-count\">\((\d+)\)</span>", html)
    assert int(label.group(1)) == total


def test_bad_filter_values_and_pages_never_break_the_page(client, toolkit):
    page(client, "/toolkit?kind=<script>&cost=free&page=abc")
    page(client, "/toolkit?page=-5")
    html = page(client, "/toolkit?page=999999")
    assert "45 entries" in html


def test_every_bad_query_gives_200_and_plain_words(client, toolkit):
    for query in BAD_INPUT:
        response = client.get("/toolkit", query_string={"q": query})
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert "entries" in html or "1 entry" in html or "No entries found" in html, query
        assert "<script>alert" not in html
    html = page(client, "/toolkit?q=" + "x" * 10_000)
    assert "only the first 500 characters" in html
    html = page(client, "/toolkit?q=*")
    assert "did not have any words" in html and "45 entries" in html
    html = page(client, "/toolkit?q=%D0%BA%D0%BE%D0%BD%D1%81%D1%83%D0%BB%D1%8C%D1%82%D0%B0%D1%86%D0%B8%D1%8F")
    assert "No entries found" in html and "check the spelling" in html


def test_broken_index_lists_entries_instead_of_failing(app, client, toolkit, tmp_path):
    from engage.search.whoosh_backend import WhooshBackend

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    broken = WhooshBackend(str(blocker / "index"))
    for spec in app.extensions["engage_search"].specs.values():
        broken.register(spec)
    app.extensions["engage_search"] = broken
    html = page(client, "/toolkit?q=focus")
    assert "Search is not working at the moment" in html and "Focus group" in html


def test_entry_page(client, toolkit):
    html = page(client, "/toolkit/focus-group")
    assert html.count("<h1") == 1 and ">Focus group</h1>" in html
    # Contents list linking to the headings of the body.
    contents = re.search(r'<nav class="engage-contents[^"]*".*?</nav>', html, re.S).group(0)
    for anchor in ("what-it-is", "step-by-step", "checklist"):
        assert f'href="#{anchor}"' in contents and f'id="{anchor}"' in html
    # At a glance, related entries, checklist with labelled checkboxes, print styles.
    assert "Up to 15 people" in html and "£500 to £5,000" in html
    related = re.search(r'<aside class="engage-related".*?</aside>', html, re.S).group(0)
    assert 'href="/toolkit/in-depth-interview"' in related and 'href="/toolkit/writing-good-questions"' in related
    assert '<label class="engage-check__label"><input type="checkbox" disabled>' in html
    assert 'href="/static/print.css" media="print"' in html
    assert "Was this page useful?" in html


def test_guide_page_has_no_method_fields(client, toolkit):
    html = page(client, "/toolkit/principles-of-fair-consultation")
    assert "Group size" not in html and "Consultations that used this method" not in html
    assert "Checklist" in html


def test_unknown_entry_is_a_plain_404(client, toolkit):
    html = page(client, "/toolkit/no-such-method", 404)
    assert "no toolkit entry at this address" in html
    for odd in ("%00", "focus%00group", "Focus-Group", "x" * 200):
        assert client.get(f"/toolkit/{odd}").status_code == 404, odd
        assert client.get(f"/api/v1/toolkit/{odd}").status_code == 404, odd


def _consultation(org, title, visibility, method):
    from engage.consultations.models import Consultation, ConsultationTag

    c = Consultation(title=title, lead_organisation_id=org.id, visibility=visibility, planned_start=date(2006, 3, 1))
    c.tags = [ConsultationTag(kind="method", value=method)]
    db.session.add(c)
    db.session.commit()
    return c


def test_entry_lists_public_consultations_that_used_the_method(client, toolkit, org):
    public = _consultation(org, "Leisure centre focus groups", "public", "focus-group")
    _consultation(org, "Secret partners-only focus groups", "partners", "focus-group")
    _consultation(org, "Organisation-only focus groups", "organisation", "focus-group")
    _consultation(org, "A survey, not a focus group", "public", "questionnaire-survey")
    html = page(client, "/toolkit/focus-group")
    used = html[html.index('id="used-in"'):html.index('id="feedback"')]
    assert "Leisure centre focus groups" in used
    assert "Secret partners-only" not in used and "Organisation-only" not in used and "A survey, not" not in used
    assert "1 consultation in the database used focus group" in used
    assert f"/consultations/{public.id}" in used
    other = page(client, "/toolkit/world-cafe")
    assert "No consultation you can see in the database has used this method yet" in other


def test_signed_in_partners_also_see_partners_only_consultations_that_used_the_method(client, login, users, toolkit, org):
    from engage.partnership.models import Organisation

    users["vcs"].organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.id != org.id))
    db.session.commit()
    _consultation(org, "Leisure centre focus groups", "public", "focus-group")
    _consultation(org, "Partners-only focus groups", "partners", "focus-group")
    _consultation(org, "Organisation-only focus groups", "organisation", "focus-group")
    login("vcs")
    used = page(client, "/toolkit/focus-group")
    used = used[used.index('id="used-in"'):used.index('id="feedback"')]
    assert "Leisure centre focus groups" in used and "Partners-only focus groups" in used
    assert "Organisation-only" not in used
    assert "2 consultations in the database used focus group" in used


def test_feedback_is_saved_and_thanked(client, toolkit):
    response = client.post("/toolkit/focus-group/feedback", data={"useful": "no", "comment": "Say more about  online focus groups."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/toolkit/focus-group")
    item = db.session.scalar(select(ToolkitFeedback))
    assert item.useful is False and item.comment == "Say more about  online focus groups." and item.entry.slug == "focus-group"
    html = page(client, "/toolkit/focus-group")
    assert "Thank you for your feedback" in html


def test_feedback_errors_are_shown_and_nothing_is_saved(client, toolkit):
    response = client.post("/toolkit/focus-group/feedback", data={"useful": "maybe", "comment": "x" * 1201})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error: Focus group" in html
    assert "Your comment must be 1,200 characters or fewer" in html
    assert db.session.scalar(select(ToolkitFeedback)) is None


def test_embed_page_may_be_framed_and_opens_results_on_engage(client, toolkit):
    response = client.get("/embed/toolkit")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    html = response.get_data(as_text=True)
    assert 'target="_top"' in html and 'action="http://localhost/toolkit"' in html
    assert "govuk-service-navigation" not in html and "govuk-footer" not in html
    assert html.count("<h1") == 1
    # Other toolkit pages still refuse to be framed.
    assert client.get("/toolkit").headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def strict_client(app, tmp_path):
    from tests.conftest import make_app

    strict = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "strict", WTF_CSRF_ENABLED=True)
    with strict.app_context():
        yield strict.test_client()


def test_csrf_is_enforced_on_toolkit_forms(strict_client, entry, users):
    # A POST without a token is refused with a plain 400, and nothing is saved.
    response = strict_client.post("/toolkit/test-method/feedback", data={"useful": "yes"})
    assert response.status_code == 400
    assert "not sent from this site" in response.get_data(as_text=True)
    assert db.session.scalar(select(ToolkitFeedback)) is None
    # With the token from the page, the same form works.
    html = strict_client.get("/toolkit/test-method").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    ok = strict_client.post("/toolkit/test-method/feedback", data={"useful": "yes", "csrf_token": token})
    assert ok.status_code == 302


def test_csrf_is_enforced_on_officer_forms(strict_client, entry, users):
    from tests.conftest import PASSWORD

    html = strict_client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    signed_in = strict_client.post("/sign-in", data={"email": users["officer"].email, "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    for url, data in [("/admin/toolkit/test-method", {"title": "Hacked", "reason": "x"}),
                      ("/admin/toolkit/test-method/revisions/1/restore", {}),
                      ("/admin/toolkit/test-method/use-file", {})]:
        assert strict_client.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    from engage.toolkit.services import get_entry

    assert get_entry("test-method").title == "Test method"


def test_home_and_navigation_link_to_the_toolkit(client):
    html = page(client, "/")
    assert 'href="/toolkit/choose"' in html and 'href="/toolkit"' in html
