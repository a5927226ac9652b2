"""Languages: the interface's texts go through translation calls, the catalogues are complete
and in step with the code, and a reader's choice of language is kept and followed."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from engage.core import i18n
from tests.i18n_support import untranslated_text

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
CATALOGUES = ROOT / "translations"
# Templates written before translation came in, not yet moved onto translation calls. The list
# can only shrink: a template on it with no bare text left fails too, so it is taken off.
NOT_YET = i18n.NOT_YET_TRANSLATED


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


def _not_yet() -> set[str]:
    lines = NOT_YET.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _bare_text(path: Path) -> list[str]:
    return untranslated_text(path.read_text(encoding="utf-8"), plain=path.suffix == ".txt")


def test_every_template_outside_the_shrinking_list_has_no_text_outside_a_translation_call():
    not_yet = _not_yet()
    bare, clean_but_listed = {}, []
    for path in _templates():
        name = path.relative_to(TEMPLATES).as_posix()
        found = _bare_text(path)
        if found and name not in not_yet:
            bare[name] = found[:5]
        elif not found and name in not_yet:
            clean_but_listed.append(name)
    assert not bare, f"Text outside a translation call ({{{{ _('...') }}}}): {bare}"
    assert not clean_but_listed, f"Translated now: take these off {NOT_YET.name}: {clean_but_listed}"
    assert not_yet <= {p.relative_to(TEMPLATES).as_posix() for p in _templates()}, "a listed template is gone"


@pytest.mark.parametrize("source, expected", [
    ('<p>Hello</p>', ["Hello"]),
    ('<p>{{ _("Hello") }}</p>', []),
    ('<img src="x.png" alt="A map">', ["A map"]),
    ('<a aria-label="{{ _(\'Back\') }}" href="/">{{ _("Back") }}</a>', []),
    ("{{ govukButton({'text': 'Save', 'href': '/x'}) }}", ["text: Save"]),
    ("{{ govukButton({'text': _('Save'), 'href': '/x'}) }}", []),
    ('{% trans %}Hello {{ name }}{% endtrans %}', []),
    ('<input type="submit" value="Send">', ["Send"]),
    ('<p>{{ count }} – {{ total }}</p><script>let x = "words";</script>', []),
])
def test_the_bare_text_finder_finds_what_a_reader_sees(source, expected):
    assert untranslated_text(source) == expected


def test_a_planted_english_sentence_in_the_home_page_is_caught(tmp_path):
    home = (TEMPLATES / "main" / "index.html").read_text(encoding="utf-8")
    assert untranslated_text(home) == []
    planted = home.replace("</h1>", "</h1>\n<p class=\"govuk-body\">Read this first.</p>", 1)
    assert untranslated_text(planted) == ["Read this first."]


def _key(message_id, context):
    """A text as the catalogue keeps it: its English, or (context, English) for a text given a
    context with ``pgettext`` (the same English as a verb and as a noun)."""
    return message_id if context is None else (context, message_id)


def _extracted() -> set:
    ids = set()
    method_map = [("engage/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
                "pgettext": ((1, "c"), 2)}
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        ids.add(_key(message[0] if isinstance(message, tuple) else message, context))
    return ids


def _catalogue(code: str):
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def test_the_template_catalogue_is_in_step_with_the_code():
    with (CATALOGUES / "messages.pot").open("rb") as handle:
        template = {_key(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in read_po(handle) if m.id}
    extracted = _extracted()
    assert extracted - template == set(), "texts not yet in translations/messages.pot: run `make translations`"
    assert template - extracted == set(), "texts no longer used: run `make translations`"


def test_welsh_is_complete_and_keeps_every_placeholder():
    catalogue = _catalogue("cy")
    extracted = _extracted()
    def translated(key):
        message = catalogue.get(key[1], context=key[0]) if isinstance(key, tuple) else catalogue.get(key)
        strings = message.string if message and isinstance(message.string, tuple) else [message and message.string]
        return all(strings)

    missing = sorted((m for m in extracted if not translated(m)), key=str)
    assert not missing, f"Welsh lacks: {missing[:10]}"
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)s", " ".join(ids)))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)s", string)) <= wanted | {"num"}, (message.id, string)
        for string in strings:
            assert string.count("<a ") == ids[0].count("<a "), f"links lost in {message.id!r}"


def test_a_chosen_language_is_kept_and_followed(client):
    page = client.get("/")
    assert '<html lang="en" dir="ltr"' in page.text
    assert 'hreflang="cy"' in page.text and ">Cymraeg<" in page.text

    moved = client.get("/language/cy?next=/consultations")
    assert moved.status_code == 302 and moved.headers["Location"] == "/consultations"
    cookie = moved.headers["Set-Cookie"]
    assert "engage_lang=cy" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    home = client.get("/")
    assert '<html lang="cy" dir="ltr"' in home.text
    assert "Neidio i’r prif gynnwys" in home.text  # "Skip to main content"
    assert "Skip to main content" not in home.text
    assert "Have your say, plan better engagement" not in home.text
    assert "engage-untranslated" not in home.text  # the home page is all in Welsh: no notice
    assert ">English<" in home.text  # the way back

    client.get("/language/en?next=/")
    assert '<html lang="en"' in client.get("/").text


# Officers' pages drawn from templates still on the not-yet list (the first still listed is read).
NOT_YET_PAGES = {"background/admin.html": "/admin/background-work", "partnership/admin_index.html": "/admin/reference",
                 "main/accessibility_edit.html": "/admin/accessibility-statement"}


def test_a_page_with_texts_not_yet_translated_says_so(client, login):
    listed = [(name, path) for name, path in NOT_YET_PAGES.items() if name in i18n.not_yet_translated()]
    if not listed:
        pytest.skip("every template of these pages is translated now")
    login("officer")
    client.get("/language/cy")
    page = client.get(listed[0][1])  # not yet moved onto translation calls: its texts are English
    assert '<html lang="cy"' in page.text
    assert "Nid yw rhannau o’r dudalen hon wedi’u cyfieithu i’r Gymraeg eto" in page.text  # "Parts of this page are not yet translated"
    assert "engage-untranslated" not in client.get("/").text
    # Urdu's catalogue lacks most texts: each one missing from the page is counted.
    client.get("/language/ur")
    urdu = client.get("/")
    assert '<html lang="ur" dir="rtl"' in urdu.text
    assert "اس صفحے کے" in urdu.text and "حصوں کا ابھی اردو میں ترجمہ نہیں ہوا" in urdu.text


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "/a\r\nSet-Cookie:x=1"])
def test_the_language_link_only_goes_back_to_this_site(client, target):
    moved = client.get("/language/cy", query_string={"next": target})
    assert moved.status_code == 302 and moved.headers["Location"] == "/"


def test_a_language_the_site_does_not_offer_is_refused_in_words(client):
    refused = client.get("/language/fr?next=/")
    assert refused.status_code == 404
    assert "This site is not available in that language." in refused.text
    assert "engage_lang" not in refused.headers.get("Set-Cookie", "")
    # A cookie naming a language the site does not offer is ignored.
    client.set_cookie("engage_lang", "fr")
    assert '<html lang="en"' in client.get("/").text


def test_languages_are_a_setting(app):
    app.config["ENGAGE_LANGUAGES"] = "cy, en, xx-nonsense"
    try:
        assert i18n.languages(app) == ["cy", "en"]
        assert i18n.default_language(app) == "cy"
    finally:
        app.config["ENGAGE_LANGUAGES"] = "en,cy,ur"
    assert i18n.direction("ur") == "rtl" and i18n.direction("cy") == "ltr"
    assert i18n.language_name("cy") == "Cymraeg"


def test_no_template_takes_the_name_of_the_translation_call():
    """``{% set _ = list.append(x) %}`` makes ``_`` None for the rest of the block: every later
    ``_("...")`` there is a 500 (the pager's "Page 2 of 3" on every list with a second page)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    found = [str(p.relative_to(root)) for p in root.rglob("*.html")
             if re.search(r"{%-?\s*set\s+_\s*=", p.read_text(encoding="utf-8"))]
    assert found == [], found
