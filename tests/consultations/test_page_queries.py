"""Query budgets for the consultation list (bench/pages.py, issue 21): the page loads each
card's organisation and places with the list, so it runs the same number of SQL statements
for 3 consultations as for 20 (a full page). Before, each card cost two more queries."""
from __future__ import annotations

from datetime import date, timedelta

from engage.extensions import db
from tests.query_support import statements
from tests.consultations.records_support import ref  # noqa: F401  (fixture)


def add_consultations(org_id, area_ids, how_many: int, start: int = 0) -> None:
    from engage.consultations.models import Consultation
    from engage.partnership.models import Area

    areas = [db.session.get(Area, i) for i in area_ids]

    today = date.today()
    for n in range(start, start + how_many):
        c = Consultation(title=f"Consultation number {n}", summary="What people think.", lead_organisation_id=org_id,
                         planned_start=today - timedelta(days=3), planned_close=today + timedelta(days=20),
                         visibility="public")
        c.areas = list(areas)
        db.session.add(c)
    db.session.commit()


def places():
    from engage.partnership.models import Area

    borough = Area(name="Testborough", level="borough")
    db.session.add(borough)
    db.session.flush()
    wards = [Area(name=name, level="ward", parent_id=borough.id) for name in ("Castle", "Mill")]
    db.session.add_all(wards)
    db.session.commit()
    return [w.id for w in wards]


def test_the_consultation_list_runs_the_same_queries_for_3_or_20_consultations(app, client, org):
    wards, org_id, org_name = places(), org.id, org.name
    add_consultations(org_id, wards, 3)
    few, reply = statements(client, "/consultations")
    assert reply.get_data(as_text=True).count("Castle, Mill") == 3  # each card shows its places
    add_consultations(org_id, wards, 17, start=3)
    many, reply = statements(client, "/consultations")
    page = reply.get_data(as_text=True)
    assert page.count("Castle, Mill") == 20 and page.count(org_name) >= 20
    assert many == few, f"{few} statements for 3 consultations, {many} for 20: a query per card"
    # The status counts count the list when no status is ticked (no second count), and the
    # topic filter reads frameworks with their priorities: 9 statements on the demo before.
    # Then the organisation joined to each consultation (its own statement before): 6.
    assert many <= 6, f"{many} statements for the consultation list"
    assert "20 consultations</h2>" in page and "Open (20)" in page
    # Read with the list on every load: a renamed organisation shows on every card at once.
    from engage.partnership.models import Organisation

    db.session.get(Organisation, org_id).name = "Renamed Borough Council"
    db.session.commit()
    page = client.get("/consultations").get_data(as_text=True)
    assert page.count("Renamed Borough Council") == 20 and org_name not in page


def test_the_list_counts_what_it_shows_with_and_without_a_status_ticked(app, client, org):
    """Without a status ticked the list's total is the status counts' sum; with one, the list
    is counted on its own."""
    from engage.consultations.models import Consultation

    wards = places()
    add_consultations(org.id, wards, 3)
    planned = Consultation(title="Planned later", summary="Soon.", lead_organisation_id=org.id, visibility="public",
                           planned_start=date.today() + timedelta(days=30))
    db.session.add(planned)
    db.session.commit()
    every = client.get("/consultations").get_data(as_text=True)
    assert "4 consultations</h2>" in every and "Open (3)" in every and "Planned (1)" in every
    ticked = client.get("/consultations?status=planned").get_data(as_text=True)
    assert "1 consultation</h2>" in ticked and "Planned later" in ticked and "Consultation number 0" not in ticked
    assert "Open (3)" in ticked


def test_search_names_its_priority_facets_in_one_query_however_many_frameworks(app, client, users, ref):
    """The priority facet says each priority with its framework ("A Safer Borough (Strategy
    2006)"): the frameworks' names are read with the priorities, not one query for each
    framework (bench/pages.py's consultation search: 7 -> 5 statements on the demo)."""
    from datetime import date as day

    from engage.partnership.models import Framework, Priority
    from tests.consultations.records_support import log

    practitioner_id = users["practitioner"].id
    log(users["practitioner"], title="Litter picking in the park", priority_ids=[ref["old"].id])
    few, reply = statements(client, "/consultations/search?q=litter")
    assert "Safe neighbourhoods (Strategy 2005)" in reply.get_data(as_text=True)

    from engage.accounts.models import User

    for year in (2007, 2008, 2009):
        framework = Framework(name=f"Strategy {year}", starts_on=day(year, 4, 1))
        db.session.add(framework)
        db.session.flush()
        priority = Priority(framework_id=framework.id, name=f"Clean streets {year}", position=1)
        db.session.add(priority)
        db.session.commit()
        log(db.session.get(User, practitioner_id), title=f"Litter survey of {year}", priority_ids=[priority.id])
    many, reply = statements(client, "/consultations/search?q=litter")
    page = reply.get_data(as_text=True)
    assert all(f"Clean streets {year} (Strategy {year})" in page for year in (2007, 2008, 2009))
    assert many == few, f"{few} statements with one framework in the facets, {many} with four: a query per framework"


