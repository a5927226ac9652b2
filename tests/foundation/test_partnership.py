"""The partnership model's rules: indicator status, area tree, priority succession, and the
officers' pages for reference data."""
from datetime import date

import pytest

from engage.core.models import AuditEvent
from engage.extensions import db
from engage.partnership import services
from engage.partnership.models import Area, Framework, Indicator, IndicatorReading, Organisation, Outcome, Priority


def _indicator(direction="higher", monitoring=None, readings=()):
    fw = Framework(name="FW", starts_on=date(2006, 4, 1))
    pr = Priority(framework=fw, name="P", position=1)
    out = Outcome(priority=pr, code="O1", title="Outcome")
    ind = Indicator(outcome=out, name="I", direction=direction, baseline_value=50, baseline_date=date(2006, 1, 1),
                    target_value=70 if direction == "higher" else 30, target_date=date(2010, 1, 1), monitoring_level=monitoring)
    for taken_on, value in readings:
        ind.readings.append(IndicatorReading(taken_on=taken_on, value=value))
    db.session.add(fw)
    db.session.flush()
    return ind


@pytest.mark.parametrize("direction,monitoring,value,expected", [
    ("higher", 45, 61, "on-track"),    # expected 60 at the midpoint
    ("higher", 45, 55, "at-risk"),     # behind the line, above the monitoring level
    ("higher", 45, 40, "off-track"),   # worse than the monitoring level
    ("lower", 55, 39, "on-track"),     # expected 40 at the midpoint
    ("lower", 55, 45, "at-risk"),
    ("lower", 55, 60, "off-track"),
])
def test_indicator_status_is_computed(app, direction, monitoring, value, expected):
    ind = _indicator(direction, monitoring, [(date(2008, 1, 1), value)])
    assert ind.status == expected


def test_indicator_without_readings_has_no_status(app):
    assert _indicator().status == "no-data"


def test_status_follows_the_latest_reading(app):
    ind = _indicator("higher", 45, [(date(2007, 1, 1), 40), (date(2008, 1, 1), 65)])
    assert ind.status == "on-track"


def _tree():
    borough = Area(name="Borough", level="borough")
    town = Area(name="Runcorn", level="town", parent=borough)
    other = Area(name="Widnes", level="town", parent=borough)
    ward = Area(name="Castlefields", level="ward", parent=town, priority_ward=True)
    hood = Area(name="Village", level="neighbourhood", parent=ward)
    db.session.add_all([borough, town, other, ward, hood])
    db.session.flush()
    return borough, town, other, ward, hood


def test_area_subtree_includes_everything_inside(app):
    borough, town, other, ward, hood = _tree()
    assert services.area_subtree_ids(town.id) == {town.id, ward.id, hood.id}
    assert services.area_subtree_ids(borough.id) == {borough.id, town.id, other.id, ward.id, hood.id}
    assert services.area_subtree_ids([]) == set()
    assert [a.name for a in hood.ancestors] == ["Castlefields", "Runcorn", "Borough"]


def test_priority_lineage_goes_back_through_frameworks(app):
    f1 = Framework(name="2005", starts_on=date(2005, 4, 1))
    f2 = Framework(name="2006", starts_on=date(2006, 4, 1))
    f3 = Framework(name="2009", starts_on=date(2009, 4, 1))
    old = Priority(framework=f1, name="Safe and attractive neighbourhoods")
    mid = Priority(framework=f2, name="A Safer Halton")
    new = Priority(framework=f3, name="Safer communities")
    unrelated = Priority(framework=f2, name="A Healthy Halton")
    old.successors = [mid]
    mid.successors = [new]
    db.session.add_all([f1, f2, f3, old, mid, new, unrelated])
    db.session.flush()
    assert services.priority_lineage_ids(new.id) == {new.id, mid.id, old.id}
    assert services.priority_lineage_ids(mid.id) == {mid.id, old.id}
    assert services.priority_lineage_ids(unrelated.id) == {unrelated.id}


def test_succession_must_point_to_a_later_framework(app, users):
    f1 = Framework(name="2005", starts_on=date(2005, 4, 1))
    f2 = Framework(name="2006", starts_on=date(2006, 4, 1))
    a, b = Priority(framework=f1, name="A"), Priority(framework=f1, name="B")
    c = Priority(framework=f2, name="C")
    db.session.add_all([f1, f2, a, b, c])
    db.session.flush()
    with pytest.raises(services.RuleError):
        services.set_successors(users["officer"], a, [b.id])
    with pytest.raises(services.RuleError):
        services.set_successors(users["officer"], c, [a.id])
    services.set_successors(users["officer"], a, [c.id])
    assert a.successors == [c] and c.predecessors == [a]


