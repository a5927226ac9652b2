"""Rules for the toolkit. Services change state and flush; the view commits once.

- ``check_entry`` validates an entry's fields; the file loader and the officers' form both
  use it, so a file and a site edit obey the same rules.
- Every change to an entry adds a full revision (who, when, why); restoring an old revision
  adds a new one, so history is never rewritten.
- Once an entry is changed in the site its ``source`` is "site" and ``toolkit-load`` leaves
  it alone; ``use_file_version`` hands it back to the file.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER, VCS
from ..core.params import Query
from ..core import audit, concurrency, transitions, workflows
from ..core.errors import RuleError, not_found
from ..core.i18n import N_, gettext, ngettext
from ..core.params import to_id
from ..core.models import utcnow
from ..core.sanitise import clean_text
from ..extensions import db
from .indexing import FACETS, INDEX, STEMMING
from .models import (
    AUDIENCES,
    COSTS,
    GROUP_SIZES,
    KINDS,
    LIST_FIELDS,
    META_FIELDS,
    PURPOSES,
    TIMES,
    SUGGESTION_STATUSES,
    ToolkitEntry,
    ToolkitFeedback,
    ToolkitRevision,
    ToolkitSuggestion,
)

# Who may do what (officers hold every role).
EDITORS = (OFFICER,)
# VCS group members suggest edits too: the partners asked for it, and the README says so.
SUGGESTERS = (VCS, PRACTITIONER, COORDINATOR)


def get_entry(slug: str) -> ToolkitEntry:
    slug = str(slug)
    # Only a well-formed slug reaches the database (a NUL byte is refused by PostgreSQL).
    entry = db.session.scalar(select(ToolkitEntry).where(ToolkitEntry.slug == slug)) if len(slug) <= 80 and SLUG.match(slug) else None
    if entry is None:
        not_found("There is no toolkit entry at this address. It may have been renamed: search the toolkit instead.")
    return entry


def all_entries(kind: str | None = None) -> list[ToolkitEntry]:
    query = select(ToolkitEntry).order_by(ToolkitEntry.title)
    if kind:
        query = query.where(ToolkitEntry.kind == kind)
    return db.session.scalars(query).all()


def slugs() -> set[str]:
    return set(db.session.scalars(select(ToolkitEntry.slug)))


# ---- validation --------------------------------------------------------------------------

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Addresses the toolkit's own pages use, so no entry may take them.
RESERVED_SLUGS = {"choose", "suggestions", "new", "feedback"}
RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)
METHOD_HEADINGS = ["What it is", "When to use it", "When not to use it", "Step by step", "What it costs",
                   "Pitfalls", "Making it accessible", "Example", "Checklist"]
LIMITS = {"title": 120, "summary": 200, "accessibility": 1000, "body": 100_000}
LABELS = {
    "title": "Title", "summary": "Summary", "purpose": "Purpose", "audiences": "Good for", "group_size": "Group size",
    "time_needed": "Time needed", "cost": "Cost", "skills": "Skills needed", "accessibility": "Accessibility notes",
    "related": "Related entries", "keywords": "Extra search words", "body": "Content",
}
VOCABULARIES = {"purpose": PURPOSES, "audiences": AUDIENCES, "group_size": GROUP_SIZES, "time_needed": TIMES, "cost": COSTS}


def _as_list(value) -> list | None:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def check_entry(raw: dict, kind: str, known_slugs: set[str] | None = None, slug: str | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """Validate and tidy an entry's fields. Returns (data, [(field, message)]).

    ``raw`` holds title, summary, body and the fields in ``META_FIELDS``, from a file's
    front matter or a form. ``known_slugs`` (when given) are the entries ``related`` may name.
    """
    errors: list[tuple[str, str]] = []
    data: dict = {}
    method = kind == "method"
    if kind not in KINDS:
        errors.append(("kind", "must be 'method' or 'guide'"))

    for name in ("title", "summary"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            errors.append((name, f"is required: enter the {LABELS[name].lower()} as plain text"))
            continue
        value = clean_text(value)
        if len(value) > LIMITS[name]:
            errors.append((name, f"must be {LIMITS[name]} characters or fewer (it has {len(value)})"))
        data[name] = value

    for name in LIST_FIELDS:
        values = _as_list(raw.get(name))
        if values is None or any(not isinstance(v, str) for v in values):
            errors.append((name, "must be a list of words, one per line"))
            data[name] = []
            continue
        tidy = []
        for v in (clean_text(v) for v in values):
            if v and v not in tidy:
                tidy.append(v)
        data[name] = tidy

    for name in ("purpose", "audiences"):
        vocab = VOCABULARIES[name]
        wrong = [v for v in data[name] if v not in vocab]
        if wrong:
            errors.append((name, f"has {', '.join(repr(w) for w in wrong)}, which is not one of: {', '.join(vocab)}"))
        elif method and not data[name]:
            errors.append((name, f"is required for a method: give one or more of {', '.join(vocab)}"))

    for name in ("group_size", "time_needed", "cost"):
        value = raw.get(name)
        value = value.strip() if isinstance(value, str) else value
        vocab = VOCABULARIES[name]
        if not method:
            if value not in (None, ""):
                errors.append((name, "is only for methods: leave it out of a guide"))
            data[name] = None
        elif value in (None, ""):
            errors.append((name, f"is required for a method: give one of {', '.join(vocab)}"))
        elif value not in vocab:
            errors.append((name, f"must be one of {', '.join(vocab)} (it is {str(value)[:40]!r})"))
        else:
            data[name] = value

    accessibility = raw.get("accessibility")
    if accessibility is not None and not isinstance(accessibility, str):
        errors.append(("accessibility", "must be one or two plain sentences"))
        accessibility = ""
    accessibility = clean_text(accessibility or "")
    if method and not accessibility:
        errors.append(("accessibility", "is required for a method: one or two sentences on access needs"))
    elif not method and accessibility:
        errors.append(("accessibility", "is only for methods: leave it out of a guide"))
    elif len(accessibility) > LIMITS["accessibility"]:
        errors.append(("accessibility", f"must be {LIMITS['accessibility']} characters or fewer"))
    data["accessibility"] = accessibility

    if method and not data["skills"]:
        errors.append(("skills", "is required for a method: list the skills needed, such as facilitation"))
    elif not method and data["skills"]:
        errors.append(("skills", "is only for methods: leave it out of a guide"))
    for name, most, longest in (("skills", 20, 60), ("keywords", 40, 60)):
        if len(data[name]) > most:
            errors.append((name, f"can have at most {most} items"))
        elif any(len(v) > longest for v in data[name]):
            errors.append((name, f"each item must be {longest} characters or fewer"))

    bad = [r for r in data["related"] if not SLUG.match(r)]
    if bad:
        errors.append(("related", f"must be entry names like 'focus-group' ({', '.join(repr(b) for b in bad[:3])} is not)"))
    elif slug and slug in data["related"]:
        errors.append(("related", "cannot include the entry itself"))
    elif known_slugs is not None:
        missing = [r for r in data["related"] if r not in known_slugs]
        if missing:
            errors.append(("related", f"names entries that are not in the toolkit: {', '.join(missing)}"))
    if len(data["related"]) > 30:
        errors.append(("related", "can have at most 30 entries"))

    body = raw.get("body")
    if not isinstance(body, str) or not body.strip():
        errors.append(("body", "is empty: write the entry in Markdown under the front matter"))
        body = ""
    body = clean_text(body.replace("\r\n", "\n"))
    data["body"] = body
    if body:
        if len(body) > LIMITS["body"]:
            errors.append(("body", f"must be {LIMITS['body']:,} characters or fewer"))
        elif RAW_HTML.search(body):
            errors.append(("body", "contains HTML: use Markdown only (for example ## for a heading, - for a list item)"))
        else:
            headings = [h.strip() for h in HEADING.findall(body)]
            if method:
                missing = [h for h in METHOD_HEADINGS if h not in headings]
                order = [h for h in headings if h in METHOD_HEADINGS]
                if missing:
                    errors.append(("body", "is missing the heading" + ("s " if len(missing) > 1 else " ")
                                   + ", ".join(f"'## {h}'" for h in missing)))
                elif order != METHOD_HEADINGS:
                    errors.append(("body", "must have its headings in this order: " + ", ".join(METHOD_HEADINGS)))
            else:
                if len(headings) < 4:
                    errors.append(("body", "needs at least four '## ' headings"))
                elif headings[-1] != "Checklist":
                    errors.append(("body", "must end with a '## Checklist' section"))
    return data, errors


# ---- changing entries --------------------------------------------------------------------

def snapshot(entry) -> dict:
    return {"title": entry.title, "summary": entry.summary, "body": entry.body,
            "meta": {name: _copy(getattr(entry, name)) for name in META_FIELDS}}


def _copy(value):
    return list(value) if isinstance(value, list) else value


def _apply(entry: ToolkitEntry, data: dict) -> None:
    for name in ("title", "summary", "body", *META_FIELDS):
        if name in data:
            setattr(entry, name, _copy(data[name]))


def _add_revision(actor, entry: ToolkitEntry, action: str, reason: str, suggestion=None) -> ToolkitRevision:
    # Every revision is a new edit version, so a form opened before it conflicts (concurrency.py).
    concurrency.bump(entry)
    entry.revision_number = (entry.revision_number or 0) + 1
    entry.updated_at = utcnow()
    entry.updated_by_id = getattr(actor, "id", None)
    snap = snapshot(entry)
    revision = ToolkitRevision(entry=entry, number=entry.revision_number, author_id=getattr(actor, "id", None),
                               action=action, reason=clean_text(reason, 300), suggestion=suggestion,
                               title=snap["title"], summary=snap["summary"], meta=snap["meta"], body=snap["body"])
    db.session.add(revision)
    try:
        concurrency.flush(entry)
    except IntegrityError:
        # Another officer's change took this revision number in the same moment. The caller
        # rolls back on RuleError, so nothing is half-saved and nobody sees a 500.
        raise RuleError("Someone else changed this entry at the same moment, so your change has not been saved. "
                        "Look at the latest version in the history, then make your change again.") from None
    return revision


def _changed(entry: ToolkitEntry, data: dict) -> bool:
    current = snapshot(entry)
    flat = {"title": current["title"], "summary": current["summary"], "body": current["body"], **current["meta"]}
    return any(flat.get(k) != v for k, v in data.items() if k in flat)


def create_entry(actor, slug: str, kind: str, data: dict, reason: str, *, source: str = "site",
                 file_path: str | None = None, file_hash: str | None = None) -> ToolkitEntry:
    if not SLUG.match(slug or "") or len(slug) > 80 or slug in RESERVED_SLUGS:
        raise RuleError("Enter a short web name using lower-case letters, numbers and hyphens, like focus-group", "slug")
    if db.session.scalar(select(ToolkitEntry.id).where(ToolkitEntry.slug == slug)) is not None:
        raise RuleError("There is already an entry with this web name. Choose another.", "slug")
    entry = ToolkitEntry(slug=slug, kind=kind, source=source, file_path=file_path, file_hash=file_hash,
                         file_changed=False, revision_number=0, created_at=utcnow())
    _apply(entry, data)
    db.session.add(entry)
    _add_revision(actor, entry, "file" if source == "file" else "edit", reason)
    db.session.flush()
    if actor is not None:
        audit.record(actor, "create", entry, f"Added toolkit entry “{entry.title}”", changes={"slug": [None, slug]})
    return entry


def _field_changes(entry: ToolkitEntry, data: dict, new_number: int) -> dict:
    """What an edit changes, for the audit trail and edit conflicts: short fields in full,
    the content by revision number (the history compares revisions line by line)."""
    out = {}
    for name in ("title", "summary", *META_FIELDS):
        if name in data and _copy(getattr(entry, name)) != data[name]:
            out[name] = [_copy(getattr(entry, name)), _copy(data[name])]
    if "body" in data and entry.body != data["body"]:
        out["body"] = [f"The content of revision {new_number - 1}",
                       f"The content of revision {new_number} (compare them in the entry's history)"]
    return out


def edit_entry(actor, entry: ToolkitEntry, data: dict, reason: str, version=concurrency.UNCHECKED) -> ToolkitRevision | None:
    """An officer's edit. Returns the new revision, or None when nothing changed. ``version``
    is the edit version the form was loaded from (engage/core/concurrency.py)."""
    concurrency.check(entry, version)
    if not _changed(entry, data):
        return None
    changes = _field_changes(entry, data, (entry.revision_number or 0) + 1)
    _apply(entry, data)
    entry.source = "site"
    revision = _add_revision(actor, entry, "edit", reason)
    audit.record(actor, "update", entry, f"Edited toolkit entry “{entry.title}” (revision {revision.number})",
                 changes={**changes, "revision": [revision.number - 1, revision.number]})
    concurrency.flush(entry)
    return revision


def update_from_file(entry: ToolkitEntry, kind: str, data: dict, file_path: str, file_hash: str) -> ToolkitRevision:
    return _follow_file(None, entry, kind, data, file_path, file_hash, f"The file toolkit/{file_path} had changed")


def _follow_file(actor, entry: ToolkitEntry, kind: str, data: dict, file_path: str, file_hash: str, why: str) -> ToolkitRevision:
    """The entry takes the file's content and follows the file from now on; a revision says why."""
    entry.kind = kind
    _apply(entry, data)
    entry.source = "file"
    entry.file_path = file_path
    entry.file_hash = file_hash
    entry.file_changed = False
    revision = _add_revision(actor, entry, "file", why)
    db.session.flush()
    return revision


