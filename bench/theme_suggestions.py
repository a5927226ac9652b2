"""Theme suggestions on the demo's comments (engage/surveys/suggest.py): how many a coder
would accept. Five samples of 60 comments drawn from the demo's comments
(engage/surveys/demo.COMMENTS, each with the themes the demo codes it with). A simulated
coder accepts a suggestion when at least 70% of the comments it groups share one of the
demo's own themes (a suggestion mixing themes is rejected).

Prints one JSON object: ``suggested``, ``accepted``, ``accepted_share`` and ``seconds`` (the
slowest run of the suggestion itself)."""
from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engage.surveys.demo import COMMENTS  # noqa: E402
from engage.surveys.suggest import suggest_for  # noqa: E402

ACCEPT_SHARE = 0.7


def measure(runs: int = 5, size: int = 60, seed: int = 41) -> dict:
    gold = dict(COMMENTS)
    rng = random.Random(seed)
    suggested = accepted = 0
    slowest = 0.0
    for run in range(runs):
        comments = [(i, rng.choice(COMMENTS)[0]) for i in range(size)]
        started = time.perf_counter()
        found = suggest_for(comments, seed=run)
        slowest = max(slowest, time.perf_counter() - started)
        texts = dict(comments)
        for suggestion in found:
            counts = Counter(name for i in suggestion.answer_ids for name in gold[texts[i]])
            top = counts.most_common(1)
            suggested += 1
            accepted += bool(top) and top[0][1] / len(suggestion.answer_ids) >= ACCEPT_SHARE
    return {"bench": "theme_suggestions", "suggested": suggested, "accepted": accepted,
            "accepted_share": round(accepted / suggested, 3) if suggested else None, "seconds": round(slowest, 3)}


if __name__ == "__main__":
    print(json.dumps(measure()))
