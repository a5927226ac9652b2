"""What staff write, in more than one language: translations of a survey's questions, a
consultation's summary or a findings report's summary, and easy-read versions.

The interface's own words are translated through catalogues (engage/core/i18n.py); the words
staff write live in the database. Each capability says which of its texts are translated
together, as a unit (a survey and all its questions and options), by registering a
``TranslatableKind`` in ``translatable``. A translation is kept per record and field, with a
fingerprint of the English it was made from: when the English changes it is *out of date*,
and residents see the English (and the page says it is partly in English) until someone
updates it. A unit is *offered* in a language only when every text of it is translated and
up to date (``offer``), so residents never meet a survey half in Welsh; a unit that falls
out of date stops showing the language until it is brought up to date.

Easy read (``EASY_READ``) is a version like a language (short sentences, one idea per line),
chosen on the survey's own page rather than for the whole site.

Templates show a text with ``tx(record, "field")``: the reader's language when the record's
unit is offered in it, else the English.
"""
from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field as dc_field
from typing import Callable

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import and_, bindparam, delete, func, select

from ..extensions import db
from . import i18n
from .errors import RuleError
from .models import ContentLanguage, ContentTranslation, utcnow

EASY_READ = "easyread"
MISSING, OUTDATED, DONE, EMPTY = "missing", "out of date", "translated", "nothing to translate"


@dataclass
class Text:
    """One text of a unit: ``record``'s ``field``, and what it is called on the editor."""

    record: object
    field: str
    label: str                                 # shown as it is: a lazily translated text (lazy_gettext)
    multiline: bool = False

    @property
    def record_type(self) -> str:
        return type(self.record).__tablename__

    @property
    def record_id(self) -> int:
        return self.record.id

    @property
    def english(self) -> str:
        return getattr(self.record, self.field, "") or ""

    @property
    def key(self) -> str:
        return f"{self.record_type}.{self.record_id}.{self.field}"


@dataclass
class TranslatableKind:
    # Named after the owner's table, so deleting the owner (engage/core/deletion.py) deletes
    # its translations and the versions offered of it.
    kind: str                                  # "survey"
    label: str                                 # "survey"
    texts: Callable[[int], list[Text]]         # texts(owner_id): every text, in reading order
    title: Callable[[int], str | None]         # title(owner_id): None once the owner is gone
    can_edit: Callable[[object, int], bool]    # can_edit(user, owner_id)
    back_url: Callable[[int], str]             # the owner's staff page
    public_url: Callable[[int], str | None] = lambda owner_id: None
    easy_read: bool = False                    # offers an easy-read version as well
    extra: dict = dc_field(default_factory=dict)
    # fingerprints(owner_id): ((table, id, field), fingerprint(english)) of each text with
    # words, the same texts as ``texts`` (a quicker way for ``complete``, when a kind has one).
    fingerprints: Callable[[int], list] | None = None


class Translatable:
    key = "engage_translatable"

    def register(self, kind: TranslatableKind, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {})[kind.kind] = kind

    def get(self, kind: str) -> TranslatableKind | None:
        return current_app.extensions.get(self.key, {}).get(kind)


translatable = Translatable()


