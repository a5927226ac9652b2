from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.mail import send_mail
from ..core.pagination import paginate
from ..core.security import role_required
from ..extensions import db, limiter
from ..partnership.services import organisation_choices
from . import bp, services
from .forms import ForgotPasswordForm, LoginForm, NewUserForm, ResetPasswordForm, UserForm
from .models import User
from .roles import OFFICER

GENERIC_LOGIN_ERROR = "Enter a correct email address and password. Both are case-sensitive except the email address."


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("accounts.dashboard")


def _login_limit():
    return current_app.config["ENGAGE_LOGIN_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(GENERIC_LOGIN_ERROR)
        form.password.errors = [GENERIC_LOGIN_ERROR]
    return render_template("accounts/login.html", form=form), (200 if request.method == "GET" or not form.errors and not form.form_errors else 400)


@bp.route("/sign-out", methods=["POST"])
def logout():
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("main.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        token = services.start_password_reset(form.email.data)
        db.session.commit()
        if token:
            link = url_for("accounts.reset_password", token=token, _external=True)
            send_mail(
                services.normalise_email(form.email.data),
                f"Reset your {current_app.config['ENGAGE_SITE_NAME']} password",
                f"Someone asked to reset the password for this email address.\n\n"
                f"To choose a new password, open this link within "
                f"{current_app.config['ENGAGE_RESET_TOKEN_HOURS']} hours:\n{link}\n\n"
                "The link works once. If you did not ask for this, you can ignore this email.",
            )
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
            flash("Your password has been changed. You can now sign in.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account")
@login_required
def dashboard():
    return render_template("accounts/dashboard.html")


# ---- officers manage accounts ------------------------------------------------------------

@bp.route("/admin/accounts")
@role_required(OFFICER)
def user_list():
    page = paginate(db.select(User).order_by(User.name), per_page=50)
    return render_template("accounts/user_list.html", page=page)


def _user_form(form_class, obj=None):
    form = form_class(obj=obj)
    form.organisation_id.set_choices(organisation_choices())
    return form


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@role_required(OFFICER)
def user_new():
    form = _user_form(NewUserForm)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, email=form.email.data, name=form.name.data, role=form.role.data,
                password=form.password.data, organisation_id=form.organisation_id.data, active=form.active.data,
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Account created for {user.name}.", "success")
            return redirect(url_for("accounts.user_list"))
    return render_template("accounts/user_form.html", form=form, user=None), (400 if form.errors else 200)


@bp.route("/admin/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def user_edit(user_id):
    user = services.get_user(user_id)
    form = _user_form(UserForm, obj=user)
    conflict = None
    if form.validate_on_submit():
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
            flash(f"Account for {user.name} saved.", "success")
            return redirect(url_for("accounts.user_list"))
    status = 409 if conflict else (400 if form.errors or form.form_errors else 200)
    return render_template("accounts/user_form.html", form=form, user=user, conflict=conflict), status
