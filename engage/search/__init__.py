"""Search: the one place that knows about Whoosh.

Capabilities register an ``IndexSpec`` (schema + document builder). Changes to indexed rows
are noted as the session flushes, and written to the index only after the transaction
commits; a rollback drops them, so a rolled-back change never reaches the index. The
database is the truth: ``flask --app wsgi engage reindex`` rebuilds every index from it.

Everything outside this package calls ``backend()`` for a small interface (``search``,
``health``, ``doc_count``) so that a PostgreSQL full-text backend can replace Whoosh for
installs with several web nodes.
"""
from __future__ import annotations

import logging

import click
from flask import Blueprint, Flask, current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..cli import engage_cli, index_progress
from ..extensions import db
from .spec import IndexSpec, Results, key  # noqa: F401  (re-exported)
from .whoosh_backend import IndexUnavailable, RebuildRunning, WhooshBackend  # noqa: F401

log = logging.getLogger(__name__)
_PENDING = "engage_search_pending"
_SPECS: list[IndexSpec] = []
bp = Blueprint("search", __name__)


def register(spec: IndexSpec) -> None:
    """Called by capabilities at import time; specs are attached to each app's backend."""
    if not any(s.name == spec.name for s in _SPECS):
        _SPECS.append(spec)


def backend():  # WhooshBackend or postgres_backend.PostgresBackend
    return current_app.extensions["engage_search"]


def state(name: str):
    """What a page of ``name``'s results read from outside the database: the Whoosh index's
    generation and last commit (written just after the commit that changed the data), None for
    a backend that keeps its documents in the database (whose numbers are read with it)."""
    stand = getattr(backend(), "state", None)
    return stand(name) if stand is not None else None


def _roots_of(obj):
    """The (spec, root) pairs a changed object belongs to."""
    for spec in _SPECS:
        if isinstance(obj, spec.root):
            yield spec, obj
        for model, to_roots in spec.watch.items():
            if isinstance(obj, model):
                try:
                    for root in to_roots(obj) or []:
                        if root is not None:
                            yield spec, root
                except Exception:  # a half-built object: its root is noted when it flushes again
                    log.debug("could not find search roots of %r", obj)


def _note_changes(session: Session, flush_context) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        for spec, root in _roots_of(obj):
            if getattr(root, "id", None) is not None:
                pending.add((spec.name, type(root).__name__, root.id))


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    app = current_app._get_current_object()
    try:
        write_pending(app, pending)
    except Exception:  # the save has succeeded; the index catches up later
        log.exception("Search index update failed; it will catch up later")


