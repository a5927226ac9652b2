"""What residents see: the start page, question pages, check your answers, confirmation,
save and come back later, the short link and the QR code. No account is needed.

Where a resident is in their answers lives in the session cookie as the secret of their
draft (``session["surveys"][survey id]``); the draft itself is in the database.
"""
from __future__ import annotations

from ..core.i18n import gettext as _

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response, after_this_request, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..core import clock, content, i18n, metrics
from ..core.pagecache import kept_page
from ..core.params import Query, to_id
from ..core.errors import bad_request, not_found
from ..core.limits import breach, honeypot_tripped, keeps_answers_when_limited
from ..extensions import csrf, db, limiter
from . import answering, builder, pictures, structure
from . import questions as qtypes
from .areas import postcode_lookup_available, ward_choices
from .models import SurveyResponse
from . import bp


# The resident's pages of a survey, where its easy-read version can be chosen.
ANSWERING_PAGES = {"surveys.start", "surveys.page", "surveys.check", "surveys.done", "surveys.saved", "surveys.resume"}
VERSIONS_KEY = "survey_versions"


@bp.before_request
def _survey_version():
    """Show a survey's easy-read version where the resident chose it (``?version=easyread`` on
    its pages, kept for that survey in the session; ``?version=standard`` goes back)."""
    from ..core import content

    if request.endpoint not in ANSWERING_PAGES:
        return
    survey_id = to_id((request.view_args or {}).get("survey_id"))
    if survey_id is None:
        return
    key, chosen = str(survey_id), Query().text("version")
    if chosen in (content.EASY_READ, "standard"):
        versions = {k: v for k, v in session.get(VERSIONS_KEY, {}).items() if k != key}
        if chosen == content.EASY_READ:
            versions[key] = content.EASY_READ
        session[VERSIONS_KEY] = versions
    if session.get(VERSIONS_KEY, {}).get(key) == content.EASY_READ \
            and content.EASY_READ in content.offered_languages("survey", survey_id):
        content.use_version(content.EASY_READ)


def _limit():
    return current_app.config.get("ENGAGE_SURVEY_RATE_LIMIT", "60 per hour")


@bp.app_template_filter("survey_date")
def survey_date(value: datetime | None) -> str:
    from ..core.templating import format_date

    value = clock.local(value)
    return format_date(value.date()) if value else ""   # month names in the reader's language


@bp.app_template_filter("survey_close")
def survey_close(value: datetime | None) -> str:
    """Surveys close at midnight at the end of their last day: show that last day."""
    if not value:
        return ""
    from ..core.templating import format_date

    last = clock.local(value - timedelta(seconds=1))
    return format_date(last.date())


@bp.app_template_filter("describe_label")
def describe_label(label: str) -> str:
    from .questions.choice import describe_label as words

    return words(label)


@bp.app_template_global("draw_question")
def draw_question(macro, f):
    """A question's fields, drawn once per distinct input as first shown (engage/surveys/drawing.py)."""
    from . import drawing

    return drawing.draw(macro, f)


@bp.app_template_filter("field_anchor")
def field_anchor(q) -> str:
    return qtypes.anchor(q)


# ---- building the fields a page shows ----------------------------------------------------

def _state_from_form(q, form) -> dict:
    name = f"q{q.id}"
    return {
        "chosen": form.getlist(name), "value": form.get(name, ""),
        "texts": {str(o.id): form.get(f"{name}-text-{o.id}", "") for o in q.options},
        "grid": {str(o.id): form.get(f"{name}-r{o.id}", "") for o in q.rows()},
        "ranks": {str(o.id): form.get(f"{name}-rank-{o.id}", "") for o in q.choices()},
        "day": form.get(f"{name}-day", ""), "month": form.get(f"{name}-month", ""), "year": form.get(f"{name}-year", ""),
        "postcode": form.get(f"{name}-postcode", ""),
    }


def _state_from_value(q, value) -> dict:
    state = {"chosen": [], "value": "", "texts": {}, "grid": {}, "ranks": {}, "day": "", "month": "", "year": "", "postcode": ""}
    if value is None:
        return state
    shown = qtypes.type_of(q).form_value(q, value)
    state.update({k: v for k, v in shown.items() if k != "value"})
    if "value" in shown:
        state["value"] = "" if shown["value"] is None else (
            qtypes.type_of(q).display(q, shown["value"]) if q.qtype == "number" else str(shown["value"]))
    return state