def test_search_names_its_facets_in_one_statement_and_shows_a_rename_at_once(app, client, users, ref):  # noqa: F811
    """The organisations, partnerships, areas, priorities (with their framework) and outcomes
    the facets name are read in one statement (engage/consultations/facets.py; one a kind
    before): each as it is now, so a rename shows on the next search."""
    from engage.partnership.models import Organisation, Outcome, Priority
    from tests.consultations.records_support import log

    log(users["practitioner"], title="Parks survey", partnership_ids=[ref["partnership"].id], priority_ids=[ref["new"].id],
        outcome_ids=[ref["outcome"].id], area_ids=[ref["castle"].id], methods=["online-survey"])
    log(ref["other_user"], title="Library parks survey", priority_ids=[ref["old"].id], area_ids=[ref["mill"].id])
    org_id, outcome_id, priority_id = ref["org"].id, ref["outcome"].id, ref["new"].id
    org_name, other_name = ref["org"].name, ref["other_org"].name
    practitioner_id = users["practitioner"].id
    seen: list[str] = []
    count, reply = statements(client, "/consultations/search?q=parks", seen)
    page = reply.get_data(as_text=True)
    for label in (f"{org_name} (1)", f"{other_name} (1)",
                  "Safer Borough Partnership (1)", "A Safer Borough (Strategy 2006) (", "Safe neighbourhoods (Strategy 2005) (1)",
                  "SB1 Cleaner streets (1)", "Castle (1)", "Mill (1)", "Online survey (1)"):
        assert label in page, label
    # The facet names in one statement (five before), whichever search backend.
    import re

    naming = [text for text in seen if re.search(r"\bFROM (organisation|partnership|area|priority|outcome)\b", text)]
    assert len(naming) == 1, naming
    assert count <= (2 if db.engine.dialect.name == "sqlite" else 5), f"{count} statements for a search"

    db.session.get(Organisation, org_id).name = "Renamed Council"
    db.session.get(Outcome, outcome_id).title = "Spotless streets"
    db.session.get(Priority, priority_id).name = "A Safest Borough"
    db.session.commit()
    page = client.get("/consultations/search?q=parks").get_data(as_text=True)
    assert "Renamed Council (1)" in page and "SB1 Spotless streets (1)" in page and "A Safest Borough (Strategy 2006)" in page
    assert "Cleaner streets" not in page
    # Only organisations to name (a single select, no union).
    from engage.accounts.models import User

    log(db.session.get(User, practitioner_id), title="Zebra crossing survey")
    page = client.get("/consultations/search?q=zebra").get_data(as_text=True)
    assert "Renamed Council (1)" in page


def test_the_filter_lists_read_as_they_are_now_though_their_statements_are_built_once(app, client, ref):  # noqa: F811
    """The filter lists' statements are built once per process (engage/core/statements.py);
    what they return is read each time: a new framework's priority and theme, a renamed
    partnership and a new area show on the next load of /consultations and 'You said, we did'."""
    from datetime import date

    from engage.partnership.models import Area, Framework, Partnership, Priority, Theme

    for path in ("/consultations", "/you-said-we-did"):
        client.get(path)
    newest = Framework(name="Strategy 2030", starts_on=date(2030, 4, 1))
    db.session.add(newest)
    db.session.flush()
    db.session.add_all([Priority(framework_id=newest.id, name="A Greener Borough", position=1),
                        Theme(framework_id=newest.id, name="Climate", position=1),
                        Area(name="Brand New Ward", level="ward", parent_id=ref["borough"].id)])
    db.session.get(Partnership, ref["partnership"].id).name = "Renamed Safer Partnership"
    db.session.commit()
    finder = client.get("/consultations").get_data(as_text=True)
    assert 'label="Strategy 2030"' in finder and ">A Greener Borough</option>" in finder and "Climate (Strategy 2030)" in finder
    assert "Brand New Ward</option>" in finder
    listing = client.get("/you-said-we-did").get_data(as_text=True)
    assert ">A Greener Borough</option>" in listing and ">A Safer Borough</option>" not in listing   # the current framework's only
    assert ">Renamed Safer Partnership</option>" in listing and "Brand New Ward</option>" in listing
