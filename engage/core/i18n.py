"""Languages: which one a page is in, the texts in it, and what is not translated yet.

Every text a person reads is written in the site's own language (English) inside a
translation call: ``{{ _("Sign in") }}`` or ``{% trans %}...{% endtrans %}`` in templates,
``_("...")`` / ``lazy_gettext("...")`` (form labels, module-level texts) in Python, with
``ngettext`` for plurals, and ``pgettext("noun", "Review")`` where the same English means two
things (a verb on a button, a noun in a heading: ``make translations`` extracts it with its
context, so each gets its own Welsh). Flask-Babel looks the text up in the catalogue of the reader's
language (``translations/<code>/LC_MESSAGES/messages.po``, compiled to ``.mo`` by
``make translations``); a text the catalogue lacks is shown in English and noted, so the
page can say that parts of it are not yet translated instead of mixing languages silently.

Which language: the ``engage_lang`` cookie, set by the language links on every page
(``main.language``), when it names one of ``ENGAGE_LANGUAGES``; otherwise the first of them.
Nothing else (no account, no browser header): a person sees the language they chose, and
everyone who chose nothing sees the site's own. ``dir`` follows the language's script
(Babel's ``character_order``), so Urdu and Arabic lay out right to left.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

import os
from pathlib import Path

from babel import Locale
from babel.core import UnknownLocaleError
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_translations, refresh
from flask_babel.speaklater import LazyString

COOKIE = "engage_lang"
COOKIE_DAYS = 365
ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGUES = ROOT / "translations"
# Templates written before translation came in and not yet moved onto translation calls
# (tests/foundation/test_translations.py keeps the list true: it can only shrink). A page drawn
# from one of them says that it is partly in English.
NOT_YET_TRANSLATED = CATALOGUES / "untranslated_templates.txt"


def not_yet_translated() -> frozenset[str]:
    global _NOT_YET
    if _NOT_YET is None:
        try:
            lines = NOT_YET_TRANSLATED.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        _NOT_YET = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return _NOT_YET


_NOT_YET: frozenset[str] | None = None


def languages(app: Flask | None = None) -> list[str]:
    """The codes residents may choose, the site's own first (at least one, always)."""
    config = (app or current_app).config
    return list(_known_languages(str(config.get("ENGAGE_LANGUAGES") or "en")))


@lru_cache(maxsize=16)
def _known_languages(setting: str) -> tuple[str, ...]:
    """The setting's codes Babel knows, worked out once per setting (the setting is the key,
    so a changed setting is read afresh): every translated text asked for it."""
    codes = [c.strip() for c in setting.split(",") if c.strip()]
    known = []
    for code in codes:
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
        if code not in known:
            known.append(code)
    return tuple(known or ["en"])


def default_language(app: Flask | None = None) -> str:
    return languages(app)[0]


def select_locale() -> str:
    """Flask-Babel's locale selector: the reader's chosen language, or the site's own."""
    chosen = request.cookies.get(COOKIE, "") if has_request_context() else ""
    return chosen if chosen in languages() else default_language()


def current_language() -> str:
    """The language of what is being written now: the reader's in a request, else the site's
    own (emails and background work), else English (outside any app)."""
    if not has_app_context():
        return "en"
    # A page asks about twenty times: the locale Flask-Babel already chose for this context
    # (``force_locale`` replaces it), and its code kept on the locale object itself.
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):
        locale = None
    if locale is None:
        locale = get_locale()
        if locale is None:
            return default_language()
    code = locale.__dict__.get("engage_code")
    if code is None:
        code = locale.__dict__["engage_code"] = str(locale)
    return code


@contextmanager
def writing_in(code: str | None):
    """Write what follows in ``code`` (an email to someone who chose that language), or in the
    site's own language when ``code`` is not one the site offers."""
    from flask_babel import force_locale

    chosen = code if code in languages() else default_language()
    with force_locale(chosen):
        yield chosen


def direction(code: str | None = None) -> str:
    """``rtl`` for a language written right to left, else ``ltr``."""
    return _direction(code or current_language())


