"""A findings report's public summary as one translatable unit (engage/core/content.py): its
title and summary."""
from __future__ import annotations

from flask import url_for

from ..accounts.roles import OFFICER
from ..core.content import Text, TranslatableKind
from ..core.i18n import N_, lazy_gettext as _l
from ..extensions import db
from . import workflow
from .models import FindingsReport


def texts(report_id: int) -> list[Text]:
    report = db.session.get(FindingsReport, report_id)
    if report is None:
        return []
    return [Text(report, "title", _l("Title")), Text(report, "summary", _l("Summary"), multiline=True)]


def _title(report_id: int) -> str | None:
    report = db.session.get(FindingsReport, report_id)
    return report.title if report else None


def _can_edit(user, report_id: int) -> bool:
    report = db.session.get(FindingsReport, report_id)
    if report is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role == OFFICER or workflow.AUTHOR in workflow.roles_for(user, report)


KIND = TranslatableKind(
    kind="findings_report", label=N_("findings report"), texts=texts, title=_title, can_edit=_can_edit,
    back_url=lambda rid: url_for("sharing.report", report_id=rid),
    public_url=lambda rid: url_for("sharing.report", report_id=rid),
)
