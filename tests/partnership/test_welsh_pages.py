"""The postcode lookup page in Welsh for an officer who chose it (issue 23): counts as whole
sentences with plural forms, the load instructions with their link. Read in English, then in
Welsh: lang="cy", the Welsh text there and none of the English left."""
from __future__ import annotations

from tests.i18n_support import assert_pages_in_welsh


def test_the_postcode_lookup_page_is_in_welsh(seeded, client, login):
    login("officer")
    assert_pages_in_welsh(client, {"/admin/reference/postcodes?postcode=WA7+4EB": ("Llwytho ffeil codau post", [
        "Postcode lookup", "Residents know their postcode", "What the list holds", " postcodes in ", " places.",
        "Postcodes in each place", "Try a postcode", "Find the ward", "Load a postcode file", "Use the ONS postcode directory",
        "are left out, so a file", "of them are demo postcodes"])}, all_found=True)


def test_the_reference_data_pages_are_in_welsh(seeded, client, login):
    """The officers' reference data pages: the index of kinds, a kind's list, the add and
    change forms (with a priority's mapping, a partnership's members and an indicator's
    readings) and the delete question. Each kind's name and sentences come from the catalogue;
    the records' own names stay as staff wrote them."""
    from sqlalchemy import select

    from engage.extensions import db
    from engage.partnership.models import Area, Indicator, Partnership, Priority

    login("officer")
    priority = db.session.scalar(select(Priority.id).order_by(Priority.id))
    partnership = db.session.scalar(select(Partnership.id).order_by(Partnership.id))
    indicator = db.session.scalar(select(Indicator.id).order_by(Indicator.id))
    area = db.session.scalar(select(Area.id).where(Area.level == "borough").order_by(Area.id))
    assert_pages_in_welsh(client, {
        "/admin/reference": ("Data cyfeirio’r bartneriaeth", [
            "The partnership's reference data", "Everything that makes this site", ">Organisations<", ">Priority frameworks<",
            "Cross-cutting themes", "Councils, police, health", "Postcode lookup", "Which ward each postcode is in", ">Accounts<"]),
        "/admin/reference/organisations": ("Ychwanegu sefydliad", [
            "Add organisation", ">Organisations<", "Back to reference data", ">Name<", ">Kind<", ">Website<", ">Council<"]),
        "/admin/reference/areas": ("Coeden y lleoedd", [
            ">Areas<", "The tree of places", ">Level<", ">Inside<", ">Population<", ">Borough<"]),
        "/admin/reference/organisations/new": ("Ychwanegu sefydliad", [
            "Add organisation", "Back to organisations", "Kind of organisation", "Fire and rescue",
            "Voluntary or community group", "Optional. For example, https://www.example.org", "Save organisation"]),
        f"/admin/reference/priorities/{priority}": ("Beth ddaeth y flaenoriaeth hon", [
            "What this priority became", "Back to priorities", "Partnership that owns it", "Save priority", "Save mapping",
            ">Delete<"]),
        f"/admin/reference/partnerships/{partnership}": ("Aelodau a chydlynwyr", [
            "Members and coordinators", "Member organisations", "Coordinators", "Save members", "Kind of partnership",
            "Who may approve findings reports", "A partnership officer who did not write the report"]),
        f"/admin/reference/indicators/{indicator}": ("wedi’i gyfrifo o’r darlleniad diweddaraf", [
            "worked out from the latest reading", ">Readings<", "Date of the reading", "Add reading", "Which way is better?",
            "Higher is better", "Baseline value", "Save indicator"]),
        f"/admin/reference/areas/{area}/delete": ("Ni allwch ddileu", [
            "You cannot delete", " yet<", "Back to "]),
    }, all_found=True)
