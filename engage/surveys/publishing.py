"""Publishing a survey's aggregated results to the consultation database, through the
consultation database's own import service: the results, with their segments (wards,
priority wards and the rest, channels, equality groups), become the consultation's
attitudinal results, searchable like any import. Publishing again replaces them.

Every figure goes with the survey's own decision on what the public may see of it (its count,
its base, both, neither, or not even its column: ``ResultFigure.disclosure``), taken from the
survey's public tables (``analysis.aggregated(public=True)``, the same the survey's pages, API
and exports show). The consultation database shows exactly those figures with the same cells
hidden; it never suppresses them a second time. Two suppressions of the same people that
choose different cells to hide would together give hidden figures away (the walkabout survey:
the survey hid the priority wards, the consultation Castlefields, and a ward's split by
channel could be worked out from the two).
"""
from __future__ import annotations

from ..consultations import importing
from ..consultations.models import Consultation
from ..core.i18n import gettext as _
from ..core.models import utcnow
from ..core.templating import format_date
from ..extensions import db
from .analysis import aggregated, load_people
from ..core import clock

QTYPES = {"single": "single", "yesno": "single", "agreement": "scale", "rating": "scale", "multiple": "multiple",
          "grid": "scale", "area": "single", "ranking": "single", "date": "single"}


def _dimension(name: str) -> str:
    if name.startswith("equality:"):
        return name.split(":", 1)[1] or "other"
    return name


def build_aggregate(survey) -> importing.Aggregate:
    from ..partnership.models import Area
    from sqlalchemy import select

    wards = {name: (area_id, bool(priority)) for area_id, name, priority in db.session.execute(
        select(Area.id, Area.name, Area.priority_ward).where(Area.level == "ward"))}
    agg = importing.Aggregate(fmt="survey")
    people = load_people(survey)
    agg.respondents = len(people)
    public = {}
    for question in aggregated(survey, public=True, people=people):
        for f in question["figures"]:
            public[(question["number"], f["dimension"], f["segment_key"], f["option"])] = f
    for question in aggregated(survey, public=False, people=people):
        data = agg.question(f"{question['text']}")
        data.code = question["number"]
        data.qtype = QTYPES.get(question["type"], "single")
        # Answers left out of the base ("Don't know") are not published: the consultation
        # database works out every percentage from the base, and would count them in it.
        left_out = {f["option"] for f in question["figures"] if not f["in_base"]}
        for label in question["options"]:
            if label not in left_out:
                data.option(label)
        for f in question["figures"]:
            if f["base"] in (None, 0) or not f["in_base"]:
                continue
            dimension = _dimension(f["dimension"])
            if dimension == "all":
                seg = agg.segments.get("all", importing.ALL_LABEL)
            elif dimension == "ward":
                area_id, priority = wards.get(f["segment"], (None, False))
                seg = agg.segments.get("ward", f["segment"], area_id, priority)
            elif dimension == "area-group":
                seg = agg.segments.get("area-group", f["segment"], None, f["segment"] == importing.PRIORITY_LABEL)
            else:
                seg = agg.segments.get(dimension, f["segment"][:120])
            option = data.option(f["option"])
            data.figures[(option, seg)] = f["count"]
            data.bases[seg] = f["base"]
            data.disclosed[(option, seg)] = disclosure(public.get((question["number"], f["dimension"], f["segment_key"], f["option"])))
    agg.questions = {k: v for k, v in agg.questions.items() if v.bases}
    return agg


def disclosure(public_figure: dict | None) -> str:
    """What the survey's public tables show of a figure (``ResultFigure.disclosure``): None
    when its column is not published at all."""
    if public_figure is None:
        return "omitted"
    count, base = public_figure["count"] is not None, public_figure["base"] is not None
    return {(True, True): "shown", (True, False): "count-only", (False, True): "base-only"}.get((count, base), "hidden")


def results_public(survey) -> bool:
    """Are this survey's results public? Only by a decision on the survey (ticking "Publish the
    results to everyone now"), never because its consultation has a results date."""
    return survey.results_public_at is not None


