"""Messages made in Python for a person, read in Welsh (issue 23): "too many attempts" (each
kind of attempt, with when to try again) and what is wrong with an uploaded file."""
from __future__ import annotations

import time

import pytest

from engage.core import uploads
from engage.core.errors import RuleError
from engage.core.limits import Breach


class _Reading:
    """A request read in ``language`` (Flask-Babel keeps the locale it worked out on ``g``,
    which the tests' app context outlives, so it is worked out afresh)."""

    def __init__(self, app, language):
        self.context = app.test_request_context("/", headers={"Cookie": f"engage_lang={language}"})

    def __enter__(self):
        from flask_babel import refresh

        self.context.__enter__()
        refresh()

    def __exit__(self, *exc):
        from flask_babel import refresh

        refresh()
        return self.context.__exit__(*exc)


def _welsh(app):
    return _Reading(app, "cy")


def test_too_many_attempts_in_welsh_and_in_english(app):
    soon, later = Breach(time.time() + 5 * 60), Breach(time.time() + 3 * 3600)
    with _Reading(app, "en"):
        assert soon.said("sign-in") == ("You have tried to sign in too many times in a short time. "
                                        "What you wrote is still here: try again in 5 minutes.")
        assert later.message.endswith("try again in about 3 hours.")
    with _welsh(app):
        said = soon.said("sign-in")
        assert said == ("Rydych chi wedi ceisio mewngofnodi ormod o weithiau mewn amser byr. "
                        "Mae’r hyn a ysgrifennoch chi yma o hyd: rhowch gynnig arall arni mewn 5 munud.")
        for action in ("form", "link", "codes"):
            assert "ormod o weithiau" in soon.said(action) and "too many" not in soon.said(action)


@pytest.mark.parametrize("name, data, welsh", [
    ("empty.pdf", b"", "Mae’r ffeil a ddewiswyd yn wag"),
    ("notes.txt", b"hello", "Rhaid i’r ffeil a ddewiswyd fod yn ffeil PDF"),
    ("notes.pdf", bytes(range(256)), "Nid yw’r ffeil a ddewiswyd yn ffeil PDF"),
])
def test_what_is_wrong_with_a_file_in_welsh(app, name, data, welsh):
    with _welsh(app), pytest.raises(RuleError) as refused:
        uploads.check_file(name, data)
    assert str(refused.value).startswith(welsh) and "The selected file" not in str(refused.value)


def test_a_clock_change_is_explained_in_welsh(app):
    from datetime import date, time as clock_time

    from engage.core import clock

    with _welsh(app):
        said = clock.describe_gap(date(2027, 3, 28), clock_time(1, 30))
    assert said.startswith("Mae’r clociau’n mynd ymlaen ar 28 Mawrth 2027") and "02:30" in said and "clocks" not in said
