"""Small numbers stay hidden: primary and secondary suppression of groups of people.

**Primary suppression.** A group whose base (people in it who answered) is under the threshold
(``ENGAGE_SUPPRESSION_THRESHOLD``, default 5) is hidden on public pages, in public exports and
in API answers, so nobody in a small group can be picked out.

**Secondary suppression.** Hiding a small group by itself is not enough when groups add up:
if "Priority wards" is shown and so are all the priority wards but one, the hidden ward's
figures are "Priority wards" minus the others. So within every *family* of groups that add up
(a total and the groups it is made of: wards to priority wards and the rest of the borough,
priority wards and the rest to everyone, the age bands or any other kind of group to
everyone), no family may have exactly one hidden member: when one is hidden, the next
smallest is hidden too (or the total, when nothing else is left). This repeats until every
family is safe, because hiding a group in one family can expose it in another. People counted
in the total but in none of its groups (those who did not give their age, say) count as a
hidden group of their own when there are at least as many of them as the threshold.

Worked example (threshold 5), the question "Do you feel safe?" (tests/integrity/test_small_numbers.py):

    everyone 60 = priority wards 20 + rest of the borough 40
    priority wards 20 = Castlefields 3 + Windmill Hill 17
    rest 40 = Mill 4 + Park 14 + Dale 22

Castlefields (3) and Mill (4) are hidden (primary). In "priority wards = Castlefields +
Windmill Hill" Castlefields is the only hidden member, so Windmill Hill (17) is hidden too
(else 20 - 17 = 3); in "rest = Mill + Park + Dale" Mill is, so Park (14) is hidden too (else
40 - 14 - 22 = 4). Every family now has none or at least two hidden members: Dale, the priority
wards, the rest and everyone stay. Drop either family and one of the small wards comes back.

Everything published together (``Publication``): a survey or a consultation publishes many
tables, and the same people are counted in several of them. The rules above are applied to all
of them at once, by what each figure counts, so that a group hidden in one table is hidden in
every table, and counts of 1 to 4, groups that all gave one answer, averages and ranges of a few
people are hidden too (see ``Publication``).

How a new capability uses it::

    groups = {key: base for each group of people}          # e.g. segment ids
    families = [disclosure.Family(total_key, [part_keys...]), ...]
    hidden = disclosure.suppress(groups, families)        # keys to hide from the public
    # everything published for a survey or consultation at once: Publication (below), as
    # engage.surveys.analysis.publication and engage.consultations.results.publication use it

``families_for_segments`` builds the families for segments with a ``dimension``, a ``label``
and (for wards) whether the ward is a priority ward. Counts derived from hidden groups (a
ward's responses on the activity page, a figure in a CSV export) must be hidden with them.

Suppress the same people once. Figures one capability publishes and writes into another's
records (a survey's results into the consultation database) go with the decisions taken for
them (``ResultFigure.disclosure``), and the receiving side shows them as decided: a second,
independent suppression picks other cells to hide, and the two together give hidden figures
away (tests/integrity/test_survey_figures_in_consultation.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable

from flask import current_app

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    try:
        return int(current_app.config.get("ENGAGE_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))
    except (RuntimeError, TypeError, ValueError):
        return DEFAULT_THRESHOLD


@dataclass
class Family:
    """A total and the groups that together make it up."""

    total: Hashable | None
    parts: list = field(default_factory=list)
    context: Hashable = None   # the table it comes from (Publication)

    def members(self) -> list:
        return ([self.total] if self.total is not None else []) + list(self.parts)


def primary(groups: dict, limit: int | None = None) -> set:
    """Groups whose base is under the threshold."""
    limit = threshold() if limit is None else limit
    return {key for key, base in groups.items() if base is not None and base < limit}


def suppress(groups: dict, families: Iterable[Family], limit: int | None = None, start: set | None = None) -> set:
    """The groups to hide: primary suppression, then secondary suppression until no family
    has exactly one hidden member. ``groups`` maps each group to its base; ``start`` adds
    groups already hidden for another reason."""
    limit = threshold() if limit is None else limit
    hidden = primary(groups, limit) | set(start or ())
    return _secondary(groups, families, limit, hidden)


def _checked(values: dict, families: Iterable[Family], limit: int) -> list[Family]:
    """The families that can be used for subtraction: a published total and parts, and
    fewer than ``limit`` people in the total but in none of its parts. People in the total
    but in none of its groups (they did not say their age, say) are an unpublished group of
    their own: when there are at least ``limit`` of them they hide any one group's figures."""
    checked = []
    for family in families:
        parts = [p for p in family.parts if p in values]
        if family.total not in values or not parts:
            continue
        rest = (values.get(family.total) or 0) - sum(values.get(p) or 0 for p in parts)
        if rest < limit:
            checked.append(Family(family.total, parts, family.context))
    return checked


