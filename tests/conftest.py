"""Shared fixtures: a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), a
real Whoosh index in a temporary folder, and signed-in clients for each role.

The schema is built once per test worker by running the migrations (so every test run also
checks them); after each test every table is emptied.
"""
from __future__ import annotations

import gc
import logging
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engage import create_app
from engage.core.i18n import compile_catalogues
from engage.extensions import db

# The app reads compiled catalogues (`make catalogues` builds them; a test run started with
# pytest alone gets them here, from translations/*/LC_MESSAGES/messages.po).
compile_catalogues()

REQUIRE_ALL = os.environ.get("ENGAGE_REQUIRE_ALL") == "1"

# Quiet test output. The test mail server (aiosmtpd's "mail.log") and the job queue (huey) say
# what they do at INFO, often from their own threads between tests, where nothing captures
# it: only their warnings and errors are shown. Engage's own lines keep their level
# (ENGAGE_LOG_LEVEL), so a failing test still shows its requests; tests/ops/test_logs.py lets
# these two through again while it reads every line at DEBUG.
QUIET_LOGGERS = ("huey", "mail.log")
for _name in QUIET_LOGGERS:
    logging.getLogger(_name).setLevel(logging.WARNING)


def reuse_url_builders() -> None:
    """Every test makes its own app, and making one was about 145 ms of CPU, nine tenths of it
    Werkzeug writing and compiling a small Python function per URL rule (two per rule, about
    300 rules) to build the rule's addresses. That function depends on the rule's parts
    alone (its static text and argument names, taken as ``self``), not on the app or its
    map, so the suite compiles each one once per worker and every later app reuses it:
    an app now takes about 15 ms. A rule with a default for one of its own arguments (the
    function then holds that default converted to text) is compiled as before.
    tests/foundation/test_url_builders.py checks that every address of the site builds the
    same either way."""
    from werkzeug.routing.rules import Rule

    if getattr(Rule, "_engage_reused", False) or not hasattr(Rule, "_compile_builder"):
        return
    original = Rule._compile_builder
    made: dict = {}

    def compile_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            return original(self, append_unknown)
        key = (append_unknown, tuple(self._trace), tuple(str(k) for k in defaults))
        found = made.get(key)
        if found is None:
            found = made[key] = original(self, append_unknown)
        return found

    Rule._compile_builder = compile_builder
    Rule._engage_reused = True
    Rule._engage_compile_builder = original


reuse_url_builders()


def collect_less() -> None:
    """Python's cycle collector, tuned for a test run: each test builds a whole app and drops
    it, and with the default thresholds the collector keeps walking everything the process
    holds (modules, templates, the demo snapshot). Objects alive once the schema is built are
    frozen (``gc.freeze`` in ``_schema``: never walked again; they live to the end anyway), and
    young objects are collected after 20,000 allocations rather than 700. Garbage is still
    collected, in fewer and shorter passes. Measured on tests/foundation in one process: 112.5 s
    of CPU before, 96.5 s after. ``ENGAGE_TEST_GC=default`` keeps Python's defaults (to compare)."""
    if os.environ.get("ENGAGE_TEST_GC") == "default":
        return
    gc.set_threshold(20_000, 20, 20)


