"""Record the committed histories that the replay gate replays: `python -m tests.record_histories [TAG [SCENARIO...]]`.

With a TAG the files are named `<scenario>-<TAG>.json`, so that new recordings sit beside the old;
naming scenarios records only those ("" as TAG keeps the plain names). The consultation rounds a
scenario opens are recorded under `rounds/`, and one subscriber's webhook deliveries under `webhooks/`.

Run it after a deliberate, versioned change to DraftLawWorkflow (see the README), review the diff
of tests/histories/, and commit it. It starts its own time-skipping server and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pgserver
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.database import create_pool, migrate
from activities.webhooks import new_secret
from schemas.enums import Stage
from store import subscribers
from tests.conftest import TIME_SKIPPING_FLAGS
from tests.drafts import decision, start_request
from tests.scenario_brought_forward import postponed_then_session_brought_forward
from tests.scenario_compiled_apart import compiled_apart_and_returned
from tests.scenario_drafting_approved_afterwards import at_drafting_request, drafting_approved_afterwards
from tests.scenario_entered_overdue_given_days import entered_overdue_request, entered_overdue_then_given_days
from tests.scenario_many_filings import delegations_from_opening, refused_after_many_filings, three_session_law
from tests.scenario_meeting_called_off import meeting_moved_then_called_off
from tests.scenario_reached_past_its_cutoff import at_review_request, reached_past_its_cutoff
from tests.scenario_reconsidered_at_the_next_meeting import (
    deferred_past_its_approved_date,
    ordinance_of_a_merged_committee,
    reconsidered_at_the_next_meeting,
)
from tests.scenario_reconsidering_meeting_moves import (
    a_law_for_an_extraordinary_session,
    an_ordinance,
    deferred_to_its_own_session,
    reconsidering_meeting_moved,
)
from tests.scenario_reset_reapplied import reset_cancel_reapplied, reset_reapplied
from tests.scenario_round_cancelled import round_cancelled_by_its_lead_ministry
from tests.scenario_round_follows_session import delegations_follow_the_session, two_session_law
from tests.scenario_slipped_on_entry import decided_in_time_after_it, entered_past_its_cutoff_request, next_session, slipped_on_entry
from tests.scenarios import SCENARIOS, debated_twice_request, voted_after_its_debate, voted_after_its_debate_request, voted_at_the_session_ahead
from workers.dev_stack import temporal_binary
from workers.log_config import configure_logging
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client
from workflows import search_attributes as sa
from workflows.codec import KeyRing, new_key_entry
from workflows.rounds import round_workflow_id

HISTORIES = Path(__file__).resolve().parent / "histories"
# Paths recorded since `tests.scenarios` reached its size, beside its own.
LATER = {"postponed_then_session_brought_forward": (start_request, postponed_then_session_brought_forward),
         "delegations_follow_the_session": (two_session_law, delegations_follow_the_session),
         "round_cancelled_by_its_lead_ministry": (start_request, round_cancelled_by_its_lead_ministry),
         "compiled_apart_and_returned": (start_request, compiled_apart_and_returned),
         "reconsidered_at_the_next_meeting": (ordinance_of_a_merged_committee, reconsidered_at_the_next_meeting),
         "deferred_past_its_approved_date": (start_request, deferred_past_its_approved_date),
         "reconsidering_meeting_moved": (an_ordinance, reconsidering_meeting_moved),
         "deferred_to_its_own_session": (a_law_for_an_extraordinary_session, deferred_to_its_own_session),
         "refused_after_many_filings": (start_request, refused_after_many_filings),
         "delegations_from_opening": (three_session_law, delegations_from_opening),
         "meeting_moved_then_called_off": (an_ordinance, meeting_moved_then_called_off),
         "entered_overdue_then_given_days": (entered_overdue_request, entered_overdue_then_given_days),
         "drafting_approved_afterwards": (at_drafting_request, drafting_approved_afterwards),
         "reset_reapplied": (start_request, reset_reapplied),
         "reset_cancel_reapplied": (start_request, reset_cancel_reapplied)}
# The histories are recorded without the payload codec; the webhook subscriber's secret is still sealed, with a key of
# the recording's own.
RECORDING_KEYS = KeyRing.parse(new_key_entry("recording"))
# Drafts entered under way with a session announced ahead (`record_with_a_session_ahead`).
AHEAD = {
    "voted_with_a_session_ahead": (voted_after_its_debate_request, voted_after_its_debate),
    "debated_twice_with_a_session_ahead": (debated_twice_request, voted_at_the_session_ahead),
}


async def record(tag: str = "", only: tuple[str, ...] = ()) -> None:
    with tempfile.TemporaryDirectory(prefix="legis-record-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        try:
            url = server.get_uri()
            await migrate(url)
            pool = await create_pool(url)
            env = await WorkflowEnvironment.start_time_skipping_v2(
                dev_server_existing_path=temporal_binary(),
                dev_server_extra_args=TIME_SKIPPING_FLAGS,
                search_attributes=sa.ALL,
                # Without the payload codec: a committed history must replay on any machine, with no key, and the
                # scenarios' drafts are made up.
                data_converter=pydantic_data_converter,
            )
            try:
                task_queue = f"record-{uuid.uuid4().hex[:8]}"
                async with create_worker(env.client, pool, task_queue=task_queue, keys=RECORDING_KEYS, webhook_allowed_hosts=["127.0.0.1"]):
                    for name, (make_request, drive) in {**SCENARIOS, **LATER}.items():
                        if only and name not in only:
                            continue
                        request = make_request()
                        await drafts.start_submission(env.client, request, task_queue=task_queue)
                        await drive(env.client, request)
                        handle = drafts.draft(env.client, request.submission_id)
                        await handle.result()
                        history = await handle.fetch_history()
                        suffix = f"-{tag}" if tag else ""
                        (HISTORIES / f"{name}{suffix}.json").write_text(history.to_json(), encoding="utf-8")
                        print(f"recorded {name}: {len(history.events)} events")
                        prefix = round_workflow_id(request.submission_id, "")
                        async for wf in env.client.list_workflows(f"WorkflowId STARTS_WITH '{prefix}'"):
                            round_history = await env.client.get_workflow_handle(wf.id, run_id=wf.run_id).fetch_history()
                            round_id = wf.id.removeprefix(prefix)
                            (HISTORIES / "rounds" / f"{name}-{round_id}{suffix}.json").write_text(round_history.to_json(), encoding="utf-8")
                            print(f"recorded {name} round {round_id}: {len(round_history.events)} events")
                    if not only or "postponed_while_overdue" in only:
                        late = await record_postponed_while_overdue(env, task_queue)
                        (HISTORIES / f"postponed_while_overdue{'-' + tag if tag else ''}.json").write_text(late.to_json(), encoding="utf-8")
                        print(f"recorded postponed_while_overdue: {len(late.events)} events")
                    if not only or "carried_from_generation_2" in only:
                        upgraded = await record_carried_from_generation_2(env, task_queue)
                        (HISTORIES / f"carried_from_generation_2{'-' + tag if tag else ''}.json").write_text(upgraded.to_json(), encoding="utf-8")
                        print(f"recorded carried_from_generation_2: {len(upgraded.events)} events")
                    if not only or "carried_from_generation_6" in only:
                        taken_up = await record_carried_from_generation_6(env, task_queue)
                        (HISTORIES / f"carried_from_generation_6{'-' + tag if tag else ''}.json").write_text(taken_up.to_json(), encoding="utf-8")
                        print(f"recorded carried_from_generation_6: {len(taken_up.events)} events")
                    for ahead_name, (make_ahead, drive_ahead) in AHEAD.items():
                        if not only or ahead_name in only:
                            ahead = await record_with_a_session_ahead(env.client, pool, task_queue, make_ahead(), drive_ahead)
                            (HISTORIES / f"{ahead_name}{'-' + tag if tag else ''}.json").write_text(ahead.to_json(), encoding="utf-8")
                            print(f"recorded {ahead_name}: {len(ahead.events)} events")
                    if not only or "slipped_on_entry" in only:
                        entered = entered_past_its_cutoff_request()
                        slipped = await record_with_a_session_ahead(env.client, pool, task_queue, entered, slipped_on_entry, next_session(entered))
                        (HISTORIES / f"slipped_on_entry{'-' + tag if tag else ''}.json").write_text(slipped.to_json(), encoding="utf-8")
                        print(f"recorded slipped_on_entry: {len(slipped.events)} events")
                    if not only or "decided_in_time_after_slip" in only:
                        entered = entered_past_its_cutoff_request()
                        with env.with_time_skipping_disabled():  # the decision comes before the session it aims at again opens
                            aimed = await record_with_a_session_ahead(env.client, pool, task_queue, entered, decided_in_time_after_it,
                                                                      next_session(entered))
                        (HISTORIES / f"decided_in_time_after_slip{'-' + tag if tag else ''}.json").write_text(aimed.to_json(), encoding="utf-8")
                        print(f"recorded decided_in_time_after_slip: {len(aimed.events)} events")
                    if not only or "slipped_when_it_opened" in only:
                        from tests.scenario_slip_at_opening import slipped_when_it_opened

                        opening = start_request()
                        slipped = await record_with_a_session_ahead(env.client, pool, task_queue, opening,
                                                                    lambda _, request: slipped_when_it_opened(env, request), next_session(opening))
                        (HISTORIES / f"slipped_when_it_opened{'-' + tag if tag else ''}.json").write_text(slipped.to_json(), encoding="utf-8")
                        print(f"recorded slipped_when_it_opened: {len(slipped.events)} events")
                    if not only or "imported_past_its_cutoff" in only:
                        from tests.scenario_imported_past_cutoff import imported_past_its_cutoff_request, slipped_as_imported

                        imported = imported_past_its_cutoff_request()
                        slipped = await record_with_a_session_ahead(env.client, pool, task_queue, imported, slipped_as_imported,
                                                                    next_session(imported))
                        (HISTORIES / f"imported_past_its_cutoff{'-' + tag if tag else ''}.json").write_text(slipped.to_json(), encoding="utf-8")
                        print(f"recorded imported_past_its_cutoff: {len(slipped.events)} events")
                    if not only or "round_lost_within_a_day" in only:
                        from tests.scenario_round_lost import round_lost_within_a_day

                        lost = await record_with_a_session_ahead(env.client, pool, task_queue, start_request(), lambda _, r: round_lost_within_a_day(env, r))
                        (HISTORIES / f"round_lost_within_a_day{'-' + tag if tag else ''}.json").write_text(lost.to_json(), encoding="utf-8")
                        print(f"recorded round_lost_within_a_day: {len(lost.events)} events")
                    if not only or "reached_past_its_cutoff" in only:
                        at_review = at_review_request()
                        reached = await record_with_a_session_ahead(env.client, pool, task_queue, at_review, reached_past_its_cutoff,
                                                                    next_session(at_review))
                        (HISTORIES / f"reached_past_its_cutoff{'-' + tag if tag else ''}.json").write_text(reached.to_json(), encoding="utf-8")
                        print(f"recorded reached_past_its_cutoff: {len(reached.events)} events")
                    if not only or "late_from_the_day" in only:
                        late = await record_late_from_the_day(env, task_queue)
                        (HISTORIES / f"late_from_the_day{'-' + tag if tag else ''}.json").write_text(late.to_json(), encoding="utf-8")
                        print(f"recorded late_from_the_day: {len(late.events)} events")
                    if not only or "dead_lettered" in only:
                        dead = await record_dead_lettered(env.client, pool, task_queue)
                        (HISTORIES / f"dead_lettered{'-' + tag if tag else ''}.json").write_text(dead.to_json(), encoding="utf-8")
                        print(f"recorded dead_lettered: {len(dead.events)} events")
                    if not only or "public_in_postgresql" in only:
                        public_round = await record_public_round(env.client, pool, task_queue)
                        (HISTORIES / "rounds" / f"public_in_postgresql{'-' + tag if tag else ''}.json").write_text(public_round.to_json(), encoding="utf-8")
                        print(f"recorded public round: {len(public_round.events)} events")
                    if not only or "round_of_an_ended_draft" in only:
                        ended = await record_round_of_an_ended_draft(env.client, task_queue)
                        (HISTORIES / "rounds" / f"round_of_an_ended_draft{'-' + tag if tag else ''}.json").write_text(ended.to_json(), encoding="utf-8")
                        print(f"recorded round of an ended draft: {len(ended.events)} events")
                    if not only or "opinion_entered_afterwards" in only:
                        entered = await record_opinion_entered_afterwards(env, task_queue)
                        (HISTORIES / "rounds" / f"opinion_entered_afterwards{'-' + tag if tag else ''}.json").write_text(entered.to_json(), encoding="utf-8")
                        print(f"recorded opinion entered afterwards: {len(entered.events)} events")
                    if not only or "webhook_delivery_past_a_failing_draft" in only:
                        past = await record_delivery_past_a_failing_draft(env.client, pool, task_queue)
                        (HISTORIES / "webhooks" / f"past_a_failing_draft{'-' + tag if tag else ''}.json").write_text(past.to_json(), encoding="utf-8")
                        print(f"recorded webhook delivery past a failing draft: {len(past.events)} events")
                    if not only or "webhook_delivery" in only:
                        delivery = await record_webhook_delivery(env.client, pool, task_queue)
                        (HISTORIES / "webhooks" / f"delivery{'-' + tag if tag else ''}.json").write_text(delivery.to_json(), encoding="utf-8")
                        print(f"recorded webhook delivery: {len(delivery.events)} events")
            finally:
                await env.shutdown()
                await pool.close()
        finally:
            server.cleanup()


async def record_with_a_session_ahead(client, pool, task_queue: str, request, drive, ahead=None) -> WorkflowHistory:
    """A draft entered under way with a session announced (`ahead`; by default 400 days after its target's opening, the
    thirteenth generation's: its steps at sessions that have ended are checked against the sittings it knows, not against
    the session announced, which it aims at)."""
    from activities import calendar
    from schemas.calendar import TargetSession

    debated = request.target_session
    ahead = ahead or TargetSession(legislature=debated.legislature, session=debated.session + 2, opens_on=debated.opens_on + timedelta(days=400))
    async with pool.acquire() as connection:
        await calendar.set_session(connection, ahead, changed_by="VPQH")
    try:
        await drafts.start_submission(client, request, task_queue=task_queue)
        await drive(client, request)
        handle = drafts.draft(client, request.submission_id)
        await handle.result()
        return await handle.fetch_history()
    finally:
        async with pool.acquire() as connection:
            await calendar.remove_session(connection, ahead.code)


async def record_late_from_the_day(env, task_queue: str) -> WorkflowHistory:
    """A draft entered at the Government's review reaches the Government's decision past its cut-off, with no later
    session announced, and climbs the escalation ladder from that day (tests.scenario_late_from_the_day)."""
    from tests.scenario_late_from_the_day import at_review_request, late_from_the_day

    request = at_review_request()
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
    await late_from_the_day(env, request)
    with env.with_time_skipping_disabled():
        handle = drafts.draft(env.client, request.submission_id)
        await handle.result()
        return await handle.fetch_history()


async def record_opinion_entered_afterwards(env, task_queue: str) -> WorkflowHistory:
    """A round whose window closes with two consultees silent; one's opinion, received on the window's last day, is entered
    two days later with that day (`occurred_on`), then the round is compiled."""
    from schemas.enums import Response, Stage
    from tests.drafts import compilation, consultation, opinion
    from tests.polling import eventually
    from tests.scenarios import approve, past_window
    from workflows.sessions import last_day_of

    request = start_request(prefix="LATE")
    sid = request.submission_id
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
        await approve(env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
        await drafts.open_consultation(env.client, sid, consultation(request, "r1"))
        await round_client.submit_opinion(env.client, sid, "r1", opinion("BTC", "c1"))
    await past_window(env, request, "r1", after=timedelta(days=2))
    with env.with_time_skipping_disabled():
        shown = await eventually(lambda: round_client.consultation(env.client, sid, "r1"), lambda view: view.closed)
        late = opinion("BNV", "c7").model_copy(update={"occurred_on": last_day_of(shown.closes_at)})
        await round_client.submit_opinion(env.client, sid, "r1", late)
        handle = await round_client.round_workflow(env.client, sid, "r1")
        await round_client.compile_round(env.client, sid, "r1", compilation(request, ("BTC", "c1", Response.ACCEPTED),
                                                                            ("BNV", "c7", Response.EXPLAINED)))
        await handle.result()
        return await handle.fetch_history()


async def record_dead_lettered(client, pool, task_queue: str) -> WorkflowHistory:
    """A draft whose second event the database refuses for its data (a check on the reasons' length that the message
    does not know): the write fails without retry, the event is kept as a dead letter, the draft goes on and ends."""
    from schemas.enums import Outcome, Stage
    from tests.drafts import decision

    await pool.execute("ALTER TABLE audit_events ADD CONSTRAINT reasons_fit_the_register CHECK (octet_length(reasons) <= 200)")
    try:
        request = start_request(prefix="DEAD")
        await drafts.start_submission(client, request, task_queue=task_queue)
        returned = decision(request, Stage.POLICY_PROPOSAL, Outcome.RETURN_FOR_REVISION).model_copy(update={"reasons": "x" * 300})
        await drafts.decide(client, request.submission_id, returned)
        await drafts.decide(client, request.submission_id, decision(request, Stage.POLICY_PROPOSAL))
        await drafts.decide(client, request.submission_id, decision(request, Stage.LEGISLATIVE_PROGRAMME, Outcome.REJECT))
        handle = drafts.draft(client, request.submission_id)
        await handle.result()
        return await handle.fetch_history()
    finally:
        await pool.execute("ALTER TABLE audit_events DROP CONSTRAINT reasons_fit_the_register")


async def record_postponed_while_overdue(env, task_queue: str) -> WorkflowHistory:
    """A postponement approved while the draft is overdue, to a date already past, whose last escalation is still ahead
    (tests.scenarios.postponed_while_overdue): the level is not raised again; then the draft goes on to its end."""
    from schemas.enums import Stage
    from tests.drafts import start_request
    from tests.scenarios import FROM_APPRAISAL, approve, postponed_while_overdue

    request = start_request(prefix="LATE")
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
        await approve(env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING])
    await postponed_while_overdue(env, request)
    with env.with_time_skipping_disabled():
        await approve(env.client, request, FROM_APPRAISAL)
        handle = drafts.draft(env.client, request.submission_id)
        await handle.result()
        return await handle.fetch_history()


async def record_carried_from_generation_2(env, task_queue: str) -> WorkflowHistory:
    """A run continued from a second-generation draft's state, at APPRAISAL, which takes up the third generation; then
    the draft goes on to its end."""
    from datetime import UTC, datetime

    from schemas.enums import Stage
    from schemas.state import DraftLawInput
    from tests.drafts import core_state, start_request
    from tests.scenarios import FROM_APPRAISAL, approve
    from workflows import draft_views
    from workflows.draft_law import DraftLawWorkflow

    request = start_request(prefix="CARRIED")
    state = core_state(request, at=Stage.APPRAISAL, now=datetime.now(UTC), generation=2)
    with env.with_time_skipping_disabled():
        # With the memo a run continued as new is given.
        handle = await env.client.start_workflow(DraftLawWorkflow.run, DraftLawInput(**request.model_dump(), carried=state),
                                                 id=drafts.workflow_id_for(request.submission_id), task_queue=task_queue,
                                                 memo=draft_views.memo(state))
        await approve(env.client, request, FROM_APPRAISAL)
        await handle.result()
        return await handle.fetch_history()


async def record_carried_from_generation_6(env, task_queue: str) -> WorkflowHistory:
    """A run continued from a sixth-generation ordinance's state counted from a meeting that prepares an earlier session,
    which takes up the newest generation, is counted again (DEADLINE_RECOUNTED), then goes on to its end."""
    from datetime import UTC, datetime

    from schemas.state import DraftLawInput
    from tests.scenarios import S, approve, carried_ordinance_of_generation_6
    from workflows import draft_views
    from workflows.draft_law import DraftLawWorkflow

    request, state = carried_ordinance_of_generation_6(datetime.now(UTC))
    with env.with_time_skipping_disabled():
        handle = await env.client.start_workflow(DraftLawWorkflow.run, DraftLawInput(**request.model_dump(), carried=state),
                                                 id=drafts.workflow_id_for(request.submission_id), task_queue=task_queue,
                                                 memo=draft_views.memo(state))
        await approve(env.client, request, [S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.PROMULGATION, S.PUBLICATION])
        await handle.result()
        return await handle.fetch_history()


async def record_public_round(client, pool, task_queue: str) -> WorkflowHistory:
    """A PUBLIC_POSTING round of the kind opened since the public's comments went to PostgreSQL: it registers itself,
    the public comments straight into PostgreSQL (`store.public`, the API's path), the window closes and the round reads
    the totals, the lead ministry answers by article and compiles, and the round reads the answers' tally."""
    from schemas.enums import ConsultationKind, Response, Stage
    from schemas.public import GroupAnswer, PublicComment
    from store import public
    from tests.drafts import compilation, consultation, decision, draft_text, start_request

    request = start_request(prefix="PUBLIC")
    sid, round_id = request.submission_id, "cong-khai"
    await drafts.start_submission(client, request, task_queue=task_queue)
    for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME):
        await drafts.decide(client, sid, decision(request, stage))
    await drafts.file_dossier(client, sid, draft_text(request))
    await drafts.open_consultation(client, sid, consultation(request, round_id, (), kind=ConsultationKind.PUBLIC_POSTING))
    for _ in range(300):
        if await public.public_round(pool, sid, round_id) is not None:
            break
        await asyncio.sleep(0.02)
    for article, text in ((12, "Đề nghị làm rõ khoản 2 Điều 12."), (12, "Điều 12 nên bỏ thủ tục xác nhận."), (None, "Đồng ý với dự thảo.")):
        await public.take(pool, sid, round_id, PublicComment(article=article, text=text), b"recording")
    for _ in range(600):
        if await pool.fetchval("SELECT closed_at IS NOT NULL FROM public_rounds WHERE submission_id = $1 AND round_id = $2", sid, round_id):
            break
        await asyncio.sleep(0.1)
    for target in ({"article": 12}, {"whole_draft": True}):
        await public.answer(pool, sid, round_id, GroupAnswer(agency_code=request.lead_ministry, official="Vụ trưởng", response=Response.ACCEPTED, **target))
    await round_client.compile_round(client, sid, round_id, compilation(request))
    handle = client.get_workflow_handle(round_workflow_id(sid, round_id))
    await handle.result()
    return await handle.fetch_history()


