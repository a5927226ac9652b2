"""Results tables per question (answer options by segment, with count, % and base), the
suppression rule, and charts comparing priority wards with the rest of the borough.

Suppression (engage/core/disclosure.py): a figure whose base (people in the group who
answered) is under ``ENGAGE_SUPPRESSION_THRESHOLD`` (default 5) is hidden on public pages, in
public exports and in the API, so that nobody in a small group can be picked out; and so that a
hidden figure cannot be worked out by subtraction (priority wards minus the other priority
wards), the next smallest group of the same family is hidden too (secondary suppression).
All of a consultation's tables are protected together (``publication``): a figure hidden in one
is hidden wherever the same people are counted, counts of 1 to 4 are hidden, and so are the
answers of a group that all gave the same one.
Figures whose source decided what the public sees (a survey published into the consultation:
``ResultFigure.disclosure``, engage/surveys/publishing.py) are shown exactly as that source
publishes them and are never suppressed a second time: a second, independent suppression of
the same people hides different cells, and the two together give hidden figures away. Only the
questions typed in or imported by staff are suppressed here.
Staff who may edit the consultation see every figure, marked. Results of a consultation whose
results are not yet published are shown only to those staff.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, object_session

from ..core import disclosure, numbers
from ..core.i18n import N_, gettext as _
from ..extensions import db
from . import services
from .headlines import Headline, consultation_year, headline_text, top_answer
from .charts import Bar, Group, bar_chart
from .models import SEGMENT_DIMENSIONS, Consultation, Question, ResultFigure

DIMENSION_ORDER = ["all", "area-group", "ward", "age", "sex", "ethnicity", "disability"]
# Texts a resident reads, marked for the catalogue and translated where they are shown.
BREAKDOWN_TITLES = {
    "ward": N_("Results by ward"),
    "age": N_("Results by age band"),
    "sex": N_("Results by sex"),
    "ethnicity": N_("Results by ethnicity"),
    "disability": N_("Results by disability"),
    "other": N_("Results by other groups"),
}
# The groups every import and survey names the same way (stored in English, shown in the
# reader's language); other groups (wards, age bands...) are shown as they were named.
STANDARD_LABELS = {
    "All respondents": N_("All respondents"),
    "Priority wards": N_("Priority wards"),
    "Rest of the borough": N_("Rest of the borough"),
}
SERIES_CLASS = {"All respondents": "bar", "Priority wards": "bar--priority", "Rest of the borough": "bar--compare"}


threshold = disclosure.threshold


def may_edit(user, consultation: Consultation) -> bool:
    """Officers, and practitioners, VCS members and coordinators of the lead organisation
    (the consultation services' rule)."""
    return services.can_edit(user, consultation)


def results_published(consultation: Consultation, today: date | None = None) -> bool:
    return services.results_published(consultation, today)


def percent(count: int, base: int) -> float | None:
    """To one place, rounded half up: the API's and exports' figure (engage.core.numbers)."""
    return numbers.percent(count, base, 1)


def percent_text(value: float | None) -> str:
    """Whole percentages, rounded half up (41.5 → 42%); under 0.5 but above 0 shows "<1%"
    (engage.core.numbers, the one rule for every page, export and API answer)."""
    return numbers.percent_text(value)


def segment_label(segment) -> str:
    """A group's name in the reader's language: the standard groups translated, the rest
    (ward names, age bands, groups a spreadsheet named) as stored."""
    if segment.dimension in ("all", "area-group") and segment.label in STANDARD_LABELS:
        return _(STANDARD_LABELS[segment.label])
    return segment.label


def breakdown_title(dimension: str) -> str:
    """"Results by ward", in the reader's language."""
    if dimension in BREAKDOWN_TITLES:
        return _(BREAKDOWN_TITLES[dimension])
    return _("Results by %(group)s", group=dimension_label(dimension).lower())


def dimension_label(dimension: str) -> str:
    if dimension in SEGMENT_DIMENSIONS:
        return SEGMENT_DIMENSIONS[dimension]
    return dimension.replace("-", " ").capitalize()


def _age_key(label: str):
    match = re.search(r"\d+", label)
    return (0 if label.lower().startswith("under") else 1, int(match.group()) if match else 999, label)


def _segment_sort_key(segment):
    dim = segment.dimension
    rank = DIMENSION_ORDER.index(dim) if dim in DIMENSION_ORDER else len(DIMENSION_ORDER)
    if dim == "area-group":
        inner = (0 if segment.label == "Priority wards" else 1, segment.label)
    elif dim == "ward":
        inner = (0, segment.label.casefold())
    elif dim == "age":
        inner = _age_key(segment.label)
    else:
        inner = (segment.id,)
    return (rank, dim if rank == len(DIMENSION_ORDER) else "", inner)


# ---- tables ------------------------------------------------------------------------------

@dataclass
class Cell:
    count: int | None
    base: int | None
    percent: float | None
    hidden: bool = False   # not shown in this view
    small: bool = False    # base under the threshold (hidden on public pages)

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass
class Column:
    segment_id: int
    label: str
    dimension: str
    base: int | None
    hidden: bool
    small: bool
    priority: bool = False
    secondary: bool = False  # hidden from the public so that a small group cannot be worked out
    css: str = "bar"         # the chart's colour for the group (SERIES_CLASS)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[tuple[str, list[Cell]]]  # (option label, one cell per column)
    transposed: bool = False  # breakdowns show segments as rows, options as columns
    multiple: bool = False    # people could choose more than one answer

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for c in self.columns)

    @property
    def adds_to_100(self) -> bool:
        """Whether each shown group's whole percentages add up to 100 (questions where people
        could choose more than one answer need not)."""
        if self.multiple:
            return True
        for i, column in enumerate(self.columns):
            if column.hidden:
                continue
            if not numbers.adds_to_100([cells[i].percent for _label, cells in self.rows]):
                return False
        return True

    @property
    def has_small(self) -> bool:
        return any(c.small or c.secondary for c in self.columns)

    def by_segment(self):
        """Rows of a breakdown table: (column, [cell per option])."""
        return [(col, [cells[i] for _, cells in self.rows]) for i, col in enumerate(self.columns)]


