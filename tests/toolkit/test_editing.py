"""Officers edit entries with a Markdown preview; every change is a revision with who, when
and why; revisions can be compared and restored; site edits stop file loads."""
import re

from sqlalchemy import select

from engage.core.models import AuditEvent
from engage.extensions import db
from engage.toolkit import services
from engage.toolkit.models import ToolkitEntry, ToolkitRevision
from tests.toolkit.conftest import guide_body, method_body


def form_data(entry, **changes):
    data = {
        "title": entry.title, "summary": entry.summary, "purpose": list(entry.purpose), "audiences": list(entry.audiences),
        "group_size": entry.group_size or "", "time_needed": entry.time_needed or "", "cost": entry.cost or "",
        "skills": "\n".join(entry.skills), "accessibility": entry.accessibility, "related": list(entry.related),
        "keywords": "\n".join(entry.keywords), "body": entry.body, "reason": "Tidying up",
        "version": str(entry.version), "submit": "Save changes",
    }
    data.update(changes)
    return data


def fresh(slug="test-method"):
    db.session.expire_all()
    return db.session.scalar(select(ToolkitEntry).where(ToolkitEntry.slug == slug))


def test_edit_form_is_filled_in(login, entry):
    html = login("officer").get("/admin/toolkit/test-method").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'value="Test method"' in html and "## What it is" in html
    assert 'value="consult" checked' in html and 'value="medium" checked' in html
    assert f'name="version" type="hidden" value="{entry.version}"' in html


def test_officer_edits_and_a_revision_records_who_when_why(login, users, entry, client):
    login("officer")
    body = entry.body.replace("Plain words about what it is.", "A stall in the street where you talk to passers-by.")
    response = client.post("/admin/toolkit/test-method", data=form_data(entry, title="Street stall", body=body, cost="medium",
                                                                       reason="Clearer title and costs"))
    assert response.status_code == 302
    entry = fresh()
    assert entry.title == "Street stall" and entry.cost == "medium" and entry.source == "site"
    assert entry.revision_number == 2 and entry.updated_by_id == users["officer"].id
    latest = entry.revisions[0]
    assert (latest.number, latest.action, latest.author_id, latest.reason) == (2, "edit", users["officer"].id, "Clearer title and costs")
    assert latest.meta["cost"] == "medium" and latest.created_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "ToolkitEntry", AuditEvent.action == "update")) is not None
    # The public page shows the new version, and search finds it.
    page = client.get("/toolkit/test-method").get_data(as_text=True)
    assert ">Street stall</h1>" in page and "talk to passers-by" in page
    assert "/toolkit/test-method" in client.get("/toolkit?q=passers").get_data(as_text=True)


def test_saving_without_changes_makes_no_revision(login, entry, client):
    login("officer")
    response = client.post("/admin/toolkit/test-method", data=form_data(entry), follow_redirects=True)
    assert "You did not change anything" in response.get_data(as_text=True)
    assert fresh().revision_number == 1 and fresh().source == "file"


