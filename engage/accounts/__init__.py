"""Accounts: signing in and out, password resets, and officers managing accounts."""
from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from ..extensions import db, login_manager
    from . import views  # noqa: F401  (registers the routes)
    from .models import User

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id):
        """The account of a session id "<id>:<token>", checked on every request: a session
        signed in before the account's token changed (password change or reset, deactivation,
        role change, "sign out everywhere") finds no account and is signed out."""
        import hmac

        from ..core.params import to_id

        user_id, _, token = str(session_id or "").partition(":")
        user_id = to_id(user_id)
        if user_id is None or not token:
            return None
        user = db.session.get(User, user_id)
        if user is None or not user.session_token or not hmac.compare_digest(user.session_token, token):
            return None
        return user

    app.register_blueprint(bp)
    from ..core.registry import panels

    panels.register("account.dashboard", views.mail_status, app)
