"""The CPython 3.11 double free behind the survey-page segfaults (engage/core/orm_state.py).

The guard gives every ORM state a real ``__dict__`` from the start, so setting an attribute
on a state later never builds one while the garbage collector can run. Without the guard the
state made for a loaded row keeps its attributes inline and this test fails."""
from __future__ import annotations

import pytest

from engage.core import orm_state

needs_guard = pytest.mark.skipif(not orm_state.NEEDED, reason="only CPython 3.11 has the bug")


@needs_guard
def test_every_orm_state_has_its_own_dict_from_the_start():
    from sqlalchemy import inspect

    from engage.accounts.models import User  # any mapped class; importing engage installs the guard

    obj = User.__mapper__.class_manager.new_instance()  # how the loader makes each row's object
    assert orm_state.has_own_dict(inspect(obj))