def _secondary(values: dict, families: Iterable[Family], limit: int, hidden: set, pinned: frozenset = frozenset(),
               checked: list | None = None) -> set:
    """Hide more until no family has exactly one hidden member (or hidden members that add up
    to nobody under a shown total). ``pinned`` figures are never the ones chosen."""
    checked = _checked(values, families, limit) if checked is None else checked
    changed = True
    while changed:
        changed = False
        for family in checked:
            members = family.members()
            hidden_members = [m for m in members if m in hidden]
            if not hidden_members:
                continue
            visible_parts = [p for p in family.parts if p not in hidden and p not in pinned]
            if len(hidden_members) > 1:
                # Safe, unless the total is shown and the hidden groups add up to nobody:
                # then each of them is known to be 0. Hide the next smallest group with people in.
                if family.total in hidden or not values.get(family.total) or sum(values.get(m) or 0 for m in hidden_members) > 0:
                    continue
                visible_parts = [p for p in visible_parts if values.get(p)]
            if visible_parts:
                # The next smallest group; ties go to the first listed, so results never vary.
                extra = min(visible_parts, key=lambda p: (values.get(p) or 0, family.parts.index(p)))
            elif family.total is not None and family.total not in hidden and family.total not in pinned:
                extra = family.total
            else:
                continue
            hidden.add(extra)
            changed = True
    return hidden


PRIORITY_LABEL = "Priority wards"
REST_LABEL = "Rest of the borough"


def families_for_segments(segments: Iterable) -> list[Family]:
    """The families of a consultation's segments (objects or dicts with ``key``,
    ``dimension``, ``label`` and ``priority``: a ward that is a priority ward).

    - everyone = the groups of each other kind (age bands, sexes, wards, ...);
    - everyone = priority wards + rest of the borough;
    - priority wards = the priority wards; rest of the borough = the other wards.
    """
    segments = list(segments)

    def get(seg, name):
        return seg.get(name) if isinstance(seg, dict) else getattr(seg, name)

    everyone = next((get(s, "key") for s in segments if get(s, "dimension") == "all"), None)
    by_dimension: dict[str, list] = {}
    for seg in segments:
        if get(seg, "dimension") != "all":
            by_dimension.setdefault(get(seg, "dimension"), []).append(seg)
    families = []
    for dimension, members in by_dimension.items():
        families.append(Family(everyone, [get(s, "key") for s in members]))
    groups = {get(s, "label"): get(s, "key") for s in by_dimension.get("area-group", [])}
    wards = by_dimension.get("ward", [])
    if wards and PRIORITY_LABEL in groups:
        families.append(Family(groups[PRIORITY_LABEL], [get(s, "key") for s in wards if get(s, "priority")]))
    if wards and REST_LABEL in groups:
        families.append(Family(groups[REST_LABEL], [get(s, "key") for s in wards if not get(s, "priority")]))
    return families


# ---- everything published together -------------------------------------------------------

EVERYONE = None


@dataclass
class TableKeys:
    """How one published table's figures are named in its ``Publication``."""

    answered: Hashable
    option_conditions: dict
    publication: "Publication"
    groups: set = field(default_factory=set)   # the groups published

    def base(self, group) -> frozenset:
        return self.publication.key(group, self.answered)

    def cell(self, option, group) -> frozenset:
        return self.publication.key(group, self.option_conditions[option])


