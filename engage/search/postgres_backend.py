"""The PostgreSQL full-text backend: for installs with several web servers, which cannot share
a Whoosh folder. Chosen with ``ENGAGE_SEARCH_BACKEND=postgres``; needs no index folder.

Documents live in the database, in ``search_document``, written in the same transaction as the
record they come from (a ``before_commit`` hook), so a save and its search entry commit or roll
back together and every web server sees the change at once. Each document keeps:

- ``tsv``: a weighted ``tsvector`` of the spec's text fields (the most boosted field weight A,
  then B, then C), with a GIN index; queries go through ``websearch_to_tsquery`` (what people
  type: words, "quoted phrases", ``or``, ``-word``) and are ranked with ``ts_rank_cd`` plus the
  share of the words found in the most boosted field (``ts_rank`` with weight A only), so a
  title match ranks above a passing mention; when nothing has every word, any of the words and
  phrases will do (a phrase stays a phrase);
- ``tsv_title``: the title's part of ``tsv`` (weight A), a stored generated column with its own
  GIN index. A ranked search reads at most ``CAP`` + 1 matches (the scan stops there) and at
  most ``CAP`` with the words in their title, and ranks those: with no more matches than
  ``CAP`` everything is exact; past it ``Results.capped`` is set, the total is ``CAP`` (pages
  say "More than 1,000 results") and the facet counts are those of the matches read. Ranking,
  counting and grouping every match of a common word was most of a search's time;
- ``terms``: ``field:value`` for every ID and keyword field (visibility, kind, facets), with a
  GIN index: filters are array overlaps in SQL, facet counts a ``GROUP BY`` over the matched set;
- ``fields``: the stored fields a hit shows; ``sorts``: the sortable fields;
- ``words``: the words of the spec's spelling field (public records only lend theirs).

"Did you mean" looks up near words with ``pg_trgm`` in ``search_word`` (every word a document
has lent) and offers one only if a live document still has it, so a word of a record deleted or
made private is never offered. ``search_owner`` holds one row per record (owner key) with the
transaction that last wrote its documents: writers of the same record queue on that row, and a
rebuild leaves alone any record written since it started (it may have read it before the save).

The tables are made by migrations 0008, 0014 and 0036, on PostgreSQL only, so ``METADATA`` is kept apart from
the models' metadata.
"""
from __future__ import annotations

import html
import logging
import re
import time
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Session

from ..extensions import NAMING_CONVENTION
from .spec import Hit, IndexSpec, Results, shortened_message
from .whoosh_backend import IndexUnavailable  # one exception for "the index cannot be written"

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500
MAX_FIELD_CHARS = 200_000  # a tsvector holds at most 1 MB; longer text adds nothing to ranking
CONFIG = "english"
BATCH = 200  # records per transaction in a rebuild
CAP = 1000  # a ranked search reads at most this many matches (and as many title matches): ``search``
BROAD = 0.3  # a filter most documents pass (this share or more) is checked on the rows read: ``search``
SHARES_SECONDS = 300  # how long the terms' shares (pg_stats) are kept before reading them again
_WORD = re.compile(r"\w+", re.UNICODE)
# Highlight marks ts_headline puts in, swapped for <mark> after the text is escaped. Characters
# of Unicode's private use area, removed from every document, so they can only be ours.
_START, _STOP = "\ue000", "\ue001"
_CLEAN = re.compile("[\x00\ue000\ue001]")

