"""SQL statements a page runs on every load, built once per process. SQLAlchemy keeps a
statement's compiled form by its cache key, but building the statement and working out that
key is Python work done again on every request (a few hundred calls each): a statement built
once keeps its key. Only for statements whose every value is fixed or a bound parameter given
at execution (``bindparam``): what they return is read from the database each time, so
nothing they show can be out of date."""
from __future__ import annotations

from typing import Callable

_BUILT: dict[str, object] = {}


def built(name: str, build: Callable[[], object]):
    """The statement ``build()`` makes, built on first use and kept under ``name``."""
    found = _BUILT.get(name)
    if found is None:
        found = _BUILT[name] = build()
    return found
