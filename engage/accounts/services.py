"""Rules for accounts: signing in, password resets, and officers managing accounts."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from werkzeug.security import generate_password_hash

from ..core import audit, concurrency
from ..core.errors import not_found
from ..core.i18n import gettext
from ..core.models import utcnow
from ..extensions import db
from .models import PasswordResetToken, User
from .roles import ROLES

MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A rule was broken; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Same work whether or not the email exists."""
    user = find_by_email(email)
    if user is None:
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    if not user.session_token:
        user.new_session_token()
    db.session.flush()
    return user


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(gettext("Password must be %(min)s characters or more", min=MIN_PASSWORD_LENGTH), "password")
    if len(password) > 200:
        raise AccountError(gettext("Password must be 200 characters or fewer"), "password")


def account_problems(*, email: str, role: str, user: User | None = None, actor=None, active: bool = True) -> list[AccountError]:
    """Every rule an account's details break, all at once (so the form can show them together
    with its own checks): a role from the list, an email no other account uses, and an
    officer not locking themselves out."""
    problems = []
    if role not in ROLES:
        problems.append(AccountError(gettext("Select a role from the list"), "role"))
    other = find_by_email(email) if email else None
    if other is not None and (user is None or other.id != user.id):
        problems.append(AccountError(gettext("An account with this email address already exists"), "email"))
    if user is not None and actor is not None and actor.id == user.id and (not active or role != user.role):
        problems.append(AccountError(gettext("You cannot deactivate your own account or change your own role"), "role"))
    return problems


def _raise_first(problems: list[AccountError]) -> None:
    if problems:
        raise problems[0]


def create_user(actor, *, email: str, name: str, role: str, password: str, organisation_id=None, active=True) -> User:
    email = normalise_email(email)
    _raise_first(account_problems(email=email, role=role))
    check_password_rules(password)
    user = User(email=email, name=name.strip(), role=role, organisation_id=organisation_id, active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", user, f"Account created for {email} as {ROLES[role]}")
    return user


def invite_user(actor, *, email: str, name: str, role: str, organisation_id=None, active=True) -> tuple[User, str]:
    """A new account whose owner chooses their own password through an emailed single-use
    link: (the account, the token to put in the link). Until then nobody knows its password."""
    email = normalise_email(email)
    _raise_first(account_problems(email=email, role=role))
    user = User(email=email, name=name.strip(), role=role, organisation_id=organisation_id, active=active)
    user.set_password(secrets.token_urlsafe(32))  # never told to anyone: the link sets the real one
    user.setup_pending = True
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", user, f"Account created for {email} as {ROLES[role]}; invitation sent")
    return user, _new_token(user, "invite")


def reinvite_user(actor, user: User) -> str:
    """A fresh invitation link for an account not yet set up; earlier links stop working."""
    if not user.setup_pending:
        raise AccountError(gettext("This person has already set up their account. They can use “Forgot your password?” instead."))
    if not user.active:
        raise AccountError(gettext("This account is deactivated. Make it active before sending an invitation."))
    _retire_tokens(user.id, utcnow())
    audit.record(actor, "update", user, f"Invitation sent again to {user.email}", changes={})
    return _new_token(user, "invite")


def update_user(actor, user: User, *, email: str, name: str, role: str, organisation_id=None, active=True,
                version=concurrency.UNCHECKED) -> User:
    concurrency.check(user, version)
    email = normalise_email(email)
    _raise_first(account_problems(email=email, role=role, user=user, actor=actor, active=active))
    ends_sessions = (role != user.role) or (user.active and not active)
    user.email, user.name, user.role = email, name.strip(), role
    user.organisation_id, user.active = organisation_id, active
    audit.record(actor, "update", user, f"Account {email} updated")
    if ends_sessions:
        # A new role or a deactivated account: sessions signed in before end at once.
        user.new_session_token()
    concurrency.flush(user)
    return user


def search_users(text: str | None):
    """Accounts whose name, email or organisation holds ``text`` (any case), by name."""
    from ..partnership.models import Organisation

    query = db.select(User).outerjoin(Organisation, Organisation.id == User.organisation_id).order_by(User.name, User.id)
    text = (text or "").strip()[:100]
    if text:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            db.or_(db.func.lower(User.name).like(pattern, escape="\\"), db.func.lower(User.email).like(pattern, escape="\\"),
                   db.func.lower(Organisation.name).like(pattern, escape="\\"))
        )
    return query


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        not_found(gettext("There is no account with that number."))
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_HOURS = {"reset": "ENGAGE_RESET_TOKEN_HOURS", "invite": "ENGAGE_INVITE_TOKEN_HOURS"}


