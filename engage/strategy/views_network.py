"""Pages of the Network Group: the directory, joining and leaving, events and their
iCalendar feed, and naming the members who helped with a consultation."""
from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.params import Query
from ..accounts.roles import OFFICER
from ..core import deletion
from ..core.audit import history
from ..core.errors import bad_request
from ..core.i18n import gettext, ngettext
from ..core.params import to_id
from ..core.security import role_required
from ..core.urls import public_host
from ..core.vocabulary import AUDIENCES
from ..extensions import db
from . import bp, network
from ..core.forms import form_status
from .common import EditConflict, RuleError, get_or_404
from .forms import ConfirmForm, EventForm, HelperForm, MemberForm
from .models import NetworkEvent, NetworkMember
from ..core.concurrency import CONFLICTS
from .views import apply_error, conflict_view
from ..core import clock


@bp.route("/network")
def network_index():
    args = Query()
    method = args.choice("method", dict(network.method_choices()))
    area = args.id("area")
    audience = args.choice("audience", AUDIENCES)
    rows = network.members(method, area, audience)
    return render_template("strategy/network.html", members=rows, show_contact=network.can_see_contact(current_user),
                           me=network.member_of(current_user), audiences=AUDIENCES, methods=network.method_choices(),
                           areas=network.area_choices(), chosen={"method": method, "area": area, "audience": audience},
                           upcoming=network.events(current_user, clock.utcnow())[:3])


@bp.route("/network/members/<member_id>")
def member(member_id):
    m = get_or_404(NetworkMember, member_id, "There is no network member at this address.")
    return render_template("strategy/member.html", member=m, show_contact=network.can_see_contact(current_user), audiences=AUDIENCES,
                           is_me=current_user.is_authenticated and m.user_id == current_user.id, network_methods=network.method_titles)


def _member_form(member=None):
    form = MemberForm(obj=member) if request.method == "GET" else MemberForm()
    if request.method == "GET":
        if member is None:
            form.organisation_id.data = current_user.organisation_id
            form.contact_email.data = current_user.email
        else:
            form.area_ids.data = [a.id for a in member.areas]
    form.organisation_id.set_choices(network.organisation_choices())
    form.methods.choices = network.method_choices()
    form.area_ids.choices = network.area_choices()
    return form


