"""What an index is made of: a schema and one document builder per indexed model."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..core.i18n import gettext


@dataclass
class IndexSpec:
    """One search index.

    ``root`` is the model whose rows own documents (a consultation, a toolkit entry).
    ``documents(obj)`` builds that row's documents (several are fine: a consultation gives
    one for itself and one per question); each must hold ``owner`` = ``key(obj)``. An empty
    list means "not in the index". ``watch`` maps other models to the roots they belong to,
    so that changing a question re-indexes its consultation. ``all_roots`` yields every root
    for a full rebuild.
    """

    name: str
    schema: Any
    root: type
    documents: Callable[[Any], list[dict]]
    all_roots: Callable[[], Iterable[Any]]
    count_roots: Callable[[], int]
    watch: dict[type, Callable[[Any], Iterable[Any]]] = field(default_factory=dict)
    text_fields: dict[str, float] = field(default_factory=dict)  # field -> boost
    spelling_field: str | None = None
    label: str = ""  # what officers see it called (the search index page)


def key(obj) -> str:
    return f"{type(obj).__name__}:{obj.id}"


@dataclass
class Hit:
    fields: dict
    score: float
    highlights: dict[str, str]


def shortened_message(limit: int) -> str:
    """What a search says when only the first ``limit`` characters of what was typed were
    used, in the reader's language (both backends say it the same way)."""
    return gettext("Your search was very long, so only the first %(num)s characters were used.", num=f"{limit:,}")


@dataclass
class Results:
    query: str
    total: int
    page: int
    pagelen: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    message: str | None = None
    # True when more matched than a backend counts exactly (the postgres backend stops at
    # ``CAP``): ``total`` is then that cap, a floor, and the page says "More than 1,000
    # results"; the facet counts come from the matches counted, so are floors too.
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.pagelen))
