"""The accessibility statement: the parts the Public Sector Bodies Accessibility Regulations
2018 ask for, filled in by an officer as the partnership's own details, with its rules."""
from __future__ import annotations

from datetime import date

import pytest

from engage.core.errors import RuleError
from engage.extensions import db
from engage.main import services
from engage.main.demo import seed
from engage.main.models import AccessibilityStatement
from tests.roles_support import OFFICER_ONLY, PUBLIC, route_problems

GOOD = {
    "organisation": "Riverside Partnership", "compliance": "partial",
    "non_compliant": "- Charts have no text description (1.1.1). Fixed by 31 March 2027.",
    "disproportionate_burden": "", "outside_scope": "", "format_contact": "Email help@riverside.example",
    "format_days": 7, "problem_contact": "Phone 0151 496 0000", "improvements": "",
    "tested_on": date(2026, 11, 1), "tested_by": "our web team", "prepared_on": date(2026, 11, 2), "reviewed_on": None,
}
TODAY = date(2026, 12, 6)


def _form(**changes):
    data = {**GOOD, **changes}
    form = {k: ("" if v is None else str(v)) for k, v in data.items() if not isinstance(v, date) and v is not None}
    for name in ("tested_on", "prepared_on", "reviewed_on"):
        value = data.get(name)
        form[name] = [str(value.day), str(value.month), str(value.year)] if value else ["", "", ""]
    return form


def test_the_statement_has_every_part_the_regulations_ask_for(app, client):
    assert seed() is True
    db.session.commit()
    page = client.get("/accessibility")
    assert page.status_code == 200
    text = page.text
    for part in (
        "Halton Strategic Partnership",                               # who runs it
        "partially compliant with the",                               # compliance status
        "Web Content Accessibility Guidelines version 2.2",
        "Charts of results are pictures",                             # content not accessible, and why
        "1.1.1",                                                      # the criterion it fails
        "disproportionate burden",                                    # the burden claim, with its reason
        "published before 23 September 2018",                         # outside the regulations' scope
        "large print, easy read, audio, braille",                     # how to ask for another format
        "We will reply within 5 working days.",                       # and how long it takes
        "Reporting a problem with this website",                      # how to report a problem
        "Equality Advisory and Support Service",                      # the enforcement procedure
        "https://www.equalityadvisoryservice.com/",
        "This statement was prepared on 23 November 2026.",           # prepared and reviewed dates
        "It was last reviewed on 1 December 2026.",
        "This website was last tested on 20 November 2026.",
    ):
        assert part in text, part
    assert "not complete yet" not in text
    assert seed() is False  # idempotent


def test_a_site_that_has_not_filled_it_in_says_so(app, client):
    page = client.get("/accessibility")
    assert page.status_code == 200
    assert "The partnership has not yet filled in this statement." in page.text
    # Still says how to get another format and how to complain: the site's contact address.
    assert "engage@example.org" in page.text and "Equality Advisory and Support Service" in page.text


def test_the_rules_of_a_statement(app):
    saved = services.save(None, GOOD, today=TODAY)
    assert saved.id and services.missing(saved) == []
    for changes, field in (
        ({"compliance": "mostly"}, "compliance"),
        ({"non_compliant": "  "}, "non_compliant"),                   # partial with nothing listed
        ({"compliance": "full"}, "non_compliant"),                     # full, yet problems listed
        ({"format_days": 0}, "format_days"),
        ({"format_days": 61}, "format_days"),
        ({"prepared_on": date(2026, 12, 7)}, "prepared_on"),           # in the future
        ({"reviewed_on": date(2026, 11, 1)}, "reviewed_on"),           # before it was prepared
    ):
        with pytest.raises(RuleError) as refused:
            services.save(None, {**GOOD, **changes}, today=TODAY)
        assert refused.value.field == field, changes
    assert services.save(None, {**GOOD, "compliance": "full", "non_compliant": ""}, today=TODAY).compliance == "full"
    assert db.session.scalar(db.select(db.func.count(AccessibilityStatement.id))) == 1  # one statement, always


def test_a_review_more_than_a_year_old_is_shown_as_out_of_date(app):
    st = services.save(None, {**GOOD, "prepared_on": date(2025, 12, 1), "reviewed_on": date(2025, 12, 5)}, today=TODAY)
    assert services.review_overdue(st, today=date(2026, 12, 5)) is False
    assert services.review_overdue(st, today=date(2026, 12, 6)) is True


def test_an_officer_fills_it_in_and_errors_keep_what_was_typed(app, client, login):
    login("officer")
    assert "Keep the accessibility statement up to date" in client.get("/account").text
    form = client.get("/admin/accessibility-statement")
    assert form.status_code == 200 and 'name="format_contact"' in form.text

    wrong = client.post("/admin/accessibility-statement", data={**_form(non_compliant=""), "version": "0"})
    assert wrong.status_code == 400
    assert "List the content that is not accessible and why, or select fully compliant" in wrong.text
    assert 'href="#non_compliant"' in wrong.text            # the error summary links to the field
    assert "help@riverside.example" in wrong.text           # what was typed is kept
    assert services.statement() is None                     # nothing half-saved

    saved = client.post("/admin/accessibility-statement", data={**_form(), "version": "0"})
    assert saved.status_code == 302
    assert services.statement().organisation == "Riverside Partnership"
    assert "We will reply within 7 working days." in client.get("/accessibility").text

    # A second officer's stale form is an edit conflict: nothing of it is saved.
    stale = client.post("/admin/accessibility-statement", data={**_form(organisation="Stale"), "version": "0"})
    assert stale.status_code == 409 and "Someone else changed this" in stale.text
    db.session.expire_all()
    assert services.statement().organisation == "Riverside Partnership"


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "/accessibility", PUBLIC),
    ("GET", "/admin/accessibility-statement", OFFICER_ONLY),
])
def test_who_may_see_and_edit_it(login, client, method, path, expected):
    assert route_problems(login, client, method, path, expected) == []
