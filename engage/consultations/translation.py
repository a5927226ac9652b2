"""A consultation's public page as one translatable unit (engage/core/content.py): its title,
summary, purpose and how to take part."""
from __future__ import annotations

from flask import url_for

from ..core.content import Text, TranslatableKind
from ..core.i18n import N_, lazy_gettext as _l
from ..extensions import db
from .models import Consultation
from .services import can_edit


def texts(consultation_id: int) -> list[Text]:
    c = db.session.get(Consultation, consultation_id)
    if c is None:
        return []
    # Labels marked for the catalogue; the translation pages show them in the reader's language.
    return [Text(c, "title", _l("Title")), Text(c, "summary", _l("Summary"), multiline=True),
            Text(c, "purpose", _l("What it is for"), multiline=True),
            Text(c, "how_to_take_part", _l("How to take part"), multiline=True)]


def _title(consultation_id: int) -> str | None:
    c = db.session.get(Consultation, consultation_id)
    return c.title if c else None


def _can_edit(user, consultation_id: int) -> bool:
    c = db.session.get(Consultation, consultation_id)
    return c is not None and can_edit(user, c)


KIND = TranslatableKind(
    kind="consultation", label=N_("consultation page"), texts=texts, title=_title, can_edit=_can_edit,
    back_url=lambda cid: url_for("consultations.page", consultation_id=cid),
    public_url=lambda cid: url_for("consultations.page", consultation_id=cid),
)
