"""Rules for translating a unit: who may, and what a page of texts shows."""
from __future__ import annotations

from flask import abort

from ..core import content
from ..core.errors import not_found
from ..core.i18n import gettext as _

MAX_CHARS = 5000


def kind_or_404(kind_name: str, owner_id: int):
    kind = content.translatable.get(kind_name)
    if kind is None:
        not_found(_("There is nothing of that kind to translate."))
    title = kind.title(owner_id)
    if title is None:
        not_found(_("That %(kind)s does not exist, or has been deleted.", kind=_(kind.label)))
    return kind, title


def check_may_edit(user, kind, owner_id: int) -> None:
    if not (user.is_authenticated and kind.can_edit(user, owner_id)):
        abort(403)


def language_or_404(kind, language: str) -> str:
    if language not in dict(content.variants(kind)):
        not_found(_("Engage is not set up for that language. Partnership officers choose the site's languages."))
    return language


def overview(kind, owner_id: int) -> list[dict]:
    """Each version staff can write, with how far it has got and whether residents see it."""
    chosen = content.chosen_offers(kind.kind, owner_id)
    rows = []
    for code, name in content.variants(kind):
        tally = content.counts(content.status(kind, owner_id, code))
        rows.append({"code": code, "name": content.shown_name(code), "dir": content.i18n.direction(code) if code != content.EASY_READ else "ltr",
                     "counts": tally, "complete": tally[content.MISSING] + tally[content.OUTDATED] == 0,
                     "chosen": code in chosen})
    return rows


def check_lengths(values: dict[str, str]) -> dict[str, str]:
    """Errors by text key for what is too long (nothing is saved while any is)."""
    return {key: _("The translation must be %(most)s characters or fewer (it has %(count)s)", most=f"{MAX_CHARS:,}",
                   count=f"{len(text):,}")
            for key, text in values.items() if len(text) > MAX_CHARS}
