"""Back up and restore a whole Engage site in one archive file.

``flask --app wsgi engage backup [--to PATH] [--with-index]`` writes one ``.tar.gz`` holding:

- ``manifest.json``: what the archive holds, when it was made (UTC), the database engine, the
  schema revision (alembic), and how many rows each table had;
- the database: ``database.sqlite3`` made with SQLite's online backup API (the site can keep
  running), or ``database.pgdump`` made by ``pg_dump --format=custom`` for PostgreSQL;
- ``uploads/``: the uploads folder (``ENGAGE_UPLOAD_DIR``): with the default storage, every
  stored document and waiting upload (engage/core/storage.py);
- ``storage/``: when the files are kept in a bucket (``ENGAGE_STORAGE_URL``), every object
  under the site's prefix (documents, attachments, waiting uploads), by key. A restore puts
  them back into whatever storage the restoring site uses (a bucket or the folder);
- ``index/``: the Whoosh search index (``ENGAGE_INDEX_DIR``), only with ``--with-index``. The
  PostgreSQL search backend keeps its documents in the database, so they come with it.

``flask --app wsgi engage restore PATH [--force]`` puts an archive back into the database and
folders the settings name. It refuses, changing nothing, when

- the database (or the uploads folder, or the bucket) already holds data, unless ``--force``
  is given (which then empties the bucket's prefix before putting the archive's objects back);
- the archive comes from a newer Engage (a schema revision this copy does not know);
- the archive is for the other engine (an SQLite archive cannot go into PostgreSQL).

Afterwards the migrations are brought to head (an archive from an older Engage is upgraded),
and a Whoosh index the archive did not hold is rebuilt with a progress bar.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from ..core import clock, generation
from ..extensions import db

FORMAT = "engage-backup"
FORMAT_VERSION = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
BOOKKEEPING = {"site_generation", "data_version"}   # tables a fresh `db upgrade` fills: not a site's data


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why in plain words."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    schema_revision: str | None
    counts: dict[str, int]
    uploads: int
    with_index: bool
    site_name: str = ""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    extra: dict = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupError("This file is not an Engage backup (it has no Engage manifest).")
        if int(data.get("format_version", 0)) > FORMAT_VERSION:
            raise BackupError("This backup was made by a newer version of Engage. Upgrade Engage, then restore it.")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


# ---- what is there -------------------------------------------------------------------------

def engine_name() -> str:
    return db.engine.dialect.name   # "sqlite" or "postgresql"


def _tables() -> list[str]:
    present = set(inspect(db.engine).get_table_names())
    return [t.name for t in db.metadata.sorted_tables if t.name in present]


def counts() -> dict[str, int]:
    """Rows in each of Engage's tables that exist in the database (not the bookkeeping ones,
    which every database keeps for itself)."""
    out = {}
    with db.engine.connect() as conn:
        for name in _tables():
            if name in BOOKKEEPING:
                continue
            out[name] = conn.execute(select(func.count()).select_from(db.metadata.tables[name])).scalar_one()
    return out


def schema_revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upload_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def bucket():
    """The upload storage when it is not the uploads folder (a bucket: its objects are
    archived under ``storage/``), else None (the folder is archived whole)."""
    from ..core.storage import FolderStorage, upload_storage

    storage = upload_storage()
    if isinstance(storage, FolderStorage) and Path(storage.root).resolve() == Path(current_app.config["ENGAGE_UPLOAD_DIR"]).resolve():
        return None
    return storage


def stored_keys() -> list[str]:
    storage = bucket()
    return [] if storage is None else sorted(storage.keys())


def _folders() -> tuple[Path, Path]:
    config = current_app.config
    return Path(config["ENGAGE_UPLOAD_DIR"]), Path(config["ENGAGE_INDEX_DIR"])


def _pg_url() -> str:
    """The database URL as libpq reads it (no SQLAlchemy driver name)."""
    url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as error:
        raise BackupError(f"{args[0]} is not installed: install the PostgreSQL client tools to {what}.") from error
    if done.returncode != 0:
        raise BackupError(f"{args[0]} could not {what}: {done.stderr.strip()[-2000:]}")


# ---- backup --------------------------------------------------------------------------------

def default_name() -> str:
    return f"engage-backup-{clock.utcnow():%Y%m%d-%H%M%S}.tar.gz"


def backup(to: Path, with_index: bool = False, echo=lambda message: None) -> Manifest:
    """Write the archive to ``to`` (a file, or a folder to put a dated file in); returns its manifest."""
    to = Path(to)
    if to.is_dir():
        to = to / default_name()
    to.parent.mkdir(parents=True, exist_ok=True)
    uploads, index = _folders()
    engine = engine_name()
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="engage-backup-") as work:
        work = Path(work)
        if engine == "sqlite":
            echo("Copying the SQLite database with its online backup")
            source = sqlite3.connect(db.engine.url.database)
            target = sqlite3.connect(work / SQLITE_FILE)
            try:
                with target:
                    source.backup(target, pages=1024)
            finally:
                target.close()
                source.close()
            dumped = work / SQLITE_FILE
        elif engine == "postgresql":
            echo("Dumping the PostgreSQL database with pg_dump")
            dumped = work / PG_FILE
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dumped), "--dbname", _pg_url()],
                 "dump the database")
        else:
            raise BackupError(f"Engage cannot back up a {engine} database.")
        # The counts and revision come from the copy, so they match what was saved.
        manifest = _describe_copy(dumped, engine, uploads, with_index)
        files = upload_files(uploads)
        partial = to.with_name(to.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", manifest.to_json())
            tar.add(dumped, arcname=dumped.name)
            echo(f"Adding {len(files):,} uploaded files")
            for path in files:
                tar.add(path, arcname=f"uploads/{path.relative_to(uploads).as_posix()}")
            storage = bucket()
            if storage is not None:
                keys = sorted(storage.keys())
                echo(f"Adding {len(keys):,} files from the upload storage")
                for key in keys:
                    data = storage.get(key)
                    if data is not None:   # removed since it was listed (an import finished)
                        _add_bytes(tar, f"storage/{key}", data)
            if with_index and index.is_dir():
                echo("Adding the search index")
                tar.add(index, arcname="index")
        os.replace(partial, to)
    manifest.extra["path"] = str(to)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _describe_copy(dumped: Path, engine: str, uploads: Path, with_index: bool) -> Manifest:
    if engine == "sqlite":
        conn = sqlite3.connect(dumped)
        try:
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            numbers = {t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]   # names from our metadata
                       for t in db.metadata.sorted_tables if t.name in present and t.name not in BOOKKEEPING}
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in present else None
        finally:
            conn.close()
        revision = row[0] if row else None
    else:
        numbers, revision = counts(), schema_revision()   # pg_dump's snapshot; the counts are close to it
    return Manifest(created_at=clock.now().isoformat(timespec="seconds"), engine=engine, schema_revision=revision,
                    counts=numbers, uploads=len(upload_files(uploads)) + len(stored_keys()), with_index=with_index,
                    site_name=current_app.config.get("ENGAGE_SITE_NAME", ""))


# ---- restore -------------------------------------------------------------------------------

def read_manifest(path: Path) -> Manifest:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(f"{path} is not an Engage backup that can be read ({error}).") from error


def known_revision(revision: str | None) -> bool:
    """Does this copy of Engage know the schema revision (it is not from a newer Engage)?"""
    if revision is None:
        return True
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def live_data() -> list[str]:
    """What the database and uploads folder already hold, in words ("12 users", ...); empty if nothing."""
    # The database's generation (engage/core/generation.py) is made by the migrations: not data.
    found = [f"{n:,} rows in {name}" for name, n in sorted(counts().items(), key=lambda item: -item[1])
             if n and name not in BOOKKEEPING]
    files = upload_files(_folders()[0])
    if files:
        found.append(f"{len(files):,} uploaded files")
    stored = stored_keys()
    if stored:
        found.append(f"{len(stored):,} files in the upload storage")
    return found


def other_connections() -> list[str]:
    """PostgreSQL: the other processes connected to this database now (web nodes, workers,
    a psql session), by the name they gave (``engage:<pid>``: engage/core/database.py).
    SQLite cannot tell: empty."""
    if engine_name() != "postgresql":
        return []
    mine = f"engage:{os.getpid()}"
    with db.engine.connect() as conn:
        names = conn.execute(text(
            "SELECT coalesce(nullif(application_name, ''), 'unnamed') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "AND coalesce(application_name, '') <> :mine ORDER BY 1"), {"mine": mine}).scalars().all()
    return list(names)


def check(path: Path, force: bool = False, while_running: bool = False) -> Manifest:
    """Everything that would stop a restore, before anything is changed."""
    manifest = read_manifest(path)
    if engine_name() == "sqlite" and db.engine.url.database:
        Path(db.engine.url.database).parent.mkdir(parents=True, exist_ok=True)   # a new site's folder
    if manifest.engine != engine_name():
        raise BackupError(f"This backup is of a {manifest.engine} database, and this site uses {engine_name()}. "
                          f"Restore it into a {manifest.engine} database.")
    if not known_revision(manifest.schema_revision):
        raise BackupError(f"This backup was made by a newer version of Engage (schema revision {manifest.schema_revision}, "
                          "which this copy does not know). Upgrade Engage first, then restore it. Nothing was changed.")
    found = live_data()
    if found and not force:
        shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        raise BackupError(f"Not restored: this site already has data ({shown}). Restoring would replace all of it. "
                          "Nothing was changed. If you mean to replace it, run the restore again with --force.")
    others = other_connections()
    if others and not while_running:
        shown = ", ".join(sorted(set(others))[:5])
        raise BackupError(f"Not restored: {len(others)} other connections to the database are open ({shown}): web nodes, "
                          "workers or timers are still running. Stop them first (systemctl stop engage-web engage-worker "
                          "on every node). Nothing was changed. To restore under them anyway, add --while-running: "
                          "they drop what they remember of the old data at their next request.")
    return manifest


def restore(path: Path, force: bool = False, echo=lambda message: None, index_progress=None,
            while_running: bool = False) -> Manifest:
    """Put the archive back (after ``check``), bring the schema to head, give the database a
    new generation (engage/core/generation.py), rebuild a missing index."""
    manifest = check(path, force, while_running)
    marks = id_marks()   # how far each table's ids went here: never given again after the restore
    uploads, index = _folders()
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="engage-restore-") as work:
        work = Path(work)
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(work, filter="data")
        if manifest.engine == "sqlite":
            echo("Restoring the SQLite database")
            db.engine.dispose()
            _new_generation_in(work / SQLITE_FILE, marks)
            source = sqlite3.connect(work / SQLITE_FILE)
            Path(db.engine.url.database).parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(db.engine.url.database)
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            echo("Restoring the PostgreSQL database with pg_restore")
            db.engine.dispose()
            if inspect(db.engine).get_table_names():
                # Either --force, or the tables are empty (check() found no data): a database
                # made by `db upgrade` before the restore. pg_restore needs it bare.
                _drop_everything()
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", _pg_url(),
                  str(work / PG_FILE)], "restore the database")
        db.engine.dispose()
        echo("Restoring the uploaded files")
        _replace_folder(work / "uploads", uploads)
        _replace_stored(work / "storage")
        had_index = (work / "index").is_dir()
        if had_index:
            echo("Restoring the search index")
            _replace_folder(work / "index", index)
    echo("Bringing the database up to date (migrations)")
    from flask_migrate import upgrade

    upgrade()
    db.session.remove()
    with db.engine.begin() as conn:
        # A new generation (running processes drop what they remember), and numbers that
        # must never repeat moved past any used before (generation.after_restore hooks).
        generation.renew(conn)
        _carry_id_marks(conn, marks)
        generation.run_after_restore(conn)
    if current_app.config.get("ENGAGE_SEARCH_BACKEND", "whoosh") != "postgres" and not had_index:
        echo("Rebuilding the search index (the backup did not hold one)")
        from ..search import reindex

        if index.exists():
            shutil.rmtree(index)
        reindex(echo=index_progress)
    return manifest


def id_marks() -> dict[str, int]:
    """How far each table's ids have gone in the database now ({sequence or table: last id}):
    SQLite's ``sqlite_sequence`` (every table is AUTOINCREMENT), PostgreSQL's sequences. A
    restore over a live database carries them forward, so an id given out after the backup
    (in an email's link, a resident's bookmark, a running process's memory) never comes to
    mean another record. Empty for an empty database."""
    with db.engine.connect() as conn:
        if engine_name() == "sqlite":
            if not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
                return {}
            return {name: int(seq) for name, seq in conn.execute(text("SELECT name, seq FROM sqlite_sequence")) if seq}
        return {name: int(last) for name, last in conn.execute(text(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
            " AND last_value IS NOT NULL"))}


def _carry_id_marks(conn, marks: dict[str, int]) -> None:
    """After a restore: no id below the marks taken before it is given again."""
    if not marks:
        return
    if conn.dialect.name == "sqlite":
        _carry_sqlite_marks(conn.connection.driver_connection, marks)
        return
    for name, last in marks.items():
        conn.execute(text(
            "SELECT setval(format('%I.%I', current_schema(), CAST(:name AS text))::regclass, :last) FROM pg_sequences"
            " WHERE schemaname = current_schema() AND sequencename = :name AND coalesce(last_value, 0) < :last"),
            {"name": name, "last": last})


def _carry_sqlite_marks(raw, marks: dict[str, int]) -> None:
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, last in marks.items():
        if name not in tables:
            continue
        if raw.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?", (last, name, last)).rowcount == 0 \
                and not raw.execute("SELECT 1 FROM sqlite_sequence WHERE name = ?", (name,)).fetchone():
            raw.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, last))


def _new_generation_in(copy: Path, marks: dict[str, int]) -> None:
    """SQLite: the copy gets its new generation, and the ids this database had reached, before
    it is put in place: a running process never sees the restored rows under the generation it
    knew, nor gives a new row an id that was given after the backup."""
    conn = sqlite3.connect(copy)
    try:
        with conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
                _carry_sqlite_marks(conn, marks)
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='site_generation'").fetchone():
                conn.execute("DELETE FROM site_generation")
                conn.execute("INSERT INTO site_generation (token, changed_at) VALUES (?, ?)",
                             (generation.new_token(), clock.utcnow().isoformat(sep=" ")))
    finally:
        conn.close()


def _drop_everything() -> None:
    """Empty a PostgreSQL database for ``restore --force`` (its own schema only)."""
    from sqlalchemy.exc import OperationalError

    try:
        with db.engine.begin() as conn:
            # A process in the middle of a transaction holds its tables: wait a minute, not for ever.
            conn.execute(text("SET LOCAL lock_timeout = '60s'"))
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except OperationalError as error:
        raise BackupError("Not restored: another process kept the database's tables busy for a minute (a request or "
                          "job still running). Stop the web nodes and workers, then restore again. Nothing was changed.") from error
    db.engine.dispose()


def _replace_stored(source: Path) -> None:
    """Put the archive's ``storage/`` objects into the upload storage, after emptying a bucket
    (a folder storage was replaced with the uploads folder already)."""
    from ..core.storage import upload_storage

    storage = bucket()
    if storage is not None:
        for key in list(storage.keys()):
            storage.delete(key)
    if not source.is_dir():
        return
    target = upload_storage()
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target.put(path.relative_to(source).as_posix(), path.read_bytes())


def _replace_folder(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True, exist_ok=True)
