"""Live results of a survey: counts, percentages and bases per question, cross-tabs by an
equality question, ward, priority wards against the rest, or channel; margins of error,
significance marks, weighting to the population profile, and suppression.

Suppression outside staff views is engage.core.disclosure's, applied to every table the public
could be shown at once (``publication``): groups under the threshold anywhere are hidden
everywhere, with the next smallest of any breakdown they could be worked out from; counts of 1
to 4 and groups that all gave one answer are hidden; the same people are hidden in every table
that counts them (the ward question's row "Hale" is the column "Hale"), and the questions the
breakdowns are made from are published for everyone only. Averages, ranges and ranking means
are shown from the threshold up.

Everything is computed from the complete responses each time (one query for responses,
one for answers), so results are live while the survey is open.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from markupsafe import Markup
from sqlalchemy import select

from ..consultations.charts import Bar, Group, bar_chart
from ..core import disclosure
from ..extensions import db
from . import equality, stats, structure
from . import questions as qtypes
from .areas import priority_ward_ids, ward_choices
from .models import CHANNELS, SurveyAnswer, SurveyResponse

PRIORITY = "Priority wards"
REST = "Rest of the borough"


# The suppression threshold is engage.core.disclosure's (ENGAGE_SUPPRESSION_THRESHOLD).
threshold = disclosure.threshold
EVERYONE = ("all", "all")


@dataclass
class Person:
    id: int
    channel: str
    ward_id: int | None
    values: dict[int, object]
    weight: float = 1.0


def load_people(survey) -> list[Person]:
    responses = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.channel, SurveyResponse.ward_id)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.status == "complete").order_by(SurveyResponse.id)).all()
    by_question = {q.id: q for q in survey.questions}
    rows = db.session.scalars(
        select(SurveyAnswer).join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.status == "complete")
        .order_by(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.id)).all()
    grouped: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.response_id][row.question_id].append(row)
    people = []
    for rid, channel, ward_id in responses:
        values = {}
        for qid, answer_rows in grouped.get(rid, {}).items():
            q = by_question.get(qid)
            if q is not None:
                values[qid] = qtypes.type_of(q).from_rows(q, answer_rows)
        people.append(Person(rid, channel, ward_id, values))
    return people


# ---- groups to break results down by -----------------------------------------------------

@dataclass
class Dimension:
    key: str
    label: str
    groups: list[tuple[str, str]]            # (key, label) in display order
    of: callable = None                       # person -> group key or None
    pairwise: tuple[str, str] | None = None   # compare these two directly


def dimensions(survey) -> dict[str, Dimension]:
    out: dict[str, Dimension] = {}
    wards = ward_choices(survey)
    if any(q.qtype == "area" for q in survey.questions):
        ward_names = dict(wards)
        out["ward"] = Dimension("ward", "Ward", [(str(i), n) for i, n in wards],
                                lambda p: str(p.ward_id) if p.ward_id in ward_names else None)
        priority = priority_ward_ids()
        if priority:
            out["area-group"] = Dimension("area-group", "Priority wards and the rest of the borough",
                                          [("priority", PRIORITY), ("rest", REST)],
                                          lambda p: None if p.ward_id is None else ("priority" if p.ward_id in priority else "rest"),
                                          pairwise=("priority", "rest"))
    out["channel"] = Dimension("channel", "Channel", list(CHANNELS.items()), lambda p: p.channel)
    for q in structure.ordered_questions(survey):
        if q.equality_key and q.qtype in ("single", "yesno", "agreement"):
            label = equality.LABELS.get(q.equality_key, q.text)
            options = [(str(o.id), o.label) for o in q.choices() if not o.is_exclusive]

            def of(p, q=q):
                value = p.values.get(q.id)
                return str(value["o"][0]) if value and value.get("o") else None

            out[f"q{q.id}"] = Dimension(f"q{q.id}", label, options, of)
    return out


# ---- tables ------------------------------------------------------------------------------

@dataclass
class Cell:
    count: float
    base: float
    percent: float | None
    moe: float | None = None
    significant: str = ""   # "higher" | "lower" | ""
    hidden: bool = False

    def count_text(self) -> str:
        return "" if self.hidden else (f"{self.count:,.0f}" if float(self.count).is_integer() else f"{self.count:,.1f}")


@dataclass
class Column:
    key: str
    label: str
    base: float
    effective: float
    hidden: bool = False
    small: bool = False
    people: int = 0   # the unweighted base


@dataclass
class PartTable:
    part: qtypes.Part
    columns: list[Column]
    rows: list[tuple[str, str, list[Cell]]]   # (category key, label, cells)
    numeric: dict | None = None               # mean, median... for numbers
    chart: Markup | None = None


@dataclass
class QuestionResult:
    question: object
    number: str
    answered: int
    tables: list[PartTable] = field(default_factory=list)
    comments: int = 0
    ranking: list[tuple[str, float, int]] = field(default_factory=list)  # (option, mean rank, times ranked)
    answered_hidden: bool = False   # the public may not see how many answered (too few)


@dataclass
class Results:
    survey: object
    people: int
    questions: list[QuestionResult]
    dimension: Dimension | None
    weighting: stats.Weighting | None
    public: bool
    threshold: int
    show_moe: bool
    channels: list[tuple[str, int]]

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for q in self.questions for t in q.tables for c in t.columns)


def _cell(count, base, effective, show_moe, hidden):
    if hidden or not base:
        return Cell(count, base, None, None, hidden=hidden)
    share = count / base
    moe = stats.margin_of_error(share * effective, effective) if show_moe and effective else None
    return Cell(count, base, 100.0 * share, moe)


def _answered(q, part: qtypes.Part, people: list[Person]) -> list[Person]:
    kind = qtypes.type_of(q)
    if part.numeric and not part.categories:
        return [p for p in people if q.id in p.values and kind.numeric_value(q, p.values[q.id]) is not None]
    return [p for p in people if q.id in p.values and not kind.empty(p.values[q.id]) and kind.keys(q, p.values[q.id], part)]


def defined_by(survey, dims: dict[str, Dimension]) -> dict[int, str]:
    """The questions a breakdown is made from: {question id: dimension key} (the ward
    question makes the ward breakdown; each equality question its own)."""
    out = {}
    for q in survey.questions:
        if q.qtype == "area" and "ward" in dims:
            out[q.id] = "ward"
        elif f"q{q.id}" in dims:
            out[q.id] = f"q{q.id}"
    return out


def publication(survey, people: list[Person], dims: dict[str, Dimension], limit: int) -> disclosure.Publication:
    """Every table the public could be shown for this survey (each question by each
    breakdown), as one engage.core.disclosure.Publication: a figure hidden in one table is
    hidden in every other that counts the same people, whichever way it is turned (the row
    "Hale" of the ward question by age is the column "Hale" of the age question by ward)."""
    defines = defined_by(survey, dims)
    priority = {str(i) for i in priority_ward_ids()}
    implies: dict = {}
    for qid, dim_key in defines.items():
        for key, _label in dims[dim_key].groups:
            implies.setdefault((dim_key, key), set()).add(("answered", qid, "all"))
    if "ward" in dims and "area-group" in dims:
        for key, _label in dims["ward"].groups:
            implies.setdefault(("ward", key), set()).add(("area-group", "priority" if key in priority else "rest"))
    described = [{"key": disclosure.EVERYONE, "dimension": "all", "label": "Everyone", "priority": False}]
    described += [{"key": (d.key, k), "dimension": d.key, "label": label, "priority": d.key == "ward" and k in priority}
                  for d in dims.values() for k, label in d.groups]
    families = disclosure.families_for_segments(described)
    always = set()
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        if not kind.text_answer:
            for part in kind.parts(q):
                if len(_answered(q, part, people)) == len(people):
                    always.add(("answered", q.id, part.key))
    pub = disclosure.Publication(limit, implies, always)
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        if kind.text_answer:
            continue
        for part in kind.parts(q):
            answered = _answered(q, part, people)
            categories = _categories(q, part, answered)
            dim_key = defines.get(q.id)
            group_keys = {k for k, _l in dims[dim_key].groups} if dim_key else set()
            options = {cat: ((dim_key, cat) if cat in group_keys else ("answer", q.id, part.key, cat)) for cat, _l in categories}
            members: dict = defaultdict(list)
            members[disclosure.EVERYONE] = []
            for p in answered:
                members[disclosure.EVERYONE].append(p)
                for dim in dims.values():
                    key = dim.of(p)
                    if key is not None:
                        members[(dim.key, key)].append(p)
            columns = {}
            for group, group_people in members.items():
                tally: dict = defaultdict(int)
                for p in group_people:
                    for k in kind.keys(q, p.values[q.id], part):
                        tally[k] += 1
                columns[group] = (len(group_people), tally)
            # The questions the breakdowns are made from are published for everyone only:
            # broken down by each other (ward by age by sex) they are a table of who lives where.
            pub.table((q.id, part.key), ("answered", q.id, part.key), options, columns, families, multi=part.multi,
                      only_everyone=dim_key is not None)
    pub.solve()
    return pub


def _categories(q, part: qtypes.Part, answered: list[Person]) -> list[tuple[str, str]]:
    if q.qtype == "date":
        kind = qtypes.type_of(q)
        months = sorted({k for p in answered for k in kind.keys(q, p.values[q.id], part)})
        return [(m, m) for m in months]
    return list(part.categories)


def _part_table(q, part: qtypes.Part, people: list[Person], dim: Dimension | None, *, public: bool, limit: int,
                show_moe: bool, test: bool, pub: disclosure.Publication | None = None) -> PartTable:
    """One table; with ``public``, the figures ``pub`` (from ``publication``) hides show none."""
    kind = qtypes.type_of(q)
    answered = _answered(q, part, people)
    if public and pub is None:
        pub = publication(q.survey, people, dimensions(q.survey), limit)
    name = (q.id, part.key)
    categories = _categories(q, part, answered)
    groups: list[tuple[str, str, list[Person]]] = [("all", "Everyone who answered", answered)]
    if dim is not None:
        members = defaultdict(list)
        for p in answered:
            key = dim.of(p)
            if key is not None:
                members[key].append(p)
        groups += [(key, label, members.get(key, [])) for key, label in dim.groups
                   if not public or (members.get(key) and pub.published(name, (dim.key, key)))]
    columns, counts, group_keys = [], [], []
    for key, label, group in groups:
        base = sum(p.weight for p in group)
        effective = stats.effective_base([p.weight for p in group]) if group else 0.0
        small = len(group) < limit
        group_key = disclosure.EVERYONE if key == "all" and not columns else (dim.key, key)
        group_keys.append(group_key)
        columns.append(Column(key, label, base, effective, hidden=public and pub.base_hidden(name, group_key), small=small,
                              people=len(group)))
        tally = defaultdict(float)
        for p in group:
            for k in kind.keys(q, p.values[q.id], part):
                tally[k] += p.weight
        counts.append(tally)
    rows = []
    for cat_key, cat_label in categories:
        cells = []
        for i, col in enumerate(columns):
            hidden = public and pub.cell_hidden(name, cat_key, group_keys[i])
            cell = _cell(counts[i].get(cat_key, 0.0), col.base, col.effective, show_moe, hidden)
            if col.hidden:
                cell.percent = cell.moe = None   # a percentage of a hidden base would give the base away
            cells.append(cell)
        rows.append((cat_key, cat_label, cells))
    if test and dim is not None and len(columns) > 2:
        _mark_significance(rows, columns, counts, dim, limit, part)
    numeric = None
    if part.numeric or q.qtype == "rating":
        values = [kind.numeric_value(q, p.values[q.id]) for p in answered]
        values = [v for v in values if v is not None]
        # The lowest and highest answers of a few people are their answers: averages, middle
        # values and ranges only from the threshold up (engage.core.disclosure.shown_statistics).
        if values and not (public and (not disclosure.shown_statistics(len(values), limit) or columns[0].hidden)):
            numeric = {"count": len(values), "mean": sum(values) / len(values), "median": median(values),
                       "min": min(values), "max": max(values)}
    table = PartTable(part, columns, rows, numeric)
    table.chart = _chart(q, table)
    return table


def _mark_significance(rows, columns, counts, dim: Dimension, limit: int, part) -> None:
    """Each group against everyone else who answered (or the two groups of a pairwise
    dimension against each other), per answer, at the 5% level. "Prefer not to say" and
    groups with small bases are not tested."""
    group_cols = list(range(1, len(columns)))
    for cat_key, _label, cells in rows:
        if cat_key in part.exclusive:
            continue
        for i in group_cols:
            col = columns[i]
            if col.small or col.hidden:
                continue
            if dim.pairwise:
                others = [j for j in group_cols if j != i and columns[j].key in dim.pairwise]
                if col.key not in dim.pairwise:
                    continue
            else:
                others = [j for j in group_cols if j != i]
            base2 = sum(columns[j].base for j in others)
            eff2 = sum(columns[j].effective for j in others)
            count2 = sum(counts[j].get(cat_key, 0.0) for j in others)
            if not base2 or sum(1 for j in others if not columns[j].small) == 0 or eff2 < limit:
                continue
            share1 = cells[i].count / col.base if col.base else 0.0
            share2 = count2 / base2
            p_value = stats.two_proportion_test(share1 * col.effective, col.effective, share2 * eff2, eff2)
            if stats.significant(p_value):
                cells[i].significant = "higher" if share1 > share2 else "lower"


def _chart(q, table: PartTable) -> Markup | None:
    if not table.rows or not table.columns or table.part.numeric:
        return None
    column = table.columns[0]
    if column.hidden or not column.base:
        return None
    groups = [Group(label, [Bar(cells[0].percent, "bar", f"{cells[0].percent:.0f}%" if cells[0].percent is not None else ("hidden" if cells[0].hidden else ""))])
              for _key, label, cells in table.rows]
    chart_id = f"chart-q{q.id}-{table.part.key}"
    return bar_chart(chart_id, f"Chart: {table.part.label}",
                     "Bar chart of the percentage of people who answered giving each answer. The table that follows gives the same figures.",
                     groups, scale_max=100.0, axis_label="Percentage of people who answered")


def results(survey, *, by: str | None = None, public: bool = False, weighted: bool = False, show_moe: bool = False,
            people: list[Person] | None = None) -> Results:
    people = load_people(survey) if people is None else people
    limit = threshold()
    weighting = None
    if weighted:
        from .population import weighting_for

        weighting = weighting_for(survey, people)
        for p in people:
            p.weight = weighting.weights.get(p.id, 1.0)
    dims = dimensions(survey)
    dim = dims.get(by) if by else None
    nums = structure.numbers(survey)
    pub = publication(survey, people, dims, limit) if public else None
    out = []
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        answered = sum(1 for p in people if q.id in p.values and not kind.empty(p.values[q.id]))
        result = QuestionResult(q, nums[q.id], answered)
        if kind.text_answer:
            result.comments = answered
        for part in kind.parts(q):
            result.tables.append(_part_table(q, part, people, dim, public=public, limit=limit, show_moe=show_moe, test=True,
                                             pub=pub))
        if public and result.tables and result.tables[0].columns and result.tables[0].columns[0].hidden:
            result.answered_hidden = True   # "Base: N answered" follows the table's rule
        if q.qtype == "ranking":
            result.ranking = _ranking(q, people, public, limit)
        out.append(result)
    channels = defaultdict(int)
    for p in people:
        channels[p.channel] += 1
    channel_list = [(CHANNELS.get(k, k), n) for k, n in sorted(channels.items(), key=lambda item: -item[1])]
    return Results(survey, len(people), out, dim, weighting, public, limit, show_moe, channel_list)


def _ranking(q, people, public, limit):
    ranks = defaultdict(list)
    for p in people:
        for n, option_id in enumerate(p.values.get(q.id) or [], start=1):
            ranks[option_id].append(n)
    out = []
    for option in q.choices():
        values = ranks.get(option.id, [])
        if public and not disclosure.shown_statistics(len(values), limit):
            out.append((option.label, None, None))
        else:
            out.append((option.label, sum(values) / len(values) if values else None, len(values)))
    return sorted(out, key=lambda item: (item[1] is None, item[1] or 0))


# ---- plain data for publishing, exports and the API --------------------------------------

def aggregated(survey, *, public: bool, by_keys=("area-group", "ward", "channel", "equality")) -> list[dict]:
    """Every question's counts as plain data, for everyone and for each group of the
    breakdowns (ward, priority wards and the rest, channel, each equality question).
    With ``public`` a group whose base is under the threshold has its figures removed."""
    people = load_people(survey)
    dims = dimensions(survey)
    wanted = [k for k in dims if k in by_keys or (k.startswith("q") and "equality" in by_keys)]
    nums = structure.numbers(survey)
    limit = threshold()
    pub = publication(survey, people, dims, limit) if public else None
    out = []
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        for part in kind.parts(q):
            if part.numeric:
                continue
            figures = []
            for dim_key in [None, *wanted]:
                dim = dims.get(dim_key) if dim_key else None
                table = _part_table(q, part, people, dim, public=public, limit=limit, show_moe=False, test=False, pub=pub)
                for index, column in enumerate(table.columns):
                    if dim_key and index == 0:
                        continue
                    dimension = "all" if not dim_key else ("equality:" + (q_equality_key(survey, dim_key)) if dim_key.startswith("q") else dim_key)
                    for cat_key, label, cells in table.rows:
                        cell = cells[index]
                        figures.append({"dimension": dimension, "segment": column.label if dim_key else "All respondents",
                                        "segment_key": column.key, "option": label,
                                        "count": None if cell.hidden else int(round(cell.count)),
                                        "base": None if column.hidden else int(round(column.base)),
                                        "percent": None if cell.hidden or cell.percent is None else round(cell.percent, 1),
                                        "suppressed": cell.hidden})
            text = q.text if len(kind.parts(q)) == 1 else f"{q.text}: {part.label}"
            out.append({"question_id": q.id, "number": nums[q.id] + ("" if len(kind.parts(q)) == 1 else f".{kind.parts(q).index(part) + 1}"),
                        "text": text, "type": q.qtype, "multiple": part.multi,
                        "options": [row[1] for row in table.rows],
                        "figures": figures})
    return out


def q_equality_key(survey, dim_key: str) -> str:
    qid = int(dim_key[1:])
    q = next((q for q in survey.questions if q.id == qid), None)
    return q.equality_key if q is not None else "other"
