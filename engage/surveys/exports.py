"""Exports: every response (one row each, personal data removed: every free-text part of an
answer whose text is personal, ``SurveyQuestion.text_is_personal``) and the aggregated
results, as CSV and XLSX. A cell that a spreadsheet could run as a formula (starting with
=, +, -, @, a tab or a carriage return) is neutralised with a leading single quote.
"""
from __future__ import annotations

import csv
import io

from . import structure
from . import questions as qtypes
from .analysis import aggregated, load_people
from .models import CHANNELS, SurveyResponse, counted
from ..core import clock

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A value that is safe to put in a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def response_table(survey) -> tuple[list[str], list[list]]:
    from ..extensions import db
    from sqlalchemy import select

    numbers = structure.numbers(survey)
    ordered = structure.ordered_questions(survey)
    headers = ["response", "reference", "channel", "submitted"]
    for q in ordered:
        headers.extend(qtypes.type_of(q).columns(q, numbers[q.id]))
    meta = {rid: (ref, ch, when) for rid, ref, ch, when in db.session.execute(
        select(SurveyResponse.id, SurveyResponse.reference, SurveyResponse.channel, SurveyResponse.submitted_at)
        .where(counted(survey.id)))}
    rows = []
    for n, person in enumerate(load_people(survey), start=1):
        ref, channel, when = meta[person.id]
        row = [n, ref, CHANNELS.get(channel, channel), clock.local(when).strftime("%Y-%m-%d %H:%M") if when else ""]  # London's clocks
        for q in ordered:
            kind = qtypes.type_of(q)
            value = person.values.get(q.id)
            if value is not None and q.text_is_personal:
                # Free text that may identify someone never leaves Engage: a text answer, or the
                # words written beside a choice ("please say"); the choice itself is kept.
                value = kind.without_text(q, value)
            row.extend(kind.export(q, value) if value is not None else [""] * len(kind.columns(q, "")))
        rows.append(row)
    return headers, rows


def results_table(survey, *, public: bool) -> tuple[list[str], list[list]]:
    """One row per figure. ``percent`` and the 95% interval (``interval_low`` to
    ``interval_high``, Wilson, blank under the minimum base) are rounded half up to one
    place by engage.core.numbers, as on the pages and in the API. ``in_base`` is "no" for an
    answer the survey's editors left out of the base (counted, no percentage)."""
    headers = ["question_number", "question", "dimension", "segment", "answer", "count", "base", "percent",
               "interval_low", "interval_high", "in_base", "suppressed"]
    rows = []
    for question in aggregated(survey, public=public):
        for f in question["figures"]:
            rows.append([question["number"], question["text"], f["dimension"], f["segment"], f["option"], f["count"],
                         f["base"], f["percent"], f["interval_low"], f["interval_high"], "yes" if f["in_base"] else "no",
                         "yes" if f["suppressed"] else ""])
    return headers, rows


def results_notes(survey) -> list[str]:
    """The notes sheet of the results export: what the figures are, and where the population
    figures that weighted results on the results page are weighted to come from."""
    from .population import describe_load, load_for

    notes = ["These figures count each person once, as they answered: they are not weighted."]
    described = describe_load(load_for(survey))
    if described:
        notes.append(described.replace("Weighted to ", "Weighted results on the results page are weighted to ", 1) + ".")
    else:
        notes.append("The population figures for this survey's wards have no recorded source or date.")
    return notes


def to_csv(headers: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe(h) for h in headers])
    for row in rows:
        writer.writerow([safe(v) for v in row])
    return buffer.getvalue()


def to_xlsx(headers: list[str], rows: list[list], title: str, notes: list[str] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Sheet1")
    sheet.append([safe(h) for h in headers])
    for row in rows:
        sheet.append([safe(v) for v in row])
    if notes:
        notes_sheet = book.create_sheet("Notes")
        for note in notes:
            notes_sheet.append([safe(note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