METADATA = sa.MetaData(naming_convention=NAMING_CONVENTION)
_GIN = {"gin_pending_list_limit": 256}  # kB
search_document = sa.Table(
    "search_document", METADATA,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("index_name", sa.String(40), nullable=False),
    sa.Column("owner", sa.String(80), nullable=False),
    sa.Column("fields", pg.JSONB, nullable=False),
    sa.Column("sorts", pg.JSONB, nullable=False),
    sa.Column("terms", pg.ARRAY(sa.Text), nullable=False),
    sa.Column("words", pg.ARRAY(sa.Text), nullable=False),
    sa.Column("tsv", pg.TSVECTOR, nullable=False),
    # The title's words (weight A) alone, kept by PostgreSQL (migration 0036): finds the
    # candidates with the words in their title when a search has more matches than it ranks.
    sa.Column("tsv_title", pg.TSVECTOR, sa.Computed("ts_filter(tsv, '{a}')", persisted=True)),
    sa.Index("ix_search_document_owner", "index_name", "owner"),
    # Short GIN pending lists: every search reads them whole (migration 0014).
    sa.Index("ix_search_document_tsv", "tsv", postgresql_using="gin", postgresql_with=_GIN),
    sa.Index("ix_search_document_tsv_title", "tsv_title", postgresql_using="gin", postgresql_with=_GIN),
    sa.Index("ix_search_document_terms", "terms", postgresql_using="gin", postgresql_with=_GIN),
    sa.Index("ix_search_document_words", "words", postgresql_using="gin", postgresql_with=_GIN),
    # Sorted searches read their page in these orders (migration 0038_ops_search_sort_index):
    # consultations newest first, the toolkit by title; ties by id, as ``_order`` puts them.
    sa.Index("ix_search_document_sortdate", "index_name", sa.text("(sorts -> 'sortdate') DESC"), "id"),
    sa.Index("ix_search_document_sort_title", "index_name", sa.text("(sorts -> 'sort_title')"), "id"),
)
search_owner = sa.Table(
    "search_owner", METADATA,
    sa.Column("index_name", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(80), primary_key=True),
    sa.Column("writer", sa.BigInteger, nullable=False),  # pg_current_xact_id() of the last writer
)
search_word = sa.Table(
    "search_word", METADATA,
    sa.Column("index_name", sa.String(40), primary_key=True),
    sa.Column("word", sa.String(60), primary_key=True),
    sa.Index("ix_search_word_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
)
search_job = sa.Table(
    "search_job", METADATA,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("state", pg.JSONB, nullable=False),
    sa.Column("claimed", sa.Boolean, nullable=False),
)
TABLES = (search_document, search_owner, search_word, search_job)


def _clean(value):
    if isinstance(value, str):
        return _CLEAN.sub("", value)
    return value


class _Layout:
    """How one spec's Whoosh schema maps onto the table's columns."""

    def __init__(self, spec: IndexSpec):
        from whoosh.fields import ID, KEYWORD, TEXT

        schema = spec.schema
        self.spec = spec
        self.stored = set(schema.stored_names())
        ranked = sorted(spec.text_fields.items(), key=lambda kv: -kv[1])[:4]
        self.text = [name for name, _boost in ranked]
        self.boosts = dict(ranked)
        self.terms = {}
        self.sorts = []
        for name, field in schema.items():
            sort_only = field.column_type is not None and name not in self.stored  # e.g. sort_title
            if (isinstance(field, (ID, KEYWORD)) and not isinstance(field, TEXT) and name != "owner"
                    and not getattr(field, "unique", False) and not sort_only):
                self.terms[name] = field
            if field.column_type is not None:
                self.sorts.append(name)
        self.spelling = schema[spec.spelling_field] if spec.spelling_field and spec.spelling_field in schema else None

    def weights(self, boosts: dict[str, float] | None = None) -> list[float]:
        """ts_rank_cd's weights {D, C, B, A}: each weight's field's boost over the largest."""
        boosts = {name: (boosts or self.boosts).get(name, self.boosts[name]) for name in self.text}
        top = max(boosts.values() or [1.0]) or 1.0
        out = [0.1, 0.1, 0.1, 0.1]
        for position, name in enumerate(self.text):  # A, B, C, D
            out[3 - position] = max(0.01, boosts[name] / top)
        return out

    def row(self, name: str, doc: dict) -> dict:
        terms = []
        for field_name, field in self.terms.items():
            value = doc.get(field_name)
            if value in (None, ""):
                continue
            for token in dict.fromkeys(t for t in field.process_text(str(value), mode="index")):
                if token:
                    terms.append(f"{field_name}:{_clean(token)}")
        words = []
        if self.spelling is not None and doc.get(self.spec.spelling_field):
            words = [w for w in dict.fromkeys(self.spelling.process_text(_clean(str(doc[self.spec.spelling_field])), mode="index"))
                     if 2 <= len(w) <= 60]
        row = {
            "index_name": name,
            "owner": str(doc["owner"]),
            "fields": {k: _clean(v) for k, v in doc.items() if k in self.stored},
            "sorts": {k: _clean(doc[k]) for k in self.sorts if k in doc},
            "terms": terms,
            "words": words,
        }
        for position in range(4):
            field = self.text[position] if position < len(self.text) else None
            row[f"t{position}"] = _clean(str(doc.get(field) or ""))[:MAX_FIELD_CHARS] if field else ""
        return row


def _tsvector():
    parts = [sa.func.setweight(sa.func.to_tsvector(sa.literal_column(f"'{CONFIG}'::regconfig"), sa.bindparam(f"t{i}")),
                               sa.literal_column(f"'{'ABCD'[i]}'::\"char\"")) for i in range(4)]
    out = parts[0]
    for part in parts[1:]:
        out = out.op("||")(part)
    return out


_INSERT = sa.insert(search_document).values(
    index_name=sa.bindparam("index_name"), owner=sa.bindparam("owner"), fields=sa.bindparam("fields", type_=pg.JSONB),
    sorts=sa.bindparam("sorts", type_=pg.JSONB), terms=sa.bindparam("terms", type_=pg.ARRAY(sa.Text)),
    words=sa.bindparam("words", type_=pg.ARRAY(sa.Text)), tsv=_tsvector())


_TITLE_ONLY = sa.cast([0.0, 0.0, 0.0, 1.0], pg.ARRAY(sa.REAL))  # ts_rank's {D, C, B, A}: weight A only
_NOT_WORDS = {"or"}  # websearch_to_tsquery's operator word
_PART = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')


def _parts(text: str) -> tuple[list[str], list[str]]:
    """What websearch_to_tsquery sees in ``text``: the words and "quoted phrases" wanted, and
    those ruled out with a minus sign (``or`` left out: it only joins)."""
    wanted, unwanted = [], []
    for minus, phrase, word in _PART.findall(text):
        part = f'"{phrase}"' if phrase else word
        if not _WORD.search(part) or (word and word.lower() in _NOT_WORDS):
            continue
        (unwanted if minus else wanted).append(part)
    return wanted[:40], unwanted[:40]


def _any_of(cfg, parts: list[str]):
    """A tsquery matching any of the parts: each a word or a "quoted phrase", kept whole."""
    either = sa.func.websearch_to_tsquery(cfg, parts[0])
    for part in parts[1:]:
        either = either.op("||")(sa.func.websearch_to_tsquery(cfg, part))
    return either


def _order(sort, reverse, key, rank, row_id) -> list:
    """Sorted: the key (reversed if asked), ties by id (as the sort indexes hold them)."""
    if sort:
        return [key.desc() if reverse else key.asc(), row_id]
    return [rank.desc(), row_id]


def _osa_distance(a: str, b: str) -> int:
    """Edits between two words (insert, delete, change, or swap two neighbours)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


class DatabaseJobs:
    """The state of the search rebuild (``engage.search.services``) in the database, so every
    web server shows the same progress and only one rebuild runs at a time across them."""

    NAME = "rebuild"

    def __init__(self, backend: "PostgresBackend"):
        self.backend = backend

    def read(self) -> dict:
        with self.backend.engine.connect() as conn:
            return dict(conn.scalar(sa.select(search_job.c.state).where(search_job.c.name == self.NAME)) or {})

    def write(self, data: dict) -> None:
        stmt = pg.insert(search_job).values(name=self.NAME, state=data, claimed=False)
        with self.backend.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"state": stmt.excluded.state}))

    def claim(self) -> bool:
        """True for exactly one of any number of callers, until ``release``."""
        stmt = pg.insert(search_job).values(name=self.NAME, state={}, claimed=True)
        stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={"claimed": True},
                                          where=search_job.c.claimed.is_(False)).returning(search_job.c.name)
        with self.backend.engine.begin() as conn:
            return conn.execute(stmt).first() is not None

    def release(self) -> None:
        with self.backend.engine.begin() as conn:
            conn.execute(sa.update(search_job).where(search_job.c.name == self.NAME).values(claimed=False))


class PostgresBackend:
    """The search interface (``search``, ``apply``, ``rebuild``, ``doc_count``, ``documents``,
    ``health``) on PostgreSQL. ``engine`` defaults to the app's database."""

    in_transaction = True  # documents are written by the record's own transaction

    def __init__(self, engine: sa.engine.Engine | None = None):
        self._engine = engine
        self.specs: dict[str, IndexSpec] = {}
        self._layouts: dict[str, _Layout] = {}
        self.jobs = DatabaseJobs(self)  # rebuild progress, shared by every web server
        self._shares: tuple[float, dict[str, float]] | None = None  # (when read, {term: share}): _term_shares

    @property
    def engine(self) -> sa.engine.Engine:
        if self._engine is not None:
            return self._engine
        from ..extensions import db

        return db.engine

    def register(self, spec: IndexSpec) -> None:
        self.specs[spec.name] = spec
        self._layouts[spec.name] = _Layout(spec)

    # ---- state -------------------------------------------------------------------------
    def health(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                for table in TABLES:
                    conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).all()
        except Exception as error:  # report, never raise
            return f"the search tables cannot be read ({type(error).__name__}); run flask --app wsgi db upgrade"
        return None

    def doc_count(self, name: str) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(search_document)
                               .where(search_document.c.index_name == name)) or 0

    def documents(self, name: str, **terms) -> list[dict]:
        """The stored fields of every document holding each ``field=value`` term."""
        wanted = [f"{k}:{v}" for k, v in terms.items()]
        query = sa.select(search_document.c.fields).where(search_document.c.index_name == name)
        if wanted:
            query = query.where(search_document.c.terms.contains(sa.cast(wanted, pg.ARRAY(sa.Text))))
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(query.order_by(search_document.c.id))]

    # ---- writing -----------------------------------------------------------------------
    def _write_owner(self, conn, name: str, owner: str, docs: list[dict], snapshot: str | None = None) -> bool:
        """Replace one record's documents. With ``snapshot`` (a rebuild's start), leave the
        record alone if a transaction the snapshot does not see has written it since."""
        upsert = pg.insert(search_owner).values(index_name=name, owner=owner,
                                                writer=sa.text("pg_current_xact_id()::text::bigint"))
        if snapshot is None:
            upsert = upsert.on_conflict_do_update(index_elements=["index_name", "owner"],
                                                  set_={"writer": upsert.excluded.writer})
        else:
            upsert = upsert.on_conflict_do_update(
                index_elements=["index_name", "owner"], set_={"writer": upsert.excluded.writer},
                where=sa.text("pg_visible_in_snapshot(search_owner.writer::text::xid8, CAST(:snap AS pg_snapshot))")
                .bindparams(snap=snapshot))
        if conn.execute(upsert.returning(search_owner.c.owner)).first() is None:
            return False  # written by a save since the rebuild began: that is newer
        conn.execute(sa.delete(search_document).where(search_document.c.index_name == name,
                                                      search_document.c.owner == owner))
        layout = self._layouts[name]
        rows = [layout.row(name, doc) for doc in docs or []]
        if rows:
            conn.execute(_INSERT, rows)
            words = sorted({w for row in rows for w in row["words"]})
            if words:
                # Sorted, so two writers meet the same words in the same order (no deadlock).
                conn.execute(sa.text(
                    "INSERT INTO search_word (index_name, word) SELECT :name, w"
                    " FROM unnest(CAST(:words AS text[])) AS w ORDER BY w ON CONFLICT DO NOTHING"
                ), {"name": name, "words": words})
        return True

    def apply(self, name: str, owners: dict[str, list[dict] | None], connection=None) -> None:
        """Replace the documents of each owner key (None or [] removes them)."""
        if not owners:
            return
        try:
            if connection is not None:
                for owner in sorted(owners):
                    self._write_owner(connection, name, owner, owners[owner] or [])
                return
            with self.engine.begin() as conn:
                for owner in sorted(owners):
                    self._write_owner(conn, name, owner, owners[owner] or [])
        except sa.exc.SQLAlchemyError as error:
            raise IndexUnavailable(f"the {name} search documents cannot be written: {type(error).__name__}") from error

    def rebuild(self, name: str, documents: Iterable[list[dict]], progress=None) -> int:
        """Write every record's documents again, a batch per transaction, then remove those of
        records that are gone. Searches keep finding the old documents until each record's new
        ones are in: there is never an empty or half index."""
        with self.engine.connect() as conn:
            snapshot = conn.scalar(sa.text("SELECT pg_current_snapshot()::text"))
            conn.rollback()
        count = 0
        batch: dict[str, list[dict]] = {}

        def flush():
            if not batch:
                return
            with self.engine.begin() as conn:
                for owner in sorted(batch):
                    self._write_owner(conn, name, owner, batch[owner], snapshot=snapshot)
            batch.clear()

        for docs in documents:
            docs = list(docs or [])
            if docs:
                batch.setdefault(str(docs[0]["owner"]), []).extend(docs)
                count += len(docs)
            if len(batch) >= BATCH:
                flush()
            if progress:
                progress(1)
        flush()
        with self.engine.begin() as conn:
            old = sa.select(search_owner.c.owner).where(
                search_owner.c.index_name == name,
                sa.text("pg_visible_in_snapshot(search_owner.writer::text::xid8, CAST(:snap AS pg_snapshot))")
                .bindparams(snap=snapshot))
            conn.execute(sa.delete(search_document).where(search_document.c.index_name == name,
                                                          search_document.c.owner.in_(old)))
            conn.execute(sa.delete(search_owner).where(search_owner.c.index_name == name, search_owner.c.owner.in_(old)))
            # Words no live document has any more (a deleted or now private record's).
            conn.execute(sa.text(
                "DELETE FROM search_word w WHERE w.index_name = :name AND NOT EXISTS ("
                " SELECT 1 FROM search_document d WHERE d.index_name = :name AND d.words @> ARRAY[w.word]::text[])"
            ), {"name": name})
        self._clean_pending_lists()
        return count

    def _clean_pending_lists(self) -> None:
        """Move what a rebuild added to the GIN indexes' pending lists into the indexes proper:
        every search reads a pending list from end to end (autovacuum would do this later)."""
        try:
            with self.engine.begin() as conn:
                for index in search_document.indexes:
                    if index.dialect_options["postgresql"]["using"] == "gin":
                        conn.execute(sa.text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index.name})
        except sa.exc.SQLAlchemyError as error:  # not the indexes' owner: autovacuum will do it
            log.warning("The search indexes' pending lists were left to autovacuum: %s", type(error).__name__)

    def write_in_transaction(self, session: Session, pending: set[tuple[str, str, int]]) -> None:
        """Called just before the record's transaction commits: build the changed records'
        documents from what this transaction holds and write them in it. If that fails, the
        save still goes ahead and the work waits in ``search_pending`` (same transaction)."""
        from .models import SearchPending

        if not pending:
            return  # nothing of this transaction is indexed (a queue waits for the next that is)
        conn = session.connection()
        queued = conn.execute(sa.select(SearchPending.id, SearchPending.index_name, SearchPending.model,
                                        SearchPending.object_id)).all()
        work = set(pending) | {(q.index_name, q.model, q.object_id) for q in queued}
        if not work:
            return
        by_index: dict[str, dict[str, list[dict]]] = {}
        savepoint = conn.begin_nested()
        try:
            with Session(bind=conn, autoflush=False) as fresh:  # sees this transaction's changes
                for index_name, model_name, object_id in sorted(work):
                    spec = self.specs.get(index_name)
                    if spec is None:
                        continue
                    obj = fresh.get(spec.root, object_id)
                    by_index.setdefault(index_name, {})[f"{model_name}:{object_id}"] = spec.documents(obj) if obj is not None else []
            for index_name in sorted(by_index):
                for owner in sorted(by_index[index_name]):
                    self._write_owner(conn, index_name, owner, by_index[index_name][owner])
            if queued:
                conn.execute(sa.delete(SearchPending.__table__).where(SearchPending.id.in_([q.id for q in queued])))
            savepoint.commit()
        except Exception:
            savepoint.rollback()
            log.exception("Search documents not written; the change is queued")
            known = {(q.index_name, q.model, q.object_id) for q in queued}
            rows = [{"index_name": i, "model": m, "object_id": o} for i, m, o in sorted(set(pending) - known)]
            if rows:
                conn.execute(sa.insert(SearchPending.__table__), rows)

    # ---- searching ---------------------------------------------------------------------
    def search(
        self,
        name: str,
        text: str,
        *,
        filters: list[list[tuple[str, str]]] | None = None,
        facets: Iterable[str] = (),
        page: int = 1,
        pagelen: int = 20,
        highlight: Iterable[str] = (),
        sort: str | None = None,
        reverse: bool = False,
        fields: dict[str, float] | None = None,
    ) -> Results:
        """The same contract as the Whoosh backend: every word must match (falling back to any
        word when nothing has them all), filters are clauses ANDed with their values ORed,
        facet counts over the matched set, highlighted snippets, "did you mean"."""
        spec = self.specs[name]
        layout = self._layouts[name]
        text = _clean((text or "").strip())
        message = None
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH]
            message = shortened_message(MAX_QUERY_LENGTH)
        page = max(1, min(int(page or 1), 1000))
        facets = list(facets)
        highlight = [f for f in highlight if f in layout.stored]
        d = search_document.c
        where = [d.index_name == name]
        shares = self._term_shares()
        every = []  # clauses of one value: one containment test for all of them (one pass over a row's terms)
        selective = False  # a clause few documents pass (not among the terms' common values)
        for clause in filters or []:
            values = list(dict.fromkeys(f"{field}:{value}" for field, value in clause or []))
            if not values:
                continue
            selective = selective or (bool(shares) and sum(shares.get(v, 0.0) for v in values) < BROAD / 4)
            if sum(shares.get(v, 0.0) for v in values) >= BROAD:
                # Most documents hold it (visibility:public, kind:question): checked on the rows
                # read, not through the terms index, whose bitmap of nearly every document
                # cost more than the reading it saved (23 ms against 8 for a common word).
                where.append(sa.or_(*(sa.literal(v) == sa.any_(d.terms) for v in values)))
            elif len(values) == 1:
                every += values
            else:
                where.append(d.terms.overlap(sa.cast(values, pg.ARRAY(sa.Text))))
        if every:
            where.append(d.terms.contains(sa.cast(every, pg.ARRAY(sa.Text))))
        cfg = sa.literal_column(f"'{CONFIG}'::regconfig")

        weights = sa.cast(layout.weights(fields), pg.ARRAY(sa.REAL))
        wanted, unwanted = _parts(text)
        title_words = _any_of(cfg, [w for part in wanted for w in _WORD.findall(part)][:40] or [""])
        if sort and sort not in layout.sorts:
            raise ValueError(f"{sort!r} is not a sortable field of the {name} index")
        # The key's name written into the statement (not sent as a parameter), so that the
        # planner matches it with the index on ``sorts -> 'sortdate'`` (a field name from the spec).
        key = d.sorts.op("->")(sa.bindparam("sort_field", sort, literal_execute=True)) if sort else sa.literal(None, pg.JSONB)
        short = f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true"
        long = f'StartSel={_START}, StopSel={_STOP}, MaxFragments=2, MaxWords=35, MinWords=15, FragmentDelimiter=" … "'

        def ranking(query):
            """Cover density (the words close together, weighted by field) plus the share of the
            words in the most boosted field (the title): a question asked about a topic ranks
            above a record that only mentions it, as Whoosh's title boost does. Not worked out
            when the results are sorted by a field instead (it is most of a search's work)."""
            if query is None or sort:
                return sa.literal(0.0)
            return sa.func.ts_rank_cd(weights, d.tsv, query, 1) + sa.func.ts_rank(_TITLE_ONLY, d.tsv, title_words)

        def sorted_page(conn, query):
            """The page, the number matched and the facet counts for a search sorted by a
            field (browsing with no words; the toolkit's counts in title order), reading the
            matches in the sort key's index order and stopping after ``CAP`` + 1 of them (or
            the page and one more, further on): with no more matches than that the total and
            the counts are exact; past it ``capped`` is set and the counts are those of the
            matches read, as for a ranked search. Sorting and counting every match was about
            a second at 100,000 results (bench/search_sorted.py)."""
            where_q = where + ([d.tsv.op("@@")(query)] if query is not None else [])
            limit = max(CAP, page * pagelen) + 1
            if selective:
                # Few documents pass a filter: finding them through the terms index and sorting
                # them beats walking the sort index past every document the filter rules out
                # (40 ms against 75 for a ward with 5% of 100,000). Until the transaction ends.
                conn.execute(sa.text("SELECT set_config('enable_indexscan', 'off', true)"))
            order = _order(sort, reverse, key, None, d.id) if sort else [d.id]
            found = (sa.select(d.id, d.terms if facets else sa.literal(None).label("terms"), key.label("key"))
                     .where(*where_q).order_by(*order).limit(limit).cte("found").prefix_with("MATERIALIZED"))
            found_order = _order(sort, reverse, found.c.key, None, found.c.id) if sort else [found.c.id]
            shown = (sa.select(found.c.id, sa.func.row_number().over(order_by=found_order).label("pos"))
                     .order_by(*found_order).limit(pagelen).offset((page - 1) * pagelen).subquery())
            marks = []
            if query is not None:
                for field_name in highlight:
                    value = d.fields[field_name].astext
                    marks.append(sa.case((sa.func.length(value) <= 220, sa.func.ts_headline(cfg, value, query, short)),
                                         else_=sa.func.ts_headline(cfg, value, query, long)))
            none = {"text": sa.cast(sa.null(), sa.Text), "fields": sa.cast(sa.null(), pg.JSONB),
                    "rank": sa.cast(sa.null(), sa.Float)}
            hits = sa.select(sa.literal("hit").label("part"), none["text"].label("t"), sa.cast(shown.c.pos, sa.BigInteger).label("n"),
                             d.fields.label("fields"), sa.literal(0.0, sa.Float).label("rank"), *marks
                             ).select_from(shown.join(search_document, d.id == shown.c.id))
            blanks = [none["text"] for _ in marks]
            parts = [hits, sa.select(sa.literal("total"), none["text"], sa.func.count(), none["fields"], none["rank"], *blanks)
                     .select_from(found)]
            if facets:
                term = sa.func.unnest(found.c.terms).table_valued("t").render_derived()
                parts.append(sa.select(sa.literal("facet"), term.c.t, sa.func.count(), none["fields"], none["rank"], *blanks)
                             .select_from(found).join(term, sa.true()).group_by(term.c.t))
            found_rows, total, counts = [], 0, {f: {} for f in facets}
            for part, t, n, fields_, rank_, *highlights_ in conn.execute(sa.union_all(*parts)):
                if part == "hit":
                    found_rows.append((n, (fields_, rank_, None, *highlights_)))
                elif part == "total":
                    total = n
                else:
                    field, value = t.split(":", 1)
                    if field in counts:
                        counts[field][value] = n
            rows = [row for _pos, row in sorted(found_rows, key=lambda item: item[0])]
            return rows, min(total, limit - 1), counts, total >= limit

        def ranked_page(conn, query):
            """The page, the number matched and the facet counts for a ranked search, reading a
            bounded number of documents however many match.

            ``found``: the first ``CAP`` + 1 matches the index gives (the scan stops there);
            when that is all of them, every match is ranked and the total and the facet counts
            are exact. When there are more, ``total`` is ``CAP`` and ``capped`` is set (the
            page says "More than 1,000 results"), the facet counts are those of the matches
            read, and the candidates ranked are those matches plus up to ``CAP`` matches with
            the words in their title (``tsv_title``'s own index finds them without reading the
            others): a title match ranks above a passing mention, as with every match ranked.
            Counting, ranking and grouping every match of a common word was most of the time
            of a search (bench/search.py: 47,689 matches, 390 ms)."""
            where_q = where + [d.tsv.op("@@")(query)]
            rank = sa.cast(ranking(query), sa.Float).label("rank")  # worked out as each row is read
            found = (sa.select(d.id, d.terms if facets else sa.literal(None).label("terms"), rank).where(*where_q)
                     .limit(CAP + 1).cte("found").prefix_with("MATERIALIZED"))
            many = sa.select(sa.func.count()).select_from(found).scalar_subquery() > CAP
            # The title's words are a part of the document's: a title that matches a query with
            # no word ruled out is a document that matches (a minus word may be in the body).
            in_title = where + [d.tsv_title.op("@@")(query)] + ([d.tsv.op("@@")(query)] if unwanted else [])
            titled = (sa.select(d.id, rank).where(*in_title, many).limit(CAP)
                      .cte("titled").prefix_with("MATERIALIZED"))
            ranked = sa.union(sa.select(found.c.id, found.c.rank), sa.select(titled.c.id, titled.c.rank)).cte("ranked")
            order = [ranked.c.rank.desc(), ranked.c.id]
            shown = (sa.select(ranked.c.id, ranked.c.rank, sa.func.row_number().over(order_by=order).label("pos"))
                     .order_by(*order).limit(pagelen).offset((page - 1) * pagelen).subquery())
            marks = []
            for field_name in highlight:
                value = d.fields[field_name].astext
                marks.append(sa.case((sa.func.length(value) <= 220, sa.func.ts_headline(cfg, value, query, short)),
                                     else_=sa.func.ts_headline(cfg, value, query, long)))
            none = {"text": sa.cast(sa.null(), sa.Text), "fields": sa.cast(sa.null(), pg.JSONB),
                    "rank": sa.cast(sa.null(), sa.Float)}
            hits = sa.select(sa.literal("hit").label("part"), none["text"].label("t"), sa.cast(shown.c.pos, sa.BigInteger).label("n"),
                             d.fields.label("fields"), shown.c.rank.label("rank"), *marks
                             ).select_from(shown.join(search_document, d.id == shown.c.id))
            blanks = [none["text"] for _ in marks]
            parts = [hits, sa.select(sa.literal("total"), none["text"], sa.func.count(), none["fields"], none["rank"], *blanks)
                     .select_from(found)]
            if facets:  # every term of the rows read, counted; those of other fields are dropped below
                term = sa.func.unnest(found.c.terms).table_valued("t").render_derived()
                parts.append(sa.select(sa.literal("facet"), term.c.t, sa.func.count(), none["fields"], none["rank"], *blanks)
                             .select_from(found).join(term, sa.true()).group_by(term.c.t))
            found_rows, total, counts = [], 0, {f: {} for f in facets}
            for part, t, n, fields_, rank_, *highlights_ in conn.execute(sa.union_all(*parts)):
                if part == "hit":
                    found_rows.append((n, (fields_, rank_, None, *highlights_)))
                elif part == "total":
                    total = n
                else:
                    field, value = t.split(":", 1)
                    if field in counts:
                        counts[field][value] = n
            rows = [row for _pos, row in sorted(found_rows, key=lambda item: item[0])]
            return rows, min(total, CAP), counts, total > CAP

        with self.engine.connect() as conn:
            query, rows, total, counts, capped = None, [], 0, {}, False
            candidates = [None]
            if text:
                candidates = [sa.func.websearch_to_tsquery(cfg, text)]
                if len(wanted) > 1:  # nothing has every word or phrase: any of them
                    either = _any_of(cfg, wanted)
                    for part in unwanted:
                        either = either.op("&&")(sa.func.websearch_to_tsquery(cfg, "-" + part))
                    candidates.append(either)
            for candidate in candidates:
                query = candidate
                if candidate is not None and not sort:
                    rows, total, counts, capped = ranked_page(conn, candidate)
                else:
                    rows, total, counts, capped = sorted_page(conn, candidate)
                if total:
                    break

            hits = []
            for row in rows:
                highlights = {}
                for position, field_name in enumerate(highlight if query is not None else []):
                    marked = row[3 + position]
                    if marked and _START in marked:
                        highlights[field_name] = (html.escape(marked, quote=False)
                                                  .replace(_START, '<mark class="engage-highlight">').replace(_STOP, "</mark>"))
                hits.append(Hit(fields=dict(row[0]), score=float(row[1] or 0), highlights=highlights))
            suggestion = self._suggest(conn, spec, name, text) if text else None  # last: it changes planner settings
        return Results(query=text, total=total, page=page, pagelen=pagelen, hits=hits, facets=counts,
                       suggestion=suggestion, message=message, capped=capped)

    def _term_shares(self) -> dict[str, float]:
        """{term: share of documents holding it} for the terms most documents hold, from
        PostgreSQL's own statistics of ``terms`` (pg_stats, kept by ANALYZE and autovacuum),
        read again every ``SHARES_SECONDS``. Empty when there are none yet."""
        now = time.monotonic()
        if self._shares is not None and now - self._shares[0] < SHARES_SECONDS:
            return self._shares[1]
        shares: dict[str, float] = {}
        try:
            with self.engine.connect() as conn:
                row = conn.execute(sa.text(
                    "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                    " WHERE schemaname = current_schema() AND tablename = 'search_document' AND attname = 'terms'")).first()
            if row is not None and row[0] is not None:
                shares = {term: float(share) for term, share in zip(row[0], row[1]) if share >= BROAD / 4}
        except sa.exc.SQLAlchemyError:  # no statistics to read: the planner decides alone
            log.warning("The search terms' statistics could not be read")
        self._shares = (now, shares)
        return shares

    def _suggest(self, conn, spec: IndexSpec, name: str, text: str) -> str | None:
        """Replace words no live public document has with the nearest word one does."""
        if not spec.spelling_field:
            return None
        words = [w.lower() for w in _WORD.findall(text)]
        if not words or len(words) > 12:
            return None
        checkable = sorted({w for w in words if 3 <= len(w) <= 30 and not w.isdigit()})
        if not checkable:
            return None
        # Both look-ups ask "does a live document have this word?", which the GIN index of
        # ``words`` answers at once. The planner would rather read every document's word list
        # (it does not count the cost of reading long, TOASTed lists: 100-500 ms on 5,000
        # toolkit entries, against under 1 ms): steer it to the index for these two queries.
        # The settings last until the transaction ends, which is when the search ends (this is
        # its last work: ``search``), so they are not set back: a round trip less per search.
        conn.execute(sa.text("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"))
        known = self._live(conn, name, checkable)
        nearest = self._nearest(conn, name, [w for w in checkable if w not in known])
        changed, out = False, []
        for word in words:
            if word in nearest:
                out.append(nearest[word])
                changed = True
            else:
                out.append(word)
        return " ".join(out) if changed else None

    @staticmethod
    def _live(conn, name: str, words: list[str]) -> set[str]:
        """Which of these words a document in the index has now (one EXISTS per word, each
        planned with its own word)."""
        d = search_document.c
        checks = [sa.exists().where(d.words.contains(sa.cast([word], pg.ARRAY(sa.Text))), d.index_name == name)
                  for word in words]
        row = conn.execute(sa.select(*checks)).one()
        return {word for word, live in zip(words, row) if live}

    @staticmethod
    def _nearest(conn, name: str, words: list[str]) -> dict[str, str]:
        """For each word, the nearest word a live document has: one edit away, else two (words
        of five letters or more); ties go to the word most alike by trigrams. One query for
        all the words: the closest words by trigrams (pg_trgm's index), kept only if live."""
        if not words:
            return {}
        rows = conn.execute(sa.text(
            "SELECT q.w, c.word, c.s FROM unnest(CAST(:words AS text[])) AS q(w) CROSS JOIN LATERAL ("
            "  SELECT v.word, similarity(v.word, q.w) AS s FROM search_word v"
            "  WHERE v.index_name = :name AND v.word % q.w AND v.word <> q.w"
            "  ORDER BY s DESC, v.word LIMIT 20) AS c"
            " WHERE EXISTS (SELECT 1 FROM search_document d WHERE d.index_name = :name AND d.words @> ARRAY[c.word::text])"
        ), {"words": words, "name": name}).all()
        best: dict[str, tuple] = {}
        for word, candidate, similarity in rows:
            distance = _osa_distance(word, candidate)
            if distance > (2 if len(word) >= 5 else 1):
                continue
            rank = (distance, -similarity, candidate)
            if word not in best or rank < best[word]:
                best[word] = rank
        return {word: rank[2] for word, rank in best.items()}


def check_database(url: str) -> None:
    """Refuse the postgres backend on any other database, in plain words."""
    if not str(url).startswith("postgresql"):
        raise RuntimeError(
            "ENGAGE_SEARCH_BACKEND=postgres needs a PostgreSQL database, but DATABASE_URL points to "
            f"{str(url).split(':', 1)[0]}. Set DATABASE_URL to a postgresql:// address, or use "
            "ENGAGE_SEARCH_BACKEND=whoosh (the default) with SQLite.")