async def record_round_of_an_ended_draft(client, task_queue: str) -> WorkflowHistory:
    """A round whose one consultee answered, compiled after its draft was terminated by hand: it ends with its result,
    told to no draft (`round-result-to-no-draft`)."""
    from schemas.enums import Response, Stage
    from tests.drafts import compilation, consultation, decision, opinion, start_request

    request = start_request(prefix="ENDED")
    sid, round_id = request.submission_id, "r1"
    await drafts.start_submission(client, request, task_queue=task_queue)
    for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME):
        await drafts.decide(client, sid, decision(request, stage))
    await drafts.open_consultation(client, sid, consultation(request, round_id, ("BTC",)))
    await round_client.submit_opinion(client, sid, round_id, opinion("BTC", "c1"))
    await drafts.draft(client, sid).terminate("recording: a draft ended by hand")
    handle = await round_client.round_workflow(client, sid, round_id)
    for _ in range(300):
        if (await round_client.consultation(client, sid, round_id)).closed:
            break
        await asyncio.sleep(0.02)
    await round_client.compile_round(client, sid, round_id, compilation(request, ("BTC", "c1", Response.ACCEPTED)), lead_ministry=request.lead_ministry)
    await handle.result()
    return await handle.fetch_history()


async def record_webhook_delivery(client, pool, task_queue: str) -> WorkflowHistory:
    """One subscriber's deliveries: a receiver on 127.0.0.1 that refuses once, then takes the events of a draft."""
    from schemas.records import WebhookInput
    from tests.receiver import Receiver
    from workflows.webhook_delivery import WebhookDeliveryWorkflow

    server = Receiver([500])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        async with pool.acquire() as db:
            subscriber_id = await subscribers.add(db, RECORDING_KEYS, agency_code="*", url=server.url(),
                                                  secret=new_secret())
        handle = await client.start_workflow(WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id, poll_seconds=1),
                                             id=f"webhook-delivery-record-{uuid.uuid4().hex[:8]}", task_queue=task_queue)
        for _ in range(300):
            if await pool.fetchval("SELECT count(*) FROM deliveries WHERE subscriber_id = $1", subscriber_id) >= 10:
                break
            await asyncio.sleep(0.1)
        await handle.cancel()
        return await handle.fetch_history()
    finally:
        server.shutdown()


