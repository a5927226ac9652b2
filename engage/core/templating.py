"""What every template can use: the navigation, filters for dates, numbers and Markdown.

Times: stored times are UTC (engage/core/clock.py); the ``date``, ``time`` and ``local`` filters
are the one way a template shows one, on the site's clocks (``ENGAGE_TIMEZONE``). Never call
``strftime`` on a stored time in a template: it would show UTC."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, g, has_request_context, request, url_for
from jinja2 import pass_context
from markupsafe import Markup

from . import clock
from .glossary import link_terms, term
from .i18n import current_language, lazy_gettext as _l
from .numbers import decimal_text, number_text, percent_text, whole_text
from .sanitise import render_markdown

# The main sections of the site, in header order: (label, endpoint).
NAVIGATION = [
    (_l("Toolkit"), "toolkit.index"),
    (_l("Consultations"), "consultations.finder"),
    (_l("Have your say"), "consultations.have_your_say"),
    (_l("You said, we did"), "sharing.you_said_we_did"),
    (_l("Strategy"), "strategy.index"),
]


def navigation():
    items = []
    for label, endpoint in NAVIGATION:
        if endpoint not in current_app.view_functions:
            continue
        href = url_for(endpoint)
        prefix = href.rstrip("/") or "/"
        current = request.path == href
        active = not current and request.path.startswith(prefix + "/")
        items.append({"text": str(label), "href": href, "current": current, "active": active})
    return items


def format_date(value, style: str = "long") -> str:
    """``7 July 2027`` (``short``: ``7 Jul 2027``, ``month``: ``July 2027``, ``monthname``: ``July``); a stored time also
    gets ``at 09:00`` on the site's clocks (``day``: its local date only)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = clock.local(value)   # stored UTC, shown on the site's clocks
        if style == "day":
            value = value.date()
    language = current_language()
    if language != "en":  # month names in the reader's language, by Babel's rules for it
        from babel.dates import format_date as babel_date, format_datetime as babel_datetime

        if isinstance(value, datetime):
            return babel_datetime(value, "d MMMM y, HH:mm", tzinfo=clock.zone(), locale=language)
        return babel_date(value, {"short": "d MMM y", "month": "MMMM y", "monthname": "LLLL"}.get(style, "d MMMM y"),
                          locale=language)
    if style == "short":
        return f"{value.day} {value:%b %Y}"
    if style == "month":
        return f"{value:%B %Y}"
    if style == "monthname":
        return f"{value:%B}"
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    return f"{value.day} {value:%B %Y}"


def format_time(value) -> str:
    """A stored time's ``HH:MM`` on the site's clocks."""
    if value is None or value == "":
        return ""
    return f"{clock.local(value):%H:%M}"


def local_time(value):
    """A stored time as an aware datetime on the site's clocks, for a template's own format."""
    return clock.local(value)


def format_number(value, places: int = 0) -> str:
    """A number with thousands grouped ("2,500"; a fraction to ``places`` or one place), in the
    reader's language by Babel's rules (rounded as Python's format rounds, as before)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer() or places:
        places = places or 1
        return number_text(Decimal(f"{value:.{places}f}"), places)
    return number_text(int(value))


# ---- GOV.UK layout components drawn once per distinct input -----------------------------------

PURE_KEEP = 256  # distinct (component, input) pairs kept per app


def _key_of(value):
    """A hashable key for a component's input that tells safe HTML (Markup) from text."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _key_of(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_key_of(v) for v in value)
    if isinstance(value, Markup):
        return ("html", str(value))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return ("text", str(value))


def pure(macro, params: dict) -> Markup:
    """``macro(params)`` (a GOV.UK Frontend component: its output follows from its input
    alone, since it is imported without the page's context), drawn once per app for each
    distinct input. The layout draws the same skip link, phase banner and service navigation
    on every page: kept here, each is a dictionary look-up. Only what is passed in is in the
    key, and a component that reads nothing else cannot show anything else."""
    try:
        key = (macro.name, _key_of(params))
    except TypeError:
        return macro(params)
    kept = current_app.extensions.setdefault("engage_pure_components", {})
    found = kept.get(key)
    if found is None:
        found = Markup(macro(params))
        if len(kept) >= PURE_KEEP:
            kept.clear()
        kept[key] = found
    return found


# ---- parts of the layout drawn once per distinct input -------------------------------------

KEPT_PARTS = 256  # distinct inputs kept per part (forgotten all at once beyond that)


@pass_context
def kept(context, name: str, *key, when: bool = True, caller):
    """``{% call kept("footer") %}...{% endcall %}``: the layout part drawn once per app for
    each distinct input, and a dictionary look-up after that. The input, all of it in the key:
    the part's name, the page's template (its own blocks inside the part), the reader's
    language, the site's root path (its links) and ``key`` (what else the part reads: the
    path, for the header's links and marked section). ``when`` false (a signed-in person's
    header: their name, their sign-out token) draws it afresh. Texts the reader's language
    lacks are noted again on every page that shows the part (the notice at the top counts
    them), as when it is drawn."""
    if not when or not has_request_context():
        return caller()
    from .i18n import current_language

    parts = current_app.extensions.setdefault("engage_kept_parts", {})
    store = parts.setdefault(name, {})
    full = (context.name, current_language(), request.script_root, key)
    found = store.get(full)
    if found is None:
        earlier = g.pop("engage_untranslated", None)
        try:
            html = Markup(caller())
            noted = frozenset(g.get("engage_untranslated", ()))
        finally:
            if earlier is None:
                g.pop("engage_untranslated", None)
            else:
                g.engage_untranslated = earlier
        if len(store) >= KEPT_PARTS:
            store.clear()
        store[full] = found = (html, noted)
    html, noted = found
    if noted:
        g.setdefault("engage_untranslated", set()).update(noted)
    return html


# The GOV.UK components the layout draws on every page, given to every template once (each
# page imported them afresh: five imports a page, each looking the template up and comparing
# the page's globals with its own). Still imported without the page's context, as before.
LAYOUT_COMPONENTS = {"govukSkipLink": "skip-link", "govukServiceNavigation": "service-navigation",
                     "govukPhaseBanner": "phase-banner", "govukBackLink": "back-link",
                     "govukNotificationBanner": "notification-banner"}


def _layout_components(app: Flask) -> None:
    env = app.jinja_env
    for name, folder in LAYOUT_COMPONENTS.items():
        env.globals[name] = getattr(env.get_template(f"govuk_frontend_jinja/components/{folder}/macro.html").module, name)


def init_app(app: Flask) -> None:
    _layout_components(app)
    app.jinja_env.globals["pure"] = pure
    app.jinja_env.globals["kept"] = kept
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["local"] = local_time
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["glossary"] = link_terms
    # Percentages people read: one rounding rule (half up), engage.core.numbers.
    app.jinja_env.filters["percent"] = percent_text
    app.jinja_env.filters["whole"] = whole_text
    app.jinja_env.filters["decimal"] = decimal_text
    app.jinja_env.globals["term"] = term

    @app.context_processor
    def globals_():
        return {
            "site_name": app.config["ENGAGE_SITE_NAME"],
            "contact_email": app.config["ENGAGE_CONTACT_EMAIL"],
            "main_navigation": navigation,
        }
