"""The life of a strategy version, as a table of states × actions × roles.

Every move is checked against the table and recorded (who, when, from, to, why) in
``StrategyTransition``; nothing else changes ``StrategyVersion.state``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.roles import OFFICER


@dataclass(frozen=True)
class Move:
    action: str
    label: str           # the button
    from_states: tuple[str, ...]
    to_state: str
    roles: tuple[str, ...]
    needs_reason: bool = False
    automatic: bool = False  # done by the system as part of another move, never from a button


MOVES: dict[str, Move] = {m.action: m for m in (
    Move("open_comment", "Send out for comment", ("draft",), "consultation", (OFFICER,)),
    Move("withdraw", "Take back to draft", ("consultation",), "draft", (OFFICER,), needs_reason=True),
    Move("adopt", "Adopt this version", ("draft", "consultation"), "adopted", (OFFICER,)),
    Move("supersede", "Superseded by a newer adopted version", ("adopted",), "superseded", (OFFICER,), automatic=True),
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
