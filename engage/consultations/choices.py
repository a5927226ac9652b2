"""The choices a consultation's form offers (audiences, channels, toolkit methods) and the
labels they are shown with. Which organisations a person may log for is a rule:
``services.lead_organisation_choices``."""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .models import AUDIENCES


_METHOD_CACHE: dict[str, tuple[float, list[tuple[str, str]]]] = {}


def _toolkit_methods(session=None) -> list[tuple[str, str]] | None:
    """Methods from the toolkit's table when it exists and holds any; else None."""
    try:
        from sqlalchemy import inspect as sa_inspect

        from ..toolkit.models import ToolkitEntry
    except ImportError:
        return None
    cache = current_app.extensions.setdefault("engage_consultations", {})
    if "toolkit_table" not in cache:
        try:
            cache["toolkit_table"] = sa_inspect(db.engine).has_table(ToolkitEntry.__tablename__)
        except Exception:
            cache["toolkit_table"] = False
    if not cache["toolkit_table"]:
        return None
    rows = (session or db.session).execute(select(ToolkitEntry.slug, ToolkitEntry.title).where(ToolkitEntry.kind == "method").order_by(ToolkitEntry.title)).all()
    return [(slug, title) for slug, title in rows] or None


def _file_methods() -> list[tuple[str, str]]:
    folder = Path(current_app.config.get("ENGAGE_TOOLKIT_DIR", "")) / "methods"
    if not folder.is_dir():
        return []
    stamp = max((p.stat().st_mtime for p in folder.glob("*.md")), default=0.0)
    cached = _METHOD_CACHE.get(str(folder))
    if cached and cached[0] == stamp:
        return cached[1]
    out = []
    for path in sorted(folder.glob("*.md")):
        title = path.stem.replace("-", " ").capitalize()
        try:
            with path.open(encoding="utf-8") as handle:
                head = handle.read(2000)
            match = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", head, re.MULTILINE)
            if match:
                title = match.group(1)
        except OSError:
            pass
        out.append((path.stem, title))
    out.sort(key=lambda item: item[1].lower())
    _METHOD_CACHE[str(folder)] = (stamp, out)
    return out


def method_choices(session=None) -> list[tuple[str, str]]:
    """Toolkit methods as (slug, title): from the toolkit's table once it is loaded, otherwise
    from the toolkit's Markdown files (the same slugs). ``session``: when called while
    building search documents, the session those objects belong to."""
    return _toolkit_methods(session) or _file_methods()


def method_label(slug: str, session=None) -> str:
    return dict(method_choices(session)).get(slug, slug.replace("-", " ").capitalize())


def audience_label(value: str) -> str:
    return AUDIENCES.get(value, value)
