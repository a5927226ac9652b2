from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..accounts.roles import OFFICER
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.errors import RuleError
from ..core.forms import attach_error, form_status
from ..core.i18n import gettext as _
from ..core.security import role_required
from ..extensions import db
from . import bp, services
from .forms import AccessibilityStatementForm
from .models import AccessibilityStatement


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/accessibility")
def accessibility():
    statement = services.statement()
    return render_template("main/accessibility.html", statement=statement or services.draft(),
                           missing=services.missing(statement), overdue=services.review_overdue(statement))


@bp.route("/admin/accessibility-statement", methods=["GET", "POST"])
@role_required(OFFICER)
def accessibility_edit():
    statement = services.statement()
    form = AccessibilityStatementForm(obj=statement or services.draft())
    conflict = None
    if form.validate_on_submit():
        try:
            services.save(current_user, {name: form[name].data for name in services.FIELDS}, version=form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, AccessibilityStatement, statement.id if statement else 0, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("The accessibility statement has been saved."), "success")
            return redirect(url_for("main.accessibility_edit"))
    return render_template("main/accessibility_edit.html", form=form, conflict=conflict, statement=statement,
                           missing=services.missing(statement)), form_status(form, conflict)


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/contact")
def contact():
    return render_template("main/contact.html")


@bp.route("/glossary")
def glossary():
    from ..core.glossary import TERMS
    from ..core.i18n import gettext

    # Each term and its meaning in the reader's language (looked up here, not in the template:
    # a meaning may hold a percent sign, which a template's translation call would read as a
    # placeholder).
    terms = [{"slug": t.slug, "name": gettext(t.name), "meaning": gettext(t.meaning)} for t in TERMS]
    return render_template("main/glossary.html", terms=terms)


@bp.route("/how-we-work-out-the-numbers")
def numbers():
    """How results are worked out, for officers and residents: linked from every results page."""
    from ..core import disclosure, numbers as rules
    from ..surveys import stats

    return render_template("main/numbers.html", min_base=rules.min_base(), threshold=disclosure.threshold(),
                           correction=stats.CORRECTION_NAME)


@bp.route("/language/<code>")
def language(code):
    """Read the site in another language: kept in a cookie (no account), then back to the page."""
    from flask import current_app, redirect

    from ..core import i18n
    from ..core.errors import not_found
    from ..core.params import Query

    if code not in i18n.languages():
        not_found(i18n.gettext("This site is not available in that language."))
    target = i18n.safe_next(Query().text("next"))
    response = redirect(target)
    response.set_cookie(i18n.COOKIE, code, max_age=i18n.COOKIE_DAYS * 24 * 60 * 60, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True)
    return response


def account_links(user, _viewer=None):
    """The accessibility statement in an officer's "What you can do" list."""
    from markupsafe import Markup

    from ..core.i18n import gettext

    if not (user.is_authenticated and user.role == OFFICER):
        return None
    href = url_for("main.accessibility_edit")
    return (Markup('<li><a class="govuk-link" href="%s">') % href + gettext("Keep the accessibility statement up to date")
            + Markup("</a></li>"))
