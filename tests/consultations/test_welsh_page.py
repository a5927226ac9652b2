"""The demo consultation page and "Have your say" read wholly in Welsh (issue 23): the page's
own words from the catalogue, the staff's words through their Welsh translation, and no
notice that parts are in English."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engage.consultations.models import Consultation
from flask import g

from engage.core import i18n
from engage.extensions import db
from tests.i18n_support import untranslated_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOTICE = "engage-untranslated"


def _demo(title_start="Cleaner streets and parks survey "):
    return db.session.scalar(select(Consultation).where(Consultation.title.like(title_start + "%"),
                                                        Consultation.is_demo.is_(True)))


def test_the_demo_consultation_page_and_have_your_say_are_all_in_welsh(seeded, client):
    consultation = _demo()
    english = client.get(f"/consultations/{consultation.id}").text
    assert "How to take part" in english and "About this consultation" in english

    client.get("/language/cy")
    page = client.get(f"/consultations/{consultation.id}")
    assert page.status_code == 200 and '<html lang="cy"' in page.text
    assert NOTICE not in page.text, g.get("engage_untranslated")
    assert "Arolwg strydoedd a pharciau glanach" in page.text       # the title, staff's Welsh
    assert "Sut i gymryd rhan" in page.text                         # "How to take part"
    assert "Am yr ymgynghoriad hwn" in page.text                    # "About this consultation"
    assert "Yn cael ei gynnal gan" in page.text                     # "Run by"
    assert "Strydoedd a pharciau glanach: arolwg stondin y ganolfan ddydd" in page.text  # the stall survey
    assert "Cael negeseuon e-bost am yr ymgynghoriad hwn" in page.text  # the follow link
    for text in ("How to take part", "About this consultation", "Run by", "Who was asked", "Take part now",
                 "Get emails about this consultation", "day centre stall survey", "Demo data"):
        assert text not in page.text, text

    listing = client.get("/have-your-say")
    assert listing.status_code == 200
    # Its own words are all Welsh; what is still English is only what staff wrote for the
    # consultations nobody has translated (and the page says so).
    others = db.session.scalars(select(Consultation).where(Consultation.id != consultation.id)).all()
    staff_english = {getattr(c, f) for c in others for f in ("title", "summary", "how_to_take_part", "purpose")}
    shown_in_english = g.get("engage_untranslated") or set()
    assert shown_in_english and shown_in_english <= staff_english, shown_in_english - staff_english
    assert NOTICE in listing.text
    assert "Arolwg strydoedd a pharciau glanach" in listing.text     # the consultation's title on the list
    assert "Cleaner streets and parks survey" not in listing.text
    assert "Ar agor nawr" in listing.text and "Have your say" not in listing.text.split("</header>", 1)[-1]


def test_a_consultation_without_welsh_still_says_it_is_partly_english(seeded, client):
    other = _demo("Castlefields neighbourhood walkabouts")
    client.get("/language/cy")
    page = client.get(f"/consultations/{other.id}")
    assert NOTICE in page.text  # its title and summary are only in English: the page says so
    assert "Sut i gymryd rhan" in page.text


def test_a_planted_english_sentence_on_the_consultation_page_is_caught():
    source = (TEMPLATES / "consultations" / "page.html").read_text(encoding="utf-8")
    assert untranslated_text(source) == []
    planted = source.replace('{{ _("How to take part") }}</h2>', '{{ _("How to take part") }}</h2>\n<p>Read this first.</p>', 1)
    assert untranslated_text(planted) == ["Read this first."]
