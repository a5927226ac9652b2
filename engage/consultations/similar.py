"""The "similar consultations" check: consultations held or planned that may ask the same
people about the same things, each with the reasons it was shown."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from ..core import clock
from ..core.i18n import gettext as _
from ..extensions import db
from ..partnership.models import Area, priority_succession
from ..partnership.services import how_places_meet, places_scope, priority_lineage_ids
from .choices import audience_label
from .models import Consultation
from .services import visible_clause

SIMILAR_WINDOW_DAYS = 730

_STOP = set("a an and are as at be by for from how in into is it of on or our the their this to we what when where which who why with your you about residents survey consultation views people".split())


def _words(text: str) -> set[str]:
    """Meaningful words, roughly singular ("streets" and "street" match)."""
    out = set()
    for word in re.findall(r"[a-z]{3,}", (text or "").lower()):
        if word in _STOP:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.add(word)
    return out


def _priority_family(ids) -> set[int]:
    """Priorities and everything before and after them in other frameworks."""
    ids = set(ids)
    if not ids:
        return set()
    family = set(priority_lineage_ids(ids))
    frontier = set(ids)
    for _attempt in range(10):
        rows = set(db.session.scalars(select(priority_succession.c.successor_id).where(priority_succession.c.predecessor_id.in_(frontier))))
        rows -= family
        if not rows:
            break
        family |= rows
        frontier = rows
    return family | set(priority_lineage_ids(family))


def _span(start: date | None, close: date | None) -> str:
    from ..core.templating import format_date

    if start and close:
        return _("%(start)s to %(close)s", start=format_date(start), close=format_date(close))
    return _("from %(start)s", start=format_date(start)) if start else ""


def _dates_overlap(a_start, a_close, b_start, b_close) -> bool:
    """Two consultations run at the same time (a missing closing date means still running)."""
    if a_start is None or b_start is None:
        return False
    return a_start <= (b_close or date.max) and b_start <= (a_close or date.max)


@dataclass
class Similar:
    consultation: Consultation
    reasons: list[str]
    score: int
    same_people: bool = False   # the same audience, in the same places, at the same time


def similar_consultations(user, data: dict, exclude_id: int | None = None, today: date | None = None, limit: int = 10) -> list[Similar]:
    """Consultations held or planned in the last two years (or still to come) that may ask
    the same people about the same things. A consultation is shown when

    - it shares a topic (a priority, its earlier or later versions, a theme, an outcome, or
      words of the title) and a place (the place rule) or an audience; or
    - it asks the same audience at the same time (the dates overlap) in the same places (the
      place rule; a consultation with no places yet may be anywhere), whatever its topic.

    Each match says why it was shown. Only ones this person may see are returned."""
    today = today or clock.today()
    since = today - timedelta(days=SIMILAR_WINDOW_DAYS)
    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    close = func.coalesce(Consultation.actual_close, Consultation.planned_close)
    query = select(Consultation).where(visible_clause(user)).where(
        or_(start >= since, close >= since, and_(start.is_(None), close.is_(None), Consultation.created_at >= clock.start_of_day(since)))
    )
    if exclude_id:
        query = query.where(Consultation.id != exclude_id)

    def ints(field):
        out = set()
        for v in data.get(field) or []:
            try:
                out.add(int(v))
            except (TypeError, ValueError):
                continue
        return out

    priorities = _priority_family(ints("priority_ids"))
    themes, outcomes = ints("theme_ids"), ints("outcome_ids")
    my_area_ids = ints("area_ids")
    my_areas = db.session.scalars(select(Area).where(Area.id.in_(my_area_ids))).all() if my_area_ids else []
    reach = places_scope(my_area_ids)
    audiences_ = {str(a) for a in data.get("audiences") or []}
    title_words = _words(data.get("title", ""))
    my_start = data.get("actual_start") or data.get("planned_start")
    my_close = data.get("actual_close") or data.get("planned_close")

    out = []
    for other in db.session.scalars(query.limit(2000)):
        topic_reasons = []
        shared = [p for p in other.priorities if p.id in priorities]
        if shared:
            topic_reasons.append(_("the same priority: %(names)s", names=", ".join(p.name for p in shared[:3])))
        shared_themes = [t for t in other.themes if t.id in themes]
        if shared_themes:
            topic_reasons.append(_("the same theme: %(names)s", names=", ".join(t.name for t in shared_themes[:3])))
        shared_outcomes = [o for o in other.outcomes if o.id in outcomes]
        if shared_outcomes:
            topic_reasons.append(_("the same outcome: %(names)s", names=", ".join(str(o) for o in shared_outcomes[:3])))
        common = title_words & (_words(other.title) | _words(other.summary))
        if len(common) >= 2 or (len(title_words) == 1 and common):
            topic_reasons.append(_("similar words: %(words)s", words=", ".join(sorted(common)[:4])))

        place_reasons = how_places_meet(my_areas, [a for a in other.areas if a.id in reach]) if reach else []
        places_unknown = not my_areas or not other.areas
        shared_aud = sorted(set(other.audiences) & audiences_)
        same_time = _dates_overlap(my_start, my_close, other.starts_on, other.closes_on)
        same_people = bool(shared_aud and same_time and (place_reasons or places_unknown))

        if topic_reasons:
            if not (place_reasons or shared_aud or same_people) and (my_areas or audiences_):
                continue
        elif not same_people:
            continue

        reasons = list(topic_reasons)
        if shared_aud:
            reasons.append(_("asks the same people: %(names)s", names=", ".join(_(audience_label(a)).lower() for a in shared_aud[:3])))
        if place_reasons:
            reasons.append(_("in the same places: %(places)s", places="; ".join(place_reasons[:3])))
        elif same_people and places_unknown:
            reasons.append(_("it may be in the same places: you have not chosen any places yet") if not my_areas
                           else _("it may be in the same places: it does not name its places"))
        if same_time:
            reasons.append(_("at the same time: it runs %(theirs)s, and yours runs %(yours)s",
                             theirs=_span(other.starts_on, other.closes_on), yours=_span(my_start, my_close)))
        score = 2 * len(topic_reasons) + (3 if same_people else 0) + len(reasons)
        out.append(Similar(other, reasons, score, same_people))
    out.sort(key=lambda s: (-s.score, -(s.consultation.starts_on or date.min).toordinal()))
    return out[:limit]
