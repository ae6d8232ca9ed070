"""Random and malformed start requests, and random messages to every update and signal of a draft and of its
consultation round, sent through the client: each is refused with a clear error or accepted; no workflow task ever
fails; every audit trail matches its draft."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.common import RawValue
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer

from schemas.enums import Actor, DocumentKind, Outcome, Role, Stage
from schemas.messages import Decision
from tests.conftest import TEST_KEYS
from tests.drafts import consultation, decision, example_text, start_request
from tests.http_api import body
from tests.polling import eventually
from tests.scenarios import approve
from workers.worker import create_worker, sandbox_runner
from workflows import client as drafts
from workflows.codec import EncryptionCodec
from workflows.consultation import RESULT_SIGNAL
from workflows.draft_law import DraftLawWorkflow, workflow_id_for
from workflows.rounds import round_workflow_id

junk = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=2))


def some(values):
    return st.one_of(st.sampled_from([v.value for v in values]), junk)


documents = st.lists(
    st.fixed_dictionaries(
        {"kind": some(DocumentKind), "name": st.text(min_size=0, max_size=20)},
        optional={"sha256": st.one_of(st.just("ab" * 32), st.text(max_size=64)), "size_bytes": st.integers(-5, 10**6)},
    ),
    max_size=4,
)
votes = st.fixed_dictionaries(
    {"total_deputies": st.integers(-1, 600), "in_favour": st.integers(-1, 600), "against": st.integers(0, 600), "abstaining": st.integers(0, 50)}
)
decisions = st.one_of(
    junk,
    st.fixed_dictionaries(
        {"stage": some(Stage), "outcome": some(Outcome), "actor": some(Actor), "role": some(Role),
         "agency_code": st.sampled_from(["BGDDT", "BTP", "CP", "UBTVQH", "QH", "VPCP", "ctn", ""]), "official": st.text(max_size=12)},
        optional={"reasons": st.text(max_size=30), "documents": documents, "vote": votes, "return_to": some(Stage)},
    ),
)
start_mutations = st.dictionaries(
    st.sampled_from(["title", "law_kind", "amended_law", "lead_ministry", "process_version", "session_procedure", "classified", "target_session", "extra"]),
    junk,
    max_size=3,
)

FIELDS = set(Decision.model_fields)


@pytest.fixture(scope="module")
async def fuzz_queue(dev_env, pool):
    task_queue = f"fuzz-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        yield task_queue


async def assert_no_task_failed(handle) -> None:
    failed = [e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert not failed, failed[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=start_mutations, sent=st.lists(decisions, min_size=1, max_size=6))
async def test_random_input_is_refused_clearly_or_accepted(dev_env, pool, fuzz_queue, mutation, sent):
    client = dev_env.client
    raw = start_request(prefix="FUZZ").model_dump(mode="json")
    raw.update(mutation)
    workflow_id = f"draft-law-{raw['submission_id']}"
    handle = await client.start_workflow("DraftLawWorkflow", raw, id=workflow_id, task_queue=fuzz_queue)

    accepted = 0
    for message in sent:
        try:
            await handle.execute_update("decide", message)
            accepted += 1
        except WorkflowUpdateFailedError as refused:
            cause = refused.cause
            assert isinstance(cause, ApplicationError)
            # Refused by the draft's rules, or before them by the data converter when it does not decode: alike.
            field = cause.details[0]["field"]
            assert cause.type == "Refused" and cause.non_retryable, cause
            assert field.split(".")[0] in FIELDS | {"input"} and cause.message.startswith(f"{field}: "), cause.message
        except Exception as closed:
            # The start itself was refused: the workflow failed at once and takes no updates.
            with pytest.raises(WorkflowFailureError) as failed:
                await handle.result()
            refused = failed.value.cause
            assert isinstance(refused, ApplicationError) and refused.type == "Refused" and "(rule: " in refused.message, closed
            break

    await assert_no_task_failed(handle)
    if (await handle.describe()).status.name != "FAILED":
        history = await drafts.history(client, raw["submission_id"])
        assert len(history.entries) == 1 + accepted + sum(e.event.value == "DEADLINE_PASSED" for e in history.entries)
        for _ in range(200):
            rows = await pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", raw["submission_id"])
            if rows == len(history.entries):
                break
            await asyncio.sleep(0.05)
        assert rows == len(history.entries)


# Every update and signal of DraftLawWorkflow and ConsultationWorkflow, each with a valid message of its own (the
# walkthrough's examples) that hypothesis may leave as it is, break a field of, drop a field from, or replace.


def _example(name: str) -> dict:
    return json.loads(example_text(f"{name}.json"))


ROUND = "R-FUZZ"
_AT = "2026-11-30T10:00:00+07:00"
DRAFT_MESSAGES: dict[str, list[dict]] = {
    "decide": [_example("03-drafting"), _example("04-appraisal-return"), _example("02-programme")],
    "file_dossier": [_example("dossier-filing")],
    "request_postponement": [_example("05-postpone-appraisal")],
    "decide_postponement": [_example("06-approve-postponement")],
    "calendar_changed": [{"sessions": [{"legislature": 16, "session": 2, "opens_on": "2027-06-01"}], "changed_by": "VPQH"}],
    "raise_disagreement": [_example("07-disagreement")],
    "rule_on_disagreement": [_example("08-ruling")],
    "remap_agency": [{"old_code": "BTC", "new_code": "BTCNEW", "changed_by": "VPCP", "reason": "sáp nhập bộ, ngành"}],
    "change_programme": [_example("12-programme-defer")],
    "open_consultation": [_example("09-consultation") | {"round_id": "R-FUZZ-2"}],
    "cancel_consultation": [_example("13-cancel-consultation")],
}
RESULT = {"round_id": ROUND, "kind": "WRITTEN_OPINIONS", "opened_at": _AT, "closed_at": _AT, "answers": [], "silent": ["BTC"],
          "compilation": {"actor": "LEAD_MINISTRY", "agency_code": "BGDDT", "role": "MINISTER", "official": "Bộ trưởng", "accepted": 0,
                          "explained": 0}, "compiled_at": _AT}
ROUND_MESSAGES: dict[str, list[dict]] = {"submit_opinion": [_example("10-opinion")], "compile": [_example("11-compilation")]}
nasty_text = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["\x00", "a\u200bb", "e\u0301", "x" * 5000, " "])
nasty = st.one_of(junk, nasty_text, st.booleans(), st.integers(-(2**63), 2**63), st.floats(allow_nan=True),
                  st.dictionaries(st.text(max_size=4), junk, max_size=2))


@st.composite
def mutated(draw, bases: list[dict]) -> object:
    message = dict(draw(st.sampled_from(bases)))
    how = draw(st.sampled_from(["as_is", "break", "drop", "extra", "replace"]))
    if how == "replace":
        return draw(nasty)
    if how == "extra":
        message[draw(st.text(min_size=1, max_size=8))] = draw(nasty)
    elif message and how in ("break", "drop"):
        key = draw(st.sampled_from(sorted(message)))
        if how == "drop":
            del message[key]
        else:
            message[key] = draw(nasty)
    return message


sends = st.one_of(
    *[st.tuples(st.just("draft"), st.just(name), mutated(bases)) for name, bases in DRAFT_MESSAGES.items()],
    st.tuples(st.just("signal"), st.just(RESULT_SIGNAL), mutated([RESULT, RESULT | {"round_id": "R-UNKNOWN"}])),
    *[st.tuples(st.just("round"), st.just(name), mutated(bases)) for name, bases in ROUND_MESSAGES.items()],
)


def assert_refused_clearly(refused: WorkflowUpdateFailedError) -> None:
    """Refused by a rule, or (a message that does not decode) by the data converter before any validator: alike."""
    cause = refused.cause
    assert isinstance(cause, ApplicationError) and cause.type == "Refused", cause
    field = cause.details[0]["field"]
    assert cause.details[0]["rule"] and cause.message.startswith(f"{field}: ") and cause.non_retryable, cause.message


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sent=st.lists(sends, min_size=1, max_size=8))
async def test_every_update_and_signal_takes_random_input_without_a_failed_task_or_a_lost_event(dev_env, pool, fuzz_queue, sent):
    client = dev_env.client
    request = start_request(prefix="FUZZALL")
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=fuzz_queue)
    await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, ROUND))
    draft = drafts.draft(client, sid)
    round_handle = client.get_workflow_handle(round_workflow_id(sid, ROUND))

    for target, name, message in sent:
        try:
            if target == "signal":
                await draft.signal(name, message)
            else:
                await (draft if target == "draft" else round_handle).execute_update(name, message)
        except WorkflowUpdateFailedError as refused:
            assert_refused_clearly(refused)
        except RPCError as ended:
            # The round ended (compiled) or the draft closed (withdrawn by a programme change): nothing to update.
            assert ended.status is RPCStatusCode.NOT_FOUND or "completed" in str(ended).lower(), ended

    await assert_no_task_failed(draft)
    await assert_no_task_failed(round_handle)
    history = await drafts.history(client, sid)
    expected = [(e.seq, e.event.value) for e in history.entries]

    async def trail() -> list[tuple[int, str]]:
        return [tuple(r) for r in await pool.fetch("SELECT seq, event FROM audit_events WHERE submission_id = $1 ORDER BY seq", sid)]

    assert await eventually(trail, lambda rows: rows == expected, seconds=20) == expected
    assert not await pool.fetchval("SELECT count(*) FROM dead_letters WHERE submission_id = $1", sid)


async def test_a_raw_message_that_does_not_decode_is_refused_without_a_failed_task(dev_env, fuzz_queue, caplog):
    """An update and a signal sent by a client without the project's types (the SDK's own JSON converter; with the
    deployment's key, as every client of it has): the update is refused, not retryable, naming the field and the rule;
    the signal is dropped; the draft takes the next decision, and no workflow task failed."""
    request = start_request(prefix="RAW")
    await drafts.start_submission(dev_env.client, request, task_queue=fuzz_queue)
    plain = await Client.connect(dev_env.client.service_client.config.target_host, namespace=dev_env.client.namespace,
                                 data_converter=DataConverter(payload_codec=EncryptionCodec(TEST_KEYS)))
    handle = plain.get_workflow_handle(workflow_id_for(request.submission_id))
    valid = body(decision(request, Stage.POLICY_PROPOSAL))

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("decide", valid | {"stage": "NO_SUCH_STAGE"})
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "Refused" and cause.non_retryable, cause
    assert cause.message.startswith("stage: Input should be ") and cause.message.endswith("(rule: enum)"), cause.message
    assert cause.details[0] == {"field": "stage", "rule": "enum", "kind": "INVALID"}
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("decide", "approve")
    assert refused.value.cause.details[0] == {"field": "input", "rule": "model_type", "kind": "INVALID"}
    with caplog.at_level(logging.WARNING, logger="temporalio.worker._workflow_instance"):
        await handle.signal(RESULT_SIGNAL, {"round_id": ROUND, "answers": "none"})

        receipt = await handle.execute_update("decide", valid)
        assert (receipt["stage"], receipt["to_stage"], receipt["first_seq"]) == ("POLICY_PROPOSAL", "LEGISLATIVE_PROGRAMME", 2)
        await assert_no_task_failed(handle)
        # Dropped with a warning naming the error (its field and rule), no traceback (any client may send it: an error would page
        # someone), and not again while the draft replays in this worker (found by a trial: an error with its traceback at every replay).
        dropped = [r for r in caplog.records if r.getMessage().startswith("Failed deserializing signal input")]
        assert [(r.levelname, r.exc_info) for r in dropped] == [("WARNING", None)] and "(rule: " in dropped[0].error, dropped
        replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=dev_env.client.data_converter, workflow_runner=sandbox_runner())
        assert (await replayer.replay_workflow(await handle.fetch_history(), raise_on_replay_failure=False)).replay_failure is None
        assert [r for r in caplog.records if r.getMessage().startswith("Failed deserializing signal input")] == dropped


async def test_an_update_or_signal_without_its_one_message_is_refused_or_dropped_without_a_failed_task(dev_env, fuzz_queue):
    """A client may send an update or a signal with no argument or with two (`temporal workflow signal` without
    `--input`): the SDK would call the handler with the wrong number of them, failing every workflow task of a signal. The
    update is refused (`one_message`, not retryable), the signal dropped; the draft takes the next decision."""
    request = start_request(prefix="ARGS")
    sid = request.submission_id
    await drafts.start_submission(dev_env.client, request, task_queue=fuzz_queue)
    handle = drafts.draft(dev_env.client, sid)

    async def refused_for_its_arguments(target, name: str, args: list) -> None:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await target.execute_update(name, args=args)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "Refused" and cause.non_retryable, cause
        assert cause.details[0] == {"field": "message", "rule": "one_message", "kind": "INVALID"}
        assert cause.message == f"message: the update {name} takes exactly one message; it came with {len(args)} (rule: one_message)"

    valid = decision(request, Stage.POLICY_PROPOSAL)
    await refused_for_its_arguments(handle, "decide", [])
    await refused_for_its_arguments(handle, "decide", [valid, valid])
    await handle.signal(RESULT_SIGNAL)
    await handle.signal(RESULT_SIGNAL, args=[RESULT, RESULT])
    receipt = await drafts.decide(dev_env.client, sid, valid)
    assert (receipt.stage, receipt.to_stage, receipt.first_seq) == (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, 2)

    await approve(dev_env.client, request, [Stage.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(dev_env.client, sid, consultation(request, ROUND))
    round_handle = dev_env.client.get_workflow_handle(round_workflow_id(sid, ROUND))
    await refused_for_its_arguments(round_handle, "compile", [])
    await assert_no_task_failed(handle)
    await assert_no_task_failed(round_handle)


async def test_a_raw_payload_in_an_unknown_encoding_or_that_does_not_parse_is_refused_not_retried(dev_env, fuzz_queue):
    """The sealed payload of a client that writes its own: an encoding no converter reads, or JSON that does not parse."""
    request = start_request(prefix="RAWENC")
    await drafts.start_submission(dev_env.client, request, task_queue=fuzz_queue)
    handle = drafts.draft(dev_env.client, request.submission_id)
    for payload, rule in ((Payload(metadata={"encoding": b"foo/bar"}, data=b"{}"), "payload_encoding"),
                          (Payload(metadata={"encoding": b"json/plain"}, data=b"{not json"), "json_invalid")):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update("decide", RawValue(payload))
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "Refused" and cause.non_retryable, cause
        assert cause.details[0] == {"field": "input", "rule": rule, "kind": "INVALID"}
        assert cause.message.startswith("input: ") and cause.message.endswith(f"(rule: {rule})"), cause.message
    receipt = await drafts.decide(dev_env.client, request.submission_id, decision(request, Stage.POLICY_PROPOSAL))
    assert receipt.first_seq == 2
    await assert_no_task_failed(handle)


async def test_a_raw_message_of_many_malformed_items_is_refused_by_its_bound_in_a_few_words(dev_env, fuzz_queue):
    """Found by a breaker: a raw `decide` of 60,000 empty documents (240 KB) was refused in 6 MB of words (every item's
    problems), which Temporal would not take: the draft's workflow task failed (PAYLOADS_TOO_LARGE) and its sender read
    "Workflow Task in failed state"; a raw start of 20,000 empty steps retried its first task for ever. The bound is
    walked first (`schemas.bounds`), and a refusal names at most `MAX_ERRORS` problems."""
    request = start_request(prefix="RAWBIG")
    await drafts.start_submission(dev_env.client, request, task_queue=fuzz_queue)
    handle = drafts.draft(dev_env.client, request.submission_id)
    too_many = body(decision(request, Stage.POLICY_PROPOSAL)) | {"documents": [{}] * 60000}
    malformed = body(decision(request, Stage.POLICY_PROPOSAL)) | {f"x{i}": 1 for i in range(5000)}
    for message, rule, field in ((too_many, "too_long", "documents"), (malformed, "extra_forbidden", "x0")):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update("decide", message)
        cause = refused.value.cause
        assert cause.type == "Refused" and cause.details[0] == {"field": field, "rule": rule, "kind": "INVALID"}, cause
        assert len(cause.message) < 4096, len(cause.message)
    raw_start = start_request(prefix="RAWBIG").model_dump(mode="json") | {"passed": [{}] * 20000}
    started = await dev_env.client.start_workflow("DraftLawWorkflow", raw_start, id=workflow_id_for(raw_start["submission_id"]),
                                                  task_queue=fuzz_queue)
    with pytest.raises(WorkflowFailureError) as failed:
        await started.result()
    assert failed.value.cause.details[0] == {"field": "passed", "rule": "too_long", "kind": "INVALID"}
    receipt = await drafts.decide(dev_env.client, request.submission_id, decision(request, Stage.POLICY_PROPOSAL))
    assert receipt.first_seq == 2
    await assert_no_task_failed(handle)
    await assert_no_task_failed(started)


async def test_a_crafted_round_result_that_breaks_a_bound_leaves_the_draft_as_it_was(dev_env, fuzz_queue):
    """The round's result comes by signal, which any client can send: one that would grow the draft without bound
    (more silent consultees than a round asks, an official's name of 5,000 characters, counts past their column), or a
    null, is dropped; the round stays open, nothing is recorded, no workflow task fails."""
    client = dev_env.client
    request = start_request(prefix="CRAFTED")
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=fuzz_queue)
    await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, ROUND))
    recorded = (await drafts.status(client, sid)).events_recorded
    draft = drafts.draft(client, sid)
    crafted = RESULT | {"round_id": ROUND}
    for broken in ({"silent": [f"B{i:04d}" for i in range(501)]},
                   {"compilation": crafted["compilation"] | {"official": "x" * 5000}},
                   {"compilation": crafted["compilation"] | {"accepted": 2**40}},
                   {"answers": [{"consultee": "BTC", "at": _AT, "comment_ids": [f"c{i}" for i in range(201)]}]}):
        await draft.signal(RESULT_SIGNAL, crafted | broken)
    await draft.signal(RESULT_SIGNAL, None)  # a JSON null decodes as None whatever the type: refused too

    with pytest.raises(WorkflowUpdateFailedError) as still_open:
        await drafts.decide(client, sid, decision(request, Stage.DRAFTING))
    assert still_open.value.cause.details[0]["rule"] == "consultation_open"
    status = await drafts.status(client, sid)
    assert [r.round_id for r in status.open_consultations] == [ROUND] and status.events_recorded == recorded
    await assert_no_task_failed(draft)


async def test_a_round_result_that_is_not_the_round_s_is_ignored_without_a_failed_task(dev_env, fuzz_queue):
    """A well-formed result the round never sent, by a client with the project's key: of another kind, closed before the
    round opened, or with consultees the round did not ask, or listed both as answering and silent. Each is ignored
    with a warning; the round stays awaited, nothing is recorded; the round's own result is then applied."""
    client = dev_env.client
    request = start_request(prefix="FORGED")
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=fuzz_queue)
    await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, ROUND, ("BTC", "BNV")))
    opened = (await drafts.status(client, sid)).open_consultations[0].opened_at
    recorded = (await drafts.status(client, sid)).events_recorded
    at = lambda days: (opened + timedelta(days=days)).isoformat()  # noqa: E731
    real = RESULT | {"opened_at": at(0), "closed_at": at(15), "compiled_at": at(0), "silent": ["BNV"],
                     "compilation": RESULT["compilation"] | {"accepted": 1},
                     "answers": [{"consultee": "BTC", "official": "Thứ trưởng BTC", "at": at(1), "comment_ids": ["c1"]}]}
    draft = drafts.draft(client, sid)
    for forged in ({"kind": "SOCIAL_CRITIQUE"}, {"closed_at": at(-1)}, {"opened_at": at(16)},
                   {"silent": ["BNV", "BXD"]}, {"silent": ["BTC", "BNV"]}, {"silent": []}):
        await draft.signal(RESULT_SIGNAL, real | {"compilation": RESULT["compilation"]} | forged)
    status = await drafts.status(client, sid)
    assert [r.round_id for r in status.open_consultations] == [ROUND] and status.events_recorded == recorded

    await draft.signal(RESULT_SIGNAL, real)
    done = await eventually(lambda: drafts.status(client, sid), lambda v: not v.open_consultations)
    assert done.events_recorded == recorded + 3  # BTC's opinion, BNV silent, the compilation
    compiled = (await drafts.history(client, sid)).entries[-1]
    assert compiled.event.value == "CONSULTATION_COMPILED" and "1 comment accepted" in compiled.label, compiled.label
    await assert_no_task_failed(draft)
