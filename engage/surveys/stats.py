"""Honest numbers, through well-kept libraries: margins of error and two-proportion tests
(statsmodels), and the Kish effective base of weighted figures (the weights themselves come
from engage/surveys/weighting.py). The libraries are imported when first needed, so web workers that
never show results do not pay for loading them.

Conventions (checked in tests against figures worked out by hand):
- margin of error at 95%: 1.96 × sqrt(p(1 − p) / n), from the normal approximation; with
  weights, n is the effective base (Kish): (Σw)² / Σw²;
- significance: a two-sided two-proportion z-test with a pooled proportion, at the 5% level;
  not run when either base is under the suppression threshold.
"""
from __future__ import annotations

LEVEL = 0.95
ALPHA = 1 - LEVEL


def margin_of_error(count: float, base: float, *, population: int | None = None) -> float | None:
    """Half the width of the 95% interval of count/base, in percentage points."""
    if not base or base <= 0:
        return None
    from statsmodels.stats.proportion import proportion_confint

    p = count / base
    low, high = proportion_confint(count, base, alpha=ALPHA, method="normal")
    half = (high - low) / 2
    # The interval is clipped at 0 and 1; the margin is the unclipped half-width.
    if low <= 0 or high >= 1:
        from scipy.stats import norm

        half = norm.ppf(1 - ALPHA / 2) * (p * (1 - p) / base) ** 0.5
    if population and population > base:
        half *= ((population - base) / (population - 1)) ** 0.5
    return 100.0 * half


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
    return p_value is not None and p_value < ALPHA


def effective_base(weights: list[float]) -> float:
    total = sum(weights)
    squares = sum(w * w for w in weights)
    return (total * total / squares) if squares else 0.0
