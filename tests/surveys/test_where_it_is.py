"""The survey's build page shows where it is in its lifecycle with the shared workflow panel
(engage/core/workflows.py): its state, what happens next and who does it, in words."""
from __future__ import annotations

from tests.surveys.survey_support import consultation, places, survey  # noqa: F401  (fixtures)


def test_an_open_survey_says_it_closes_by_itself(client, login, survey):
    login("officer")
    page = client.get(f"/surveys/{survey.id}/build").get_data(as_text=True)
    panel = page.split('id="next-steps"')[1].split("</section>")[0]
    assert "Survey status: <strong" in panel and ">Open</strong>" in panel
    assert "Closes" in panel and "Happens by itself." in panel and "stops taking answers" in panel
