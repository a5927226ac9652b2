"""The postcode lookup page in Welsh for an officer who chose it (issue 23): counts as whole
sentences with plural forms, the load instructions with their link. Read in English, then in
Welsh: lang="cy", the Welsh text there and none of the English left."""
from __future__ import annotations

from tests.i18n_support import assert_pages_in_welsh


def test_the_postcode_lookup_page_is_in_welsh(seeded, client, login):
    login("officer")
    assert_pages_in_welsh(client, {"/admin/reference/postcodes?postcode=WA7+4EB": ("Llwytho ffeil codau post", [
        "Postcode lookup", "Residents know their postcode", "What the list holds", " postcodes in ", " places.",
        "Postcodes in each place", "Try a postcode", "Find the ward", "Load a postcode file", "Use the ONS postcode directory",
        "are left out, so a file", "of them are demo postcodes"])}, all_found=True)
