"""The scale risks are scored on, in words people read on the page. Likelihood and impact are
each 1 to 5; the score is likelihood x impact (1 to 25), and the band says how serious it is.
Nothing here is stored: a risk keeps its two numbers and everything else is worked out."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import N_

# Words below are marked for the catalogue; translated where shown.
CATEGORIES = {"strategic": N_("Strategic"), "operational": N_("Operational")}
CATEGORY_HINTS = {
    "strategic": N_("Could stop the partnership reaching its medium and long-term goals."),
    "operational": N_("Could stop a thematic partnership delivering its action plan."),
}

LIKELIHOOD = {
    1: (N_("Rare"), N_("Only in unusual cases")),
    2: (N_("Unlikely"), N_("Could happen, but we do not expect it")),
    3: (N_("Possible"), N_("Might happen")),
    4: (N_("Likely"), N_("Will probably happen")),
    5: (N_("Almost certain"), N_("We expect it to happen")),
}
IMPACT = {
    1: (N_("Very low"), N_("Hardly any effect on what we set out to do")),
    2: (N_("Low"), N_("A small delay or cost")),
    3: (N_("Medium"), N_("An outcome slips, or costs rise a lot")),
    4: (N_("High"), N_("An outcome or target is missed")),
    5: (N_("Very high"), N_("Several outcomes missed, or the partnership loses trust or funding")),
}


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int
    high: int
    advice: str


BANDS = [
    Band("low", N_("Low"), 1, 4, N_("Keep an eye on it.")),
    Band("medium", N_("Medium"), 5, 9, N_("The owner manages it and checks it at each review.")),
    Band("high", N_("High"), 10, 14, N_("The owner acts now and reports at each review.")),
    Band("very-high", N_("Very high"), 15, 25, N_("The Board sees it at every meeting until it falls.")),
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