def get_revision(entry: ToolkitEntry, number: int) -> ToolkitRevision:
    revision = None
    if to_id(number):
        revision = db.session.scalar(select(ToolkitRevision).where(ToolkitRevision.entry_id == entry.id, ToolkitRevision.number == number))
    if revision is None:
        not_found(f"“{entry.title}” has no revision {number}.")
    return revision


def restore_revision(actor, entry: ToolkitEntry, revision: ToolkitRevision, reason: str = "") -> ToolkitRevision:
    if revision.number == entry.revision_number:
        raise RuleError("This is already the current version, so there is nothing to restore.")
    data = {"title": revision.title, "summary": revision.summary, "body": revision.body,
            **{k: _copy(v) for k, v in (revision.meta or {}).items() if k in META_FIELDS}}
    _apply(entry, data)
    entry.source = "site"
    why = f"Restored revision {revision.number}" + (f": {reason}" if reason else "")
    new = _add_revision(actor, entry, "restore", why)
    db.session.flush()
    audit.record(actor, "update", entry, f"Restored revision {revision.number} of toolkit entry “{entry.title}”", changes={"revision": [new.number - 1, new.number]})
    return new


def use_file_version(actor, entry: ToolkitEntry, kind: str, data: dict, file_path: str, file_hash: str) -> ToolkitRevision:
    """Hand an entry edited in the site back to its file (the loader checks the file first)."""
    revision = _follow_file(actor, entry, kind, data, file_path, file_hash, f"Went back to the file toolkit/{file_path}")
    audit.record(actor, "update", entry, f"Toolkit entry “{entry.title}” now follows its file again", changes={"source": ["site", "file"]})
    return revision


