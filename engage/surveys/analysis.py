"""Live results of a survey: counts, percentages and bases per question, cross-tabs by an
equality question, ward, priority wards against the rest, or channel; intervals (margins of
error), significance marks, weighting to the population profile, and suppression.

Intervals and tests (engage.surveys.stats, engage.core.numbers): a cell's interval is the 95%
Wilson interval on the column's effective base, given only when that base is at least the
minimum base. Significance compares each group with the other groups together (or priority
wards with the rest of the borough), only when both sides' effective bases reach the minimum
base; the other side's effective base is the Kish base of its people as a whole. A question is
never tested against a breakdown made from itself (ward by the ward question, sex by the sex
question). All the tests of one table are one family, controlled by Holm's method. Answers the
survey's editors left out of the base ("Don't know") are counted and shown, but people who gave
only such answers are not in the base, and those answers are not tested.

Suppression outside staff views is engage.core.disclosure's, applied to every table the public
could be shown at once (``publication``): groups under the threshold anywhere are hidden
everywhere, with the next smallest of any breakdown they could be worked out from; counts of 1
to 4 and groups that all gave one answer are hidden; the same people are hidden in every table
that counts them (the ward question's row "Hale" is the column "Hale"), and the questions the
breakdowns are made from are published for everyone only. Averages, ranges and ranking means
are shown from the threshold up.

Everything is computed from the counted responses (``models.counted``: complete, not set
aside as a duplicate or spam, not erased) each time (one query for responses,
one for answers), so results are live while the survey is open.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from ..consultations.charts import Bar, Group, bar_chart
from ..core import disclosure, numbers
from ..core.i18n import N_, gettext
from ..extensions import db
from . import equality, stats, structure, weighting as weighting_rules
from . import questions as qtypes
from .areas import priority_ward_ids, ward_choices
from .models import CHANNELS, SurveyAnswer, SurveyResponse, counted

PRIORITY = N_("Priority wards")
REST = N_("Rest of the borough")
EVERYONE_WORDS = N_("Everyone who answered")
UI_WORDS = frozenset({PRIORITY, REST, EVERYONE_WORDS, "Ward", "Priority wards and the rest of the borough", "Channel",
                      *CHANNELS.values(), *equality.LABELS.values()})


def ui_label(label):
    """A row, column or breakdown label as shown on a staff page: the interface's own words
    (the breakdowns' names, "Everyone who answered", priority wards, channels, equality
    headings) in the reader's language; what staff or residents wrote (answers, ward names)
    as written. Labels stay English in the figures themselves (exports, the consultation
    database); they are translated only here, where they are shown."""
    return gettext(label) if isinstance(label, str) and label in UI_WORDS else label


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
    language: str = "en"


def load_people(survey) -> list[Person]:
    responses = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.channel, SurveyResponse.ward_id, SurveyResponse.language)
        .where(counted(survey.id)).order_by(SurveyResponse.id)).all()
    by_question = {q.id: q for q in survey.questions}
    rows = db.session.scalars(
        select(SurveyAnswer).join(SurveyResponse)
        .where(counted(survey.id))
        .order_by(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.id)).all()
    grouped: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.response_id][row.question_id].append(row)
    people = []
    for rid, channel, ward_id, language in responses:
        values = {}
        for qid, answer_rows in grouped.get(rid, {}).items():
            q = by_question.get(qid)
            if q is not None:
                values[qid] = qtypes.type_of(q).from_rows(q, answer_rows)
        people.append(Person(rid, channel, ward_id, values, language=language))
    return people


# ---- groups to break results down by -----------------------------------------------------

@dataclass
class Dimension:
    key: str
    label: str
    groups: list[tuple[str, str]]            # (key, label) in display order
    of: callable = None                       # person -> group key or None
    pairwise: tuple[str, str] | None = None   # compare these two directly
    source: frozenset = frozenset()           # ids of the questions the groups are made from
    # Answers of the question the groups are made from that put a person in none of them
    # ("Prefer not to say"): never a column, but everyone who answered minus the groups shown
    # is their number, so ``publication`` counts them as a group in that question's table.
    unlisted: frozenset = frozenset()


def dimensions(survey) -> dict[str, Dimension]:
    out: dict[str, Dimension] = {}
    wards = ward_choices(survey)
    area_questions = frozenset(q.id for q in survey.questions if q.qtype == "area")
    if area_questions:
        ward_names = dict(wards)
        out["ward"] = Dimension("ward", N_("Ward"), [(str(i), n) for i, n in wards],
                                lambda p: str(p.ward_id) if p.ward_id in ward_names else None, source=area_questions)
        priority = priority_ward_ids()
        if priority:
            out["area-group"] = Dimension("area-group", N_("Priority wards and the rest of the borough"),
                                          [("priority", PRIORITY), ("rest", REST)],
                                          lambda p: None if p.ward_id is None else ("priority" if p.ward_id in priority else "rest"),
                                          pairwise=("priority", "rest"), source=area_questions)
    out["channel"] = Dimension("channel", N_("Channel"), list(CHANNELS.items()), lambda p: p.channel)
    for q in structure.ordered_questions(survey):
        if q.equality_key and q.qtype in ("single", "yesno", "agreement"):
            label = equality.LABELS.get(q.equality_key, q.text)
            options = [(str(o.id), o.label) for o in q.choices() if not o.is_exclusive]
            unlisted = frozenset(str(o.id) for o in q.choices() if o.is_exclusive)

            def of(p, q=q):
                value = p.values.get(q.id)
                return str(value["o"][0]) if value and value.get("o") else None

            out[f"q{q.id}"] = Dimension(f"q{q.id}", label, options, of, source=frozenset({q.id}), unlisted=unlisted)
    return out


# ---- tables ------------------------------------------------------------------------------

@dataclass
class Cell:
    count: float
    base: float
    percent: float | None           # unrounded: shown through engage.core.numbers
    interval: tuple[float, float] | None = None   # 95% Wilson interval, percentages
    significant: str = ""   # "higher" | "lower" | ""
    hidden: bool = False
    outside: bool = False   # an answer left out of the base: counted, no percentage
    p_value: float | None = None   # the test's own p-value, before the family correction

    def count_text(self) -> str:
        # Weighted counts are whole people on the page (the figures keep their fractions).
        return "" if self.hidden else numbers.whole_text(self.count)

    @property
    def percent_text(self) -> str:
        return numbers.percent_text(self.percent)

    @property
    def interval_text(self) -> str:
        """"52% to 61%", rounded by the one rule."""
        if self.interval is None:
            return ""
        low, high = self.interval
        return gettext("%(low)s to %(high)s", low=numbers.percent_text(low), high=numbers.percent_text(high))


@dataclass
class Column:
    key: str
    label: str
    base: float
    effective: float
    hidden: bool = False
    small: bool = False
    people: int = 0   # the unweighted base
    weights: list = field(default_factory=list, repr=False)   # the weights of the people in the base
    intervals: bool = False   # big enough for intervals and tests (effective base >= minimum base)


@dataclass
class PartTable:
    part: qtypes.Part
    columns: list[Column]
    rows: list[tuple[str, str, list[Cell]]]   # (category key, label, cells)
    numeric: dict | None = None               # mean, median... for numbers
    chart: Markup | None = None
    tests: int = 0                            # significance tests in this table's family
    marks: int = 0                            # of them, significant after Holm's correction (tests, not cells)
    own_question: bool = False                # broken down by a grouping made from this question

    @property
    def adds_to_100(self) -> bool:
        """Whether each shown column's whole percentages add up to 100 (always true for
        questions where people could choose more than one answer, which need not)."""
        if self.part.multi or self.part.numeric:
            return True
        for i, column in enumerate(self.columns):
            if column.hidden or not column.base:
                continue
            if not numbers.adds_to_100([cells[i].percent for _key, _label, cells in self.rows if not cells[i].outside]):
                return False
        return True


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
    weighting: weighting_rules.Weighting | None
    public: bool
    threshold: int
    show_moe: bool
    channels: list[tuple[str, int]]
    min_base: int = numbers.DEFAULT_MIN_BASE
    # How many answered in each language (or easy read): [(name, count)], most first.
    languages: list[tuple[str, int]] = field(default_factory=list)
    correction: str = stats.CORRECTION_NAME

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for q in self.questions for t in q.tables for c in t.columns)

    @property
    def tables(self) -> list[PartTable]:
        return [t for q in self.questions for t in q.tables]

    @property
    def marks(self) -> int:
        return sum(t.marks for t in self.tables)

    @property
    def tests(self) -> int:
        return sum(t.tests for t in self.tables)

    @property
    def has_out_of_base(self) -> bool:
        return any(t.part.out_of_base for t in self.tables)

    @property
    def has_small_for_intervals(self) -> bool:
        return any(not c.intervals and not c.hidden and c.base for t in self.tables for c in t.columns)


def _cell(count, base, effective, show_moe, hidden, outside=False):
    if hidden or not base:
        return Cell(count, base, None, None, hidden=hidden, outside=outside)
    if outside:
        return Cell(count, base, None, None, outside=True)
    share = count / base
    interval = stats.interval(share * effective, effective) if show_moe and effective else None
    return Cell(count, base, numbers.share(count, base), interval)


def _answered(q, part: qtypes.Part, people: list[Person], *, in_base: bool = True) -> list[Person]:
    """The people who answered this part; with ``in_base`` (the base of the percentages), not
    those whose only answers are ones the survey's editors left out of the base."""
    kind = qtypes.type_of(q)
    if part.numeric and not part.categories:
        return [p for p in people if q.id in p.values and kind.numeric_value(q, p.values[q.id]) is not None]
    out = []
    for p in people:
        if q.id not in p.values or kind.empty(p.values[q.id]):
            continue
        keys = kind.keys(q, p.values[q.id], part)
        if keys and not (in_base and part.out_of_base and all(k in part.out_of_base for k in keys)):
            out.append(p)
    return out


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
    # In the table of the question a breakdown is made from, the people who gave an answer that
    # is in none of its groups are one of its groups (engage.consultations.results does the same).
    own_family = {d.key: disclosure.Family(disclosure.EVERYONE, [(d.key, k) for k, _l in d.groups] + [(d.key, k) for k in sorted(d.unlisted)])
                  for d in dims.values() if d.unlisted}
    always = set()
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        if not kind.text_answer:
            for part in kind.parts(q):
                if len(_answered(q, part, people, in_base=False)) == len(people) and not part.out_of_base:
                    always.add(("answered", q.id, part.key))
    pub = disclosure.Publication(limit, implies, always)
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        if kind.text_answer:
            continue
        for part in kind.parts(q):
            answered = _answered(q, part, people, in_base=False)
            categories = _categories(q, part, answered)
            left_out = part.out_of_base
            dim_key = defines.get(q.id)
            group_keys = {k for k, _l in dims[dim_key].groups} if dim_key else set()
            options = {cat: ((dim_key, cat) if cat in group_keys else ("answer", q.id, part.key, cat)) for cat, _l in categories}
            members: dict = defaultdict(list)
            members[disclosure.EVERYONE] = []
            for p in answered:
                members[disclosure.EVERYONE].append(p)
                for dim in dims.values():
                    key = dim.of(p)
                    if key is not None and (key not in dim.unlisted or dim.key == dim_key):
                        members[(dim.key, key)].append(p)
            columns = {}
            for group, group_people in members.items():
                tally: dict = defaultdict(int)
                base = 0
                for p in group_people:
                    keys = kind.keys(q, p.values[q.id], part)
                    for k in keys:
                        tally[k] += 1
                    if not (left_out and all(k in left_out for k in keys)):
                        base += 1
                columns[group] = (base, tally)
            # The questions the breakdowns are made from are published for everyone only:
            # broken down by each other (ward by age by sex) they are a table of who lives where.
            table_families = families + ([own_family[dim_key]] if dim_key in own_family else [])
            pub.table((q.id, part.key), ("answered", q.id, part.key), options, columns, table_families, multi=part.multi,
                      only_everyone=dim_key is not None, summed=[cat for cat, _l in categories if cat not in left_out])
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
    answered = _answered(q, part, people, in_base=False)
    left_out = part.out_of_base
    if public and pub is None:
        pub = publication(q.survey, people, dimensions(q.survey), limit)
    name = (q.id, part.key)
    categories = _categories(q, part, answered)
    groups: list[tuple[str, str, list[Person]]] = [("all", EVERYONE_WORDS, answered)]
    if dim is not None:
        members = defaultdict(list)
        for p in answered:
            key = dim.of(p)
            if key is not None:
                members[key].append(p)
        groups += [(key, label, members.get(key, [])) for key, label in dim.groups
                   if not public or (members.get(key) and pub.published(name, (dim.key, key)))]
    columns, counts, group_keys = [], [], []
    minimum = numbers.min_base()
    for key, label, group in groups:
        tally = defaultdict(float)
        weights = []
        for p in group:
            keys = kind.keys(q, p.values[q.id], part)
            for k in keys:
                tally[k] += p.weight
            if not (left_out and all(k in left_out for k in keys)):
                weights.append(p.weight)
        base = sum(weights)
        effective = stats.effective_base(weights) if weights else 0.0
        small = len(weights) < limit
        group_key = disclosure.EVERYONE if key == "all" and not columns else (dim.key, key)
        group_keys.append(group_key)
        columns.append(Column(key, label, base, effective, hidden=public and pub.base_hidden(name, group_key), small=small,
                              people=len(weights), weights=weights, intervals=effective >= minimum))
        counts.append(tally)
    rows = []
    for cat_key, cat_label in categories:
        cells = []
        for i, col in enumerate(columns):
            hidden = public and pub.cell_hidden(name, cat_key, group_keys[i])
            cell = _cell(counts[i].get(cat_key, 0.0), col.base, col.effective, show_moe, hidden, cat_key in left_out)
            if col.hidden:
                cell.percent = cell.interval = None   # a percentage of a hidden base would give the base away
            cells.append(cell)
        rows.append((cat_key, cat_label, cells))
    tests = marks = 0
    own = dim is not None and q.id in dim.source
    if test and dim is not None and len(columns) > 2 and not own:
        tests, marks = _mark_significance(rows, columns, dim, part, minimum)
    numeric = None
    if part.numeric or q.qtype == "rating":
        # Averages and middle values count each answer by its weight (1 when unweighted).
        if q.qtype == "rating":
            pairs = [(float(p.values[q.id]), p.weight) for p in answered]
        else:
            pairs = [(kind.numeric_value(q, p.values[q.id]), p.weight) for p in answered]
            pairs = [(v, w) for v, w in pairs if v is not None]
        values, weights = [v for v, _ in pairs], [w for _, w in pairs]
        # The lowest and highest answers of a few people are their answers: averages, middle
        # values and ranges only from the threshold up (engage.core.disclosure.shown_statistics).
        if values and not (public and (not disclosure.shown_statistics(len(values), limit) or columns[0].hidden)):
            numeric = {"count": len(values), "mean": weighting_rules.weighted_mean(values, weights),
                       "median": weighting_rules.weighted_median(values, weights), "min": min(values), "max": max(values)}
    table = PartTable(part, columns, rows, numeric, tests=tests, marks=marks, own_question=own)
    table.chart = _chart(q, table)
    return table