collect_less()


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Engage's own handler writes every line to the captured stderr, with its request id; the
    "Captured log" section pytest adds to a failure repeats it, so there it keeps only warnings
    and errors. (Only that section's handler: the root logger's level, and ``caplog``, are
    left alone; ``--log-level`` on the command line still decides when given.)"""
    plugin = config.pluginmanager.get_plugin("logging-plugin")
    if plugin is not None and plugin.log_level is None:
        plugin.report_handler.setLevel(logging.WARNING)


# Files that take long: their own servers, processes, a browser, or much data. `make test`
# runs with --no-loadscope-reorder, so xdist hands out files in the order below: these first,
# longest first (rough seconds on one idle core), the rest after. A long file handed out last
# would leave the other worker idle while it runs. Browser files not named here count 30 s.
LONG_FILES = {
    "tests/browser/test_every_page_as_officer.py": 200,
    "tests/nodes/test_two_nodes.py": 120,
    "tests/browser/test_journeys.py": 110,
    "tests/backup/test_backup.py": 80,
    "tests/browser/test_every_page.py": 60,
    "tests/background/test_worker_killed.py": 45,
    "tests/ops/test_metrics_workers.py": 35,
}


def _expected_seconds(path: str, items: list) -> float:
    if path in LONG_FILES:
        return LONG_FILES[path]
    if any(item.get_closest_marker("browser") for item in items):
        return 30.0
    return 0.0


def pytest_collection_modifyitems(session, config, items):
    """Long files first (see LONG_FILES); every other file keeps its place after them."""
    by_file: dict[str, list] = {}
    for item in items:
        by_file.setdefault(Path(str(item.path)).relative_to(config.rootpath).as_posix(), []).append(item)
    ordered = sorted(by_file.items(), key=lambda pair: -_expected_seconds(*pair))
    items[:] = [item for _, group in ordered for item in group]


def _drop_alembic_console() -> None:
    """Running the migrations applies migrations/alembic.ini's logging (its own stderr handler
    on the root logger, as ``flask db upgrade`` shows it): in a test process that would print
    every line a second time beside Engage's own handler, so it goes once they have run."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if type(h) is logging.StreamHandler]:
        root.removeHandler(handler)
pytest_plugins = ["tests.browser_support", "tests.mail_support"]