@lru_cache(maxsize=4096)
def fingerprint(english: str) -> str:
    """What a translation was made from: the English with its spaces and line ends evened out.
    (Follows from its input alone, so remembered by it: the start page checks every text of
    a survey against its translation on each visit.)"""
    normal = " ".join(unicodedata.normalize("NFC", english or "").split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def variants(kind: TranslatableKind | None = None) -> list[tuple[str, str]]:
    """The versions staff can write: each site language but the site's own, and easy read."""
    found = [(code, i18n.language_name(code)) for code in i18n.languages()[1:]]
    if kind is None or kind.easy_read:
        found.append((EASY_READ, "Easy read"))
    return found


def variant_name(code: str) -> str:
    return "Easy read" if code == EASY_READ else i18n.language_name(code)


def shown_name(code: str) -> str:
    """A version's name for a page: a language's name in itself ("Cymraeg"), and "Easy read"
    in the reader's language."""
    return i18n.gettext(i18n.N_("Easy read")) if code == EASY_READ else i18n.language_name(code)


def _stored(kind: str, owner_id: int, language: str) -> dict[str, ContentTranslation]:
    rows = db.session.scalars(select(ContentTranslation).where(
        ContentTranslation.owner_kind == kind, ContentTranslation.owner_id == owner_id,
        ContentTranslation.language == language))
    return {f"{r.record_type}.{r.record_id}.{r.field}": r for r in rows}


def _texts(kind: TranslatableKind, owner_id: int, language: str) -> list[Text]:
    return kind.texts(owner_id)


def status(kind: TranslatableKind, owner_id: int, language: str) -> list[dict]:
    """Every text of the unit beside its translation: missing, out of date or translated."""
    stored = _stored(kind.kind, owner_id, language)
    rows = []
    for text in _texts(kind, owner_id, language):
        english = text.english
        row = stored.get(text.key)
        if not english.strip():
            state = EMPTY
        elif row is None or not row.text.strip():
            state = MISSING
        elif row.source_hash != fingerprint(english):
            state = OUTDATED
        else:
            state = DONE
        rows.append({"text": text, "english": english, "translation": row.text if row else "", "state": state,
                     "updated_at": row.updated_at if row else None})
    return rows


def counts(rows: list[dict]) -> dict[str, int]:
    out = {MISSING: 0, OUTDATED: 0, DONE: 0}
    for row in rows:
        if row["state"] in out:
            out[row["state"]] += 1
    return out


def complete(kind: TranslatableKind, owner_id: int, language: str) -> bool:
    """No text of the unit is missing or out of date in ``language`` (what ``status`` counts),
    read with one query of the translations' fingerprints, no ORM objects."""
    # Only the fingerprints of translations with words in them (``save`` stores a translation
    # stripped, and deletes an emptied one), not the texts themselves.
    stored = {
        (record_type, record_id, field): source_hash
        for record_type, record_id, field, source_hash in db.session.execute(select(
            ContentTranslation.record_type, ContentTranslation.record_id, ContentTranslation.field,
            ContentTranslation.source_hash,
        ).where(ContentTranslation.owner_kind == kind.kind, ContentTranslation.owner_id == owner_id,
                ContentTranslation.language == language, _has_words()))
    }
    return _complete_from(kind, owner_id, language, stored)


def _has_words():
    return func.trim(ContentTranslation.text) != ""


def _complete_from(kind: TranslatableKind, owner_id: int, language: str, stored: dict) -> bool:
    """``complete``, given the fingerprints stored for ``language``: {(table, id, field): hash}."""
    if kind.fingerprints is not None:
        return all(stored.get(key) == made_from for key, made_from in kind.fingerprints(owner_id))
    for text in _texts(kind, owner_id, language):
        english = text.english
        if not english.strip():
            continue
        if stored.get((text.record_type, text.record_id, text.field)) != fingerprint(english):
            return False
    return True


def save(actor, kind: TranslatableKind, owner_id: int, language: str, values: dict[str, str]) -> int:
    """Store the translations typed (by text key); an emptied box deletes its translation.
    Each one remembers the English it was made from. Returns how many changed."""
    if language not in dict(variants(kind)):
        raise RuleError("Engage is not set up to offer that language.")
    stored = _stored(kind.kind, owner_id, language)
    changed = 0
    for text in _texts(kind, owner_id, language):
        if text.key not in values:
            continue
        typed = (values[text.key] or "").strip()
        row = stored.get(text.key)
        source = fingerprint(text.english)
        if not typed:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        if row is None:
            row = ContentTranslation(owner_kind=kind.kind, owner_id=owner_id, record_type=text.record_type,
                                     record_id=text.record_id, field=text.field, language=language)
            db.session.add(row)
        elif row.text == typed and row.source_hash == source:
            continue
        row.text, row.source_hash = typed, source
        row.updated_by_id, row.updated_at = getattr(actor, "id", None), utcnow()
        changed += 1
    db.session.flush()
    return changed


def translate_from(kind: TranslatableKind, owner_id: int, language: str, known: dict[str, str]) -> list[str]:
    """Translate every text of a unit that ``known`` has (English -> translation), and offer
    the unit in ``language`` when nothing is left (demo data, and repeating a survey whose
    texts were translated before). Returns the English texts still without a translation."""
    rows = status(kind, owner_id, language)
    left = [r["english"] for r in rows if r["state"] != EMPTY and r["english"] not in known]
    save(None, kind, owner_id, language, {r["text"].key: known[r["english"]] for r in rows if r["english"] in known})
    if not left:
        offer(None, kind, owner_id, language)
    return left


_STATEMENTS: dict = {}


def _offers_with_fingerprints():
    """A unit's offered languages, each with the fingerprints of its translations that have
    words: one statement, built once (SQLAlchemy then keeps its compiled form and cache key)."""
    found = _STATEMENTS.get("offers")
    if found is None:
        translation = ContentTranslation
        found = _STATEMENTS["offers"] = (
            select(ContentLanguage.id, ContentLanguage.language, translation.record_type, translation.record_id,
                   translation.field, translation.source_hash)
            .outerjoin(translation, and_(translation.owner_kind == ContentLanguage.owner_kind,
                                         translation.owner_id == ContentLanguage.owner_id,
                                         translation.language == ContentLanguage.language, _has_words()))
            .where(ContentLanguage.owner_kind == bindparam("owner_kind"), ContentLanguage.owner_id == bindparam("owner_id"))
            .order_by(ContentLanguage.id))
    return found


def offered_languages(kind: str, owner_id: int) -> list[str]:
    """The languages (and easy read) a unit is offered in: offered by staff and still complete."""
    registered = translatable.get(kind)
    if registered is None:
        return []
    # The languages offered and the fingerprints of their translations in one statement (the
    # start page of a survey asks on every visit; a statement for each language before).
    rows = db.session.execute(_offers_with_fingerprints(), {"owner_kind": kind, "owner_id": owner_id})
    stored: dict[str, dict] = {}
    for _offer, code, record_type, record_id, field, source_hash in rows:
        kept = stored.setdefault(code, {})
        if record_type is not None:
            kept[(record_type, record_id, field)] = source_hash
    return [code for code, fingerprints in stored.items() if _complete_from(registered, owner_id, code, fingerprints)]


def chosen_offers(kind: str, owner_id: int) -> list[str]:
    """The languages staff chose to offer, complete or not (the editor shows which are stuck)."""
    return list(db.session.scalars(select(ContentLanguage.language).where(
        ContentLanguage.owner_kind == kind, ContentLanguage.owner_id == owner_id).order_by(ContentLanguage.language)))


def offer(actor, kind: TranslatableKind, owner_id: int, language: str) -> None:
    """Offer the unit to residents in ``language``: refused while any text is missing or out
    of date, so nobody meets it half translated."""
    tally = counts(status(kind, owner_id, language))
    left = tally[MISSING] + tally[OUTDATED]
    if left:
        raise RuleError(i18n.ngettext("The %(kind)s cannot be offered in %(language)s yet: %(num)s text is missing or out of date.",
                                      "The %(kind)s cannot be offered in %(language)s yet: %(num)s texts are missing or out of date.",
                                      left, kind=i18n.gettext(kind.label), language=shown_name(language)))
    if language not in chosen_offers(kind.kind, owner_id):
        db.session.add(ContentLanguage(owner_kind=kind.kind, owner_id=owner_id, language=language,
                                       offered_by_id=getattr(actor, "id", None)))
        db.session.flush()


def withdraw(kind: TranslatableKind, owner_id: int, language: str) -> None:
    db.session.execute(delete(ContentLanguage).where(
        ContentLanguage.owner_kind == kind.kind, ContentLanguage.owner_id == owner_id, ContentLanguage.language == language))
    db.session.flush()


# ---- showing a text in the reader's language ---------------------------------------------

def reading_language() -> str:
    """The version a page's staff-written texts are shown in: easy read where the resident chose
    it for this page (``use_version``), else the reader's language."""
    if has_request_context() and g.get("engage_content_version"):
        return g.engage_content_version
    return i18n.current_language()


def use_version(code: str | None) -> None:
    """Show this request's staff-written texts in ``code`` (easy read on a survey's pages)."""
    g.engage_content_version = code or None


def _cache() -> dict:
    """What this request has read of the translations (one query per table and language);
    outside a request, a fresh one each time."""
    if not has_request_context():
        return {}
    return g.setdefault("engage_content_cache", {})


def _offers(cache: dict) -> set[tuple[str, int, str]]:
    if "offers" not in cache:
        rows = db.session.execute(select(ContentLanguage.owner_kind, ContentLanguage.owner_id, ContentLanguage.language))
        cache["offers"] = {tuple(r) for r in rows}
    return cache["offers"]


def _rows(cache: dict, language: str, record_type: str) -> dict:
    key = ("rows", language, record_type)
    if key not in cache:
        rows = db.session.execute(select(
            ContentTranslation.record_id, ContentTranslation.field, ContentTranslation.text, ContentTranslation.source_hash,
            ContentTranslation.owner_kind, ContentTranslation.owner_id,
        ).where(ContentTranslation.language == language, ContentTranslation.record_type == record_type))
        cache[key] = {(r.record_id, r.field): r for r in rows}
    return cache[key]


def text_for(record, field: str, language: str | None = None) -> str:
    """``record.field`` in the reader's language (or easy read), when its unit is offered in
    it and the translation is up to date; else the English (noted as not translated)."""
    english = getattr(record, field, "") or ""
    language = language or reading_language()
    if record is None or not english or language == i18n.default_language():
        return english
    cache = _cache()
    row = _rows(cache, language, type(record).__tablename__).get((record.id, field))
    if row is not None and (row.owner_kind, row.owner_id, language) in _offers(cache) \
            and row.source_hash == fingerprint(english):
        return row.text
    if language != EASY_READ:
        i18n.note_missing(english)
    return english


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(tx=text_for, reading_language=reading_language)