def _mark_significance(rows, columns: list[Column], dim: Dimension, part, minimum: float) -> tuple[int, int]:
    """Mark cells significantly higher or lower, and return (tests run, tests significant);
    a pairwise test marks both its cells.

    Each group is compared with the other groups together (a pairwise dimension's two groups
    with each other), per answer, on effective bases. A group is tested only when its
    effective base, and that of what it is compared with, reach ``minimum``; the other
    groups' effective base is the Kish base of all their people as one group. Answers such as
    "Prefer not to say" and answers left out of the base are not tested. The table's tests
    are one family, controlled by Holm's method (stats.family)."""
    group_cols = list(range(1, len(columns)))
    if dim.pairwise:
        pair = [i for i in group_cols if columns[i].key in dim.pairwise]
        comparisons = [(pair[0], [pair[1]])] if len(pair) == 2 else []
    else:
        comparisons = [(i, [j for j in group_cols if j != i]) for i in group_cols]
    family = []   # (p-value, [(cell, mark)])
    for i, others in comparisons:
        col = columns[i]
        if col.hidden or col.effective < minimum:
            continue
        rest_weights = [w for j in others for w in columns[j].weights]
        base2 = sum(rest_weights)
        eff2 = stats.effective_base(rest_weights) if rest_weights else 0.0
        if not base2 or eff2 < minimum:
            continue
        for cat_key, _label, cells in rows:
            if cat_key in part.exclusive or cat_key in part.out_of_base:
                continue
            count2 = sum(cells[j].count for j in others)
            share1 = cells[i].count / col.base
            share2 = count2 / base2
            p_value = stats.two_proportion_test(share1 * col.effective, col.effective, share2 * eff2, eff2)
            if p_value is None:
                continue
            marks = [(cells[i], "higher" if share1 > share2 else "lower")]
            if dim.pairwise:
                marks.append((cells[others[0]], "lower" if share1 > share2 else "higher"))
            for cell, _mark in marks:
                cell.p_value = p_value
            family.append((p_value, marks))
    found = stats.family([p for p, _marks in family])
    marked = 0
    for (_p, marks), significant in zip(family, found):
        if significant:
            marked += 1
            for cell, mark in marks:
                cell.significant = mark
    return len(family), marked


