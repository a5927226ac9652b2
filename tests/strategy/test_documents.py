"""Strategy versions: the state table, comments and who sees them, the published
responses, comparing versions, and the landing page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.extensions import db
from engage.strategy import documents, workflow
from engage.strategy.common import EditConflict, RuleError
from engage.strategy.models import StrategyComment, StrategyCommentContact, StrategyTransition
from tests.strategy.support import strategy


class Anonymous:
    is_authenticated = False
    id = None


def _comment(user, version, body="Please say more about feedback.", **extra):
    section = version.sections[0]
    comment = documents.add_comment(user, section, {"body": body, **extra})
    db.session.commit()
    return comment


# ---- the state table ------------------------------------------------------------------------

def test_the_table_lists_every_move_with_its_states_and_roles():
    assert {(m.action, m.from_states, m.to_state) for m in workflow.MOVES.values()} == {
        ("open_comment", ("draft",), "consultation"),
        ("withdraw", ("consultation",), "draft"),
        ("adopt", ("draft", "consultation"), "adopted"),
        ("supersede", ("adopted",), "superseded"),
    }
    assert all(m.roles == ("officer",) for m in workflow.MOVES.values())


def test_moves_are_checked_against_the_table(users):
    version = strategy(users["officer"])
    with pytest.raises(RuleError, match="Only a partnership officer"):
        documents.transition(users["coordinator"], version, "open_comment")
    with pytest.raises(RuleError, match="cannot be moved that way"):
        documents.transition(users["officer"], version, "withdraw", "because")
    with pytest.raises(RuleError, match="not something you can do"):
        documents.transition(users["officer"], version, "publish-everything")
    db.session.rollback()
    assert version.state == "draft"
    assert [m.action for m in workflow.moves_from("draft", users["officer"])] == ["open_comment", "adopt"]
    assert workflow.moves_from("draft", users["practitioner"]) == []


def test_each_move_is_recorded_with_who_when_from_to_and_why(users):
    version = strategy(users["officer"], "consultation")
    with pytest.raises(RuleError, match="Say why"):
        documents.transition(users["officer"], version, "withdraw", "")
    db.session.rollback()
    documents.transition(users["officer"], version, "withdraw", "A section on young people is missing.")
    db.session.commit()
    rows = db.session.scalars(db.select(StrategyTransition).where(StrategyTransition.version_id == version.id).order_by(StrategyTransition.id)).all()
    assert [(r.action, r.from_state, r.to_state) for r in rows] == [("open_comment", "draft", "consultation"), ("withdraw", "consultation", "draft")]
    assert rows[1].actor_id == users["officer"].id and rows[1].reason == "A section on young people is missing."
    assert rows[1].created_at is not None


def test_sending_out_needs_sections_and_a_closing_date_from_today(users):
    from engage.strategy.models import StrategySection

    version = strategy(users["officer"], close_in_days=-1)
    with pytest.raises(RuleError, match="closing date"):
        documents.transition(users["officer"], version, "open_comment")
    db.session.rollback()
    empty = documents.create_document(users["officer"], "Empty strategy")
    empty.comments_close_on = date.today() + timedelta(days=3)
    with pytest.raises(RuleError, match="at least one section"):
        documents.transition(users["officer"], empty, "open_comment")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(StrategySection)) == 2


def test_adopting_needs_every_comment_answered_and_supersedes_the_old_version(users):
    officer = users["officer"]
    first = strategy(officer, "adopted")
    second = documents.new_version(officer, first)
    second.comments_close_on = date.today() + timedelta(days=5)
    documents.transition(officer, second, "open_comment")
    db.session.commit()
    comment = _comment(users["practitioner"], second)
    with pytest.raises(RuleError, match="1 comment still needs a response"):
        documents.transition(officer, second, "adopt")
    db.session.rollback()
    documents.respond(officer, comment, "changed", "We added a paragraph on feedback.")
    documents.transition(officer, second, "adopt")
    db.session.commit()
    assert (first.state, second.state) == ("superseded", "adopted")
    assert second.adopted_on == date.today()
    assert documents.adopted_version().id == second.id
    assert [t.action for t in first.transitions][-1] == "supersede"


def test_a_new_version_copies_the_sections_with_their_keys_and_only_one_is_open(users):
    officer = users["officer"]
    first = strategy(officer, "adopted")
    second = documents.new_version(officer, first)
    db.session.commit()
    assert second.number == 2 and second.state == "draft"
    assert [s.key for s in second.sections] == [s.key for s in first.sections]
    with pytest.raises(RuleError, match="already has a version being drafted"):
        documents.new_version(officer, first)


def test_sections_change_only_in_a_draft_and_keep_a_unique_key(users):
    officer = users["officer"]
    version = strategy(officer)
    extra = documents.save_section(officer, version, None, {"heading": "Our principles", "body": "Again."})
    assert extra.key == "our-principles-2"
    db.session.commit()
    documents.transition(officer, version, "open_comment")
    db.session.commit()
    with pytest.raises(RuleError, match="only be changed while the version is a draft"):
        documents.save_section(officer, version, version.sections[0], {"heading": "New", "body": "Text"})


def test_a_stale_section_edit_is_refused_with_what_changed(users):
    officer = users["officer"]
    version = strategy(officer)
    section = version.sections[0]
    loaded = section.version
    documents.save_section(officer, version, section, {"heading": section.heading, "body": "Someone else's words."}, loaded)
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        documents.save_section(officer, version, section, {"heading": section.heading, "body": "My words."}, loaded)
    db.session.rollback()
    described = caught.value.describe()
    assert [(c.key, c.now) for c in described.changes] == [("body", "Someone else's words.")]
    assert described.people == ["Test Officer"]


def test_sections_with_comments_cannot_be_removed(users):
    officer = users["officer"]
    version = strategy(officer, "consultation")
    _comment(users["vcs"], version)
    documents.transition(officer, version, "withdraw", "More work needed")
    db.session.commit()
    with pytest.raises(RuleError, match="1 comments"):
        documents.delete_section(officer, version.sections[0])


# ---- comments -------------------------------------------------------------------------------

def test_partners_comment_while_open_and_the_passage_must_be_in_the_section(users):
    version = strategy(users["officer"], "consultation")
    with pytest.raises(RuleError, match="Copy the words exactly"):
        _comment(users["vcs"], version, passage="words that are not there")
    db.session.rollback()
    comment = _comment(users["vcs"], version, passage="feed back to   everyone")
    assert comment.organisation_name == "Test Borough Council"
    assert comment.passage == "feed back to   everyone"


def test_no_comments_on_a_draft_or_after_the_closing_date(users):
    draft = strategy(users["officer"])
    with pytest.raises(RuleError, match="closed"):
        _comment(users["vcs"], draft)
    db.session.rollback()
    open_version = strategy(users["officer"], "consultation", title="Second")
    later = date.today() + timedelta(days=15)
    with pytest.raises(RuleError, match="closed"):
        documents.add_comment(users["vcs"], open_version.sections[0], {"body": "Late"}, today=later)


def test_members_of_the_public_comment_only_when_allowed_and_their_email_is_kept_apart(users):
    closed_to_public = strategy(users["officer"], "consultation", title="Partners only")
    with pytest.raises(RuleError, match="Sign in"):
        _comment(Anonymous(), closed_to_public, name="Ann", email="ann@example.com")
    db.session.rollback()
    version = strategy(users["officer"], "consultation", title="Open to all", public_comments=True)
    with pytest.raises(RuleError, match="email address"):
        _comment(Anonymous(), version, name="Ann", email="not-an-email")
    db.session.rollback()
    comment = _comment(Anonymous(), version, name="Ann Resident", email="ann@example.com")
    assert comment.author_id is None and comment.from_label == "A member of the public"
    contact = db.session.scalar(db.select(StrategyCommentContact))
    assert (contact.comment_id, contact.email) == (comment.id, "ann@example.com")
    assert "ann@example.com" not in comment.body


def test_contacts_are_deleted_on_schedule_after_adoption(users):
    officer = users["officer"]
    version = strategy(officer, "consultation", public_comments=True)
    comment = _comment(Anonymous(), version, name="Ann", email="ann@example.com")
    documents.respond(officer, comment, "not_changed", "Already covered in section 2.")
    documents.transition(officer, version, "adopt")
    db.session.commit()
    assert documents.forget_contacts(90) == 0
    assert documents.forget_contacts(90, today=date.today() + timedelta(days=91)) == 1
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(StrategyCommentContact)) == 0
    assert db.session.get(StrategyComment, comment.id).body == "Please say more about feedback."


def test_who_sees_which_comments(users):
    officer = users["officer"]
    version = strategy(officer, "consultation")
    mine = _comment(users["vcs"], version, body="From the VCS")
    theirs = _comment(users["practitioner"], version, body="From a practitioner")
    section_id = version.sections[0].id
    assert [c.id for c in documents.comments_by_section(officer, version)[section_id]] == [mine.id, theirs.id]
    assert [c.id for c in documents.comments_by_section(users["vcs"], version)[section_id]] == [mine.id]
    assert documents.comments_by_section(Anonymous(), version)[section_id] == []
    for c in (mine, theirs):
        documents.respond(officer, c, "changed", "Done.")
    documents.transition(officer, version, "adopt")
    db.session.commit()
    assert len(documents.comments_by_section(Anonymous(), version)[section_id]) == 2


def test_a_response_needs_words_and_only_officers_respond(users):
    version = strategy(users["officer"], "consultation")
    comment = _comment(users["vcs"], version)
    with pytest.raises(RuleError, match="Only a partnership officer"):
        documents.respond(users["coordinator"], comment, "changed", "x")
    with pytest.raises(RuleError, match="why the strategy was not changed"):
        documents.respond(users["officer"], comment, "not_changed", "  ")
    with pytest.raises(RuleError, match="Select whether"):
        documents.respond(users["officer"], comment, "maybe", "x")


def test_published_responses_page_shows_comments_and_what_was_done(client, users):
    officer = users["officer"]
    version = strategy(officer, "consultation")
    comment = _comment(users["vcs"], version, body="Add a word on young people.", passage="feed back to everyone")
    assert client.get(f"/strategy/versions/{version.id}/responses").status_code == 404  # not public while out for comment
    documents.respond(officer, comment, "not_changed", "Not changed because the children's partnership covers it.")
    documents.transition(officer, version, "adopt")
    db.session.commit()
    page = client.get(f"/strategy/versions/{version.id}/responses").get_data(as_text=True)
    assert "Add a word on young people." in page and "Not changed because the children" in page
    assert "Test Borough Council said" in page and "Test Vcs" not in page
    landing = client.get("/strategy").get_data(as_text=True)
    assert "see what we did with each one" in landing


# ---- comparing ------------------------------------------------------------------------------

def test_compare_shows_added_removed_and_changed_words(users):
    officer = users["officer"]
    first = strategy(officer, "adopted")
    second = documents.new_version(officer, first)
    principles, network = second.sections
    documents.save_section(officer, second, principles, {"heading": principles.heading,
                                                         "body": principles.body.replace("clear", "honest")})
    documents.delete_section(officer, network)
    documents.save_section(officer, second, None, {"heading": "Sharing results", "body": "Results go to <b>everyone</b>."})
    db.session.commit()
    diff = documents.compare(first, second)
    by_key = {d.key: d for d in diff}
    assert [d.status for d in diff] == ["changed", "added", "removed"]
    changed = str(by_key["our-principles"].html)
    assert "clear</del>" in changed and "honest</ins>" in changed and "feed back" in changed
    assert "&lt;b&gt;everyone&lt;/b&gt;" in str(by_key["sharing-results"].html)
    assert by_key["the-network-group"].status == "removed"


def test_compare_page(client, users):
    officer = users["officer"]
    first = strategy(officer, "adopted")
    second = documents.new_version(officer, first)
    documents.save_section(officer, second, second.sections[0], {"heading": "Our principles", "body": "All new words."})
    documents.transition(officer, second, "adopt")
    db.session.commit()
    page = client.get(f"/strategy/compare?from={first.id}&to={second.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 of 2 sections differ" in text and "words.</ins>" in text and "Version 1 compared with version 2" in text
    assert client.get(f"/strategy/compare?from={first.id}&to=abc").status_code == 400


# ---- pages ----------------------------------------------------------------------------------

def test_strategy_lands_on_the_adopted_version_or_says_there_is_none(client, users):
    response = client.get("/strategy")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "has not adopted an engagement strategy" in text
    assert 'href="/strategy/priorities"' in text and 'href="/strategy/outcomes"' in text
    version = strategy(users["officer"], "adopted", title="Our Engagement Strategy")
    page = client.get("/strategy").get_data(as_text=True)
    assert "Our Engagement Strategy" in page and 'href="#section-our-principles"' in page
    assert "/strategy/priorities" in page and "/strategy/outcomes" in page
    assert version.sections[0].heading in page


@pytest.mark.parametrize("old,new", [("/priorities", "/strategy/priorities"), ("/outcomes", "/strategy/outcomes"),
                                     ("/strategy/frameworks", "/strategy/priorities"), ("/strategy/", "/strategy"),
                                     ("/strategy/overview", "/strategy")])
def test_old_addresses_redirect(client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response.headers["Location"].endswith(new)


def test_priorities_and_outcomes_pages(seeded, client):
    priorities = client.get("/strategy/priorities").get_data(as_text=True)
    outcomes = client.get("/strategy/outcomes").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">Priorities</h1>" in priorities and "A Safer Halton" in priorities
    assert "Outcomes and indicators" in outcomes and "<table" in outcomes


def test_drafts_are_hidden_from_everyone_but_officers(client, login, users):
    version = strategy(users["officer"])
    for role in (None, "vcs", "coordinator"):
        login(role)
        assert client.get(f"/strategy/versions/{version.id}").status_code == 404
    login("officer")
    assert client.get(f"/strategy/versions/{version.id}").status_code == 200


def test_commenting_through_the_page(client, login, users):
    version = strategy(users["officer"], "consultation")
    section = version.sections[0]
    login(None)
    response = client.get(f"/strategy/versions/{version.id}/sections/{section.id}/comment")
    assert response.status_code == 404  # partners only: the version is not shown to the public
    login("vcs")
    bad = client.post(f"/strategy/versions/{version.id}/sections/{section.id}/comment", data={"body": "", "passage": ""})
    assert bad.status_code == 400 and "Enter your comment" in bad.get_data(as_text=True)
    ok = client.post(f"/strategy/versions/{version.id}/sections/{section.id}/comment", data={"body": "Good start.", "passage": ""})
    assert ok.status_code == 302
    assert db.session.scalar(db.select(StrategyComment.body)) == "Good start."


def test_officer_responds_and_adopts_through_the_pages(client, login, users):
    version = strategy(users["officer"], "consultation")
    comment = _comment(users["vcs"], version)
    login("officer")
    refused = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt"})
    assert refused.status_code == 400 and "still needs a response" in refused.get_data(as_text=True)
    bad = client.post(f"/admin/strategy/comments/{comment.id}/respond", data={"kind": "changed", "text": "", "version": comment.version})
    assert bad.status_code == 400 and "Say what was changed, or why" in bad.get_data(as_text=True)
    ok = client.post(f"/admin/strategy/comments/{comment.id}/respond", data={"kind": "changed", "text": "Added it.", "version": comment.version})
    assert ok.status_code == 302
    # Comments are open for 14 more days: it asks first, saying so, and nothing moves yet.
    asked = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt"})
    assert asked.status_code == 200 and "14 days are left" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert version.state == "consultation"
    adopted = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt", "confirmed": "yes"})
    assert adopted.status_code == 302
    db.session.expire_all()
    assert version.state == "adopted"


def test_section_preview_shows_cleaned_markdown_without_saving(client, login, users):
    version = strategy(users["officer"])
    login("officer")
    response = client.post(f"/admin/strategy/versions/{version.id}/sections/new",
                           data={"heading": "New part", "body": "## Sub\n\n<script>alert(1)</script>**bold**", "preview": "Preview"})
    text = response.get_data(as_text=True)
    assert "Preview" in text and "<strong>bold</strong>" in text and "<script>alert(1)" not in text
    assert len(version.sections) == 2


def test_forget_contacts_command(runner, users):
    officer = users["officer"]
    version = strategy(officer, "consultation", public_comments=True)
    comment = _comment(Anonymous(), version, name="Ann", email="ann@example.com")
    documents.respond(officer, comment, "changed", "Done.")
    documents.transition(officer, version, "adopt")
    version.adopted_on = date.today() - timedelta(days=100)
    db.session.commit()
    result = runner.invoke(args=["engage", "strategy-forget-contacts"])
    assert result.exit_code == 0 and "Deleted the contact details of 1 commenter." in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(StrategyCommentContact)) == 0


def test_officers_download_the_comments(client, login, users):
    import csv
    import io

    version = strategy(users["officer"], "consultation", public_comments=True)
    _comment(users["vcs"], version, body="=cmd|' /C calc'!A0")
    _comment(Anonymous(), version, body="Plain words.", name="Ann Resident", email="ann@example.com")
    login("officer")
    response = client.get(f"/admin/strategy/versions/{version.id}/comments.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Section", "Passage", "Comment"]
    assert rows[1][2].startswith("'=") and rows[1][4] == "Test Vcs"
    assert rows[2][3:5] == ["A member of the public", "Ann Resident"]
    assert "ann@example.com" not in response.get_data(as_text=True)


# ---- telling partners ---------------------------------------------------------------------

def test_sending_a_version_out_tells_network_members_and_coordinators_once_after_the_commit(app, users, smtp_server):
    from engage.accounts.models import User
    from engage.partnership.models import Partnership
    from engage.strategy.models import NetworkMember

    officer, coordinator, practitioner = users["officer"], users["coordinator"], users["practitioner"]
    gone = User(email="left@test.example", name="Left Member", role="practitioner", active=False, password_hash="x")
    db.session.add_all([gone, NetworkMember(user=practitioner, contact_email="p@test.example"), NetworkMember(user=gone)])
    # A coordinator of two partnerships, and the officer who sends it out is also a member.
    db.session.add_all([Partnership(name="Safer Borough", coordinators=[coordinator]),
                        Partnership(name="Healthy Borough", coordinators=[coordinator, officer])])
    db.session.commit()
    version = strategy(officer)

    documents.transition(officer, version, "open_comment")
    assert smtp_server == []  # nothing before the commit
    db.session.commit()
    to = sorted(m["To"] for m in smtp_server)
    assert to == ["coordinator@test.example", "practitioner@test.example"]
    body = smtp_server[0].get_content()
    assert smtp_server[0]["Subject"] == "Have your say on the draft: Engagement Strategy"
    assert f"/strategy/versions/{version.id}" in body and version.comments_close_on.strftime("%B %Y") in body

    # Taking it back and rolling the move back sends nothing more.
    documents.transition(officer, version, "withdraw", "Missing a section")
    db.session.commit()
    documents.transition(officer, version, "open_comment")
    db.session.rollback()
    assert len(smtp_server) == 2
