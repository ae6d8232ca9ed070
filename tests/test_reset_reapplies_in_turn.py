"""A reset run applies again every update accepted after its point, each after the one before, and takes as the draft's
a round running since before the reset (twenty-eighth generation; found by a breaker of a draft's long life: only the
first of several dependent updates was applied, and a round opened after the reset point ran on unknown to the draft).
The README's repairs (`catching_up`, an unopenable signal, a draft ended by hand) reset drafts this way."""

from __future__ import annotations

from collections import Counter

from schemas.enums import EventKind, Stage
from store import audit
from tests.drafts import consultation, decision, start_request
from tests.polling import eventually
from tests.scenario_reset_reapplied import filing, reset_to_before
from tests.scenarios import approve
from workflows import client as drafts

S = Stage



async def test_a_reset_reapplies_every_update_accepted_after_its_point_not_only_the_first(dev_env, worker_queue, pool):
    """A reset to the task before the programme's approval: the approval and two filings at DRAFTING after it are applied
    again in one task, each after the one before (the filings were refused `current_stage_only`, lost from the draft and
    its remembered request IDs while its audit trail kept them; a retry was then recorded twice)."""
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await approve(client, request, [S.POLICY_PROPOSAL])
    await drafts.decide(client, sid, decision(request, S.LEGISLATIVE_PROGRAMME), request_id="dms-programme-1")
    first = await drafts.file_dossier(client, sid, filing(request, "v1"), request_id="dms-file-1")
    second = await drafts.file_dossier(client, sid, filing(request, "v2"), request_id="dms-file-2")
    assert (first.first_seq, second.first_seq) == (4, 5)
    await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 5)
    await reset_to_before(client, sid, 3)
    view = await eventually(lambda: drafts.status(client, sid), lambda v: v.stage is S.DRAFTING, seconds=30)
    # The filings were accepted before the reset: the reset run has them too, and remembers their request IDs.
    again = await drafts.file_dossier(client, sid, filing(request, "v2"), request_id="dms-file-2")
    entries = (await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) >= 5 + (not again.duplicate))).entries
    summary = [(e.seq, e.event.value, e.stage.value) for e in entries]
    filings = [e.seq for e in entries if e.event is EventKind.DOSSIER_FILED]
    assert view.events_recorded == 5 and again.duplicate and filings == [4, 5], (view.events_recorded, again, summary)
    assert not [k for k, n in Counter((e.event, e.stage, e.to_stage) for e in entries if e.event is EventKind.DECISION).items() if n > 1]


async def test_a_reset_before_a_rounds_opening_keeps_the_round_the_trail_records(dev_env, worker_queue, pool):
    """A reset to the task before a round's opening (any earlier point of the draft's run): the reset run applies the
    opening again, its child workflow running already: taken as the draft's round, as its audit trail records it (it was
    refused `round_not_started`, the round ran on and took opinions, and the draft no longer knew it; its result, once
    compiled, would have reached a draft that did not await it
    (`legis consult hand-back` refuses a round the draft does not await)."""
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    opened = await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC", "BNV")), request_id="dms-round-1")
    assert opened.first_seq == 4
    await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 4)
    await reset_to_before(client, sid, 1)
    view = await eventually(lambda: drafts.status(client, sid), lambda v: v.events_recorded == 4, seconds=30)
    trail = [(e.seq, e.event.value) for e in (await audit.history(pool, sid)).entries]
    assert trail.count((4, EventKind.CONSULTATION_OPENED.value)) == 1 and len(trail) == 4, trail
    assert [c.round_id for c in view.open_consultations] == ["r1"], (view.open_consultations, view.events_recorded, trail)


async def test_the_catching_up_repair_with_several_decisions_after_its_point(dev_env, worker_queue, pool):
    """README, "Updates that arrive after a worker ran a draft ahead": the case's draft took three decisions and a filing
    after the update the reset goes back before, "which the reset would re-apply together". Together, each decision's
    validator asked the stage before the one ahead of it was applied: only the first was taken, the draft stood two stages
    back from where its audit trail and its callers left it."""
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await approve(client, request, [S.POLICY_PROPOSAL])
    await approve(client, request, [S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL])
    await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 5)
    await reset_to_before(client, sid, 3)
    view = await eventually(lambda: drafts.status(client, sid), lambda v: v.events_recorded >= 5, seconds=30)
    mine = [(e.seq, e.event.value, e.stage.value) for e in (await drafts.history(client, sid)).entries]
    trail = [(e.seq, e.event.value, e.stage.value) for e in (await audit.history(pool, sid)).entries]
    assert (view.stage, view.events_recorded) == (S.GOVERNMENT_REVIEW, 5), (mine, trail)
