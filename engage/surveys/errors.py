"""The one error the survey services raise when a rule of building is broken."""
from __future__ import annotations


class BuildError(Exception):
    """A rule of building was broken; ``field`` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
