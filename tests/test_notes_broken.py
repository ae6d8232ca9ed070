"""Found by a breaker of the board's notes in Vietnamese: the board's notes put into Vietnamese (`web.render.note_of`).

1. A silent consultee's day. The draft writes the round's opening with its window's last day
   (`workflows.rounds.round_started`: `until {sessions.last_day_of(closes_at)}`), but a silent consultee with the day the
   round closed (`round_finished`: `did not answer by {in_hanoi(result.closed_at).date()}`), and a round closes at the
   Ha Noi midnight that ends its last day (tests/test_programme_and_consultation.py checks the label ends with
   `closes_at`'s Ha Noi date). Both are said "đến hết ngày <day>" (until the end of that day): one round's page reads
   "đến hết ngày 22/12/2026" for its window and "không trả lời đến hết ngày 23/12/2026" for the consultee who did not
   answer within it, a day the window did not hold.
2. Codes left in the Vietnamese sentences where the page names them in its language elsewhere (README, /board/drafts/<id>:
   "each event and its outcome named in the page's language with its code beside it"): a round's kind
   ("PUBLIC_POSTING"), the stage a cancelled round's draft is in ("WITHDRAWN"), the public as a consultee ("PUBLIC").
3. A cut-off a calendar change or rest days recounted (README: "a cut-off a calendar change recounted" reads in the
   page's language) stays wholly in English where the draft writes `none` (a cut-off or meeting gone, or first
   announced: `calendar_changes._board_moved`, `_cutoff`) or where rest days resolve an approved date's conflict
   (`_recount`: "the cut-off for ... is now ... (was ...): the approved date ... no longer falls after it").
"""
from __future__ import annotations

import pytest

from schemas.enums import ConsultationKind, EventKind
from schemas.time import in_hanoi
from web.event_names import ROUND_NAMES
from web.render import note_of, translations
from workflows import sessions


def _vi(event: EventKind, label: str) -> str:
    return note_of(event, label, "vi", lambda d: f"{d:%d/%m/%Y}")


@pytest.mark.parametrize("generation", [29, 28])
def test_a_silent_consultee_is_said_to_have_been_silent_through_the_windows_last_day_not_the_day_after(generation):
    """From the twenty-ninth generation the draft writes the window's last day; an earlier one wrote the Ha Noi date of the
    midnight that ended it, which the page says as written ("tính đến", as of)."""
    from schemas.consultation import Answer, CompilationSummary, ConsultationResult
    from schemas.enums import Actor, Role
    from tests.test_generation_10 import with_round
    from workflows import rounds
    from workflows.change import Record

    request, state = with_round(10)
    state = state.model_copy(update={"generation": generation})
    watch = state.open_rounds[0]
    closes_at = watch.round.closes_at  # a Ha Noi midnight, which ends the window's last day
    finished = rounds.round_finished(state, ConsultationResult(
        round_id=watch.round.round_id, kind=watch.round.kind, opened_at=watch.round.opened_at, closed_at=closes_at,
        answers=(Answer(consultee="BTC", at=closes_at, comment_ids=("c1",)),), silent=("BNV", "BCA"),
        compilation=CompilationSummary(actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                                       official="Bộ trưởng", accepted=1, explained=0), compiled_at=closes_at), closes_at)
    silent, _ = [e.entry for e in finished.effects if isinstance(e, Record) and e.entry.event is EventKind.CONSULTEE_SILENT]
    last_day = sessions.last_day_of(closes_at)
    opened = _vi(EventKind.CONSULTATION_OPENED, f"round R1: WRITTEN_OPINIONS to 3 consultees until {last_day}")
    assert f"đến hết ngày {last_day:%d/%m/%Y}" in opened, opened
    said = last_day if generation >= 29 else in_hanoi(closes_at).date()
    assert f"tính đến ngày {said:%d/%m/%Y}" in _vi(EventKind.CONSULTEE_SILENT, silent.label or ""), silent.label


@pytest.mark.parametrize(("event", "label", "code"), [
    (EventKind.CONSULTATION_OPENED, "round CONG-KHAI: PUBLIC_POSTING to the public until 2026-12-28", "PUBLIC_POSTING"),
    (EventKind.CONSULTATION_OPENED, "round R1: WRITTEN_OPINIONS to 3 consultees until 2026-12-22", "WRITTEN_OPINIONS"),
    (EventKind.CONSULTATION_CANCELLED, "round R1 (SOCIAL_CRITIQUE) cancelled by BGDDT: it asks nobody's opinion any more and the "
     "stage is no longer held by it", "SOCIAL_CRITIQUE"),
])
def test_a_rounds_kind_is_named_in_the_pages_language(event, label, code):
    said = _vi(event, label)
    name = translations("vi").gettext(ROUND_NAMES[ConsultationKind(code)])
    assert name in said, f"the round's kind is its code alone: {said}"


def test_a_cancelled_rounds_draft_is_not_said_to_be_at_a_code():
    said = _vi(EventKind.CONSULTATION_CANCELLED, "round R1 (WRITTEN_OPINIONS) cancelled: the draft is WITHDRAWN and asks nobody's opinion any more")
    assert "bước WITHDRAWN" not in said, said


def test_the_publics_opinion_is_not_named_by_the_english_code():
    said = _vi(EventKind.OPINION_RECEIVED, "round CONG-KHAI: PUBLIC, 12 comments")
    assert ": PUBLIC," not in said, said


@pytest.mark.parametrize("label", [
    "calendar changed: the cut-off ahead is now none (was 2027-03-30 for GOVERNMENT_DECISION (sitting 16-2))",
    "calendar changed: the Standing Committee meeting it comes before is now UBTVQH-52 (was none)",
    "calendar changed: the Standing Committee meeting it comes before is now none (was UBTVQH-51)",
    "rest days announced: the cut-off for session 16-2 is now 2027-04-26 (was 2027-04-20): the approved date 2027-04-22 no longer "
    "falls after it",
])
def test_a_cut_off_recounted_reads_in_vietnamese_whatever_it_moved_to(label):
    said = _vi(EventKind.DEADLINE_RECOUNTED, label)
    assert not said.startswith(("calendar changed", "rest days announced")), said
