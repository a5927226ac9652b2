"""Pictures for a survey's easy-read version: one beside each question, with words that say
what it shows (its alt text), shown to residents who chose the easy-read version.

Why Pillow (https://python-pillow.org), the well-kept imaging library: it tells a real PNG or
JPEG from a file that only has the name, refuses an image too big to open safely (a small
file that opens to gigabytes of pixels), and draws the picture again, at most 800 pixels on
its longer side, keeping nothing else the file carried. A photo from a phone carries where and
when it was taken and on what camera; none of that is kept, or ever sent to a resident.

The picture is kept in the database (``QuestionPicture``), not as a file: a few tens of
kilobytes once drawn again, it goes into backups with its survey, every web node has it, and
it is deleted in the same transaction as its question. Services flush; views commit.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from ..core import audit
from ..core.errors import RuleError, not_found
from ..core.i18n import gettext
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from .builder import can_manage
from .models import QuestionPicture, SurveyQuestion

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000          # a 40-megapixel photo opens; anything bigger is refused
LONGEST_SIDE = 800
ALT_LENGTH = 250
TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def question_of(survey, question_id) -> SurveyQuestion:
    number = to_id(question_id)
    question = db.session.get(SurveyQuestion, number) if number else None
    if question is None or question.survey_id != survey.id:
        not_found(gettext("There is no question with that number in this survey."))
    return question


def check_picture(data: bytes) -> tuple[bytes, str, int, int]:
    """The picture drawn again as the survey will show it: ``(bytes, content type, width,
    height)``. A ``RuleError`` on the ``picture`` field says what is wrong."""
    if not data:
        raise RuleError(gettext("Choose a picture"), "picture")
    if len(data) > MAX_UPLOAD_BYTES:
        raise RuleError(gettext("The picture must be 5 MB or smaller"), "picture")
    unreadable = RuleError(gettext("The file is not a picture that can be opened. Choose a PNG or JPEG file."), "picture")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in TYPES:
                raise RuleError(gettext("The picture must be a PNG or JPEG file"), "picture")
            if image.width * image.height > MAX_PIXELS:
                raise RuleError(gettext("The picture is too big to use. Choose one under 40 megapixels."), "picture")
            image.load()
            image = ImageOps.exif_transpose(image)    # the right way up, before the camera's notes go
    except RuleError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, SyntaxError,
            ValueError):
        raise unreadable from None
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue(), TYPES[kind], image.width, image.height


def picture_of(question: SurveyQuestion) -> QuestionPicture | None:
    return db.session.scalar(select(QuestionPicture).where(QuestionPicture.question_id == question.id))


def save_picture(actor, survey, question: SurveyQuestion, data: bytes | None, alt) -> QuestionPicture:
    """Add or change a question's picture. With no file, only the words change (a question
    that has no picture yet needs one)."""
    if not can_manage(actor, survey):
        raise RuleError(gettext("You cannot change this survey."))
    alt = clean_text(alt)
    existing = picture_of(question)
    if not alt:
        raise RuleError(gettext("Say what the picture shows, for people who cannot see it"), "alt")
    if len(alt) > ALT_LENGTH:
        raise RuleError(gettext("What the picture shows must be %(limit)s characters or fewer", limit=ALT_LENGTH), "alt")
    if not data and existing is None:
        raise RuleError(gettext("Choose a picture"), "picture")
    picture = existing or QuestionPicture(question_id=question.id)
    if data:
        picture.data, picture.content_type, picture.width, picture.height = check_picture(data)
        picture.added_by_id = getattr(actor, "id", None)
    picture.alt = alt
    db.session.add(picture)
    db.session.flush()
    audit.record(actor, "update" if existing else "create", survey,
                 f"Easy-read picture {'changed' if existing else 'added'} for “{question.text[:80]}”")
    return picture


def remove_picture(actor, survey, question: SurveyQuestion) -> None:
    if not can_manage(actor, survey):
        raise RuleError(gettext("You cannot change this survey."))
    picture = picture_of(question)
    if picture is None:
        return
    db.session.delete(picture)
    db.session.flush()
    audit.record(actor, "delete", survey, f"Easy-read picture removed from “{question.text[:80]}”")


def shown_for(question_ids) -> dict[int, dict]:
    """``{question_id: {"id", "alt", "width", "height"}}`` for these questions (one query,
    without the images themselves)."""
    ids = list(question_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(QuestionPicture.question_id, QuestionPicture.id, QuestionPicture.alt,
                                     QuestionPicture.width, QuestionPicture.height)
                              .where(QuestionPicture.question_id.in_(ids))).all()
    return {row.question_id: {"id": row.id, "alt": row.alt, "width": row.width, "height": row.height} for row in rows}


def image(survey, question_id) -> tuple[bytes, str]:
    """The picture's bytes and type, for the address residents' pages show it from."""
    question = question_of(survey, question_id)
    picture = picture_of(question)
    if picture is None:
        not_found(gettext("This question has no picture."))
    return picture.data, picture.content_type
