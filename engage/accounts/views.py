from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.params import Query
from ..core.urls import local_path
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.i18n import N_, gettext
from ..core.limits import breach, keeps_answers_when_limited
from ..core.mail import queue_mail
from ..core.pagination import paginate
from ..core.security import role_required
from ..extensions import db, limiter
from ..partnership.services import organisation_choices
from . import bp, services
from .forms import (
    AccountSearchForm,
    ChangePasswordForm,
    SignOutEverywhereForm,
    ForgotPasswordForm,
    InviteAgainForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    UserForm,
    role_items,
)
from .models import User
from .roles import OFFICER

GENERIC_LOGIN_ERROR = N_("Enter a correct email address and password. Both are case-sensitive except the email address.")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site (engage/core/urls.local_path), or the
    dashboard."""
    return local_path(target) or url_for("accounts.dashboard")


def _login_limit():
    return current_app.config["ENGAGE_LOGIN_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@keeps_answers_when_limited
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = LoginForm()
    limited = breach()
    if limited is not None:
        form.form_errors.append(limited.said("sign-in"))
        return render_template("accounts/login.html", form=form, failed=False), 429
    status = 200
    failed = False
    if form.validate_on_submit():
        # request.remote_addr is the visitor's own address once ENGAGE_TRUSTED_PROXIES says how
        # many proxies stand in front of Engage (see the README), never the proxy's.
        address = request.remote_addr or "unknown"
        blocked = services.sign_in_blocked(form.email.data, address)
        if blocked:
            form.form_errors.append(blocked)
            return render_template("accounts/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            services.clear_failed_sign_ins(form.email.data)
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(Query().raw("next", 2000)))
        services.record_failed_sign_in(form.email.data, address)
        db.session.commit()
        # One message about both boxes: said once, beside the first box (where the error
        # summary links), with both boxes marked.
        form.email.errors = [gettext(GENERIC_LOGIN_ERROR)]
        failed = True
    if request.method == "POST" and (form.errors or form.form_errors):
        status = 400
    return render_template("accounts/login.html", form=form, failed=failed), status


@bp.route("/sign-out", methods=["POST"])
def logout():
    logout_user()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@keeps_answers_when_limited
def forgot_password():
    form = ForgotPasswordForm()
    limited = breach()
    if limited is not None:
        form.form_errors.append(limited.said("link"))
        return render_template("accounts/forgot.html", form=form), 429
    if form.validate_on_submit():
        token = services.start_password_reset(form.email.data)
        if token:
            # Stored with the token in one transaction; sent by background work, not here.
            link = url_for("accounts.reset_password", token=token, _external=True)
            # In the language of the person who asked (the page they asked from).
            queue_mail(
                services.normalise_email(form.email.data),
                gettext("Reset your %(site)s password", site=current_app.config["ENGAGE_SITE_NAME"]),
                gettext("Someone asked to reset the password for this email address.\n\n"
                        "To choose a new password, open this link within %(hours)s hours:\n%(link)s\n\n"
                        "The link works once. If you did not ask for this, you can ignore this email.",
                        hours=current_app.config["ENGAGE_RESET_TOKEN_HOURS"], link=link),
            )
        db.session.commit()
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    if services.valid_reset_token(token) is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.finish_password_reset(token, form.password.data)
        except services.AccountError as error:
            form.password.errors = [str(error)]
        else:
            db.session.commit()
            flash(gettext("Your password has been changed. You can now sign in."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account")
@login_required
def dashboard():
    return render_template("accounts/dashboard.html", everywhere_form=SignOutEverywhereForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "password").errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)  # this session carries the new token; every other one has ended
            flash(gettext("Your password has been changed. You have been signed out on every other device."), "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/change_password.html", form=form), (400 if form.errors else 200)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash(gettext("You have been signed out on every device, including this one."), "success")
    return redirect(url_for("accounts.login"))


# ---- officers manage accounts ------------------------------------------------------------

@bp.route("/admin/accounts")
@role_required(OFFICER)
def user_list():
    form = AccountSearchForm(Query().formdata())
    text = form.q.data if form.validate() else ""
    page = paginate(services.search_users(text), per_page=50)
    return render_template("accounts/user_list.html", page=page, form=form, text=text), (200 if not form.errors else 400)


def _user_form(form_class, obj=None):
    form = form_class(obj=obj)
    form.organisation_id.set_choices(organisation_choices())
    return form


def _check_user_form(form, user=None) -> bool:
    """The form's own checks and the account rules together, so every problem shows at once."""
    valid = form.validate_on_submit()
    if request.method != "POST":
        return False
    problems = services.account_problems(
        email=services.normalise_email(form.email.data or ""), role=form.role.data or "", user=user,
        actor=current_user, active=bool(form.active.data),
    )
    for problem in problems:
        field = getattr(form, problem.field or "email")
        if str(problem) not in field.errors and not (problem.field == "role" and field.errors):
            field.errors = [*field.errors, str(problem)]
    return valid and not problems


