"""What the eleventh generation checks and records, in the draft core without a server: a round's compilation is taken
only from a code the lead ministry has had since the round opened (a forged remap signal handed it to another
ministry, which the draft recorded), and a deferral or an approved postponement carries the deadline it set. The tenth
generation took and recorded them as before, as its histories say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.consultation import Answer, CompilationSummary, ConsultationResult
from schemas.enums import Actor, EventKind, ProgrammeChangeKind, Role, Stage
from schemas.messages import AgencyRemap
from schemas.state import NEWEST_GENERATION, ROUND_LEADS, WATCHED_LEADS
from tests.drafts import NOW, consultation, core_request, core_state, postponement, postponement_decision, programme_change, session
from tests.test_generation_10 import with_round
from workflows import draft, rounds
from workflows.change import Log, Record, StartRound


def compiled_by(state, agency_code: str, actor: Actor = Actor.LEAD_MINISTRY) -> ConsultationResult:
    """The result of the draft's one open round, every consultee answering, compiled by `agency_code`."""
    watch = state.open_rounds[0]
    return ConsultationResult(
        round_id=watch.round.round_id, kind=watch.round.kind, opened_at=NOW, closed_at=NOW + timedelta(days=30),
        compiled_at=NOW + timedelta(days=31),
        answers=tuple(Answer(consultee=c, official=f"Thứ trưởng {c}", at=NOW + timedelta(days=1)) for c in ("BTC", "BNV", "BCA")),
        silent=(), compilation=CompilationSummary(actor=actor, agency_code=agency_code, role=Role.MINISTER, official="Bộ trưởng",
                                                 accepted=0, explained=0),
    )


def remap(state, old: str, new: str):
    return draft.perform(draft.REMAP_AGENCY, state, AgencyRemap(old_code=old, new_code=new, changed_by="VPCP", reason="sáp nhập"), NOW).state


def recorded(applied) -> list[EventKind]:
    return [e.entry.event for e in applied.effects if isinstance(e, Record)]


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 11, 10])
def test_a_compilation_by_a_ministry_that_has_not_led_the_draft_is_not_recorded(generation):
    """Found by a breaker: any Temporal client may signal a round that the lead ministry is remapped, after which the round
    took another ministry's compilation and the draft recorded it as the lead ministry's. The round stays awaited; once it
    has ended, it is found lost and raised to the Government Office, as a round ending without its result is."""
    request, state = with_round(generation)
    for stranger, actor in (("BKHCN", Actor.LEAD_MINISTRY), (request.lead_ministry, Actor.MOJ)):
        finished = rounds.round_finished(state, compiled_by(state, stranger, actor), NOW + timedelta(days=31))
        if generation == 10:
            assert recorded(finished)[-1] is EventKind.CONSULTATION_COMPILED and not finished.state.open_rounds
            continue
        assert recorded(finished) == [] and finished.state.open_rounds == state.open_rounds
        [warned] = [e for e in finished.effects if isinstance(e, Log)]
        assert warned.warning and f"compiled by {stranger}, which has not led the draft since the round opened" in warned.fields["reason"]
    taken = rounds.round_finished(state, compiled_by(state, request.lead_ministry), NOW + timedelta(days=31))
    assert recorded(taken)[-1] is EventKind.CONSULTATION_COMPILED and not taken.state.open_rounds


def test_a_round_takes_the_compilation_from_every_code_its_lead_ministry_has_had_since_it_opened():
    """Ministries merge while a round is open: the compilation the old code made before the round heard of it stands, as
    does the new code's; a code the lead ministry had before the round opened does not compile it."""
    request, state = with_round(NEWEST_GENERATION)
    assert state.open_rounds[0].leads == (request.lead_ministry,)
    merged = remap(state, request.lead_ministry, "BKHDT")
    assert merged.open_rounds[0].leads == (request.lead_ministry, "BKHDT")
    for code in (request.lead_ministry, "BKHDT"):
        assert recorded(rounds.round_finished(merged, compiled_by(merged, code), NOW))[-1] is EventKind.CONSULTATION_COMPILED
    # A round opened after the merger takes it from the new code alone.
    later = draft.perform(draft.OPEN_CONSULTATION, merged, consultation(request.model_copy(update={"lead_ministry": "BKHDT"}), "r2", ("BNV",)), NOW)
    [start] = [e for e in later.effects if isinstance(e, StartRound)]
    opened_after = rounds.round_started(later.state, start, NOW).state
    assert [w.leads for w in opened_after.open_rounds] == [(request.lead_ministry, "BKHDT"), ("BKHDT",)]


