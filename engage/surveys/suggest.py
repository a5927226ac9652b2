"""Theme suggestions for comments nobody has coded yet, from the words they share.

scikit-learn, on this machine (no outside service): each comment becomes a TF-IDF vector of
its words and two-word phrases (English stop words left out), non-negative matrix
factorisation (NMF) finds a few groups of words that go together, and each comment joins
the group it leans on most (if it leans on one clearly). A suggestion is named after its
group's top words and lists its comments; the coder accepts it (a theme, with its comments
coded in one undoable batch), renames it first, or rejects it.

Small or samey sets of comments give no suggestions rather than poor ones.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


from .models import SurveyAnswer

MIN_COMMENTS = 6
MAX_SUGGESTIONS = 8
MIN_SHARE = 0.35   # a comment joins a group that holds at least this share of its weight


@dataclass
class Suggestion:
    name: str
    words: list[str]
    answer_ids: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable while the same comments group around the same words (for "reject")."""
        return hashlib.sha1((" ".join(self.words) + "|" + ",".join(map(str, self.answer_ids))).encode()).hexdigest()[:16]


def _name(words: list[str]) -> str:
    """A name from a group's top words: its strongest two-word phrase if one is near the top
    ("fly tipping"), else its two strongest words ("bins and shops")."""
    phrase = next((w for w in words[:3] if " " in w), None)
    if phrase:
        return phrase.capitalize()[:100]
    picked: list[str] = []
    for word in words:
        if any(word in p or p in word for p in picked):
            continue
        picked.append(word)
        if len(picked) == 2:
            break
    return " and ".join(picked).capitalize()[:100]


def suggest_for(comments: list[tuple[int, str]], max_suggestions: int = MAX_SUGGESTIONS, seed: int = 0) -> list[Suggestion]:
    """Suggestions for ``[(answer id, text), ...]``."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    comments = [(i, t) for i, t in comments if t and t.strip()]
    if len(comments) < MIN_COMMENTS:
        return []
    vectoriser = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2, max_df=0.6, sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform([t for _, t in comments])
    except ValueError:   # nothing left once common and rare words are taken out
        return []
    terms = vectoriser.get_feature_names_out()
    distinct = len({t.strip().casefold() for _, t in comments})
    k = max(1, min(max_suggestions, matrix.shape[1] // 2, distinct // 2 or 1))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    weights = model.fit_transform(matrix)
    out: list[Suggestion] = []
    for topic in range(k):
        order = model.components_[topic].argsort()[::-1]
        words = [str(terms[i]) for i in order[:6] if model.components_[topic][i] > 0]
        if not words:
            continue
        out.append(Suggestion(name=_name(words), words=words[:4]))
    texts = dict(comments)
    for row, (answer_id, _text) in enumerate(comments):
        total = weights[row].sum()
        if total <= 0:
            continue
        best = int(weights[row].argmax())
        if best < len(out) and weights[row][best] / total >= MIN_SHARE:
            out[best].answer_ids.append(answer_id)
    kept = []
    for suggestion in out:
        if len(suggestion.answer_ids) < 2:
            continue
        seen = []
        for answer_id in suggestion.answer_ids:
            text = texts[answer_id]
            if text not in seen:
                seen.append(text)
            if len(seen) == 3:
                break
        suggestion.examples = seen
        kept.append(suggestion)
    kept.sort(key=lambda s: -len(s.answer_ids))
    return kept


def suggest(survey, rejected: set[str] | frozenset = frozenset()) -> list[Suggestion]:
    """Suggestions for the survey's uncoded comments, less those the coder rejected."""
    from ..extensions import db
    from .comments import comments_query

    rows = db.session.execute(comments_query(survey, uncoded=True).with_only_columns(SurveyAnswer.id, SurveyAnswer.text)).all()
    taken = {t.name.casefold() for t in survey.themes}
    return [s for s in suggest_for([(i, t) for i, t in rows]) if s.key not in rejected and s.name.casefold() not in taken]


def accept(actor, survey, name: str, answer_ids) -> "object":
    """Accept (or rename and accept) a suggestion: the theme, new or existing by that name,
    added to its comments in one batch that can be undone like any bulk coding."""
    from . import comments

    theme = next((t for t in survey.themes if t.name.casefold() == (name or "").strip().casefold()), None)
    if theme is None:
        theme = comments.add_theme(actor, survey, name)
    return comments.bulk_code(actor, survey, answer_ids, theme.id, "add")




def reject(actor, survey, name: str) -> None:
    """A coder turned a suggestion down: recorded (the page hides it for them)."""
    from ..core import audit
    from .builder import BuildError, can_manage

    if not can_manage(actor, survey):
        raise BuildError("You cannot change this survey")
    audit.record(actor, "suggestion", survey, f"Theme suggestion rejected in {survey.title}: {(name or '').strip()[:100]}")
