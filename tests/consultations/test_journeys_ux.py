"""Journeys on a phone and in plain words (issue 13): what a page says about results, where the
forward plan's links go, and filter forms that take people to their results."""
from __future__ import annotations

import re

from engage.consultations.models import Finding
from engage.extensions import db
from tests.consultations.results_support import make_consultation, places  # noqa: F401


def test_published_results_with_key_findings_only_say_so(client, org, places):
    c = make_consultation(org, title="Walkabout", areas=[places["borough"]])
    c.findings.append(Finding(statement="People want cleaner streets.", position=0))
    db.session.commit()
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Results published" in html
    assert "There are no results for this consultation yet" not in html
    assert "The results of this consultation are its" in html and 'href="#findings"' in html
    assert 'id="findings"' in html and "People want cleaner streets." in html


def test_published_results_with_nothing_added_say_what_happened(client, org, places):
    c = make_consultation(org, title="Survey", areas=[places["borough"]])
    c.contact_email = "team@example.org"
    db.session.commit()
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "There are no results for this consultation yet" not in html
    assert "no figures or key findings have been added" in html and "mailto:team@example.org" in html


def test_forward_plan_log_link_opens_the_form(login, client):
    login("practitioner")
    html = client.get("/consultations/forward-plan").get_data(as_text=True)
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">Log a consultation</a>', html)
    assert links == ["/consultations/new"]
    assert client.get(links[0]).status_code == 200
