"""The one place rule, and the postcode lookup.

**The place rule.** Filtering anything by a place means: work in that place, in the places
inside it, and in the places it sits inside (town-wide and borough-wide work also reaches
the people of a ward). Work matched only through a wider place is labelled, for example
"Covers all of Halton". Every page and service that filters by place (the consultation
finder, "have your say", the forward plan, the activity page, the search facet, the API and
the similar-consultations check) asks ``place_scope`` and nothing else.

**Postcodes.** Residents know their postcode, not their ward. Officers load a lookup of
postcodes to wards (the postcode and ward columns of the ONS postcode directory);
``area_for_postcode`` and ``lookup_postcode`` turn what someone typed into a place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ..core.i18n import gettext
from ..extensions import db
from .models import AREA_LEVELS, Area, Postcode


# ---- the place rule ----------------------------------------------------------------------

@dataclass(frozen=True)
class WiderPlace:
    id: int
    name: str
    level: str


@dataclass(frozen=True)
class PlaceScope:
    """What a filter by one place takes in."""

    area_id: int
    name: str
    level: str
    inside_ids: frozenset      # the place and every place inside it
    wider: tuple = ()          # WiderPlace of each place it sits inside, nearest first

    @property
    def wider_ids(self) -> frozenset:
        return frozenset(w.id for w in self.wider)

    @property
    def ids(self) -> frozenset:
        """Every area whose work the filter takes in."""
        return self.inside_ids | self.wider_ids

    @property
    def level_label(self) -> str:
        return AREA_LEVELS.get(self.level, self.level).lower()

    def matches(self, area_ids) -> bool:
        return bool(set(area_ids) & self.ids)

    def label_for(self, area_ids) -> str | None:
        """None for work in the place or inside it; "Covers all of Halton" for work matched
        only through a wider place (the nearest one it names)."""
        ids = set(area_ids)
        if ids & self.inside_ids:
            return None
        for wider in self.wider:
            if wider.id in ids:
                return gettext("Covers all of %(place)s", place=wider.name)
        return None

    @property
    def explanation(self) -> str:
        """One plain sentence saying what the filter takes in, in the reader's language."""
        inside = len(self.inside_ids) > 1
        wider = gettext(" or all of ").join(w.name for w in self.wider)
        if inside and wider:
            return gettext("Showing work in %(place)s and the places inside it, and work that covers all of %(wider)s.",
                           place=self.name, wider=wider)
        if inside:
            return gettext("Showing work in %(place)s and the places inside it.", place=self.name)
        if wider:
            return gettext("Showing work in %(place)s, and work that covers all of %(wider)s.", place=self.name, wider=wider)
        return gettext("Showing work in %(place)s.", place=self.name)