def test_a_round_keeps_the_last_codes_of_its_lead_ministry_within_its_bound():
    """A draft lives for years: however many remaps, a round's watch keeps a bounded list of codes, the latest last."""
    request, state = with_round(NEWEST_GENERATION)
    codes = [f"B{n:02d}" for n in range(WATCHED_LEADS + 3)]
    old = request.lead_ministry
    for code in codes:
        state, old = remap(state, old, code), code
    assert state.open_rounds[0].leads == tuple(codes[-WATCHED_LEADS:])
    back = remap(state, old, codes[-3])
    assert back.open_rounds[0].leads[-1] == codes[-3] and len(back.open_rounds[0].leads) == WATCHED_LEADS


def told(leads: list[str], new_code: str) -> list[str]:
    """What the round keeps when told a remap (`ConsultationWorkflow.lead_ministry_remapped`)."""
    return [*(code for code in leads if code != new_code), new_code][-ROUND_LEADS:]


@pytest.mark.parametrize("remaps", [ROUND_LEADS - 1, ROUND_LEADS, 2 * ROUND_LEADS + 3])
def test_every_code_a_round_still_takes_is_one_its_draft_takes(remaps):
    """Found by a breaker: the draft dropped a code at the ninth remap while the round, which hears of it later, still
    took it; and two remaps at once may reach the round in the other order. A compilation the round took was then not
    recorded, and the round was found lost. The draft keeps twice the round's codes."""
    request, state = with_round(NEWEST_GENERATION)
    state = remap(remap(state, request.lead_ministry, "BAA"), "BAA", "BBB")
    heard = told(told([request.lead_ministry], "BBB"), "BAA")  # the round heard the two in the other order
    old = "BBB"
    for n in range(remaps):
        code = f"C{n:02d}"
        state, old = remap(state, old, code), code
        assert set(heard) <= set(state.open_rounds[0].leads)  # before the round hears of it
        heard = told(heard, code)
        assert all(taken(state, c) for c in heard)


def taken(state, code: str) -> bool:
    return EventKind.CONSULTATION_COMPILED in recorded(rounds.round_finished(state, compiled_by(state, code), NOW + timedelta(days=31)))


def test_a_round_of_a_tenth_generation_draft_taken_up_compiles_from_its_lead_ministry_now():
    """Found by a breaker: a round opened in the tenth generation kept no codes, so that once its draft took up the
    eleventh, a forged remap signal still let another ministry's compilation be recorded. Taken up, it keeps the lead
    ministry's code as it is then (`workflows.generations.of_carried`)."""
    request, state = with_round(10)
    assert state.open_rounds[0].leads == ()
    carried = rounds.taking_up_leads(state.model_copy(update={"generation": NEWEST_GENERATION}))
    assert carried.open_rounds[0].leads == (request.lead_ministry,)
    assert taken(carried, request.lead_ministry) and not taken(carried, "BKHCN")
    assert taken(remap(carried, request.lead_ministry, "BKHDT"), "BKHDT")


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 11, 10])
def test_a_deferral_carries_the_deadline_it_set(generation):
    """Found by a fresh-user trial: a deferral to a later session moves the deadline counted back from it, and its event
    (its webhook, `legis history`'s "deadline after") said nothing of the new one; only the next event told it."""
    request = core_request()
    later = session(request.target_session.session + 1, 400)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, generation=generation, sessions=[request.target_session, later])
    deferred = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=later), NOW)
    [entry] = [e.entry for e in deferred.effects if isinstance(e, Record)]
    assert entry.deadline == state.deadline and deferred.state.deadline not in (None, state.deadline)
    assert entry.to_stage_deadline == (deferred.state.deadline if generation >= 11 else None)
    assert deferred.state.recent[-1].to_stage_deadline == entry.to_stage_deadline


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 11, 10])
def test_an_approved_postponement_carries_the_deadline_it_set_and_a_refused_one_none(generation):
    request = core_request()
    state = core_state(request, at=Stage.APPRAISAL, generation=generation)
    new_deadline = state.deadline + timedelta(days=20)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, postponement(request, new_deadline), NOW).state
    for approved in (True, False):
        decided = draft.perform(draft.DECIDE_POSTPONEMENT, asked, postponement_decision(approved), NOW + timedelta(days=1))
        [entry] = [e.entry for e in decided.effects if isinstance(e, Record) and e.entry.event is EventKind.POSTPONEMENT_DECIDED]
        assert entry.deadline == state.deadline
        assert entry.to_stage_deadline == (new_deadline if approved and generation >= 11 else None)