def _before_commit(session: Session) -> None:
    """A backend that keeps documents in the database writes them in the record's own
    transaction (the postgres backend); the Whoosh backend waits for the commit."""
    if not has_app_context():
        return
    search = current_app.extensions.get("engage_search")
    if not getattr(search, "in_transaction", False):
        return
    session.flush()
    pending = session.info.pop(_PENDING, None) or set()
    search.write_in_transaction(session, pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _build(spec: IndexSpec, session: Session, model_name: str, object_id: int):
    model = spec.root
    obj = session.get(model, object_id)
    if obj is None:
        return []
    return spec.documents(obj)


def _documents(session: Session, work) -> dict[str, dict[str, list[dict]]]:
    """{index name: {owner key: documents}} built from committed data."""
    specs = {s.name: s for s in _SPECS}
    by_index: dict[str, dict[str, list[dict]]] = {}
    for index_name, model_name, object_id in work:
        spec = specs.get(index_name)
        if spec is None:
            continue
        owner = f"{model_name}:{object_id}"
        by_index.setdefault(index_name, {})[owner] = _build(spec, session, model_name, object_id)
    return by_index


def write_pending(app: Flask, pending: set[tuple[str, str, int]]) -> None:
    """Build documents from committed data (in a fresh session) and write them to the live
    index; on failure keep the work in ``search_pending`` for later.

    While a rebuild is writing a new index, the work is also noted for it first (rows with its
    generation), so that the change reaches the new index too, whenever it was read. Every
    transaction here is short: nothing is held open while an index is written."""
    from .models import SearchPending

    search = app.extensions["engage_search"]
    with Session(db.engine) as session:
        # Whoosh rebuilds into a new folder; a backend without ``building`` has no such step.
        rebuilding = getattr(search, "building", lambda name: None)
        building = {name: rebuilding(name) for name in {p[0] for p in pending}}
        if any(building.values()):
            for index_name, model_name, object_id in pending:
                if building.get(index_name):
                    session.add(SearchPending(index_name=index_name, model=model_name, object_id=object_id,
                                              generation=building[index_name]))
            session.commit()
        live_rebuilds = {name: gen for name, gen in ((n, rebuilding(n)) for n in {s.name for s in _SPECS}) if gen}
        queued = [q for q in session.scalars(select(SearchPending))
                  if q.generation is None or live_rebuilds.get(q.index_name) != q.generation]
        session.rollback()  # end the read: no transaction stays open while the index is written
        work = set(pending) | {(q.index_name, q.model, q.object_id) for q in queued}
        by_index = _documents(session, work)
        session.rollback()
        try:
            for index_name, owners in by_index.items():
                search.apply(index_name, owners)
        except IndexUnavailable as error:
            log.warning("Search index not updated (%s); the change is queued", error)
            known = {(q.index_name, q.model, q.object_id) for q in queued}
            for index_name, model_name, object_id in pending:
                if (index_name, model_name, object_id) not in known:
                    session.add(SearchPending(index_name=index_name, model=model_name, object_id=object_id))
            session.commit()
            return
        if queued:
            # Only the rows read above were applied: rows added since stay for later.
            session.execute(db.delete(SearchPending).where(SearchPending.id.in_([q.id for q in queued])))
            session.commit()


def pending_count() -> int:
    from .models import SearchPending

    return db.session.scalar(select(db.func.count()).select_from(SearchPending)) or 0


def _pending_by_index() -> dict[tuple[str], int]:
    """Work owed to the live index, by index (rows kept for a rebuild's new index excluded)."""
    from .models import SearchPending

    out = {(spec.name,): 0 for spec in _SPECS}
    rows = db.session.execute(select(SearchPending.index_name, db.func.count()).where(SearchPending.generation.is_(None))
                              .group_by(SearchPending.index_name))
    for name, count in rows:
        out[(name,)] = count
    return out


def _oldest_pending_seconds() -> float:
    from ..core.models import utcnow
    from .models import SearchPending

    oldest = db.session.scalar(select(db.func.min(SearchPending.created_at)).where(SearchPending.generation.is_(None)))
    return max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0


def catch_up() -> int:
    """Apply queued index work now (used by the CLI and after a failed write)."""
    count = pending_count()
    if count:
        write_pending(current_app._get_current_object(), set())
    return count - pending_count()


def _rebuild_catch_up(index_name: str):
    """The rebuild's ``catch_up``: apply the changes saved for its generation while it ran
    to the new index, then remove exactly those rows. Returns how many it applied."""
    from .models import SearchPending

    def run(generation: str, apply) -> int:
        with Session(db.engine) as session:
            rows = session.scalars(select(SearchPending).where(
                SearchPending.index_name == index_name, SearchPending.generation == generation)).all()
            session.rollback()
            if not rows:
                return 0
            owners = _documents(session, {(r.index_name, r.model, r.object_id) for r in rows}).get(index_name, {})
            session.rollback()
            apply(owners)
            session.execute(db.delete(SearchPending).where(SearchPending.id.in_([r.id for r in rows])))
            session.commit()
            return len(rows)

    return run


def reindex(names=None, echo=None) -> dict[str, int]:
    """Rebuild indexes from the database into new folders and swap them in, one index at a
    time. ``echo`` (a callable) reports progress. Searches use the old index until the swap;
    changes saved meanwhile reach the new one; queued work the rebuild covered (saved before
    it started reading) leaves the queue, and nothing else does. No database transaction is
    held open while documents are written."""
    from .models import SearchPending

    out = {}
    search = backend()
    for spec in _SPECS:
        if names and spec.name not in names:
            continue
        db.session.rollback()  # start clean: no transaction of ours is open during the rebuild
        total = spec.count_roots()
        done = 0
        covered: list[int] = []

        def tick(n, _spec=spec, _total=total):
            nonlocal done
            done += n
            if echo:
                echo(_spec.name, done, _total)

        def docs(_spec=spec):
            # Queued work saved before the rebuild reads anything is covered by it.
            covered.extend(db.session.scalars(select(SearchPending.id).where(
                SearchPending.index_name == _spec.name, SearchPending.generation.is_(None))))
            db.session.rollback()
            for root in _spec.all_roots():
                yield _spec.documents(root)

        if hasattr(search, "building"):  # Whoosh: a new folder, then the changes saved meanwhile
            out[spec.name] = search.rebuild(spec.name, docs(), progress=tick, catch_up=_rebuild_catch_up(spec.name))
        else:
            out[spec.name] = search.rebuild(spec.name, docs(), progress=tick)
        db.session.rollback()
        if covered:
            db.session.execute(db.delete(SearchPending).where(SearchPending.id.in_(covered)))
            db.session.commit()
    return out


@engage_cli.command("reindex")
@click.option("--index", "names", multiple=True, help="Only this index (toolkit, consultations). Repeatable.")
def reindex_command(names):
    """Rebuild the search index from the database, with a progress bar."""
    progress = index_progress()
    try:
        counts = reindex(names or None, echo=progress)
    except RebuildRunning as error:
        raise click.ClickException(f"{error}. Wait for it to finish, or see /admin/search.") from error
    for bar in progress.bars.values():
        bar.finish = True
    for name, count in counts.items():
        click.echo(f"{name}: {count} documents indexed")


def _make_backend(app: Flask):
    """``ENGAGE_SEARCH_BACKEND``: ``whoosh`` (the default, an index folder) or ``postgres``."""
    name = (app.config.get("ENGAGE_SEARCH_BACKEND") or "whoosh").strip().lower()
    if name == "postgres":
        from .postgres_backend import PostgresBackend, check_database

        check_database(app.config["SQLALCHEMY_DATABASE_URI"])
        return PostgresBackend()
    if name != "whoosh":
        raise RuntimeError(f"ENGAGE_SEARCH_BACKEND must be whoosh or postgres, not {name!r}.")
    return WhooshBackend(app.config["ENGAGE_INDEX_DIR"], lock_wait=float(app.config.get("ENGAGE_INDEX_LOCK_WAIT", 5.0)),
                         rebuild_mb=int(app.config.get("ENGAGE_INDEX_REBUILD_MB", 256)))


def init_app(app: Flask) -> None:
    from . import models, views  # noqa: F401  (tables, the officers' page)

    app.register_blueprint(bp)
    search = _make_backend(app)
    for spec in _SPECS:
        search.register(spec)
    app.extensions["engage_search"] = search
    from ..core import metrics

    metrics.register_gauge("engage_search_pending", "Search index work queued but not yet written to the live "
                           "index (index lag), by index.", ("index",), _pending_by_index)
    metrics.register_gauge("engage_search_pending_oldest_seconds", "How long the oldest search index work "
                           "not yet written has waited (0: none).", (), _oldest_pending_seconds)
    if not getattr(init_app, "_hooked", False):
        event.listen(db.session, "after_flush", _note_changes)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "before_commit", _before_commit)
        event.listen(db.session, "after_rollback", _after_rollback)
        init_app._hooked = True


def attach_specs(app: Flask) -> None:
    """Register specs added after ``init_app`` (capabilities initialise after search)."""
    search = app.extensions["engage_search"]
    for spec in _SPECS:
        search.register(spec)