def _inside_ids(area_ids) -> set[int]:
    tree = select(Area.id).where(Area.id.in_(list(area_ids))).cte("place_tree", recursive=True)
    tree = tree.union_all(select(Area.id).where(Area.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


def place_scope(area_id) -> PlaceScope | None:
    """The place rule for one place; None when there is no such place."""
    area = db.session.get(Area, area_id) if isinstance(area_id, int) and 0 < area_id < 2**31 else None
    if area is None:
        return None
    wider = tuple(WiderPlace(a.id, a.name, a.level) for a in area.ancestors)
    return PlaceScope(area.id, area.name, area.level, frozenset(_inside_ids([area.id])), wider)


def places_scope(area_ids) -> frozenset:
    """Every area the place rule takes in for several places (the union of their scopes)."""
    ids = {a for a in area_ids or [] if isinstance(a, int)}
    if not ids:
        return frozenset()
    out = set(_inside_ids(ids))
    for area in db.session.scalars(select(Area).where(Area.id.in_(ids))):
        out.update(a.id for a in area.ancestors)
    return frozenset(out)


def how_places_meet(mine, theirs) -> list[str]:
    """Why two sets of places overlap under the place rule, in plain words, e.g.
    "Castlefields is in both", "Palace Fields is inside Castlefields", "Halton takes in Castlefields"."""
    mine = [a for a in mine if a is not None]
    theirs = [a for a in theirs if a is not None]
    out: list[str] = []
    for other in theirs:
        other_up = {a.id for a in other.ancestors}
        for area in mine:
            if other.id == area.id:
                text = gettext("%(place)s is in both", place=area.name)
            elif area.id in other_up:
                text = gettext("%(inner)s is inside %(outer)s", inner=other.name, outer=area.name)
            elif other.id in {a.id for a in area.ancestors}:
                text = gettext("it covers all of %(outer)s, which takes in %(inner)s", outer=other.name, inner=area.name)
            else:
                continue
            if text not in out:
                out.append(text)
            break
    return out


# ---- postcodes ---------------------------------------------------------------------------

# The shape of a full UK postcode (outward code, then a digit and two letters).
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class PostcodeError(ValueError):
    """What someone typed is not a full postcode; the message says so in plain words."""

    field = "postcode"


def normalise_postcode(text) -> str:
    """Capitals, no spaces: " wa7 2ha " → "WA72HA"."""
    return re.sub(r"\s+", "", str(text or "")).upper()


def format_postcode(code: str) -> str:
    code = normalise_postcode(code)
    return f"{code[:-3]} {code[-3:]}" if len(code) > 3 else code


def check_postcode(text) -> str:
    """The postcode without spaces, or PostcodeError with a plain message."""
    code = normalise_postcode(text)
    if not code:
        raise PostcodeError(gettext("Enter a postcode, like WA7 2HA"))
    if len(code) > 8 or not re.fullmatch(r"[A-Z0-9]+", code):
        raise PostcodeError(gettext("Enter a real postcode, like WA7 2HA, using only letters and numbers"))
    if _OUTWARD.match(code):
        raise PostcodeError(gettext("Enter the full postcode, like WA7 2HA: %(code)s alone covers more than one ward", code=code))
    if not _POSTCODE.match(code):
        raise PostcodeError(gettext("Enter a real postcode, like WA7 2HA"))
    return code


def area_for_postcode(text) -> Area | None:
    """The place (usually a ward) a postcode is in, from the officers' postcode lookup.

    For other capabilities (resident surveys): raises ``PostcodeError`` (a ValueError with a
    plain message) when ``text`` is not a full postcode; returns None when it is one but the
    lookup does not know it (for example, it is outside the partnership's area)."""
    code = check_postcode(text)
    return db.session.scalar(select(Area).join(Postcode, Postcode.area_id == Area.id).where(Postcode.postcode == code))


@dataclass
class PostcodeResult:
    """What a postcode box found: the tidy postcode, and the place or a plain message."""

    typed: str
    postcode: str = ""
    area: Area | None = None
    is_demo: bool = False
    message: str | None = None

    @property
    def found(self) -> bool:
        return self.area is not None

    @property
    def sentence(self) -> str:
        if self.area is None:
            return self.message or ""
        wider = ", ".join(a.name for a in self.area.ancestors if a.level in ("town", "borough"))
        if self.area.level == "ward":
            if wider:
                return gettext("%(postcode)s is in %(place)s ward (%(wider)s).", postcode=self.postcode, place=self.area.name, wider=wider)
            return gettext("%(postcode)s is in %(place)s ward.", postcode=self.postcode, place=self.area.name)
        if wider:
            return gettext("%(postcode)s is in %(place)s (%(wider)s).", postcode=self.postcode, place=self.area.name, wider=wider)
        return gettext("%(postcode)s is in %(place)s.", postcode=self.postcode, place=self.area.name)


def lookup_postcode(text) -> PostcodeResult:
    """For a postcode box on a page: never raises; unknown or malformed postcodes get a plain message."""
    typed = str(text or "").strip()[:20]
    result = PostcodeResult(typed=typed)
    try:
        code = check_postcode(typed)
    except PostcodeError as error:
        result.message = str(error)
        return result
    result.postcode = format_postcode(code)
    row = db.session.scalar(select(Postcode).where(Postcode.postcode == code))
    if row is None:
        if db.session.scalar(select(Postcode.id).limit(1)) is None:
            result.message = gettext("Engage cannot look up postcodes yet, so it does not know where %(postcode)s is. "
                                     "Choose your area from the list instead", postcode=result.postcode)
        else:
            result.message = gettext("Engage does not know the postcode %(postcode)s. Check it is right, or choose your "
                                     "area from the list. Postcodes outside the partnership's area are not in Engage",
                                     postcode=result.postcode)
        return result
    result.area, result.is_demo = row.area, row.is_demo
    return result


@dataclass
class PlaceChoice:
    """A place filter as a page reads it: an area from a list, or a postcode typed in."""

    area_id: int | None = None
    scope: PlaceScope | None = None
    postcode: PostcodeResult | None = None

    @property
    def error(self) -> str | None:
        return self.postcode.message if self.postcode is not None and not self.postcode.found else None

    @property
    def active(self) -> bool:
        return self.scope is not None

    def label_for(self, areas) -> str | None:
        return self.scope.label_for([a.id if hasattr(a, "id") else a for a in areas]) if self.scope else None


def resolve_place(area_id: int | None, postcode_text: str | None) -> PlaceChoice:
    """A postcode, when given, wins over the list (the person typed it on purpose)."""
    choice = PlaceChoice()
    if postcode_text and str(postcode_text).strip():
        choice.postcode = lookup_postcode(postcode_text)
        if choice.postcode.found:
            area_id = choice.postcode.area.id
        else:
            return choice
    if area_id:
        choice.scope = place_scope(area_id)
        choice.area_id = choice.scope.area_id if choice.scope else None
    return choice
