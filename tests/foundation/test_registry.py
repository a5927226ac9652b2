"""Extension points: a capability adds to another's page, and hands over contacts, without imports."""
from markupsafe import Markup

from engage.core.registry import ContactSource, LinkKind, contacts, links, panels
from tests.consultations.records_support import log, ref  # noqa: F401 (fixture)


def test_panel_registered_for_a_place_appears_on_the_page(app, client, users, ref):  # noqa: F811
    c = log(users["practitioner"], title="Parks survey", visibility="public")
    panels.register("consultation.page", lambda obj, user: Markup(f"<p id='extra'>Extra for {obj.id}</p>"), app)
    panels.register("consultation.page", lambda obj, user: None, app)
    page = client.get(f"/consultations/{c.id}")
    assert page.status_code == 200
    assert f"<p id='extra'>Extra for {c.id}</p>" in page.get_data(as_text=True)


def test_contacts_and_links_go_through_their_sources(app):
    kept = {7: {"a": "one@example.org", "b": "two@example.org"}}
    contacts.register(ContactSource("test", lambda cid: sorted(kept.get(cid, {}).items()),
                                    lambda cid, keys: sum(kept[cid].pop(k, None) is not None for k in keys)), app)
    found = contacts.addresses(7)
    assert found == [("test", "a", "one@example.org"), ("test", "b", "two@example.org")]
    assert contacts.forget(7, found[:1]) == 1
    assert contacts.addresses(7) == [("test", "b", "two@example.org")]
    links.register(LinkKind("thing", "Thing", lambda user: [(1, "One")], lambda tid, user: ("One", "/one") if tid == 1 else None), app)
    assert links.resolve("thing", 1) == ("One", "/one")
    assert links.resolve("thing", 2) is None
    assert links.resolve("nothing", 1) is None
