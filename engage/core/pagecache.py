"""Public pages drawn at most once a second, and never shown once the data under them changed.

When a press release sends thousands of residents to ``/consultations`` within an hour, each
of them is shown the same page: drawing it again for each (six statements, four milliseconds
of Python) is most of what the server does. A view marked ``@kept_page`` is drawn once and
the drawing is shown again, by this process, to the next visitors who would be shown exactly
the same thing, for as long as that stays true. What decides it:

**Who.** Only a visitor who sends no session cookie and no "remember me" cookie: nobody signed
in, no draft, no message waiting, nothing of anyone's own. A page whose drawing starts a
session (a form's token), sets a cookie, writes to the database, is not a 200 HTML page, or
asks not to be kept (``not_this_time()``) is not kept. The key holds the whole address (host,
path, query), the reader's language and every cookie sent. A page with a form
(``@kept_page(form_token=True)``: a survey's start page) is drawn with a hole where the form's
token goes, and each visitor is shown it with a token (and the session it lives in) of their own.
A page that shows something of the visitor's own (``@kept_page(own=...)``: a survey's question
page shows the resident's draft) is kept for a visitor with a session too, while nobody is
signed in and no message waits, keyed also by everything of theirs it shows (``own``'s value),
and never kept when its drawing changed their session.

**What it read.** While a marked page is drawn, every SQL statement it runs is looked at, and
the tables it names are noted (a list of the app's table names matched in the SQL, so a table
read through any query, relationship or raw SQL counts). Every transaction that writes to a
table moves that table's number on in ``data_version``, in the same transaction, just before
its commit (an engine listener on every connection: the ORM, Core and raw SQL alike; a
schema change moves the ``*`` row, which every page depends on). Showing a kept page costs
one statement: the sum of its tables' numbers (numbers only ever go up, so the sum changes
when any of them does) and the database's generation (engage/core/generation.py: a restore
changes it). Anything different and the page is drawn again. The numbers are read before the
page is drawn, in the same transaction, so a page is never kept under numbers newer than
what it shows.

**When.** Pages say what is open, closed, due or published by the clock, so a drawing is only
shown within the second it was drawn in: never older than a page that took a second to draw.

**What else it read.** Something read from outside the database (the Whoosh index, written
just after the commit that changed the data) is named by the view:
``@kept_page(also=function)``, whose value is part of the key.

Each process keeps at most ``ENGAGE_PAGE_CACHE_ENTRIES`` pages (default 256, each at most
512 KB); ``ENGAGE_PAGE_CACHE=0`` turns this off. A write made outside Engage's own connections
(``psql``) moves no number: run ``flask --app wsgi engage pages-changed`` after one.
"""
from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from ..extensions import db
from . import clock, generation
from .i18n import current_language
from .statements import built

TABLE = "data_version"
EVERYTHING = "*"
MAX_BODY = 512 * 1024
_WRITTEN = "engage_written_tables"   # in a DBAPI connection's info: tables this transaction wrote

_DML = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+(?:ONLY\s+)?"
    r"(?:\"?\w+\"?\.)?\"?(\w+)\"?", re.IGNORECASE)
_OTHER_WRITE = re.compile(r"\s*(?:CREATE|ALTER|DROP|TRUNCATE|MERGE|COPY|VACUUM|REINDEX)\b", re.IGNORECASE)
_WITH_WRITE = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def written_table(statement: str) -> str | None:
    """The table a statement writes to, ``*`` for one that changes what cannot be named (the
    schema, a write inside a WITH), None for a statement that writes nothing."""
    start = statement[:8].lstrip().upper()
    if start.startswith(("SELECT", "PRAGMA", "SAVEPOIN", "RELEASE", "BEGIN", "ROLLBACK", "COMMIT", "SHOW", "SET ")):
        return None
    found = _DML.match(statement)
    if found:
        return found.group(1).lower()
    if _OTHER_WRITE.match(statement):
        return EVERYTHING
    if start.startswith("WITH") and _WITH_WRITE.search(statement):
        return EVERYTHING
    return None


_names: frozenset | None = None
_WORD = re.compile(r"\w+")


def _learn_table_names() -> None:
    """The database's tables: the app's models' and every other table in the database (the
    PostgreSQL search backend's own), learnt once per process before the first page is watched
    (never inside a statement's listener: learning them runs statements too)."""
    global _names
    if _names is None:
        from sqlalchemy import inspect

        _names = frozenset(set(db.metadata.tables) | set(inspect(db.engine).get_table_names())) - {TABLE}


def tables_named(statement: str) -> set[str]:
    """The tables a statement names: its words that are table names (a column of the same name
    counts too, which only makes a page depend on one table more)."""
    return _names.intersection(_WORD.findall(statement)) if _names is not None else {EVERYTHING}


# ---- moving the numbers on: every connection, every commit ----------------------------------

_NAME = re.compile(r"^[\w*]+$")


