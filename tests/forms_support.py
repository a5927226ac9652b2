"""Forms never lose an answer: the shared check for every form that can be shown again.

A test posts a form with every field filled and one deliberate problem, then calls
``values_kept(html, posted)``: it reads the form back out of the page as a browser would
send it (text boxes and hidden fields, ticked boxes and radios, chosen options, text areas)
and lists every posted value that did not come back. An empty list means nothing was lost.

Passwords and files are never shown again on purpose (GOV.UK patterns): leave them out of
``posted`` or name them in ``skip``.
"""
from __future__ import annotations

from html.parser import HTMLParser

SKIP = {"csrf_token", "submit"}


class _Forms(HTMLParser):
    """Each <form> on the page as {name: [values a browser would send]}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name, value):
        if self._form is not None and name:
            self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a.get("name"), a.get("value", "on"))
                elif self._form is not None and a.get("name"):
                    self._form.setdefault(a["name"], [])
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(a.get("name"), a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
            if self._form is not None and self._select:
                self._form.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self._option = a
            self._text = []
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None:
            if "selected" in self._option:
                self._add(self._select, self._option.get("value", "".join(self._text).strip()))
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def shown_values(html: str, posted: dict) -> dict[str, list[str]]:
    """The values of the form on the page that holds most of the posted names."""
    parser = _Forms()
    parser.feed(html)
    names = set(posted)
    if not parser.forms:
        return {}
    return max(parser.forms, key=lambda form: len(names & set(form)))


def _as_list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def values_kept(html: str, posted: dict, skip=()) -> list[str]:
    """Every posted field whose value did not come back, as "name: sent [...], shown [...]"."""
    shown = shown_values(html, posted)
    lost = []
    for name, value in posted.items():
        if name in SKIP or name in skip or hasattr(value, "read") or (isinstance(value, tuple) and value and hasattr(value[0], "read")):
            continue
        sent = [v.strip() for v in _as_list(value)]
        back = [v.strip() for v in shown.get(name, [])]
        same = sorted(sent) == sorted(back) if len(sent) > 1 or len(back) > 1 else sent == back
        if not same:
            lost.append(f"{name}: sent {sent}, shown {back}")
    return lost
