"""Every workflow in Engage is registered in one place (engage/core/workflows.py) and walked
here: every state but a final one has someone (or a date) that moves it on, every move joins
known states and says what it does, and every state can be reached. A move taken out of a
table is caught (the planted fault is kept as a test)."""
from __future__ import annotations

import dataclasses

import pytest

from engage.core import workflows

EXPECTED = {"cycle.plan", "funding.round", "performance.stage", "sharing.report", "sharing.response", "strategy.version",
            "surveys.survey",
            "toolkit.suggestion"}


def test_every_workflow_is_registered(app):
    assert EXPECTED <= {w.name for w in workflows.registered()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_state_is_a_dead_end(app, name):
    workflow = workflows.get(name)
    assert workflow.table(), name
    assert workflows.problems(workflow) == []
    for state in set(workflow.states) - set(workflow.final):
        assert any(s.automatic or s.roles for s in workflow.from_state(state)), (name, state)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_taking_a_move_out_is_caught(app, name):
    """The planted fault, for each table: without the only way out of a state the walk
    names that state; without the way in, it says nothing leads there."""
    workflow = workflows.get(name)
    table = workflow.table()
    for state in sorted(set(workflow.states) - set(workflow.final)):
        leaving = [s for s in table if s.source == state]
        broken = dataclasses.replace(workflow, steps=lambda leaving=leaving: [s for s in table if s not in leaving])
        found = workflows.problems(broken)
        assert any(workflow.states[state].lower() in p and "nobody can move it on" in p for p in found), (state, found)
    nobody = dataclasses.replace(workflow, steps=lambda: [dataclasses.replace(s, roles=frozenset(), automatic=False)
                                                          if i == 0 else s for i, s in enumerate(table)])
    assert any("nobody may" in p for p in workflows.problems(nobody))


def test_moves_added_to_a_table_later_are_picked_up(app):
    """Another helper's new survey move (close now) is one more step in lifecycle.TABLE: the
    registry reads the table each time, so the page and the walk see it with no other change."""
    from engage.surveys import lifecycle

    workflow = workflows.get("surveys.survey")
    extra = workflows.step("close-now", "Close now", "open", "closed", {lifecycle.MANAGER}, does="Closes it today.")
    lifecycle.TABLE.append(extra)
    try:
        assert extra in workflow.from_state("open")
        assert workflows.problems(workflow) == []
    finally:
        lifecycle.TABLE.remove(extra)
    assert extra not in workflow.from_state("open")


def test_a_step_to_an_unknown_state_is_caught():
    wf = workflows.Workflow(name="t", title="Thing", states={"a": "A", "b": "B"}, start="a", final={"b"},
                            roles={"x": "someone"}, steps=lambda: [workflows.step("go", "Go", "a", "c", {"x"}, does="Goes.")])
    found = workflows.problems(wf)
    assert any("'c'" in p for p in found) and any("nothing leads to 'b'" in p for p in found)