@dataclass
class QuestionResults:
    question: Question
    headline_table: Table | None
    breakdowns: list[Table]
    chart: Markup | None
    headline: str | None
    compares_priority: bool = False

    @property
    def id(self) -> int:
        return self.question.id

    @property
    def tables(self) -> list[Table]:
        return ([self.headline_table] if self.headline_table else []) + self.breakdowns

    @property
    def has_hidden(self) -> bool:
        return any(t.has_hidden for t in self.tables)

    @property
    def has_small(self) -> bool:
        return any(t.has_small for t in self.tables)


def _load(consultation: Consultation):
    # Read in the consultation's own session: the search index builds its documents in a
    # session of its own, after the request's has committed.
    session = object_session(consultation) or db.session
    questions = session.scalars(
        select(Question).where(Question.consultation_id == consultation.id)
        .options(joinedload(Question.options)).order_by(Question.position, Question.id)
    ).unique().all()
    figures = session.execute(
        select(ResultFigure.question_id, ResultFigure.option_id, ResultFigure.segment_id, ResultFigure.count, ResultFigure.base,
               ResultFigure.disclosure)
        .join(Question, Question.id == ResultFigure.question_id)
        .where(Question.consultation_id == consultation.id)
    ).all()
    by_question: dict[int, dict[tuple[int, int], tuple[int, int]]] = {}
    decided: dict[int, dict[tuple[int, int], str]] = {}
    for question_id, option_id, segment_id, count, base, shown in figures:
        by_question.setdefault(question_id, {})[(option_id, segment_id)] = (count, base)
        if shown is not None:
            decided.setdefault(question_id, {})[(option_id, segment_id)] = shown
    segments = {s.id: s for s in consultation.segments}
    return questions, by_question, segments, decided


