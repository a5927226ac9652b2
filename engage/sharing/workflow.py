"""THE table of the findings workflow: states × actions × roles. Every transition is
checked here and nowhere else; ``services.transition`` records it.

Roles are what a person is *to this report*, worked out by ``roles_for``:

- ``author``: a practitioner, coordinator or officer of the organisation that wrote it (or
  the person who started it);
- ``reviewer``: a partnership officer, or a coordinator of a partnership named on it;
- ``officer``: a partnership officer.

Nobody approves their own work: the person who started the report, and anyone who changed its
content (details, key findings, recommendations, attachments) since it was last approved, are
refused ``approve`` (each change is a ``ReportContribution``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER

AUTHOR, REVIEWER, OFFICER_ROLE = "author", "reviewer", "officer"
WRITER_ROLES = (PRACTITIONER, COORDINATOR, OFFICER)


@dataclass(frozen=True)
class Move:
    action: str
    label: str          # the button
    source: str
    target: str
    roles: frozenset
    needs_comment: bool = False
    comment_label: str = "Comment"
    not_own: bool = False       # refused to whoever started it or changed it since its last approval


def _move(action, label, source, target, roles, **kw) -> Move:
    return Move(action, label, source, target, frozenset(roles), **kw)


TABLE: list[Move] = [
    _move("submit", "Send for review", "draft", "in-review", {AUTHOR}),
    _move("request-changes", "Ask for changes", "in-review", "changes-requested", {REVIEWER},
          needs_comment=True, comment_label="What needs to change"),
    _move("approve", "Approve", "in-review", "approved", {OFFICER_ROLE}, not_own=True),
    _move("withdraw", "Withdraw", "in-review", "withdrawn", {AUTHOR, OFFICER_ROLE}, needs_comment=True, comment_label="Why it is withdrawn"),
    _move("revise", "Make the changes", "changes-requested", "draft", {AUTHOR}),
    _move("withdraw", "Withdraw", "changes-requested", "withdrawn", {AUTHOR, OFFICER_ROLE}, needs_comment=True, comment_label="Why it is withdrawn"),
    _move("publish", "Publish", "approved", "published", {OFFICER_ROLE}),
    _move("request-changes", "Ask for changes", "approved", "changes-requested", {OFFICER_ROLE},
          needs_comment=True, comment_label="What needs to change"),
    _move("withdraw", "Withdraw", "approved", "withdrawn", {AUTHOR, OFFICER_ROLE}, needs_comment=True, comment_label="Why it is withdrawn"),
    _move("withdraw", "Withdraw", "published", "withdrawn", {OFFICER_ROLE}, needs_comment=True, comment_label="Why it is withdrawn"),
]
STATES = ["draft", "in-review", "changes-requested", "approved", "published", "withdrawn"]
ACTIONS = sorted({m.action for m in TABLE})
ACTION_LABELS = {m.action: m.label for m in TABLE}
PAST = {"submit": "sent for review", "request-changes": "changes asked for", "approve": "approved",
        "withdraw": "withdrawn", "revise": "reopened for changes", "publish": "published", "create": "started"}
_BY_KEY = {(m.source, m.action): m for m in TABLE}


class WorkflowError(ValueError):
    """A move the table does not allow; the message is for the person."""


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def roles_for(user, report) -> set[str]:
    if not _signed_in(user):
        return set()
    roles = set()
    if user.role in WRITER_ROLES and (
        (report.created_by_id is not None and report.created_by_id == user.id)
        or (user.organisation_id is not None and report.organisation_id == user.organisation_id)
    ):
        roles.add(AUTHOR)
    if user.role == OFFICER:
        roles.update({OFFICER_ROLE, REVIEWER})
    elif user.role == COORDINATOR and any(user in p.coordinators for p in report.partnerships):
        roles.add(REVIEWER)
    return roles


def move_for(state: str, action: str) -> Move | None:
    return _BY_KEY.get((state, action))


def check(user, report, action: str) -> Move:
    """The move if this person may make it now; otherwise WorkflowError in plain words."""
    move = move_for(report.state, action)
    if move is None:
        raise WorkflowError(f"A report that is {report.state_label.lower()} cannot be {PAST.get(action, action)}.")
    roles = roles_for(user, report)
    if not roles & move.roles:
        raise WorkflowError(f"You cannot {move.label.lower()} this report. {_who(move)}")
    if move.not_own and report.created_by_id is not None and report.created_by_id == getattr(user, "id", None):
        raise WorkflowError("You cannot approve a report you wrote. Another partnership officer must approve it.")
    if move.not_own and getattr(user, "id", None) in changed_since_approval(report):
        raise WorkflowError("You cannot approve this report because you changed it since it was last approved. "
                            "Another partnership officer must approve it.")
    return move


def changed_since_approval(report) -> set[int]:
    """The ids of everyone who changed the report's content since it was last approved (ever,
    if it never was)."""
    if report.id is None:
        return set()
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import ReportContribution, ReportTransition

    last = db.session.scalar(select(func.max(ReportTransition.created_at))
                             .where(ReportTransition.report_id == report.id, ReportTransition.action == "approve"))
    query = select(ReportContribution.user_id).where(ReportContribution.report_id == report.id,
                                                     ReportContribution.user_id.is_not(None))
    if last is not None:
        query = query.where(ReportContribution.created_at > last)
    return set(db.session.scalars(query))


def next_steps(report) -> list[tuple[str, str]]:
    """Who can move the report on from where it is: [(button, who)], for its page."""
    from ..accounts.models import User
    from ..extensions import db

    out = []
    for move in TABLE:
        if move.source != report.state:
            continue
        who = _who(move).removeprefix("Only ").removesuffix(" can do that.")
        if move.not_own:
            ids = changed_since_approval(report) | ({report.created_by_id} if report.created_by_id else set())
            people = [db.session.get(User, i) for i in sorted(ids)]
            names = sorted(p.name for p in people if p is not None)
            if names:
                who += " who has not written or changed it (not " + ", ".join(names) + ")"
        out.append((move.label, who))
    return out


def _who(move: Move) -> str:
    names = {AUTHOR: "its authors", REVIEWER: "its reviewers", OFFICER_ROLE: "a partnership officer"}
    return "Only " + " or ".join(names[r] for r in sorted(move.roles)) + " can do that."


def allowed(user, report) -> list[Move]:
    """The moves this person may make on this report now (the buttons to show)."""
    out = []
    for move in TABLE:
        if move.source != report.state:
            continue
        try:
            check(user, report, move.action)
        except WorkflowError:
            continue
        out.append(move)
    return out
