"""Honest numbers, through well-kept libraries: intervals and two-proportion tests with a
correction for many tests (statsmodels), and the Kish effective base of weighted figures
(the weights themselves come from engage/surveys/weighting.py). The libraries are imported when first needed, so
web workers that never show results do not pay for loading them.

Conventions (checked in tests against figures worked out by hand and against statsmodels):
- interval at 95%: the Wilson score interval (``proportion_confint(method="wilson")``), which
  stays inside 0% to 100% and is honest near both ends (the normal "Wald" margin gives ±0 for
  1 of 1 and runs past 100% for 3 of 4); with weights, n is the effective base (Kish):
  (Σw)² / Σw². No interval under the minimum base (``engage.core.numbers.min_base``, 30 by
  default), which is the effective base with weights;
- significance: a two-sided two-proportion z-test with a pooled proportion, at the 5% level,
  on effective bases; only groups at or above the minimum base are tested, and the family of
  tests in one table is controlled by Holm's method (as ``multipletests(method="holm")``, see
  ``family``), so the chance of any false mark in a table stays at 5%;
- a margin of error describes the chance of who happened to answer in a random sample; an
  open-link survey's people chose to answer, so it says nothing about who did not.
"""
from __future__ import annotations

import functools

from ..core import numbers

LEVEL = 0.95
ALPHA = 1 - LEVEL
# How the tests of one table are controlled as a family (statsmodels' multipletests name,
# which the tests check ``family`` against).
CORRECTION = "holm"
CORRECTION_NAME = "Holm"


def interval(count: float, base: float) -> tuple[float, float] | None:
    """The 95% Wilson score interval of count/base, as percentages (low, high); ``base`` is
    the effective base with weights. None under the minimum base (``numbers.min_base``)."""
    if not base or base <= 0 or base < numbers.min_base():
        return None
    return _wilson(min(max(float(count), 0.0), float(base)), float(base))


@functools.lru_cache(maxsize=65536)
def _wilson(count: float, base: float) -> tuple[float, float]:
    # A results page asks for the same few thousand (count, base) pairs again and again, and
    # each statsmodels call costs about 0.4 ms (scipy works out z afresh), so pairs are kept.
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, base, alpha=ALPHA, method="wilson")
    return 100.0 * float(low), 100.0 * float(high)


def two_proportion_test(count1: float, base1: float, count2: float, base2: float) -> float | None:
    """The p-value of a two-sided z-test that two proportions are equal (pooled variance)."""
    if not base1 or not base2:
        return None
    p1, p2 = count1 / base1, count2 / base2
    pooled = (count1 + count2) / (base1 + base2)
    if pooled <= 0 or pooled >= 1:
        return None if p1 == p2 else 0.0
    from statsmodels.stats.proportion import proportions_ztest

    _, p_value = proportions_ztest([count1, count2], [base1, base2], alternative="two-sided")
    return float(p_value)


def significant(p_value: float | None) -> bool:
    """One test by itself at the 5% level (a table's tests go through ``family``)."""
    return p_value is not None and p_value < ALPHA


def family(p_values: list[float]) -> list[bool]:
    """Which tests of one family (one table) are significant once the family is controlled by
    Holm's step-down method at the 5% level: sort the p-values; the k-th smallest (from 1) of
    m passes while it is at most 5% / (m − k + 1); the first that fails stops the rest.

    The same as statsmodels' ``multipletests(method="holm")`` (the tests compare the two),
    written out because statsmodels' Holm branch runs a full ``gc.collect()`` on every call:
    about half a second per table in a web worker, 9 seconds for the demo survey's page."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    found = [False] * len(p_values)
    m = len(p_values)
    for k, i in enumerate(order):
        if p_values[i] > ALPHA / (m - k):
            break
        found[i] = True
    return found


def effective_base(weights: list[float]) -> float:
    total = sum(weights)
    squares = sum(w * w for w in weights)
    return (total * total / squares) if squares else 0.0
