"""The suite's shortcut for making an app (tests/conftest.py ``reuse_url_builders``): every
address of the site builds exactly as Werkzeug's own compiled function builds it, for every
rule of an app made after others, with and without extra query values."""
from __future__ import annotations

from werkzeug.routing.rules import Rule

from tests.conftest import make_app


def _values(rule) -> dict:
    """A value for each of the rule's arguments that its converter accepts."""
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__ if name in rule._converters else ""
        values[name] = 7 if "Integer" in converter or "Number" in converter else f"a b/{name}"
    return values


def test_every_rule_builds_as_werkzeug_builds_it(app, tmp_path):
    assert getattr(Rule, "_engage_reused", False), "the suite is not reusing URL builders"
    later = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "later")
    rules = list(later.url_map.iter_rules())
    assert len(rules) > 200
    compared = 0
    for rule in rules:
        values = _values(rule)
        for append_unknown in (False, True):
            own = Rule._engage_compile_builder(rule, append_unknown).__get__(rule, None)
            reused = (rule._build_unknown if append_unknown else rule._build)
            extra = {"page": 2, "q": "x&y"} if append_unknown else {}
            try:
                expected = own(**values, **extra)
            except Exception as error:  # a value its converter refuses: both must refuse it
                expected = type(error)
            try:
                got = reused(**values, **extra)
            except Exception as error:
                got = type(error)
            assert got == expected, (rule.rule, append_unknown, got, expected)
            compared += 1
    assert compared == 2 * len(rules)


def test_rules_with_the_same_parts_share_one_builder(app, tmp_path):
    later = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "later")
    first = {r.endpoint: r for r in app.url_map.iter_rules()}
    again = {r.endpoint: r for r in later.url_map.iter_rules()}
    shared = [e for e in first if e in again and first[e]._build.__func__ is again[e]._build.__func__]
    assert len(shared) > 200