def _bases(figures: dict) -> dict[int, int]:
    """Each segment's base for one question (the largest base of its figures)."""
    out: dict[int, int] = {}
    for (_, seg_id), (_, base) in figures.items():
        out[seg_id] = max(out.get(seg_id, 0), base or 0)
    return out


def hidden_segments(figures: dict, segments: dict, limit: int | None = None) -> set[int]:
    """The segments of one question the public may not see: under the threshold, or hidden
    with them so that they cannot be worked out by subtraction (engage/core/disclosure.py).
    One question alone: ``publication`` works across all of a consultation's questions."""
    bases = {seg_id: base for seg_id, base in _bases(figures).items() if seg_id in segments}
    described = [{"key": seg.id, "dimension": seg.dimension, "label": seg.label,
                  "priority": bool(seg.area and seg.area.priority_ward)} for seg_id, seg in segments.items() if seg_id in bases]
    return disclosure.suppress(bases, disclosure.families_for_segments(described), limit)


def _condition(seg):
    return disclosure.EVERYONE if seg.dimension == "all" else ("segment", seg.id)


def _defines(question: Question, figures: dict, segments: dict) -> dict[int, int]:
    """{option id: segment id} when this question is the one a breakdown is made from (the
    age question and the age bands): every segment of a kind has an answer of the same name,
    and the number of everyone giving that answer is the segment's base."""
    everyone = next((s for s in segments.values() if s.dimension == "all"), None)
    if everyone is None:
        return {}
    bases = _bases(figures)
    by_label = {o.label.strip().casefold(): o for o in question.options}
    by_dimension: dict[str, list] = {}
    for seg_id in bases:
        seg = segments.get(seg_id)
        if seg is not None and seg.dimension not in ("all", "area-group"):
            by_dimension.setdefault(seg.dimension, []).append(seg)
    out = {}
    for segs in by_dimension.values():
        pairs = []
        for seg in segs:
            option = by_label.get(seg.label.strip().casefold())
            figure = figures.get((option.id, everyone.id)) if option is not None else None
            if figure is None or figure[0] != bases[seg.id]:
                break
            pairs.append((option.id, seg.id))
        else:
            if len(pairs) >= 2:
                out.update(pairs)
    return out


class Decided:
    """What the public sees of a consultation's results: for the questions whose source
    decided (``ResultFigure.disclosure``: a survey's own publication) exactly that, and for the
    others (typed in or imported by staff) the consultation's own ``Publication`` of them.
    Answers ``published``, ``cell_hidden`` and ``base_hidden`` as a Publication does."""

    COUNT_SHOWN = frozenset({"shown", "count-only"})
    BASE_SHOWN = frozenset({"shown", "base-only"})

    def __init__(self, decided: dict, segments: dict, own: disclosure.Publication | None):
        self.decided = decided
        self.own = own
        self.segment_of = {_condition(seg): seg_id for seg_id, seg in segments.items()}
        # {question id: {segment id: [disclosure of each of its figures]}}
        self.columns: dict[int, dict[int, list[str]]] = {}
        for qid, cells in decided.items():
            for (_option, seg_id), shown in cells.items():
                self.columns.setdefault(qid, {}).setdefault(seg_id, []).append(shown)

    def _column(self, name, group) -> list[str]:
        return self.columns[name].get(self.segment_of.get(group), [])

    def published(self, name, group) -> bool:
        if name in self.decided:
            return any(shown != "omitted" for shown in self._column(name, group))
        return self.own is not None and self.own.published(name, group)

    def cell_hidden(self, name, option, group) -> bool:
        if name in self.decided:
            return self.decided[name].get((option, self.segment_of.get(group))) not in self.COUNT_SHOWN
        return self.own is not None and self.own.cell_hidden(name, option, group)

    def base_hidden(self, name, group) -> bool:
        if name in self.decided:
            column = self._column(name, group)
            return not column or any(shown not in self.BASE_SHOWN for shown in column)
        return self.own is not None and self.own.base_hidden(name, group)


