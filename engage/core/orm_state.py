"""A guard against a memory-corruption bug in CPython 3.11 that SQLAlchemy's ORM walks into.

**The crash.** Under load the app died with a segmentation fault (or "bool_dealloc:
deallocating True", or "corrupted size vs. prev_size" from glibc), always near SQLAlchemy's
``InstanceState``: loading rows (``loading._instance``) or closing the session
(``expunge_all`` -> ``_detach_states``). It follows the interpreter: CPython 3.11.2 and 3.11.7
crash, 3.12 does not, and it still crashes with every third-party C extension removed.

**The cause** (valgrind: "Invalid free", the same 88-byte block freed twice). In CPython 3.11
an object keeps its attributes in a "values" array shared with its class's keys; the class's
shared keys stop growing after some instances, so a later attribute that is not among them
(``InstanceState._strong_obj``, set by ``_detach_states``) turns the values into a real
``__dict__`` (``make_dict_from_instance_attributes``). That allocates a dict, which can run the
garbage collector *while the object still points at its values*. If the collector frees the
state's mapped object (it sits in a reference cycle), the weakref callback
``InstanceState._cleanup`` runs and sets ``self._strong_obj = None`` on the same state: that
inner assignment builds a ``__dict__`` from the same values and frees them when the dict
grows. The outer assignment then finishes with a dict over freed memory; the values are freed
a second time later, and whatever reused the memory is corrupted.

**The guard.** Each ``InstanceState`` gets its ``__dict__`` at once, in its ``__init__``, while
its object is alive and held by the caller, so its callback cannot run then. Later attribute
writes go into that ordinary dict, and growing a dict never runs the collector, so the
re-entry above cannot happen. Only CPython 3.11 needs it (3.12 builds the dict differently);
the cost is one dict per loaded row's state, which SQLAlchemy builds for most states anyway.
"""
from __future__ import annotations

import sys

from sqlalchemy.orm.state import InstanceState

NEEDED = sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)


def _init_with_dict(original):
    def __init__(self, obj, manager):
        self.__dict__  # noqa: B018  (reading it creates the dict now, while it is safe)
        original(self, obj, manager)

    __init__.__wrapped__ = original
    __init__.engage_guard = True
    return __init__


def guard_instance_state() -> bool:
    """Install the guard (once; only where it is needed). True when it is in place."""
    if not NEEDED:
        return False
    if not getattr(InstanceState.__init__, "engage_guard", False):
        InstanceState.__init__ = _init_with_dict(InstanceState.__init__)
    return True


def has_own_dict(state: InstanceState) -> bool:
    """True when ``state`` holds its attributes in a real ``__dict__`` (the guard worked),
    found without creating one: the collector sees the dict among the state's referents."""
    import gc

    own = state.committed_state  # the one dict slot InstanceState has besides __dict__
    return any(type(r) is dict and r is not own for r in gc.get_referents(state))
