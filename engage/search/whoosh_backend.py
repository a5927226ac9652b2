"""The Whoosh backend: one on-disk index per IndexSpec, one writer at a time.

Indexes are opened once per process; each thread keeps its own searcher and opens a new one
when the index changes. Writes retry while another writer holds the lock; if the index still
cannot be written, the work is kept in the ``search_pending`` table and applied by the next
successful write or by ``reindex``. Rebuilds write a new folder and swap it in
(``whoosh_store``).

The schema Whoosh holds is the spec's, with its text fields (``spec.text_fields``, e.g. title,
body and extra) indexed as ONE scored field, ``_text``, plus the most boosted of them (the
title) indexed on its own as well, for a boost: a query is then an AND of single terms
instead of an AND of three-field ORs, and every document has fewer postings (a faster
rebuild). The other text fields are kept only if they are stored (for display). Queries are
answered with arrays (``whoosh_query``): matches, totals and facet counts without scoring,
then BM25F scores for the matched documents and only the page shown is read.

Writing is Whoosh's, made quicker where profiling showed the time going, each time giving the
same index: fields are analysed without a generator per filter (``_FastIndex``); a rebuild
keeps its postings per term in packed arrays and writes them a block at a time instead of
sorting (and, past the memory limit, pickling to disk) one tuple per posting
(``_TermPool``); posting blocks are pickled with protocol 4, not 2 (``_fix_block_pickles``).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from array import array
from pathlib import Path
from typing import Iterable

import numpy as np
from whoosh import index as windex
from whoosh.fields import ID, KEYWORD, STORED, TEXT
from whoosh.system import pack_uint
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter, highlight
from whoosh.qparser import AndGroup, OrGroup, QueryParser
from whoosh.query import Every, NullQuery

from . import whoosh_query as wquery
from .spec import Hit, IndexSpec, Results, shortened_message
from .whoosh_store import IndexStore, RebuildRunning  # noqa: F401  (RebuildRunning re-exported)

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500


def length_bytes(perdoc, fieldname: str) -> bytes | None:
    """A segment's byte-coded lengths of ``fieldname`` for every document, read in one go
    (None when the field has no lengths). Segment files never change once written."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is None:
        return None
    count = perdoc._doccount
    try:
        stored = min(reader._count, count)
        data = reader._dbfile.get(reader._basepos, stored) if stored else b""
        return bytes(data) + bytes([reader._default or 0]) * (count - stored)
    except Exception:  # another column layout: read it document by document
        return bytes(reader[i] for i in range(count))


def _fix_length_lookup() -> None:
    """Whoosh 2.7 looks a field's length up on disk for every posting it writes (and, for
    fields without lengths, asks again whether the column exists each time). A written
    segment's files never change, so each field's lengths are read once, in one go."""
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    missing = object()
    table = [None] + [byte_to_length(i) for i in range(1, 256)]

    def _cached_reader(self, fieldname, column):
        reader = self._readers.get(fieldname, missing)
        if reader is missing:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader
        return reader

    def doc_field_length(self, docnum, fieldname, default=0):
        if docnum > self._doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
        cache = self.__dict__.setdefault("_engage_lengths", {})
        lengths = cache.get(fieldname, missing)
        if lengths is missing:
            data = length_bytes(self, fieldname)
            lengths = cache[fieldname] = None if data is None else [table[b] for b in data]
        if lengths is None:
            return default
        return lengths[docnum] if docnum < len(lengths) else None

    if not getattr(whoosh3.W3PerDocReader, "_engage_fixed", False):
        whoosh3.W3PerDocReader._cached_reader = _cached_reader
        whoosh3.W3PerDocReader.doc_field_length = doc_field_length
        whoosh3.W3PerDocReader._engage_fixed = True


_fix_length_lookup()


def _fix_block_pickles() -> None:
    """Whoosh 2.7 pickles each block of postings with protocol 2, which has no type for
    bytes: every posting's positions then unpickle through a call to ``codecs.encode``,
    most of the cost of reading a common word's postings (and blocks 4x the size).
    Protocol 4 is what Whoosh's reader (``pickle.loads``) reads as well: only writing
    changes, an index written before still reads, and ``reindex`` rewrites it smaller."""
    import pickle

    from whoosh.codec import whoosh3

    if getattr(whoosh3, "_engage_fixed", False):
        return

    def dumps(obj, protocol=None):
        return pickle.dumps(obj, 4)

    whoosh3.dumps = dumps
    whoosh3._engage_fixed = True


_fix_block_pickles()
_WORD = re.compile(r"\w+", re.UNICODE)


