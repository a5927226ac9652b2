"""The ladder of intervention, worked out from the readings (seed 004), never typed in.

For each six-monthly period a target is in one of three positions:

- ``below``: the period's reading is worse than the monitoring level (the partnership's own
  status rule says "off track": ``engage.partnership.services.reading_status``);
- ``met``: the reading is at or better than the monitoring level;
- ``no-data``: no reading in the period. A figure that comes once a year (exam results)
  says so (``annual``); either way a period with no reading is never counted as a miss, and
  it neither moves the target up the ladder nor closes a stage.

The stage after a period follows from the stage before it (``next_stage``):

- below at stage 0 -> stage 1 (the lead partner acts and reports to its thematic partnership);
- below at stage 1 -> stage 2 (two consecutive periods below: the thematic partnership
  agrees a plan and reports to the PSG);
- below at stage 2 or 3 -> stage 3 (still below despite that: a PSG member agrees a
  revised plan);
- met -> stage 0 (the stage closes);
- no data -> the same stage.

The PSG may start a stage by hand in a period (``manual``: {period index: stage}); the ladder
then carries on from that stage. A stage started by hand below the worked-out one changes
nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from ..core.i18n import N_

BELOW, MET, NO_DATA = "below", "met", "no-data"
TOP = 3


def next_stage(stage: int, position: str) -> int:
    if position == BELOW:
        return min(stage + 1, TOP)
    if position == MET:
        return 0
    return stage


def stages(positions: list[str], manual: dict[int, int] | None = None) -> list[int]:
    """The stage a target stands at after each period, from its positions in order."""
    manual = manual or {}
    out, stage = [], 0
    for index, position in enumerate(positions):
        stage = next_stage(stage, position)
        by_hand = manual.get(index, 0)
        if by_hand > stage:
            stage = by_hand
        out.append(stage)
    return out


@dataclass
class Episode:
    """One stage, from the period it started in to the period it ended in (``None``: still
    open), and how it ended: ``closed`` (back above the monitoring level) or ``escalated``."""

    stage: int
    start: int
    by_hand: bool = False
    end: int | None = None
    ended: str | None = None


def episodes(positions: list[str], manual: dict[int, int] | None = None) -> list[Episode]:
    manual = manual or {}
    out: list[Episode] = []
    before = 0
    computed = 0
    for index, stage in enumerate(stages(positions, manual)):
        computed = next_stage(before, positions[index])
        if stage != before:
            if out and out[-1].end is None:
                out[-1].end, out[-1].ended = index, ("closed" if stage == 0 else "escalated")
            if stage:
                out.append(Episode(stage, index, by_hand=stage > computed))
        before = stage
    return out


@dataclass
class Point:
    """A target in one period: the reading it holds (or none), the monitoring level, the
    position and the stage after it."""

    period: object
    reading: object | None
    level: float | None
    status: str
    position: str
    annual: bool = False
    stage: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def value(self):
        return self.reading.value if self.reading is not None else None

    @property
    def words(self) -> str:
        if self.position == NO_DATA:
            if self.annual:
                return N_("No figure this period: it comes once a year")
            return N_("No figure this period")
        if self.position == BELOW:
            return N_("Below the monitoring level")
        return N_("At or above the monitoring level")


def position_of(status: str, reading) -> str:
    if reading is None or status == "no-data":
        return NO_DATA
    return BELOW if status == "off-track" else MET


def series(indicator, periods, annual: bool = False, manual: dict[int, int] | None = None) -> list[Point]:
    """The target's points over ``periods`` (six-monthly, oldest first): each period holds its
    latest reading taken within it; the status is the partnership's own rule."""
    from ..partnership.services import reading_status

    points = []
    for period in periods:
        inside = [r for r in indicator.readings if period.starts_on <= r.taken_on <= period.ends_on]
        reading = max(inside, key=lambda r: r.taken_on) if inside else None
        status = reading_status(indicator, reading)
        points.append(Point(period, reading, indicator.monitoring_level, status, position_of(status, reading), annual))
    for point, stage in zip(points, stages([p.position for p in points], manual)):
        point.stage = stage
    return points
