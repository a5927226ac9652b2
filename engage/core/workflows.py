"""Every workflow in Engage, described one way: its states, its moves, and for each move who
may make it (in words) and what the button does. Pages show a record's place in its workflow
with one macro (``templates/macros/workflow.html``), and a test walks every registered table
(``problems``) to check that no state but a final one is a dead end.

How a capability uses it:

1. Describe each move as a ``Step`` (one per starting state) in the capability's own table,
   and register the workflow once, at import. Its words (title, state names, labels, what
   each step does, the roles' words) are marked with ``N_`` for the catalogue and translated
   where shown (the macro, ``Workflow.who``)::

       workflows.register(Workflow(
           name="sharing.report", title="Findings report", states={"draft": "Draft", ...},
           start="draft", final={"withdrawn"}, roles={"author": "its authors", ...},
           steps=lambda: TABLE, state_of=lambda report: report.state, ...))

   ``steps`` is read every time it is used, so moves added to the table later (another
   helper's "close now", "extend", "reopen") are picked up without touching the registry.
2. Optionally give the workflow ``who_now(step, record)`` (the words for this record: "a
   partnership officer other than Ann Author"), ``may(step, record, user)`` (is this person
   allowed now: the capability's own check), ``href(step, record)`` (where the button goes)
   and ``stuck(record)`` (a sentence when nobody but the person who is waiting could move it
   on, saying who to ask or which setting to change).
3. In the page: ``{% from "macros/workflow.html" import workflow_status %}`` and
   ``{{ workflow_status(workflow_of("sharing.report", report)) }}``.

A step with ``automatic=True`` happens by itself (a date passing, part of another move): it
counts as someone moving the record on, but never gets a button.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .i18n import gettext


@dataclass(frozen=True)
class Step:
    action: str
    label: str                 # the button ("Approve")
    source: str                # the state it starts from
    target: str                # the state it leads to
    roles: frozenset = frozenset()   # keys of ``Workflow.roles`` that may make it
    does: str = ""             # what the button will do, in words ("The author is emailed ...")
    who: str = ""              # who may make it, in words; from the roles when blank
    automatic: bool = False    # happens by itself, never from a button
    confirm: str = ""          # the question asked before it is done ("" when it is not asked)


def step(action, label, source, target, roles=(), **kw) -> Step:
    return Step(action, label, source, target, frozenset(roles), **kw)


@dataclass
class Workflow:
    name: str
    title: str                       # "Findings report"
    states: dict                     # state -> label
    start: str
    final: Iterable[str]
    roles: dict                      # role key -> words ("a partnership officer")
    steps: Callable[[], Iterable[Step]]
    state_of: Callable = lambda record: record.state
    who_now: Callable | None = None  # (step, record) -> words
    may: Callable | None = None      # (step, record, user) -> bool
    href: Callable | None = None     # (step, record) -> url or None
    stuck: Callable | None = None    # (record) -> sentence or None
    waiting: Callable | None = None  # (record) -> who it waits for, in words (default: the first move's people)

    def table(self) -> list[Step]:
        return list(self.steps())

    def who(self, step: Step) -> str:
        """Who may make ``step``, in words in the reader's language (the table's words are
        marked with ``N_`` and translated here; the macro translates labels, states and what
        each step does)."""
        if step.who:
            return gettext(step.who)
        if step.automatic:
            return gettext("nobody: it happens by itself")
        return either(gettext(self.roles.get(r, r)) for r in sorted(step.roles))

    def from_state(self, state: str) -> list[Step]:
        return [s for s in self.table() if s.source == state]


def either(words: Iterable[str]) -> str:
    """"a, b or c" in the reader's language: words already in it, joined by a translated "or"."""
    words = list(words)
    text = words[0] if words else ""
    for more in words[1:]:
        text = gettext("%(one)s or %(other)s", one=text, other=more)
    return text


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.name] = workflow
    return workflow


def get(name: str) -> Workflow:
    return _REGISTRY[name]


def registered() -> list[Workflow]:
    return list(_REGISTRY.values())


# ---- checking a table -------------------------------------------------------------------

def problems(workflow: Workflow) -> list[str]:
    """What is wrong with a workflow's table, in words; empty when every state but a final
    one has someone who can move it on, every move joins known states, every role has words,
    and every state can be reached from the start."""
    out = []
    table = workflow.table()
    states, final = set(workflow.states), set(workflow.final)
    if workflow.start not in states:
        out.append(f"{workflow.title}: the first state {workflow.start!r} is not one of its states")
    for s in table:
        for end in (s.source, s.target):
            if end not in states:
                out.append(f"{workflow.title}: “{s.label}” joins {end!r}, which is not one of its states")
        if not s.automatic and not s.roles:
            out.append(f"{workflow.title}: nobody may “{s.label}” from {s.source!r}")
        unknown = set(s.roles) - set(workflow.roles)
        if unknown:
            out.append(f"{workflow.title}: “{s.label}” names roles with no words: {sorted(unknown)}")
        if not s.does:
            out.append(f"{workflow.title}: “{s.label}” does not say what it does")
    for state in sorted(states - final):
        movable = [s for s in table if s.source == state and s.target != state and (s.automatic or s.roles)]
        if not movable:
            out.append(f"{workflow.title}: nobody can move it on from {workflow.states[state].lower()!r}")
    reached, frontier = {workflow.start}, [workflow.start]
    while frontier:
        here = frontier.pop()
        for s in table:
            if s.source == here and s.target not in reached:
                reached.add(s.target)
                frontier.append(s.target)
    for state in sorted(states - reached):
        out.append(f"{workflow.title}: nothing leads to {workflow.states[state].lower()!r}")
    return out


# ---- a record's place in its workflow, for its page -------------------------------------

@dataclass
class NextStep:
    step: Step
    who: str
    yours: bool = False
    href: str | None = None

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def does(self) -> str:
        return self.step.does


@dataclass
class Status:
    workflow: Workflow
    state: str
    state_label: str
    steps: list = field(default_factory=list)
    stuck: str | None = None
    waiting: str | None = None

    @property
    def final(self) -> bool:
        return self.state in set(self.workflow.final) and not self.steps

    @property
    def waiting_for(self) -> str:
        """"Waiting for a partnership officer other than the author": the people who can
        make the first move that is not automatic, in words (or the workflow's own words)."""
        if self.waiting:
            return self.waiting
        people = [s.who for s in self.steps if not s.step.automatic]
        return people[0] if people else ""


def status(name_or_workflow, record, user=None) -> Status:
    workflow = name_or_workflow if isinstance(name_or_workflow, Workflow) else get(name_or_workflow)
    state = workflow.state_of(record)
    steps = []
    for s in workflow.from_state(state):
        who = workflow.who_now(s, record) if workflow.who_now else None
        yours = bool(not s.automatic and user is not None and workflow.may and workflow.may(s, record, user))
        href = workflow.href(s, record) if (workflow.href and yours) else None
        steps.append(NextStep(s, who or workflow.who(s), yours, href))
    stuck = workflow.stuck(record) if workflow.stuck else None
    waiting = workflow.waiting(record) if workflow.waiting else None
    return Status(workflow, state, workflow.states.get(state, state), steps, stuck, waiting)


def init_app(app) -> None:
    from flask_login import current_user

    def workflow_of(name, record):
        return status(name, record, current_user)

    app.jinja_env.globals["workflow_of"] = workflow_of
