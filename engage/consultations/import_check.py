"""Checking a whole results file before it is imported: on the "Check the columns" page,
against the columns as chosen, every row is read and counted exactly as the import would,
and nothing is saved. The page shows every problem (a row with a cell in no column, an age
band that is not one, a place Engage does not have…) before "Import results", and says
which layout the file looks like when the person chose the other one.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..core.i18n import N_
from . import importing
from .models import Consultation

LAYOUT_NAMES = {"tidy": "Figures", "raw": "Responses"}


@dataclass
class FileCheck:
    fmt: str
    mapping: dict[str, str]          # column index (as text, for JSON) -> role
    replace: bool = False
    problems: list = field(default_factory=list)  # importing.Problem.stored() (or plain sentences)
    rows: int = 0
    questions: int = 0
    figures: int = 0
    respondents: int | None = None
    replaces: list[str] = field(default_factory=list)  # questions that already have results

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "FileCheck | None":
        if not data:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None

    def mapping_ints(self) -> dict[int, str]:
        return {int(k): v for k, v in self.mapping.items()}


def layout_hint(headers: list[str], fmt: str) -> "importing.Text | None":
    """A plain sentence when the file looks like the other layout than the one chosen (``str``
    of it in the language in force)."""
    looks = importing.guess_format(headers)
    if looks == fmt:
        return None
    if looks == "raw":
        return importing.says(N_("This file looks like responses (one row per person, one column per question), not figures: none "
                                 "of its headings is a question, a count and a base. If so, choose Responses."))
    return importing.says(N_("This file looks like figures (one row per answer and group): its headings include a question, a "
                             "count and a base. If so, choose Figures."))


def check_file(consultation: Consultation, sheet: importing.Sheet, fmt: str, mapping: dict[int, str], *,
               replace: bool = False, progress: importing.Progress | None = None) -> FileCheck:
    """Everything the import would do, short of saving: every row, against these columns."""
    check = FileCheck(fmt=fmt, mapping={str(k): v for k, v in mapping.items()}, replace=replace, rows=len(sheet.rows))
    try:
        agg = importing.aggregate(sheet, fmt, mapping, progress=progress)
    except importing.ImportProblems as error:
        check.problems = error.stored
        hint = layout_hint(sheet.headers, fmt)
        if hint:
            check.problems.insert(0, importing.Problem(hint).stored())
        return check
    check.questions = len(agg.questions)
    check.figures = sum(len(q.figures) for q in agg.questions.values())
    check.respondents = agg.respondents
    conflicts = importing.existing_conflicts(consultation, agg)
    check.replaces = [q.text for q in conflicts]
    if conflicts and not replace:
        check.problems.append(importing.Problem(importing.already_has_results(conflicts, tick=True)).stored())
    return check
