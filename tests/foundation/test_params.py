"""Hostile input (issue 19): every query parameter is read by one parser, engage/core/params.py,
which takes plain ASCII digits only. ``str.isdigit()`` passes "⁰⁴⁵" and ``int()`` then fails it
(a 500), and ``int()`` quietly turns "٤٥" or "４５" into 45; neither may read what people send.

- the parser refuses every Unicode digit class;
- every public page and API list endpoint, sent those digits in every query parameter any view
  reads, answers in words (HTML 200/400/404, JSON errors under /api/), never a 500;
- no view reads ``request.args`` / ``request.values`` or calls ``isdigit()`` itself (AST check).
"""
from __future__ import annotations

import ast
import functools
import sys
import unicodedata
from pathlib import Path

import pytest

from engage.core import params

ENGAGE = Path(__file__).resolve().parents[2] / "engage"

# One sample of each kind of digit that is not 0-9: superscripts and subscripts, Arabic-Indic,
# extended Arabic-Indic (Persian), Devanagari, Bengali, Thai, fullwidth, mathematical bold,
# circled, fractions, Roman numerals, CJK numerals, and a mix with ASCII digits.
HOSTILE = {
    "superscript": "⁰⁴⁵", "subscript": "₂₀₂₆", "arabic-indic": "٢٠٢٦", "persian": "۲۰۲۶", "devanagari": "२०२६",
    "bengali": "২০২৬", "thai": "๒๕๖๙", "fullwidth": "２０２６", "maths-bold": "𝟐𝟎𝟐𝟔", "circled": "①②",
    "fraction": "½", "roman": "Ⅻ", "cjk": "二〇二六", "mixed": "20²6", "quoted": "'⁰⁴⁵'",
}
# Sent to every page: the kind ``isdigit()`` passes and ``int()`` fails, the kinds ``int()``
# reads as a number, and one that is not a digit at all for ``isdigit()``.
SENT = ("superscript", "arabic-indic", "fullwidth", "mixed", "roman")


def _every_non_ascii_digit() -> list[str]:
    """Every character Python counts as a digit or numeral that is not 0-9."""
    return [ch for ch in map(chr, range(sys.maxunicode + 1))
            if (ch.isdigit() or ch.isnumeric() or ch.isdecimal()) and not "0" <= ch <= "9"]


def test_the_parser_takes_plain_digits_only():
    characters = _every_non_ascii_digit()
    assert len(characters) > 1500  # all the Unicode digit classes, not a hand-picked few
    categories = {unicodedata.category(ch) for ch in characters}
    assert {"Nd", "No", "Nl"} <= categories
    for ch in characters:
        for text in (ch, "1" + ch, ch + "1", "20" + ch + "6", "2026-0" + ch + "-01"):
            assert params.to_id(text) is None, repr(text)
            assert params.to_int(text, -10**9, 10**9) is None, repr(text)
            assert params.to_year(text) is None, repr(text)
            assert params.to_date(text) is None, repr(text)
            assert params.to_month(text) is None, repr(text)
    # Plain digits still work, within their ranges.
    assert params.to_id("45") == 45 and params.to_id(" 12 ") == 12
    assert params.to_id("0") is None and params.to_id(str(2**31)) is None and params.to_id("-3") is None
    assert params.to_int("-3", -5, 5) == -3 and params.to_int("6", -5, 5) is None
    assert params.to_year("2026") == 2026 and params.to_year("1899") is None and params.to_year("-2026") is None
    assert params.to_date("2026-03-31").isoformat() == "2026-03-31" and params.to_date("2026-02-30") is None
    assert params.to_month("2026-11").isoformat() == "2026-11-01" and params.to_month("2026-13") is None


def test_a_query_notes_what_it_could_not_read():
    from werkzeug.datastructures import MultiDict

    for name, value in HOSTILE.items():
        q = params.Query(MultiDict([("year", value), ("page", value), ("area", value), ("from", value), ("on", value),
                                    ("month", value), ("ids", value), ("ids", "7")]))
        assert q.year("year") is None and q.page() == 1 and q.id("area") is None, name
        assert q.number("from", 0, 10) is None and q.date("on") is None and q.month("month") is None, name
        assert q.ids("ids") == [7], name
        assert len(q.problems) == 6, (name, q.problems)
    # Words lose control characters and keep to their length.
    q = params.Query({"q": " parks\x00 and\x1b play ", "long": "x" * 500})
    assert q.text("q") == "parks  and  play" and len(q.text("long", 50)) == 50
    assert params.Query({"year": "2026"}).year() == 2026


