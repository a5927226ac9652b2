"""The risk register in Welsh for partners who chose it (issue 23): the register with its heat
map and scales, a risk and the risk form. Each page is read in English, then in Welsh: lang="cy",
the Welsh text there and none of the English left (the scale's words and bands included)."""
from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from engage.risks.models import Risk
from tests.i18n_support import assert_pages_in_welsh


def test_the_risk_register_pages_are_in_welsh(seeded, client, login):
    login("officer")
    risk = db.session.scalar(select(Risk.id).order_by(Risk.id))
    assert_pages_in_welsh(client, {
        "/risks/": ("Cofrestr risgiau strategol", [
            "Strategic risk register", "The risks that could stop the partnership", "All risks", "Heat map",
            "How many open risks sit", " in all (", "Almost certain", ">Likelihood<", ">Impact<",
            "How risks are scored", "Keep an eye on it", "Risks, highest first", "Next review", "Show closed risks too"]),
        f"/risks/{risk}": ("Beth mae’n ei fygwth", [
            "Back to the register", " risk<", "out of 25", ">Owner<", ">Likelihood<", ">Controls<",
            "What it threatens", "Close the risk", "Kept in the history"]),
        "/risks/new": ("Ychwanegu risg", ["Add a risk", "How risks are scored", "Likelihood and impact"]),
    }, all_found=True)
