"""Every page a resident can reach by following links passes axe-core, has one h1 and fits a
320 px screen (the sweep: tests/browser/sweep_support.py). A partnership officer's sweep, the
longest test of the suite, is tests/browser/test_every_page_as_officer.py: a file of its own,
so that the two run side by side on the two test workers."""
from __future__ import annotations

import pytest

from tests.browser.sweep_support import NOT_FOUND, sweep_as

pytestmark = pytest.mark.browser


def test_every_page_a_resident_can_reach_is_accessible_and_fits_a_phone(_browser, live_server, live_app):
    swept = sweep_as(_browser, live_server, live_app, None,
                      ["/", "/have-your-say", "/you-said-we-did", "/toolkit", "/consultations", "/strategy",
                       "/how-we-work-out-the-numbers", NOT_FOUND])
    assert swept.short_of(None, least=70) == []
    assert swept.problems == {}, swept.problems
