"""Extension points: how one capability offers something to another without importing it.

A capability never imports another's views, and models should not reach across capabilities
for optional features. Instead the capability that *has* something registers it here in its
``init_app``, and the capability that *shows* or *uses* it asks the registry. Three kinds:

``panels``
    Named places on other capabilities' pages where a capability adds a block of HTML.
    ``panels.register("consultation.page", render)`` where ``render(obj, user)`` returns
    ``Markup`` (usually ``Markup(render_template(...))``) or ``None`` to add nothing.
    Templates call ``{{ panels("consultation.page", consultation) }}``; blocks come in the
    order they were registered. Places in use (add yours to this list):

    - ``consultation.page``: the public page of a consultation (below its summary).
    - ``consultation.manage``: the "Manage this consultation" list on a consultation page,
      shown to its editors; render ``<li>`` items.
    - ``toolkit.entry``: a toolkit entry page (below the entry, above related entries).
    - ``account.dashboard``: the signed-in person's "What you can do" list (the object is
      the user); render ``<li>`` items.
    - ``plan.action``: an implementation-plan action's page (the object is the action),
      below what the action links to: things elsewhere that link to the action.

``contacts``
    Residents who asked to hear back about a consultation. The capability that collects the
    addresses (resident surveys) registers a source with ``addresses(consultation_id)`` giving
    ``[(key, email), ...]`` and ``forget(consultation_id, keys)`` deleting them; the
    capability that tells people (results sharing) calls ``contacts.addresses`` and then
    ``contacts.forget`` once it has sent what it must. Addresses never leave these calls.

``links``
    Kinds of thing a record can link to across capabilities (a toolkit entry, a findings
    report's response). ``links.register(LinkKind(...))``; the linking capability stores
    ``(kind, target_id)`` and asks ``links.resolve(kind, target_id)`` for a title and URL
    (``None`` once the target is gone or the reader may not see it). Kinds in use:
    ``toolkit-entry``, ``plan-action``, ``findings-response``, ``findings-report``,
    ``consultation`` and ``outcome`` (funding bids cite the last three as their evidence).

``evidence``
    Evidence a findings report's key finding can cite from another capability, with figures
    that follow later work (a survey's comment theme: how many comments carry it now, and
    a few example quotes with personal details removed). ``evidence.register(EvidenceKind(
    kind, label, choices, describe))``: ``choices(consultation_ids)`` gives ``[(target_id,
    title), ...]``; ``describe(target_id)`` gives ``{"title", "count", "total", "fewer_than",
    "more_than", "quotes", "url"}`` or ``None`` once the target is gone; small numbers are
    the describing capability's to hide (``count``/``total`` None, with ``fewer_than`` or
    ``more_than`` saying what may be said instead, and no quotes). The citing capability stores
    ``(kind, target_id)`` and asks ``evidence.describe(kind, target_id)`` when it shows it.

``result_holds``
    Reasons a consultation's results may not be made public yet, from capabilities that
    write results into it. ``result_holds.register(check)`` where ``check(consultation_id)``
    returns a sentence saying why (or ``None``); the consultation database refuses a results
    date while ``result_holds.reasons(consultation_id)`` gives any. Resident surveys use it:
    results published for staff only wait for the decision on the survey.

``facts``
    Yes-or-no facts about a consultation that another capability knows better than what was
    typed into the consultation's form. ``facts.register("equality_monitoring", check)`` where
    ``check(consultation_id)`` returns True when it holds; ``facts.holds(name, consultation_id)``
    is True when any check says so. Resident surveys use it: a consultation whose survey asks
    the equality questions collects equality monitoring, whatever its form's box says.
``take_part``
    Ways of taking part that Engage runs itself. ``take_part.register(find)`` where
    ``find(consultation, external)`` returns the address of the consultation's own way to take
    part (``url_for(...)``, a site-relative path unless ``external``) or ``None``. Built per
    request, so the link follows the site wherever it is served; a consultation's stored
    ``take_part_url`` is only for outside sites and is used when no capability has one.
    ``take_part.link(consultation)`` gives the link to show (templates: ``take_part_link(c)``).
    Resident surveys use it: an open survey is its consultation's "Take part" link.
``outcome_evidence``
    What residents said about an outcome, from the capabilities that hold it, so a ladder
    stage's page (engage/performance) can show it beside the figures. ``outcome_evidence.
    register(find)`` where ``find(outcome_ids, user)`` returns ``[{"kind", "title", "url",
    "on" (date or None), "summary", "points" (a few short lines)}, ...]`` of what ``user`` may
    see; ``outcome_evidence.find(outcome_ids, user)`` gathers them, newest first.
    Consultations give consultations and their findings; results sharing gives findings
    reports and the partnerships' published responses.
``purges``
    Steps that delete personal data past its time, run by ``flask --app wsgi engage
    purge-expired``. ``purges.register(name, step)`` where ``step(now, echo)`` deletes,
    flushes and returns how many; ``purges.run(now, echo)`` gives ``{name: count}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from flask import Flask, current_app
from flask_login import current_user
from markupsafe import Markup


class Panels:
    """Blocks of HTML added to named places on pages, per app."""

    key = "engage_panels"

    def register(self, place: str, render: Callable, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {}).setdefault(place, []).append(render)

    def render(self, place: str, obj) -> Markup:
        blocks = []
        for render in current_app.extensions.get(self.key, {}).get(place, []):
            html = render(obj, current_user)
            if html:
                blocks.append(Markup(html))
        return Markup("\n").join(blocks)


@dataclass(frozen=True)
class ContactSource:
    name: str
    addresses: Callable[[int], list[tuple[str, str]]]
    forget: Callable[[int, Iterable[str]], int]
    # Optional: ``languages(consultation_id)`` gives ``{key: [code, ...]}``, the languages other
    # than the site's own that what the address was given with (a survey) was offered in. A fact
    # about the survey, not the person: nothing about how they answered is kept with an address.
    languages: Callable[[int], dict[str, list[str]]] | None = None


class Contacts:
    """Where residents' "tell me what happens next" addresses are kept, per app."""

    key = "engage_contact_sources"

    def register(self, source: ContactSource, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {})[source.name] = source

    def sources(self) -> list[ContactSource]:
        return list(current_app.extensions.get(self.key, {}).values())

    def addresses(self, consultation_id: int) -> list[tuple[str, str, str]]:
        """``[(source name, key, email), ...]`` for everyone who asked about the consultation."""
        out = []
        for source in self.sources():
            out.extend((source.name, key, email) for key, email in source.addresses(consultation_id))
        return out

    def languages(self, consultation_id: int) -> dict[tuple[str, str], list[str]]:
        """``{(source name, key): [code, ...]}``: the other languages each address's survey (or
        other source) was offered in, for the addresses that have any."""
        out: dict[tuple[str, str], list[str]] = {}
        for source in self.sources():
            if source.languages is not None:
                for key, codes in source.languages(consultation_id).items():
                    if codes:
                        out[(source.name, key)] = list(codes)
        return out

    def forget(self, consultation_id: int, entries: Iterable[tuple[str, str, str]]) -> int:
        by_source: dict[str, list[str]] = {}
        for name, key, _email in entries:
            by_source.setdefault(name, []).append(key)
        sources = current_app.extensions.get(self.key, {})
        return sum(sources[name].forget(consultation_id, keys) for name, keys in by_source.items() if name in sources)