def public_figures(consultation: Consultation, questions=None, figures=None, segments=None, decided=None,
                   limit: int | None = None) -> Decided:
    """What the public may see of every figure of the consultation: a survey's figures as the
    survey publishes them, and the rest as ``publication`` suppresses them (of those only:
    results typed in come from other people than a survey's)."""
    if questions is None:
        questions, figures, segments, decided = _load(consultation)
    decided = decided or {}
    own_questions = [q for q in questions if q.id not in decided]
    own = None
    if own_questions:
        own = publication(consultation, own_questions, {q.id: figures[q.id] for q in own_questions if q.id in figures},
                          segments, limit)
    return Decided(decided, segments, own)


def publication(consultation: Consultation, questions=None, figures=None, segments=None, limit: int | None = None) -> disclosure.Publication:
    """Every table of the consultation's results as one engage.core.disclosure.Publication,
    so that a group hidden in one question's table is hidden in every other, and a figure is
    hidden wherever the same people are counted (the row "Hale" of the ward question by age
    and the column "Hale" of the age question by ward). For results whose source decided what
    is public (a survey's), use ``public_figures``: it never suppresses those a second time."""
    if questions is None:
        questions, figures, segments, _decided = _load(consultation)
    limit = threshold() if limit is None else limit
    used = {seg_id for qfigures in figures.values() for (_o, seg_id) in qfigures if seg_id in segments}
    described = [{"key": _condition(seg), "dimension": seg.dimension, "label": seg.label,
                  "priority": bool(seg.area and seg.area.priority_ward)} for seg_id, seg in segments.items() if seg_id in used]
    implies: dict = {}
    groups = {seg.label: seg for seg in segments.values() if seg.dimension == "area-group"}
    for seg in segments.values():
        if seg.dimension == "ward":
            group = groups.get(disclosure.PRIORITY_LABEL if seg.area and seg.area.priority_ward else disclosure.REST_LABEL)
            if group is not None:
                implies.setdefault(_condition(seg), set()).add(_condition(group))
    everyone_segment = next((seg for seg in segments.values() if seg.dimension == "all"), None)
    defined, unlisted = {}, {}
    for question in questions:
        defined[question.id] = _defines(question, figures.get(question.id, {}), segments)
        for seg_id in defined[question.id].values():
            implies.setdefault(("segment", seg_id), set()).add(("answered", question.id))
        # The answers of a question a breakdown is made from that are in none of its groups
        # ("Prefer not to say"): everyone who answered minus the groups shown is their number,
        # so they are a group of the breakdown in that question's table (never a column).
        if defined[question.id] and everyone_segment is not None:
            dimension = segments[next(iter(defined[question.id].values()))].dimension
            for option in question.options:
                people = (figures.get(question.id, {}).get((option.id, everyone_segment.id)) or (0, 0))[0] or 0
                if option.id not in defined[question.id] and people:
                    condition = ("answer", question.id, option.id)
                    unlisted.setdefault(question.id, {})[option.id] = people
                    described.append({"key": condition, "dimension": dimension, "label": option.label, "priority": False})
    families = disclosure.families_for_segments(described)
    everyone = {q.id: _bases(figures.get(q.id, {})).get(seg.id) for q in questions for seg in segments.values() if seg.dimension == "all"}
    most = max((b or 0 for b in everyone.values()), default=0)
    always = {("answered", qid) for qid, base in everyone.items() if base and base == most}
    pub = disclosure.Publication(limit, implies, always)
    for question in questions:
        qfigures = figures.get(question.id, {})
        if not qfigures:
            continue
        defines = defined[question.id]
        options = {o.id: (("segment", defines[o.id]) if o.id in defines else ("answer", question.id, o.id)) for o in question.options}
        bases = _bases(qfigures)
        columns = {}
        for seg_id, base in bases.items():
            if seg_id in segments:
                counts = {o: (qfigures.get((o, seg_id)) or (0, 0))[0] or 0 for o in options}
                columns[_condition(segments[seg_id])] = (base, counts)
        for option_id, people in unlisted.get(question.id, {}).items():
            columns[("answer", question.id, option_id)] = (people, {o: people if o == option_id else 0 for o in options})
        # A question a breakdown is made from (ward, age band...) is published for everyone
        # only: broken down by the others it is a table of who lives where.
        pub.table(question.id, ("answered", question.id), options, columns, families, only_everyone=bool(defines))
    pub.solve()
    return pub


