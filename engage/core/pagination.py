"""Paging through lists: a page number from the query string that can never cause a 500."""
from __future__ import annotations

from .params import query
from ..extensions import db


def page_arg(name: str = "page") -> int:
    return query().page(name)


def paginate(select, per_page: int = 25):
    return db.paginate(select, page=page_arg(), per_page=per_page, error_out=False)