def field(q, number: str | None, *, value=None, form=None, error: str | None = None, seed: int | None = None) -> dict:
    kind = qtypes.type_of(q)
    return {
        "q": q, "number": number, "id": f"q{q.id}", "template": kind.template, "error": error,
        "anchor": qtypes.anchor(q), "limit": qtypes.limit_of(q), "other_limit": qtypes.OTHER_LIMIT,
        "options": structure.ordered_options(q, seed), "rows": q.rows(),
        "state": _state_from_form(q, form) if form is not None else _state_from_value(q, value),
        "wards": ward_choices(q.survey) if q.qtype == "area" else [],
        "postcode_lookup": postcode_lookup_available(),
    }


# ---- session --------------------------------------------------------------------------------

# The secrets of a browser's drafts are kept in the session and, so that answers outlive the
# 8-hour session (WCAG 2.2.1), in a signed cookie of their own that lasts as long as drafts
# are kept (ENGAGE_SURVEY_DRAFT_DAYS). The cookie holds only the secrets, as the session does.
DRAFT_COOKIE = "engage_survey_drafts"


def _signer():
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.secret_key, salt="engage-survey-drafts")


def _cookie_drafts() -> dict:
    from itsdangerous import BadSignature

    raw = request.cookies.get(DRAFT_COOKIE)
    if not raw or len(raw) > 3000:
        return {}
    try:
        data = _signer().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if to_id(k) is not None and isinstance(v, str) and len(v) <= 40}


def _draft_secret(survey_id) -> str | None:
    """The secret of this browser's draft of one survey: the session's, else the long-lived
    cookie's (as ``_drafts`` merges them; the cookie's signature is checked only when needed)."""
    found = session.get("surveys", {}).get(str(survey_id))
    return found if found is not None else _cookie_drafts().get(str(survey_id))


def _drafts() -> dict:
    drafts = _cookie_drafts()
    drafts.update(session.get("surveys", {}))
    return drafts


