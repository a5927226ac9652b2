"""Question types: a registry of small classes with one interface.

Each type says how its answer is read from a form (and from a CSV cell), checked, shown,
stored as answer rows and rebuilt from them, counted for results, and written to exports.
Adding a type is adding a class and registering it; nothing else branches on the type.

Answer values (kept in drafts as JSON) by type:
- choice types (single, multiple, agreement, yes/no): ``{"o": [option ids], "t": {option id: text}}``
  (``t`` holds what people wrote beside an "other, please say" option);
- rating and number: a number; date: "YYYY-MM-DD"; short and long text: a string;
- grid: ``{"g": {statement id: option id}}``; area: a ward's area id; ranking: option ids in order.
"""
from __future__ import annotations

from .base import NUMBER_LIMIT, OPS, OTHER_LIMIT, REMOVED, SHORT_LIMIT, TEXT_LIMIT, Invalid, Part, QuestionType  # noqa: F401
from .choice import AgreementType, ChoiceType, MultipleType, YesNoType
from .grid import GridType
from .numbers import NumberType, RatingType, _fmt  # noqa: F401
from .place import AreaType
from .ranking import RankingType
from .text import DateType, LongTextType, ShortTextType

REGISTRY: dict[str, QuestionType] = {}


def register(kind: QuestionType) -> None:
    REGISTRY[kind.key] = kind


for _kind in (ChoiceType(), MultipleType(), AgreementType(), RatingType(), GridType(), ShortTextType(), LongTextType(),
              NumberType(), DateType(), AreaType(), RankingType(), YesNoType()):
    register(_kind)


def get(key: str) -> QuestionType:
    return REGISTRY[key]


def type_of(q) -> QuestionType:
    return REGISTRY[q.qtype]


def choices() -> list[tuple[str, str, str]]:
    return [(k.key, k.label, k.description) for k in REGISTRY.values()]


def anchor(q) -> str:
    """The id a link to the question goes to (error summaries, "Change" on check answers):
    the first input that can take focus."""
    return f"q{q.id}{type_of(q).anchor_suffix}"


def limit_of(q) -> int | None:
    """The most characters a text answer may have (shown with a character count)."""
    return getattr(type_of(q), "limit", None)
