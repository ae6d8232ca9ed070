"""The thirty-first generation against the thirtieth, in the pure core: a draft entered under way whose step was taken
after its stage's cut-off slips as it would have, sent step by step; its SUBMITTED names its lead ministry; a vote among
its steps counts at most the Assembly's 500 deputies. A draft of the thirtieth keeps its behaviour (its histories replay as
they ran); an update's validator refuses such a vote whatever the generation (new input)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.enums import Actor, EventKind, Outcome, Stage
from schemas.messages import StartRequest, VoteCount
from schemas.refusal import Refused
from tests.drafts import NOW, PASSING_VOTE, core_request, core_state, decision, pinned, session, sitting
from workflows import draft
from workflows.deadlines import local_day

STAGES = [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW]
DAYS = [date(2026, 3, 10), date(2026, 4, 15), date(2026, 10, 2), date(2026, 10, 30), date(2026, 11, 10)]


def entered(request: StartRequest, steps) -> StartRequest:
    return StartRequest.model_validate({**request.model_dump(), "passed": [s.model_dump() for s in steps]})


@pytest.mark.parametrize(("generation", "slips"), [(31, True), (30, False)])
def test_a_government_decision_after_the_cut_off_slips_an_imported_draft_as_it_slips_one_sent_step_by_step(generation, slips):
    """Found by a Government Office's trial: entered with its Government decision dated after its session's cut-off, the
    draft stayed aimed at that session, "on track"; the same steps sent one by one slipped it (LAW_2025 Art. 37(1): the
    dossier reaches the examining body at least 45 days before the session)."""
    first, second = session(1, 40), session(2, 170)  # 16-1 opens 2027-01-10: cut-off 2026-11-26, passed by NOW (12-01)
    request = core_request(target=first)
    steps = [decision(request, stage).model_copy(update={"occurred_on": day}) for stage, day in zip(STAGES, DAYS, strict=True)]
    late = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) - timedelta(days=1)})
    rules = dict(sessions=[first, second])
    one_by_one = draft.tick(draft.open_draft(entered(request, steps), pinned(request, **rules), NOW, generation=generation).state, NOW).state
    assert one_by_one.target.session == 2
    one_by_one = draft.perform(draft.DECIDE, one_by_one, late, NOW).state
    opened = draft.open_draft(entered(request, [*steps, late]), pinned(request, **rules), NOW, generation=generation)
    at_once = draft.tick(opened.state, NOW).state
    assert at_once.stage is Stage.EXAMINATION
    assert (at_once.target.session == one_by_one.target.session, at_once.deadline == one_by_one.deadline) == (slips, slips), at_once.target
    if slips:
        recorded = [e.event for e in opened.state.recent]
        assert recorded.index(EventKind.DEADLINE_PASSED) < recorded.index(EventKind.SESSION_SLIPPED) < len(recorded) - 1
        passed = opened.state.last(EventKind.DEADLINE_PASSED)
        assert passed.occurred_on == date(2026, 11, 27) and passed.at == NOW  # dated the day it fell due, recorded as entered
    # Decided on the cut-off day itself, it met it: no slip.
    in_time = late.model_copy(update={"occurred_on": date(2026, 11, 26)})
    kept = draft.open_draft(entered(request, [*steps, in_time]), pinned(request, **rules), NOW, generation=generation).state
    assert kept.target.session == 1 and not any(e.event is EventKind.SESSION_SLIPPED for e in kept.recent)


@pytest.mark.parametrize(("generation", "named"), [(31, True), (30, False)])
def test_the_submission_names_its_lead_ministry(generation, named):
    """Found by an inspector's audit: SUBMITTED named no actor, agency nor role; every other step names who took it."""
    request = core_request()
    submitted = draft.open_draft(request, pinned(request, sessions=[request.target_session]), NOW, generation=generation).state.recent[0]
    assert submitted.event is EventKind.SUBMITTED
    assert (submitted.actor, submitted.agency_code) == ((Actor.LEAD_MINISTRY, request.lead_ministry) if named else (None, None))


def vote_of(total: int) -> VoteCount:
    return VoteCount(total_deputies=total, in_favour=total // 2 + 1, against=0, abstaining=0)


def test_a_vote_counts_at_most_the_assemblys_deputies_as_new_input_whatever_the_generation():
    """Found by an upstream system's trial: a total of 600 (or 10, with 6 in favour) passed a law; the Assembly has at most
    500 deputies (Law 57/2014/QH13 Art. 5). A mistyped total larger than that is refused naming the field."""
    request = core_request()
    for generation in (30, 31):
        state = core_state(request, at=Stage.NA_SESSION).model_copy(update={"generation": generation})
        voted = decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=vote_of(600))
        with pytest.raises(Refused) as refused:
            draft.validate(draft.DECIDE, state, voted, sitting(state))
        assert (refused.value.field, refused.value.rule) == ("vote.total_deputies", "deputies_in_assembly")
        assert "at most 500" in refused.value.message
        draft.validate(draft.DECIDE, state, voted.model_copy(update={"vote": PASSING_VOTE}), sitting(state))


@pytest.mark.parametrize(("generation", "refused"), [(31, True), (30, False)])
def test_an_imported_vote_counts_at_most_the_assemblys_deputies(generation, refused):
    request = core_request(target=session(1, -20))
    stages = [*STAGES, Stage.GOVERNMENT_DECISION, Stage.EXAMINATION, Stage.STANDING_COMMITTEE_OPINION]
    start = local_day(NOW) - timedelta(days=200)
    steps = [decision(request, stage).model_copy(update={"occurred_on": start + timedelta(days=15 * i)}) for i, stage in enumerate(stages)]
    vote = decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=vote_of(1000)).model_copy(update={"occurred_on": local_day(NOW) - timedelta(days=5)})
    rules = pinned(request, sessions=[request.target_session])
    if refused:
        with pytest.raises(Refused) as said:
            draft.open_draft(entered(request, [*steps, vote]), rules, NOW, generation=generation)
        assert (said.value.field, said.value.rule) == (f"passed.{len(steps)}.vote.total_deputies", "deputies_in_assembly")
    else:
        assert draft.open_draft(entered(request, [*steps, vote]), rules, NOW, generation=generation).state.stage is Stage.PROMULGATION


def test_the_thirty_first_generations_path_has_a_committed_history():
    """Recorded by `tests.record_histories` (`tests.scenario_imported_past_cutoff`); it replays in `tests.test_replay`."""
    from tests.test_replay import HISTORIES_DIR, load_history, patch_ids
    from workflows.generations import IMPORTED_AS_SENT_PATCH

    events = load_history(HISTORIES_DIR / "imported_past_its_cutoff-s57.json").events
    assert IMPORTED_AS_SENT_PATCH in patch_ids(events)
