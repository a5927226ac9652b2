"""Security headers on every response, and the role decorator used by views."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort, request
from flask_login import current_user


def allow_framing(view):
    """Mark a view (the embed pages) as one partner websites may put in an iframe."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        # Kept on the request, not on ``g``: an app context (and so ``g``) can outlive one
        # request, as in tests, and framing must never leak to the next response.
        request.environ["engage.allow_framing"] = True
        return view(*args, **kwargs)

    return wrapper


def role_required(*roles: str):
    """Only signed-in users holding one of ``roles`` (officers hold every role) may pass."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                from flask import redirect, url_for

                return redirect(url_for("accounts.login", next=request.full_path))
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _headers(response):
    framing = request.environ.get("engage.allow_framing", False)
    csp = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors *" if framing else "frame-ancestors 'none'",
    ]
    response.headers.setdefault("Content-Security-Policy", "; ".join(csp))
    if not framing:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