class Publication:
    """Every figure published for one survey or consultation, named by the people it counts,
    so that a figure hidden in one table is hidden wherever the same people are counted.

    A figure is named by the set of *conditions* its people meet: a group (``("ward",
    "Hale")``), having answered a question, or having given an answer. An answer to a question
    that a breakdown is made from (the ward question, the age question) is the group itself:
    the row "Hale" of "Which ward do you live in?" by age and the column "Hale" of the age
    question by ward count the same people, and so are the same figure, whichever way the
    table is turned. ``implies`` says which conditions another takes in (living in Hale means
    having answered the ward question, and being in the rest of the borough); ``always`` the
    conditions everyone meets (having answered a question everyone answered), since then the
    base of a group for that question is the group itself.

    ``solve()`` then hides, everywhere at once:

    1. groups: a group under the threshold in any table is hidden in every table, with the
       next smallest of each family it could be worked out from (``suppress``, run across all
       the tables until nothing changes);
    2. every figure counting people of a hidden group (the row of the question it is made
       from too), every count of 1 to ``limit - 1`` people, and the answers of a group where
       everyone who answered gave the same one (that tells each person's answer);
    3. secondary suppression of figures: in every sum that is published (a group's answers
       add up to its base; the groups of a breakdown add up to everyone, for each answer and
       for the bases; wards to priority wards and the rest) no hidden figure is alone, until
       nothing changes.
    """

    def __init__(self, limit: int | None = None, implies: dict | None = None, always: Iterable = ()):
        self.limit = threshold() if limit is None else limit
        self.implies = {k: set(v) for k, v in (implies or {}).items()}
        self.always = set(always)   # conditions everyone meets (a question everyone answered)
        self.values: dict = {}
        self.relations: list[Family] = []
        self.forced: set = set()
        self.group_tables: list[tuple[dict, list[Family]]] = []
        self.tables: dict = {}
        self.hidden_groups: set = set()
        self.hidden: set = set()

    def key(self, *conditions) -> frozenset:
        conds = {c for c in conditions if c is not None}
        implied = set()
        for c in conds:
            implied |= self.implies.get(c, set())
        return frozenset(conds - implied - self.always)

    def _value(self, key, value) -> None:
        # The same people counted in two tables give the same number; keep the larger if a
        # source disagrees (hiding more, never less).
        self.values[key] = max(self.values.get(key, value), value)

    def table(self, name, answered, options: dict, columns: dict, families: Iterable[Family],
              multi: bool | None = None, only_everyone: bool = False, summed: list | None = None) -> TableKeys:
        """One table: ``options`` maps each answer to its condition; ``columns`` maps each
        group (``EVERYONE`` for everyone who answered) to (base, {answer: count}); families
        of groups that add up. ``multi`` None: worked out (the answers add up to more than
        the base). ``only_everyone``: only the everyone column is published (the other
        columns are hidden whole). ``summed``: the answers that add up to the base (all of
        them unless some are left out of the base)."""
        keys = TableKeys(answered, dict(options), self)
        self.tables[name] = keys
        every = {g: c for g, c in columns.items() if c[0] or g is EVERYONE}
        families = list(families)
        # Groups are hidden from every column there is, published or not (the ward question's
        # own groups are the wards, and the people in them add up to everyone who answered).
        self.group_tables.append(({g: base for g, (base, _c) in every.items()},
                                  [f for f in ([Family(f.total, [p for p in f.parts if p in every]) for f in families
                                                if f.total in every]) if f.parts]))
        columns = {g: c for g, c in every.items() if g is EVERYONE or not only_everyone}
        keys.groups = set(columns)
        if 0 < every.get(EVERYONE, (0, {}))[0] < self.limit:
            # Fewer than the threshold answered at all: nothing of the question is shown.
            self.forced.update(k for g in columns for k in [keys.base(g)] + [keys.cell(o, g) for o in options])
        for group, (base, counts) in columns.items():
            base_key = keys.base(group)
            self._value(base_key, base)
            cells = [keys.cell(o, group) for o in options]
            for o, cell in zip(options, cells):
                self._value(cell, counts.get(o, 0))
            in_base = list(options) if summed is None else [o for o in options if o in summed]
            total = sum(counts.get(o, 0) for o in in_base)
            if not multi and (multi is not None or total <= base):
                self.relations.append(Family(base_key, [keys.cell(o, group) for o in in_base], name))
            if group is not EVERYONE and any(counts.get(o, 0) == base and keys.cell(o, group) != base_key for o in options):
                self.forced.update(cells)   # everyone in the group gave the same answer
        families = [Family(f.total, [p for p in f.parts if p in columns]) for f in families if f.total in columns]
        families = [f for f in families if f.parts]
        for family in families:
            self.relations.append(Family(keys.base(family.total), [keys.base(p) for p in family.parts], name))
            for o in options:
                self.relations.append(Family(keys.cell(o, family.total), [keys.cell(o, p) for p in family.parts], name))
        return keys

    def solve(self) -> set:
        limit = self.limit
        hidden: set = set()
        for groups, _families in self.group_tables:
            hidden |= {g for g in primary(groups, limit) if g is not EVERYONE}
        while True:
            before = len(hidden)
            for groups, families in self.group_tables:
                hidden = _secondary(groups, families, limit, hidden)
            if len(hidden) == before:
                break
        self.hidden_groups = hidden
        start = set(self.forced)
        for key, value in self.values.items():
            if 0 < value < limit or key & hidden:
                start.add(key)
        # A group's base is shown wherever the group is (it is the same in every table): the
        # figures hidden with a small count are answers, never a shown group's base.
        pinned = frozenset(keys.base(g) for keys in self.tables.values() for g in keys.groups
                           if g not in hidden and self.values.get(keys.base(g), 0) >= limit)
        self.hidden = _audited(self.values, self.relations, limit, start - pinned, pinned, hidden)
        return self.hidden

    def is_hidden(self, key) -> bool:
        return key in self.hidden

    def published(self, name, group) -> bool:
        """Whether the table publishes this group's column at all."""
        keys = self.tables.get(name)
        return keys is not None and group in keys.groups

    def cell_hidden(self, name, option, group) -> bool:
        keys = self.tables.get(name)
        return keys is not None and (group not in keys.groups or keys.cell(option, group) in self.hidden)

    def base_hidden(self, name, group) -> bool:
        keys = self.tables.get(name)
        return keys is not None and (group not in keys.groups or keys.base(group) in self.hidden)