@dataclass(frozen=True)
class LinkKind:
    kind: str                    # stored beside the target id, e.g. "toolkit-entry"
    label: str                   # what people are choosing, e.g. "Toolkit entry"
    choices: Callable            # choices(user) -> [(target_id, title), ...]
    resolve: Callable            # resolve(target_id, user) -> (title, url) or None


class Links:
    key = "engage_link_kinds"

    def register(self, kind: LinkKind, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {})[kind.kind] = kind

    def kinds(self) -> dict[str, LinkKind]:
        return dict(current_app.extensions.get(self.key, {}))

    def get(self, kind: str) -> LinkKind | None:
        return current_app.extensions.get(self.key, {}).get(kind)

    def resolve(self, kind: str, target_id: int):
        found = self.get(kind)
        return found.resolve(target_id, current_user) if found else None

    def shown(self, stored) -> list["ShownLink"]:
        """A record's stored links (rows with ``id``, ``kind`` and ``target_id``) as the reader
        may see them, with titles and addresses; links to things now gone, or that the reader
        may not see, are left out."""
        out = []
        for link in stored:
            kind = self.get(link.kind)
            found = kind.resolve(link.target_id, current_user) if kind else None
            if found:
                out.append(ShownLink(link.id, link.kind, kind.label, found[0], found[1]))
        return out