def _fast_terms(field):
    """For a field whose analyzer is one of Whoosh's usual chains (a regex tokenizer, then
    lower case and/or strip, optionally stop words and a stemmer: StemmingAnalyzer,
    StandardAnalyzer, KEYWORD's comma tokenizer), a function giving the same
    (word, positions) as that chain does, without a Python generator per filter and a token
    object per word; None for any other analyzer."""
    from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, StripFilter

    analyzer = field.analyzer
    items = list(analyzer.items) if type(analyzer) is CompositeAnalyzer else [analyzer]
    if not items or type(items[0]) is not RegexTokenizer or items[0].gaps:
        return None
    finditer = items[0].expression.finditer
    rest = items[1:]
    lower = strip = False
    while rest and type(rest[0]) in (LowercaseFilter, StripFilter):
        if type(rest[0]) is LowercaseFilter:
            if strip:
                return None  # strip then lower: not a chain this function knows
            lower = True
        else:
            strip = True
        rest = rest[1:]
    stop = rest.pop(0) if rest and type(rest[0]) is StopFilter else None
    stemmer = rest.pop(0) if rest and type(rest[0]) is StemFilter else None
    if rest or (stemmer is not None and getattr(stemmer, "lang", None)):
        return None
    stems: dict[str, str] = {}
    stemfn = stemmer.stemfn if stemmer is not None else None
    ignore = stemmer.ignore if stemmer is not None else frozenset()

    def terms(value: str) -> dict[str, list[int]]:
        if lower and strip:
            words = [m.group().lower().strip() for m in finditer(value)]
        elif lower:
            words = [m.group().lower() for m in finditer(value)]
        elif strip:
            words = [m.group().strip() for m in finditer(value)]
        else:
            words = [m.group() for m in finditer(value)]
        if stop is not None:
            stops, low, high = stop.stops, stop.min, stop.max
            kept = [i for i, w in enumerate(words)
                    if len(w) >= low and (high is None or len(w) <= high) and w not in stops]
            if stop.renumber and kept:
                # Whoosh's StopFilter keeps the first kept word's position and numbers the
                # rest on from it.
                first = kept[0]
                places = range(first, first + len(kept))
            else:
                places = kept
            words = [words[i] for i in kept]
        else:
            places = range(len(words))
        out: dict[str, list[int]] = {}
        for word, place in zip(words, places):
            if stemfn is not None and word not in ignore:
                stemmed = stems.get(word)
                if stemmed is None:
                    stemmed = stems[word] = stemfn(word)
                    if len(stems) > 200_000:
                        stems.clear()
                word = stemmed
            known = out.get(word)
            if known is None:
                out[word] = [place]
            else:
                known.append(place)
        return out

    return terms


_FAST: dict[int, tuple] = {}


class _FastIndex:
    """A field that indexes through ``_fast_terms`` when it can: the same terms,
    frequencies, weights and positions as its Whoosh class, several times quicker."""

    def index(self, value, **kwargs):
        if not kwargs and isinstance(value, str):
            known = _FAST.get(id(self))
            if known is None or known[0] is not self:
                from whoosh.analysis import IDTokenizer
                from whoosh.formats import Existence, Frequency, Positions

                kind = type(self.format)
                if kind is Existence and type(self.analyzer) is IDTokenizer:
                    fast = "id"
                elif kind in (Positions, Frequency, Existence):
                    fast = _fast_terms(self)
                else:
                    fast = None
                if len(_FAST) > 1000:  # fields of indexes opened long ago
                    _FAST.clear()
                known = _FAST[id(self)] = (self, fast)
            terms = known[1]
            if terms is not None:
                fmt = self.format
                boost = fmt.field_boost
                kind = type(fmt).__name__
                if terms == "id":
                    return [(value.encode("utf-8"), 1, boost, b"")]
                if kind == "Positions":
                    encode = fmt.encode
                    return [(w.encode("utf-8"), len(ps), len(ps) * 1.0 * boost, encode(ps)) for w, ps in terms(value).items()]
                if kind == "Frequency":
                    return [(w.encode("utf-8"), len(ps), len(ps) * 1.0 * boost, pack_uint(len(ps))) for w, ps in terms(value).items()]
                return [(w.encode("utf-8"), 1, boost, b"") for w in terms(value)]
        return super().index(value, **kwargs)


class FastTEXT(_FastIndex, TEXT):
    """TEXT, written faster (``_FastIndex``)."""


class FastKEYWORD(_FastIndex, KEYWORD):
    """KEYWORD, written faster (``_FastIndex``)."""


class FastID(_FastIndex, ID):
    """ID, written faster (``_FastIndex``)."""


