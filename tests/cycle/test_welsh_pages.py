"""The yearly planning cycle in Welsh (issue 23): the public calendar (the years and one year's
steps) and the partners' pages (the template, a year's action plans and one plan). Each page is
read in English, then in Welsh: lang="cy", the Welsh text there and none of the English left."""
from __future__ import annotations

from sqlalchemy import select

from engage.cycle.models import CycleYear, DraftPlan
from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh


def test_the_planning_cycle_pages_are_in_welsh(seeded, client, login):
    year = db.session.scalar(select(CycleYear).order_by(CycleYear.year))
    plan = db.session.scalar(select(DraftPlan.id).order_by(DraftPlan.id))
    assert_pages_in_welsh(client, {
        "/cycle/": ("Y cylch cynllunio blynyddol", [
            "The yearly planning cycle", "looks back at what it did", " done, ", " coming up"]),
        f"/cycle/{year.year}": ("Camau’r flwyddyn, yn nhrefn dyddiad", [
            "Planning cycle ", "The steps of the year", "Today: ", ">When<", "Goes to the Board", "Who sends it",
            ">Due<", ">Status<"]),
    }, all_found=True)
    login("officer")
    assert_pages_in_welsh(client, {
        "/cycle/template": ("Templed y cylch", [
            "The cycle's template", "Each year's steps are made from these", "Add a step", "Who sends it", ">Timing<",
            "Each thematic partnership"]),
        f"/cycle/{year.year}/plans": ("Dechrau cynllun gweithredu", [
            "Action plans ", "Each thematic partnership sends a draft plan", "Where it is", "Start an action plan"]),
        f"/cycle/plans/{plan}": ("Beth fydd y cynllun yn ei gyflawni", [
            "What the plan will achieve", "Who leads it", "PSG decision", ">Actions ("]),
    }, all_found=True)
