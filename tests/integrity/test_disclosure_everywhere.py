"""Disclosure control across everything published (issues 16 and 17).

The demo survey is published to its consultation, and every breakdown of the demo is read as
the public reads it: the survey API, the consultation page (what its tables show), the
consultation API and the open-data CSV export, for every demo consultation with results. The
checker here is independent of engage.core.disclosure: it knows only what is published and
which questions the breakdowns are made from, and checks that

- no count or base of 1 to 4 people is shown, and no group where everyone gave one answer;
- the same people (a row of the ward question by age is a column of the age question by
  ward; the base of a ward is the ward's row of the ward question) are hidden everywhere or
  nowhere;
- no hidden count can be worked out from what is shown: every sum that holds between the
  published figures (a group's answers add up to its base, the groups of a breakdown add up
  to everyone, wards to the priority wards and the rest) is written as a linear equation,
  the people outside every group of a breakdown count as known when they are fewer than the
  threshold, and no hidden figure may be fixed by the equations (linear algebra, scipy) or
  be known to be 0 because the hidden figures of a sum add up to nobody.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict

import numpy as np
import pytest
from scipy.linalg import qr
from sqlalchemy import select

from engage.extensions import db

LIMIT = 5


@pytest.fixture
def demo(request, seeded, client):
    """One demo survey (the cleaner-streets survey unless a test names another), closed and
    published with its results."""
    from engage.accounts.models import User
    from engage.surveys import demo as survey_demo, publishing
    from engage.surveys.models import Survey

    title = getattr(request, "param", survey_demo.SURVEY_TITLE)
    survey = db.session.scalar(select(Survey).where(Survey.is_demo.is_(True), Survey.title == title))
    officer = db.session.scalar(select(User).where(User.role == "officer").order_by(User.id))
    from engage.core.models import utcnow

    survey.closes_at = utcnow()  # results are published once the survey has closed
    publishing.publish(officer, survey, results_public=True)
    db.session.commit()
    return survey


def _attribute_questions(survey) -> dict[str, str]:
    """{question text: dimension}: the questions the breakdowns are made from."""
    out = {}
    for q in survey.questions:
        if q.qtype == "area":
            out[q.text] = "ward"
        elif q.equality_key:
            out[q.text] = q.equality_key
    return out


class Published:
    """One source's figures: {(question, option, dimension, segment): (count or None, base or None)}."""

    def __init__(self, name: str):
        self.name = name
        self.figures: dict[tuple, tuple] = {}

    def add(self, question, option, dimension, segment, count, base):
        dimension = dimension.split(":", 1)[1] if dimension.startswith("equality:") else dimension
        segment = "All respondents" if dimension == "all" else segment
        self.figures[(question, option, dimension, segment)] = (count, base)


def _survey_api(client, survey) -> Published:
    out = Published("survey API")
    answer = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    for q in answer["questions"]:
        for f in q["figures"]:
            out.add(q["text"], f["option"], f["dimension"], f["segment"], f["count"], f["base"])
    return out


def _consultation_api(client, consultation) -> Published:
    out = Published(f"consultation API {consultation.id}")
    for q in client.get(f"/api/v1/consultations/{consultation.id}").get_json()["results"] or []:
        for r in q["results"]:
            out.add(q["text"], r["option"], r["dimension"], r["segment"], r["count"], r["base"])
    return out


def _consultation_page(client, consultation) -> Published:
    """What the public page's tables show (the page is checked to print them below)."""
    from engage.consultations import results

    out = Published(f"consultation page {consultation.id}")
    view = results.for_viewer(consultation, None)
    for q in view.questions:
        for table in q.tables:
            for label, cells in table.rows:
                for col, cell in zip(table.columns, cells):
                    if cell.count is None and not cell.hidden:
                        continue
                    out.add(q.question.text, label, col.dimension, col.label, None if cell.hidden else cell.count,
                            None if col.hidden else col.base)
    return out