def _everyone_shown(pub: Decided, question_id: int, qfigures: dict, everyone) -> dict:
    """{option id: what the public sees of the question's figure for everyone}, in the words
    of ``ResultFigure.disclosure``, for a question the consultation decides itself."""
    group = _condition(everyone)
    if not pub.published(question_id, group):
        return {option_id: "omitted" for (option_id, seg_id) in qfigures if seg_id == everyone.id}
    base_hidden = pub.base_hidden(question_id, group)
    out = {}
    for option_id, seg_id in qfigures:
        if seg_id != everyone.id:
            continue
        cell_hidden = option_id is None or pub.cell_hidden(question_id, option_id, group)
        out[option_id] = ("hidden" if cell_hidden and base_hidden else "base-only" if cell_hidden
                          else "count-only" if base_hidden else "shown")
    return out


def headlines(consultation: Consultation) -> dict[int, "Headline | None"]:
    """Each question's headline ("X came first: 41%, base 2,500, 2005") as the public may see
    it: a survey's figures as the survey decided, and figures typed in or imported by staff as
    the consultation's own tables hide them, secondary hiding included, so that no headline
    (page, search, findings report) shows a figure a table hides, nor names a top answer when
    a hidden one might have come first."""
    questions, figures, segments, decided = _load(consultation)
    everyone = next((seg for seg in segments.values() if seg.dimension == "all"), None)
    if everyone is None:
        return {q.id: None for q in questions}
    pub = None
    if any(q.id not in decided and figures.get(q.id) for q in questions):
        pub = public_figures(consultation, questions, figures, segments, decided)
    limit, year = threshold(), _year(consultation)
    position = {o.id: (o.position, o.label) for q in questions for o in q.options}
    out = {}
    for question in questions:
        qfigures = figures.get(question.id, {})
        shown = decided.get(question.id)
        shown = ({option_id: word for (option_id, seg_id), word in shown.items() if seg_id == everyone.id} if shown is not None
                 else _everyone_shown(pub, question.id, qfigures, everyone) if pub is not None else {})
        rows = [(count, base, *position.get(option_id, (0, None)), shown.get(option_id))
                for (option_id, seg_id), (count, base) in qfigures.items() if seg_id == everyone.id]
        out[question.id] = top_answer(rows, limit, year)
    return out


def _question_tables(question: Question, figures: dict, segments: dict, public: bool, limit: int,
                     pub: "Decided") -> tuple[Table | None, list[Table]]:
    used = sorted({segments[seg_id] for (_, seg_id) in figures if seg_id in segments}, key=_segment_sort_key)
    if not used:
        return None, []
    if public:
        used = [seg for seg in used if pub.published(question.id, _condition(seg))]
    withheld = {seg.id for seg in used if pub.base_hidden(question.id, _condition(seg))}
    bases = _bases(figures)
    columns_by_dim: dict[str, list[Column]] = {}
    for seg in used:
        base = bases.get(seg.id)
        small = base is not None and base < limit
        secondary = seg.id in withheld and not small
        column = Column(seg.id, segment_label(seg), seg.dimension, base, hidden=(seg.id in withheld) and public, small=small,
                        priority=bool(seg.area and seg.area.priority_ward), secondary=secondary,
                        css=SERIES_CLASS.get(seg.label, "bar"))
        key = seg.dimension if seg.dimension in ("all", "area-group") else seg.dimension
        columns_by_dim.setdefault(key, []).append(column)

    def rows_for(columns):
        rows = []
        for option in question.options:
            cells = []
            for col in columns:
                figure = figures.get((option.id, col.segment_id))
                if figure is None:
                    cells.append(Cell(None, None, None, hidden=col.hidden, small=col.small))
                    continue
                count, base = figure
                if public and pub.cell_hidden(question.id, option.id, _condition(segments[col.segment_id])):
                    cells.append(Cell(None, None, None, hidden=True, small=col.small))
                elif public and col.hidden:   # the count, but no percentage of a hidden base
                    cells.append(Cell(count, None, None, small=col.small))
                else:
                    # Unrounded: rounded once, when shown (numbers.percent_text).
                    cells.append(Cell(count, base, numbers.share(count, base), small=col.small))
            rows.append((option.label, cells))
        return rows

    headline_columns = columns_by_dim.pop("all", []) + columns_by_dim.pop("area-group", [])
    headline = Table("headline", _("Everyone who answered") if len(headline_columns) == 1 else _("Priority wards compared with the borough"),
                     headline_columns, rows_for(headline_columns), multiple=question.qtype == "multiple") if headline_columns else None
    breakdowns = []
    for dim, columns in columns_by_dim.items():
        title = breakdown_title(dim)
        breakdowns.append(Table(dim, title, columns, rows_for(columns), transposed=True, multiple=question.qtype == "multiple"))
    return headline, breakdowns


