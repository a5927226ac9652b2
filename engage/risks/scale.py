"""The scale risks are scored on, in words people read on the page. Likelihood and impact are
each 1 to 5; the score is likelihood x impact (1 to 25), and the band says how serious it is.
Nothing here is stored: a risk keeps its two numbers and everything else is worked out."""
from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = {"strategic": "Strategic", "operational": "Operational"}
CATEGORY_HINTS = {
    "strategic": "Could stop the partnership reaching its medium and long-term goals.",
    "operational": "Could stop a thematic partnership delivering its action plan.",
}

LIKELIHOOD = {
    1: ("Rare", "Only in unusual cases"),
    2: ("Unlikely", "Could happen, but we do not expect it"),
    3: ("Possible", "Might happen"),
    4: ("Likely", "Will probably happen"),
    5: ("Almost certain", "We expect it to happen"),
}
IMPACT = {
    1: ("Very low", "Hardly any effect on what we set out to do"),
    2: ("Low", "A small delay or cost"),
    3: ("Medium", "An outcome slips, or costs rise a lot"),
    4: ("High", "An outcome or target is missed"),
    5: ("Very high", "Several outcomes missed, or the partnership loses trust or funding"),
}


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int
    high: int
    advice: str


BANDS = [
    Band("low", "Low", 1, 4, "Keep an eye on it."),
    Band("medium", "Medium", 5, 9, "The owner manages it and checks it at each review."),
    Band("high", "High", 10, 14, "The owner acts now and reports at each review."),
    Band("very-high", "Very high", 15, 25, "The Board sees it at every meeting until it falls."),
]


def score(likelihood: int, impact: int) -> int:
    return int(likelihood) * int(impact)


def band(value: int) -> Band:
    for b in BANDS:
        if b.low <= value <= b.high:
            return b
    raise ValueError(f"{value} is not a risk score (1 to 25)")


def likelihood_label(value: int) -> str:
    return f"{value} {LIKELIHOOD[value][0]}"


def impact_label(value: int) -> str:
    return f"{value} {IMPACT[value][0]}"
