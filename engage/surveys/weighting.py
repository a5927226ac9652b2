"""Weighting survey answers to the population the survey could reach, by ward, age band and
sex at once: trimmed raking (iterative proportional fitting with the weight cap and floor
applied inside the iterations, as weightipy and Meta's ``balance`` do).

The rules, stated once (the results page and "How we work out these numbers" say them too):
- Only people who gave all three of ward, age band and sex are weighted. Everyone else is
  left out of the weighted tables, and the page gives their number.
- People in a group outside the population weighted to (an age band the survey was not for)
  are left out as well.
- A group with fewer than ``MIN_GROUP`` people answering is weighted together with its
  neighbour (the next age band; a ward of the same town; the other sex), so no weight rests
  on a handful of people. A group nobody answered from is a warning: its neighbour stands
  in for it.
- Weights stay between ``WEIGHT_FLOOR`` and ``WEIGHT_CAP`` times the average weight. The
  raking stops when every weighted group is within ``TOLERANCE`` percentage points of its
  share of the population. When the cap and floor make that impossible, the result says so
  (``problem``, naming the group) and the weights are not used.
- The weighting efficiency is the Kish effective base over the number weighted,
  (Σw)² / (n Σw²); under ``LOW_EFFICIENCY`` the page warns.

Checked in tests/surveys/test_weighting.py against weightipy (an independent rim-weighting
implementation) and against figures worked out by hand.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..core.i18n import N_, gettext as _, ngettext
from ..core.numbers import percent_text, round_half_up

WEIGHT_CAP = 5.0
WEIGHT_FLOOR = 0.2
MIN_GROUP = 20          # fewest people a weighting group may rest on (ENGAGE_WEIGHTING_MIN_GROUP)
TOLERANCE = 0.5         # percentage points: the most any weighted group may be off its target
LOW_EFFICIENCY = 0.5    # warn when the effective base is under half the number weighted
MAX_CYCLES = 5000
DIMENSIONS = {"ward": N_("Ward"), "age": N_("Age band"), "sex": N_("Sex")}


@dataclass
class Category:
    label: str
    members: list[str]
    respondents: int
    population: float
    target: float = 0.0      # share of the population, in per cent
    unweighted: float = 0.0  # share of the people weighted, in per cent
    weighted: float = 0.0    # share of the weights, in per cent

    @property
    def gap(self) -> float:
        return self.weighted - self.target


@dataclass
class Margin:
    key: str
    title: str
    categories: list[Category]


@dataclass
class Weighting:
    weights: dict[int, float] = field(default_factory=dict)   # response id -> weight (the people weighted)
    weighted: int = 0       # people weighted
    not_given: int = 0      # did not give their ward, age band and sex: left out of weighted tables
    outside: int = 0        # in a group outside the population weighted to: left out too
    capped: int = 0         # weights held at the cap or the floor
    margins: list[Margin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # groups weighted together
    warnings: list[str] = field(default_factory=list)   # things that change what the figures stand for
    problem: str = ""       # why the results could not be weighted, or could not meet the targets
    met: bool = False       # every weighted group within TOLERANCE of its target
    efficiency: float | None = None
    lowest: float | None = None
    highest: float | None = None
    cycles: int = 0
    cap: float = WEIGHT_CAP
    floor: float = WEIGHT_FLOOR
    min_group: int = MIN_GROUP
    tolerance: float = TOLERANCE
    population: str = ""    # who the weighted figures stand for, in words
    source: str = ""        # where the population figures come from, their date, who loaded them and when

    @property
    def left_out(self) -> int:
        return self.not_given + self.outside

    @property
    def usable(self) -> bool:
        """The weights may be shown: they meet every target within the tolerance."""
        return self.met and not self.problem

    @property
    def low_efficiency(self) -> bool:
        return self.efficiency is not None and self.efficiency < LOW_EFFICIENCY

    @property
    def effective_base(self) -> float | None:
        return None if self.efficiency is None else self.efficiency * self.weighted

    @property
    def effective_people(self) -> int | None:
        """The effective base as whole people, rounded half up (engage.core.numbers)."""
        return None if self.efficiency is None else int(round_half_up(self.effective_base))

    @property
    def largest_gap(self) -> float | None:
        gaps = [abs(c.gap) for m in self.margins for c in m.categories]
        return max(gaps) if gaps else None


def _join(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + _(" and ") + labels[-1]


def _merge_small(items: list[Category], min_group: int) -> list[Category]:
    """Merge each group under ``min_group`` respondents with the smaller of its neighbours
    (in the order given) until none is under it or only one group is left."""
    items = list(items)
    while len(items) > 1:
        small = [i for i, c in enumerate(items) if c.respondents < min_group]
        if not small:
            break
        i = min(small, key=lambda j: (items[j].respondents, j))
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(items)]
        j = min(neighbours, key=lambda k: (items[k].respondents, k))
        a, b = sorted((i, j))
        merged = Category("", items[a].members + items[b].members, items[a].respondents + items[b].respondents,
                          items[a].population + items[b].population)
        items[a:b + 1] = [merged]
    return items


def groups_for(key: str, chains: list[list[str]], counts: Counter, population: dict[str, float], min_group: int,
               result: Weighting) -> list[Category]:
    """The weighting groups of one dimension: its categories in their neighbour order, small
    ones merged within their chain first (a ward with a ward of the same town), then across
    chains. Notes and warnings about each merge go on ``result``."""
    title = _(DIMENSIONS[key])
    known = [name for chain in chains for name in chain]
    chains = [list(c) for c in chains] + [[name] for name in population if name not in known]
    total = sum(v for v in population.values() if v > 0) or 1.0
    firsts = []
    for chain in chains:
        items = [Category(name, [name], counts.get(name, 0), population[name]) for name in chain if population.get(name, 0) > 0]
        firsts += _merge_small(items, min_group)
    groups = _merge_small(firsts, min_group)
    together = []
    for group in groups:
        group.label = _join(group.members)
        if len(group.members) < 2:
            continue
        empty = [m for m in group.members if not counts.get(m)]
        if empty:
            share = 100.0 * sum(population[m] for m in empty) / total
            result.warnings.append(_(
                "%(dimension)s: nobody answered from %(empty)s (%(share)s of the population), so %(group)s are weighted "
                "as one group and the people who answered from the rest of it stand in for them",
                dimension=title, empty=_join(empty), share=percent_text(share), group=group.label))
        else:
            together.append(_("%(group)s (%(count)s answered in all)", group=group.label, count=f"{group.respondents:,}"))
    if together:
        if key == "ward":
            note = _("%(dimension)s: groups with fewer than %(min)s people answering are weighted together with a "
                     "neighbour from the same town first: %(groups)s", dimension=title, min=min_group, groups="; ".join(together))
        else:
            note = _("%(dimension)s: groups with fewer than %(min)s people answering are weighted together with a "
                     "neighbour: %(groups)s", dimension=title, min=min_group, groups="; ".join(together))
        result.notes.append(note)
    if len(groups) == 1 and len(population) > 1:
        result.warnings.append({
            "ward": _("Ward: too few people answered to weight by ward at all, so the weighted figures are not corrected for it"),
            "age": _("Age band: too few people answered to weight by age band at all, so the weighted figures are not corrected for it"),
            "sex": _("Sex: too few people answered to weight by sex at all, so the weighted figures are not corrected for it"),
        }.get(key) or _("%(dimension)s: too few people answered to weight by it at all, so the weighted figures are not corrected for it",
                        dimension=title))
    return groups


def rake(people: list[tuple[int, str | None, str | None, str | None]], populations: dict[str, dict[str, float]],
         chains: dict[str, list[list[str]]] | None = None, *, cap: float = WEIGHT_CAP, floor: float = WEIGHT_FLOOR,
         min_group: int = MIN_GROUP, tolerance: float = TOLERANCE) -> Weighting:
    """Weights so that the people match the population by ward, age band and sex at once.

    ``people``: [(response id, ward, age band, sex)], None where not given; ``populations``:
    {"ward": {name: count}, "age": {...}, "sex": {...}} for the population the survey could
    reach; ``chains``: for each dimension, lists of its categories in neighbour order (small
    groups are merged along them); by default the order of ``populations``."""
    import numpy as np

    keys = list(DIMENSIONS)
    chains = {k: (chains or {}).get(k) or [list(populations.get(k, {}))] for k in keys}
    result = Weighting(cap=cap, floor=floor, min_group=min_group, tolerance=tolerance)
    given = [p for p in people if all(p[i + 1] for i in range(len(keys)))]
    result.not_given = len(people) - len(given)
    inside = [p for p in given if all(populations.get(k, {}).get(p[i + 1], 0) > 0 for i, k in enumerate(keys))]
    result.outside = len(given) - len(inside)
    if len(inside) < max(min_group, 2):
        result.problem = ngettext("Only %(count)s person gave a ward, age band and sex in the population weighted to: "
                                  "at least %(needed)s are needed to weight the results",
                                  "Only %(count)s people gave a ward, age band and sex in the population weighted to: "
                                  "at least %(needed)s are needed to weight the results",
                                  len(inside), count=f"{len(inside):,}", needed=max(min_group, 2))
        return result
    n = len(inside)
    groups, index, shares = [], [], []
    for i, key in enumerate(keys):
        counts = Counter(p[i + 1] for p in inside)
        dim_groups = groups_for(key, chains[key], counts, populations[key], min_group, result)
        of = {member: g for g, group in enumerate(dim_groups) for member in group.members}
        total = sum(group.population for group in dim_groups)
        for group in dim_groups:
            group.target = 100.0 * group.population / total
            group.unweighted = 100.0 * group.respondents / n
        groups.append(dim_groups)
        index.append(np.array([of[p[i + 1]] for p in inside]))
        shares.append(np.array([group.population / total for group in dim_groups]))
    weights = np.ones(n)
    for cycle in range(1, MAX_CYCLES + 1):
        before = weights.copy()
        for dim, share in zip(index, shares):
            sums = np.bincount(dim, weights=weights, minlength=len(share))
            weights = weights * (share * n / sums)[dim]
        weights = _trim(weights, floor, cap)
        gap = max(float(np.max(np.abs(np.bincount(dim, weights=weights, minlength=len(share)) / n - share)))
                  for dim, share in zip(index, shares))
        result.cycles = cycle
        if gap < 1e-10 or float(np.max(np.abs(weights - before))) < 1e-13:
            break
    for dim, dim_groups in zip(index, groups):
        sums = np.bincount(dim, weights=weights, minlength=len(dim_groups))
        for group, total in zip(dim_groups, sums):
            group.weighted = 100.0 * float(total) / float(weights.sum())
    result.margins = [Margin(k, _(DIMENSIONS[k]), g) for k, g in zip(keys, groups)]
    result.weighted = n
    result.weights = {int(p[0]): float(w) for p, w in zip(inside, weights)}
    result.capped = int(np.sum((weights >= cap * (1 - 1e-9)) | (weights <= floor * (1 + 1e-9))))
    result.lowest, result.highest = float(weights.min()), float(weights.max())
    result.efficiency = float(weights.sum() ** 2 / np.sum(weights ** 2)) / n
    result.met = result.largest_gap is not None and result.largest_gap <= tolerance
    if not result.met:
        result.problem = _reason(result)
    elif result.low_efficiency:
        result.warnings.append(_(
            "The weighting efficiency is %(efficiency)s: the weighted figures are only as precise as "
            "%(effective)s people chosen at random, not %(weighted)s. Treat small differences with care",
            efficiency=percent_text(100 * result.efficiency), effective=f"{result.effective_people:,}", weighted=f"{n:,}"))
    return result


def _trim(weights, floor: float, cap: float):
    """Hold the weights between the floor and the cap (times the average weight), keeping
    their total: clip, rescale, and again until both hold (weightipy's rule)."""
    import numpy as np

    n = len(weights)
    for _round in range(1000):
        weights = np.clip(weights, floor, cap)
        weights = weights * (n / weights.sum())
        if weights.min() >= floor * (1 - 1e-12) and weights.max() <= cap * (1 + 1e-12):
            break
    return np.clip(weights, floor, cap)


def _reason(result: Weighting) -> str:
    """In plain words: which group the targets fail on, and why."""
    def needs(c: Category) -> float:
        return c.target / c.unweighted if c.unweighted else float("inf")

    # A group whose own average weight would have to pass the cap or floor explains it best.
    margin, group = max(((m, c) for m in result.margins for c in m.categories),
                        key=lambda mc: (not result.floor <= needs(mc[1]) <= result.cap, round(abs(mc[1].gap), 6)))
    facts = dict(group=group.label, count=f"{group.respondents:,}", share=percent_text(group.unweighted, 1),
                 target=percent_text(group.target, 1), weighted=percent_text(group.weighted, 1),
                 cap=f"{result.cap:g}", floor=f"{result.floor:g}")
    if margin.key == "age":
        start = ngettext("The weighted figures cannot match the population: %(count)s person answered from the age band %(group)s, "
                         "%(share)s of the people weighted, but the age band %(group)s is %(target)s of the population.",
                         "The weighted figures cannot match the population: %(count)s people answered from the age band %(group)s, "
                         "%(share)s of the people weighted, but the age band %(group)s is %(target)s of the population.",
                         group.respondents, **facts)
    else:
        start = ngettext("The weighted figures cannot match the population: %(count)s person answered from %(group)s, "
                         "%(share)s of the people weighted, but %(group)s is %(target)s of the population.",
                         "The weighted figures cannot match the population: %(count)s people answered from %(group)s, "
                         "%(share)s of the people weighted, but %(group)s is %(target)s of the population.",
                         group.respondents, **facts)
    needed = needs(group)
    if needed > result.cap:
        end = _("Matching that would need each of them to count as about %(times)s people, more than the cap of %(cap)s. "
                "With the cap, %(group)s reaches %(weighted)s", times=f"{int(round_half_up(needed)):,}", **facts)
    elif needed < result.floor:
        end = _("Matching that would need each of them to count as less than the floor of %(floor)s of a person. "
                "With the floor, %(group)s is still %(weighted)s", **facts)
    else:
        end = _("The ward, age band and sex targets cannot all be met at once with weights between %(floor)s and %(cap)s: "
                "with them, %(group)s reaches %(weighted)s", **facts)
    return f"{start} {end}"


def weighted_mean(values: list[float], weights: list[float]) -> float | None:
    total = sum(weights)
    return sum(v * w for v, w in zip(values, weights)) / total if total else None


def weighted_median(values: list[float], weights: list[float]) -> float | None:
    """The middle value when each answer counts as its weight: the first value at which the
    running total of weights reaches half the whole; when it lands exactly on half, the
    average of that value and the next (so equal weights give the ordinary median)."""
    pairs = sorted((v, w) for v, w in zip(values, weights) if w > 0)
    total = sum(w for _, w in pairs)
    if not pairs:
        return None
    running = 0.0
    for i, (value, weight) in enumerate(pairs):
        running += weight
        if abs(running - total / 2) <= 1e-9 * total and i + 1 < len(pairs):
            return (value + pairs[i + 1][0]) / 2
        if running > total / 2:
            return value
    return pairs[-1][0]