def _export(client) -> dict[int, Published]:
    out: dict[int, Published] = {}
    text = client.get("/consultations/export-results.csv").get_data(as_text=True)
    for row in csv.DictReader(io.StringIO(text)):
        source = out.setdefault(int(row["consultation_id"]), Published(f"CSV export {row['consultation_id']}"))
        number = (lambda v: int(v) if v not in ("", None) else None)
        source.add(row["question"], row["option"], row["dimension"], row["segment"], number(row["count"]), number(row["base"]))
    return out


def _truth_consultation(consultation) -> Published:
    from engage.consultations import results

    out = Published("truth")
    for q in results.suppressed_figures(consultation, public=False):
        for r in q["results"]:
            out.add(q["text"], r["option"], r["dimension"], r["segment"], r["count"], r["base"])
    return out


def _truth_survey(survey) -> Published:
    from engage.surveys import analysis

    out = Published("truth")
    for q in analysis.aggregated(survey, public=False):
        for f in q["figures"]:
            out.add(q["text"], f["option"], f["dimension"], f["segment"], f["count"], f["base"])
    return out


# ---- what the figures are: sets of people -------------------------------------------------

NOBODY = frozenset({("nobody",)})
WARDS_PRIORITY: dict[str, bool] = {}


def _canonical(conds: set) -> frozenset:
    """Nobody lives in two wards; living in a ward says which of the priority wards and the
    rest of the borough it is in."""
    dims = [c[0] for c in conds if len(c) == 2]
    if len(dims) != len(set(dims)):
        return NOBODY
    ward = next((c[1] for c in conds if c[0] == "ward"), None)
    group = next((c for c in conds if c[0] == "area-group"), None)
    if ward is not None and group is not None and ward in WARDS_PRIORITY:
        if WARDS_PRIORITY[ward] != (group[1] == "Priority wards"):
            return NOBODY
        conds = conds - {group}
    return frozenset(conds)


def _identity(question, option, dimension, segment, attributes) -> frozenset:
    """The people a figure counts, as conditions: the same people give the same identity
    whichever table they are counted in."""
    conds = set()
    if dimension != "all":
        conds.add((dimension, segment))
    if question in attributes:
        conds.add((attributes[question], option))
    else:
        conds.add(("answer", question, option))
    return _canonical(conds)


EVERYONE_ANSWERED: set = set()   # questions everyone answered: a group's base there is the group


def _base_identity(question, dimension, segment, attributes) -> frozenset:
    conds = set() if question in EVERYONE_ANSWERED and dimension != "all" else {("answered", question)}
    if dimension != "all":
        conds.add((dimension, segment))
        if attributes.get(question) == dimension:
            conds = {(dimension, segment)}
    return _canonical(conds)


# ---- the checks -----------------------------------------------------------------------------

def _small_and_unanimous(source: Published, attributes: dict) -> list[str]:
    problems = []
    columns: dict[tuple, list] = defaultdict(list)
    for (question, option, dimension, segment), (count, base) in source.figures.items():
        if count is not None and 0 < count < LIMIT:
            problems.append(f"{source.name}: {count} shown for {option!r} of {segment!r} ({question[:40]})")
        if base is not None and 0 < base < LIMIT:
            problems.append(f"{source.name}: base {base} shown for {segment!r} ({question[:40]})")
        columns[(question, dimension, segment)].append((option, count, base))
    for (question, dimension, segment), cells in columns.items():
        if dimension == "all" or attributes.get(question) == dimension:
            continue   # everyone, and the ward question by ward (100% in Hale live in Hale)
        for option, count, base in cells:
            if count is not None and base and count == base:
                problems.append(f"{source.name}: everyone in {segment!r} answered {option!r} ({question[:40]})")
    return problems