@dataclass(frozen=True)
class ShownLink:
    id: int
    kind: str
    label: str
    title: str
    url: str


@dataclass(frozen=True)
class EvidenceKind:
    kind: str                    # stored beside the target id, e.g. "comment-theme"
    label: str                   # what is cited, e.g. "Survey comment theme"
    choices: Callable            # choices(consultation_ids) -> [(target_id, title), ...]
    describe: Callable           # describe(target_id) -> {"title", "count", "total", "fewer_than", "more_than", "quotes", "url"} or None


class Evidence:
    key = "engage_evidence_kinds"

    def register(self, kind: EvidenceKind, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {})[kind.kind] = kind

    def kinds(self) -> dict[str, EvidenceKind]:
        return dict(current_app.extensions.get(self.key, {}))

    def choices(self, consultation_ids) -> list[tuple[str, str]]:
        """``[("kind:id", "Label: title"), ...]`` over every kind, for one select box."""
        ids = list(consultation_ids)
        return [(f"{k.kind}:{target}", f"{k.label}: {title}") for k in self.kinds().values() for target, title in k.choices(ids)]

    def describe(self, kind: str, target_id: int | None):
        found = self.kinds().get(kind or "")
        return found.describe(target_id) if found and target_id else None


class ResultHolds:
    key = "engage_result_holds"

    def register(self, check: Callable[[int], str | None], app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, []).append(check)

    def reasons(self, consultation_id: int) -> list[str]:
        return [reason for check in current_app.extensions.get(self.key, []) if (reason := check(consultation_id))]


class Facts:
    key = "engage_facts"

    def register(self, name: str, check: Callable[[int], bool], app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {}).setdefault(name, []).append(check)

    def holds(self, name: str, consultation_id: int) -> bool:
        return any(check(consultation_id) for check in current_app.extensions.get(self.key, {}).get(name, []))


class TakePart:
    key = "engage_take_part"

    def register(self, find: Callable, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, []).append(find)

    def link(self, consultation, external: bool = False) -> str:
        """The consultation's "Take part" address: its own (a survey), else the outside site
        it names, else ``""``."""
        for find in current_app.extensions.get(self.key, []):
            found = find(consultation, external)
            if found:
                return found
        return getattr(consultation, "take_part_url", "") or ""


class Purges:
    key = "engage_purges"

    def register(self, name: str, step: Callable, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, {})[name] = step

    def run(self, now=None, echo=lambda m: None) -> dict[str, int]:
        return {name: step(now, echo) for name, step in current_app.extensions.get(self.key, {}).items()}


class OutcomeEvidence:
    key = "engage_outcome_evidence"

    def register(self, find: Callable, app: Flask | None = None) -> None:
        app = app or current_app
        app.extensions.setdefault(self.key, []).append(find)

    def find(self, outcome_ids, user=None) -> list[dict]:
        ids = [i for i in outcome_ids if i]
        if not ids:
            return []
        out = []
        for find in current_app.extensions.get(self.key, []):
            out.extend(find(ids, user))
        return sorted(out, key=lambda item: (item.get("on") is not None, item.get("on")), reverse=True)


panels = Panels()
outcome_evidence = OutcomeEvidence()
facts = Facts()
contacts = Contacts()
links = Links()
evidence = Evidence()
result_holds = ResultHolds()
take_part = TakePart()
purges = Purges()


def init_app(app: Flask) -> None:
    app.jinja_env.globals["panels"] = panels.render
    app.jinja_env.globals["take_part_link"] = take_part.link