def _chart(q, table: PartTable) -> Markup | None:
    if not table.rows or not table.columns or table.part.numeric:
        return None
    column = table.columns[0]
    if column.hidden or not column.base:
        return None
    groups = [Group(ui_label(label), [Bar(cells[0].percent, "bar",
                                          numbers.percent_text(cells[0].percent) if not cells[0].hidden else gettext("hidden"))])
              for _key, label, cells in table.rows if not cells[0].outside]
    chart_id = f"chart-q{q.id}-{table.part.key}"
    return bar_chart(chart_id, gettext("Chart: %(title)s", title=table.part.label),
                     gettext("Bar chart of the percentage of people who answered giving each answer. "
                             "The table that follows gives the same figures."),
                     groups, scale_max=100.0, axis_label=gettext("Percentage of people who answered"))


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
    for p in everyone:
        channels[p.channel] += 1
    channel_list = [(CHANNELS.get(k, k), n) for k, n in sorted(channels.items(), key=lambda item: -item[1])]
    return Results(survey, len(everyone), out, dim, weighting, public, limit, show_moe, channel_list, numbers.min_base(),
                   languages=answered_in(everyone))


def answered_in(people) -> list[tuple[str, int]]:
    """How many people answered in each language (or easy read): most first, the site's own
    language first among equals."""
    from ..core.content import variant_name
    from ..core.i18n import default_language

    tally = defaultdict(int)
    for p in people:
        tally[p.language] += 1
    own = default_language()
    return [(variant_name(code), n) for code, n in sorted(tally.items(), key=lambda item: (-item[1], item[0] != own, item[0]))]


