"""The public strategy page, and the officers' pages for the partnership's reference data."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import COORDINATOR, OFFICER
from ..core.audit import history
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.deletion import DeleteRefused
from ..core.i18n import N_, gettext as _, lazy_gettext as _l
from ..core.sanitise import clean_text
from ..core.security import role_required
from ..extensions import db
from . import bp, forms, services
from .models import Area, Framework, Indicator, IndicatorReading, Organisation, Outcome, Partnership, Priority, Theme


@dataclass
class Entity:
    """A kind of reference data on the officers' pages. ``label``, ``plural``, ``hint`` and the
    column headings are lazily translated (shown in the reader's language); ``words`` are the
    kind's own whole sentences, marked with ``N_`` and translated where they are shown; ``audit``
    names the kind in the audit trail (in the site's own language)."""

    model: type
    form: type
    label: object
    plural: object
    columns: list[tuple[object, str]]
    order: Callable
    choices: dict[str, Callable] = field(default_factory=dict)
    hint: object = ""
    words: dict[str, str] = field(default_factory=dict)
    audit: str = ""


def _words(add, none_yet, back, saved, gone, deleted) -> dict[str, str]:
    return {"add": add, "none": none_yet, "back": back, "saved": saved, "gone": gone, "deleted": deleted}


ENTITIES: dict[str, Entity] = {
    "organisations": Entity(Organisation, forms.OrganisationForm, _l("Organisation"), _l("Organisations"),
                            [(_l("Name"), "name"), (_l("Kind"), "kind_label"), (_l("Website"), "website")], lambda: Organisation.name,
                            hint=_l("Councils, police, health, colleges, businesses and voluntary and community groups."),
                            words=_words(N_("Add organisation"), N_("There are no organisations yet."), N_("Back to organisations"),
                                         N_("Organisation “%(name)s” saved."), N_("This organisation has been deleted by someone else."),
                                         N_("Organisation deleted.")), audit="Organisation"),
    "partnerships": Entity(Partnership, forms.PartnershipForm, _l("Partnership"), _l("Partnerships"),
                           [(_l("Name"), "name"), (_l("Short name"), "short_name"), (_l("Part of"), "parent")], lambda: Partnership.name,
                           {"parent_id": services.partnership_choices},
                           hint=_l("The strategic partnership and each priority partnership, with members and coordinators."),
                           words=_words(N_("Add partnership"), N_("There are no partnerships yet."), N_("Back to partnerships"),
                                        N_("Partnership “%(name)s” saved."), N_("This partnership has been deleted by someone else."),
                                        N_("Partnership deleted.")), audit="Partnership"),
    "frameworks": Entity(Framework, forms.FrameworkForm, _l("Priority framework"), _l("Priority frameworks"),
                         [(_l("Name"), "name"), (_l("Period"), "period")], lambda: Framework.starts_on,
                         hint=_l("Each version of the partnership's priorities, and how its priorities map to the next."),
                         words=_words(N_("Add priority framework"), N_("There are no priority frameworks yet."),
                                      N_("Back to priority frameworks"), N_("Priority framework “%(name)s” saved."),
                                      N_("This priority framework has been deleted by someone else."), N_("Priority framework deleted.")),
                         audit="Priority framework"),
    "priorities": Entity(Priority, forms.PriorityForm, _l("Priority"), _l("Priorities"),
                         [(_l("Name"), "name"), (_l("Framework"), "framework"), (_l("Owned by"), "partnership")], lambda: (Priority.framework_id, Priority.position),
                         {"framework_id": services.framework_choices, "partnership_id": services.partnership_choices},
                         words=_words(N_("Add priority"), N_("There are no priorities yet."), N_("Back to priorities"),
                                      N_("Priority “%(name)s” saved."), N_("This priority has been deleted by someone else."),
                                      N_("Priority deleted.")), audit="Priority"),
    "themes": Entity(Theme, forms.ThemeForm, _l("Cross-cutting theme"), _l("Cross-cutting themes"),
                     [(_l("Name"), "name"), (_l("Framework"), "framework")], lambda: (Theme.framework_id, Theme.position),
                     {"framework_id": services.framework_choices},
                     words=_words(N_("Add cross-cutting theme"), N_("There are no cross-cutting themes yet."),
                                  N_("Back to cross-cutting themes"), N_("Cross-cutting theme “%(name)s” saved."),
                                  N_("This cross-cutting theme has been deleted by someone else."), N_("Cross-cutting theme deleted.")),
                     audit="Cross-cutting theme"),
    "outcomes": Entity(Outcome, forms.OutcomeForm, _l("Outcome"), _l("Outcomes"),
                       [(_l("Code"), "code"), (_l("Title"), "title"), (_l("Priority"), "priority")], lambda: Outcome.code,
                       {"priority_id": services.priority_choices},
                       words=_words(N_("Add outcome"), N_("There are no outcomes yet."), N_("Back to outcomes"),
                                    N_("Outcome “%(name)s” saved."), N_("This outcome has been deleted by someone else."),
                                    N_("Outcome deleted.")), audit="Outcome"),
    "indicators": Entity(Indicator, forms.IndicatorForm, _l("Indicator"), _l("Indicators"),
                         [(_l("Indicator"), "name"), (_l("Outcome"), "outcome"), (_l("Status"), "status")], lambda: Indicator.id,
                         {"outcome_id": services.outcome_choices, "lead_organisation_id": services.organisation_choices},
                         words=_words(N_("Add indicator"), N_("There are no indicators yet."), N_("Back to indicators"),
                                      N_("Indicator “%(name)s” saved."), N_("This indicator has been deleted by someone else."),
                                      N_("Indicator deleted.")), audit="Indicator"),
    "areas": Entity(Area, forms.AreaForm, _l("Area"), _l("Areas"),
                    [(_l("Name"), "name"), (_l("Level"), "level_label"), (_l("Inside"), "parent"), (_l("Population"), "population")], lambda: Area.name,
                    {"parent_id": services.area_choices},
                    hint=_l("The tree of places: borough, towns, wards, neighbourhoods and small areas, with populations."),
                    words=_words(N_("Add area"), N_("There are no areas yet."), N_("Back to areas"), N_("Area “%(name)s” saved."),
                                 N_("This area has been deleted by someone else."), N_("Area deleted.")), audit="Area"),
}


def _entity(name: str) -> Entity:
    entity = ENTITIES.get(name)
    if entity is None:
        abort(404)
    return entity


def _form_data(form) -> dict:
    data = {}
    for fld in form:
        if fld.name in {"submit", "csrf_token", "version"}:
            continue
        value = fld.data
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, str):
            value = clean_text(value)
        data[fld.name] = value
    if "position" in data and data["position"] is None:
        data["position"] = 0
    return data


def _bind(entity: Entity, obj=None):
    form = entity.form(obj=obj)
    for name, choices in entity.choices.items():
        getattr(form, name).set_choices(choices())
    return form


# ---- public ------------------------------------------------------------------------------

# /strategy itself is the engagement strategy (engage/strategy); the priorities and the
# outcomes have pages of their own a click away, and the older addresses redirect there.

def _frameworks():
    frameworks = db.session.scalars(select(Framework).order_by(Framework.starts_on.desc())).all()
    return frameworks, (frameworks[0] if frameworks else None)


@bp.route("/strategy/priorities")
def priorities():
    frameworks, current = _frameworks()
    partnerships = db.session.scalars(select(Partnership).order_by(Partnership.kind.desc(), Partnership.name)).all()
    return render_template("partnership/priorities.html", frameworks=frameworks, current=current,
                           partnerships=partnerships, status_labels=services.STATUS_LABELS)


@bp.route("/strategy/outcomes")
def outcomes():
    frameworks, current = _frameworks()
    return render_template("partnership/outcomes.html", current=current, status_labels=services.STATUS_LABELS)


@bp.route("/strategy/overview")
def strategy():
    """The endpoint the strategy page had before (``url_for("partnership.strategy")``)."""
    return redirect(url_for("strategy.index"), 301)


@bp.route("/priorities")
@bp.route("/strategy/frameworks")
def old_priorities():
    return redirect(url_for("partnership.priorities"), 301)


@bp.route("/outcomes")
@bp.route("/strategy/indicators")
def old_outcomes():
    return redirect(url_for("partnership.outcomes"), 301)


@bp.route("/strategy/indicators/<int:indicator_id>")
def indicator(indicator_id):
    ind = services.get_or_404(Indicator, indicator_id)
    return render_template("partnership/indicator.html", indicator=ind, status_labels=services.STATUS_LABELS,
                           expected=services.expected_value(ind, ind.latest.taken_on) if ind.latest else None)


@bp.route("/places")
def places():
    areas = db.session.scalars(select(Area).where(Area.parent_id.is_(None)).order_by(Area.name)).all()
    return render_template("partnership/places.html", roots=areas)


# ---- officers ----------------------------------------------------------------------------

@bp.route("/admin/reference")
@role_required(OFFICER)
def admin_index():
    counts = {name: db.session.scalar(select(db.func.count()).select_from(e.model)) for name, e in ENTITIES.items()}
    return render_template("partnership/admin_index.html", entities=ENTITIES, counts=counts)


@bp.route("/admin/reference/<name>")
@role_required(OFFICER)
def admin_list(name):
    entity = _entity(name)
    order = entity.order()
    rows = db.session.scalars(select(entity.model).order_by(*(order if isinstance(order, tuple) else (order,)))).all()
    return render_template("partnership/admin_list.html", name=name, entity=entity, rows=rows, status_labels=services.STATUS_LABELS)


@bp.route("/admin/reference/<name>/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_new(name):
    return _edit(name, None)


@bp.route("/admin/reference/<name>/<int:object_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_edit(name, object_id):
    return _edit(name, object_id)


def _edit(name, object_id):
    entity = _entity(name)
    obj = services.get_or_404(entity.model, object_id) if object_id is not None else None
    form = _bind(entity, obj)
    conflict = None
    if form.validate_on_submit():
        try:
            saved = services.save(current_user, obj or entity.model(), _form_data(form), entity.audit,
                                  version=form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, entity.model, object_id, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
        except services.RuleError as error:
            db.session.rollback()
            target = getattr(form, error.field, None) if error.field else None
            (target.errors if target is not None else form.form_errors).append(str(error))
        else:
            db.session.commit()
            flash(_(entity.words["saved"], name=saved), "success")
            return redirect(url_for("partnership.admin_edit", name=name, object_id=saved.id))
    if obj is not None and conflict is not None and conflict.gone:
        flash(_(entity.words["gone"]), "error")
        return redirect(url_for("partnership.admin_list", name=name))
    extra = _extra_forms(obj) if obj is not None else {}
    status = 409 if conflict else (400 if form.errors or form.form_errors else 200)
    return render_template("partnership/admin_form.html", name=name, entity=entity, obj=obj, form=form, conflict=conflict,
                           history=history(obj) if obj is not None else [], status_labels=services.STATUS_LABELS, **extra), status


def _extra_forms(obj) -> dict:
    if isinstance(obj, Priority):
        form = forms.SuccessorsForm(successor_ids=[s.id for s in obj.successors], version=obj.version)
        form.successor_ids.choices = [(pid, label) for pid, label in services.priority_choices()
                                      if pid != obj.id and db.session.get(Priority, pid).framework_id != obj.framework_id]
        return {"successors_form": form}
    if isinstance(obj, Partnership):
        form = forms.MembersForm(organisation_ids=[o.id for o in obj.members], coordinator_ids=[u.id for u in obj.coordinators],
                                 version=obj.version)
        form.organisation_ids.choices = services.organisation_choices()
        form.coordinator_ids.choices = _coordinator_choices()
        return {"members_form": form}
    if isinstance(obj, Indicator):
        return {"reading_form": forms.ReadingForm()}
    return {}


def _coordinator_choices():
    users = db.session.scalars(select(User).where(User.role.in_([COORDINATOR, OFFICER]), User.active.is_(True)).order_by(User.name))
    return [(u.id, f"{u.name} ({u.email})") for u in users]


def _shown_again(name: str, obj, **posted_forms):
    """The edit page again with a side form as it was posted (its errors and every tick kept)."""
    entity = ENTITIES[name]
    extra = {**_extra_forms(obj), **posted_forms}
    return render_template("partnership/admin_form.html", name=name, entity=entity, obj=obj, form=_bind(entity, obj),
                           history=history(obj), status_labels=services.STATUS_LABELS, **extra), 400


@bp.route("/admin/reference/priorities/<int:object_id>/successors", methods=["POST"])
@role_required(OFFICER)
def admin_successors(object_id):
    priority = services.get_or_404(Priority, object_id)
    form = forms.SuccessorsForm()
    form.successor_ids.choices = _extra_forms(priority)["successors_form"].successor_ids.choices
    if form.validate_on_submit():
        try:
            services.set_successors(current_user, priority, form.successor_ids.data or [], version=form.version.data)
        except (EditConflict, *CONFLICTS):
            db.session.rollback()
            flash(_("Someone else changed this priority after you opened the page, so the mapping has not been saved. "
                    "Check the mapping below and save it again."), "error")
            return redirect(url_for("partnership.admin_edit", name="priorities", object_id=priority.id))
        except services.RuleError as error:
            db.session.rollback()
            form.successor_ids.errors = list(form.successor_ids.errors or []) + [str(error)]
        else:
            db.session.commit()
            flash(_("Mapping saved."), "success")
            return redirect(url_for("partnership.admin_edit", name="priorities", object_id=priority.id))
    return _shown_again("priorities", priority, successors_form=form)


@bp.route("/admin/reference/partnerships/<int:object_id>/members", methods=["POST"])
@role_required(OFFICER)
def admin_members(object_id):
    partnership = services.get_or_404(Partnership, object_id)
    form = forms.MembersForm()
    form.organisation_ids.choices = services.organisation_choices()
    form.coordinator_ids.choices = _coordinator_choices()
    if form.validate_on_submit():
        try:
            services.set_members(current_user, partnership, form.organisation_ids.data or [], form.coordinator_ids.data or [],
                                 version=form.version.data)
        except (EditConflict, *CONFLICTS):
            db.session.rollback()
            flash(_("Someone else changed this partnership after you opened the page, so the members have not been saved. "
                    "Check the members and coordinators below and save them again."), "error")
        else:
            db.session.commit()
            flash(_("Members and coordinators saved."), "success")
        return redirect(url_for("partnership.admin_edit", name="partnerships", object_id=partnership.id))
    return _shown_again("partnerships", partnership, members_form=form)


@bp.route("/admin/reference/indicators/<int:object_id>/readings", methods=["POST"])
@role_required(OFFICER)
def admin_reading(object_id):
    indicator = services.get_or_404(Indicator, object_id)
    form = forms.ReadingForm()
    if form.validate_on_submit():
        data = {"indicator_id": indicator.id, "taken_on": form.taken_on.data, "value": form.value.float_data(), "note": clean_text(form.note.data)}
        try:
            services.save(current_user, IndicatorReading(), data, "Reading")
        except services.RuleError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Reading added. The status has been worked out again."), "success")
            return redirect(url_for("partnership.admin_edit", name="indicators", object_id=indicator.id))
    entity = ENTITIES["indicators"]
    edit_form = _bind(entity, indicator)
    return render_template("partnership/admin_form.html", name="indicators", entity=entity, obj=indicator, form=edit_form,
                           reading_form=form, history=history(indicator), status_labels=services.STATUS_LABELS), 400


@bp.route("/admin/reference/<name>/<int:object_id>/delete", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_delete(name, object_id):
    entity = _entity(name)
    obj = services.get_or_404(entity.model, object_id)
    form = forms.ConfirmDeleteForm()
    if form.validate_on_submit():
        try:
            services.delete(current_user, obj, entity.audit)
        except DeleteRefused as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_(entity.words["deleted"]), "success")
            return redirect(url_for("partnership.admin_list", name=name))
    plan = services.delete_plan(obj)
    status = 409 if form.form_errors else 200
    return render_template("partnership/admin_delete.html", name=name, entity=entity, obj=obj, form=form, plan=plan), status
