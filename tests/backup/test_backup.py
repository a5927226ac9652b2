"""``engage backup`` / ``engage restore`` (engage/backup/archive.py): the demo is backed up and
restored into a fresh database of the suite's engine (a new SQLite file, or a new PostgreSQL
database through pg_dump/pg_restore); the main pages, the API and a search work on what was
restored; a restore over a live database refuses without --force and changes nothing; an
archive from a newer schema is refused; --force replaces the data."""
from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from engage.backup import archive
from engage.extensions import db
from tests.conftest import _postgres_url, make_app, require

PAGES = ["/", "/consultations", "/you-said-we-did", "/strategy", "/toolkit"]


def _fresh_database(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("postgresql"):
        return _postgres_url(os.environ["TEST_DATABASE_URL"], "restore")
    (tmp_path / "restored").mkdir(exist_ok=True)
    return f"sqlite:///{tmp_path / 'restored' / 'engage.db'}"


def _with_future_revision(source: Path, target: Path) -> None:
    """A copy of the archive whose manifest names a schema revision from a newer Engage."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data.read())
                manifest["schema_revision"] = "0999_from_the_future"
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = io.BytesIO(raw)
            new.addfile(member, data)


def test_backup_the_demo_and_restore_it_into_a_fresh_database(seeded, runner, database_url, tmp_path):
    if database_url.startswith("postgresql"):
        require(shutil.which("pg_dump") and shutil.which("pg_restore"), "pg_dump and pg_restore are not installed")
    from engage.consultations.models import Consultation

    app = seeded
    upload = Path(app.config["ENGAGE_UPLOAD_DIR"]) / "imports" / "kept.txt"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("an upload that must come back")
    title = db.session.scalars(select(Consultation.title).where(Consultation.visibility == "public")
                               .order_by(Consultation.id)).first()
    before = archive.counts()

    made = runner.invoke(args=["engage", "backup", "--to", str(tmp_path / "site.tar.gz")])
    assert made.exit_code == 0, made.output
    manifest = archive.read_manifest(tmp_path / "site.tar.gz")
    assert manifest.engine == db.engine.dialect.name and manifest.uploads == 1
    assert manifest.schema_revision == archive.schema_revision() and manifest.counts == before
    assert manifest.counts["consultation"] > 5 and "Backed up" in made.output

    # A fresh database, its own folders: restore, then use the site on what came back.
    restored = make_app(_fresh_database(database_url, tmp_path), tmp_path / "restored")
    with restored.app_context():
        try:
            from flask_migrate import upgrade

            upgrade()   # an empty site, as `db upgrade` leaves it: tables without data are not "data"
            done = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz")])
            assert done.exit_code == 0, done.output
            assert archive.counts() == before
            assert archive.schema_revision() == manifest.schema_revision
            assert (Path(restored.config["ENGAGE_UPLOAD_DIR"]) / "imports" / "kept.txt").read_text() == "an upload that must come back"
            client = restored.test_client()
            for path in PAGES:
                assert client.get(path).status_code == 200, path
            listed = client.get("/api/v1/consultations", query_string={"q": title}).get_json()
            assert title in [item["title"] for item in listed["consultations"]], listed
            word = max((w for w in title.split() if w.isalpha()), key=len)
            found = client.get("/consultations/search", query_string={"q": word}).get_data(as_text=True)
            assert str(escape(title)) in found, f"searching {word!r} on the restored site"
            one = db.session.scalar(select(Consultation).where(Consultation.title == title))
            assert client.get(f"/consultations/{one.id}").status_code == 200

            # Over a live database: refused in words, nothing changed.
            one.title = "Changed after the restore"
            db.session.commit()
            again = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz")])
            assert again.exit_code != 0
            assert "already has data" in again.output and "Nothing was changed" in again.output and "--force" in again.output
            db.session.expire_all()
            assert db.session.get(Consultation, one.id).title == "Changed after the restore"
            assert archive.counts() == before

            # From a newer Engage: refused, even with --force.
            _with_future_revision(tmp_path / "site.tar.gz", tmp_path / "future.tar.gz")
            future = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "future.tar.gz"), "--force"])
            assert future.exit_code != 0 and "newer version of Engage" in future.output, future.output
            db.session.expire_all()
            assert db.session.get(Consultation, one.id).title == "Changed after the restore"

            # With --force it replaces what is there.
            forced = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz"), "--force"])
            assert forced.exit_code == 0, forced.output
            db.session.expire_all()
            assert db.session.get(Consultation, one.id).title == title
            assert archive.counts() == before
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_file_that_is_not_a_backup_is_refused_in_words(runner, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    result = runner.invoke(args=["engage", "restore", str(junk)])
    assert result.exit_code != 0 and "not an Engage backup" in result.output
    missing = runner.invoke(args=["engage", "restore", str(tmp_path / "nowhere.tar.gz")])
    assert missing.exit_code != 0 and "There is no backup file" in missing.output
