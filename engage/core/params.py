"""Numbers people send us in addresses, query strings and hidden fields.

One rule everywhere: an id is 1 to 2**31 - 1 written in plain digits (0-9). Anything else
(letters, "²" or other Unicode digits that ``int()`` refuses, numbers too big for the
database's integer columns) is simply not an id, so callers answer 404 or ignore it, and
never reach the database with it.
"""
from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1


def to_id(value) -> int | None:
    """``value`` (a string or an int) as a database id, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None
