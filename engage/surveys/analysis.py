"""Live results of a survey: counts, percentages and bases per question, cross-tabs by an
equality question, ward, priority wards against the rest, or channel; margins of error,
significance marks, weighting to the population profile, and suppression.

Suppression outside staff views is engage.core.disclosure's: a group under the threshold is
hidden (primary), and so is the next smallest group of any breakdown where one hidden group
could be worked out from the total and the others (secondary): everyone = each breakdown's
groups, and priority wards / the rest of the borough = their wards.

Everything is computed from the complete responses each time (one query for responses,
one for answers), so results are live while the survey is open.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from ..consultations.charts import Bar, Group, bar_chart
from ..core import disclosure
from ..extensions import db
from . import equality, stats, structure, weighting as weighting_rules
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
        # Weighted counts are whole people on the page (the figures keep their fractions).
        return "" if self.hidden else f"{self.count:,.0f}"


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


@dataclass
class Results:
    survey: object
    people: int
    questions: list[QuestionResult]
    dimension: Dimension | None
    weighting: weighting_rules.Weighting | None
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
    return [p for p in people if q.id in p.values and not kind.empty(p.values[q.id]) and kind.keys(q, p.values[q.id], part)]


def hidden_groups(q, part: qtypes.Part, people: list[Person], dims: dict[str, Dimension], limit: int) -> set[tuple[str, str]]:
    """The groups whose figures for this question (part) the public may not see, as
    (dimension key, group key), with ``EVERYONE`` for the everyone column. Worked out over
    every breakdown that can be published, since figures from one table can be subtracted
    from another's: everyone = the groups of each breakdown; priority wards and the rest
    of the borough = their wards (engage.core.disclosure.suppress)."""
    answered = _answered(q, part, people)
    groups: dict = {EVERYONE: len(answered)}
    families = []
    for dim in dims.values():
        counts: dict[str, int] = defaultdict(int)
        for p in answered:
            key = dim.of(p)
            if key is not None:
                counts[key] += 1
        members = []
        for key, _label in dim.groups:
            if counts.get(key):   # groups nobody in are not shown to the public at all
                groups[(dim.key, key)] = counts[key]
                members.append((dim.key, key))
        families.append(disclosure.Family(EVERYONE, members))
    if "ward" in dims and "area-group" in dims:
        priority = {str(i) for i in priority_ward_ids()}
        for group in ("priority", "rest"):
            wards = [("ward", k) for k, _label in dims["ward"].groups if (k in priority) == (group == "priority") and ("ward", k) in groups]
            families.append(disclosure.Family(("area-group", group), wards))
    return disclosure.suppress(groups, families, limit)


def _part_table(q, part: qtypes.Part, people: list[Person], dim: Dimension | None, *, public: bool, limit: int,
                show_moe: bool, test: bool, hidden: set | None = None) -> PartTable:
    """One table; with ``public``, the groups in ``hidden`` (from ``hidden_groups``) show no figures."""
    kind = qtypes.type_of(q)
    answered = _answered(q, part, people)
    if public and hidden is None:
        hidden = hidden_groups(q, part, people, {dim.key: dim} if dim is not None else {}, limit)
    categories = list(part.categories)
    if q.qtype == "date":
        months = sorted({k for p in answered for k in kind.keys(q, p.values[q.id], part)})
        categories = [(m, m) for m in months]
    groups: list[tuple[str, str, list[Person]]] = [("all", "Everyone who answered", answered)]
    if dim is not None:
        members = defaultdict(list)
        for p in answered:
            key = dim.of(p)
            if key is not None:
                members[key].append(p)
        groups += [(key, label, members.get(key, [])) for key, label in dim.groups if members.get(key) or not public]
    columns, counts = [], []
    for key, label, group in groups:
        base = sum(p.weight for p in group)
        effective = stats.effective_base([p.weight for p in group]) if group else 0.0
        small = len(group) < limit
        group_key = EVERYONE if key == "all" and not columns else (dim.key, key)
        columns.append(Column(key, label, base, effective, hidden=public and group_key in hidden, small=small, people=len(group)))
        tally = defaultdict(float)
        for p in group:
            for k in kind.keys(q, p.values[q.id], part):
                tally[k] += p.weight
        counts.append(tally)
    rows = []
    for cat_key, cat_label in categories:
        cells = [_cell(counts[i].get(cat_key, 0.0), col.base, col.effective, show_moe, col.hidden) for i, col in enumerate(columns)]
        rows.append((cat_key, cat_label, cells))
    if test and dim is not None and len(columns) > 2:
        _mark_significance(rows, columns, counts, dim, limit, part)
    numeric = None
    if part.numeric or q.qtype == "rating":
        # Averages and middle values count each answer by its weight (1 when unweighted).
        if q.qtype == "rating":
            pairs = [(float(p.values[q.id]), p.weight) for p in answered]
        else:
            pairs = [(kind.numeric_value(q, p.values[q.id]), p.weight) for p in answered]
            pairs = [(v, w) for v, w in pairs if v is not None]
        values, weights = [v for v, _ in pairs], [w for _, w in pairs]
        if values and not (public and len(values) < limit):
            numeric = {"count": len(values), "mean": weighting_rules.weighted_mean(values, weights),
                       "median": weighting_rules.weighted_median(values, weights), "min": min(values), "max": max(values)}
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
    groups = [Group(label, [Bar(cells[0].percent, "bar", f"{cells[0].percent:.0f}%" if cells[0].percent is not None else "")])
              for _key, label, cells in table.rows]
    chart_id = f"chart-q{q.id}-{table.part.key}"
    return bar_chart(chart_id, f"Chart: {table.part.label}",
                     "Bar chart of the percentage of people who answered giving each answer. The table that follows gives the same figures.",
                     groups, scale_max=100.0, axis_label="Percentage of people who answered")


def results(survey, *, by: str | None = None, public: bool = False, weighted: bool = False, show_moe: bool = False,
            people: list[Person] | None = None) -> Results:
    people = load_people(survey) if people is None else people
    everyone = people
    limit = threshold()
    weighting = None
    if weighted:
        from .population import weighting_for

        weighting = weighting_for(survey, people)
        if weighting.usable:
            # The stated rule (engage/surveys/weighting.py): only the people weighted are in
            # weighted tables; the page gives the number left out. Weights that cannot meet
            # the targets are not used at all: the tables stay unweighted and the page says why.
            people = [p for p in people if p.id in weighting.weights]
            for p in people:
                p.weight = weighting.weights[p.id]
    dims = dimensions(survey)
    dim = dims.get(by) if by else None
    nums = structure.numbers(survey)
    out = []
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        answered = sum(1 for p in people if q.id in p.values and not kind.empty(p.values[q.id]))
        result = QuestionResult(q, nums[q.id], answered)
        if kind.text_answer:
            result.comments = answered
        for part in kind.parts(q):
            hidden = hidden_groups(q, part, people, dims, limit) if public else None
            result.tables.append(_part_table(q, part, people, dim, public=public, limit=limit, show_moe=show_moe, test=True,
                                             hidden=hidden))
        if q.qtype == "ranking":
            result.ranking = _ranking(q, people, public, limit)
        out.append(result)
    channels = defaultdict(int)
    for p in everyone:
        channels[p.channel] += 1
    channel_list = [(CHANNELS.get(k, k), n) for k, n in sorted(channels.items(), key=lambda item: -item[1])]
    return Results(survey, len(everyone), out, dim, weighting, public, limit, show_moe, channel_list)


def _ranking(q, people, public, limit):
    """(option, average rank, people who ranked it); the average counts each person by their weight."""
    ranks = defaultdict(list)
    for p in people:
        for n, option_id in enumerate(p.values.get(q.id) or [], start=1):
            ranks[option_id].append((n, p.weight))
    out = []
    for option in q.choices():
        pairs = ranks.get(option.id, [])
        if public and len(pairs) < limit:
            out.append((option.label, None, len(pairs)))
        else:
            mean = weighting_rules.weighted_mean([n for n, _ in pairs], [w for _, w in pairs]) if pairs else None
            out.append((option.label, mean, len(pairs)))
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
    out = []
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        for part in kind.parts(q):
            if part.numeric:
                continue
            figures = []
            hidden = hidden_groups(q, part, people, {k: dims[k] for k in wanted}, limit) if public else None
            for dim_key in [None, *wanted]:
                dim = dims.get(dim_key) if dim_key else None
                table = _part_table(q, part, people, dim, public=public, limit=limit, show_moe=False, test=False, hidden=hidden)
                for index, column in enumerate(table.columns):
                    if dim_key and index == 0:
                        continue
                    dimension = "all" if not dim_key else ("equality:" + (q_equality_key(survey, dim_key)) if dim_key.startswith("q") else dim_key)
                    for cat_key, label, cells in table.rows:
                        cell = cells[index]
                        figures.append({"dimension": dimension, "segment": column.label if dim_key else "All respondents",
                                        "segment_key": column.key, "option": label,
                                        "count": None if column.hidden else int(round(cell.count)),
                                        "base": None if column.hidden else int(round(column.base)),
                                        "percent": None if column.hidden or cell.percent is None else round(cell.percent, 1),
                                        "suppressed": column.hidden})
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
