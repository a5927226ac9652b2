"""Open comments: reading, searching and coding them with themes (a theme list per survey,
each comment can carry several), with counts per theme and example quotes.

At scale: ``bulk_code`` adds a theme to (or takes it off) many comments at once, kept as a
``CodingBatch`` so ``undo`` puts back exactly what it changed; personal details in a comment
are flagged on the coding page and recorded when it is coded (``CommentRedaction``), and
quotes shown elsewhere are redacted (``personal.redact``)."""
from __future__ import annotations

from sqlalchemy import func, select

from ..core import audit, concurrency, disclosure
from ..core.models import utcnow
from ..core.transitions import compare_and_set
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from ..core.i18n import gettext as _
from . import questions as qtypes
from .builder import BuildError, can_manage
from . import personal
from .models import CodingBatch, CommentRedaction, CommentTheme, SurveyAnswer, SurveyResponse, comment_code, counted

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
        raise BuildError(_("You cannot change this survey"))
    name = clean_text(name)
    if not name:
        raise BuildError(_("Enter the theme"), "name")
    if len(name) > 100:
        raise BuildError(_("The theme must be 100 characters or fewer"), "name")
    if any(t.name.casefold() == name.casefold() for t in survey.themes):
        raise BuildError(_("There is already a theme called ‘%(name)s’", name=name), "name")
    theme = CommentTheme(survey=survey, name=name)
    db.session.add(theme)
    db.session.flush()
    audit.record(actor, "create", theme, f"Comment theme added to {survey.title}: {name}", changes={"name": [None, name]})
    return theme


def delete_theme(actor, survey, theme_id) -> None:
    if not can_manage(actor, survey):
        raise BuildError(_("You cannot change this survey"))
    theme = next((t for t in survey.themes if t.id == to_id(theme_id)), None)
    if theme is None:
        raise BuildError(_("There is no such theme"))
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
        raise BuildError(_("You cannot change this survey"))
    concurrency.check(answer, version)
    themes = {t.id: t for t in survey.themes}
    wanted = []
    for value in theme_ids:
        number = to_id(value)
        if number not in themes:
            raise BuildError(_("Choose themes from this survey's list"))
        if themes[number] not in wanted:
            wanted.append(themes[number])
    before = sorted(t.name for t in answer.themes)
    answer.themes = wanted
    if wanted:
        record_redactions(actor, survey, [answer])
    audit.record(actor, "update", answer, f"Comment coded in {survey.title}",
                 changes={"themes": [", ".join(before) or "(none)", ", ".join(sorted(t.name for t in wanted)) or "(none)"]})
    concurrency.flush(answer)


# ---- at scale: bulk coding and undo ----------------------------------------------------------

MAX_BULK = 5000


def _theme(survey, theme_id) -> CommentTheme:
    theme = next((t for t in survey.themes if t.id == to_id(theme_id)), None)
    if theme is None:
        raise BuildError(_("Choose a theme from this survey's list"), "theme")
    return theme


def bulk_code(actor, survey, answer_ids, theme_id, action: str = "add") -> CodingBatch:
    """Add a theme to (``action="add"``) or take it off (``"remove"``) the chosen comments.
    Only comments of this survey's open questions count; those that already had (or lacked)
    the theme are left alone and not kept in the batch, so undo changes nothing else."""
    if not can_manage(actor, survey):
        raise BuildError(_("You cannot change this survey"))
    if action not in ("add", "remove"):
        raise BuildError(_("Choose whether to add the theme or take it off"), "action")
    theme = _theme(survey, theme_id)
    ids = sorted({n for n in (to_id(v) for v in answer_ids) if n})
    if not ids:
        raise BuildError(_("Tick at least one comment"), "selected")
    if len(ids) > MAX_BULK:
        raise BuildError(_("Code up to %(max)s comments at a time", max=f"{MAX_BULK:,}"), "selected")
    answers = db.session.scalars(comments_query(survey).where(SurveyAnswer.id.in_(ids))).all()
    if len(answers) != len(ids):
        raise BuildError(_("Some of the ticked comments are not comments of this survey. Reload the page and try again"), "selected")
    changed = []
    for answer in answers:
        has = theme in answer.themes
        if action == "add" and not has:
            answer.themes.append(theme)
        elif action == "remove" and has:
            answer.themes.remove(theme)
        else:
            continue
        concurrency.bump(answer)   # a single comment's form opened before this now conflicts
        changed.append(answer)
    if action == "add":
        record_redactions(actor, survey, changed)
    batch = CodingBatch(survey_id=survey.id, theme_id=theme.id, action=action, answer_ids=[a.id for a in changed],
                        created_by_id=getattr(actor, "id", None))
    db.session.add(batch)
    db.session.flush()
    verb = "added to" if action == "add" else "taken off"
    audit.record(actor, "code", survey, f"Theme ‘{theme.name}’ {verb} {len(changed):,} comments in {survey.title}",
                 changes={"theme": theme.name, "action": action, "comments": len(changed), "batch": batch.id})
    db.session.flush()
    return batch


def last_batch(survey) -> CodingBatch | None:
    """The latest bulk action on the survey that can still be undone."""
    return db.session.scalar(select(CodingBatch).where(CodingBatch.survey_id == survey.id, CodingBatch.undone_at.is_(None))
                             .order_by(CodingBatch.id.desc()).limit(1))