# ---- suggestions -------------------------------------------------------------------------

def suggest(actor, entry: ToolkitEntry, title: str, summary: str, body: str, reason: str) -> ToolkitSuggestion:
    if not actor.has_role(*SUGGESTERS):
        raise RuleError("Only people with an account (VCS group members, practitioners, coordinators and officers) can suggest changes.")
    # Tidied as every other change to an entry is (check_entry): browsers send CRLF line ends.
    title, summary = clean_text(title), clean_text(summary)
    body = clean_text((body or "").replace("\r\n", "\n"))
    if entry.title == title and entry.summary == summary and entry.body == body:
        raise RuleError("Your suggestion is the same as the page now. Change the text, then send it.", "body")
    suggestion = ToolkitSuggestion(entry=entry, author_id=actor.id, base_revision=entry.revision_number,
                                   title=title, summary=summary, body=body, reason=clean_text(reason, 1000), status="pending")
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def get_suggestion(suggestion_id: int) -> ToolkitSuggestion:
    suggestion = db.session.get(ToolkitSuggestion, suggestion_id) if to_id(suggestion_id) else None
    if suggestion is None:
        not_found("There is no such suggestion. It may have been removed with its entry.")
    return suggestion


# A suggested change waits for an officer's decision (engage/core/workflows.py).
SUGGESTION_WORKFLOW = workflows.register(workflows.Workflow(
    name="toolkit.suggestion", title=N_("Suggested change"), states=dict(SUGGESTION_STATUSES), start="pending",
    final={"accepted", "declined"}, roles={OFFICER: N_("a partnership officer")},
    steps=lambda: [
        workflows.step("accept", N_("Accept"), "pending", "accepted", {OFFICER},
                       does=N_("Changes the toolkit page to the suggested words and keeps the old words in its history.")),
        workflows.step("decline", N_("Decline"), "pending", "declined", {OFFICER},
                       does=N_("Leaves the page as it is. The person who suggested it sees why.")),
    ],
    state_of=lambda suggestion: suggestion.status,
    may=lambda step, suggestion, user: bool(user is not None and getattr(user, "is_authenticated", False)
                                            and user.has_role(*EDITORS))))