def _relations(truth: Published, wards_priority: dict[str, bool]):
    """Every sum that holds between the published figures, on the true figures:
    (total key, [part keys], what the total holds beyond its parts, people in the total but
    in no part). The third is what an outsider would have to know to use the sum; the fourth
    is whether they could: the people in no part of a breakdown (5 of a total of 60 in none
    of the wards shown) are known only when they are fewer than the threshold, and then
    their answers are known too; when there are more, how they answered is not known, even
    for an answer few of them gave."""
    figures = truth.figures
    columns: dict[tuple, dict] = defaultdict(dict)
    bases: dict[tuple, int] = {}
    for (question, option, dimension, segment), (count, base) in figures.items():
        columns[(question, dimension, segment)][option] = count
        bases[(question, dimension, segment)] = base
    out = []
    for (question, dimension, segment), cells in columns.items():
        if sum(cells.values()) == bases[(question, dimension, segment)]:   # one answer each
            out.append((("base", question, dimension, segment), [("cell", question, o, dimension, segment) for o in cells], 0, 0))
    by_question_dim: dict[tuple, list] = defaultdict(list)
    for (question, dimension, segment) in columns:
        by_question_dim[(question, dimension)].append(segment)
    for (question, dimension), segments in by_question_dim.items():
        if dimension == "all" or (question, "all") not in by_question_dim:
            continue
        families = [("All respondents", "all", segments)]
        if dimension == "ward" and (question, "area-group") in by_question_dim:
            groups = by_question_dim[(question, "area-group")]
            for group, priority in (("Priority wards", True), ("Rest of the borough", False)):
                if group in groups:
                    families.append((group, "area-group", [s for s in segments if wards_priority.get(s) == priority]))
        options = columns[(question, "all", "All respondents")].keys()
        for total, total_dim, parts in families:
            if not parts or (question, total_dim, total) not in bases:
                continue
            outside = bases[(question, total_dim, total)] - sum(bases[(question, dimension, s)] for s in parts)
            out.append((("base", question, total_dim, total), [("base", question, dimension, s) for s in parts], outside, outside))
            for o in options:
                total_count = columns[(question, total_dim, total)].get(o)
                if total_count is None:
                    continue
                rest = total_count - sum(columns[(question, dimension, s)].get(o) or 0 for s in parts)
                out.append((("cell", question, o, total_dim, total), [("cell", question, o, dimension, s) for s in parts], rest, outside))
    return out


def _everyone_answered(truth: Published) -> set:
    bases = {q: base for (q, _o, d, _s), (_c, base) in truth.figures.items() if d == "all"}
    most = max(bases.values(), default=0)
    return {q for q, base in bases.items() if base == most}


