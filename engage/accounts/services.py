"""Rules for accounts: signing in, password resets, and officers managing accounts."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from werkzeug.security import generate_password_hash

from ..core import audit, concurrency
from ..core.errors import not_found
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
        raise AccountError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", "password")
    if len(password) > 200:
        raise AccountError("Password must be 200 characters or fewer", "password")


def create_user(actor, *, email: str, name: str, role: str, password: str, organisation_id=None, active=True) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError("Select a role from the list", "role")
    if find_by_email(email):
        raise AccountError("An account with this email address already exists", "email")
    check_password_rules(password)
    user = User(email=email, name=name.strip(), role=role, organisation_id=organisation_id, active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", user, f"Account created for {email} as {ROLES[role]}")
    return user


def update_user(actor, user: User, *, email: str, name: str, role: str, organisation_id=None, active=True,
                version=concurrency.UNCHECKED) -> User:
    concurrency.check(user, version)
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError("Select a role from the list", "role")
    other = find_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError("An account with this email address already exists", "email")
    if actor is not None and actor.id == user.id and (not active or role != user.role):
        raise AccountError("You cannot deactivate your own account or change your own role", "role")
    ends_sessions = (role != user.role) or (user.active and not active)
    user.email, user.name, user.role = email, name.strip(), role
    user.organisation_id, user.active = organisation_id, active
    audit.record(actor, "update", user, f"Account {email} updated")
    if ends_sessions:
        # A new role or a deactivated account: sessions signed in before end at once.
        user.new_session_token()
    concurrency.flush(user)
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        not_found("There is no account with that number.")
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_password_reset(email: str) -> str | None:
    """Make a single-use token for an active account; None (and no hint) for anything else."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    hours = current_app.config.get("ENGAGE_RESET_TOKEN_HOURS", 2)
    db.session.add(
        PasswordResetToken(user_id=user.id, token_hash=_hash_token(token), expires_at=utcnow() + timedelta(hours=hours))
    )
    db.session.flush()
    return token


def valid_reset_token(token: str) -> PasswordResetToken | None:
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash_token(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


def finish_password_reset(token: str, password: str) -> User:
    row = valid_reset_token(token)
    if row is None:
        raise AccountError("This link has expired or has already been used. Ask for a new one.")
    check_password_rules(password)
    row.user.set_password(password)
    row.used_at = utcnow()
    # Any other outstanding tokens for this account stop working too.
    for other in db.session.scalars(
        db.select(PasswordResetToken).where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
    ):
        other.used_at = row.used_at
    audit.record(row.user, "update", row.user, "Password reset by emailed link", changes={})
    db.session.flush()
    return row.user