def _keep_drafts(drafts: dict) -> None:
    session["surveys"] = drafts
    session.permanent = True
    kept = dict(list(drafts.items())[-20:])

    @after_this_request
    def _set(resp):
        if kept:
            resp.set_cookie(DRAFT_COOKIE, _signer().dumps(kept), max_age=answering.draft_days() * 86400,
                            httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        else:
            resp.delete_cookie(DRAFT_COOKIE, httponly=True, samesite="Lax")
        return resp


def _remember(survey_id: int, secret: str) -> None:
    drafts = _drafts()
    drafts.pop(str(survey_id), None)
    drafts[str(survey_id)] = secret
    _keep_drafts(drafts)


def _forget(survey_id: int) -> None:
    drafts = _drafts()
    drafts.pop(str(survey_id), None)
    _keep_drafts(drafts)


def _token_ok() -> bool:
    """The form's CSRF token, checked here rather than by CSRFProtect for the answering
    pages: a page left open past the session's end is shown again with what was typed and a
    fresh token (nothing is saved from a post that fails the check), never a 400 page."""
    from flask_wtf.csrf import ValidationError, validate_csrf

    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


EXPIRED_NOTICE = ("This page was open for a long time, so we have not saved it yet. "
                  "Check your answers and choose a button again.")


_LOAD = object()   # _current's "read the browser's draft now" (none was read with the survey)


def _current(survey, response=_LOAD) -> SurveyResponse | None:
    """The browser's draft of this survey that may go on (``response``: the one read with the
    survey, ``builder.get_with_draft``)."""
    if response is _LOAD:
        response = answering.load(survey, _draft_secret(survey.id))
    if response is None or response.status == "complete" or answering.is_expired(response):
        return None
    return response


def _done_before(survey) -> bool:
    return survey.id in session.get("surveys_done", [])


def _mark_done(survey_id: int, reference: str) -> None:
    done = session.get("surveys_done", [])
    if survey_id not in done:
        done = (done + [survey_id])[-50:]
    session["surveys_done"] = done
    refs = session.get("survey_refs", {})
    refs[str(survey_id)] = reference
    session["survey_refs"] = refs
    session.permanent = True


# ---- the start page -------------------------------------------------------------------------

@bp.route("/s/<code>")
def short_link(code):
    survey = builder.get_by_code(code)
    return redirect(url_for("surveys.start", survey_id=survey.id))


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@csrf.exempt
@kept_page(form_token=True)
def start(survey_id):
    survey, found = builder.get_with_draft(current_user, survey_id, _draft_secret(survey_id),
                                           with_structure=request.method == "POST")
    state = survey.state
    draft = _current(survey, found) if state == "open" else None
    error = None
    notice = None
    if request.method == "POST" and not _token_ok():
        notice = EXPIRED_NOTICE
    elif request.method == "POST":
        if state != "open":
            return redirect(url_for("surveys.start", survey_id=survey.id))
        if honeypot_tripped():
            bad_request("Your answers could not be accepted. If you are a person, go back and try again.")
        if draft is not None and draft.status == "draft":
            return redirect(url_for("surveys.page", survey_id=survey.id, index=_resume_index(survey, draft)))
        if survey.one_per_browser and _done_before(survey):
            return redirect(url_for("surveys.start", survey_id=survey.id))
        code = None
        if survey.codes_required:
            try:
                code = answering.check_code(survey, request.form.get("access_code", ""))
            except answering.AnswerError as problem:
                error = problem.message
        if error is None:
            response, secret = answering.start(survey, access_code=code)
            db.session.commit()
            _remember(survey.id, secret)
            first = answering.first_page(survey, {})
            if first is None:
                return redirect(url_for("surveys.check", survey_id=survey.id))
            return redirect(url_for("surveys.page", survey_id=survey.id, index=first))
    return render_template("surveys/start.html", survey=survey, state=state, draft=draft, error=error, notice=notice,
                           done_before=survey.one_per_browser and _done_before(survey),
                           manager=builder.can_manage(current_user, survey), short_url=short_url(survey),
                           versions=_versions(survey)), (400 if error else 200)


def _versions(survey) -> dict:
    """The languages and easy-read version the start page offers for this survey."""
    from ..core import content, i18n

    offered = content.offered_languages("survey", survey.id)
    here = url_for("surveys.start", survey_id=survey.id)
    return {
        "languages": [{"code": code, "name": i18n.language_name(code), "dir": i18n.direction(code),
                       "href": url_for("main.language", code=code, next=here)}
                      for code in offered if code != content.EASY_READ and code != i18n.current_language()],
        "easy_read": content.EASY_READ in offered,
        "reading_easy": content.reading_language() == content.EASY_READ,
    }


def _resume_index(survey, response) -> int:
    answers = answering.answers_of(response)
    index = response.last_page or 0
    page = answering.page_of(survey, index)
    if page is None or not answering.visible_on(survey, page, answers):
        nxt = answering.next_page(survey, answers, index)
        return nxt if nxt is not None else 0
    return index


def _journey(survey, response=_LOAD) -> SurveyResponse | None:
    response = _current(survey, response)
    if response is None:
        return None
    if response.status == "draft" and survey.state != "open":
        return None
    return response


_WITH_DRAFT = "engage.survey_with_draft"


def _with_draft(survey_id):
    """The survey and this browser's draft of it, read once per request (a question page's
    key, ``_on_page_key``, and the page itself both need them)."""
    loaded = request.environ.get(_WITH_DRAFT)   # this request's (g may outlive it: a test's app context)
    if loaded is None or loaded[0] != survey_id:
        loaded = request.environ[_WITH_DRAFT] = (
            survey_id, builder.get_with_draft(current_user, survey_id, _draft_secret(survey_id)))
    return loaded[1]


@dataclass
class _OnPage:
    """Everything of the resident's own that a question page shows (drawn from this alone,
    so a drawing is kept under it: ``_on_page_key``)."""
    answers: dict
    shown: list
    back: int | None
    position: int
    total: int
    preview: bool
    seed: int | None   # the resident's own option order, only when a shown question shuffles

    def key(self) -> tuple:
        values = tuple(json.dumps(self.answers.get(str(q.id)), sort_keys=True, default=str) for q in self.shown)
        return (tuple(q.id for q in self.shown), values, self.back, self.position, self.total, self.preview,
                self.seed, content.reading_language())


def _on_page(survey, response, the_page, index: int, answers: dict) -> _OnPage:
    shown = answering.visible_on(survey, the_page, answers)
    position, total = answering.progress(survey, answers, index)
    return _OnPage(answers, shown, answering.previous_page(survey, answers, index), position, total,
                   response.status == "preview", response.id if any(q.randomise for q in shown) else None)


def _on_page_key(survey_id, index):
    """A question page's kept-page key (engage/core/pagecache.py ``own``): None where the page
    redirects instead."""
    survey, found = _with_draft(survey_id)
    response = _journey(survey, found)
    the_page = answering.page_of(survey, index) if response is not None else None
    if the_page is None:
        return None
    on = _on_page(survey, response, the_page, index, answering.answers_of(response))
    return (survey.id, on.key()) if on.shown else None


@bp.route("/surveys/<int:survey_id>/page/<int:index>", methods=["GET", "POST"])
@csrf.exempt
@kept_page(form_token=True, own=_on_page_key, own_tables=frozenset({"survey_response"}), own_cookies=(DRAFT_COOKIE,))
def page(survey_id, index):
    survey, found = _with_draft(survey_id)
    response = _journey(survey, found)
    if response is None:
        return redirect(url_for("surveys.start", survey_id=survey.id))
    the_page = answering.page_of(survey, index)
    if the_page is None:
        return redirect(url_for("surveys.start", survey_id=survey.id))
    answers = answering.answers_of(response)
    if not answering.visible_on(survey, the_page, answers):
        nxt = answering.next_page(survey, answers, index)
        return redirect(url_for("surveys.page", survey_id=survey.id, index=nxt) if nxt is not None
                        else url_for("surveys.check", survey_id=survey.id))
    errors: dict[int, str] = {}
    notice = None
    if request.method == "POST" and not _token_ok():
        # Shown again as it was sent, with a fresh token; nothing is saved from this post.
        notice = EXPIRED_NOTICE
    elif request.method == "POST":
        if honeypot_tripped():
            bad_request("Your answers could not be accepted. If you are a person, go back and try again.")
        skip = "skip" in request.form and the_page.section.is_equality
        saving = "save" in request.form
        # "Save and come back later" keeps a page whose required questions are not answered
        # yet; an answer that cannot be accepted (a date that does not exist) is still said.
        result = answering.read_page(survey, response, the_page, request.form, skip=skip, require=not saving)
        if result.errors:
            errors = result.errors
        else:
            nxt = answering.next_page(survey, result.answers, index)
            # Where a resumed draft carries on: the page saved, or else the page after this one.
            answering.save_page(response, index if saving else (nxt if nxt is not None else index), result.answers)
            db.session.commit()
            if saving:
                return redirect(url_for("surveys.saved", survey_id=survey.id))
            if Query().flag("change") and not answering.missing_required(survey, result.answers):
                return redirect(url_for("surveys.check", survey_id=survey.id))
            return redirect(url_for("surveys.page", survey_id=survey.id, index=nxt) if nxt is not None
                            else url_for("surveys.check", survey_id=survey.id))
    on = _on_page(survey, response, the_page, index, answers)
    numbers = structure.numbers(survey)
    fields = [field(q, numbers[q.id], value=answers.get(str(q.id)), form=request.form if (errors or notice) else None,
                    error=errors.get(q.id), seed=on.seed) for q in on.shown]
    # Easy read: the picture beside each question that has one (no query for anyone else).
    shown_pictures = pictures.shown_for(q.id for q in on.shown) if content.reading_language() == content.EASY_READ else {}
    return render_template("surveys/page.html", survey=survey, page=the_page, fields=fields, errors=errors,
                           pictures=shown_pictures,
                           back=url_for("surveys.page", survey_id=survey.id, index=on.back) if on.back is not None
                           else url_for("surveys.start", survey_id=survey.id),
                           position=on.position, total=on.total, preview=on.preview, notice=notice,
                           action=url_for("surveys.page", survey_id=survey.id, index=index, change=Query().text("change") or None)), (400 if errors else 200)


@bp.route("/surveys/<int:survey_id>/check", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@csrf.exempt
def check(survey_id):
    survey, found = builder.get_with_draft(current_user, survey_id, _draft_secret(survey_id))
    refs = session.get("survey_refs", {})
    response = _journey(survey, found)
    if response is None:
        if request.method == "POST" and str(survey.id) in refs:
            # The same answers sent twice: they were stored once; show the confirmation again.
            return redirect(url_for("surveys.done", survey_id=survey.id), code=303)
        return redirect(url_for("surveys.start", survey_id=survey.id))
    answers = answering.answers_of(response)
    error = None
    email = ""
    notice = None
    if request.method == "POST" and not _token_ok():
        email = (request.form.get("email") or "").strip()[:254] if survey.ask_contact else ""
        notice = EXPIRED_NOTICE
    elif request.method == "POST":
        if honeypot_tripped():
            bad_request("Your answers could not be accepted. If you are a person, go back and try again.")
        email = (request.form.get("email") or "").strip() if survey.ask_contact else ""
        # What the redirect needs, read before the commit expires the objects (reading them
        # after it would load them again for nothing).
        the_id, reference = survey.id, response.reference
        try:
            clean = answering.clean_email(email) if email else None
            preview = response.status == "preview"
            completed = answering.submit(survey, response)
            if preview:
                db.session.delete(response)
            # The resident is told their answers are saved only after this commit returns.
            db.session.commit()
        except answering.MissingAnswers as problem:
            db.session.rollback()
            return redirect(url_for("surveys.page", survey_id=the_id, index=problem.page))
        except answering.AnswerError as problem:
            db.session.rollback()
            error = problem.message
        else:
            _forget(the_id)
            if preview:
                session["survey_preview_done"] = the_id
                return redirect(url_for("surveys.done", survey_id=the_id, preview=1), code=303)
            if completed:
                metrics.survey_submitted("online")
            if completed and clean:
                _keep_contact(survey, clean)
            _mark_done(the_id, reference)
            return redirect(url_for("surveys.done", survey_id=the_id), code=303)
    summary = answering.summary(survey, answers)
    numbers = structure.numbers(survey)
    back = answering.previous_page(survey, answers, len(structure.pages(survey)))
    return render_template("surveys/check.html", survey=survey, summary=summary, numbers=numbers, error=error, email=email,
                           notice=notice,
                           preview=response.status == "preview",
                           back=url_for("surveys.page", survey_id=survey.id, index=back) if back is not None
                           else url_for("surveys.start", survey_id=survey.id)), (400 if error else 200)


def _keep_contact(survey, email: str) -> None:
    """The address, in a transaction of its own after the answers' commit (so that nothing,
    not even the transaction, pairs it with the response). The answers are already saved, so
    a failure here is said on the next page, never a 500."""
    try:
        answering.add_contact(survey, email)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("A survey contact address could not be saved")
        flash(_("Your answers are saved, but we could not keep your email address. "
                "Check the consultation's page for the results instead."), "warning")


@bp.route("/surveys/<int:survey_id>/done")
def done(survey_id):
    survey = builder.get_for_public(current_user, survey_id)
    if Query().given("preview") and session.get("survey_preview_done") == survey.id:
        return render_template("surveys/done.html", survey=survey, reference=None, preview=True)
    reference = session.get("survey_refs", {}).get(str(survey.id))
    if not reference:
        return redirect(url_for("surveys.start", survey_id=survey.id))
    return render_template("surveys/done.html", survey=survey, reference=answering.show_reference(reference), preview=False)


# ---- save and come back later ---------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/saved")
def saved(survey_id):
    survey = builder.get_for_public(current_user, survey_id)
    response = _journey(survey)
    secret = _draft_secret(survey.id)
    if response is None or not secret:
        return redirect(url_for("surveys.start", survey_id=survey.id))
    # The code rides in the link's fragment (after #): browsers never send it to the server,
    # so it is in no access log. The resume page's script puts it in the form and sends it.
    link = url_for("surveys.resume", survey_id=survey.id, _external=True) + "#" + answering.show_secret(secret)
    return render_template("surveys/saved.html", survey=survey, link=link, code=answering.show_secret(secret),
                           next_index=_resume_index(survey, response), days=answering.draft_days())


def _resume_limit():
    return current_app.config.get("ENGAGE_SURVEY_RESUME_LIMIT", "10 per minute;30 per hour")


@bp.route("/surveys/<int:survey_id>/resume", methods=["GET", "POST"])
@limiter.limit(_resume_limit, methods=["POST"])
@keeps_answers_when_limited
@csrf.exempt
def resume(survey_id):
    """Carry on with saved answers: the code is typed (or put there by the link's script) and
    posted, never part of an address. Looking codes up is rate limited per address."""
    survey = builder.get_for_public(current_user, survey_id)
    error = None
    notice = None
    status = 400
    if request.method == "POST" and not _token_ok():
        notice = EXPIRED_NOTICE
    elif request.method == "POST":
        limited = breach()
        if limited is not None:
            error, status = limited.said("codes"), 429
        else:
            secret = (request.form.get("code") or "").strip().lower().replace("-", "").replace(" ", "")
            response = answering.load(survey, secret)
            if response is None or response.status != "draft":
                error = _("That code does not match any saved answers to this survey. Check it and try again")
            elif answering.is_expired(response):
                error = (f"These answers were saved more than {answering.draft_days()} days ago, so they can no longer "
                         "be used. Start the survey again")
            elif survey.state != "open":
                error = _("This survey has closed, so saved answers can no longer be finished")
            else:
                _remember(survey.id, secret)
                return redirect(url_for("surveys.page", survey_id=survey.id, index=_resume_index(survey, response)))
    return render_template("surveys/resume.html", survey=survey, error=error, notice=notice), (status if error else 200)


@bp.route("/surveys/<int:survey_id>/resume/<path:_old>")
def resume_link(survey_id, _old):
    """Links given out before the code moved out of the address: they no longer open saved
    answers (an address is logged and can be replayed); they lead to the code form."""
    survey = builder.get_for_public(current_user, survey_id)
    return redirect(url_for("surveys.resume", survey_id=survey.id))


# ---- reaching people: the short link, the QR code, the poster and the paper version --------

def short_url(survey) -> str:
    return url_for("surveys.short_link", code=survey.code, _external=True)


def outline(survey) -> dict:
    """What the builder and the paper version show of a survey's structure."""
    return {"numbers": structure.numbers(survey),
            "rules": {q.id: structure.describe_rule(survey, q.rule) for q in survey.questions},
            "section_rules": {s.id: structure.describe_rule(survey, s.rule) for s in survey.sections},
            # the paper version says the same as whole sentences of its own: "Answer only if ..."
            "paper_rules": {q.id: structure.describe_rule(survey, q.rule, lead="answer") for q in survey.questions},
            "paper_section_rules": {s.id: structure.describe_rule(survey, s.rule, lead="answer-section") for s in survey.sections},
            "sections": sorted(survey.sections, key=lambda s: (s.position, s.id)), "short_url": short_url(survey)}


def _qr(survey):
    import segno

    return segno.make(short_url(survey), error="m")


@bp.route("/surveys/<int:survey_id>/qr.svg")
def qr_code(survey_id):
    import io

    survey = builder.get_for_public(current_user, survey_id)
    buffer = io.BytesIO()
    _qr(survey).save(buffer, kind="svg", scale=8, border=2, title=f"QR code for {survey.title}", svgclass=None, lineclass=None)
    return Response(buffer.getvalue(), mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'inline; filename="survey-{survey.id}-qr.svg"'})


@bp.route("/surveys/<int:survey_id>/qr.png")
def qr_png(survey_id):
    """The same code as a picture file, for leaflets made in programs that take no SVG."""
    import io

    survey = builder.get_for_public(current_user, survey_id)
    buffer = io.BytesIO()
    _qr(survey).save(buffer, kind="png", scale=12, border=2)
    return Response(buffer.getvalue(), mimetype="image/png",
                    headers={"Content-Disposition": f'inline; filename="survey-{survey.id}-qr.png"'})


@bp.route("/surveys/<int:survey_id>/paper")
def paper(survey_id):
    """The printable paper version: for anyone who can answer the survey (residents, a group
    leader handing out copies) while it is open or about to open; for its editors always."""
    survey = builder.get_for_handout(current_user, survey_id)
    printable = paper_languages(survey)
    chosen = Query().text("language") or i18n.default_language()
    if chosen not in printable:
        not_found(_("The paper version of this survey is not printed in that language. It prints in: %(languages)s.",
                    languages=", ".join(content.variant_name(code) for code in printable)))
    # The survey's own texts in the chosen version (tx reads it), the paper's fixed words from
    # the catalogue of that language (easy read keeps the site's own words).
    locale = i18n.default_language() if chosen == content.EASY_READ else chosen
    content.use_version(chosen)
    with force_locale(locale):
        parts = outline(survey)   # the rules' wording as whole sentences in the paper's language
        return render_template("surveys/manage/paper.html", survey=survey, manager=builder.can_manage(current_user, survey),
                               language=chosen, print_in=[(code, content.variant_name(code)) for code in printable if code != chosen],
                               **parts)


def paper_languages(survey) -> list[str]:
    """The versions a survey's paper copy prints in: the site's own language and each language
    (or easy read) the survey is offered in (complete and up to date)."""
    return [i18n.default_language()] + [code for code in content.offered_languages("survey", survey.id)
                                        if code == content.EASY_READ or code in i18n.languages()]


@bp.route("/surveys/<int:survey_id>/poster")
def poster(survey_id):
    """A poster to print on one page: the QR code, the short link, the closing date and where
    to get a paper copy, and nothing of the site's navigation."""
    survey = builder.get_for_handout(current_user, survey_id)
    return render_template("surveys/poster.html", survey=survey, short_url=short_url(survey),
                           manager=builder.can_manage(current_user, survey))