@pytest.mark.parametrize("level,parent,priority,message", [
    ("town", "Castlefields", False, "cannot sit inside"),
    ("ward", "Castlefields", False, "cannot sit inside"),
    ("town", "Runcorn", True, "Only wards can be priority wards"),
])
def test_area_rules(login, client, app, level, parent, priority, message):
    _tree()
    db.session.commit()
    login("officer")
    parent_id = db.session.scalar(db.select(Area.id).where(Area.name == parent))
    before = Area.query.count()
    data = {"name": "New place", "level": level, "parent_id": str(parent_id)}
    if priority:
        data["priority_ward"] = "y"
    response = client.post("/admin/reference/areas/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert Area.query.count() == before


def test_area_cannot_move_inside_itself(login, client, app):
    borough, town, other, ward, hood = _tree()
    db.session.commit()
    login("officer")
    response = client.post(f"/admin/reference/areas/{town.id}", data={"name": "Runcorn", "level": "town", "parent_id": str(hood.id), "version": str(town.version)})
    assert response.status_code == 400
    db.session.refresh(town)
    assert town.parent_id == borough.id


def test_officer_adds_and_edits_an_organisation_with_audit(login, client, app):
    login("officer")
    response = client.post("/admin/reference/organisations/new", data={"name": "  Riverside Tenants  ", "kind": "vcs", "website": "https://tenants.example.org"})
    assert response.status_code == 302
    org = db.session.scalar(db.select(Organisation).where(Organisation.name == "Riverside Tenants"))
    assert org is not None and org.kind == "vcs"
    client.post(f"/admin/reference/organisations/{org.id}", data={"name": "Riverside Tenants Association", "kind": "vcs", "website": "",
                                                                  "version": str(org.version)})
    db.session.refresh(org)
    assert org.name == "Riverside Tenants Association"
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.object_type == "Organisation", AuditEvent.object_id == org.id)).all()
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes["name"] == ["Riverside Tenants", "Riverside Tenants Association"]
    assert "Riverside Tenants Association" in client.get(f"/admin/reference/organisations/{org.id}").get_data(as_text=True)


@pytest.mark.parametrize("data,message", [
    ({"name": "", "kind": "council"}, "Enter the name"),
    ({"name": "X" * 201, "kind": "council"}, "200 characters or fewer"),
    ({"name": "X", "kind": "spaceship"}, "Not a valid choice"),
    ({"name": "X", "kind": "council", "website": "javascript:alert(1)"}, "Enter a web address"),
    ({"name": "Test Borough Council", "kind": "council"}, "already exists"),
])
def test_organisation_bad_input_saves_nothing(login, client, org, data, message):
    login("officer")
    before = Organisation.query.count()
    response = client.post("/admin/reference/organisations/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert Organisation.query.count() == before


def test_framework_dates_and_tampered_values(login, client, app):
    login("officer")
    response = client.post("/admin/reference/frameworks/new", data={"name": "F", "starts_on": ["1", "4", "2006"], "ends_on": ["1", "4", "2005"]})
    assert response.status_code == 400 and "end date must be the same as or after" in response.get_data(as_text=True)
    response = client.post("/admin/reference/frameworks/new", data={"name": "F", "starts_on": ["31", "2", "2006"]})
    assert response.status_code == 400 and "must be a real date" in response.get_data(as_text=True)
    response = client.post("/admin/reference/frameworks/new", data={"name": "F", "starts_on": ["1"]})
    assert response.status_code == 400
    assert Framework.query.count() == 0
    response = client.post("/admin/reference/frameworks/new", data={"name": "F", "starts_on": ["1", "4", "2006"]})
    assert response.status_code == 302 and Framework.query.count() == 1


def test_indicator_reading_bad_number(login, client, app):
    ind = _indicator()
    db.session.commit()
    login("officer")
    response = client.post(f"/admin/reference/indicators/{ind.id}/readings", data={"taken_on": ["1", "1", "2008"], "value": "lots"})
    assert response.status_code == 400 and "Value must be a number" in response.get_data(as_text=True)
    response = client.post(f"/admin/reference/indicators/{ind.id}/readings", data={"taken_on": ["1", "1", "2008"], "value": "61.5"})
    assert response.status_code == 302
    db.session.refresh(ind)
    assert [r.value for r in ind.readings] == [61.5]


def test_unknown_ids_are_404(login, client, app):
    login("officer")
    for path in ("/admin/reference/areas/99999", "/admin/reference/nothing", "/strategy/indicators/99999",
                 "/admin/reference/organisations/99999/delete"):
        assert client.get(path).status_code == 404, path


def test_delete_refuses_area_with_children(login, client, app):
    borough, *_ = _tree()
    db.session.commit()
    login("officer")
    response = client.post(f"/admin/reference/areas/{borough.id}/delete")
    # The one delete rule (engage/core/deletion.py): refused, naming what is inside it.
    assert response.status_code == 409 and "2 areas inside it (Runcorn, Widnes)" in response.get_data(as_text=True)
    assert db.session.get(Area, borough.id) is not None


@pytest.mark.parametrize("name", ["organisations", "partnerships", "frameworks", "priorities", "themes",
                                  "outcomes", "indicators", "areas"])
def test_every_error_summary_link_reaches_its_field(login, client, app, name):
    """Each link in the error summary must move focus to a real element, radios included."""
    import re

    login("officer")
    html = client.post(f"/admin/reference/{name}/new", data={"name": "", "kind": "nonsense", "level": "nonsense"}).get_data(as_text=True)
    assert "There is a problem" in html
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors, name
    for anchor in anchors:
        assert f'id="{anchor}"' in html, f"{name}: the summary links to #{anchor}, which is not on the page"