def _move_on(connection, names: set[str]) -> None:
    """Add one to each named table's number, on this connection, in its transaction (in name
    order: two transactions take the rows' locks in the same order, so never wait on each
    other). Nothing happens while the database has no ``data_version`` (before its migration,
    or during a restore of an older archive): on PostgreSQL the statement checks first (a
    failed statement would spoil the transaction being committed), on SQLite it fails alone."""
    ordered = [n for n in sorted(names) if _NAME.match(n)]
    if not ordered:
        return
    upsert = (f"INSERT INTO {TABLE} (table_name, version) VALUES {{}} "
              f"ON CONFLICT (table_name) DO UPDATE SET version = {TABLE}.version + 1")
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            # The names are table names (letters, digits, _ and *), written in as literals.
            values = ", ".join(f"('{n}', 1)" for n in ordered)
            cursor.execute(f"DO $$ BEGIN IF to_regclass('{TABLE}') IS NOT NULL THEN {upsert.format(values)}; "
                           "END IF; END $$")
        else:
            try:
                cursor.execute(upsert.format(", ".join(["(?, 1)"] * len(ordered))), ordered)
            except Exception as error:
                if "no such table" not in str(error):
                    raise
    finally:
        cursor.close()


@event.listens_for(Engine, "before_cursor_execute")
def _note_statement(conn, cursor, statement, parameters, context, executemany):
    wrote = written_table(statement)
    reads = _reads.get()
    if wrote is not None:
        if reads is not None:
            reads.wrote = True
        if wrote != TABLE:
            conn.info.setdefault(_WRITTEN, set()).add(wrote)
    elif reads is not None:
        reads.tables |= tables_named(statement)


@event.listens_for(Engine, "after_cursor_execute")
def _autocommitted(conn, cursor, statement, parameters, context, executemany):
    # A connection in autocommit mode has committed already: its numbers move at once.
    if conn.info.get(_WRITTEN) and conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        _move_on(conn, conn.info.pop(_WRITTEN))


@event.listens_for(Engine, "commit")
def _before_commit(conn):
    names = conn.info.pop(_WRITTEN, None)
    if names:
        _move_on(conn, names)


@event.listens_for(Engine, "rollback")
def _after_rollback(conn):
    conn.info.pop(_WRITTEN, None)


@event.listens_for(Pool, "reset")
def _on_reset(dbapi_connection, record, reset_state):
    if record is not None:
        record.info.pop(_WRITTEN, None)


def everything_changed() -> None:
    """Move the ``*`` number on: every kept page is drawn again (after a write made outside
    Engage's connections)."""
    db.session.execute(text(f"UPDATE {TABLE} SET version = version + 1 WHERE table_name = :name"), {"name": EVERYTHING})


# ---- what a page read -----------------------------------------------------------------------

@dataclass
class _Reads:
    numbers: dict
    generation: str | None
    tables: set = field(default_factory=set)
    wrote: bool = False
    skip: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("engage_page_reads", default=None)


def not_this_time() -> None:
    """The page being drawn is not to be kept (a search that fell back to a simpler one)."""
    reads = _reads.get()
    if reads is not None:
        reads.skip = True


@dataclass
class _Kept:
    tables: tuple
    total: int
    generation: str | None
    second: int
    status: int
    headers: list
    body: bytes


class _Store:
    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
            return found

    def put(self, key, page: _Kept) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


_EXTENSION = "engage_page_cache"


def _store() -> _Store | None:
    return current_app.extensions.get(_EXTENSION)


def _version_table():
    return db.metadata.tables[TABLE]


def _numbers() -> tuple[dict, str | None]:
    """Every table's number and the database's generation: one statement."""
    rows = db.session.execute(built("pagecache: every number", lambda: select(
        _version_table().c.table_name, _version_table().c.version, generation.expression()))).all()
    return {name: number for name, number, _ in rows}, (rows[0][2] if rows else None)


def _total(numbers: dict, tables) -> int:
    # Numbers only ever go up, so their sum changes whenever one of them does.
    return sum(numbers.get(t, 0) for t in tables) + numbers.get(EVERYTHING, 0)


def _second() -> int:
    return int(clock.now().timestamp())


def _visitor_has_nothing_of_their_own() -> bool:
    cookies = request.cookies
    return (current_app.config["SESSION_COOKIE_NAME"] not in cookies
            and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies)


def _visitor_signed_out_with_no_message() -> bool:
    """For a page kept by what is the visitor's own (``kept_page(own=...)``): a session, but
    nobody signed in (no user in it, no "remember me" cookie) and no message waiting."""
    return (current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies
            and "_user_id" not in session and not session.get("_flashes"))


# What a page's form token is drawn as in a kept page with ``form_token=True``: each visitor's
# own token takes its place when the page is shown (letters, digits and -: HTML leaves it as it is).
_TOKEN_HOLE = f"engage-form-token-{secrets.token_hex(16)}"


def _own_token(body: bytes) -> bytes:
    """``body`` with this visitor's own form token (a new session, so a cookie of its own) in
    place of the hole."""
    from flask_wtf.csrf import generate_csrf

    g.pop("csrf_token", None)
    return body.replace(_TOKEN_HOLE.encode(), generate_csrf().encode())