_AUDITS: dict = {}


def _audited(values: dict, relations: list[Family], limit: int, start: set, pinned: frozenset = frozenset(),
             hidden_groups: set = frozenset()) -> set:
    """Secondary suppression, then an audit: every published sum is an equation, and a hidden
    figure that the equations fix (its unit vector is in their row space) is not protected, even
    when no single sum has it alone (sums across several tables can). For each such figure the
    next smallest figure with people in, in a sum it is in, is hidden too; until none is fixed.
    The answer depends only on the figures, so it is kept (a few per process) for the next view."""
    fingerprint = hash((limit, frozenset(start), pinned, frozenset(values.items()),
                        tuple((f.total, tuple(f.parts)) for f in relations)))
    if fingerprint in _AUDITS:
        return set(_AUDITS[fingerprint])
    hidden = set(start)
    checked = _checked(values, relations, limit)
    for _round in range(200):
        hidden = _secondary(values, relations, limit, hidden, pinned, checked)
        fixed = _fixed(checked, hidden, hidden_groups)
        if not fixed:
            break
        for key in sorted(fixed, key=repr):
            choices = [p for f in checked if key in f.members() for p in f.members()
                       if p not in hidden and p not in pinned and values.get(p)]
            if choices:
                hidden.add(min(choices, key=lambda p: (values.get(p) or 0, repr(p))))
    if len(_AUDITS) > 32:
        _AUDITS.clear()
    _AUDITS[fingerprint] = frozenset(hidden)
    return hidden


def _fixed(checked: list[Family], hidden: set, hidden_groups: set = frozenset()) -> set:
    """The hidden figures that the published sums fix. Figures of a hidden group (hidden in
    every table, with groups of its families) are taken table by table, which keeps each
    table's equations apart and the work small."""
    import numpy as np
    from scipy.linalg import qr

    equations = []
    for family in checked:
        row: dict = {}
        for sign, key in [(1, family.total)] + [(-1, p) for p in family.parts]:
            if key in hidden:
                name = (family.context, key) if isinstance(key, frozenset) and key & hidden_groups else key
                row[name] = row.get(name, 0) + sign
        row = {k: c for k, c in row.items() if c}
        if row:
            equations.append(row)
    parent: dict = {}

    def find(k):
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for row in equations:
        keys = list(row)
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
    components: dict = {}
    for row in equations:
        components.setdefault(find(next(iter(row))), []).append(row)
    fixed = set()
    for rows in components.values():
        variables = sorted({k for row in rows for k in row}, key=repr)
        index = {k: i for i, k in enumerate(variables)}
        if len(variables) == 1:
            fixed.add(variables[0])
            continue
        matrix = np.zeros((len(variables), len(rows)))
        for r, row in enumerate(rows):
            for k, c in row.items():
                matrix[index[k], r] = c
        q, r, _pivots = qr(matrix, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(r))
        rank = int((diagonal > 1e-9 * max(1.0, float(diagonal.max(initial=0.0)))).sum())
        norms = np.linalg.norm(q[:, :rank], axis=1)
        fixed.update(k for k, i in index.items() if norms[i] > 1 - 1e-8)
    return {k[1] if isinstance(k, tuple) and len(k) == 2 and isinstance(k[1], frozenset) else k for k in fixed}


def shown_statistics(count: int, limit: int | None = None) -> bool:
    """Whether a group's average, middle value, lowest and highest answers (or an option's
    average rank) may be shown to the public: only from ``limit`` people up (the lowest
    answer of one person is their answer). A group exactly at the threshold is shown."""
    limit = threshold() if limit is None else limit
    return count >= limit
