"""Places for surveys: the wards a survey covers (from the area tree) and postcode look-up
through the partnership's own service, when it offers one."""
from __future__ import annotations

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import bindparam, select

from ..extensions import db
from ..partnership.models import Area
from ..partnership.services import area_subtree_select


def _cache() -> dict:
    """The wards read during this request, kept on the request itself (an app context, and
    so ``g``, can outlive one request, as in the tests, and a ward added since must show);
    outside a request (an export, a background job), for its app context, as before."""
    if has_request_context():
        return request.environ.setdefault("engage.survey_wards", {})
    if not has_app_context():
        return {}
    if not hasattr(g, "_survey_wards"):
        g._survey_wards = {}
    return g._survey_wards


_STATEMENTS: dict = {}


def _wards(inside: bool):
    """Every ward, or (``inside``) the wards inside the area ``:area_id`` (its subtree, a
    recursive query in the one statement); built once, so SQLAlchemy keeps its compiled form."""
    found = _STATEMENTS.get(inside)
    if found is None:
        query = select(Area.id, Area.name).where(Area.level == "ward").order_by(Area.name)
        if inside:
            query = query.where(Area.id.in_(area_subtree_select([bindparam("area_id")])))
        found = _STATEMENTS[inside] = query
    return found


def ward_choices(survey) -> list[tuple[int, str]]:
    """(area id, name) of the wards inside the survey's area (every ward when it has none)."""
    area_id = survey.population_area_id if survey is not None else None
    cache = _cache()
    if area_id in cache:
        return cache[area_id]
    rows = [(i, n) for i, n in db.session.execute(_wards(bool(area_id)), {"area_id": area_id} if area_id else {})]
    cache[area_id] = rows
    return rows


def priority_ward_ids() -> set[int]:
    return set(db.session.scalars(select(Area.id).where(Area.level == "ward", Area.priority_ward.is_(True))))


class PostcodeProblem(ValueError):
    """What someone typed is not a full postcode."""


def postcode_lookup_available() -> bool:
    from ..partnership import services

    return hasattr(services, "area_for_postcode")


def lookup_postcode(text: str) -> int | None:
    """The ward a postcode lies in, through ``engage.partnership.services.area_for_postcode``;
    None when it is unknown (or when the partnership capability offers no look-up yet)."""
    from ..partnership import services

    finder = getattr(services, "area_for_postcode", None)
    if finder is None:
        return None
    try:
        area = finder(text)
    except ValueError as error:  # not a postcode at all: the look-up says why, in plain words
        raise PostcodeProblem(str(error) or "Enter a real postcode, like WA7 2HA")
    if area is None:
        return None
    area_id = getattr(area, "id", area)
    node = db.session.get(Area, area_id) if isinstance(area_id, int) else None
    # A neighbourhood or output area: climb to its ward.
    while node is not None and node.level not in ("ward", "town", "borough"):
        node = node.parent
    return node.id if node is not None and node.level == "ward" else None
