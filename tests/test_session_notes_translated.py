"""Found by a National Assembly Office trial: on the board's draft page in Vietnamese (`/board/drafts/<ID>`, the
language cookie `vi`), the notes that say which session a draft now aims at are shown in English, beside the
translated notes of a slip and of a session moved ("chuyển từ kỳ họp 16-1 ... sang kỳ họp 16-E1 ..."):

- a carry-over voted at the Assembly (example 15): "carried over to session 16-3 (opens 2027-10-25)";
- the Standing Committee's deferral (example 12): "deferred; aimed at session 16-3 (opens 2027-10-25) (the request said
  2027-10-20)";
- the cut-off recounted when a session moves (`legis calendar set-session 16-3 --opens-on 2027-10-25`):
  "calendar changed: the cut-off ahead is now 2027-09-10 for INTER_SESSION_REVISION (sitting 16-3) (was ...)".

An official of the Office reading the page in Vietnamese reads the draft's new session and its new cut-off in English,
with days written 2027-10-25 where every other line of the page writes 25/10/2027. (`web/render.py` itself calls the
session notes "the notes the National Assembly Office reads most".)
"""

from __future__ import annotations

import re

import pytest

from schemas.enums import EventKind
from web.render import note_of


def day(value):
    return value.strftime("%d/%m/%Y")


NOTES = [
    (EventKind.DECISION, "carried over to session 16-3 (opens 2027-10-25)"),
    (EventKind.PROGRAMME_CHANGED, "deferred; aimed at session 16-3 (opens 2027-10-25) (the request said 2027-10-20)"),
    (EventKind.DEADLINE_RECOUNTED, "calendar changed: the cut-off ahead is now 2027-09-10 for INTER_SESSION_REVISION (sitting 16-3) "
                                   "(was 2027-09-01 for INTER_SESSION_REVISION (sitting 16-3))"),
    # A new draft's session, where the request gave another opening day (found by a new user's trial).
    (EventKind.SUBMITTED, "aimed at session 16-3, which opens on 2027-10-25 as announced (the request said 2026-01-01)"),
    # A slip when the session opened before the Government decided (the thirtieth generation).
    (EventKind.SESSION_SLIPPED, "slipped from session 16-2 (opens 2027-05-20) to 16-3 (opens 2027-10-25): it opened with the draft at "
                                "GOVERNMENT_DECISION"),
    (EventKind.SESSION_SLIPPED, "slipped from session 16-2 (opens 2027-05-20) to 16-3 (opens 2027-10-25): it opened with the draft at "
                                "GOVERNMENT_DECISION; the date 2027-06-10 approved by PM lapses with it"),
]


def test_a_slip_is_said_in_vietnamese():  # what the page already does, for comparison
    said = note_of(EventKind.SESSION_SLIPPED, "slipped from session 16-1 (opens 2026-11-25) to 16-E1 (opens 2027-02-22)", "vi", day)
    assert "kỳ họp 16-E1" in said and "22/02/2027" in said


@pytest.mark.parametrize(("event", "label"), NOTES, ids=["carry-over", "deferral", "cut-off recounted", "submitted",
                                                            "slipped at the opening", "slipped at the opening, a date lapsing"])
def test_the_session_a_draft_now_aims_at_is_said_in_vietnamese(event, label):
    said = note_of(event, label, "vi", day)
    assert said != label, f"shown in English on the Vietnamese page: {said}"
    assert "kỳ họp 16-3" in said or ("16-3" in said and "2027-" not in said), said
    assert not re.search(r"\d{4}-\d{2}-\d{2}", said), said


def test_a_new_drafts_session_is_dated_as_the_english_page_writes_days():
    label = "aimed at session 16-2, which opens on 2027-06-01 as announced (the request said 2026-01-01)"
    said = note_of(EventKind.SUBMITTED, label, "en", lambda value: value.strftime("%b %-d, %Y"))
    assert "2027-06-01" not in said and "Jun 1, 2027" in said, said