def _headline_sentence(question: Question, table: Table | None, year: int | None) -> str | None:
    """"Removing rubbish and cleaning streets came first: 41%, base 2,500, 2005", one sentence
    in the reader's language with its figures written by Babel's rules for it (the page's; the
    search index and the API take ``headlines``' ``Headline.text``, in the site's language)."""
    if table is None or not table.columns:
        return None
    col_index = next((i for i, c in enumerate(table.columns) if c.dimension == "all"), 0)
    column = table.columns[col_index]
    if column.hidden or not table.rows:
        return None
    best = None
    for label, cells in table.rows:
        cell = cells[col_index]
        if cell.count is not None and (best is None or cell.count > best[1].count):
            best = (label, cell)
    if best is None:
        return None
    label, cell = best
    if any(cells[col_index].hidden for _label, cells in table.rows):
        # A hidden answer might have come first: only when it cannot have.
        shown = sum(cells[col_index].count or 0 for _label, cells in table.rows)
        if column.base is None or shown > column.base or cell.count <= column.base - shown:
            return None
    return headline_text(label, percent_text(cell.percent), numbers.whole_text(cell.base), year)


def _year(consultation: Consultation) -> int | None:
    return consultation_year(consultation)


def _chart(question: Question, table: Table | None) -> tuple[Markup | None, bool]:
    if table is None or not table.rows or not table.columns:
        return None, False
    columns = table.columns
    compares = any(c.dimension == "area-group" for c in columns)
    groups = []
    for label, cells in table.rows:
        bars = []
        for col, cell in zip(columns, cells):
            css = col.css
            if cell.hidden:
                bars.append(Bar(None, css, _("%(group)s: hidden", group=col.label)))
            elif cell.percent is None:
                bars.append(Bar(None, css, _("no figure") if len(columns) == 1 else _("%(group)s: no figure", group=col.label)))
            else:
                bars.append(Bar(cell.percent, css, percent_text(cell.percent)))
        groups.append(Group(label, bars))
    legend = [(c.label, c.css) for c in columns] if len(columns) > 1 else None
    if compares:
        description = _("Bar chart of the percentage giving each answer, comparing people in the priority wards with the rest "
                        "of the borough and everyone. The table that follows gives the same figures.")
    else:
        description = _("Bar chart of the percentage of everyone who answered giving each answer. The table that follows "
                        "gives the same figures.")
    title = _("Chart: %(question)s", question=question.text)
    return bar_chart(f"chart-q{question.id}", title, description, groups, legend=legend, scale_max=100.0,
                     axis_label=_("Percentage of people who answered")), compares


def question_results(consultation: Consultation, public: bool = True) -> list[QuestionResults]:
    """Every question with its tables and chart. ``public`` hides figures with a small base."""
    limit = threshold()
    questions, figures, segments, decided = _load(consultation)
    pub = public_figures(consultation, questions, figures, segments, decided, limit)
    year = _year(consultation)
    out = []
    for question in questions:
        qfigures = figures.get(question.id, {})
        headline, breakdowns = _question_tables(question, qfigures, segments, public, limit, pub)
        chart, compares = _chart(question, headline)
        out.append(QuestionResults(question, headline, breakdowns, chart, _headline_sentence(question, headline, year), compares))
    return out