def _worked_out(source: Published, truth: Published, attributes: dict, wards_priority: dict) -> list[str]:
    """Hidden figures that the published ones fix, by linear algebra over every sum."""
    EVERYONE_ANSWERED.clear()
    EVERYONE_ANSWERED.update(_everyone_answered(truth))
    def identity(key):
        if key[0] == "cell":
            return _identity(key[1], key[2], key[3], key[4], attributes)
        return _base_identity(key[1], key[2], key[3], attributes)

    value, shown = {}, {}
    for (question, option, dimension, segment), (count, base) in truth.figures.items():
        published = source.figures.get((question, option, dimension, segment))
        if published is None:
            continue
        for key, true, seen in ((("cell", question, option, dimension, segment), count, published[0]),
                                (("base", question, dimension, segment), base, published[1])):
            ident = identity(key)
            value[ident] = true
            shown[ident] = shown.get(ident, False) or seen is not None
    value[NOBODY] = 0
    # Nobody in everyone gave an answer (shown as 0): then nobody in any group did either.
    # That is what the published 0 says about everyone, not a figure worked out about a group.
    public_zero = set()
    for total, parts, _rest, _outside in _relations(truth, wards_priority):
        if shown.get(identity(total)) and value.get(identity(total)) == 0:
            public_zero.update(identity(p) for p in parts)
    unknown = {ident for ident, seen in shown.items() if not seen and ident != NOBODY and ident not in public_zero}
    equations = []   # ({unknown: coefficient}, right-hand side)
    for total, parts, rest, outside in _relations(truth, wards_priority):
        keys = [identity(total)] + [identity(p) for p in parts]
        if any(k not in value for k in keys):
            continue
        coefficients: dict = defaultdict(float)
        rhs = 0.0
        for sign, key in zip([1] + [-1] * len(parts), keys):
            if key in unknown:
                coefficients[key] += sign
            else:
                rhs -= sign * value[key]
        if outside >= LIMIT:
            continue   # enough unknown people outside every group: no equation an outsider can use
        rhs -= rest  # fewer than the threshold outside: counted as known (the worst case)
        coefficients = {k: c for k, c in coefficients.items() if c}
        if coefficients:
            equations.append((coefficients, rhs, rest))
    problems = []
    # A sum of hidden figures that must be 0: each of them is known to be 0.
    for coefficients, rhs, _rest in equations:
        if all(c < 0 for c in coefficients.values()) and abs(rhs) < 1e-9:
            for key in coefficients:
                problems.append(f"{source.name}: hidden {sorted(key, key=str)} is known to be 0")
    # The people outside every group of a breakdown are counted as known in the sums above
    # (the worst case); a hidden figure that counts exactly them (the few who preferred not to
    # say their sex) must not be worked out without that assumption, which would be circular.
    used = {s for (_q, _o, d, s) in truth.figures if d != "all"}
    outsiders = {identity(("cell", q, o, d, s)) for (q, o, d, s) in truth.figures
                 if d == "all" and q in attributes and o not in used}
    fixed = {k for k in _fixed_by([c for c, _rhs, _rest in equations]) if k not in outsiders}
    fixed |= {k for k in _fixed_by([c for c, _rhs, rest in equations if not rest]) if k in outsiders}
    for key in sorted(fixed, key=str):
        problems.append(f"{source.name}: hidden {sorted(key, key=str)} = {value[key]} can be worked out")
    return problems


def _fixed_by(rows: list[dict]) -> set:
    """The unknowns the equations fix: connected groups of unknowns, then the null space of
    each group's equations (a figure is fixed when its unit vector lies in their row space)."""
    parent: dict = {}

    def find(k):
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for coefficients in rows:
        keys = list(coefficients)
        for k in keys:
            find(k)
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
    components: dict = defaultdict(list)
    for coefficients in rows:
        components[find(next(iter(coefficients)))].append(coefficients)
    fixed = set()
    for group in components.values():
        variables = sorted({k for row in group for k in row}, key=str)
        index = {k: i for i, k in enumerate(variables)}
        matrix = np.zeros((len(group), len(variables)))
        for r, row in enumerate(group):
            for k, c in row.items():
                matrix[r, index[k]] = c
        # An orthonormal basis of the row space from a rank-revealing QR of the transposed matrix.
        q, r, _pivots = qr(matrix.T, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(r)) if r.size else np.zeros(0)
        rank = int((diagonal > 1e-9 * max(1.0, diagonal.max(initial=0.0))).sum())
        basis = q[:, :rank]
        fixed.update(k for k, i in index.items() if np.linalg.norm(basis[i]) > 1 - 1e-8)
    return fixed


def _same_people_same_treatment(sources: list[Published], attributes: dict) -> list[str]:
    seen: dict[frozenset, dict[str, bool]] = defaultdict(dict)
    for source in sources:
        for (question, option, dimension, segment), (count, base) in source.figures.items():
            seen[_identity(question, option, dimension, segment, attributes)][f"{source.name}: {question[:30]}/{option}/{segment}"] = count is not None
            seen[_base_identity(question, dimension, segment, attributes)][f"{source.name}: base {question[:30]}/{segment}"] = base is not None
    return [f"shown in {[k for k, v in places.items() if v][:2]} but hidden in {[k for k, v in places.items() if not v][:2]}"
            for ident, places in seen.items() if ident != NOBODY and len(set(places.values())) > 1]