@lru_cache(maxsize=256)
def _direction(code: str) -> str:
    # Facts about a language from Babel's locale data: worked out once per process (the
    # header's language links ask on every page).
    try:
        order = Locale.parse(code).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """A language's name in itself ("Cymraeg", "اردو"), as a language link shows it."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def note_missing(message: str) -> None:
    """Note that ``message`` is shown in English on a page in another language."""
    if not has_request_context():
        return
    # Whether this request is in another language than the site's, worked out once per
    # request (kept on the request itself, never beyond it).
    other = request.environ.get("engage.other_language")
    if other is None:
        other = request.environ["engage.other_language"] = current_language() != default_language()
    if other:
        missing = g.setdefault("engage_untranslated", set())
        missing.add(message)


MEMO_KEEP = 4096  # texts remembered per catalogue (forgotten all at once beyond that)


def _catalogue():
    """(translations, their messages, what was looked up in them) for the language in force
    now. Flask-Babel's own ``get_translations`` works the locale out again on every call (a
    page asks it about a hundred times); here the answer is kept on Flask-Babel's own
    per-context state beside the locale it was found for, and used again only while that
    very locale object is in force (``refresh`` and ``force_locale`` replace it), so a
    different language in the same request (an email in Welsh) finds its own catalogue."""
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # no app context, or Flask-Babel not asked yet
        ctx = None
    if ctx is not None:
        kept = getattr(ctx, "engage_catalogue", None)
        if kept is not None and kept[0] is getattr(ctx, "babel_locale", None) \
                and kept[1] is getattr(ctx, "babel_domain", None):
            return kept[2]
    translations = get_translations()
    catalogue = getattr(translations, "_catalog", None) or {}
    # What each text looks up to follows from the catalogue alone (a loaded catalogue does not
    # change), so it is remembered on the catalogue's own object.
    memo = translations.__dict__.setdefault("engage_memo", {})
    found = (translations, catalogue, memo)
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):
        ctx = None
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    if locale is not None:
        ctx.engage_catalogue = (locale, getattr(ctx, "babel_domain", None), found)
    return found


def _lookup(message: str) -> str:
    translations, catalogue, memo = _catalogue()
    found = memo.get(message) if type(message) is str else None  # plain text only (not Markup)
    if found is None:
        translated = bool(catalogue.get(message))
        text = translations.gettext(message)
        if type(message) is str:
            if len(memo) >= MEMO_KEEP:
                memo.clear()
            memo[message] = (text, translated)
    else:
        text, translated = found
    if not translated:
        note_missing(message)
    return text


def _lookup_plural(singular: str, plural: str, num: int) -> str:
    translations, catalogue, _memo = _catalogue()
    if not catalogue.get((singular, 0)):
        note_missing(singular)
    return translations.ngettext(singular, plural, num)


def _lookup_context(context: str, message: str) -> str:
    """``message`` as meant in ``context`` (the same English word as a verb on a button and as a
    noun in a heading): the catalogue keeps each under its context."""
    translations, catalogue, _memo = _catalogue()
    if not catalogue.get(f"{context}\x04{message}"):
        note_missing(message)
    return translations.pgettext(context, message)


def pgettext(context: str, message: str, **variables) -> str:
    """The text for ``message`` in ``context`` in the reader's language: ``pgettext("noun",
    "Review")`` where the same English is also a verb elsewhere."""
    text = _lookup_context(context, message)
    return text % variables if variables else text


def gettext(message: str, **variables) -> str:
    """The text in the reader's language (English when not translated yet, and noted)."""
    text = _lookup(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """One of a text's plural forms for ``num`` in the reader's language (``%(num)s`` is set)."""
    variables.setdefault("num", num)
    return _lookup_plural(singular, plural, num) % variables


def lazy_gettext(message: str, **variables) -> LazyString:
    """A text translated when it is shown (form labels, texts defined when a module loads)."""
    return LazyString(gettext, message, **variables)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here (it is translated where
    it is shown, with ``gettext``): texts kept in tables of constants."""
    return message


def untranslated() -> list[str]:
    """The texts of this request shown in English because the reader's language lacks them."""
    return sorted(g.get("engage_untranslated", ())) if has_request_context() else []


def partly_english() -> bool:
    """True when this page is drawn from a template whose texts are not yet translatable."""
    return bool(has_request_context() and g.get("engage_partly_english"))


def _before_render(sender, template, context, **extra) -> None:
    if template.name in not_yet_translated() and current_language() != default_language():
        g.engage_partly_english = True


def language_links() -> list[dict]:
    """The links a page offers to read it in each other language, each in its own language."""
    here = request.full_path.rstrip("?") if has_request_context() else "/"
    from flask import url_for

    current = current_language()
    return [
        {"code": code, "name": language_name(code), "dir": direction(code),
         "href": url_for("main.language", code=code, next=here)}
        for code in languages() if code != current
    ]


def safe_next(target: str | None) -> str:
    """The page to go back to after choosing a language: a path on this site, or the home page."""
    from .urls import local_path

    return local_path(target) or "/"


def compile_catalogues(folder: Path = CATALOGUES) -> list[Path]:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older (tests and ``make``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        os.replace(partial, mo)  # whole or not at all, when two test workers compile at once
        written.append(mo)
    return written


def init_app(app: Flask) -> None:
    from ..extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(CATALOGUES))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", default_language(app))
    babel.init_app(app, locale_selector=select_locale)
    # Templates translate through the same look-ups as Python, so what is missing is noted
    # (Jinja's "newstyle" calls put the variables in, escaped, itself).
    app.jinja_env.install_gettext_callables(_lookup, _lookup_plural, newstyle=True, pgettext=_lookup_context)
    app.jinja_env.globals.update(
        current_language=current_language, text_direction=direction, language_links=language_links,
        untranslated=untranslated, language_name=language_name, partly_english=partly_english,
    )
    from flask import before_render_template

    before_render_template.connect(_before_render, app)

    @app.before_request
    def _fresh_language():
        # Flask-Babel keeps the locale in ``g``, which lives as long as the app context: where
        # one context serves several requests (tests), each request must choose again.
        refresh()
        g.pop("engage_untranslated", None)
        g.pop("engage_partly_english", None)
        g.pop("engage_content_cache", None)
        g.pop("engage_content_version", None)