def kept_page(view: Callable | None = None, *, also: Callable[[], object] | None = None, form_token: bool = False,
              own: Callable[..., object] | None = None, own_tables: frozenset = frozenset(),
              own_cookies: tuple = ()):
    """Mark a public view whose page may be kept (see the module's docstring). ``also``: a
    function whose value, read before the page is drawn, is part of the key (what the page
    reads from outside the database). ``form_token``: the page has a form whose token is each
    visitor's own: it is kept with a hole where the token goes, filled for each visitor.

    ``own``: the page shows something of the visitor's own (a survey's question page: the
    resident's draft), so it may be kept for a visitor with a session too, as long as nobody is
    signed in and no message waits. ``own(*args, **kwargs)`` runs first and returns everything
    of the visitor's own that the page shows (the key's last part), or None: draw this one for
    them alone. The tables it reads that hold only what that value covers (``own_tables``: the
    draft's table) are not counted as read by it; everything else it or the drawing reads is.
    The key leaves out the session cookie and ``own_cookies`` (what ``own`` reads them for)."""

    def mark(function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            reads = _reads.get()
            store = _store()
            if reads is None or reads.wrote or reads.generation is None or store is None:
                return function(*args, **kwargs)
            if own is None:
                cookies = request.headers.get("Cookie", "")
                mine = None
            else:
                left_out = {current_app.config["SESSION_COOKIE_NAME"], *own_cookies}
                cookies = tuple(sorted((k, v) for k, v in request.cookies.items() if k not in left_out))
                before = set(reads.tables)
                mine = own(*args, **kwargs)
                reads.tables -= (own_tables - before)
                if mine is None:
                    reads.skip = True
                    return function(*args, **kwargs)
            key = (request.url, current_language(), cookies, also() if also is not None else None, mine)
            second = _second()
            found = store.get(key)
            if (found is not None and found.second == second and found.generation == reads.generation
                    and found.total == _total(reads.numbers, found.tables)):
                return current_app.response_class(_own_token(found.body) if form_token else found.body,
                                                  status=found.status, headers=found.headers)
            if own is not None:
                # Loading the user may mark the session (Flask-Login's "fresh"): done first, so
                # that what is compared is what the drawing itself put into the session.
                signed_in = current_user.is_authenticated
                session_before = dict(session)
            if form_token:
                g.csrf_token = _TOKEN_HOLE   # what Flask-WTF hands the page instead of making a session
            try:
                response = make_response(function(*args, **kwargs))
            finally:
                if form_token:
                    g.pop("csrf_token", None)
            tables = tuple(sorted(reads.tables - {TABLE}))
            if (not reads.wrote and not reads.skip and response.status_code == 200
                    and response.mimetype == "text/html" and not response.is_streamed
                    and "Set-Cookie" not in response.headers
                    and (not session.modified and not session if own is None
                         else not signed_in and dict(session) == session_before)
                    and not current_user.is_authenticated and _second() == second):
                body = response.get_data()
                if len(body) <= MAX_BODY:
                    store.put(key, _Kept(tables, _total(reads.numbers, tables), reads.generation, second,
                                         response.status_code,
                                         [(k, v) for k, v in response.headers.items() if k != "Content-Length"], body))
            if form_token and not response.is_streamed:
                response.set_data(_own_token(response.get_data()))
            return response

        wrapper.engage_kept_page = "own" if own is not None else True
        return wrapper

    return mark(view) if view is not None else mark


@contextmanager
def not_kept(app: Flask):
    """Nothing kept or read for keeping while inside (tests that count a view's own statements)."""
    store = app.extensions.pop(_EXTENSION, None)
    try:
        yield
    finally:
        if store is not None:
            app.extensions[_EXTENSION] = store


def init_app(app: Flask) -> None:
    if str(app.config["ENGAGE_PAGE_CACHE"]).lower() not in ("0", "false", "no", "off"):
        app.extensions[_EXTENSION] = _Store(int(app.config["ENGAGE_PAGE_CACHE_ENTRIES"]))

    def _watch_reads():
        if request.method not in ("GET", "HEAD") or _EXTENSION not in app.extensions:
            return
        view = app.view_functions.get(request.endpoint)
        kind = getattr(view, "engage_kept_page", False)
        if not kind or not (_visitor_has_nothing_of_their_own() if kind is True
                            else _visitor_signed_out_with_no_message()):
            return
        # Nothing read before this request (a test's own objects in the same session) may
        # stand in for a statement.
        if db.session.identity_map or db.session.new or db.session.dirty or db.session.deleted:
            return
        _learn_table_names()
        # The numbers first, before anything the page shows is read (see the docstring).
        numbers, now_generation = _numbers()
        g.engage_page_reads = _reads.set(_Reads(numbers, now_generation))

    # First of all before-request steps, so that everything read for the page comes after.
    app.before_request_funcs.setdefault(None, []).insert(0, _watch_reads)

    @app.teardown_request
    def _stop_watching(error=None):
        token = g.pop("engage_page_reads", None)
        if token is not None:
            _reads.reset(token)
