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

Worked example (threshold 5), the question "Do you feel safe?":

    everyone 40 = priority wards 10 + rest 30
    priority wards 10 = Castlefields 3 + Windmill Hill 7
    rest 30 = Mill 12 + Park 18

Castlefields (3) is hidden (primary). In the family "priority wards = Castlefields + Windmill
Hill" it is the only hidden member, so Windmill Hill (7) is hidden too (secondary). Now no
family has exactly one hidden member: priority wards 10 and everyone 40 stay, and 10 is all
anyone can learn about the two wards together.

How a new capability uses it::

    groups = {key: base for each group of people}          # e.g. segment ids
    families = [disclosure.Family(total_key, [part_keys...]), ...]
    hidden = disclosure.suppress(groups, families)        # keys to hide from the public
    # or, for consultation results, engage.consultations.results.hidden_segments(...)

``families_for_segments`` builds the families for segments with a ``dimension``, a ``label``
and (for wards) whether the ward is a priority ward. Counts derived from hidden groups (a
ward's responses on the activity page, a figure in a CSV export) must be hidden with them.
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

    def members(self) -> list:
        return ([self.total] if self.total is not None else []) + list(self.parts)


def primary(groups: dict, limit: int | None = None) -> set:
    """Groups whose base is under the threshold."""
    limit = threshold() if limit is None else limit
    return {key for key, base in groups.items() if base is not None and base < limit}


def suppress(groups: dict, families: Iterable[Family], limit: int | None = None) -> set:
    """The groups to hide: primary suppression, then secondary suppression until no family
    has exactly one hidden member. ``groups`` maps each group to its base."""
    limit = threshold() if limit is None else limit
    hidden = primary(groups, limit)
    # Only a family with a published total can be used for subtraction. People in the total
    # but in none of its groups (they did not say their age, say) are an unpublished group of
    # their own: when there are at least ``limit`` of them they hide any one group's figures.
    checked = []
    for family in families:
        parts = [p for p in family.parts if p in groups]
        if family.total not in groups or not parts:
            continue
        rest = (groups.get(family.total) or 0) - sum(groups.get(p) or 0 for p in parts)
        checked.append((Family(family.total, parts), 1 if rest >= limit else 0))
    changed = True
    while changed:
        changed = False
        for family, unpublished in checked:
            members = family.members()
            if unpublished or sum(1 for m in members if m in hidden) != 1:
                continue
            visible_parts = [p for p in family.parts if p not in hidden]
            if visible_parts:
                # The next smallest group; ties go to the first listed, so results never vary.
                extra = min(visible_parts, key=lambda p: (groups.get(p) or 0, family.parts.index(p)))
            elif family.total is not None and family.total not in hidden:
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
    if wards:
        families.append(Family(groups.get(PRIORITY_LABEL), [get(s, "key") for s in wards if get(s, "priority")]))
        families.append(Family(groups.get(REST_LABEL), [get(s, "key") for s in wards if not get(s, "priority")]))
    return families
