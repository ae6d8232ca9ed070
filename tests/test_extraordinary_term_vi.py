"""The board names an extraordinary session by two terms in Vietnamese.

Since the February 2025 amendment of the Law on the Organisation of the National Assembly an extraordinary session is
"kỳ họp không thường lệ" (README, "The session calendar"; DOMAIN.md correction 12), and the board's catalogue says so
everywhere ("Kỳ họp không thường lệ", "kỳ họp không thường lệ: dự án giữ chỗ", ...), but a draft's timeline entry for a
programme change that brings it to such a session reads "đưa vào kỳ họp bất thường", the term the amendment replaced. A
Government Office operator reading the board sees the same session called two names."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parent.parent / "web" / "locales" / "vi" / "LC_MESSAGES" / "legis.po"


def test_a_programme_change_to_an_extraordinary_session_uses_the_current_term():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    said = catalogue["brought to an extraordinary session"].string
    assert "không thường lệ" in said, said