@functools.lru_cache(maxsize=None)
def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(), str(path))


def _parameter_names() -> set[str]:
    """Every query parameter name a view reads: the first argument of each ``Query`` getter."""
    getters = {"id", "ids", "text", "texts", "number", "year", "date", "month", "choice", "flag", "page", "given", "has",
               "raw", "_int_arg", "_int_param", "_str_args"}
    names = set()
    for path in ENGAGE.rglob("*.py"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called in getters and node.args[0].value.isidentifier():
                    names.add(node.args[0].value)
    return names


def _public_lists(app) -> list[str]:
    """Every GET address without parameters in the path (public pages, API lists, staff pages,
    which an anonymous visitor is sent away from), and one consultation and survey page."""
    from engage.consultations.models import Consultation
    from engage.extensions import db
    from engage.surveys.models import Survey

    paths = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static")})
    consultation = db.session.scalar(db.select(Consultation).where(Consultation.visibility == "public").limit(1))
    survey = db.session.scalar(db.select(Survey).limit(1))
    paths.append(f"/consultations/{consultation.id}")
    if survey is not None:
        paths += [f"/surveys/{survey.id}", f"/surveys/{survey.id}/done"]
    return paths


def test_no_page_answers_a_500_to_unicode_digits(seeded, client):
    # The two addresses in the issue.
    page = client.get("/you-said-we-did?year='⁰⁴⁵'")
    assert page.status_code == 200 and "<h1" in page.get_data(as_text=True)
    api = client.get("/api/v1/findings?year=⁰⁴⁵")
    assert api.status_code == 400
    assert api.get_json()["error"]["message"] == "“year” must be a year, like 2026."
    assert client.get("/api/v1/findings?year=٢٠٢٦").status_code == 400  # not read as 2026
    assert client.get("/api/v1/findings?year=2026").status_code == 200
    assert client.get("/api/v1/consultations?area=４５").get_json()["error"]["status"] == 400

    names = _parameter_names()
    assert {"year", "page", "area", "priority", "month", "from", "to", "per_page", "theme", "q"} <= names, names
    paths = _public_lists(seeded)
    assert "/you-said-we-did" in paths and "/api/v1/findings" in paths and len(paths) > 60
    failures = []
    for label in SENT:
        value = HOSTILE[label]
        query = "&".join(f"{name}={value}" for name in sorted(names))
        for path in paths:
            response = client.get(f"{path}?{query}")
            status = response.status_code
            if status >= 500:
                failures.append(f"{path} ({label}): {status}")
            elif path.startswith("/api/") and status >= 400:
                body = response.get_json(silent=True) or {}
                if not (body.get("error") or {}).get("message"):
                    failures.append(f"{path} ({label}): {status} without a JSON error message")
            elif status in (400, 404) and response.mimetype == "text/html":
                if "<h1" not in response.get_data(as_text=True):
                    failures.append(f"{path} ({label}): {status} without a page in words")
    assert failures == []


# ---- no view reads the query string itself -------------------------------------------------

ALLOWED = {ENGAGE / "core" / "params.py"}
# Words in a search index, never turned into numbers.
ISDIGIT_ALLOWED = {ENGAGE / "search" / "whoosh_backend.py", ENGAGE / "search" / "postgres_backend.py"}


def reads_of_the_query_string(root: Path = ENGAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if path in ALLOWED:
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in ("args", "values") \
                    and isinstance(node.value, ast.Name) and node.value.id == "request":
                found.append(f"{path.relative_to(root.parent)}:{node.lineno} reads request.{node.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("isdigit", "isdecimal", "isnumeric") and path not in ISDIGIT_ALLOWED:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno} calls {node.func.attr}()")
    return sorted(found)


def test_only_the_parser_reads_the_query_string():
    assert reads_of_the_query_string() == []


def test_the_check_finds_a_view_that_reads_the_query_string(tmp_path):
    (tmp_path / "engage").mkdir()
    (tmp_path / "engage" / "views.py").write_text(
        "from flask import request\n\ndef page():\n    year = request.args.get('year')\n"
        "    return int(year) if year.isdigit() else None\n")
    found = reads_of_the_query_string(tmp_path / "engage")
    assert found == ["engage/views.py:4 reads request.args", "engage/views.py:5 calls isdigit()"]