async def record_delivery_past_a_failing_draft(client, pool, task_queue: str) -> WorkflowHistory:
    """One subscriber's deliveries while its receiver fails every event of one draft and takes another's: the rounds that
    took events poll again at the subscriber's pace, without backing off (`webhook-backoff-only-when-nothing-taken`)."""
    from schemas.records import WebhookInput
    from tests.receiver import FailsOneDraft, Receiver
    from workflows.webhook_delivery import WebhookDeliveryWorkflow

    server = Receiver([])
    server.RequestHandlerClass = FailsOneDraft
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        failing, healthy = start_request(), start_request()
        server.failing = failing.submission_id
        async with pool.acquire() as db:
            subscriber_id = await subscribers.add(db, RECORDING_KEYS, agency_code="*", url=server.url(), secret=new_secret())
        await drafts.start_submission(client, failing, task_queue=task_queue)
        await drafts.start_submission(client, healthy, task_queue=task_queue)
        handle = await client.start_workflow(WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id, poll_seconds=1),
                                             id=f"webhook-delivery-record-{uuid.uuid4().hex[:8]}", task_queue=task_queue)
        for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME):
            for request in (failing, healthy):
                await drafts.decide(client, request.submission_id, decision(request, stage))
        for _ in range(300):
            if await pool.fetchval("SELECT count(*) FROM deliveries WHERE subscriber_id = $1 AND submission_id = $2",
                                   subscriber_id, healthy.submission_id) >= 3:
                break
            await asyncio.sleep(0.1)
        await handle.cancel()
        for request in (failing, healthy):
            await drafts.draft(client, request.submission_id).terminate("recorded")
        return await handle.fetch_history()
    finally:
        server.shutdown()


if __name__ == "__main__":
    configure_logging("WARNING")
    asyncio.run(record(sys.argv[1] if len(sys.argv) > 1 else "", tuple(sys.argv[2:])))
