"""The Whoosh backend: one on-disk index per IndexSpec, one writer at a time.

Indexes are opened once per process; each thread keeps its own searcher and refreshes it
(cheap) before a query. Writes retry while another writer holds the lock; if the index still
cannot be written, the work is kept in the ``search_pending`` table and applied by the next
successful write or by ``reindex``.

Filters and facet counts use a cache (``_SegmentData``, ``_View``): Whoosh would otherwise
rebuild the set of documents of each filter term (the visibility filter covers most of the
index) and walk every posting of every facet field on each query. Segments never change once
written, so each segment's term documents and facet values are worked out once, on first use,
and kept while the segment exists; a searcher combines its segments' data into global sets and
columns (cheap), and a changed index only costs the new, small segment. Results, totals and
counts are exactly those Whoosh gives.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter, OrderedDict
from itertools import chain
from pathlib import Path
from typing import Iterable

from whoosh import index as windex
from whoosh import sorting
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import Every, NullQuery

from .spec import Hit, IndexSpec, Results
from .whoosh_store import IndexStore, RebuildRunning  # noqa: F401  (RebuildRunning re-exported)

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500


def _fix_length_lookup() -> None:
    """Whoosh 2.7 remembers a field's length column only when it exists, so for fields without
    lengths (unscored facet fields) it asks the disk again for every posting it writes.
    Remember "no column" too: a written segment's files never change, so the answer holds."""
    from whoosh.codec import whoosh3

    missing = object()

    def _cached_reader(self, fieldname, column):
        reader = self._readers.get(fieldname, missing)
        if reader is missing:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader
        return reader

    if not getattr(whoosh3.W3PerDocReader, "_engage_fixed", False):
        whoosh3.W3PerDocReader._cached_reader = _cached_reader
        whoosh3.W3PerDocReader._engage_fixed = True


_fix_length_lookup()
_WORD = re.compile(r"\w+", re.UNICODE)


class IndexUnavailable(Exception):
    """The index could not be written (locked for too long, or the folder is read-only)."""


class _SegmentData:
    """What one immutable segment holds, in its own document numbers: the documents of each
    filter term, and the values of each facet field per document. Built on first use."""

    MAX_TERMS = 1024

    def __init__(self):
        self.terms: dict[tuple[str, str], frozenset] = {}
        self.values: dict[str, list[tuple]] = {}

    def term_docs(self, leaf, field: str, value: str) -> frozenset:
        key = (field, value)
        docs = self.terms.get(key)
        if docs is None:
            try:
                docs = frozenset(leaf.postings(field, value).all_ids()) if (field, value) in leaf else frozenset()
            except Exception:  # an unknown field or a value the field cannot hold: no documents
                docs = frozenset()
            if len(self.terms) >= self.MAX_TERMS:
                self.terms.clear()
            self.terms[key] = docs
        return docs

    def facet_values(self, leaf, field: str) -> list[tuple]:
        values = self.values.get(field)
        if values is None:
            values = [()] * leaf.doc_count_all()
            if field in leaf.schema:
                try:
                    for text, _info in leaf.iter_field(field):
                        # Whoosh gives the terms as bytes here; facet values are text.
                        value = text.decode("utf-8") if isinstance(text, bytes) else text
                        for docnum in leaf.postings(field, text).all_ids():
                            values[docnum] = values[docnum] + (value,)
                except Exception:  # a field with no terms in this segment
                    pass
            self.values[field] = values
        return values


