"""Fixtures for the toolkit tests: the real toolkit loaded into the database, the real files
in a real Whoosh index (for search-quality tests that need no database), one small entry,
and a writer of toolkit files for loader tests in temporary folders."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engage.extensions import db

TOOLKIT = Path(__file__).resolve().parents[2] / "toolkit"
METHOD_HEADINGS = ["What it is", "When to use it", "When not to use it", "Step by step", "What it costs",
                   "Pitfalls", "Making it accessible", "Example", "Checklist"]


def method_body(extra: str = "") -> str:
    parts = [f"## {h}\n\nPlain words about {h.lower()}.{(' ' + extra) if extra else ''}" for h in METHOD_HEADINGS[:-1]]
    parts.append("## Checklist\n\n- [ ] I have booked a room.\n- [ ] I have a note-taker.")
    return "\n\n".join(parts) + "\n"


def guide_body() -> str:
    return "## First\n\nOne.\n\n## Second\n\nTwo.\n\n## Third\n\nThree.\n\n## Checklist\n\n- [ ] Done.\n"


def method_meta(**overrides) -> dict:
    meta = {
        "title": "Street stall test", "kind": "method", "summary": "A short plain summary of the method.",
        "purpose": ["consult"], "audiences": ["residents"], "group_size": "medium", "time_needed": "days",
        "cost": "low", "skills": ["talking to people"], "accessibility": "Use a step-free pitch.",
        "related": [], "keywords": ["stall"],
    }
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


def guide_meta(**overrides) -> dict:
    meta = {"title": "A test guide", "kind": "guide", "summary": "A guide for the tests.", "purpose": ["consult"], "related": []}
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


def entry_data(meta: dict, body: str) -> dict:
    """Front matter + body as the fields services.create_entry takes."""
    data = {k: v for k, v in meta.items() if k != "kind"}
    for name in ("purpose", "audiences", "skills", "related", "keywords"):
        data.setdefault(name, [])
    for name in ("group_size", "time_needed", "cost"):
        data.setdefault(name, None)
    data.setdefault("accessibility", "")
    data["body"] = body
    return data


@pytest.fixture
def write_file():
    """write_file(folder, "methods", "slug", meta, body=None) writes one toolkit file."""

    def _write(folder: Path, sub: str, slug: str, meta: dict | None = None, body: str | None = None, raw: str | None = None) -> Path:
        path = folder / sub / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
            return path
        meta = meta if meta is not None else (method_meta() if sub == "methods" else guide_meta())
        if body is None:
            body = method_body() if sub == "methods" else guide_body()
        path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def toolkit(app):
    """The real toolkit files loaded into the database (and so into the index)."""
    from engage.toolkit.loader import load_toolkit

    report = load_toolkit(TOOLKIT)
    db.session.commit()
    assert report.errors == [], [str(e) for e in report.errors]
    return report


@pytest.fixture
def entry(app):
    """One small method, created as toolkit-load would create it."""
    from engage.toolkit import services

    data, errors = services.check_entry(entry_data(method_meta(title="Test method"), method_body()), "method")
    assert errors == []
    item = services.create_entry(None, "test-method", "method", data,
                                 "First loaded from toolkit/methods/test-method.md", source="file",
                                 file_path="methods/test-method.md", file_hash="0" * 64)
    db.session.commit()
    return item


@pytest.fixture(scope="module")
def search_index(tmp_path_factory, _schema):
    """The real toolkit files in a real search index built with the real schema and document
    builder, without the app's records: run_search(search_index, params) searches it. Whoosh
    in a temporary folder on SQLite; the postgres backend's tables when the suite runs on
    PostgreSQL (emptied again afterwards)."""
    from types import SimpleNamespace

    from engage.toolkit import indexing, loader
    from tests.conftest import search_backend_for

    files = loader.find_files(TOOLKIT)
    known = {p.stem for p, _ in files}
    entries = []
    for number, (path, kind) in enumerate(files, start=1):
        parsed, errors = loader.parse_file(path, kind, TOOLKIT, known)
        assert errors == [], [str(e) for e in errors]
        entries.append(SimpleNamespace(id=number, slug=parsed.slug, kind=kind, **parsed.data))
    engine = None
    if search_backend_for(_schema) == "postgres":
        from sqlalchemy import create_engine

        from engage.search.postgres_backend import TABLES, PostgresBackend

        engine = create_engine(_schema)
        search = PostgresBackend(engine)
    else:
        from engage.search.whoosh_backend import WhooshBackend

        search = WhooshBackend(str(tmp_path_factory.mktemp("toolkit-index")))
    search.register(indexing.SPEC)
    assert search.rebuild(indexing.INDEX, ([indexing.entry_document(e)] for e in entries)) == len(entries)
    yield search
    if engine is not None:
        with engine.begin() as conn:
            for table in TABLES:
                conn.execute(table.delete())
        engine.dispose()