def _new_token(user: User, purpose: str) -> str:
    token = secrets.token_urlsafe(32)
    hours = current_app.config.get(TOKEN_HOURS[purpose], 2 if purpose == "reset" else 24 * 7)
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=_hash_token(token), purpose=purpose,
                                      expires_at=utcnow() + timedelta(hours=hours)))
    db.session.flush()
    return token


def _retire_tokens(user_id: int, when) -> None:
    for other in db.session.scalars(
        db.select(PasswordResetToken).where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
    ):
        other.used_at = when


def start_password_reset(email: str) -> str | None:
    """Make a single-use token for an active account; None (and no hint) for anything else."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    return _new_token(user, "reset")


def valid_reset_token(token: str, purpose: str = "reset") -> PasswordResetToken | None:
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash_token(token)))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


def finish_password_reset(token: str, password: str, purpose: str = "reset") -> User:
    """Set the password through an emailed link (a reset or an invitation); the link, and any
    other outstanding link for the account, stops working."""
    row = valid_reset_token(token, purpose)
    if row is None:
        raise AccountError(gettext("This link has expired or has already been used. Ask for a new one."))
    check_password_rules(password)
    row.user.set_password(password)
    row.user.setup_pending = False
    _retire_tokens(row.user_id, utcnow())
    what = "Account set up by its owner through the emailed invitation" if purpose == "invite" else "Password reset by emailed link"
    end_sessions(row.user)
    audit.record(row.user, "update", row.user, what + "; every other session signed out", changes={})
    db.session.flush()
    return row.user


# ---- sessions ----------------------------------------------------------------------------

def end_sessions(user: User) -> None:
    """Every session signed in to ``user`` until now stops working on its next request: the
    session id holds the account's session token (``User.get_id``), checked on every request."""
    user.new_session_token()


def change_password(user: User, current: str, new: str) -> User:
    """The signed-in person changes their own password; their other sessions end (the view
    signs this one in again with the new token)."""
    if not user.check_password(current or ""):
        raise AccountError(gettext("Your current password is not right"), "current_password")
    check_password_rules(new)
    if user.check_password(new):
        raise AccountError(gettext("Choose a password different from your current one"), "password")
    user.set_password(new)
    end_sessions(user)
    audit.record(user, "update", user, "Password changed; every other session signed out", changes={})
    db.session.flush()
    return user


def sign_out_everywhere(user: User) -> None:
    end_sessions(user)
    audit.record(user, "update", user, "Signed out everywhere", changes={})
    db.session.flush()


# ---- counting failed sign-ins ------------------------------------------------------------

ATTEMPT_WINDOW_MINUTES = 15


def _account_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _recent(column, value):
    from .models import SignInAttempt

    since = utcnow() - timedelta(minutes=ATTEMPT_WINDOW_MINUTES)
    return db.session.scalar(
        db.select(db.func.count()).select_from(SignInAttempt).where(column == value, SignInAttempt.created_at >= since)
    ) or 0


def sign_in_blocked(email: str, address: str) -> str | None:
    """Why this sign-in is refused before the password is even checked, or None. Failures are
    counted per account (someone guessing one person's password) and per address (someone
    trying many accounts); neither locks out anyone else."""
    from .models import SignInAttempt

    config = current_app.config
    if _recent(SignInAttempt.account, _account_key(email)) >= int(config.get("ENGAGE_SIGN_IN_ACCOUNT_LIMIT", 10)):
        return gettext("There have been too many wrong passwords for this account. Wait %(minutes)s minutes and try again, "
                       "or use “Forgot your password?” to choose a new one.", minutes=ATTEMPT_WINDOW_MINUTES)
    if _recent(SignInAttempt.address, address) >= int(config.get("ENGAGE_SIGN_IN_ADDRESS_LIMIT", 50)):
        return gettext("There have been too many wrong sign-ins from your connection. Wait %(minutes)s minutes and try again.",
                       minutes=ATTEMPT_WINDOW_MINUTES)
    return None


def record_failed_sign_in(email: str, address: str) -> None:
    from .models import SignInAttempt

    db.session.execute(db.delete(SignInAttempt).where(SignInAttempt.created_at < utcnow() - timedelta(days=1)))
    db.session.add(SignInAttempt(account=_account_key(email), address=(address or "unknown")[:64]))
    db.session.flush()


def clear_failed_sign_ins(email: str) -> None:
    from .models import SignInAttempt

    db.session.execute(db.delete(SignInAttempt).where(SignInAttempt.account == _account_key(email)))
