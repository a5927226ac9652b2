"""The follow pages: the form, "check your email", confirm, and stop (one click)."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from ..core.errors import RuleError, bad_request, not_found
from ..core.forms import attach_error
from ..core.i18n import gettext
from ..core.limits import breach, honeypot_tripped, keeps_answers_when_limited
from ..core.params import Query, to_id
from ..extensions import csrf, db, limiter
from ..partnership.places import PlaceChoice, resolve_place
from ..partnership.services import area_choices
from . import bp, forms, services


def _limit():
    return current_app.config.get("ENGAGE_FOLLOW_RATE_LIMIT", "20 per hour")


def _asked():
    """(kind, target id, place choice) from the page's address."""
    args = Query()
    if args.given("consultation"):
        return "consultation", args.id("consultation"), None
    if args.given("priority"):
        return "priority", args.id("priority"), None
    if args.text("what") == "you-said-we-did":
        return "you-said-we-did", 0, None
    return "place", args.id("area") if args.given("area") else args.id("place"), None


def _page(form, kind, target, place, status=200, place_error=None):
    return render_template("follow/follow.html", form=form, kind=kind, target=target, place=place,
                           place_error=place_error or place.error, areas=area_choices() if kind == "place" else [],
                           args=Query()), status


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@keeps_answers_when_limited
def follow():
    kind, target_id, _ = _asked()
    target = None
    place = PlaceChoice()
    if kind == "place":
        area = to_id(request.form.get("area", target_id or "")) if request.method == "POST" else target_id
        postcode = (request.form.get("postcode") or "")[:20] if request.method == "POST" else ""
        place = resolve_place(area, postcode)
        target_id = place.area_id
        target = services.target("place", target_id) if target_id else None
    else:
        target = services.target(kind, target_id)
        if target is None:
            not_found(gettext("There is nothing with that number to follow. It may have been removed."))
    form = forms.FollowForm()
    if request.method == "GET":
        return _page(form, kind, target, place)
    limited = breach()
    if limited is not None:
        form.form_errors.append(limited.message)
        return _page(form, kind, target, place, 429)
    if honeypot_tripped():
        bad_request(gettext("Your request could not be accepted. If you are a person, go back and try again."))
    valid = form.validate_on_submit()
    place_error = place.error
    if kind == "place" and not place_error and target is None:
        place_error = gettext("Select your area from the list, or enter your postcode")
    if not valid or place_error:
        return _page(form, kind, target, place, 400, place_error)
    try:
        services.start(form.email.data, kind, target_id, form.cadence.data)
    except RuleError as error:
        db.session.rollback()
        attach_error(form, error)
        return _page(form, kind, target, place, 400)
    db.session.commit()
    return redirect(url_for("follow.check_email"))


@bp.route("/follow/check-your-email")
def check_email():
    return render_template("follow/check_email.html")


def _follow_or_404(token):
    follow = services.by_token(token)
    if follow is None:
        not_found(gettext("This link does not work any more. The emails may have been stopped already, "
                          "or the link was not copied in full."))
    return follow


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    follow = _follow_or_404(token)
    form = forms.ConfirmForm()
    target = services.target_of(follow)
    if request.method == "POST":
        if not form.validate_on_submit():
            bad_request(gettext("Your confirmation could not be accepted. Open the link in the email again and press the button."))
        services.confirm(follow)
        db.session.commit()
        return render_template("follow/confirmed.html", follow=follow, target=target)
    if follow.confirmed_at is not None:
        return render_template("follow/confirmed.html", follow=follow, target=target)
    return render_template("follow/confirm.html", follow=follow, target=target, form=form)


@bp.route("/follow/stop/<token>", methods=["GET", "POST"])
@csrf.exempt      # the secret token is the proof; mail programs POST here with no page (RFC 8058)
def unsubscribe(token):
    if request.method == "POST":
        follow = services.by_token(token)
        if follow is not None:
            target = services.target_of(follow)
            services.unsubscribe(follow)
            db.session.commit()
        else:
            target = None
        return render_template("follow/stopped.html", target=target)
    follow = _follow_or_404(token)
    return render_template("follow/stop.html", follow=follow, target=services.target_of(follow))


@bp.route("/follow/stop-all/<token>", methods=["GET", "POST"])
@csrf.exempt      # the secret token is the proof; mail programs POST here with no page (RFC 8058)
def stop_all(token):
    address = services.address_by_token(token)
    if request.method == "POST":
        names = services.stop_all(address) if address is not None else []
        db.session.commit()
        return render_template("follow/stopped_all.html", names=names)
    if address is None:
        not_found(gettext("This link does not work any more. The emails may have been stopped already, "
                          "or the link was not copied in full."))
    return render_template("follow/stop_all.html", names=[services.target_of(f).name for f in services.confirmed_follows(address)])


def consultation_panel(consultation, user):
    """On a public consultation's page: a link to get emails about it."""
    if consultation.visibility != "public":
        return None
    return Markup(render_template("follow/_link.html", href=url_for("follow.follow", consultation=consultation.id),
                                  text=gettext("Get emails about this consultation")))