def _ranking(q, people, public, limit):
    """(option, average rank, people who ranked it); the average counts each person by their weight."""
    ranks = defaultdict(list)
    for p in people:
        for n, option_id in enumerate(p.values.get(q.id) or [], start=1):
            ranks[option_id].append((n, p.weight))
    out = []
    for option in q.choices():
        pairs = ranks.get(option.id, [])
        if public and not disclosure.shown_statistics(len(pairs), limit):
            out.append((option.label, None, None))
        else:
            mean = weighting_rules.weighted_mean([n for n, _ in pairs], [w for _, w in pairs]) if pairs else None
            out.append((option.label, mean, len(pairs)))
    return sorted(out, key=lambda item: (item[1] is None, item[1] or 0))


# ---- plain data for publishing, exports and the API --------------------------------------

def aggregated(survey, *, public: bool, by_keys=("area-group", "ward", "channel", "equality"),
               people: list[Person] | None = None) -> list[dict]:
    """Every question's counts as plain data, for everyone and for each group of the
    breakdowns (ward, priority wards and the rest, channel, each equality question).
    With ``public`` a group whose base is under the threshold has its figures removed.
    ``people`` (from ``load_people``) saves loading them again when the caller has them."""
    people = load_people(survey) if people is None else people
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
                table = _part_table(q, part, people, dim, public=public, limit=limit, show_moe=True, test=False, pub=pub)
                for index, column in enumerate(table.columns):
                    if dim_key and index == 0:
                        continue
                    dimension = "all" if not dim_key else ("equality:" + (q_equality_key(survey, dim_key)) if dim_key.startswith("q") else dim_key)
                    for cat_key, label, cells in table.rows:
                        cell = cells[index]
                        interval = None if column.hidden else cell.interval
                        figures.append({"dimension": dimension, "segment": column.label if dim_key else "All respondents",
                                        "segment_key": column.key, "option": label,
                                        "count": None if cell.hidden else int(round(cell.count)),
                                        "base": None if column.hidden else int(round(column.base)),
                                        "percent": None if cell.hidden or column.hidden else numbers.rounded(cell.percent, 1),
                                        "interval_low": numbers.rounded(interval[0], 1) if interval and not cell.hidden else None,
                                        "interval_high": numbers.rounded(interval[1], 1) if interval and not cell.hidden else None,
                                        "in_base": not cell.outside,
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
