"""VCS group members, practitioners and coordinators suggest edits; officers see what would change and accept or decline them."""
from sqlalchemy import select

from engage.extensions import db
from engage.toolkit import services
from engage.toolkit.models import ToolkitEntry, ToolkitSuggestion


def fresh(model, **where):
    db.session.expire_all()
    return db.session.scalar(select(model).filter_by(**where))


def suggestion_form(entry, **changes):
    data = {"title": entry.title, "summary": entry.summary, "body": entry.body, "reason": "The costs are out of date", "submit": "Send suggestion"}
    data.update(changes)
    return data


def test_practitioner_suggests_a_change(login, client, users, entry):
    login("practitioner")
    form = client.get("/toolkit/test-method/suggest").get_data(as_text=True)
    assert form.count("<h1") == 1 and "Plain words about what it costs." in form  # prefilled with the current text
    body = entry.body.replace("Plain words about what it costs.", "A room costs about £60.")
    response = client.post("/toolkit/test-method/suggest", data=suggestion_form(entry, body=body))
    assert response.status_code == 302 and response.headers["Location"].endswith("/toolkit/suggestions")
    suggestion = fresh(ToolkitSuggestion)
    assert suggestion.status == "pending" and suggestion.author_id == users["practitioner"].id
    assert suggestion.base_revision == 1 and "£60" in suggestion.body
    # The page itself has not changed yet.
    assert "£60" not in fresh(ToolkitEntry, slug="test-method").body
    mine = client.get("/toolkit/suggestions").get_data(as_text=True)
    assert "Test method" in mine and "Waiting for a decision" in mine


def test_a_vcs_group_member_suggests_a_change(login, client, users, entry):
    """The README says VCS members suggest toolkit edits (the partners asked for it): the
    entry page offers it to them and the suggestion reaches the officers."""
    login("vcs")
    page = client.get("/toolkit/test-method").get_data(as_text=True)
    assert "/toolkit/test-method/suggest" in page and "Suggest a change" in page
    body = entry.body.replace("Plain words about what it costs.", "Our hall costs £40 an evening.")
    response = client.post("/toolkit/test-method/suggest", data=suggestion_form(entry, body=body))
    assert response.status_code == 302
    suggestion = fresh(ToolkitSuggestion)
    assert suggestion.author_id == users["vcs"].id and "£40" in suggestion.body
    assert "Test method" in client.get("/toolkit/suggestions").get_data(as_text=True)


def test_suggestion_preview_and_errors(login, client, entry):
    login("coordinator")
    response = client.post("/toolkit/test-method/suggest", data=suggestion_form(entry, body=entry.body + "\n**Bold** <script>x</script>", preview="Preview", submit=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<strong>Bold</strong>" in html and "<script>x" not in html
    assert fresh(ToolkitSuggestion) is None
    unchanged = client.post("/toolkit/test-method/suggest", data=suggestion_form(entry))
    assert unchanged.status_code == 400 and "the same as the page now" in unchanged.get_data(as_text=True)
    broken = client.post("/toolkit/test-method/suggest", data=suggestion_form(entry, body="## Just one heading", reason=""))
    html = broken.get_data(as_text=True)
    assert broken.status_code == 400 and "Say why it should change" in html and "missing the heading" in html
    assert fresh(ToolkitSuggestion) is None


def test_officer_accepts_a_suggestion(login, client, users, entry):
    suggestion = services.suggest(users["practitioner"], entry, "Street stall", entry.summary,
                                  entry.body.replace("Plain words about pitfalls.", "Rain keeps people away."), "Add the weather")
    db.session.commit()
    login("officer")
    listing = client.get("/admin/toolkit/suggestions").get_data(as_text=True)
    assert "Test Practitioner" in listing and "Add the weather" in listing
    review = client.get(f"/admin/toolkit/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "Title: Street stall</ins>" in review and "Title: Test method</del>" in review
    assert "Rain keeps people away." in review
    assert "The page has changed since" not in review

    response = client.post(f"/admin/toolkit/suggestions/{suggestion.id}", data={"accept": "Accept and publish", "note": "Thanks"})
    assert response.status_code == 302
    entry = fresh(ToolkitEntry, slug="test-method")
    assert entry.title == "Street stall" and "Rain keeps people away." in entry.body and entry.source == "site"
    revision = entry.revisions[0]
    assert revision.action == "suggestion" and revision.author_id == users["officer"].id and revision.suggestion_id == suggestion.id
    assert "Test Practitioner" in revision.reason
    suggestion = fresh(ToolkitSuggestion, id=suggestion.id)
    assert suggestion.status == "accepted" and suggestion.decided_by_id == users["officer"].id and suggestion.decision_note == "Thanks"
    history = client.get("/admin/toolkit/test-method/history").get_data(as_text=True)
    assert "Suggested by Test Practitioner" in history
    # A decided suggestion cannot be decided again.
    again = client.post(f"/admin/toolkit/suggestions/{suggestion.id}", data={"decline": "Decline", "note": "Changed my mind"})
    assert again.status_code == 400 and fresh(ToolkitSuggestion, id=suggestion.id).status == "accepted"


def test_officer_declines_with_a_reason(login, client, users, entry):
    suggestion = services.suggest(users["practitioner"], entry, "Worse title", entry.summary, entry.body, "I prefer it")
    db.session.commit()
    login("officer")
    no_note = client.post(f"/admin/toolkit/suggestions/{suggestion.id}", data={"decline": "Decline", "note": ""})
    assert no_note.status_code == 400 and "Say why you are declining it" in no_note.get_data(as_text=True)
    assert fresh(ToolkitSuggestion, id=suggestion.id).status == "pending"
    response = client.post(f"/admin/toolkit/suggestions/{suggestion.id}", data={"decline": "Decline", "note": "The old title is clearer."})
    assert response.status_code == 302
    assert fresh(ToolkitSuggestion, id=suggestion.id).status == "declined"
    assert fresh(ToolkitEntry, slug="test-method").title == "Test method"
    login("practitioner")
    mine = client.get("/toolkit/suggestions").get_data(as_text=True)
    assert "Declined" in mine and "The old title is clearer." in mine


def test_stale_suggestion_warns_the_officer(login, client, users, entry):
    suggestion = services.suggest(users["practitioner"], entry, "Suggested", entry.summary, entry.body, "Because")
    services.edit_entry(users["officer"], entry, {"summary": "A newer summary written after the suggestion."}, "Newer")
    db.session.commit()
    html = login("officer").get(f"/admin/toolkit/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "The page has changed since this was suggested" in html
    assert "it was revision 1; it is now revision 2" in html


def test_unknown_suggestion_is_404(login, client, entry):
    assert login("officer").get("/admin/toolkit/suggestions/999").status_code == 404
    assert client.get("/admin/toolkit/suggestions/99999999999999999999").status_code == 404


def test_suggestion_sent_unchanged_with_browser_line_ends_is_the_same_page(login, client, entry):
    # Browsers send a textarea's lines ending in CR LF: that alone is not a change.
    login("practitioner")
    data = suggestion_form(entry, body=entry.body.replace("\n", "\r\n"))
    response = client.post("/toolkit/test-method/suggest", data=data)
    assert response.status_code == 400 and "the same as the page now" in response.get_data(as_text=True)
    changed = suggestion_form(entry, body=entry.body.replace("\n", "\r\n").replace("Plain words", "Plain\x00 words, and more"))
    assert client.post("/toolkit/test-method/suggest", data=changed).status_code == 302
    stored = fresh(ToolkitSuggestion).body
    assert "\r" not in stored and "\x00" not in stored and "Plain words, and more" in stored
