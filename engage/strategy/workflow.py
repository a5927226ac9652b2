"""The life of a strategy version, as a table of states × actions × roles.

Every move is checked against the table and recorded (who, when, from, to, why) in
``StrategyTransition``; nothing else changes ``StrategyVersion.state``. The table is registered
with ``engage/core/workflows.py``: the version's page says who can act and what each button
does, and a test checks that no state is a dead end.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.roles import OFFICER
from ..core import workflows
from ..core.i18n import N_


@dataclass(frozen=True)
class Move:
    action: str
    label: str           # the button
    from_states: tuple[str, ...]
    to_state: str
    roles: tuple[str, ...]
    needs_reason: bool = False
    automatic: bool = False  # done by the system as part of another move, never from a button
    does: str = ""           # what the button does, in words
    confirm: str = ""        # asked before it is done


MOVES: dict[str, Move] = {m.action: m for m in (
    Move("open_comment", N_("Send out for comment"), ("draft",), "consultation", (OFFICER,),
         does=N_("Emails every Network Group member and partnership coordinator that they can comment until the closing date. "
              "Sections cannot be changed while it is out for comment."),
         confirm=N_("Send this version out for comment and email everyone?")),
    Move("withdraw", N_("Take back to draft"), ("consultation",), "draft", (OFFICER,), needs_reason=True,
         does=N_("Stops comments and lets you change the sections again. The comments made so far are kept.")),
    Move("adopt", N_("Adopt this version"), ("draft", "consultation"), "adopted", (OFFICER,),
         does=N_("Makes this version the strategy everyone sees, with what was done about each comment. "
              "Any version adopted before it is marked as replaced. People who commented and left an address are told."),
         confirm=N_("Adopt this version?")),
    Move("supersede", N_("Superseded by a newer adopted version"), ("adopted",), "superseded", (OFFICER,), automatic=True,
         does=N_("Happens when a newer version of the same strategy is adopted.")),
)}


def moves_from(state: str, user) -> list[Move]:
    """The moves ``user`` may make from ``state`` (buttons to show)."""
    return [m for m in MOVES.values() if not m.automatic and state in m.from_states and _may(user, m)]


def _may(user, move: Move) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.has_role(*move.roles))


def check(action: str, state: str, user) -> Move:
    from .common import RuleError

    move = MOVES.get(action)
    if move is None:
        raise RuleError("That is not something you can do to a strategy version.")
    if not _may(user, move):
        raise RuleError("Only a partnership officer can do that.")
    if state not in move.from_states:
        raise RuleError(f"A version that is {state.replace('consultation', 'out for comment')} cannot be moved that way.")
    return move


STATE_WORDS = {"draft": N_("Draft"), "consultation": N_("Out for comment"), "adopted": N_("Adopted"), "superseded": N_("Superseded")}


def _steps() -> list[workflows.Step]:
    return [workflows.Step(m.action, m.label, source, m.to_state, frozenset(m.roles), does=m.does, automatic=m.automatic,
                           confirm=m.confirm)
            for m in MOVES.values() for source in m.from_states]


WORKFLOW = workflows.register(workflows.Workflow(
    name="strategy.version", title=N_("Strategy version"), states=STATE_WORDS, start="draft", final={"superseded"},
    roles={OFFICER: N_("a partnership officer")}, steps=_steps, state_of=lambda version: version.state,
    may=lambda step, version, user: step.action in {m.action for m in moves_from(version.state, user)}))
