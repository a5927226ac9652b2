"""Paging through lists: a page number from the query string that can never cause a 500."""
from __future__ import annotations

from flask import request

from ..extensions import db


def page_arg(name: str = "page") -> int:
    try:
        page = int(request.args.get(name, 1))
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), 10_000)


def paginate(select, per_page: int = 25):
    return db.paginate(select, page=page_arg(), per_page=per_page, error_out=False)