def require(condition: bool, reason: str) -> None:
    """Skip a test whose real component is missing, or fail under ENGAGE_REQUIRE_ALL=1 (CI)."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (ENGAGE_REQUIRE_ALL=1, so this fails instead of skipping)")
    pytest.skip(reason)


def in_the_postgresql_pass(why: str):
    """A mark for a test that starts processes (gunicorn workers, queue workers) to prove a
    point one engine proves for both: it runs in the PostgreSQL pass (TEST_DATABASE_URL, CI's
    second pass) and is skipped, saying so, in the SQLite pass, even under
    ENGAGE_REQUIRE_ALL=1 (CI runs both passes). Skipped before its fixtures start anything."""
    return pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason=f"runs in the PostgreSQL pass: {why}")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url(base: str, suffix: str) -> str:
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base)
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        return _postgres_url(base, re.sub(r"\W", "", _worker()))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'engage-test.db'}"


def search_backend_for(database_url: str) -> str:
    """The search backend the suite runs with: Whoosh on SQLite, postgres on PostgreSQL."""
    return "postgres" if str(database_url).startswith("postgresql") else "whoosh"


def make_app(database_url: str, tmp_path: Path, **overrides):
    config = {
        "ENGAGE_SEARCH_BACKEND": search_backend_for(database_url),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENGAGE_INDEX_DIR": str(tmp_path / "index"),
        "ENGAGE_UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ENGAGE_INDEX_LOCK_WAIT": 1.0,
        # The test client's own address, so links in mail and the API open in it.
        "ENGAGE_PUBLIC_URL": "http://localhost",
    }
    config.update(overrides)
    app = create_app(config)
    _drop_alembic_console()

    @app.teardown_request
    def _forget_user(exc):
        # Tests keep one app context open across requests, so Flask-Login's cached user on
        # ``g`` would leak from one request to the next; a real server never shares ``g``.
        from flask import g

        g.pop("_login_user", None)

    return app


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Run the migrations once per worker on an empty database."""
    from flask_migrate import upgrade

    app = make_app(database_url, tmp_path_factory.mktemp("schema"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    _drop_alembic_console()
    if os.environ.get("ENGAGE_TEST_GC") != "default":
        del app
        gc.collect()
        gc.freeze()
    return database_url


def _empty_tables() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "data_version":
            # Its numbers only ever go up, as in a real database (engage/core/pagecache.py).
            continue
        # Foreign keys hold on SQLite too (engage/core/database.py), and SQLite checks a
        # RESTRICT row by row: let go of a table's links to itself (areas inside areas) first.
        for column in table.columns:
            if column.nullable and any(fk.column.table is table for fk in column.foreign_keys):
                db.session.execute(table.update().values({column.name: None}))
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        from engage.search.postgres_backend import TABLES

        for table in TABLES:
            db.session.execute(table.delete())
    db.session.commit()


@contextmanager
def running(app):
    """Inside ``app``'s context for one test; afterwards every table is emptied."""
    ctx = app.app_context()
    ctx.push()
    try:
        yield app
    finally:
        from engage.core import queue

        queue.stop(app)   # the in-process job runner (imports, mail...), before the tables go
        db.session.remove()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()
        ctx.pop()


@pytest.fixture
def app(_schema, tmp_path):
    with running(make_app(_schema, tmp_path)) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def _no_runner_outlives_its_test():
    """Every in-process job runner stops when its test ends (engage/core/queue.stop_all): one
    left going by an app a test made for itself would run the next test's jobs in its app."""
    yield
    from engage.core import queue as the_queue

    the_queue.stop_all()


@pytest.fixture(autouse=True)
def _clock_runs():
    """A test that set the clock (engage/core/clock.py) never leaves it set for the next."""
    yield
    from engage.core import clock as the_clock

    the_clock.reset()


@pytest.fixture
def clock():
    """The site's one clock: ``clock.set(datetime(2027, 7, 1, 8, tzinfo=UTC))`` freezes it (a
    naive time is UTC), ``clock.advance(timedelta(...))`` moves it on; reset after the test."""
    from engage.core import clock as the_clock

    yield the_clock
    the_clock.reset()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "correct-horse-battery"
_HASHES: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """Hash once per test process: scrypt is slow on purpose, and tests make many accounts."""
    if password not in _HASHES:
        from werkzeug.security import generate_password_hash

        _HASHES[password] = generate_password_hash(password)
    return _HASHES[password]


@pytest.fixture
def org(app):
    from engage.partnership.models import Organisation

    first = Organisation(name="Test Borough Council", kind="council", website="")
    other = Organisation(name="Other Trust", kind="health", website="")
    db.session.add_all([first, other])
    db.session.commit()
    return first


@pytest.fixture
def users(app, org):
    """One active account per role, all in ``org``: {role: User}."""
    from engage.accounts.models import User

    out = {}
    for role in ("officer", "coordinator", "practitioner", "vcs"):
        user = User(email=f"{role}@test.example", name=f"Test {role.title()}", role=role, organisation_id=org.id, active=True,
                    password_hash=password_hash())
        db.session.add(user)
        out[role] = user
    db.session.commit()
    return out


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


@pytest.fixture
def login(client, users):
    """login("officer") signs the test client in as that role; login(None) signs out.

    The session is set directly (as Flask-Login would after a sign-in); the sign-in form
    itself is tested in tests/foundation/test_accounts.py."""

    def _login(role):
        # Start from no cookies: the test client keeps cookies per domain, and a session
        # cookie from an earlier response would shadow the one set below.
        client._cookies.clear()
        with client.session_transaction() as session:
            session.clear()
            if role is not None:
                session["_user_id"] = users[role].get_id()
                session["_fresh"] = True
        return client

    return _login


def _tables() -> list:
    """Every table the suite empties: the models' (parents first) and the postgres search tables."""
    tables = list(db.metadata.sorted_tables)
    if db.engine.dialect.name == "postgresql":
        from engage.search.postgres_backend import TABLES

        tables.extend(TABLES)
    return tables


def _demo_key(app):
    """What the demo a snapshot holds depends on: the app's settings (not its folders) and the
    day (seeders date things from today); None while a test has set the clock."""
    from engage.core import clock as the_clock

    if the_clock.is_frozen():
        return None
    simple = (str, int, float, bool, type(None))
    settings = tuple(sorted((key, repr(value)) for key, value in app.config.items()
                            if key not in ("ENGAGE_INDEX_DIR", "ENGAGE_UPLOAD_DIR") and isinstance(value, simple)))
    return settings, the_clock.today()


def _untouched(app) -> bool:
    """Nothing written yet in this test: every table empty, no search index or upload made."""
    from sqlalchemy import select

    for table in _tables():
        if db.session.execute(select(text("1")).select_from(table).limit(1)).first() is not None:
            return False
    for key in ("ENGAGE_INDEX_DIR", "ENGAGE_UPLOAD_DIR"):
        folder = Path(app.config[key])
        if folder.exists() and any(path.is_file() for path in folder.rglob("*")):
            return False
    return True


class _DemoSnapshot:
    """The demo as ``run_seeders`` left it in an empty database: every table's rows, the search
    index folder and the upload folder. Putting it back is a bulk insert and a folder copy,
    a small part of what running the seeders again costs."""

    def __init__(self, app, folder: Path):
        from sqlalchemy import select

        self.rows = {}
        for table in _tables():
            # Generated columns (the search title's tsvector) are the database's to fill in.
            stored = select(*[c for c in table.columns if c.computed is None])
            ordered = stored.order_by(*table.primary_key.columns) if table.primary_key.columns else stored
            self.rows[table.name] = [dict(row) for row in db.session.execute(ordered).mappings()]
        self.folders = {}
        for key in ("ENGAGE_INDEX_DIR", "ENGAGE_UPLOAD_DIR"):
            source = Path(app.config[key])
            if source.exists():
                shutil.copytree(source, folder / key)
                self.folders[key] = folder / key

    def restore(self, app) -> None:
        from sqlalchemy import bindparam

        for table in _tables():
            rows = self.rows[table.name]
            if not rows:
                continue
            # Links of a table to itself (areas inside areas) are set once every row is in.
            own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
            db.session.execute(table.insert(), [{**row, **{name: None for name in own}} for row in rows] if own else rows)
            if own:
                (key,) = table.primary_key.columns
                later = [{"_key": row[key.name], **{f"_{name}": row[name] for name in own}}
                         for row in rows if any(row[name] is not None for name in own)]
                if later:
                    db.session.execute(table.update().where(key == bindparam("_key"))
                                       .values({name: bindparam(f"_{name}") for name in own}), later)
        db.session.commit()
        for key, source in self.folders.items():
            shutil.copytree(source, app.config[key], dirs_exist_ok=True)


_SNAPSHOTS: dict = {}


def built_once(app, name: str, build, folder_factory) -> bool:
    """Run ``build()`` (which writes data and commits) the first time a worker needs ``name``
    in an empty database, and keep what it made; later tests of the worker in an empty
    database get a copy of it instead (rows, search index, uploads), when the settings and
    day are the same. Only for data that tests read and change freely: each test gets its
    own copy. Returns True when ``build`` ran."""
    key = _demo_key(app)
    fresh = key is not None and _untouched(app)
    snapshot = _SNAPSHOTS.get(name)
    if fresh and snapshot is not None and snapshot[0] == key:
        snapshot[1].restore(app)
        return False
    build()
    if fresh:
        _SNAPSHOTS[name] = (key, _DemoSnapshot(app, folder_factory.mktemp(name)))
    return True


@pytest.fixture
def seeded(app, tmp_path_factory):
    """The Halton demo data, as ``seed-demo`` loads it.

    The first test of a worker that asks for it runs the seeders; later ones get a copy of what
    they made (``built_once``). tests/foundation/test_demo.py and each capability's demo tests
    run the seeders again over it, to check that they change nothing."""
    from engage.demo import run_seeders

    built_once(app, "demo", run_seeders, tmp_path_factory)
    return app
