"""A consultation's "Take part" link to one of Engage's own surveys is built per request from
the survey record, so it works wherever the site is served (another host, another port);
a stored address is only for outside sites (issue 19, "Demo links that work anywhere")."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import Survey
from tests.surveys.survey_support import consultation, places, survey  # noqa: F401

ELSEWHERE = "http://127.0.0.1:8765"   # not the configured public address (http://localhost)


def take_part_links(html: str) -> dict[str, str]:
    """{"Take part now" or "Take part online": href} on a page."""
    return {m.group(2): m.group(1) for m in re.finditer(r'<a [^>]*href="([^"]*)"[^>]*>(Take part (?:now|online))', html)}


def test_the_demo_take_part_links_lead_to_the_survey_on_the_site_being_served(seeded, client):
    demo = db.session.scalar(select(Survey).where(Survey.is_demo.is_(True)).order_by(Survey.id))
    assert demo.state == "open"
    consultation_page = client.get(f"/consultations/{demo.consultation_id}", base_url=ELSEWHERE).get_data(as_text=True)
    have_your_say = client.get("/have-your-say", base_url=ELSEWHERE).get_data(as_text=True)
    # Relative to whatever site the page came from: a browser on 127.0.0.1:8765 stays there.
    assert take_part_links(consultation_page) == {"Take part now": f"/surveys/{demo.id}"}
    assert take_part_links(have_your_say)["Take part online"] == f"/surveys/{demo.id}"
    assert "localhost:5000" not in consultation_page + have_your_say
    # The link opens the survey itself on that site.
    start = client.get(f"/surveys/{demo.id}", base_url=ELSEWHERE)
    assert start.status_code == 200 and demo.title in start.get_data(as_text=True)
    # Nothing stored: the demo loader keeps no address of its own survey.
    assert demo.consultation.take_part_url == ""
    # Where a full address is needed (the API), it is the configured public address's.
    client.application.config["ENGAGE_PUBLIC_URL"] = "https://engage.example.org"
    detail = client.get(f"/api/v1/consultations/{demo.consultation_id}", base_url=ELSEWHERE).get_json()
    assert detail["take_part_url"] == f"https://engage.example.org/surveys/{demo.id}"


def test_an_outside_address_is_used_only_when_no_survey_of_its_own_is_open(client, consultation, survey):
    consultation.take_part_url = "https://forms.example.net/parks"
    db.session.commit()
    # An open survey of its own comes first.
    assert take_part_links(client.get(f"/consultations/{consultation.id}").get_data(as_text=True)) == {
        "Take part now": f"/surveys/{survey.id}"}
    # No survey open: the outside site it names, as stored.
    db.session.delete(survey)
    db.session.commit()
    assert take_part_links(client.get(f"/consultations/{consultation.id}").get_data(as_text=True)) == {
        "Take part now": "https://forms.example.net/parks"}
    assert take_part_links(client.get("/have-your-say").get_data(as_text=True)) == {
        "Take part online": "https://forms.example.net/parks"}


def test_the_migration_clears_stored_addresses_of_own_surveys_only(app, consultation, survey):
    from engage.consultations.models import Consultation

    other = Consultation(title="Bus routes", summary="Buses.", lead_organisation_id=consultation.lead_organisation_id,
                         visibility="public", take_part_url=f"https://forms.example.net/surveys/{survey.id}")
    db.session.add(other)
    consultation.take_part_url = f"http://localhost:5000/surveys/{survey.id}"
    db.session.commit()
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0028_take_part_not_stored.py"
    spec = importlib.util.spec_from_file_location("take_part_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        migration.upgrade()
    db.session.expire_all()
    assert consultation.take_part_url == ""
    # Another consultation's outside address that happens to end the same way stays.
    assert other.take_part_url == f"https://forms.example.net/surveys/{survey.id}"
