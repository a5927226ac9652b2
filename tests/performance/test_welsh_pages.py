"""The performance pages residents read, in Welsh (issue 23): the targets and the ladder, one
target, a review period, its exception report to the board and a ladder stage. The report's
sentences (what is wrong, what is being done) are whole translatable sentences; the board's
Word document stays in the site's own language.

Each page is first read in English (so each English phrase listed is known to be on it), then
with the Welsh cookie: lang="cy", the Welsh phrase there and none of the English left.
"""
from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from engage.extensions import db
from engage.performance.models import LadderStage, MonitoringPeriod
from tests.i18n_support import assert_pages_in_welsh


def _period(name):
    return db.session.scalar(select(MonitoringPeriod.id).where(MonitoringPeriod.name == name))


def test_the_performance_pages_are_in_welsh(seeded, client, login):
    november = _period("April to September 2006")
    stage = db.session.scalar(select(LadderStage).where(LadderStage.stage == 3))
    pages = {
        "/performance": ("Sut mae’r partneriaid yn gwneud ar eu targedau", [
            "How the partners are doing on their targets", "Every six months the", "checks each target against",
            "It has three stages", "Below the level once", "Below twice in a row", "Still below after that",
            "Nobody types them in", "Latest review", "Stage now", "Reviews and reports to the board",
            "report to the board, ", "six-monthly review)", ">Stage 3<"]),
        f"/performance/targets/{stage.indicator_id}": ("Ffigurau ym mhob adolygiad", [
            ": figures and stages", "All targets", "is better)", "Lead partner", "How often", "Every six months",
            "Figures at each review", "What it means", "Stage after it", "Below the monitoring level", ">Stages<"]),
        f"/performance/periods/{november}": ("Y cynllun gweithredu ar ddiwedd y cyfnod", [
            "It goes to the board on", "Read the report to the board", "only what needs its attention", ">Targets<",
            ">Figure<", ">Level<", "The action plan at the end of the period", "See the whole plan", ">On track: "]),
        f"/performance/periods/{november}/exceptions": ("Targedau sydd angen sylw", [
            "Exception report to the board, November 2006", "lists only what needs the board", "targets are listed",
            "Download as a Word document", "Targets that need attention", "What is wrong", "What is being done",
            "Off track: 43% for April to September 2006", "Late: no figure was reported", "At stage 3 of the ladder",
            "Plan actions that are late", "Stages that ended", "The figure is back at or above its level"]),
        f"/performance/stages/{stage.id}": ("Cam 3 o’r ysgol", [
            "Stage 3 of the ladder", "Back to the target", "A member of the Performance and Standards Group agrees",
            "Where it is", "Why it started", "(worked out from the figures)", "at the review of", "Who acts",
            "Reports to", "Report due by", "What residents said", ">History<", "by the review of the figures"]),
    }
    assert_pages_in_welsh(client, pages, all_found=True)

    # The board's papers stay in the site's own language, whoever downloads them.
    document = Document(io.BytesIO(client.get(f"/performance/periods/{november}/exceptions.docx").data))
    table_text = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Off track: 43% for April to September 2006" in table_text and "Oddi ar y trywydd" not in table_text
    # A Welsh-speaking partnership (Welsh the site's own language): both Word documents for
    # its board are in Welsh throughout, whoever downloads them.
    client.application.config["ENGAGE_LANGUAGES"] = "cy,en"
    try:
        english_reader = client.application.test_client()
        english_reader.set_cookie("engage_lang", "en")
        for path, welsh, english in (
                (f"/performance/periods/{november}/exceptions.docx",
                 ["Adroddiad eithriadau i’r bwrdd, Tachwedd 2006", "Targedau oddi ar y trywydd", "Beth sydd o’i le",
                  "Camau gweithredu’r cynllun sy’n hwyr"],
                 ["Exception report", "Targets off track", "What is wrong", "Who", "Plan actions", "targets are listed",
                  "Off track", "No progress reported yet"]),
                ("/plan/reports/2005/q1.docx",
                 ["Gwariant yn erbyn y gyllideb", "Cynnydd y rhaglen waith", "Eitem"],
                 ["Central partnership activity report", "Spend against budget", "Work programme progress", "Item",
                  "Spend to date", "Timescale", "Progress and spend", "Actions at the end of the quarter",
                  "No progress reported yet", "April to June"])):
            response = english_reader.get(path)
            assert response.status_code == 200, path
            document = Document(io.BytesIO(response.data))
            text = "\n".join([p.text for p in document.paragraphs]
                              + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
            for phrase in welsh:
                assert phrase in text, (path, phrase)
            for phrase in english:
                assert phrase not in text, (path, phrase)
    finally:
        client.application.config["ENGAGE_LANGUAGES"] = "en,cy,ur"

    login("officer")   # the officers' page
    assert_pages_in_welsh(client, {"/performance/manage": ("Cyfrifo’r ysgol nawr", [
        "Manage monitoring periods and the PSG", "Work out the ladder now", "Monitoring periods", ", to the board on",
        "Add a period", "Members may start a stage by hand", "Add to the PSG"])}, all_found=True)
