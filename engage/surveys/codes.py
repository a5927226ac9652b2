"""Single-use access codes for postal and panel surveys, made in numbered batches and
printed (one per letter) or downloaded for a mail merge."""
from __future__ import annotations

import csv
import io
import secrets

from sqlalchemy import func, insert, select

from ..core import audit
from ..extensions import db
from .answering import REFERENCE_ALPHABET, show_reference
from .builder import BuildError, can_manage
from .models import SurveyAccessCode

MAX_CODES = 5000


def generate(actor, survey, count: int) -> int:
    if actor is not None and not can_manage(actor, survey):
        raise BuildError("You cannot make codes for this survey")
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise BuildError(f"Make from 1 to {MAX_CODES:,} codes at a time", "count")
    batch = (db.session.scalar(select(func.max(SurveyAccessCode.batch)).where(SurveyAccessCode.survey_id == survey.id)) or 0) + 1
    existing = set(db.session.scalars(select(SurveyAccessCode.code).where(SurveyAccessCode.survey_id == survey.id)))
    made: set[str] = set()
    while len(made) < count:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        if code not in existing:
            made.add(code)
    db.session.execute(insert(SurveyAccessCode), [{"survey_id": survey.id, "batch": batch, "code": c} for c in sorted(made)])
    audit.record(actor, "codes", survey, f"{count:,} access codes made for {survey.title} (batch {batch})",
                 changes={"batch": batch, "count": count})
    db.session.flush()
    return batch


def batches(survey) -> list[tuple[int, int, int]]:
    rows = db.session.execute(
        select(SurveyAccessCode.batch, func.count(), func.count().filter(SurveyAccessCode.used.is_(True)))
        .where(SurveyAccessCode.survey_id == survey.id).group_by(SurveyAccessCode.batch).order_by(SurveyAccessCode.batch)).all()
    return [(batch, total, used) for batch, total, used in rows]


def batch_codes(survey, batch: int) -> list[SurveyAccessCode]:
    return db.session.scalars(select(SurveyAccessCode).where(SurveyAccessCode.survey_id == survey.id, SurveyAccessCode.batch == batch)
                              .order_by(SurveyAccessCode.id)).all()


def batch_csv(survey, items, link: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "code", "link", "used"])
    for n, item in enumerate(items, start=1):
        writer.writerow([n, show_reference(item.code), link, "yes" if item.used else ""])
    return out.getvalue()
