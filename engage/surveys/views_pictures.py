"""The pictures of a survey's easy-read version: staff add one beside each question (with
what it shows, for people who cannot see it), and residents reading the easy-read version see
them. Each view reads the form, calls engage/surveys/pictures.py, commits once."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.errors import RuleError
from ..core.forms import attach_error, form_status
from ..core.i18n import gettext
from ..core.security import role_required
from ..consultations import services as consultations
from ..extensions import db
from . import bp, builder, pictures, structure
from .forms import PictureForm, PlainForm


@bp.route("/surveys/<int:survey_id>/easy-read/pictures")
@role_required(*consultations.EDITOR_ROLES)
def pictures_page(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    questions = structure.ordered_questions(survey)
    return render_template("surveys/manage/pictures.html", survey=survey, questions=questions,
                           numbers=structure.numbers(survey), shown=pictures.shown_for(q.id for q in questions))


@bp.route("/surveys/<int:survey_id>/easy-read/pictures/<int:question_id>", methods=["GET", "POST"])
@role_required(*consultations.EDITOR_ROLES)
def picture_edit(survey_id, question_id):
    survey = builder.get_for_manage(current_user, survey_id)
    question = pictures.question_of(survey, question_id)
    current = pictures.picture_of(question)
    form = PictureForm(obj=current)
    if form.validate_on_submit():
        upload = form.picture.data
        try:
            pictures.save_picture(current_user, survey, question, upload.read() if upload else None, form.alt.data)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Picture saved for question %(number)s.", number=structure.numbers(survey)[question.id]), "success")
            return redirect(url_for("surveys.pictures_page", survey_id=survey.id))
    return render_template("surveys/manage/picture.html", survey=survey, question=question, current=current, form=form,
                           remove=PlainForm(), number=structure.numbers(survey)[question.id]), form_status(form)


@bp.route("/surveys/<int:survey_id>/easy-read/pictures/<int:question_id>/remove", methods=["POST"])
@role_required(*consultations.EDITOR_ROLES)
def picture_remove(survey_id, question_id):
    survey = builder.get_for_manage(current_user, survey_id)
    question = pictures.question_of(survey, question_id)
    if PlainForm().validate_on_submit():
        pictures.remove_picture(current_user, survey, question)
        db.session.commit()
        flash(gettext("Picture removed from question %(number)s.", number=structure.numbers(survey)[question.id]), "success")
    return redirect(url_for("surveys.pictures_page", survey_id=survey.id))


@bp.route("/surveys/<int:survey_id>/pictures/<int:question_id>")
def picture_image(survey_id, question_id):
    """A question's picture, for the easy-read pages (whoever may see the survey)."""
    survey = builder.get_for_public(current_user, survey_id)
    data, content_type = pictures.image(survey, question_id)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