@bp.route("/network/join", methods=["GET", "POST"])
@login_required
def join():
    me = network.member_of(current_user)
    form = _member_form(me)
    conflict = None
    if form.validate_on_submit():
        try:
            saved = network.join_or_update(current_user, {f.name: f.data for f in form}, form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, NetworkMember, me.id if me else 0, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Your Network Group entry is saved." if me else "You have joined the Network Group.", "success")
            return redirect(url_for("strategy.member", member_id=saved.id))
    return render_template("strategy/join.html", form=form, me=network.member_of(current_user), conflict=conflict), form_status(form, conflict)


@bp.route("/network/members/<member_id>/remove", methods=["GET", "POST"])
@login_required
def member_remove(member_id):
    m = get_or_404(NetworkMember, member_id, "There is no network member at this address.")
    if not (current_user.has_role(OFFICER) or m.user_id == current_user.id):
        from flask import abort

        abort(403)
    form = ConfirmForm()
    helped = len(network.db.session.scalars(db.select(network.ConsultationHelper).where(network.ConsultationHelper.member_id == m.id)).all())
    if form.validate_on_submit():
        try:
            network.leave(current_user, m)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Taken out of the Network Group directory.", "success")
            return redirect(url_for("strategy.network_index"))
    question = (gettext("Delete your entry in the Network Group directory?") if m.user_id == current_user.id
                else gettext("Delete %(name)s's entry in the Network Group directory?", name=m.name))
    return render_template("strategy/confirm_delete.html", form=form, question=question, plan=deletion.plan(m),
                           goes_with=[ngettext("being named as a helper on %(num)s consultation", "being named as a helper on %(num)s consultations", helped)] if helped else [],
                           back=url_for("strategy.member", member_id=m.id))


# ---- events -------------------------------------------------------------------------------

@bp.route("/network/events")
def events():
    now = clock.utcnow()
    return render_template("strategy/events.html", upcoming=network.events(current_user, now), past=network.past_events(current_user, now)[:10])


@bp.route("/network/events/<event_id>")
def event(event_id):
    e = network.get_event(current_user, event_id)
    return render_template("strategy/event.html", event=e)


@bp.route("/network/events.ics")
def events_ics():
    rows = network.events(current_user)
    body = network.to_ical(rows, current_app.config["ENGAGE_SITE_NAME"], public_host(),
                           lambda e: url_for("strategy.event", event_id=e.id, _external=True))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=network-events.ics"})


def _event_form(e=None):
    if request.method == "GET":
        form = EventForm(obj=e)
        if e is not None:
            form.starts_on.data = clock.local_day(e.starts_at)
            form.start_time.data = clock.local(e.starts_at).strftime("%H:%M")
            form.end_time.data = clock.local(e.ends_at).strftime("%H:%M")
    else:
        form = EventForm()
    return form


def _event_data(form) -> dict:
    data = {f.name: f.data for f in form}
    day, start, end = form.starts_on.data, form.start_time.parsed(), form.end_time.parsed()
    data["starts_at"] = clock.from_local(day, start) if day and start else None
    data["ends_at"] = clock.from_local(day, end) if day and end else None
    return data


@bp.route("/admin/network/events/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_event_new():
    return _event(None)


@bp.route("/admin/network/events/<event_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_event(event_id):
    return _event(get_or_404(NetworkEvent, event_id, "There is no event at this address."))


def _event(e):
    form = _event_form(e)
    conflict = None
    if form.validate_on_submit():
        try:
            saved = network.save_event(current_user, e, _event_data(form), form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, NetworkEvent, e.id, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            # A start or end time the clock change skips or repeats: say which moment it is.
            notes = [clock.describe_gap(form.starts_on.data, t) for t in (form.start_time.parsed(), form.end_time.parsed())]
            flash(" ".join(["Event saved."] + list(dict.fromkeys(n for n in notes if n))), "success")
            return redirect(url_for("strategy.event", event_id=saved.id))
    e = db.session.get(NetworkEvent, e.id) if e is not None else None
    return render_template("strategy/admin_form.html", form=form, obj=e, conflict=conflict, caption=gettext("Network event"),
                           title=e.title if e else gettext("Arrange an event"), back=url_for("strategy.events"),
                           delete=url_for("strategy.admin_event_delete", event_id=e.id) if e else None,
                           history=history(e) if e else []), form_status(form, conflict)


@bp.route("/admin/network/events/<event_id>/delete", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_event_delete(event_id):
    e = get_or_404(NetworkEvent, event_id, "There is no event at this address.")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            network.delete_event(current_user, e)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Event deleted.", "success")
            return redirect(url_for("strategy.events"))
    return render_template("strategy/confirm_delete.html", form=form, question=gettext("Delete the event “%(title)s”?", title=e.title), goes_with=[], plan=deletion.plan(e),
                           back=url_for("strategy.admin_event", event_id=e.id))


# ---- helpers on consultations ----------------------------------------------------------------

def _consultation_for_edit(consultation_id):
    from ..consultations.services import get_for_edit

    return get_for_edit(current_user, to_id(consultation_id) or -1)


def _helper_form(consultation, form=None):
    form = form or HelperForm()
    named = {h.member_id for h in network.helpers_of(consultation.id)}
    form.member_id.set_choices([(m.id, f"{m.name}{' (' + m.organisation.name + ')' if m.organisation else ''}")
                                for m in network.members() if m.id not in named])
    return form


@bp.route("/consultations/<consultation_id>/network-helpers", methods=["GET", "POST"])
@login_required
def helpers(consultation_id):
    c = _consultation_for_edit(consultation_id)
    form = _helper_form(c)
    if form.validate_on_submit():
        try:
            network.add_helper(current_user, c, form.member_id.data, form.role.data)
        except RuleError as error:
            apply_error(form, error)
            c = _consultation_for_edit(consultation_id)
            form = _helper_form(c, form)
        else:
            db.session.commit()
            flash("Network member named.", "success")
            return redirect(url_for("strategy.helpers", consultation_id=c.id))
    return render_template("strategy/helpers.html", consultation=c, helpers=network.helpers_of(c.id), form=form,
                           remove_form=ConfirmForm()), form_status(form)


@bp.route("/consultations/<consultation_id>/network-helpers/<helper_id>/remove", methods=["POST"])
@login_required
def helper_remove(consultation_id, helper_id):
    c = _consultation_for_edit(consultation_id)
    if not ConfirmForm().validate_on_submit():
        bad_request("The form had expired. Go back and try again.")
    try:
        network.remove_helper(current_user, c, helper_id)
    except RuleError as error:
        db.session.rollback()
        bad_request(str(error))
    db.session.commit()
    flash("Taken off the list.", "success")
    return redirect(url_for("strategy.helpers", consultation_id=c.id))
