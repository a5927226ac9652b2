"""New versions of a survey (a copy with no answers, conditions pointing at its own
questions) and deleting a survey with everything that belongs to it, in one transaction."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..core import audit
from ..extensions import db
from .builder import _check_manage, new_code
from . import structure
from .models import Survey, SurveyOption, SurveyQuestion, SurveyResponse, SurveySection


def copy_survey(actor, survey: Survey) -> Survey:
    """A new version: the same sections, questions, options and conditions, no answers,
    not open yet. Its conditions point at its own questions."""
    _check_manage(actor, survey)
    title = survey.title
    base = title.rsplit(" (version ", 1)[0]
    versions = db.session.scalar(select(func.count()).select_from(Survey).where(
        Survey.consultation_id == survey.consultation_id, Survey.title.like(base.replace("%", "") + "%"))) or 1
    copy = Survey(consultation_id=survey.consultation_id, code=new_code(), title=f"{base} (version {versions + 1})"[:200],
                  introduction=survey.introduction, privacy_notice=survey.privacy_notice, retention_days=survey.retention_days,
                  results_note=survey.results_note, one_per_browser=survey.one_per_browser, codes_required=survey.codes_required,
                  ask_contact=survey.ask_contact, population_area_id=survey.population_area_id, min_age=survey.min_age,
                  created_by_id=getattr(actor, "id", None))
    db.session.add(copy)
    db.session.flush()
    question_map: dict[int, SurveyQuestion] = {}
    option_map: dict[int, SurveyOption] = {}
    sections = []
    old_sections = sorted(survey.sections, key=lambda s: s.position)
    old_questions = {s.id: list(s.questions) for s in old_sections}
    for section in old_sections:
        new_section = SurveySection(survey_id=copy.id, position=section.position, title=section.title, intro=section.intro,
                                    is_equality=section.is_equality)
        db.session.add(new_section)
        sections.append((section, new_section))
        for q in old_questions[section.id]:
            new_q = SurveyQuestion(survey_id=copy.id, section=new_section, position=q.position, qtype=q.qtype, text=q.text, hint=q.hint,
                                   required=q.required, randomise=q.randomise, personal=q.personal, settings=dict(q.settings or {}),
                                   equality_key=q.equality_key)
            db.session.add(new_q)
            for o in q.options:
                new_o = SurveyOption(kind=o.kind, position=o.position, label=o.label, is_exclusive=o.is_exclusive,
                                     invites_text=o.invites_text, out_of_base=o.out_of_base)
                new_q.options.append(new_o)
                option_map[o.id] = new_o
            question_map[q.id] = new_q
            db.session.add(new_q)
    db.session.flush()
    db.session.expire(copy, ["sections", "questions"])

    def remap_condition(cond):
        if cond.get("question_id") not in question_map:
            return None
        value = cond.get("value")
        source = question_map[cond["question_id"]]
        if source.qtype not in ("rating", "number", "short_text", "long_text", "area"):
            if isinstance(value, list):
                value = [option_map[int(v)].id for v in value if int(v) in option_map]
            elif value is not None and int(value) in option_map:
                value = option_map[int(value)].id
        return {"question_id": source.id, "op": cond["op"], "value": value}

    def remap(rule):
        # Every condition of a combined rule points at the copy's questions and options.
        return structure.make_rule([remap_condition(c) for c in structure.conditions(rule)], structure.rule_mode(rule))

    for section, new_section in sections:
        new_section.rule = remap(section.rule)
    old_by_id = {q.id: q for qs in old_questions.values() for q in qs}
    for old_id, new_q in question_map.items():
        new_q.rule = remap(old_by_id[old_id].rule)
    audit.record(actor, "create", copy, f"New version of {survey.title}: {copy.title}", changes={"copied_from": survey.id})
    db.session.flush()
    return copy


@dataclass
class DeletePlan:
    responses: int
    drafts: int
    contacts: int
    published: bool

    def sentence(self) -> str:
        from ..core.i18n import gettext as _, ngettext

        parts = []   # a list of what goes with it, each in the reader's language
        if self.responses:
            parts.append(ngettext("%(count)s response and their answers", "%(count)s responses and their answers",
                                  self.responses, count=f"{self.responses:,}"))
        if self.drafts:
            parts.append(ngettext("%(count)s unfinished response", "%(count)s unfinished responses", self.drafts,
                                  count=f"{self.drafts:,}"))
        if self.contacts:
            parts.append(ngettext("%(count)s email address of people waiting to hear what happens next",
                                  "%(count)s email addresses of people waiting to hear what happens next",
                                  self.contacts, count=f"{self.contacts:,}"))
        text = _("This also deletes %(things)s.", things=", ".join(parts)) if parts else _("Nobody has answered it yet.")
        if self.published:
            text += " " + _("Results already published to the consultation database stay there.")
        return text


def delete_plan(survey: Survey) -> DeletePlan:
    from .models import SurveyContact

    def count(status):
        return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.status == status)) or 0

    contacts = db.session.scalar(select(func.count()).select_from(SurveyContact).where(SurveyContact.survey_id == survey.id)) or 0
    return DeletePlan(count("complete"), count("draft"), contacts, survey.published_at is not None)


def delete_survey(actor, survey: Survey) -> DeletePlan:
    """Delete the survey with everything that belongs to it, in one transaction, through the
    one delete rule (``engage.core.deletion``): it records the delete, closes the history of
    what goes with it, and lets the database's cascades delete the responses, answers, codes
    and contacts."""
    from ..core import deletion

    _check_manage(actor, survey)
    plan = delete_plan(survey)
    consultation = survey.consultation
    if consultation.take_part_url and consultation.take_part_url.rstrip("/").endswith(f"/surveys/{survey.id}"):
        consultation.take_part_url = ""
    deletion.delete(actor, survey, f"Survey deleted: {survey.title}",
                    changes={"title": [survey.title, None], "responses": plan.responses, "contacts": plan.contacts})
    return plan