def undo(actor, survey, batch_id) -> CodingBatch:
    """Put back what a bulk action changed (once: a second undo of the same action is refused
    as already done). Comments someone has coded by hand since keep that coding for other
    themes; only this theme on these comments is put back."""
    if not can_manage(actor, survey):
        raise BuildError(_("You cannot change this survey"))
    number = to_id(batch_id)
    batch = db.session.get(CodingBatch, number) if number else None
    if batch is None or batch.survey_id != survey.id:
        raise BuildError(_("There is no such coding action to undo"))
    compare_and_set(batch, {"undone_at": None}, {"undone_at": utcnow(), "undone_by_id": getattr(actor, "id", None)},
                    done="undone that")
    theme = batch.theme
    answers = db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.id.in_(batch.answer_ids or [-1]))).all()
    for answer in answers:
        if batch.action == "add" and theme in answer.themes:
            answer.themes.remove(theme)
        elif batch.action == "remove" and theme not in answer.themes:
            answer.themes.append(theme)
        concurrency.bump(answer)
    audit.record(actor, "code", survey, f"Undone: theme ‘{theme.name}’ {'added to' if batch.action == 'add' else 'taken off'} "
                 f"{len(answers):,} comments in {survey.title}", changes={"batch": batch.id, "undone": True})
    db.session.flush()
    return batch


# ---- counts, example quotes and personal details ----------------------------------------------

def record_redactions(actor, survey, answers) -> int:
    """Record the personal details found in comments being coded (once per comment)."""
    ids = [a.id for a in answers]
    if not ids:
        return 0
    known = set(db.session.scalars(select(CommentRedaction.answer_id).where(CommentRedaction.answer_id.in_(ids))))
    made = 0
    for answer in answers:
        if answer.id in known:
            continue
        kinds = personal.kinds_in(answer.text)
        if kinds:
            db.session.add(CommentRedaction(answer_id=answer.id, survey_id=survey.id, kinds=",".join(kinds),
                                            recorded_by_id=getattr(actor, "id", None)))
            made += 1
    if made:
        audit.record(actor, "redact", survey, f"Personal details recorded as removed from quotes of {made:,} coded comments in {survey.title}",
                     changes={"comments": made})
    return made


def flags(answers) -> dict[int, str]:
    """For the coding page: each comment's personal details in words ("phone number")."""
    out = {}
    for answer in answers:
        kinds = personal.kinds_in(answer.text)
        if kinds:
            out[answer.id] = personal.describe(kinds)
    return out


def theme_examples(survey, per_theme: int = 3, redacted: bool = False) -> dict[int, list[str]]:
    """Up to ``per_theme`` short example quotes of each theme (the longest few, which say the
    most, up to 300 characters). ``redacted``: with personal details removed, as any quote
    shown outside the coding page must be."""
    rows = db.session.execute(
        select(comment_code.c.theme_id, SurveyAnswer.text).join(SurveyAnswer, SurveyAnswer.id == comment_code.c.answer_id)
        .join(SurveyResponse).join(CommentTheme, CommentTheme.id == comment_code.c.theme_id)
        .where(CommentTheme.survey_id == survey.id, counted(survey.id), SurveyAnswer.text.is_not(None))
        .order_by(comment_code.c.theme_id, func.length(SurveyAnswer.text).desc(), SurveyAnswer.id)).all()
    out: dict[int, list[str]] = {}
    for theme_id, text in rows:
        quotes = out.setdefault(theme_id, [])
        if len(quotes) < per_theme:
            text = personal.redact(text) if redacted else text
            quotes.append(text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…")
    return out


# ---- themes as evidence in findings reports (engage.core.registry.evidence) ------------------

def theme_choices(consultation_ids) -> list[tuple[int, str]]:
    """Themes of the surveys of these consultations, to cite in a findings report."""
    from .models import Survey

    ids = list(consultation_ids)
    if not ids:
        return []
    rows = db.session.execute(select(CommentTheme.id, CommentTheme.name, Survey.title).join(Survey)
                              .where(Survey.consultation_id.in_(ids)).order_by(Survey.title, CommentTheme.name)).all()
    return [(theme_id, f"{title[:60]}: {name}") for theme_id, name, title in rows]


def theme_evidence(theme_id) -> dict | None:
    """What a findings report shows for a cited theme, worked out when it is shown, so the
    counts follow later coding: comments with the theme now, of all comments, and up to
    three example quotes with personal details removed.

    Small numbers stay hidden (engage.core.disclosure's threshold, 5 by default), as in every
    other published table: comments split into those with the theme and those without, so

    * fewer comments in all than the threshold: no figures (``total`` None);
    * a theme on 1 to 4 comments: "fewer than 5" (``count`` None, ``fewer_than``), and no
      quotes: three quotes under a count of 3 are everything those people said;
    * all but 1 to 4 comments: "more than total - 5" (``count`` None, ``more_than``), so the
      few without the theme are not counted either.
    """
    number = to_id(theme_id)
    theme = db.session.get(CommentTheme, number) if number else None
    if theme is None:
        return None
    survey = theme.survey
    count = dict(theme_counts(survey)).get(theme, 0)
    total = db.session.scalar(comments_query(survey).with_only_columns(func.count()).order_by(None)) or 0
    limit = disclosure.threshold()
    from flask import url_for

    shown = {"title": f"{theme.name} ({survey.title})", "count": count, "total": total, "fewer_than": None,
             "more_than": None, "quotes": [], "url": url_for("surveys.start", survey_id=survey.id)}
    if 0 < total < limit:
        shown.update(count=None, total=None, fewer_than=limit)
        return shown
    if 0 < count < limit:
        shown.update(count=None, fewer_than=limit)
    elif 0 < total - count < limit:
        shown.update(count=None, more_than=total - limit)
    if count >= limit:
        shown["quotes"] = theme_examples(survey, per_theme=3, redacted=True).get(theme.id, [])
    return shown
