"""Paging through lists: a page number from the query string that can never cause a 500."""
from __future__ import annotations

from .params import query
from ..extensions import db


def page_arg(name: str = "page") -> int:
    return query().page(name)


def paginate(select, per_page: int = 25, total: int | None = None):
    """A page of ``select``'s rows. ``total``: the number of rows, when the caller has just
    counted them another way (then no second count is run)."""
    page = db.paginate(select, page=page_arg(), per_page=per_page, error_out=False, count=total is None)
    if total is not None:
        page.total = total
    return page
