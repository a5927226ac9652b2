"""Small file-system pieces shared by background jobs."""
from __future__ import annotations

import os
from pathlib import Path


def claim(path: Path) -> bool:
    """Create ``path`` if nobody has: one atomic step, so of two requests (or two web
    workers) racing to start the same job, exactly one gets True."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True