class _View:
    """One searcher's filter sets and facet columns in global document numbers, combined
    from its segments' data; dropped when the searcher is refreshed."""

    MAX_FILTERS = 64
    MAX_COUNTS = 256

    def __init__(self, searcher, leaves):
        self.searcher = searcher
        self.leaves = leaves  # [(leaf reader, offset, _SegmentData)]
        self.filters: dict[tuple, set] = {}
        self.columns: dict[str, list[tuple]] = {}
        self.counts: OrderedDict = OrderedDict()
        self._live: set | None = None

    @staticmethod
    def key(filters) -> tuple:
        return tuple(sorted(tuple(sorted({(str(f), str(v)) for f, v in clause})) for clause in filters or [] if clause))

    def filter_set(self, key: tuple) -> set | None:
        """Documents passing every clause (each clause ORs its terms), or None for no filter."""
        if not key:
            return None
        docs = self.filters.get(key)
        if docs is None:
            for clause in key:
                union: set = set()
                for leaf, offset, data in self.leaves:
                    for field, value in clause:
                        local = data.term_docs(leaf, field, value)
                        union.update(local if offset == 0 else (d + offset for d in local))
                docs = union if docs is None else docs & union
            if len(self.filters) >= self.MAX_FILTERS:
                self.filters.clear()
            self.filters[key] = docs
        return docs

    def column(self, field: str) -> list[tuple]:
        column = self.columns.get(field)
        if column is None:
            column = []
            for leaf, _offset, data in self.leaves:
                column.extend(data.facet_values(leaf, field))
            self.columns[field] = column
        return column

    def term_set(self, field: str, value) -> set:
        docs: set = set()
        for leaf, offset, data in self.leaves:
            local = data.term_docs(leaf, field, value)
            docs.update(local if offset == 0 else (d + offset for d in local))
        return docs

    def matching(self, query) -> set:
        """Every live document the query matches: set algebra in C over cached term sets for
        the shapes the parser makes (terms, and, or, and-not); anything else asks Whoosh."""
        return self._match(query) & self.live()

    def _match(self, query) -> set:
        from whoosh import query as q

        if isinstance(query, q.Every):
            return set(self.live())
        if isinstance(query, q.Term):
            return self.term_set(query.fieldname, query.text)
        if type(query) is q.And:
            parts = sorted((self._match(sub) for sub in query.subqueries), key=len)
            return set.intersection(*parts) if parts else set()
        if type(query) is q.Or and not getattr(query, "minmatch", 0):
            return set().union(*(self._match(sub) for sub in query.subqueries))
        if type(query) is q.AndNot:
            return self._match(query.a) - self._match(query.b)
        return set(self.searcher.docs_for_query(query))

    def live(self) -> set:
        if self._live is None:
            self._live = set(self.searcher.reader().all_doc_ids())
        return self._live

    def facet_counts(self, matched: set, facets, cache_key) -> dict[str, dict[str, int]]:
        """How many of the matched documents hold each value of each facet field."""
        cached = self.counts.get(cache_key)
        if cached is not None:
            self.counts.move_to_end(cache_key)
            return cached
        out = {}
        for field in facets:
            column = self.column(field)
            counts = Counter(chain.from_iterable(map(column.__getitem__, matched)))
            out[field] = {str(k): int(v) for k, v in counts.items() if k not in (None, "")}
        self.counts[cache_key] = out
        if len(self.counts) > self.MAX_COUNTS:
            self.counts.popitem(last=False)
        return out


