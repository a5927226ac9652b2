"""Personal details in free text: phone numbers (Google's libphonenumber rules, through the
``phonenumbers`` package, UK numbers by default), email addresses, and a name written after
"my name is" / "I am called". ``find`` says where they are (the coding page flags the
comment); ``redact`` replaces them in any quote shown outside the coding page.

Detection is deliberately cautious rather than complete: it catches the details people
most often give in comments. Coders still read what they quote."""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from ..core.i18n import N_, gettext

KINDS = {"phone": N_("phone number"), "email": N_("email address"), "name": N_("name")}
REPLACEMENT = {"phone": "[phone number removed]", "email": "[email address removed]", "name": "[name removed]"}

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "my name is Jo Bloggs", "I'm called Sam", "name: Ann Lee": one to three capitalised words.
NAME = re.compile(r"\b(?:my name is|my name's|i am called|i'm called|call me|name:)\s+"
                  r"((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,2})", re.IGNORECASE)
CAPITALISED = re.compile(r"[A-Z]")


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int


def find(text: str | None, region: str = "GB") -> list[Found]:
    text = text or ""
    found: list[Found] = []
    for match in EMAIL.finditer(text):
        found.append(Found("email", match.start(), match.end()))
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        found.append(Found("phone", match.start, match.end))
    for match in NAME.finditer(text):
        # The words of the name must be capitalised as written ("my name is not important" is no name).
        words = match.group(1).split()
        kept = []
        for word in words:
            if not CAPITALISED.match(word):
                break
            kept.append(word)
        if kept:
            start = match.start(1)
            found.append(Found("name", start, start + len(" ".join(kept))))
    found.sort(key=lambda f: (f.start, -f.end))
    merged: list[Found] = []
    for item in found:   # an email's digits are not also a phone number
        if merged and item.start < merged[-1].end:
            continue
        merged.append(item)
    return merged


def kinds_in(text: str | None) -> list[str]:
    """The kinds of personal details in the text, in a fixed order, each once."""
    present = {f.kind for f in find(text)}
    return [k for k in KINDS if k in present]


def describe(kinds) -> str:
    """The kinds found, as words in the reader's language ("phone number and email address")."""
    names = [gettext(KINDS[k]) for k in KINDS if k in set(kinds)]
    return ", ".join(names[:-1]) + gettext(" and ") + names[-1] if len(names) > 1 else (names[0] if names else "")


def redact(text: str | None) -> str:
    """The text with each personal detail replaced by a note of what was removed."""
    text = text or ""
    out, last = [], 0
    for item in find(text):
        out.append(text[last:item.start])
        out.append(REPLACEMENT[item.kind])
        last = item.end
    out.append(text[last:])
    return "".join(out)
