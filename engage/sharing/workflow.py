"""THE table of the findings workflow: states × actions × roles. Every transition is
checked here and nowhere else; ``services.transition`` records it. The table is registered
with ``engage/core/workflows.py``, so the report page says who can act now and what each
button does, and a test checks that no state is a dead end.

Roles are what a person is *to this report*, worked out by ``roles_for``:

- ``author``: a practitioner, coordinator or officer of the organisation that wrote it (or
  the person who started it);
- ``reviewer``: a partnership officer, or a coordinator of a partnership named on it;
- ``approver``: a partnership officer, or a coordinator of a partnership named on it whose
  officers let its coordinators approve (``Partnership.report_approvers``, partnership data);
- ``officer``: a partnership officer.

Nobody approves their own work: the person who started the report, and anyone who changed its
content (details, key findings, recommendations, attachments) since it was last approved, are
refused ``approve`` (each change is a ``ReportContribution``). When that leaves nobody who could
approve, the page says so and how to fix it (``stuck``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER
from ..core import workflows
from ..core.i18n import N_, gettext

AUTHOR, REVIEWER, APPROVER, OFFICER_ROLE = "author", "reviewer", "approver", "officer"
WRITER_ROLES = (PRACTITIONER, COORDINATOR, OFFICER)
ROLE_WORDS = {AUTHOR: N_("its authors"), REVIEWER: N_("its reviewers"), APPROVER: N_("a partnership officer other than the author"),
              OFFICER_ROLE: N_("a partnership officer")}


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
    does: str = ""              # what the button does, in words


def _move(action, label, source, target, roles, **kw) -> Move:
    return Move(action, label, source, target, frozenset(roles), **kw)


_WITHDRAW = dict(needs_comment=True, comment_label="Why it is withdrawn",
                 does=N_("Stops the report for good. The reason is kept with it."))
_ASK = dict(needs_comment=True, comment_label="What needs to change",
            does=N_("Sends it back to its authors with what needs to change. The author is emailed."))
TABLE: list[Move] = [
    _move("submit", N_("Send for review"), "draft", "in-review", {AUTHOR},
          does=N_("Locks the report and emails the people who can approve it or ask for changes.")),
    _move("request-changes", N_("Ask for changes"), "in-review", "changes-requested", {REVIEWER}, **_ASK),
    _move("approve", N_("Approve"), "in-review", "approved", {APPROVER}, not_own=True,
          does=N_("Marks it ready to publish. The author is emailed; a partnership officer can then publish it.")),
    _move("withdraw", N_("Withdraw"), "in-review", "withdrawn", {AUTHOR, OFFICER_ROLE}, **_WITHDRAW),
    _move("revise", N_("Make the changes"), "changes-requested", "draft", {AUTHOR},
          does=N_("Unlocks the report so its authors can change it, then send it for review again.")),
    _move("withdraw", N_("Withdraw"), "changes-requested", "withdrawn", {AUTHOR, OFFICER_ROLE}, **_WITHDRAW),
    _move("publish", N_("Publish"), "approved", "published", {OFFICER_ROLE},
          does=N_("Makes it public now or at a set time. The partnerships named on it are asked to respond, "
               "and residents who asked to hear back are told.")),
    _move("request-changes", N_("Ask for changes"), "approved", "changes-requested", {OFFICER_ROLE}, **_ASK),
    _move("withdraw", N_("Withdraw"), "approved", "withdrawn", {AUTHOR, OFFICER_ROLE}, **_WITHDRAW),
    _move("withdraw", N_("Withdraw"), "published", "withdrawn", {OFFICER_ROLE}, needs_comment=True,
          comment_label="Why it is withdrawn",
          does=N_("Takes it off the public pages. People who open its link see that it was withdrawn, and why.")),
]
STATES = ["draft", "in-review", "changes-requested", "approved", "published", "withdrawn"]
STATE_WORDS = {"draft": N_("Draft"), "in-review": N_("In review"), "changes-requested": N_("Changes requested"),
               "approved": N_("Approved"), "published": N_("Published"), "withdrawn": N_("Withdrawn")}
ACTIONS = sorted({m.action for m in TABLE})
ACTION_LABELS = {m.action: m.label for m in TABLE}
PAST = {"submit": N_("sent for review"), "request-changes": N_("changes asked for"), "approve": N_("approved"),
        "withdraw": N_("withdrawn"), "revise": N_("reopened for changes"), "publish": N_("published"),
        "create": N_("started")}
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
        roles.update({OFFICER_ROLE, REVIEWER, APPROVER})
    elif user.role == COORDINATOR:
        mine = [p for p in report.partnerships if user in p.coordinators]
        if mine:
            roles.add(REVIEWER)
        if any(p.report_approvers == "coordinators" for p in mine):
            roles.add(APPROVER)
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
        raise WorkflowError(gettext("You cannot approve a report you wrote. %(wait)s", wait=approval_wait(report)))
    if move.not_own and getattr(user, "id", None) in changed_since_approval(report):
        raise WorkflowError(gettext("You cannot approve this report because you changed it since it was last approved. %(wait)s",
                                    wait=approval_wait(report)))
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


def _who(move: Move) -> str:
    return gettext("Only %(who)s can do that.", who=workflows.either(gettext(ROLE_WORDS[r]) for r in sorted(move.roles)))


# ---- who can approve: partnership data, never a dead end ----------------------------------

def _not_allowed_to_approve(report) -> set[int]:
    return changed_since_approval(report) | ({report.created_by_id} if report.created_by_id else set())


def approvers(report) -> list:
    """Everyone who could approve the report now: active partnership officers, and active
    coordinators of a partnership named on it that lets its coordinators approve, leaving out
    the person who started it and anyone who changed it since it was last approved."""
    from sqlalchemy import select

    from ..accounts.models import User
    from ..extensions import db

    barred = _not_allowed_to_approve(report)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.role == OFFICER, User.active.is_(True)))}
    for partnership in report.partnerships:
        if partnership.report_approvers == "coordinators":
            for user in partnership.coordinators:
                if user.active and user.role in (COORDINATOR, OFFICER):
                    people.setdefault(user.id, user)
    return sorted((u for i, u in people.items() if i not in barred), key=lambda u: (u.name, u.id))


def approver_words(report) -> str:
    """Who may approve, in words: "a partnership officer other than the author", or with the
    coordinators of the partnerships that allow it, and who is left out."""
    from ..accounts.models import User
    from ..extensions import db

    allowing = [p.name for p in report.partnerships if p.report_approvers == "coordinators"]
    if allowing:
        words = gettext("a partnership officer or a coordinator of %(partnerships)s", partnerships=workflows.either(allowing))
    else:
        words = gettext("a partnership officer")
    barred = sorted(_not_allowed_to_approve(report))
    names = [u.name for u in (db.session.get(User, i) for i in barred) if u is not None]
    if report.created_by_id and len(names) <= 1:
        words = gettext("%(who)s other than the author", who=words)
    else:
        words = gettext("%(who)s who has not written or changed it", who=words)
    if names:
        words = gettext("%(who)s (not %(names)s)", who=words, names=", ".join(sorted(names)))
    return words


def approval_wait(report) -> str:
    """The sentence a refused approver reads: who can do it instead, or how to unstick it."""
    stuck_text = stuck(report, force=True)
    if stuck_text:
        return stuck_text
    return gettext("It is waiting for %(who)s.", who=approver_words(report))


def stuck(report, force: bool = False) -> str | None:
    """When a report in review has nobody who may approve it: says so, who to ask and which
    setting fixes it. None when someone can (or the report is not waiting for approval)."""
    if not force and report.state != "in-review":
        return None
    if approvers(report):
        return None
    names = ", ".join(p.name for p in report.partnerships) or gettext("the partnership named on it")
    return gettext("Nobody can approve this report yet: everyone who may approve it wrote or changed it. "
                   "To fix this, a partnership officer can let the coordinators of %(partnerships)s approve reports "
                   "(in Reference data, Partnerships: “Who may approve findings reports”), "
                   "or give another person a partnership officer account (in Accounts).", partnerships=names)


def next_steps(report) -> list[tuple[str, str]]:
    """Who can move the report on from where it is: [(button, who)], for its page and emails."""
    out = []
    for move in TABLE:
        if move.source != report.state:
            continue
        out.append((move.label, _who_now(move, report)))
    return out


def _who_now(move: Move, report) -> str:
    if move.not_own:
        return approver_words(report)
    return workflows.either(gettext(ROLE_WORDS[r]) for r in sorted(move.roles))


def _step(move: Move) -> workflows.Step:
    return workflows.Step(move.action, move.label, move.source, move.target, move.roles, does=move.does)


def _may(step, report, user) -> bool:
    try:
        check(user, report, step.action)
    except WorkflowError:
        return False
    return True


def _href(step, report):
    from flask import url_for

    return url_for("sharing.move", report_id=report.id, action=step.action)


WORKFLOW = workflows.register(workflows.Workflow(
    name="sharing.report", title=N_("Findings report"), states=STATE_WORDS,
    start="draft", final={"withdrawn"}, roles=ROLE_WORDS, steps=lambda: [_step(m) for m in TABLE],
    who_now=lambda step, report: _who_now(_BY_KEY[(step.source, step.action)], report),
    may=_may, href=_href, stuck=stuck,
    waiting=lambda report: gettext("%(who)s to approve it", who=approver_words(report)) if report.state == "in-review" else None))


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