@dataclass
class ResultsView:
    """What the results include needs: the questions, and how this person may see them."""

    consultation: Consultation
    questions: list[QuestionResults] = field(default_factory=list)
    public: bool = True
    may_edit: bool = False
    published: bool = False
    threshold: int = 5

    @property
    def visible(self) -> bool:
        return self.may_edit or self.published

    @property
    def has_hidden(self) -> bool:
        return any(q.has_hidden for q in self.questions)

    @property
    def has_small(self) -> bool:
        return any(q.has_small for q in self.questions)

    @property
    def compares_priority(self) -> bool:
        return any(q.compares_priority for q in self.questions)


def for_viewer(consultation: Consultation, user) -> ResultsView:
    editor = may_edit(user, consultation)
    published = results_published(consultation)
    view = ResultsView(consultation, public=not editor, may_edit=editor, published=published, threshold=threshold())
    if view.visible:
        view.questions = question_results(consultation, public=not editor)
    return view


# ---- plain data for exports and the API --------------------------------------------------

def suppressed_figures(consultation: Consultation, public: bool = True) -> list[dict]:
    """The consultation's results as plain data (lists and dicts of str/int/float/bool/None).

    With ``public=True`` (open data, the API, public exports): nothing until the results are
    published, and every figure whose base is under the threshold has its count, base and
    percent set to None with ``"suppressed": True``, and so has every figure of a group hidden
    with it so that it cannot be worked out by subtraction (secondary suppression). With
    ``public=False`` every figure is given, and ``"suppressed"`` is False; ``"small_base"`` says
    which would be hidden.

    [{"id", "code", "text", "type", "themes": [..], "position",
      "results": [{"option", "option_position", "segment", "dimension", "count", "base",
                   "percent", "suppressed", "small_base"}]}]
    """
    if public and not results_published(consultation):
        return []
    limit = threshold()
    questions, figures, segments, decided = _load(consultation)
    pub = public_figures(consultation, questions, figures, segments, decided, limit)
    out = []
    for question in questions:
        qfigures = figures.get(question.id, {})
        used = sorted({segments[s] for (_, s) in qfigures if s in segments}, key=_segment_sort_key)
        results = []
        for seg in used:
            if public and not pub.published(question.id, _condition(seg)):
                continue   # a column that is not published at all (a question a breakdown is made from)
            base_hidden = pub.base_hidden(question.id, _condition(seg))
            for option in question.options:
                figure = qfigures.get((option.id, seg.id))
                if figure is None:
                    continue
                count, base = figure
                # Hidden: a small group or count, or hidden with one so that it cannot be worked out.
                small = base_hidden or pub.cell_hidden(question.id, option.id, _condition(seg))
                hide = pub.cell_hidden(question.id, option.id, _condition(seg)) and public
                results.append({
                    "option": option.label, "option_position": option.position,
                    "segment": seg.label, "dimension": seg.dimension,
                    "count": None if hide else count, "base": None if base_hidden and public else base,
                    "percent": None if hide or (base_hidden and public) else percent(count, base),
                    "suppressed": hide, "small_base": small,
                })
        out.append({
            "id": question.id, "code": question.code, "text": question.text, "type": question.qtype,
            "themes": [t.strip() for t in (question.themes or "").split(",") if t.strip()],
            "position": question.position, "results": results,
        })
    return out


def suppressed_rows(consultation: Consultation, public: bool = True) -> list[dict]:
    """The same figures as flat rows, one per option and segment (for CSV)."""
    rows = []
    for question in suppressed_figures(consultation, public=public):
        for result in question["results"]:
            rows.append({"consultation_id": consultation.id, "consultation": consultation.title,
                         "question_id": question["id"], "question_code": question["code"], "question": question["text"],
                         **result})
    return rows