def mail_status(user, _viewer=None):
    """For officers, in "What you can do": emails waiting (and failing) and given up
    (engage/core/mail.py), so mail that never left is seen."""
    from markupsafe import Markup

    from ..core import mail

    if not (user.is_authenticated and user.role == OFFICER):
        return None
    counts = mail.summary()
    text = gettext("Emails: %(waiting)s waiting to be sent, of which %(failing)s the mail server has not taken yet; "
                   "%(given_up)s given up after %(days)s days of trying.", waiting=f"{counts['waiting']:,}",
                   failing=f"{counts['failing']:,}", given_up=f"{counts['given_up']:,}", days=f"{mail.give_up_days():g}")
    if counts["failing"] or counts["given_up"]:
        return (Markup('<li id="mail-status">') + text + Markup(' <a class="govuk-link" href="')
                + url_for("background.admin", _anchor="emails") + Markup('">') + gettext("See which emails and why")
                + Markup("</a></li>"))
    return Markup('<li id="mail-status">') + text + Markup("</li>")


def _queue_invitation(user, token) -> None:
    """Store the set-up link's email with the account (or the new link) in one transaction;
    background work sends it (engage/core/mail.py)."""
    link = url_for("accounts.set_up_account", token=token, _external=True)
    days = max(1, current_app.config["ENGAGE_INVITE_TOKEN_HOURS"] // 24)
    site = current_app.config["ENGAGE_SITE_NAME"]
    queue_mail(
        user.email,
        f"Set up your {site} account",
        f"Hello {user.name},\n\n{current_user.name} has made you an account on {site}, "
        f"with the role “{user.role_label}”.\n\n"
        f"To set it up, open this link and choose your password. The link works once, "
        f"for {days} day{'s' if days != 1 else ''}:\n{link}\n\n"
        "If you did not expect this, you can ignore this email.",
    )


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@role_required(OFFICER)
def user_new():
    form = _user_form(NewUserForm)
    if _check_user_form(form):
        try:
            user, token = services.invite_user(
                current_user, email=form.email.data, name=form.name.data, role=form.role.data,
                organisation_id=form.organisation_id.data, active=form.active.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            _queue_invitation(user, token)
            db.session.commit()
            flash(gettext("Account added for %(name)s. We are emailing %(email)s a link to set it up. "
                          "If it does not arrive, send it again from the account's page.", name=user.name, email=user.email), "success")
            return redirect(url_for("accounts.user_list"))
    return render_template("accounts/user_form.html", form=form, user=None, role_items=role_items(form.role)), (400 if form.errors else 200)


@bp.route("/admin/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def user_edit(user_id):
    user = services.get_user(user_id)
    form = _user_form(UserForm, obj=user)
    conflict = None
    if _check_user_form(form, user):
        try:
            services.update_user(
                current_user, user, email=form.email.data, name=form.name.data, role=form.role.data,
                organisation_id=form.organisation_id.data, active=form.active.data, version=form.version.data,
            )
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, User, user_id, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
        except services.AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            db.session.commit()
            flash(gettext("Account for %(name)s saved.", name=user.name), "success")
            return redirect(url_for("accounts.user_list"))
    status = 409 if conflict else (400 if form.errors or form.form_errors else 200)
    return render_template("accounts/user_form.html", form=form, user=user, role_items=role_items(form.role),
                           invite_form=InviteAgainForm(), conflict=conflict), status


@bp.route("/admin/accounts/<int:user_id>/invite", methods=["POST"])
@role_required(OFFICER)
def user_invite_again(user_id):
    user = services.get_user(user_id)
    form = InviteAgainForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form had expired. Go back and try again."))
    try:
        token = services.reinvite_user(current_user, user)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "info")
        return redirect(url_for("accounts.user_edit", user_id=user.id))
    _queue_invitation(user, token)
    db.session.commit()
    flash(gettext("We are emailing %(email)s a new link to set up the account. Earlier links no longer work.", email=user.email), "success")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.route("/set-up-account/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def set_up_account(token):
    row = services.valid_reset_token(token, "invite")
    if row is None:
        return render_template("accounts/reset_invalid.html", invite=True), 400
    form = ResetPasswordForm()
    form.submit.label.text = gettext("Set up my account")
    if form.validate_on_submit():
        try:
            user = services.finish_password_reset(token, form.password.data, "invite")
        except services.AccountError as error:
            form.password.errors = [str(error)]
        else:
            db.session.commit()
            flash(gettext("Your account is set up. Sign in with %(email)s and the password you chose.", email=user.email), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_up.html", form=form, user=row.user), (400 if form.errors else 200)