def _decide(actor, suggestion: ToolkitSuggestion, status: str, note: str) -> None:
    if not actor.has_role(*EDITORS):
        raise RuleError("Only partnership officers can decide on suggestions.")
    if suggestion.status != "pending":
        raise RuleError(f"This suggestion has already been {suggestion.status}.")
    # Once: of two officers deciding at the same moment, only one finds it still pending.
    try:
        transitions.compare_and_set(suggestion, {"status": "pending"},
                                    {"status": status, "decided_by_id": actor.id, "decided_at": utcnow()})
    except transitions.AlreadyMoved as error:
        if not error.current:
            raise
        raise transitions.AlreadyMoved(f"Someone else has just decided on this suggestion: it has been "
                                       f"{error.current['status']}. Nothing was changed.", error.current) from None
    suggestion.decision_note = clean_text(note, 1000)


def accept_suggestion(actor, suggestion: ToolkitSuggestion, note: str = "") -> ToolkitRevision:
    entry = suggestion.entry
    _decide(actor, suggestion, "accepted", note)
    _apply(entry, {"title": suggestion.title, "summary": suggestion.summary, "body": suggestion.body})
    entry.source = "site"
    who = suggestion.author.name if suggestion.author else "a former user"
    revision = _add_revision(actor, entry, "suggestion", f"{who} said: {suggestion.reason}", suggestion=suggestion)
    db.session.flush()
    audit.record(actor, "update", entry, f"Accepted a suggested change to toolkit entry “{entry.title}”", changes={"revision": [revision.number - 1, revision.number]})
    return revision