class WhooshBackend:
    def __init__(self, index_dir: str, lock_wait: float = 5.0, rebuild_mb: int = 256):
        self.index_dir = Path(index_dir)
        self.lock_wait = lock_wait
        self.rebuild_mb = rebuild_mb  # the writer's memory pool for a full rebuild
        self.specs: dict[str, IndexSpec] = {}
        self._indexes: dict[str, tuple[str, windex.Index]] = {}  # name -> (generation, index)
        self._open_lock = threading.Lock()
        self._local = threading.local()
        self._segments: dict[tuple[str, object], _SegmentData] = {}

    # ---- opening -----------------------------------------------------------------------
    def register(self, spec: IndexSpec) -> None:
        self.specs[spec.name] = spec

    def store(self, name: str) -> IndexStore:
        return IndexStore(self.index_dir / name)

    def index(self, name: str) -> windex.Index:
        """The live generation of ``name``, opened once per process and again after a swap."""
        store = self.store(name)
        generation = store.current()
        known = self._indexes.get(name)
        if known is not None and known[0] == generation:
            return known[1]
        with self._open_lock:
            generation = store.current()
            known = self._indexes.get(name)
            if known is not None and known[0] == generation:
                return known[1]
            schema = self.specs[name].schema
            ix = None
            if generation is not None:
                ix = windex.open_dir(str(store.path(generation)))
                if set(ix.schema.names()) != set(schema.names()):
                    log.warning("Search index %s has an old schema; starting it empty (run reindex)", name)
                    ix = None
            if ix is None:  # no index yet, or one of an old schema: a new empty generation
                generation = store.new_generation()
                ix = windex.create_in(str(store.path(generation)), schema)
                store.make_current(generation)
            self._indexes[name] = (generation, ix)
        return ix

    def generation(self, name: str) -> str:
        self.index(name)
        return self._indexes[name][0]

    def building(self, name: str) -> str | None:
        """The generation a running rebuild of ``name`` is writing (any process), or None."""
        return self.store(name).building()

    def searcher(self, name: str):
        cache = getattr(self._local, "searchers", None)
        if cache is None:
            cache = self._local.searchers = {}
        ix = self.index(name)
        entry = cache.get(name)
        if entry is None or entry[0] is not ix:
            if entry is not None:
                try:
                    entry[1].close()
                except Exception:
                    pass
            entry = cache[name] = (ix, ix.searcher())
        elif not entry[1].up_to_date():
            # Not ``searcher.refresh()``: it reuses the readers of unchanged segments and so
            # keeps showing documents deleted from them since (a Whoosh bug), e.g. the old
            # version of a re-indexed consultation. A new searcher sees the deletions.
            try:
                entry[1].close()
            except Exception:
                pass
            entry = cache[name] = (ix, ix.searcher())
        return entry[1]

    def view(self, name: str, searcher=None) -> _View:
        """The filter and facet cache of this thread's current searcher of ``name``."""
        searcher = searcher or self.searcher(name)
        views = getattr(self._local, "views", None)
        if views is None:
            views = self._local.views = {}
        view = views.get(name)
        if view is None or view.searcher is not searcher:
            leaves, keep = [], set()
            for leaf, offset in searcher.reader().leaf_readers():
                segment = getattr(leaf, "segment", None)
                segment = segment() if callable(segment) else None  # None in an empty index
                segid = segment.segment_id() if segment is not None else None
                if segid is None:
                    data = _SegmentData()
                else:
                    keep.add((name, segid))
                    data = self._segments.get((name, segid))
                    if data is None:
                        data = self._segments[(name, segid)] = _SegmentData()
                leaves.append((leaf, offset, data))
            for stale in [k for k in list(self._segments) if k[0] == name and k not in keep]:
                self._segments.pop(stale, None)
            view = views[name] = _View(searcher, leaves)
        return view

    def health(self) -> str | None:
        """None when every index can be opened and read; otherwise what is wrong."""
        try:
            if not self.index_dir.exists():
                self.index_dir.mkdir(parents=True, exist_ok=True)
            for name in self.specs:
                self.searcher(name).doc_count()
        except Exception as error:  # report, never raise
            return f"the search index cannot be read ({type(error).__name__})"
        return None

    # ---- writing -----------------------------------------------------------------------
    def _writer(self, name: str, ix=None):
        deadline = time.monotonic() + self.lock_wait
        delay = 0.02
        while True:
            try:
                return (ix or self.index(name)).writer()
            except windex.LockError:
                if time.monotonic() >= deadline:
                    raise IndexUnavailable(f"the {name} index is locked by another writer")
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
            except OSError as error:
                raise IndexUnavailable(f"the {name} index cannot be written: {error}") from error

    def apply(self, name: str, owners: dict[str, list[dict] | None], ix=None) -> None:
        """Replace the documents of each owner key (None or [] removes them), in the live
        index (or in ``ix``, a rebuild's new one)."""
        if not owners:
            return
        try:
            writer = self._writer(name, ix)
        except OSError as error:
            raise IndexUnavailable(str(error)) from error
        try:
            for owner, docs in owners.items():
                writer.delete_by_term("owner", owner)
                for doc in docs or []:
                    writer.add_document(**doc)
            writer.commit()
        except Exception as error:
            writer.cancel()
            if isinstance(error, OSError):
                raise IndexUnavailable(str(error)) from error
            raise

    def rebuild(self, name: str, documents: Iterable[list[dict]], progress=None, catch_up=None) -> int:
        """Write every document into a new generation beside the live one, then swap it in.

        The live index is never emptied and its writer lock is never needed: searches and
        writes use it until the swap. ``catch_up(generation, apply)``, if given, applies the
        changes saved while this ran (``apply(owners)`` writes them to the new index); it is
        called before the swap, after it until it returns 0, and once the rebuild is no
        longer marked as running. Raises RebuildRunning if a rebuild of ``name`` is running.
        """
        spec = self.specs[name]
        store = self.store(name)
        handle, generation = store.start_rebuild()
        swapped = False
        try:
            path = store.path(generation)
            ix = windex.create_in(str(path), spec.schema)
            writer = ix.writer(limitmb=self.rebuild_mb, procs=1)
            count = 0
            try:
                for docs in documents:
                    for doc in docs:
                        writer.add_document(**doc)
                        count += 1
                    if progress:
                        progress(1)
                writer.commit(optimize=True)
            except BaseException:
                writer.cancel()
                raise

            def apply_new(owners):
                self.apply(name, owners, ix=ix)

            if catch_up:
                catch_up(generation, apply_new)
            previous = store.current()
            store.make_current(generation)
            swapped = True
            with self._open_lock:
                self._indexes[name] = (generation, ix)
            if catch_up:
                for _ in range(50):
                    if not catch_up(generation, apply_new):
                        break
        finally:
            store.end_rebuild(handle, generation, swapped)
        if catch_up:
            catch_up(generation, apply_new)
        store.remove_unused(previous=previous)
        return count

    def doc_count(self, name: str) -> int:
        return self.searcher(name).doc_count()

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
        """Full-text search with AND between words (falling back to OR when nothing matches),
        filters (a list of clauses ANDed; each clause ORs its (field, value) pairs), facet
        counts, highlighted snippets and a "did you mean" suggestion."""
        spec = self.specs[name]
        text = (text or "").strip()
        message = None
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH]
            message = f"Your search was very long, so only the first {MAX_QUERY_LENGTH} characters were used."
        searcher = self.searcher(name)
        view = self.view(name, searcher)
        filter_key = view.key(filters)
        allow = view.filter_set(filter_key)
        boosts = fields or spec.text_fields
        page = max(1, min(int(page or 1), 1000))
        facets = list(facets)

        def matched(query) -> set:
            """Exactly the documents the query matches that pass the filters."""
            if allow is not None and not allow:
                return set()
            docs = view.matching(query)
            return docs & allow if allow is not None else docs

        def run(query, total):
            # Whoosh scores only the top of the list (with its block skipping). The total comes
            # from ``matched``: Whoosh's own count is exact only if it runs the query a second
            # time, and with optimize=False it undercounts (its matcher "replace" optimisation
            # drops parts of the query that cannot reach the top, and the count trusts it).
            # Nothing passing the filter: never hand Whoosh an empty filter set, which it
            # takes for "no filter" (FilterCollector: ``ftc(allow) if allow else None``).
            if not total:
                return None
            kwargs = {"filter": allow, "terms": bool(highlight)}
            if sort:
                kwargs["sortedby"] = sorting.FieldFacet(sort, reverse=reverse)
            return searcher.search(query, limit=page * pagelen, **kwargs)

        if text:
            query = self._parse(text, boosts, AndGroup, searcher.schema)
            docs = matched(query)
            if not docs and len(_WORD.findall(text)) > 1:
                query = self._parse(text, boosts, OrGroup.factory(0.9), searcher.schema)
                docs = matched(query)
        else:
            query = Every()
            docs = matched(query)
        total = len(docs)
        found = run(query, total)
        page_hits = found[(page - 1) * pagelen: page * pagelen] if found is not None else []

        hits = []
        formatter = HtmlFormatter(tagname="mark", classname="engage-highlight", between=" … ")
        for hit in page_hits:
            fields_ = dict(hit.fields())
            highlights = {}
            for field_name in highlight:
                stored = fields_.get(field_name)
                if text and stored:
                    # Short text (a title) is shown whole; long text as snippets around the words.
                    found.fragmenter = (WholeFragmenter() if len(stored) <= 220
                                        else ContextFragmenter(maxchars=220, surround=60))
                    found.formatter = formatter
                    snippet = hit.highlights(field_name, text=stored, top=2)
                    if snippet:
                        highlights[field_name] = snippet
            try:  # when sorted by a field, Whoosh gives the sort key here, not a number
                score = float(hit.score or 0)
            except (TypeError, ValueError):
                score = 0.0
            hits.append(Hit(fields=fields_, score=score, highlights=highlights))

        facet_counts = view.facet_counts(docs, facets, (repr(query), filter_key, tuple(facets))) if facets else {}
        suggestion = self._suggest(searcher, spec, text) if text else None
        return Results(query=text, total=total, page=page, pagelen=pagelen, hits=hits,
                       facets=facet_counts, suggestion=suggestion, message=message)

    @staticmethod
    def _parse(text, boosts, group, schema):
        parser = MultifieldParser(list(boosts), schema, fieldboosts=boosts, group=group)
        # People type words, not query syntax: fields, wildcards and ranges are switched off.
        for plugin_name in ("FieldsPlugin", "WildcardPlugin", "RangePlugin", "BoostPlugin", "RegexPlugin", "FuzzyTermPlugin"):
            for plugin in list(parser.plugins):
                if type(plugin).__name__ == plugin_name:
                    parser.remove_plugin(plugin)
        try:
            return parser.parse(text)
        except Exception:  # whatever went wrong, fall back to the plain words
            # Lower case, so that AND, OR and NOT are words here and not operators again
            # ("NOT NOT survey" makes Whoosh's parser fail both times otherwise).
            words = " ".join(_WORD.findall(text)).lower() or "nothingtofind"
            try:
                return parser.parse(words)
            except Exception:
                return NullQuery

    @staticmethod
    def _suggest(searcher, spec: IndexSpec, text: str) -> str | None:
        """Replace words no live document has with the nearest word a live document has.
        Whoosh keeps the words of deleted documents in its word list until segments merge,
        so every word is checked against the live documents (a word of a record made
        private since must never be suggested)."""
        if not spec.spelling_field:
            return None
        words = _WORD.findall(text.lower())
        if not words or len(words) > 12:
            return None
        reader = searcher.reader()
        field = spec.spelling_field
        corrector = reader.corrector(field)
        changed, out = False, []
        for word in words:
            if len(word) < 3 or len(word) > 30 or word.isdigit() or _live(reader, field, word):
                out.append(word)
                continue
            candidate = _nearest(corrector, word, lambda w: _live(reader, field, w))
            if candidate:
                out.append(candidate)
                changed = True
            else:
                out.append(word)
        return " ".join(out) if changed else None


def _live(reader, field: str, word: str) -> bool:
    """Does a live (not deleted) document hold ``word`` in ``field``?"""
    if (field, word) not in reader:
        return False
    try:
        return reader.postings(field, word).is_active()
    except Exception:  # TermNotFound and the like
        return False


def _nearest(corrector, word: str, live) -> str | None:
    """The most frequent live word one edit away, else two edits away (words of five
    letters or more). Whoosh's own ranking ignores the distance, so nearer words are tried
    first here; keeping the first letter (prefix=1) keeps it fast on large indexes."""
    for maxdist, prefix in ((1, 1), (2, 1), (1, 0)):
        if maxdist == 2 and len(word) < 5:
            continue
        try:
            candidates = corrector.suggest(word, limit=8, maxdist=maxdist, prefix=prefix)
        except Exception:
            candidates = []
        for candidate in candidates:
            if live(candidate):
                return candidate
    return None
