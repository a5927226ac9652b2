"""Fixtures shared by the results, import and planning tests: a small borough with towns,
wards (two of them priority wards), a neighbourhood, and consultations of the test
organisation. Import them into a test module to use them."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from engage.extensions import db


@pytest.fixture
def places(app):
    """Testborough (20,000) → Northtown (12,000: Castle*, Mill) and Southtown (8,000: Bridge*,
    Park); * = priority ward. Castle Village is a neighbourhood inside Castle."""
    from engage.partnership.models import Area

    borough = Area(name="Testborough", level="borough", population=20_000)
    db.session.add(borough)
    db.session.flush()
    north = Area(name="Northtown", level="town", parent_id=borough.id, population=12_000)
    south = Area(name="Southtown", level="town", parent_id=borough.id, population=8_000)
    db.session.add_all([north, south])
    db.session.flush()
    wards = {
        "Castle": Area(name="Castle", level="ward", parent_id=north.id, population=5_000, priority_ward=True, code="E05000001"),
        "Mill": Area(name="Mill", level="ward", parent_id=north.id, population=7_000),
        "Bridge": Area(name="Bridge", level="ward", parent_id=south.id, population=3_000, priority_ward=True),
        "Park": Area(name="Park", level="ward", parent_id=south.id, population=5_000),
    }
    db.session.add_all(wards.values())
    db.session.flush()
    village = Area(name="Castle Village", level="neighbourhood", parent_id=wards["Castle"].id, population=2_000)
    db.session.add(village)
    db.session.commit()
    return {"borough": borough, "north": north, "south": south, "village": village, **wards}


_DEFAULT = object()


def make_consultation(org, *, title="Residents survey", visibility="public", published=True, areas=(), start=_DEFAULT,
                      close=_DEFAULT, responses=None, audiences=(), planned=False):
    """A consultation of ``org``; by default it ran two months ago and its results are
    published. ``start=None`` / ``close=None`` leave those dates blank."""
    from engage.consultations.models import Consultation, ConsultationTag

    today = date.today()
    start = today - timedelta(days=60) if start is _DEFAULT else start
    close = today - timedelta(days=30) if close is _DEFAULT else close
    c = Consultation(
        title=title, summary="A survey of residents.", lead_organisation_id=org.id, visibility=visibility,
        planned_start=start if planned else None, planned_close=close if planned else None,
        actual_start=None if planned else start, actual_close=None if planned else close,
        results_published_on=(today - timedelta(days=1)) if published else None, responses=responses,
    )
    c.areas = list(areas)
    for value in audiences:
        c.tags.append(ConsultationTag(kind="audience", value=value))
    db.session.add(c)
    db.session.commit()
    return c


@pytest.fixture
def consultation(app, org, places):
    return make_consultation(org, areas=[places["borough"]])


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TIDY_HEADER = ["question", "option", "segment", "count", "base"]
SATISFIED = "How satisfied are you with your area?"


def tidy_rows():
    """A good tidy file: one question by everyone and by two wards, and a second question."""
    return [
        TIDY_HEADER,
        [SATISFIED, "Satisfied", "All respondents", 60, 100],
        [SATISFIED, "Dissatisfied", "All respondents", 40, 100],
        [SATISFIED, "Satisfied", "Castle", 10, 30],
        [SATISFIED, "Dissatisfied", "Castle", 20, 30],
        [SATISFIED, "Satisfied", "Mill", 3, 4],
        [SATISFIED, "Dissatisfied", "Mill", 1, 4],
        ["What would most improve your area?", "Cleaner streets", "All respondents", 41, 100],
        ["What would most improve your area?", "Less crime", "All respondents", 35, 100],
    ]


def raw_rows(n: int = 12):
    """Respondent rows: ward, age band, sex and two questions (one with several answers)."""
    header = ["id", "Ward", "Age band", "Sex", "Q1 Do you feel safe after dark?", "Q2 What should we fix first?"]
    wards = ["Castle", "Mill", "Bridge", "Park"]
    rows = [header]
    for i in range(n):
        rows.append([i + 1, wards[i % 4], "16-24" if i % 2 else "65+", "Female" if i % 3 else "Male",
                     "Yes" if i % 4 == 0 else "No", "Lighting;Litter" if i % 2 else "Litter"])
    return rows
