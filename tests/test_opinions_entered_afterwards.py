"""An opinion received while its round was open, entered afterwards with the day it was received (found by a ministry's
trial: a consultee's letter received on the window's last day and entered two days later was refused `round_closed`, and
its ministry recorded as silent)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.consultation import OpinionBody
from schemas.enums import EventKind, Response, Stage
from tests.drafts import compilation, consultation, opinion, refusal_of, start_request, text_ref
from tests.polling import eventually
from tests.scenarios import past_window
from tests.test_workflow_paths import approve_through, open_draft
from workflows import client as drafts
from workflows import round_client
from workflows.deadlines import local_day
from workflows.sessions import last_day_of


async def _a_round_open(env, worker):
    """A draft at DRAFTING with round r1 open, asking BTC, BNV and BCA: (its request, its submission ID)."""
    request = start_request()
    with env.with_time_skipping_disabled():
        await open_draft(env.client, worker, request)
        await approve_through(env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
        await drafts.open_consultation(env.client, request.submission_id, consultation(request, "r1"))
    return request, request.submission_id


async def test_an_opinion_received_in_the_window_is_taken_after_it_closed_until_the_round_is_compiled(time_skipping_env, ts_worker):
    env, client = time_skipping_env, time_skipping_env.client
    request, sid = await _a_round_open(env, ts_worker)
    with env.with_time_skipping_disabled():
        await round_client.submit_opinion(client, sid, "r1", opinion("BTC", "c1"))
    [opened] = (await drafts.status(client, sid)).open_consultations
    await past_window(env, request, "r1", after=timedelta(days=2))
    shown = await eventually(lambda: round_client.consultation(client, sid, "r1"), lambda view: view.closed)
    assert shown.silent == ("BNV", "BCA")
    last_day, opened_on = last_day_of(shown.closes_at), local_day(opened.opened_at)

    async def refused(message) -> tuple[str, str, str]:
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await round_client.submit_opinion(client, sid, "r1", message)
        return (*refusal_of(caught.value), str(caught.value.cause))

    def received_on(consultee: str, day, *comment_ids: str):
        return opinion(consultee, *comment_ids).model_copy(update={"occurred_on": day})

    undated = await refused(opinion("BNV", "c7"))
    assert undated[:2] == ("consultee", "round_closed") and "entered with that day (occurred_on) until it is compiled" in undated[2]
    assert (await refused(received_on("BNV", last_day + timedelta(days=1), "c7")))[:2] == ("occurred_on", "within_window")
    assert (await refused(received_on("BNV", opened_on - timedelta(days=1), "c7")))[:2] == ("occurred_on", "not_before_round")
    assert (await refused(received_on("BNV", last_day + timedelta(days=30), "c7")))[:2] == ("occurred_on", "not_in_future")

    taken = await round_client.submit_opinion(client, sid, "r1", received_on("BNV", last_day, "c7"))
    assert (taken.consultee, taken.comments, taken.closing) == ("BNV", 1, False)
    assert (await refused(received_on("BNV", last_day, "c8")))[:2] == ("consultee", "answered_once")
    after = await round_client.consultation(client, sid, "r1")
    assert after.silent == ("BCA",) and after.unanswered_comments == ("BNV/c7", "BTC/c1")

    await round_client.compile_round(client, sid, "r1", compilation(request, ("BTC", "c1", Response.ACCEPTED), ("BNV", "c7", Response.EXPLAINED)))
    # Compiled, the round takes nothing more, dated or not: asked as the API asks it, whether the round has ended yet or not.
    compiled = await round_client.refusal_of(client, sid, "r1", received_on("BCA", last_day))
    assert compiled.rule == "round_closed" and "occurred_on" not in compiled.message, compiled

    await eventually(lambda: drafts.status(client, sid), lambda view: not view.open_consultations)
    entries = (await drafts.history(client, sid)).entries
    received = {e.agency_code: e for e in entries if e.event is EventKind.OPINION_RECEIVED}
    assert received["BNV"].occurred_on == last_day and received["BTC"].occurred_on is None
    assert [e.agency_code for e in entries if e.event is EventKind.CONSULTEE_SILENT] == ["BCA"]


def test_an_opinion_sent_over_http_or_from_a_file_keeps_the_day_it_was_received():
    """The API and the CLI store the texts, then send the round the opinion by reference: with its `occurred_on`."""
    body = OpinionBody.model_validate({"consultee": "BTC", "official": "Thứ trưởng", "occurred_on": "2026-12-01",
                                       "comments": [{"comment_id": "c1", "text": "đề nghị làm rõ"}]})
    assert body.by_reference([text_ref("đề nghị làm rõ")]).occurred_on == date(2026, 12, 1)
    assert "occurred_on" not in OpinionBody.model_validate({"consultee": "BTC", "official": "x"}).by_reference([]).model_dump()


async def test_the_rounds_refusal_query_takes_an_opinion_received_today_after_days_idle(time_skipping_env, ts_worker):
    """Found by a breaker: the query the API and the CLI ask before storing an opinion's texts reads the round's last task's
    time, three days ago for a round left idle, and refused an opinion dated today `not_in_future`, which the round takes."""
    env, client = time_skipping_env, time_skipping_env.client
    _, sid = await _a_round_open(env, ts_worker)
    [opened] = (await drafts.status(client, sid)).open_consultations
    await env.fast_forward(await round_client.round_workflow(client, sid, "r1"), timedelta(days=3))
    dated_today = opinion("BTC", "c1").model_copy(update={"occurred_on": local_day(opened.opened_at + timedelta(days=3))})
    ahead = opinion("BNV", "c1").model_copy(update={"occurred_on": local_day(opened.opened_at + timedelta(days=6))})
    with env.with_time_skipping_disabled():  # the clock stays three days on
        assert await round_client.refusal_of(client, sid, "r1", dated_today) is None
        assert (await round_client.submit_opinion(client, sid, "r1", dated_today)).consultee == "BTC"
        # The round itself still refuses a day ahead of its own clock: the query leaves that day to it.
        assert (await round_client.refusal_of(client, sid, "r1", ahead)) is None
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await round_client.submit_opinion(client, sid, "r1", ahead)
    assert refusal_of(caught.value) == ("occurred_on", "not_in_future")