_FAST_CLASSES = {TEXT: FastTEXT, KEYWORD: FastKEYWORD, ID: FastID}


def _fast_schema(schema):
    """``schema`` with its TEXT, KEYWORD and ID fields indexed through ``_FastIndex``
    (the same index, written faster)."""
    for name in schema.names():
        field = schema[name]
        fast = _FAST_CLASSES.get(type(field))
        if fast is not None:
            field.__class__ = fast
    return schema


class _TermPool:
    """Postings kept per term in memory while a rebuild writes its one segment, in place of
    Whoosh's PostingPool. Whoosh's pool keeps one tuple per posting, sorts them all at the
    end, and past its memory limit pickles every posting to disk and merges the runs back
    one posting at a time: most of a large rebuild's time. Documents arrive in number order,
    so each term's postings are already sorted; only the terms are sorted at the end.
    Document numbers and weights are packed arrays (8 bytes a posting)."""

    def __init__(self, pool):
        self._pool = pool  # Whoosh's own, for its temporary storage and clean-up
        self.fieldnames = set()
        self._terms: dict = {}

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        if docnum < 0:  # a spelling-graph marker: not a posting
            return
        entry = self._terms.get((fieldname, btext))
        if entry is None:
            self.fieldnames.add(fieldname)
            entry = self._terms[(fieldname, btext)] = (array("I"), array("f"), [])
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value)

    def iter_postings(self):
        terms = self._terms
        for key in sorted(terms):
            fieldname, btext = key
            ids, weights, values = terms.pop(key)
            for i in range(len(ids)):
                yield fieldname, btext, ids[i], weights[i], values[i]

    def write(self, fieldwriter, schema, lengths_reader) -> None:
        """Write every term's postings, a block at a time, as Whoosh's W3 writer would
        posting by posting (the same blocks, block statistics and term infos)."""
        from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter

        if type(fieldwriter) is not W3FieldWriter:
            fieldwriter.add_postings(schema, lengths_reader, self.iter_postings())
            return
        terms = self._terms
        current = None
        lengths = None
        for key in sorted(terms):
            fieldname, btext = key
            if fieldname != current:
                if current is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                current = fieldname
                data = length_bytes(lengths_reader, fieldname) if lengths_reader is not None else None
                lengths = _LENGTHS[np.frombuffer(data, dtype=np.uint8)] if data else None
            ids, weights, values = terms.pop(key)
            fieldwriter.start_term(btext)
            writer = fieldwriter._postwriter
            if type(writer) is not W3PostingsWriter:  # pragma: no cover - another codec
                for i in range(len(ids)):
                    fieldwriter.add(ids[i], weights[i], values[i] or b"", 0 if lengths is None else int(lengths[ids[i]]))
                fieldwriter.finish_term()
                continue
            count, limit = len(ids), writer._blocklimit
            for start in range(0, count, limit):
                end = min(start + limit, count)
                writer._ids = ids[start:end]
                writer._weights = weights[start:end]
                writer._values = [v for v in values[start:end] if v]
                writer._maxweight = max(0, max(writer._weights))
                if lengths is not None:
                    these = lengths[np.frombuffer(writer._ids, dtype=np.uint32)]
                    these = these[these > 0]
                else:
                    these = ()
                writer._minlength = int(these.min()) if len(these) else None
                writer._maxlength = int(these.max()) if len(these) else 0
                if end < count:
                    writer._write_block()
            fieldwriter.finish_term()
        if current is not None:
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self._terms = {}
        self._pool.cleanup()


_LENGTHS = np.array([0] + [__import__("whoosh.util.numeric", fromlist=["byte_to_length"]).byte_to_length(i) for i in range(1, 256)], dtype=np.int64)


def _write_segment_directly(writer, pool: _TermPool) -> None:
    """Make ``writer`` (a SegmentWriter) write its postings through ``pool.write``."""

    def flush():
        writer.perdocwriter.close()
        reader = writer.per_document_reader() if writer.codec.length_stats else None
        pool.write(writer.fieldwriter, writer.schema, reader)
        writer.fieldwriter.close()
        if reader:
            reader.close()

    writer._flush_segment = flush


class IndexUnavailable(Exception):
    """The index could not be written (locked for too long, or the folder is read-only)."""


TEXT_FIELD = "alltext"
COMBINED_B = 0.3


