"""Open comments: reading, searching and coding them with themes (a theme list per survey,
each comment can carry several), with counts per theme."""
from __future__ import annotations

from sqlalchemy import func, select

from ..core import audit, concurrency
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from . import questions as qtypes
from .builder import BuildError, can_manage
from .models import CommentTheme, SurveyAnswer, SurveyResponse, comment_code, counted

PER_PAGE = 50


def text_questions(survey) -> list:
    from .structure import ordered_questions

    return [q for q in ordered_questions(survey) if qtypes.type_of(q).text_answer]


def comments_query(survey, *, question_id=None, text: str = "", theme_id=None, uncoded: bool = False):
    ids = [q.id for q in text_questions(survey)]
    query = (select(SurveyAnswer).join(SurveyResponse)
             .where(counted(survey.id),
                    SurveyAnswer.question_id.in_(ids or [-1]), SurveyAnswer.text.is_not(None)))
    if question_id:
        query = query.where(SurveyAnswer.question_id == question_id)
    for word in clean_text(text).lower().split()[:6]:
        query = query.where(func.lower(SurveyAnswer.text).contains(word[:50], autoescape=True))
    if theme_id:
        query = query.where(SurveyAnswer.themes.any(CommentTheme.id == theme_id))
    if uncoded:
        query = query.where(~SurveyAnswer.themes.any())
    return query.order_by(SurveyAnswer.id)


def theme_counts(survey) -> list[tuple[CommentTheme, int]]:
    counts = dict(db.session.execute(
        select(comment_code.c.theme_id, func.count()).join(CommentTheme, CommentTheme.id == comment_code.c.theme_id)
        .join(SurveyAnswer, SurveyAnswer.id == comment_code.c.answer_id).join(SurveyResponse)
        .where(CommentTheme.survey_id == survey.id, counted(survey.id)).group_by(comment_code.c.theme_id)).all())
    return [(theme, counts.get(theme.id, 0)) for theme in survey.themes]


def add_theme(actor, survey, name: str) -> CommentTheme:
    if not can_manage(actor, survey):
        raise BuildError("You cannot change this survey")
    name = clean_text(name)
    if not name:
        raise BuildError("Enter the theme", "name")
    if len(name) > 100:
        raise BuildError("The theme must be 100 characters or fewer", "name")
    if any(t.name.casefold() == name.casefold() for t in survey.themes):
        raise BuildError(f"There is already a theme called ‘{name}’", "name")
    theme = CommentTheme(survey=survey, name=name)
    db.session.add(theme)
    db.session.flush()
    audit.record(actor, "create", theme, f"Comment theme added to {survey.title}: {name}", changes={"name": [None, name]})
    return theme


def delete_theme(actor, survey, theme_id) -> None:
    if not can_manage(actor, survey):
        raise BuildError("You cannot change this survey")
    theme = next((t for t in survey.themes if t.id == to_id(theme_id)), None)
    if theme is None:
        raise BuildError("There is no such theme")
    audit.record(actor, "delete", theme, f"Comment theme deleted from {survey.title}: {theme.name}", changes={"name": [theme.name, None]})
    survey.themes.remove(theme)
    db.session.flush()


def get_comment(survey, answer_id) -> SurveyAnswer | None:
    number = to_id(answer_id)
    answer = db.session.get(SurveyAnswer, number) if number else None
    if answer is None or answer.response.survey_id != survey.id or answer.text is None:
        return None
    if answer.question_id not in {q.id for q in text_questions(survey)}:
        return None
    return answer


def code_comment(actor, survey, answer: SurveyAnswer, theme_ids, version=concurrency.UNCHECKED) -> None:
    """Set a comment's themes. ``version`` is the comment's version the page showed
    (engage/core/concurrency.py): themes saved by someone else since are an EditConflict."""
    if not can_manage(actor, survey):
        raise BuildError("You cannot change this survey")
    concurrency.check(answer, version)
    themes = {t.id: t for t in survey.themes}
    wanted = []
    for value in theme_ids:
        number = to_id(value)
        if number not in themes:
            raise BuildError("Choose themes from this survey's list")
        if themes[number] not in wanted:
            wanted.append(themes[number])
    before = sorted(t.name for t in answer.themes)
    answer.themes = wanted
    audit.record(actor, "update", answer, f"Comment coded in {survey.title}",
                 changes={"themes": [", ".join(before) or "(none)", ", ".join(sorted(t.name for t in wanted)) or "(none)"]})
    concurrency.flush(answer)
