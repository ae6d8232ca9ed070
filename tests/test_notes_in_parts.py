"""Found by a re-check of the board's notes ("a deferral's and a carry-over's session and a cut-off a calendar change recounted read in the
page's language"). The patterns added match one wording each; the draft writes the same facts in others, which the
Vietnamese board page still shows in English:

- the cut-off recounted when the Government announces rest days (`calendar_changes`: "rest days announced: the cut-off
  ahead is now ..."), the same words after another prefix;
- a calendar change that moved the cut-off and the Standing Committee meeting before the session in one event
  (`_board_moved` joins them with "; ");
- a deferral that lapses the date the Standing Committee had approved (`draft.change_programme`, gen >= 22:
  "deferred; the date ... approved by UBTVQH lapses with the programme change; aimed at session ...").

Seen with `web.render.note_of`, which the board's timeline and inbox use (as tests/test_inbox_raised.py checks).
"""
from __future__ import annotations

import pytest

from schemas.enums import EventKind

CUT = ("the cut-off ahead is now 2027-04-05 for GOVERNMENT_DECISION (sitting 16-2) (was 2027-03-30 for GOVERNMENT_DECISION "
       "(sitting 16-2))")


@pytest.mark.parametrize(("event", "label"), [
    (EventKind.DEADLINE_RECOUNTED, f"rest days announced: {CUT}"),
    (EventKind.DEADLINE_RECOUNTED, f"calendar changed: {CUT}; the Standing Committee meeting it comes before is now UBTVQH-52 (was UBTVQH-51)"),
    (EventKind.PROGRAMME_CHANGED, "deferred; the date 2027-03-01 approved by UBTVQH lapses with the programme change; aimed at session 16-3 "
                                  "(opens 2027-10-20)"),
])
def test_the_same_notes_in_other_words_read_in_vietnamese(event, label):
    from web.render import note_of

    said = note_of(event, label, "vi", lambda d: f"{d:%d/%m/%Y}")
    # As "calendar changed: the cut-off ahead is now ..." and "deferred; aimed at session ..." read alone.
    assert "the cut-off ahead is now" not in said and "aimed at session" not in said, said


@pytest.mark.parametrize(("label", "vi"), [
    ("withdrawn from the programme", "rút khỏi chương trình"),
    ("added to the programme", "bổ sung vào chương trình"),
    ("moved to the SHORTENED procedure", "chuyển sang trình tự rút gọn (SHORTENED)"),
    ("ONE_SESSION -> TWO_SESSIONS", "chuyển từ quy trình một kỳ họp (ONE_SESSION) sang quy trình hai kỳ họp (TWO_SESSIONS)"),
    ("moved to the SPECIAL procedure; aimed at session 16-3 (opens 2027-10-20)",
     "chuyển sang trình tự, thủ tục đặc biệt (SPECIAL); trình kỳ họp 16-3 (khai mạc ngày 20/10/2027)"),
])
def test_every_kind_of_programme_change_reads_in_vietnamese_and_as_written_in_english(label, vi):
    """Found by an inspector's audit: a withdrawal from the programme, an addition to it, a move to the shortened or
    special procedure and a switch of sessions stood in English on the Vietnamese board, where a deferral's note read in
    Vietnamese (`draft.apply_programme_change` writes them)."""
    from web.render import note_of

    assert note_of(EventKind.PROGRAMME_CHANGED, label, "vi", lambda d: f"{d:%d/%m/%Y}") == vi
    assert note_of(EventKind.PROGRAMME_CHANGED, label, "en", str) == label.replace("(opens ", "(opens on ")
