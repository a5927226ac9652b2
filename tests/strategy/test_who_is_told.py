"""Strategy moves ask before they email or close anything, and the people who were told
something hear when it changes (a real SMTP server, tests/mail_support.py):
- sending a version out for comment asks first, saying how many partners will be emailed;
- adopting while comments are open asks first, says how many days were left, and emails the
  people who were promised the closing date;
- commenters who left an address are told when their comment is answered (once) and when the
  strategy is adopted;
- the details form posts to itself (a refused "Send out for comment" left it posting to
  /transition), and a missing closing date links to its date box, not to #main-content."""
from __future__ import annotations

import re

from sqlalchemy import select

from engage.extensions import db
from engage.partnership.models import Partnership
from engage.strategy import documents
from engage.strategy.models import StrategyComment, StrategyVersion
from tests.mail_support import smtp_server  # noqa: F401  (fixture)
from tests.strategy.support import strategy


def _mail(received, to, subject):
    return [m for m in received if to in m.envelope_to and subject in str(m["Subject"])]


def _coordinating(users):
    db.session.add(Partnership(name="Safer Test Partnership", kind="priority", coordinators=[users["coordinator"]]))
    db.session.commit()


def test_sending_out_for_comment_asks_first_then_emails_partners(client, login, users, smtp_server):
    _coordinating(users)
    version = strategy(users["officer"])
    login("officer")
    # The page says where it is, who can move it on and what each button does.
    panel = client.get(f"/admin/strategy/versions/{version.id}").get_data(as_text=True).split('id="next-steps"')[1].split("</section>")[0]
    assert ">Draft</strong>" in panel and "Who can do it: a partnership officer." in panel
    assert "Emails every Network Group member and partnership coordinator" in panel
    asked = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "open_comment"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "and email everyone?" in page and "We will email 1 partner " in page
    db.session.expire_all()
    assert db.session.get(StrategyVersion, version.id).state == "draft"
    assert _mail(smtp_server, "coordinator@test.example", "Have your say") == []
    done = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "open_comment", "confirmed": "yes"})
    assert done.status_code == 302
    assert db.session.get(StrategyVersion, version.id).state == "consultation"
    assert len(_mail(smtp_server, "coordinator@test.example", "Have your say")) == 1


def test_adopting_early_asks_says_days_left_and_tells_those_promised_the_date(client, login, users, smtp_server):
    _coordinating(users)
    version = strategy(users["officer"], "consultation", public_comments=True, close_in_days=10)
    section = version.sections[0]
    # A member of the public comments through the page, leaving an address; a partner too.
    login(None)
    sent = client.post(f"/strategy/versions/{version.id}/sections/{section.id}/comment",
                       data={"body": "Say when we hear back.", "passage": "", "name": "Rae Resident", "email": "rae@resident.example"})
    assert sent.status_code == 302
    documents.add_comment(users["vcs"], section, {"body": "Name a contact for each promise."})
    db.session.commit()
    # Answering a comment tells its writer, once, however often the answer is edited.
    officer = users["officer"]
    for comment in db.session.scalars(select(StrategyComment)).all():
        documents.respond(officer, comment, "changed", f"Added to the section ({comment.id}).")
        db.session.commit()
    first = db.session.scalars(select(StrategyComment).order_by(StrategyComment.id)).first()
    documents.respond(officer, first, "changed", "Added to the section, with a date.", first.version)
    db.session.commit()
    answered = _mail(smtp_server, "rae@resident.example", "Your comment has an answer")
    assert len(answered) == 1 and "Added to the section (" in answered[0].get_body(("plain",)).get_content()
    assert len(_mail(smtp_server, "vcs@test.example", "Your comment has an answer")) == 1

    login("officer")
    asked = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "10 days are left" in page
    # Promised the date: the coordinator (emailed when it went out) and both commenters.
    assert re.search(r"email the 3 people who were told that date", page)
    assert _mail(smtp_server, "coordinator@test.example", "closed early") == []
    done = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt", "confirmed": "yes"})
    assert done.status_code == 302
    for address in ("coordinator@test.example", "rae@resident.example", "vcs@test.example"):
        early = _mail(smtp_server, address, "Comments closed early")
        assert len(early) == 1, address
        assert "with 10 days of comments still to go" in early[0].get_body(("plain",)).get_content()
    # The commenters, and only they, hear that it was adopted, with where to read the answers.
    for address in ("rae@resident.example", "vcs@test.example"):
        adopted = _mail(smtp_server, address, "is adopted")
        assert len(adopted) == 1 and f"/strategy/versions/{version.id}/responses" in adopted[0].get_body(("plain",)).get_content()
    assert _mail(smtp_server, "coordinator@test.example", "is adopted") == []


def test_adopting_after_comments_close_asks_nothing_and_tells_nobody_it_closed_early(client, login, users, smtp_server):
    version = strategy(users["officer"], "consultation", close_in_days=0)
    version.comments_close_on = version.comments_close_on.replace(year=version.comments_close_on.year - 1)
    db.session.commit()
    login("officer")
    done = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt"})
    assert done.status_code == 302
    assert not [m for m in smtp_server if "closed early" in str(m["Subject"])]


def test_the_details_form_posts_to_itself_and_a_missing_date_links_to_its_box(client, login, users):
    version = strategy(users["officer"])
    version.comments_close_on = None
    db.session.commit()
    login("officer")
    refused = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "open_comment"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Set a closing date for comments" in page
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#comments_close_on-day"' in summary and "#main-content" not in summary
    details = page.split('<h2 class="govuk-heading-l">Details</h2>')[1]
    assert re.search(rf'<form method="post" novalidate action="/admin/strategy/versions/{version.id}"', details)
    saved = client.post(f"/admin/strategy/versions/{version.id}", data={
        "version": version.version, "title": "Engagement Strategy", "summary": "",
        "comments_close_on": ["1", "1", "2099"]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(StrategyVersion, version.id).comments_close_on.year == 2099