def results_hold(consultation_id: int) -> str | None:
    """Why the consultation's results may not get a public date yet (``core.registry.result_holds``):
    a survey's results were written into it for staff only, and nobody has decided to show
    them to everyone."""
    from sqlalchemy import select

    from .models import Survey

    held = db.session.scalars(select(Survey.title).where(
        Survey.consultation_id == consultation_id, Survey.published_at.is_not(None),
        Survey.results_public_at.is_(None)).order_by(Survey.id)).first()
    if held is None:
        return None
    return (f"The results here come from the survey “{held}”, and nobody has decided to show them to everyone yet. "
            "To show them, publish them to everyone from the survey's results page. Or leave this date empty")


def open_refusal(survey) -> str | None:
    """Results are published once the survey has closed, never while it is open: figures
    published while people are still answering would be out of date the next minute, would
    be read as the result, and could sway the people still to answer. Close it now (with a
    reason) to publish early."""
    if survey.state in ("open", "scheduled"):
        return _("This survey is still open, so its results are not final: they change with every answer and could sway "
                 "the people still to answer. Publish them once it has closed. To publish early, close it now first.")
    return None


def publish(actor, survey, *, results_public: bool = False) -> importing.Summary:
    """Write the aggregated results into the consultation database (flush, no commit).

    ``results_public`` is the decision that they are public (recorded on the survey: who,
    when). Without it, results are refused while the consultation's results are public or
    have a date: writing them there would show them to everyone, by accident."""
    from datetime import date

    from ..core import transitions
    from .builder import BuildError, can_manage

    if not can_manage(actor, survey):
        raise BuildError(_("You cannot publish this survey's results"))
    refusal = open_refusal(survey)
    if refusal:
        raise BuildError(refusal)
    consultation: Consultation = survey.consultation
    decided = survey.results_public_at is not None
    if not results_public and not decided and consultation.results_published_on is not None:
        day = consultation.results_published_on
        if day <= clock.today():
            message = _("The consultation's results are already public, so this survey's results would be shown to everyone "
                        "with them. Tick “Publish the results to everyone now” if they should be public. If not, wait until "
                        "you are ready to make them public.")
        else:
            message = _("The consultation's results will be public from %(date)s, so this survey's results would be shown to "
                        "everyone with them. Tick “Publish the results to everyone now” if they should be public. If not, wait "
                        "until you are ready to make them public.", date=format_date(day))
        raise BuildError(message, "results_public")
    agg = build_aggregate(survey)
    if not agg.questions:
        raise BuildError(_("There are no answers to publish yet"))
    now = utcnow()
    values = {"published_at": now}
    if results_public and not decided:
        values.update(results_public_at=now, results_public_by_id=actor.id)
    # Once: of two clicks at the same moment only the one that finds the survey as it read it
    # writes the results (engage/core/transitions.py); the other is told.
    transitions.compare_and_set(survey, {"published_at": survey.published_at}, values,
                                done="published this survey's results")
    summary = importing.save(actor, consultation, agg, filename=f"Survey: {survey.title}", replace=True)
    if results_public:
        if consultation.results_published_on is None or consultation.results_published_on > clock.today():
            consultation.results_published_on = clock.today()
    if consultation.responses is None or consultation.responses < agg.respondents:
        consultation.responses = agg.respondents
    if results_public and not decided:
        from ..core import audit

        audit.record(actor, "update", survey, f"Results of {survey.title} made public",
                     changes={"results_public_at": [None, now.isoformat(timespec="seconds")]})
    db.session.flush()
    return summary


def follow(actor, survey, counted_change: int = 0) -> bool:
    """Results already published to the consultation database follow a change to the counted
    responses (a correction, a response set aside, put back or erased) at once: they are
    written again from the responses counted now, and the consultation's number of responses
    moves by ``counted_change`` (it may include responses from outside the survey). True when
    they were written again. Flushes."""
    if survey.published_at is None:
        return False
    consultation: Consultation = survey.consultation
    agg = build_aggregate(survey)
    importing.save(actor, consultation, agg, filename=f"Survey: {survey.title}", replace=True)
    if consultation.responses is not None and counted_change:
        consultation.responses = max(0, consultation.responses + counted_change)
    db.session.flush()
    return True
