"""The board's timeline says the draft's notes in the page's language (README, The board: "Vietnamese with an English
switch"; today's fix "board: a programme change's note reads in Vietnamese whatever its kind ... (an inspector's
audit: English on the Vietnamese timeline)"). The same fault stands nearby: a remap of the lead ministry or of the
examining committee (`legis remap-agency`) and the Government Office's points of disagreement are shown on the
Vietnamese timeline in the draft's English words, "lead ministry BGDDT is now BKHCN" (seen on /board/drafts/<id>
after `legis remap-agency BGDDT BKHCN --by ... --reason ...`), "point 1: BTC, BTP disagree; to DEPUTY_PM",
"point 1: escalated to PM", "point 1: ruled by DEPUTY_PM"."""

from __future__ import annotations

import pytest

from schemas.enums import EventKind
from web.render import note_of


def day(d):
    return f"{d:%d/%m/%Y}"


@pytest.mark.parametrize(("event", "label"), [
    (EventKind.AGENCY_REMAPPED, "lead ministry BGDDT is now BKHCN"),
    (EventKind.AGENCY_REMAPPED, "examining committee UBXH is now UBVHXH"),
    (EventKind.DISAGREEMENT_RAISED, "point 1: BTC, BTP disagree; to DEPUTY_PM"),
    (EventKind.DISAGREEMENT_ESCALATED, "point 1: escalated to PM"),
    (EventKind.DISAGREEMENT_RULED, "point 1: ruled by DEPUTY_PM"),
])
def test_the_note_is_said_in_vietnamese_on_the_vietnamese_board(event, label):
    said = note_of(event, label, "vi", day)
    assert said != label, f"{event.value}: {label!r} shown in English on the Vietnamese timeline"
