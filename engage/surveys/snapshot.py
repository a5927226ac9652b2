"""A survey's structure, read once per process and kept while it is current (issue 21: pages
that stay fast when a survey launches).

Every question page, check-answers page and submission walks the survey's sections,
questions, answer options and conditions. Loading them as ORM objects on every request was
about half of a question page's work. Here they are read once into a plain, immutable
snapshot (``Structure``: frozen copies of the rows, bound to no session) and kept per process,
keyed by the survey's id AND its ``structure_version`` (one store per app: per node), and by
the database's generation, which a restore renews (engage/core/generation.py: a restore puts
old ids and version numbers back, with other content).

The version is moved on in the same transaction as any change to a survey's sections,
questions or options (an ``after_flush`` hook on every session, below: whatever service or
command writes them through the ORM), so:
- each request reads the survey's row as it did before (with its ``structure_version``: the
  one cheap query), and uses the snapshot only when its version is that row's;
- a change committed on one node is seen by every other node on its next request, since each
  compares with the database, never with its own memory;
- a transaction that changed a survey's structure and has not committed never fills the cache
  (its version number could be rolled back and later reused for other content).

What is kept is only what staff wrote (no answers: those stay in each resident's own draft),
and the translations of those texts are still read per request (``engage/core/content.py``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..core import clock, generation
from ..extensions import db
from .models import Survey, SurveyOption, SurveyQuestion, SurveySection

WRITTEN = "engage_survey_structure_written"  # session.info: survey ids changed in this transaction
KEEP = 64  # surveys kept per process (the least recently used goes first)


# ---- immutable copies ----------------------------------------------------------------------

class FrozenDict(dict):
    """A dict (for JSON and ``isinstance``) that refuses changes: a rule or a question's
    settings in a snapshot are shared by every request of the process."""

    def _refuse(self, *_args, **_kwargs):
        raise TypeError("a survey structure snapshot cannot be changed")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        import copy

        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self):
        return dict, (dict(self),)


class FrozenList(list):
    """A list (a condition's "one of" values are checked with ``isinstance(value, list)``)
    that refuses changes."""

    def _refuse(self, *_args, **_kwargs):
        raise TypeError("a survey structure snapshot cannot be changed")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse  # type: ignore[assignment]

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        import copy

        return [copy.deepcopy(v, memo) for v in self]

    def __reduce__(self):
        return list, (list(self),)


def freeze(value):
    """Plain JSON values (a rule, a question's settings) made unchangeable."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    return value


class Frozen:
    """A row's columns as attributes that cannot be set (``__tablename__`` as the model's, so
    ``content.text_for`` finds the row's translations)."""

    __tablename__ = ""

    def __init__(self, **values):
        for key, value in values.items():
            object.__setattr__(self, key, freeze(value))

    def __setattr__(self, name, value):
        raise AttributeError(f"a survey structure snapshot cannot be changed ({name})")

    __delattr__ = __setattr__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'id', '?')}>"


class OptionCopy(Frozen):
    __tablename__ = SurveyOption.__tablename__


class QuestionCopy(Frozen):
    __tablename__ = SurveyQuestion.__tablename__

    @property
    def text_is_personal(self) -> bool:
        return bool(self.personal) or bool(self.equality_key)

    # A rating scale's end words, read as the model reads them (translated through ``tx``).
    low_label = property(SurveyQuestion.low_label.fget)
    high_label = property(SurveyQuestion.high_label.fget)

    def choices(self) -> list:
        return list(self._choices)

    def rows(self) -> list:
        return list(self._rows)


class SectionCopy(Frozen):
    __tablename__ = SurveySection.__tablename__


class SurveyPart(Frozen):
    """What questions read of their survey (``q.survey``): the wards a place question offers
    come from the survey's area."""

    __tablename__ = Survey.__tablename__


class Structure(Frozen):
    """One version of a survey's structure: ``sections`` and ``questions`` in survey order,
    each section's ``questions``, each question's ``options``, ``section`` and ``survey``;
    ``pages`` and ``numbers`` worked out once (engage/surveys/structure.py)."""


def _columns(model) -> list:
    return list(model.__table__.columns)


def _row(model, row) -> dict:
    return {c.key: row._mapping[c] for c in _columns(model)}


def build(survey_id: int, version: int, population_area_id) -> Structure:
    """Read a survey's structure (three queries, no ORM objects) into a snapshot."""
    from . import structure

    sections = [_row(SurveySection, r) for r in db.session.execute(
        select(*_columns(SurveySection)).where(SurveySection.survey_id == survey_id))]
    questions = [_row(SurveyQuestion, r) for r in db.session.execute(
        select(*_columns(SurveyQuestion)).where(SurveyQuestion.survey_id == survey_id))]
    options = [_row(SurveyOption, r) for r in db.session.execute(
        select(*_columns(SurveyOption)).join(SurveyQuestion, SurveyQuestion.id == SurveyOption.question_id)
        .where(SurveyQuestion.survey_id == survey_id))]
    part = SurveyPart(id=survey_id, population_area_id=population_area_id)
    by_question: dict[int, list] = {}
    for values in sorted(options, key=lambda o: (o["position"], o["id"])):
        by_question.setdefault(values["question_id"], []).append(OptionCopy(**values))
    section_of: dict[int, list] = {s["id"]: [] for s in sections}
    section_copies = []
    for values in sorted(sections, key=lambda s: (s["position"], s["id"])):
        mine: list = section_of[values["id"]]
        section_copies.append((SectionCopy(**values, survey=part), mine))
    by_id = {s.id: s for s, _ in section_copies}
    for values in sorted(questions, key=lambda q: (q["position"], q["id"])):
        opts = tuple(by_question.get(values["id"], ()))
        q = QuestionCopy(**values, options=opts, _choices=tuple(o for o in opts if o.kind == "option"),
                         _rows=tuple(o for o in opts if o.kind == "row"), section=by_id.get(values["section_id"]),
                         survey=part)
        section_of.setdefault(values["section_id"], []).append(q)
    for section, mine in section_copies:
        object.__setattr__(section, "questions", tuple(mine))
    ordered_sections = tuple(s for s, _ in section_copies)
    ordered = tuple(q for s in ordered_sections for q in s.questions)
    snap = Structure(survey_id=survey_id, version=version, population_area_id=population_area_id,
                     sections=ordered_sections, questions=ordered)
    pages = tuple(structure.pages(snap))
    for page in pages:
        page.questions = tuple(page.questions)
    object.__setattr__(snap, "pages", pages)
    object.__setattr__(snap, "numbers", FrozenDict(structure.numbers(snap)))
    return snap