@pytest.mark.parametrize("demo", ["Cleaner streets and parks survey",
                                  "Castlefields walkabouts: where should we walk?",
                                  "Cleaner streets and parks: day centre stall survey"], indirect=True)
def test_no_hidden_count_can_be_read_or_worked_out_anywhere_in_the_demo(demo, client):
    from engage.consultations.models import Consultation, ResultFigure, Question
    from engage.consultations import services
    from engage.partnership.models import Area

    survey = demo
    attributes = _attribute_questions(survey)
    wards_priority = {name: bool(p) for name, p in db.session.execute(select(Area.name, Area.priority_ward).where(Area.level == "ward"))}
    WARDS_PRIORITY.clear()
    WARDS_PRIORITY.update(wards_priority)
    with_results = db.session.scalars(select(Consultation).where(Consultation.id.in_(
        select(Question.consultation_id).join(ResultFigure, ResultFigure.question_id == Question.id))).order_by(Consultation.id)).all()
    public = [c for c in with_results if services.results_published(c)]
    assert survey.consultation in public and len(public) >= 3
    exports = _export(client)

    survey_sources = [_survey_api(client, survey)]
    problems, tables, hidden, shown = [], set(), 0, 0
    truth = _truth_survey(survey)
    for source in survey_sources:
        problems += _small_and_unanimous(source, attributes)
        problems += _worked_out(source, truth, attributes, wards_priority)
    for c in public:
        sources = [_consultation_api(client, c), _consultation_page(client, c), exports[c.id]]
        truth_c = _truth_consultation(c)
        attrs = attributes if c.id == survey.consultation_id else {}
        for source in sources:
            assert source.figures, source.name
            problems += _small_and_unanimous(source, attrs)
            problems += _worked_out(source, truth_c, attrs, wards_priority)
        if c.id == survey.consultation_id:
            survey_sources += sources
        for source in sources:
            tables.update((source.name, q, d) for (q, _o, d, _s) in source.figures)
        hidden += sum(1 for count, _base in sources[0].figures.values() if count is None)
        shown += sum(1 for count, _base in sources[0].figures.values() if count is not None)
    tables.update((survey_sources[0].name, q, d) for (q, _o, d, _s) in survey_sources[0].figures)
    problems += _same_people_same_treatment(survey_sources, attributes)
    assert not problems, f"{len(problems)} problems, first: " + "\n".join(problems[:15])
    # The review's case: a ward of 1 to 4 people (Hale in the cleaner-streets survey) is hidden
    # as a column and as the ward question's row.
    api = survey_sources[0].figures
    ward_q = next(q.text for q in survey.questions if q.qtype == "area")
    small_wards = {o for (q, o, d, _s), (count, _b) in truth.figures.items() if q == ward_q and d == "all" and count and count < LIMIT}
    if survey.title == "Cleaner streets and parks survey":
        assert "Hale" in small_wards
    for ward in small_wards:
        row = [v for (q, o, d, s), v in api.items() if q == ward_q and o == ward]
        assert row and all(count is None for count, _base in row), ward
        assert all(count is None for (q, o, d, s), (count, _b) in api.items() if d == "ward" and s == ward), ward
    # Every breakdown of every source (the walkabout survey asks fewer questions: 215 tables).
    assert len(tables) > (200 if survey.title.startswith("Castlefields walkabouts") else 300) and hidden and shown


def test_the_checker_finds_what_the_old_rule_let_through(demo, client, monkeypatch):
    """Planted fault: figures hidden one table at a time (the old rule) let the checker find
    Hale's row, small counts and figures worked out by subtraction."""
    from engage.core import disclosure

    monkeypatch.setattr(disclosure.Publication, "solve", lambda self: set())
    survey = demo
    attributes = _attribute_questions(survey)
    source = _survey_api(client, survey)
    assert _small_and_unanimous(source, attributes)
