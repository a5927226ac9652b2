"""The public pages: the finder (open first, filters), each consultation's page, "have your
say", "you said, we did", and the layout rules every page follows."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from engage.consultations import services
from engage.extensions import db
from tests.consultations.records_support import add_question, log, publish, ref  # noqa: F401


@pytest.fixture
def mix(app, users, ref):
    today = date.today()
    closed = log(users["practitioner"], title="Closed bus survey", planned_start=today - timedelta(days=90), planned_close=today - timedelta(days=60),
                 area_ids=[ref["bridge"].id], theme_ids=[ref["theme"].id])
    opened = log(users["practitioner"], title="Open park survey", planned_start=today - timedelta(days=5), planned_close=today + timedelta(days=25),
                 area_ids=[ref["castle"].id], priority_ids=[ref["old"].id], how_to_take_part="Drop in to the library.",
                 take_part_url="https://example.org/park")
    planned = log(users["practitioner"], title="Planned housing survey", planned_start=today + timedelta(days=20), planned_close=today + timedelta(days=50))
    published = log(users["practitioner"], title="Published litter survey", planned_start=today - timedelta(days=200),
                    planned_close=today - timedelta(days=150), priority_ids=[ref["new"].id])
    add_question(published, "How much litter is there?", ["A lot", "A little"], {"all": (300, [210, 90])})
    services.save_finding(users["practitioner"], published, None, {"statement": "Seven in ten see a lot of litter"})
    db.session.commit()
    publish(published, days_ago=3)
    return {"closed": closed, "open": opened, "planned": planned, "published": published}


def order_of(html, names):
    return sorted(names, key=lambda n: html.index(n))


def test_finder_shows_open_ones_first(client, mix):
    html = client.get("/consultations").get_data(as_text=True)
    assert order_of(html, ["Closed bus survey", "Open park survey", "Planned housing survey", "Published litter survey"]) == [
        "Open park survey", "Planned housing survey", "Published litter survey", "Closed bus survey"]
    assert "Open (1)" in html and "Planned (1)" in html and "Results published (1)" in html and "Closed (1)" in html


def test_finder_filters(client, ref, mix):
    def shown(**params):
        html = client.get("/consultations", query_string=params).get_data(as_text=True)
        return {t for t in ("Closed bus survey", "Open park survey", "Planned housing survey", "Published litter survey") if t in html}

    assert shown(status="open") == {"Open park survey"}
    assert shown(status=["open", "planned"]) == {"Open park survey", "Planned housing survey"}
    assert shown(area=ref["north"].id) == {"Open park survey"}
    assert shown(topic=f"p{ref['new'].id}") == {"Open park survey", "Published litter survey"}  # 2005 priority included
    assert shown(topic=f"t{ref['theme'].id}") == {"Closed bus survey"}
    assert shown(q="housing") == {"Planned housing survey"}
    html = client.get("/consultations", query_string={"status": "open", "area": ref["south"].id}).get_data(as_text=True)
    assert "No consultations match" in html and "Clear filters" in html


def test_consultation_page_says_how_to_take_part(client, mix):
    html = client.get(f"/consultations/{mix['open'].id}").get_data(as_text=True)
    assert "How to take part" in html and "Drop in to the library." in html
    assert 'href="https://example.org/park"' in html and "Take part now" in html
    planned = client.get(f"/consultations/{mix['planned'].id}").get_data(as_text=True)
    assert "has not started yet" in planned and "Take part now" not in planned


def test_published_page_shows_results_and_findings(client, mix):
    c = mix["published"]
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "What people said" in html and "Seven in ten see a lot of litter" in html
    assert f'id="question-{c.questions[0].id}"' in html and f'id="finding-{c.findings[0].id}"' in html
    assert "70%" in html
    assert "How to take part" not in html


def test_you_said_we_did_lists_published_with_findings(client, mix):
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Published litter survey" in html and "Seven in ten see a lot of litter" in html
    assert "Open park survey" not in html and "Closed bus survey" not in html


def test_have_your_say_shows_open_and_coming(client, mix):
    html = client.get("/have-your-say").get_data(as_text=True)
    assert "Open park survey" in html and "Drop in to the library." in html
    coming = html.split("Coming soon")[1]
    assert "Planned housing survey" in coming
    assert "Published litter survey" not in html


def test_editors_see_the_manage_panel_and_others_do_not(client, login, mix):
    url = f"/consultations/{mix['open'].id}"
    assert "Manage this consultation" not in client.get(url).get_data(as_text=True)
    login("practitioner")
    html = client.get(url).get_data(as_text=True)
    assert "Manage this consultation" in html and "Change the details" in html and "Consultation logged" in html


def test_demo_consultations_say_demo_data(client, users, ref):
    c = log(users["practitioner"], title="A demo one")
    c.is_demo = True
    db.session.commit()
    assert "This is demo data" in client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Demo data" in client.get("/consultations").get_data(as_text=True)


PAGES = ["/consultations", "/consultations?status=open", "/have-your-say", "/you-said-we-did", "/consultations/search",
         "/consultations/search?q=litter", "/consultations/open-data", "/consultations/forward-plan"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_follow_the_layout_rules(client, mix, path):
    response = client.get(path, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'style="' not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


@pytest.mark.parametrize("role", ["practitioner", "officer"])
def test_signed_in_pages_follow_the_layout_rules(client, login, mix, role):
    login(role)
    c = mix["published"]
    for path in ("/consultations/manage", "/consultations/new", f"/consultations/{c.id}", f"/consultations/{c.id}/edit",
                 f"/consultations/{c.id}/documents", f"/consultations/{c.id}/findings", f"/consultations/{c.id}/delete",
                 f"/consultations/{c.id}/findings/{c.findings[0].id}"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert html.count("<h1") == 1, path
        assert 'style="' not in html, path


def test_form_error_summary_links_to_fields(client, login, ref):
    login("practitioner")
    html = client.post("/consultations/new", data={"title": "", "summary": "", "visibility": "nope", "audiences": ["nope"]}).get_data(as_text=True)
    assert "There is a problem" in html
    for anchor in ("#title", "#summary", "#visibility", "#audiences"):
        assert f'href="{anchor}"' in html
        assert f'id="{anchor[1:]}"' in html, anchor


def test_methods_link_to_the_toolkit(client, users, ref):
    c = log(users["practitioner"], title="Focus groups on parks", methods=["focus-group"], channels=["face-to-face"])
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert 'href="/toolkit/focus-group"' in html and "Focus group" in html and "Face to face" in html