def decline_suggestion(actor, suggestion: ToolkitSuggestion, note: str) -> None:
    if not clean_text(note):
        raise RuleError("Say why you are declining it, so the person who suggested it knows", "note")
    _decide(actor, suggestion, "declined", note)
    db.session.flush()


def pending_suggestions_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ToolkitSuggestion).where(ToolkitSuggestion.status == "pending")) or 0


# ---- feedback ----------------------------------------------------------------------------

def add_feedback(entry: ToolkitEntry, useful: bool, comment: str) -> ToolkitFeedback:
    item = ToolkitFeedback(entry=entry, useful=bool(useful), comment=clean_text(comment, 1200))
    db.session.add(item)
    db.session.flush()
    return item


def feedback_counts() -> dict[int, dict[str, int]]:
    rows = db.session.execute(select(ToolkitFeedback.entry_id, ToolkitFeedback.useful, func.count()).group_by(ToolkitFeedback.entry_id, ToolkitFeedback.useful))
    out: dict[int, dict[str, int]] = {}
    for entry_id, useful, count in rows:
        out.setdefault(entry_id, {"yes": 0, "no": 0})["yes" if useful else "no"] += count
    return out


# ---- diffs -------------------------------------------------------------------------------

def as_text(version) -> str:
    """A revision, entry or suggestion as lines of text, for comparing versions."""
    meta = getattr(version, "meta", None)
    if meta is None:
        meta = {name: getattr(version, name, None) for name in META_FIELDS}
    lines = [f"Title: {version.title}", f"Summary: {version.summary}"]
    for name in META_FIELDS:
        value = meta.get(name)
        if isinstance(value, list):
            value = ", ".join(value)
        lines.append(f"{LABELS[name]}: {value or ''}")
    return "\n".join(lines) + "\n\n" + (version.body or "")


@dataclass
class DiffLine:
    kind: str  # same | removed | added
    text: str
    old: int | None = None
    new: int | None = None


