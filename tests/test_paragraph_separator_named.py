"""U+2029 is the PARAGRAPH SEPARATOR, which the README names apart ("the Unicode line or paragraph separator (U+2028,
U+2029)"); the refusal calls it a "line separator" (`legis start` with a title holding U+2029: "invalid: amended_law:
line separator U+2029 (character 5) is not allowed"; the API's 422 detail says the same): an error must name what it
refuses as it is."""

from __future__ import annotations

import unicodedata

from schemas.text import misread


def test_u2029_is_called_a_paragraph_separator():
    rule, message = misread("Luật\u2029X")
    assert rule == "no_line_separators"
    assert unicodedata.name("\u2029").lower() == "paragraph separator"
    assert "paragraph separator U+2029" in message, message