# ---- the per-process cache -------------------------------------------------------------------

_lock = threading.Lock()
EXTENSION = "engage_survey_structures"


def _kept() -> OrderedDict:
    """This app's snapshots (one app is one node; two apps in one process, as in the tests,
    keep theirs apart)."""
    kept = current_app.extensions.get(EXTENSION)
    if kept is None:
        with _lock:
            kept = current_app.extensions.setdefault(EXTENSION, OrderedDict())
    return kept


def clear() -> None:
    with _lock:
        _kept().clear()


def structure_of(survey: Survey) -> Structure:
    """The snapshot of ``survey``'s structure at the version its row has in this transaction,
    in this database's generation (a restore puts old ids and version numbers back with other
    content: engage/core/generation.py), read in the survey row's statement or after it."""
    version = survey.structure_version or 0
    now = survey.database_generation   # read with the row, or just after it
    kept = _kept()
    if now is not None:
        with _lock:
            found = kept.get(survey.id)
            if found is not None and found[0] == now:
                snap = found[1]
                if snap.version == version and snap.population_area_id == survey.population_area_id:
                    kept.move_to_end(survey.id)
                    return snap
    snap = build(survey.id, version, survey.population_area_id)
    if now is None or survey.id in db.session.info.get(WRITTEN, ()):
        # Changed in this very transaction (it may yet be rolled back), or a restore under way.
        return snap
    with _lock:
        kept[survey.id] = (now, snap)
        kept.move_to_end(survey.id)
        while len(kept) > KEEP:
            kept.popitem(last=False)
    return snap


class AnsweringSurvey:
    """A survey as the answering pages use it: its row (title, dates, settings: as loaded for
    this request) with its structure from the snapshot (``sections``, ``questions``)."""

    __tablename__ = Survey.__tablename__

    def __init__(self, survey: Survey, snap: Structure):
        self.__dict__["record"] = survey
        self.__dict__["snapshot"] = snap

    @property
    def sections(self):
        return self.snapshot.sections

    @property
    def questions(self):
        return self.snapshot.questions

    def __getattr__(self, name):
        return getattr(self.__dict__["record"], name)

    def __setattr__(self, name, value):
        setattr(self.__dict__["record"], name, value)


def for_answering(survey: Survey) -> AnsweringSurvey:
    return AnsweringSurvey(survey, structure_of(survey))


# ---- moving the version on -----------------------------------------------------------------

def _changed_surveys(session: Session) -> set[int]:
    ids: set[int] = set()
    question_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (SurveySection, SurveyQuestion)):
            if obj.survey_id is not None:
                ids.add(obj.survey_id)
            elif obj.survey is not None and obj.survey.id is not None:
                ids.add(obj.survey.id)
        elif isinstance(obj, SurveyOption):
            if obj.question_id is not None:
                question_ids.add(obj.question_id)
            elif obj.question is not None and obj.question.survey_id is not None:
                ids.add(obj.question.survey_id)
    if question_ids:
        ids.update(session.connection().execute(
            select(SurveyQuestion.survey_id).where(SurveyQuestion.id.in_(question_ids))).scalars())
    return ids


@event.listens_for(Session, "after_flush")
def _move_versions_on(session: Session, _context) -> None:
    """Every flush that writes a survey's sections, questions or options moves its structure
    version on, in the same transaction."""
    ids = _changed_surveys(session)
    if not ids:
        return
    table = Survey.__table__
    session.connection().execute(update(table).where(table.c.id.in_(ids))
                                 .values(structure_version=table.c.structure_version + 1))
    session.info.setdefault(WRITTEN, set()).update(ids)
    session.info.setdefault(WRITTEN + "_expire", set()).update(ids)


@event.listens_for(Session, "after_flush_postexec")
def _expire_versions(session: Session, _context) -> None:
    """A survey row already loaded in this session reads its new version from the database."""
    from sqlalchemy.orm.util import identity_key

    for survey_id in session.info.pop(WRITTEN + "_expire", ()):
        loaded = session.identity_map.get(identity_key(Survey, survey_id))
        if loaded is not None:
            session.expire(loaded, ["structure_version"])


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_written(session: Session, *_args) -> None:
    session.info.pop(WRITTEN, None)
    session.info.pop(WRITTEN + "_expire", None)


@generation.after_restore
def _versions_past_any_used(connection) -> None:
    """After a restore, every survey's ``structure_version`` moves past any number it may have
    had before (a running process may remember those): to the seconds since 2020 (more
    than any survey's number of changes), so a later restore moves them on again."""
    floor = int((clock.utcnow() - datetime(2020, 1, 1)).total_seconds())
    table = Survey.__table__
    connection.execute(update(table).where(table.c.structure_version < floor).values(structure_version=floor))
    connection.execute(update(table).values(structure_version=table.c.structure_version + 1))
