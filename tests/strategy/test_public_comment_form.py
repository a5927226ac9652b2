"""The public strategy comment form (issue 19): every problem in one go in a GOV.UK error
summary, name and email boxes a browser can fill in (autocomplete, an email box), and a
member of the public asked for their name and email once per visit, not on every section."""
from __future__ import annotations

import re

from sqlalchemy import select

from engage.extensions import db
from engage.strategy.models import StrategyComment
from tests.strategy.support import strategy


def _url(version, section):
    return f"/strategy/versions/{version.id}/sections/{section.id}/comment"


def test_every_problem_is_shown_at_once_with_links_to_each_box(client, users):
    version = strategy(users["officer"], "consultation", public_comments=True)
    section = version.sections[0]
    response = client.post(_url(version, section), data={"body": "", "passage": "words not in it", "name": "", "email": "not-an-address"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    for text, anchor in (("Enter your comment", "#body"), ("Enter your name", "#name"),
                         ("Enter an email address in the right format", "#email"), ("Copy the words exactly", "#passage")):
        assert text in summary and f'href="{anchor}"' in summary, text
    assert db.session.scalar(select(StrategyComment.id)) is None


def test_the_boxes_say_what_they_are_for(client, users):
    version = strategy(users["officer"], "consultation", public_comments=True)
    page = client.get(_url(version, version.sections[0])).get_data(as_text=True)
    name = re.search(r'<input[^>]*id="name"[^>]*>', page).group(0)
    email = re.search(r'<input[^>]*id="email"[^>]*>', page).group(0)
    assert 'autocomplete="name"' in name
    assert 'type="email"' in email and 'autocomplete="email"' in email


def test_name_and_email_are_asked_once_per_visit(client, users):
    version = strategy(users["officer"], "consultation", public_comments=True)
    first, second = version.sections[0], version.sections[1]
    sent = client.post(_url(version, first), data={"body": "Say when we hear back.", "passage": "",
                                                   "name": "Rae Resident", "email": "rae@resident.example"})
    assert sent.status_code == 302
    page = client.get(_url(version, second)).get_data(as_text=True)
    assert 'id="name"' not in page and 'id="email"' not in page
    assert "You are commenting as Rae Resident (rae@resident.example)" in page
    again = client.post(_url(version, second), data={"body": "Add a contact for groups.", "passage": ""})
    assert again.status_code == 302
    rows = db.session.scalars(select(StrategyComment).order_by(StrategyComment.id)).all()
    assert [(c.contact.name, c.contact.email) for c in rows] == [("Rae Resident", "rae@resident.example")] * 2
    # Changing them shows the boxes again, filled in.
    change = client.get(_url(version, second) + "?change=details").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="name"[^>]*value="Rae Resident"', change)


def test_a_signed_in_partner_is_never_asked(client, login, users):
    version = strategy(users["officer"], "consultation")
    login("practitioner")
    page = client.get(_url(version, version.sections[0])).get_data(as_text=True)
    assert 'id="name"' not in page and 'id="email"' not in page and "commenting as" not in page
    ok = client.post(_url(version, version.sections[0]), data={"body": "Good.", "passage": ""})
    assert ok.status_code == 302
