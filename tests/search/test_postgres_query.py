"""How the postgres backend reads what people type when nothing has every word: it then looks
for any of the words and "quoted phrases" (a phrase stays a phrase, a -word stays ruled out).
Pure Python: runs in both passes."""
import pytest

from engage.search.postgres_backend import _parts


@pytest.mark.parametrize("typed,wanted,unwanted", [
    ("parks safer", ["parks", "safer"], []),
    ('"got better or worse"', ['"got better or worse"'], []),
    ('"worse or better" litter', ['"worse or better"', "litter"], []),
    ('noise or litter -graffiti -"fly tipping"', ["noise", "litter"], ["graffiti", '"fly tipping"']),
    ('"unbalanced quote', ['"unbalanced quote"'], []),
    ('"" - ?? anti-social', ["anti-social"], []),
])
def test_words_and_phrases_for_the_any_word_search(typed, wanted, unwanted):
    assert _parts(typed) == (wanted, unwanted)
