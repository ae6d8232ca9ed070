"""Found by a breaker of a draft's long life: a draft reset to the task before a round's opening, where the lead
ministry had then cancelled that round and opened another. README, "Updates that arrive after a worker ran a draft
ahead": from the twenty-eighth generation "a reset run applies the updates after its point in turn, each in the state the
one before left ... and takes as the draft's a round whose workflow runs since before the reset".

What happened: the reset run re-opened the cancelled round (a new run of its child workflow under its ID), refused the
reapplied cancellation without a trace (no event, no log), and recorded the other round's opening a second time in the
audit trail; the draft's count of events fell behind its trail, so its next messages were recorded at other numbers than
their receipts said."""

from __future__ import annotations

from collections import Counter

from temporalio.client import WorkflowExecutionStatus

from schemas.enums import EventKind, Stage
from store import audit
from tests.drafts import cancellation, consultation, start_request
from tests.polling import eventually
from tests.scenario_reset_reapplied import reset_to_before
from tests.scenarios import approve
from workflows import client as drafts

S = Stage


async def test_a_reset_before_a_round_opened_then_cancelled_keeps_it_cancelled(dev_env, worker_queue, pool):
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    assert (await drafts.open_consultation(client, sid, consultation(request, "r1"), request_id="open-r1")).first_seq == 4
    assert (await drafts.cancel_consultation(client, sid, cancellation(request, "r1"), request_id="cancel-r1")).first_seq == 5
    assert (await drafts.open_consultation(client, sid, consultation(request, "r2"), request_id="open-r2")).first_seq == 6
    await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 6)
    await reset_to_before(client, sid, 3)
    # Until the reset run has applied the three updates reapplied after its point (on a loaded machine, status was read
    # between the second and the third).
    view = await eventually(lambda: drafts.status(client, sid), lambda v: v.events_recorded >= 6, seconds=30)
    trail = (await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) >= 6)).entries
    summary = [(e.seq, e.event.value, e.label) for e in trail]
    opened = Counter(e.label for e in trail if e.event is EventKind.CONSULTATION_OPENED)
    assert [c.round_id for c in view.open_consultations] == ["r2"], (view.open_consultations, view.events_recorded, summary)
    assert view.events_recorded == 6 and len(trail) == 6 and max(opened.values()) == 1, (view.events_recorded, summary)
    r1 = await client.get_workflow_handle(f"consultation-{sid}:r1").describe()
    assert r1.status is not WorkflowExecutionStatus.RUNNING, "the cancelled round r1 was started again by the reset run"