def diff(old_text: str, new_text: str, context: int = 2) -> list[list[DiffLine]]:
    """Changed lines with a little context around them, in hunks (difflib)."""
    a, b = old_text.splitlines(), new_text.splitlines()
    hunks = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        hunk = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk += [DiffLine("same", a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            if tag in ("replace", "delete"):
                hunk += [DiffLine("removed", a[i], old=i + 1) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                hunk += [DiffLine("added", b[j], new=j + 1) for j in range(j1, j2)]
        hunks.append(hunk)
    return hunks


# ---- search ------------------------------------------------------------------------------

# Marked for the catalogue (N_) and translated where shown.
FACET_LABELS = {"kind": N_("Kind"), "purpose": N_("Purpose"), "audience": N_("Good for"), "group_size": N_("Group size"),
                "time": N_("Time needed"), "cost": N_("Cost")}
FACET_VALUES = {"kind": {"method": N_("Methods"), "guide": N_("Guides")}, "purpose": PURPOSES, "audience": AUDIENCES,
                "group_size": GROUP_SIZES, "time": TIMES, "cost": COSTS}
MAX_QUERY_INPUT = 10_000


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1

    @property
    def active(self) -> list[tuple[str, str]]:
        return [(name, value) for name in FACETS for value in self.filters.get(name, [])]

    def args(self, **changes) -> list[tuple[str, str]]:
        """The query-string pairs for this state (optionally changed), for links."""
        q = changes.get("q", self.q)
        pairs = [("q", q)] if q else []
        remove = changes.get("remove")
        for name, value in self.active:
            if (name, value) != remove:
                pairs.append((name, value))
        page = changes.get("page", 1 if remove else self.page)
        if page and page > 1:
            pairs.append(("page", str(page)))
        return pairs


def read_params(args) -> SearchParams:
    """The search state from a query string; values we do not know are dropped, never a 500."""
    args = Query(args)
    q = clean_text(args.text("q", MAX_QUERY_INPUT))[:MAX_QUERY_INPUT]
    filters = {}
    for name in FACETS:
        values = [value for value in args.texts(name, limit=50) if value in FACET_VALUES[name]]
        if values:
            filters[name] = values
    return SearchParams(q=q, filters=filters, page=args.page("page", last=1000))


@dataclass
class SearchResult:
    slug: str
    title: str
    kind: str
    summary: str
    snippet: Markup | None
    purpose: list[str]
    audiences: list[str]
    group_size: str | None
    time_needed: str | None
    cost: str | None
    score: float


@dataclass
class ToolkitResults:
    params: SearchParams
    total: int
    page: int
    pages: int
    results: list[SearchResult]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    message: str | None
    capped: bool = False  # more matched than the backend counts: ``total`` is a floor (``Results.capped``)


def _split(value) -> list[str]:
    return [v for v in str(value or "").split(",") if v]


_WORDS = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 240


def snippet_pattern(query: str):
    """One regular expression for the query's stems and words, as word prefixes."""
    if not query:
        return None
    terms = {t.text for t in STEMMING(query)} | {w.lower() for w in _WORDS.findall(query) if has_words(w)}
    terms = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)[:30]
    if not terms:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)


def snippet(text: str | None, query, pattern=None) -> Markup | None:
    """The part of ``text`` that best matches ``query``, with the matching words in <mark>.

    Whoosh's own highlighter stems every word of every hit (too slow for a results page), so
    this matches the query's stems and words as word prefixes with one regular expression.
    ``pattern`` (from ``snippet_pattern``) saves building it again for each result.
    """
    pattern = pattern or snippet_pattern(query)
    if not text or pattern is None:
        return None
    wanted = pattern.pattern.count("|") + 1
    matches = []
    for match in pattern.finditer(text):
        matches.append(match)
        if len(matches) >= 60:
            break
    if not matches:
        return None
    # The window of text with the most different matching words (a sliding window).
    best, best_score, end = 0, -1, 0
    for i, first in enumerate(matches):
        limit = first.start() + SNIPPET_CHARS - 40
        end = max(end, i)
        while end + 1 < len(matches) and matches[end + 1].end() <= limit:
            end += 1
        score = len({m.group(0).lower()[:6] for m in matches[i:end + 1]})
        if score > best_score:
            best, best_score = i, score
        if best_score >= wanted:
            break
    start = matches[best].start()
    sentence = max(text.rfind(". ", max(0, start - 80), start), -1)
    start = sentence + 2 if sentence >= 0 else max(0, text.rfind(" ", 0, max(0, start - 40)) + 1)
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out, pos = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        out.append(escape(text[pos:match.start()]))
        out.append(Markup('<mark class="engage-highlight">%s</mark>') % text[match.start():match.end()])
        pos = match.end()
    out.append(escape(text[pos:end]))
    return Markup("%s%s%s") % ("… " if start > 0 else "", Markup("").join(out), " …" if end < len(text) else "")


def has_words(text: str) -> bool:
    return any(True for _ in STEMMING(text or ""))


def run_search(search, params: SearchParams, pagelen: int = 20, highlight: bool = True) -> ToolkitResults:
    """Search the toolkit index through ``search`` (the search backend).

    Filters combine: values of one facet are ORed, facets are ANDed. Each facet's counts
    leave out that facet's own filter, so a count says how many entries you would get by
    ticking that value as well.
    """
    text = params.q
    message = None
    if text and not has_words(text):
        message = gettext("Your search did not have any words we could look for, so all entries are shown. "
                          "Try words like “survey” or “young people”.")
        text = ""

    def clauses(skip=None):
        return [[(name, v) for v in values] for name, values in params.filters.items() if name != skip and values]

    active = [name for name in FACETS if params.filters.get(name)]

    def main_search(page):
        return search.search(INDEX, text, filters=clauses(), facets=[f for f in FACETS if f not in active],
                             page=page, pagelen=pagelen, sort=None if text else "sort_title")

    main = main_search(params.page)
    if main.total and params.page > main.pages:  # an old link past the end shows the last page
        main = main_search(main.pages)
    facets = dict(main.facets)
    # A backend that can count without searching again (Whoosh) is asked for counts only.
    counts_only = getattr(search, "facet_counts", None)
    for name in active:
        if counts_only is not None:
            facets[name] = counts_only(INDEX, text, filters=clauses(skip=name), facets=[name]).get(name, {})
        else:  # only the counts are wanted: in title order, so the matches are not ranked for them
            extra = search.search(INDEX, text, filters=clauses(skip=name), facets=[name], page=1, pagelen=1, sort="sort_title")
            facets[name] = extra.facets.get(name, {})
    ordered = {}
    for name in FACETS:
        counts = facets.get(name, {})
        ordered[name] = {value: counts.get(value, 0) for value in FACET_VALUES[name]}

    pattern = snippet_pattern(text) if highlight else None
    results = []
    for hit in main.hits:
        f = hit.fields
        results.append(SearchResult(
            slug=f.get("slug", ""), title=f.get("title", ""), kind=f.get("kind", ""), summary=f.get("summary", ""),
            snippet=snippet(f.get("body"), text, pattern) if pattern else None, purpose=_split(f.get("purpose")), audiences=_split(f.get("audience")),
            group_size=f.get("group_size"), time_needed=f.get("time"), cost=f.get("cost"), score=hit.score,
        ))
    return ToolkitResults(params=params, total=main.total, page=min(params.page, main.pages), pages=main.pages,
                          results=results, facets=ordered, suggestion=main.suggestion,
                          message=" ".join(m for m in (message, main.message) if m) or None, capped=main.capped)


# ---- the method chooser ------------------------------------------------------------------

SCALE = {"group_size": ["small", "medium", "large"], "time_needed": ["days", "weeks", "months"], "cost": ["low", "medium", "high"]}
SPECTRUM = list(PURPOSES)


@dataclass
class Recommendation:
    entry: ToolkitEntry
    score: int
    reason: str                 # every way it fits: the sentences of ``fits`` one after another
    caution: str | None = None  # kept for callers; a recommendation never breaks an answer
    fits: list[str] = field(default_factory=list)  # why it fits: one whole sentence per answer (one per group of people)


@dataclass
class GuidePick:
    entry: ToolkitEntry
    reason: str


@dataclass
class Widening:
    """If one answer changed, this many more methods would fit."""
    answer: str      # the form field to change
    value: str       # its new value
    text: str        # the link's words in the reader's language, e.g. "With a budget of £500 to £5,000"
    more: int


# Why a method fits, one whole sentence per answer (marked for the catalogue and translated
# where they are made): never built from pieces, so each language words them its own way.
GOOD_FOR = {
    "inform": N_("Good for telling people about a plan or decision."),
    "consult": N_("Good for finding out what people think."),
    "involve": N_("Good for working with people to shape ideas."),
    "collaborate": N_("Good for planning and deciding things together."),
    "empower": N_("Good for letting people decide for themselves."),
}
WORKS_WITH = {
    "residents": N_("Works well with residents."),
    "young-people": N_("Works well with young people."),
    "older-people": N_("Works well with older people."),
    "families": N_("Works well with families."),
    "businesses": N_("Works well with businesses."),
    "vcs-groups": N_("Works well with voluntary and community groups."),
    "service-users": N_("Works well with service users."),
    "seldom-heard": N_("Works well with people who are seldom heard."),
    "disabled-people": N_("Works well with disabled people."),
    "minority-ethnic-communities": N_("Works well with minority ethnic communities."),
    "staff-and-partners": N_("Works well with staff and partners."),
}
SUITS = {
    "small": N_("Suits up to 15 people."),
    "medium": N_("Suits 15 to 100 people."),
    "large": N_("Suits more than 100 people."),
}
# (time it needs, within the time you have with some to spare)
TAKES = {
    ("days", False): N_("Can be done in a few days."),
    ("days", True): N_("Can be done in a few days, well within your time."),
    ("weeks", False): N_("Can be done in a few weeks."),
    ("weeks", True): N_("Can be done in a few weeks, well within your time."),
    ("months", False): N_("Can be done in a few months."),
}
# (what it costs, less than your budget)
COSTS_SENTENCES = {
    ("low", False): N_("Costs under £500."),
    ("low", True): N_("Costs under £500, less than your budget."),
    ("medium", False): N_("Costs £500 to £5,000."),
    ("medium", True): N_("Costs £500 to £5,000, less than your budget."),
    ("high", False): N_("Costs over £5,000."),
}
# The one change to an answer that would show more methods: the link's whole words.
WIDER = {
    ("budget", "medium"): N_("With a budget of £500 to £5,000"),
    ("budget", "high"): N_("With a budget of over £5,000"),
    ("time", "weeks"): N_("With a few weeks to plan and run it"),
    ("time", "months"): N_("With a few months to plan and run it"),
    ("group_size", "small"): N_("With up to 15 people"),
    ("group_size", "medium"): N_("With 15 to 100 people"),
    ("group_size", "large"): N_("With more than 100 people"),
    ("audiences", ""): N_("With no particular group of people"),
}
WRITTEN_FOR = {
    "residents": N_("Written for working with residents."),
    "young-people": N_("Written for working with young people."),
    "older-people": N_("Written for working with older people."),
    "families": N_("Written for working with families."),
    "businesses": N_("Written for working with businesses."),
    "vcs-groups": N_("Written for working with voluntary and community groups."),
    "service-users": N_("Written for working with service users."),
    "seldom-heard": N_("Written for working with people who are seldom heard."),
    "disabled-people": N_("Written for working with disabled people."),
    "minority-ethnic-communities": N_("Written for working with minority ethnic communities."),
    "staff-and-partners": N_("Written for working with staff and partners."),
}


def _misfits(entry: ToolkitEntry, purpose: str, audiences: list[str], group_size: str, time_available: str, budget: str) -> list[str]:
    """The answers this method does not fit (field names); empty when it fits them all."""
    out = []
    if purpose not in (entry.purpose or []):
        out.append("purpose")
    if any(a not in (entry.audiences or []) for a in audiences):
        out.append("audiences")
    if entry.group_size != group_size:
        out.append("group_size")
    if entry.time_needed not in SCALE["time_needed"] or SCALE["time_needed"].index(entry.time_needed) > SCALE["time_needed"].index(time_available):
        out.append("time")
    if entry.cost not in SCALE["cost"] or SCALE["cost"].index(entry.cost) > SCALE["cost"].index(budget):
        out.append("budget")
    return out


def choose(purpose: str, audiences: list[str], group_size: str, time_available: str, budget: str, limit: int = 8) -> list[Recommendation]:
    """Methods that fit every answer: they serve the purpose, work with every group of people
    chosen, suit the number of people, can be done in the time and cost no more than the
    budget. Each says why, answer by answer. Methods that miss any answer are left out
    (``widen`` says which answer to change to see more)."""
    picks = []
    for entry in all_entries("method"):
        if _misfits(entry, purpose, audiences, group_size, time_available, budget):
            continue
        fits = [gettext(GOOD_FOR[purpose])]
        fits += [gettext(WORKS_WITH[a]) for a in audiences]
        fits.append(gettext(SUITS[group_size]))
        fits.append(gettext(TAKES[(entry.time_needed, entry.time_needed != time_available)]))
        fits.append(gettext(COSTS_SENTENCES[(entry.cost, entry.cost != budget)]))
        # Best fit first: its main purpose is yours, then the quicker and cheaper.
        score = 10 + (3 if (entry.purpose or [None])[0] == purpose else 0)
        score += 2 * (SCALE["time_needed"].index(time_available) - SCALE["time_needed"].index(entry.time_needed))
        score += 2 * (SCALE["cost"].index(budget) - SCALE["cost"].index(entry.cost))
        picks.append(Recommendation(entry=entry, score=score, reason=" ".join(fits), fits=fits))
    picks.sort(key=lambda r: (-r.score, r.entry.title.lower()))
    return picks[:limit]


def widen(purpose: str, audiences: list[str], group_size: str, time_available: str, budget: str) -> list[Widening]:
    """For each answer, the one change that would let the most extra methods fit."""
    now = len(choose(purpose, audiences, group_size, time_available, budget, limit=1000))
    options = []
    for value in SCALE["cost"][SCALE["cost"].index(budget) + 1:][:1]:
        options.append(("budget", value, dict(budget=value)))
    for value in SCALE["time_needed"][SCALE["time_needed"].index(time_available) + 1:][:1]:
        options.append(("time", value, dict(time_available=value)))
    for value in SCALE["group_size"]:
        if value != group_size:
            options.append(("group_size", value, dict(group_size=value)))
    if audiences:
        options.append(("audiences", "", dict(audiences=[])))
    out = []
    for answer, value, change in options:
        args = dict(purpose=purpose, audiences=audiences, group_size=group_size, time_available=time_available, budget=budget)
        args.update(change)
        more = len(choose(limit=1000, **args)) - now
        if more > 0:
            out.append(Widening(answer, value, gettext(WIDER[(answer, value)]), more))
    return out


def _written_for(audiences: list[str]) -> str:
    """Why a guide is offered: the one group it was written for, in a whole sentence, or the
    groups listed after a whole sentence (a plain list after a colon: no "and", whose
    grammar differs between languages, such as Welsh's mutation after "a")."""
    if len(audiences) == 1:
        return gettext(WRITTEN_FOR[audiences[0]])
    names = [gettext(AUDIENCES[a]).lower() for a in audiences]
    return gettext("Written for working with the groups you chose: %(groups)s.",
                   groups=", ".join(names))


def matching_guides(audiences: list[str], picks: list[Recommendation], purpose: str, limit: int = 4) -> list[GuidePick]:
    """Guides for these answers: first those written for the people chosen, then those the
    recommended methods point to most."""
    pointed: dict[str, int] = {}
    for pick in picks:
        for slug in pick.entry.related or []:
            pointed[slug] = pointed.get(slug, 0) + 1
    ranked = []
    for guide in all_entries("guide"):
        for_them = [a for a in audiences if a in (guide.audiences or [])]
        votes = pointed.get(guide.slug, 0)
        if not for_them and not votes:
            continue
        if for_them:
            reason = _written_for(for_them)
        else:
            reason = ngettext("Recommended by one of the methods above.", "Recommended by %(num)s of the methods above.", votes)
        fits_purpose = purpose in (guide.purpose or []) or not guide.purpose
        ranked.append((-(10 * len(for_them) + votes + (1 if fits_purpose else 0)), guide.title.lower(), GuidePick(guide, reason)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in ranked[:limit]]


# ---- consultations that used a method ----------------------------------------------------

def consultations_using(slug: str, user=None, limit: int = 10):
    """Consultations in the database tagged with this method that ``user`` may see (the
    public sees public ones only): (list, total)."""
    from ..consultations.models import Consultation, ConsultationTag
    from ..consultations.services import visible_clause

    where = (ConsultationTag.kind == "method", ConsultationTag.value == slug, visible_clause(user))
    base = select(Consultation).join(ConsultationTag, ConsultationTag.consultation_id == Consultation.id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(base.with_only_columns(Consultation.id).distinct().subquery())) or 0
    order = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    rows = db.session.scalars(base.order_by(order.desc().nulls_last(), Consultation.id.desc()).limit(limit)).unique().all()
    return rows, total
