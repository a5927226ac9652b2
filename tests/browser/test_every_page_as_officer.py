"""Every page a partnership officer (who sees every staff page) can reach by following links
passes axe-core, has one h1 and fits a 320 px screen (the sweep: tests/browser/sweep_support.py;
a resident's sweep is tests/browser/test_every_page.py)."""
from __future__ import annotations

import pytest

from tests.browser.sweep_support import NOT_FOUND, sweep_as

pytestmark = pytest.mark.browser


def test_every_page_an_officer_can_reach_is_accessible_and_fits_a_phone(_browser, live_server, live_app):
    swept = sweep_as(_browser, live_server, live_app, "officer",
                      ["/account", "/findings/manage", "/findings/dashboard", "/admin/reference", "/admin/search",
                       "/consultations/new", "/strategy/plan", NOT_FOUND])
    assert swept.short_of("officer", least=180) == []
    assert swept.problems == {}, swept.problems