class _Layout:
    """How a spec's documents are held in Whoosh: its schema with one scored ``alltext`` field
    for all its text fields, and the title (the most boosted text field) kept for a boost."""

    def __init__(self, spec: IndexSpec):
        self.spec = spec
        fields = list(spec.text_fields)
        self.combined = len(fields) > 1
        if not self.combined:
            self.schema, self.text, self.title, self.dropped = _fast_schema(spec.schema.copy()), (fields[0] if fields else None), None, set()
            self.title_boost = 0.0
            return
        ordered = sorted(fields, key=lambda f: -spec.text_fields[f])
        self.title = ordered[0]
        self.text = TEXT_FIELD
        # The title counts its own weight relative to the rest (3 against 1 for consultations).
        rest = [spec.text_fields[f] for f in ordered[1:]]
        self.title_boost = max(spec.text_fields[self.title] / (min(rest) if rest else 1.0) - 1.0, 0.5)
        schema = spec.schema.copy()
        analyzer = schema[self.title].analyzer
        self.dropped = set()
        for name in ordered[1:]:
            stored = schema[name].stored
            schema.remove(name)
            if stored:
                schema.add(name, STORED())
            else:
                self.dropped.add(name)
        schema.add(TEXT_FIELD, TEXT(analyzer=analyzer))
        self.schema = _fast_schema(schema)
        self.fields = ordered

    def document(self, doc: dict) -> dict:
        if not self.combined:
            return doc
        out = {k: v for k, v in doc.items() if k not in self.dropped}
        out[TEXT_FIELD] = " \n ".join(str(doc.get(f) or "") for f in self.fields if doc.get(f))
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
        self._segments: dict[tuple[str, object], wquery.SegmentData] = {}
        self.layouts: dict[str, _Layout] = {}

    # ---- opening -----------------------------------------------------------------------
    def register(self, spec: IndexSpec) -> None:
        self.specs[spec.name] = spec
        self.layouts[spec.name] = _Layout(spec)

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
            schema = self.layouts[name].schema
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

    def state(self, name: str) -> tuple[str, int]:
        """Where ``name`` stands: its live generation and the number of its last commit (both
        move on with every write), for a page kept while they stay (engage/core/pagecache.py)."""
        ix = self.index(name)
        return self._indexes[name][0], ix.latest_generation()

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

    def view(self, name: str, searcher=None) -> wquery.View:
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
                    data = wquery.SegmentData()
                else:
                    keep.add((name, segid))
                    data = self._segments.get((name, segid))
                    if data is None:
                        data = self._segments[(name, segid)] = wquery.SegmentData()
                leaves.append((leaf, offset, data))
            for stale in [k for k in list(self._segments) if k[0] == name and k not in keep]:
                self._segments.pop(stale, None)
            view = views[name] = wquery.View(searcher, leaves)
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
            layout = self.layouts[name]
            for owner, docs in owners.items():
                writer.delete_by_term("owner", owner)
                for doc in docs or []:
                    writer.add_document(**layout.document(doc))
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
        layout = self.layouts[name]
        store = self.store(name)
        handle, generation = store.start_rebuild()
        swapped = False
        try:
            path = store.path(generation)
            ix = windex.create_in(str(path), layout.schema)
            writer = ix.writer(limitmb=self.rebuild_mb, procs=1)
            writer.pool = _TermPool(writer.pool)
            _write_segment_directly(writer, writer.pool)
            count = 0
            try:
                for docs in documents:
                    for doc in docs:
                        writer.add_document(**layout.document(doc))
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

    def documents(self, name: str, **terms) -> list[dict]:
        """The stored fields of every document holding each ``field=value`` term."""
        return list(self.searcher(name).documents(**terms))

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
        counts, highlighted snippets and a "did you mean" suggestion. ``fields`` is accepted
        for compatibility and ignored: the spec's text fields are searched together."""
        spec = self.specs[name]
        layout = self.layouts[name]
        searcher = self.searcher(name)
        view = self.view(name, searcher)
        view.begin(text)
        text, message, query, docs = self._match(name, searcher, view, text, filters)
        page = max(1, min(int(page or 1), 1000))
        pagelen = max(1, int(pagelen or 20))
        facets = list(facets)
        candidates = np.flatnonzero(docs)
        total = len(candidates)
        wanted = page * pagelen
        terms = wquery.scoring_terms(query) if query is not None else []
        scores = None
        if terms:
            scores = np.zeros(view.size, dtype=np.float64)
            for field, word in terms:
                # The combined field mixes short documents (a question) with long ones (a
                # consultation with its summary and findings): weaker length normalisation
                # there, so a long record is not buried for being long.
                view.bm25(scores, docs, field, word, 1.0, b=COMBINED_B if field == TEXT_FIELD else wquery.B)
                if layout.title and field == layout.text:
                    view.bm25(scores, docs, layout.title, word, layout.title_boost, b=COMBINED_B)
            chosen = wquery.top(scores, candidates, wanted)
        elif sort:
            chosen = wquery.top(view.sort_keys(sort), candidates, wanted, descending=reverse)
        else:
            chosen = candidates[:wanted]
        page_docs = chosen[(page - 1) * pagelen: page * pagelen]

        words = {w for f, w in terms}
        formatter = HtmlFormatter(tagname="mark", classname="engage-highlight", between=" … ")
        analyzer = searcher.schema[layout.text].analyzer if (words and layout.text) else None
        hits = []
        for docnum in page_docs:
            fields_ = dict(searcher.stored_fields(int(docnum)))
            highlights = {}
            for field_name in highlight:
                stored = fields_.get(field_name)
                if analyzer is not None and stored:
                    # Short text (a title) is shown whole; long text as snippets around the words.
                    fragmenter = WholeFragmenter() if len(stored) <= 220 else ContextFragmenter(maxchars=220, surround=60)
                    snippet = _highlight(stored, words, analyzer, fragmenter, formatter)
                    if snippet:
                        highlights[field_name] = snippet
            score = float(scores[docnum]) if scores is not None else 0.0
            hits.append(Hit(fields=fields_, score=score, highlights=highlights))

        facet_counts = view.facet_counts(docs, facets) if facets else {}
        suggestion = self._suggest(searcher, spec, text, view) if text else None
        return Results(query=text, total=total, page=page, pagelen=pagelen, hits=hits,
                       facets=facet_counts, suggestion=suggestion, message=message)

    def _match(self, name, searcher, view, text, filters):
        """(text as searched, message, query, matched documents as a boolean array): every
        word must match, falling back to any word when nothing has them all."""
        layout = self.layouts[name]
        text = (text or "").strip()
        message = None
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH]
            message = shortened_message(MAX_QUERY_LENGTH)
        allow = view.filter_mask(filters)

        def matched(q) -> np.ndarray:
            mask = view.match(q)
            mask &= view.live
            if allow is not None:
                mask &= allow
            return mask

        query = None
        if text and layout.text:
            query = self._parse(text, layout.text, AndGroup, searcher.schema)
            docs = matched(query)
            if not docs.any() and len(_WORD.findall(text)) > 1:
                query = self._parse(text, layout.text, OrGroup, searcher.schema)
                docs = matched(query)
        else:
            docs = matched(Every())
        return text, message, query, docs

    def facet_counts(self, name: str, text: str, *, filters=None, facets: Iterable[str] = ()) -> dict[str, dict[str, int]]:
        """The facet counts ``search`` would give for this text and these filters, without
        scoring, reading or suggesting anything (e.g. a facet's counts without its own
        filter, next to the main search of the same text). The words' postings decoded by
        the search just before, for the same text, are used again."""
        searcher = self.searcher(name)
        view = self.view(name, searcher)
        view.begin(text, keep=True)
        _text, _message, _query, docs = self._match(name, searcher, view, text, filters)
        return view.facet_counts(docs, list(facets))

    @staticmethod
    def _parse(text, field, group, schema):
        parser = QueryParser(field, schema, group=group)
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
    def _suggest(searcher, spec: IndexSpec, text: str, view=None) -> str | None:
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
        if view is not None:
            def suggest(word, limit, maxdist, prefix):
                return view.suggest(field, word, maxdist, prefix, limit)
        else:
            corrector = reader.corrector(field)

            def suggest(word, limit, maxdist, prefix):
                return corrector.suggest(word, limit=limit, maxdist=maxdist, prefix=prefix)
        changed, out = False, []
        for word in words:
            if len(word) < 3 or len(word) > 30 or word.isdigit() or _live(reader, field, word):
                out.append(word)
                continue
            candidate = _nearest(suggest, word, lambda w: _live(reader, field, w))
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


def _nearest(suggest, word: str, live) -> str | None:
    """The most frequent live word one edit away, else two edits away (words of five
    letters or more). Whoosh's own ranking ignores the distance, so nearer words are tried
    first here; keeping the first letter (prefix=1) keeps it fast on large indexes."""
    for maxdist, prefix in ((1, 1), (2, 1), (1, 0)):
        if maxdist == 2 and len(word) < 5:
            continue
        try:
            candidates = suggest(word, 8, maxdist, prefix)
        except Exception:
            candidates = []
        for candidate in candidates:
            if live(candidate):
                return candidate
    return None


def _highlight(text, words, analyzer, fragmenter, formatter) -> str:
    try:
        return highlight(text, words, analyzer, fragmenter, formatter, top=2)
    except Exception:  # a snippet is a nicety: never fail a search over it
        return ""
