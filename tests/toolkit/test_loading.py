"""Loading toolkit files: validation names the file and the field, a bad file is skipped and
the rest still loads, files update entries that follow them, and edits made in the site
survive toolkit-load."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.toolkit import loader, services
from engage.toolkit.models import ToolkitEntry, ToolkitRevision
from tests.toolkit.conftest import TOOLKIT, guide_meta, method_body, method_meta


def _entry(slug):
    return db.session.scalar(select(ToolkitEntry).where(ToolkitEntry.slug == slug))


def test_the_real_toolkit_is_complete_and_valid(app):
    report = loader.load_toolkit(TOOLKIT)
    db.session.commit()
    assert report.errors == []
    methods = db.session.scalar(select(func.count()).select_from(ToolkitEntry).where(ToolkitEntry.kind == "method"))
    guides = db.session.scalar(select(func.count()).select_from(ToolkitEntry).where(ToolkitEntry.kind == "guide"))
    assert methods >= 28 and guides >= 12 and methods + guides >= 40
    focus = _entry("focus-group")
    assert focus.title == "Focus group" and focus.group_size == "small" and "consult" in focus.purpose
    assert focus.source == "file" and focus.file_path == "methods/focus-group.md" and len(focus.file_hash) == 64
    assert focus.revision_number == 1 and focus.revisions[0].action == "file"
    # Every related entry named in a file exists.
    slugs = {e.slug for e in db.session.scalars(select(ToolkitEntry))}
    for e in db.session.scalars(select(ToolkitEntry)):
        assert set(e.related) <= slugs, e.slug


def test_loading_twice_changes_nothing(app):
    loader.load_toolkit(TOOLKIT)
    db.session.commit()
    again = loader.load_toolkit(TOOLKIT)
    db.session.commit()
    assert again.created == [] and again.updated == [] and len(again.unchanged) == again.loaded
    assert db.session.scalar(select(func.count()).select_from(ToolkitRevision)) == again.loaded


@pytest.mark.parametrize("sub,slug,meta,body,field,words", [
    ("methods", "no-title", method_meta(title=None), None, "title", "required"),
    ("methods", "long-title", method_meta(title="x" * 121), None, "title", "120 characters"),
    ("methods", "no-summary", method_meta(summary=""), None, "summary", "required"),
    ("methods", "bad-purpose", method_meta(purpose=["persuade"]), None, "purpose", "'persuade'"),
    ("methods", "no-purpose", method_meta(purpose=[]), None, "purpose", "required for a method"),
    ("methods", "bad-audience", method_meta(audiences=["aliens"]), None, "audiences", "'aliens'"),
    ("methods", "bad-size", method_meta(group_size="huge"), None, "group_size", "small, medium, large"),
    ("methods", "no-time", method_meta(time_needed=None), None, "time_needed", "required"),
    ("methods", "bad-cost", method_meta(cost="free"), None, "cost", "low, medium, high"),
    ("methods", "no-skills", method_meta(skills=[]), None, "skills", "required"),
    ("methods", "no-access", method_meta(accessibility=None), None, "accessibility", "required"),
    ("methods", "bad-related", method_meta(related=["no-such-entry"]), None, "related", "no-such-entry"),
    ("methods", "self-related", method_meta(related=["self-related"]), None, "related", "itself"),
    ("methods", "wrong-kind", method_meta(kind="guide"), None, "kind", "must be 'method'"),
    ("methods", "typo-field", dict(method_meta(), audience=["residents"]), None, "audience", "not a field we know"),
    ("methods", "missing-heading", method_meta(), method_body().replace("## Pitfalls", "## Traps"), "body", "'## Pitfalls'"),
    ("methods", "raw-html", method_meta(), method_body("<script>alert(1)</script>"), "body", "HTML"),
    ("methods", "empty-body", method_meta(), "", "body", "empty"),
    ("guides", "guide-with-cost", guide_meta(cost="low"), None, "cost", "only for methods"),
    ("guides", "short-guide", guide_meta(), "## One\n\nText.\n\n## Checklist\n\n- [ ] x\n", "body", "four"),
])
def test_a_bad_file_is_named_and_skipped_and_the_rest_loads(app, tmp_path, write_file, sub, slug, meta, body, field, words):
    write_file(tmp_path, "methods", "good-method")
    write_file(tmp_path, "guides", "good-guide")
    write_file(tmp_path, sub, slug, meta, body)
    report = loader.load_toolkit(tmp_path)
    db.session.commit()
    assert sorted(report.created) == ["good-guide", "good-method"]
    problems = [e for e in report.errors if e.file == f"{sub}/{slug}.md"]
    assert problems, report.errors
    assert any(e.field == field and words in e.message for e in problems), [str(e) for e in problems]
    assert _entry(slug) is None


@pytest.mark.parametrize("raw,field,words", [
    ("title: no front matter\n\n## Text", "front matter", "missing"),
    ("---\ntitle: [unclosed\n---\n\nBody", "front matter", "not valid YAML"),
    ("---\n---\n\nBody", "front matter", "empty"),
])
def test_broken_front_matter(app, tmp_path, write_file, raw, field, words):
    write_file(tmp_path, "methods", "broken", raw=raw)
    write_file(tmp_path, "methods", "fine")
    report = loader.load_toolkit(tmp_path)
    assert report.created == ["fine"]
    assert [(e.file, e.field) for e in report.errors] == [("methods/broken.md", field)]
    assert words in report.errors[0].message


def test_bad_file_names_and_encoding(app, tmp_path, write_file):
    write_file(tmp_path, "methods", "Bad_Name")
    write_file(tmp_path, "methods", "choose")  # a toolkit page's own address
    (tmp_path / "methods" / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    report = loader.load_toolkit(tmp_path)
    errors = {(e.file, e.field): e.message for e in report.errors}
    assert "lower-case" in errors[("methods/Bad_Name.md", "file name")]
    assert "used by the toolkit" in errors[("methods/choose.md", "file name")]
    assert "UTF-8" in errors[("methods/latin1.md", "file")]
    assert report.created == []


def test_missing_folder_is_reported(app, tmp_path):
    report = loader.load_toolkit(tmp_path / "nowhere")
    assert report.loaded == 0 and report.errors[0].field == "folder"


def test_related_may_name_a_file_that_failed(app, tmp_path, write_file):
    """A bad file must not knock out the entries that point at it."""
    write_file(tmp_path, "methods", "points-at-broken", method_meta(related=["broken-one"]))
    write_file(tmp_path, "methods", "broken-one", method_meta(cost="free"))
    report = loader.load_toolkit(tmp_path)
    assert report.created == ["points-at-broken"]
    assert [e.file for e in report.errors] == ["methods/broken-one.md"]


def test_cli_names_file_and_field_and_keeps_going(app, runner, tmp_path, write_file):
    write_file(tmp_path, "methods", "good-method")
    write_file(tmp_path, "methods", "bad-cost", method_meta(cost="free"))
    result = runner.invoke(args=["engage", "toolkit-load", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 entries loaded: 1 new" in result.output
    assert "methods/bad-cost.md: cost: must be one of low, medium, high" in result.output
    assert _entry("good-method") is not None and _entry("bad-cost") is None
    strict = runner.invoke(args=["engage", "toolkit-load", "--folder", str(tmp_path), "--strict"])
    assert strict.exit_code == 1


def test_cli_uses_the_configured_folder(app, runner, tmp_path, write_file):
    write_file(tmp_path, "guides", "configured-guide")
    app.config["ENGAGE_TOOLKIT_DIR"] = str(tmp_path)
    result = runner.invoke(args=["engage", "toolkit-load"])
    assert result.exit_code == 0 and "1 new" in result.output
    assert _entry("configured-guide").kind == "guide"


def test_a_changed_file_updates_an_entry_that_follows_it(app, tmp_path, write_file):
    write_file(tmp_path, "methods", "stall", method_meta(title="Stall"))
    loader.load_toolkit(tmp_path)
    db.session.commit()
    write_file(tmp_path, "methods", "stall", method_meta(title="Street stall", cost="medium"))
    report = loader.load_toolkit(tmp_path)
    db.session.commit()
    assert report.updated == ["stall"]
    entry = _entry("stall")
    assert entry.title == "Street stall" and entry.cost == "medium" and entry.revision_number == 2
    assert [r.action for r in entry.revisions] == ["file", "file"]
    assert entry.revisions[1].title == "Stall"  # the old version is kept


def test_site_edits_survive_toolkit_load(app, tmp_path, write_file, users):
    write_file(tmp_path, "methods", "stall", method_meta(title="Stall"))
    loader.load_toolkit(tmp_path)
    db.session.commit()
    entry = _entry("stall")
    data = {"title": "Stall (edited in the site)", "summary": entry.summary, "body": entry.body}
    services.edit_entry(users["officer"], entry, data, "Better title")
    db.session.commit()
    assert entry.source == "site"

    # The file changes too: the site's version wins and the change is reported.
    write_file(tmp_path, "methods", "stall", method_meta(title="Stall from the file", cost="high"))
    report = loader.load_toolkit(tmp_path)
    db.session.commit()
    assert report.kept == ["stall"] and report.updated == []
    entry = _entry("stall")
    assert entry.title == "Stall (edited in the site)" and entry.cost == "low"
    assert entry.file_changed is True and entry.revision_number == 2

    # An officer hands it back to the file: the file's version is taken, history kept.
    app.config["ENGAGE_TOOLKIT_DIR"] = str(tmp_path)
    parsed, errors = loader.read_file_version(entry)
    assert errors == []
    services.use_file_version(users["officer"], entry, parsed.kind, parsed.data, parsed.relative, parsed.digest)
    db.session.commit()
    assert entry.title == "Stall from the file" and entry.cost == "high" and entry.source == "file"
    assert entry.file_changed is False and entry.revision_number == 3
    # ...and from now on, the file is in charge again.
    write_file(tmp_path, "methods", "stall", method_meta(title="Stall, third version"))
    assert loader.load_toolkit(tmp_path).updated == ["stall"]


def test_removed_file_keeps_its_entry(app, tmp_path, write_file):
    path = write_file(tmp_path, "methods", "goner")
    loader.load_toolkit(tmp_path)
    db.session.commit()
    Path(path).unlink()
    report = loader.load_toolkit(tmp_path)
    assert report.no_file == ["goner"] and _entry("goner") is not None


def test_loaded_entries_are_searchable_at_once(app, client, tmp_path, write_file):
    write_file(tmp_path, "methods", "kite-flying", method_meta(title="Kite flying consultation", keywords=["kites"]))
    loader.load_toolkit(tmp_path)
    db.session.commit()  # the index is written after the commit
    html = client.get("/toolkit?q=kites").get_data(as_text=True)
    assert "1 entry" in html and "/toolkit/kite-flying" in html