def test_preview_renders_cleaned_markdown_and_saves_nothing(login, entry, client):
    login("officer")
    body = entry.body + "\n\nSee **this** <script>alert('x')</script> [link](javascript:alert(1))\n"
    response = client.post("/admin/toolkit/test-method", data=form_data(entry, body=body, preview="Preview", submit=""))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    preview = re.search(r'<div class="engage-preview__body">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert "<strong>this</strong>" in preview
    assert "<script>" not in preview and "javascript:" not in preview
    assert 'id="what-it-is"' in preview
    assert fresh().revision_number == 1 and "<script>" not in fresh().body


def test_edit_errors_are_shown_next_to_fields(login, entry, client):
    login("officer")
    body = entry.body.replace("## Pitfalls", "## Traps") + "\n<div>html</div>\n"
    response = client.post("/admin/toolkit/test-method", data=form_data(entry, title="", body=body, cost="free", reason="",
                                                                       related=["no-such-entry"]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error:" in html and "There is a problem" in html
    assert 'href="#title"' in html and "Enter the title" in html
    assert "Say what you changed and why" in html
    assert "Not a valid choice" in html or "Select options from the list only" in html
    assert fresh().revision_number == 1


def test_content_rules_apply_to_site_edits(login, entry, client):
    login("officer")
    body = entry.body.replace("## Pitfalls", "## Traps")
    response = client.post("/admin/toolkit/test-method", data=form_data(entry, body=body, purpose=[]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Content is missing the heading &#39;## Pitfalls&#39;" in html or "Content is missing the heading '## Pitfalls'" in html
    assert "Purpose is required for a method" in html
    assert fresh().title == "Test method"


def test_someone_else_saved_first(login, users, entry, client):
    login("officer")
    stale = form_data(entry, title="My edit")
    services.edit_entry(users["officer"], entry, {"title": "Their edit"}, "Got there first")
    db.session.commit()
    response = client.post("/admin/toolkit/test-method", data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    # What they changed (who, before, now) beside this officer's own value, kept in the form.
    assert "Someone else changed this" in html and "Test Officer saved changes after you opened this page" in html
    assert "Their edit" in html and 'value="My edit"' in html
    assert fresh().title == "Their edit"
    # The form now carries the saved version, so saving again is a deliberate overwrite.
    again = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(again) == fresh().version
    assert client.post("/admin/toolkit/test-method", data={**stale, "version": again}).status_code == 302
    assert fresh().title == "My edit"


def test_two_officers_saving_at_the_same_moment_is_a_plain_message(login, users, entry, client):
    # The other officer's revision is already in the database, but this request read the entry
    # just before it: both passed the "someone else saved first" check, so the clash comes at
    # the database's unique revision number.
    login("officer")
    data = form_data(entry, title="My edit")
    clash = entry.revision_number + 1
    db.session.execute(ToolkitRevision.__table__.insert().values(
        entry_id=entry.id, number=clash, action="edit", reason="Theirs", title="Their edit", summary=entry.summary,
        meta={}, body=entry.body, created_at=entry.updated_at))
    db.session.commit()
    response = client.post("/admin/toolkit/test-method", data=data)
    assert response.status_code == 400
    assert "Someone else changed this entry at the same moment" in response.get_data(as_text=True)
    assert fresh().title == entry.title != "My edit"  # nothing half-saved


def test_history_diff_and_restore(login, users, entry, client):
    officer = users["officer"]
    services.edit_entry(officer, entry, {"title": "Second title", "body": entry.body.replace("Plain words about pitfalls.", "Watch out for rain.")}, "Rain")
    services.edit_entry(officer, entry, {"title": "Third title"}, "Shorter")
    db.session.commit()
    login("officer")

    history = client.get("/admin/toolkit/test-method/history").get_data(as_text=True)
    for reason in ("Rain", "Shorter", "First loaded from toolkit/methods/test-method.md"):
        assert reason in history
    assert history.count('class="govuk-tag govuk-tag--green">Current') == 1
    assert "Test Officer" in history

    diff = client.get("/admin/toolkit/test-method/compare?from=1&to=2").get_data(as_text=True)
    assert "<del><span class=\"govuk-visually-hidden\">Removed: </span>Title: Test method</del>" in diff
    assert "<ins><span class=\"govuk-visually-hidden\">Added: </span>Title: Second title</ins>" in diff
    assert "Watch out for rain." in diff and "Plain words about pitfalls." in diff
    assert "Plain words about what it is." not in diff  # unchanged lines far from a change are left out

    revision = client.get("/admin/toolkit/test-method/revisions/1").get_data(as_text=True)
    assert "Restore this revision" in revision and "Test method" in revision

    response = client.post("/admin/toolkit/test-method/revisions/1/restore", data={"reason": "Back to the original"})
    assert response.status_code == 302
    entry = fresh()
    assert entry.title == "Test method" and "Plain words about pitfalls." in entry.body
    assert entry.revision_number == 4 and entry.revisions[0].action == "restore"
    assert entry.revisions[0].reason == "Restored revision 1: Back to the original"
    assert db.session.scalar(select(db.func.count()).select_from(ToolkitRevision)) == 4  # nothing rewritten


def test_restoring_the_current_revision_is_refused(login, entry, client):
    login("officer")
    response = client.post("/admin/toolkit/test-method/revisions/1/restore", data={})
    assert response.status_code == 400
    assert "already the current version" in response.get_data(as_text=True)


def test_bad_revision_numbers_are_plain_errors(login, entry, client):
    login("officer")
    assert client.get("/admin/toolkit/test-method/revisions/99").status_code == 404
    assert client.get("/admin/toolkit/test-method/revisions/99999999999999999999").status_code == 404
    # A number past any id is not a revision number: refused in words (engage/core/params.py).
    too_big = client.get("/admin/toolkit/test-method/compare?from=1&to=99999999999999999999")
    assert too_big.status_code == 400 and "Choose two revisions to compare" in too_big.get_data(as_text=True)
    assert client.get("/admin/toolkit/test-method/compare?from=abc").status_code == 400
    assert client.get("/admin/toolkit/test-method/compare?from=0&to=1").status_code == 400
    assert client.get("/admin/toolkit/test-method/compare?from=1&to=42").status_code == 404
    assert client.get("/admin/toolkit/no-such/history").status_code == 404


def test_diff_service():
    hunks = services.diff("a\nb\nc\nd\ne\nf\ng\nh", "a\nb\nC\nd\ne\nf\ng\nh\ni")
    kinds = [[(line.kind, line.text) for line in hunk] for hunk in hunks]
    assert kinds[0] == [("same", "a"), ("same", "b"), ("removed", "c"), ("added", "C"), ("same", "d"), ("same", "e")]
    assert kinds[1] == [("same", "g"), ("same", "h"), ("added", "i")]
    assert services.diff("same", "same") == []


def test_officer_adds_a_guide(login, client, entry):
    login("officer")
    data = {"slug": "new-guide", "kind": "guide", "title": "Running a good meeting", "summary": "How to run a meeting people want to come to.",
            "purpose": ["inform"], "related": ["test-method"], "body": guide_body(), "reason": "A new guide",
            "group_size": "small", "submit": "Save changes"}
    response = client.post("/admin/toolkit/new", data=data)
    assert response.status_code == 302
    guide = fresh("new-guide")
    assert guide.kind == "guide" and guide.source == "site" and guide.group_size is None  # method-only fields dropped
    assert guide.revision_number == 1 and guide.revisions[0].reason == "A new guide"
    html = client.get("/toolkit/new-guide").get_data(as_text=True)
    assert "Running a good meeting" in html and 'href="/toolkit/test-method"' in html


def test_new_entry_checks_its_web_name(login, client, entry):
    login("officer")
    base = {"kind": "method", "title": "X", "summary": "Y", "purpose": ["consult"], "audiences": ["residents"], "group_size": "small",
            "time_needed": "days", "cost": "low", "skills": "talking", "accessibility": "Step-free.", "body": method_body(), "reason": "New",
            "submit": "Save changes"}
    for slug, message in [("", "Enter a web name"), ("Bad Name!", "lower-case letters"), ("choose", "lower-case letters"),
                          ("test-method", "already an entry with this web name")]:
        response = client.post("/admin/toolkit/new", data=dict(base, slug=slug))
        assert response.status_code == 400, slug
        assert message in response.get_data(as_text=True), slug
    assert client.post("/admin/toolkit/new", data=dict(base, slug="fine-name")).status_code == 302


def test_admin_index_lists_entries_with_source_and_feedback(login, client, users, entry):
    services.add_feedback(entry, True, "")
    services.add_feedback(entry, False, "More examples please")
    services.edit_entry(users["officer"], entry, {"title": "Edited title"}, "x")
    entry.file_changed = True
    db.session.commit()
    html = login("officer").get("/admin/toolkit").get_data(as_text=True)
    assert "Edited title" in html and "Edited in the site" in html and "File has changed" in html
    assert "1 / 1" in html
    feedback = client.get("/admin/toolkit/feedback?entry=test-method").get_data(as_text=True)
    assert "More examples please" in feedback
    only_comments = client.get("/admin/toolkit/feedback?comments=1").get_data(as_text=True)
    assert "More examples please" in only_comments and only_comments.count("<td class=\"govuk-table__cell\">Yes</td>") == 0


def test_use_file_version_button(login, client, users, app, tmp_path, write_file):
    from engage.toolkit.loader import load_toolkit

    write_file(tmp_path, "methods", "stall")
    app.config["ENGAGE_TOOLKIT_DIR"] = str(tmp_path)
    load_toolkit(tmp_path)
    db.session.commit()
    stall = fresh("stall")
    services.edit_entry(users["officer"], stall, {"title": "Site title"}, "Mine")
    db.session.commit()
    login("officer")
    page = client.get("/admin/toolkit/stall").get_data(as_text=True)
    assert "Go back to the file version" in page
    response = client.post("/admin/toolkit/stall/use-file", data={}, follow_redirects=True)
    assert "now follows its file again" in response.get_data(as_text=True)
    stall = fresh("stall")
    assert stall.title == "Street stall test" and stall.source == "file" and stall.revision_number == 3
    # A file that has become invalid cannot be used, and nothing changes.
    services.edit_entry(users["officer"], stall, {"title": "Site title again"}, "Mine again")
    db.session.commit()
    write_file(tmp_path, "methods", "stall", raw="---\ntitle: broken\n")
    response = client.post("/admin/toolkit/stall/use-file", data={}, follow_redirects=True)
    assert "cannot be used" in response.get_data(as_text=True)
    assert fresh("stall").title == "Site title again"
