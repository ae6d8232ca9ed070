"""Payload encryption (workflows.codec): keys rotate, payloads are bound to their workflow, old payloads pass
through, and what Temporal stores of a draft holds its title only as ciphertext."""

from __future__ import annotations

import base64
import os
import re
import uuid
from collections.abc import Iterator

import pytest
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload, WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.failure.v1 import Failure
from temporalio.api.query.v1 import WorkflowQuery
from temporalio.api.workflowservice.v1 import QueryWorkflowRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import WorkflowSerializationContext
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer

from schemas.enums import Outcome, Stage
from schemas.state import DraftLawInput
from tests.conftest import TEST_KEY_ENTRY, TEST_KEYS
from tests.drafts import decision, start_request
from workers.dev_stack import dev_key
from workers.settings import Settings, read_key_file
from workers.worker import create_worker
from workflows import client as drafts
from workflows.codec import (
    KEY_ID,
    WORKFLOW_ID,
    EncryptionCodec,
    KeyRing,
    KeyRingError,
    data_converter,
    is_sealed,
    new_key_entry,
    workflow_of,
)
from workflows.draft_law import DraftLawWorkflow

DRAFT = WorkflowSerializationContext(namespace="default", workflow_id="draft-law-X-1")


async def sealed(keys: KeyRing, value: object, context: WorkflowSerializationContext = DRAFT) -> Payload:
    [payload] = await data_converter(keys).with_context(context).encode([value])
    return payload


async def opened(keys: KeyRing, payload: Payload) -> object:
    [value] = await data_converter(keys).decode([payload])
    return value


async def test_the_first_key_seals_and_every_key_opens():
    a, b = new_key_entry("a"), new_key_entry("b")
    old = await sealed(KeyRing.parse(a), {"title": "Luật A"})
    assert old.metadata[KEY_ID] == b"a" and is_sealed(old) and b"Lu" not in old.data

    rotated = KeyRing.parse(f"{b},{a}")
    new = await sealed(rotated, {"title": "Luật B"})
    assert new.metadata[KEY_ID] == b"b"
    assert await opened(rotated, old) == {"title": "Luật A"}
    assert await opened(rotated, new) == {"title": "Luật B"}

    # The workflow named: the SDK's line for the workflow task this fails names its run alone (found by a trial).
    with pytest.raises(KeyRingError, match=f"a payload of workflow '{DRAFT.workflow_id}' sealed with key a, which is not configured"):
        await opened(KeyRing.parse(b), old)


async def test_a_key_of_the_same_id_but_another_key_is_named_as_differing_not_missing():
    old = await sealed(KeyRing.parse(new_key_entry("dev-20261130")), {"title": "Luật A"})
    with pytest.raises(KeyRingError, match="the key configured here as dev-20261130 differs from the one that sealed it"):
        await opened(KeyRing.parse(new_key_entry("dev-20261130")), old)


def test_dev_key_ids_differ_between_data_folders_of_the_same_day(tmp_path):
    ids = [read_key_file(dev_key(Settings(data_dir=tmp_path / folder, encryption_keys=None))).current for folder in ("a", "b")]
    assert ids[0] != ids[1] and all(re.fullmatch(r"dev-\d{8}-[0-9a-f]{8}", key_id) for key_id in ids), ids


async def test_each_payload_has_a_nonce_of_its_own():
    first, second = await sealed(TEST_KEYS, "same"), await sealed(TEST_KEYS, "same")
    assert first.data[:12] != second.data[:12] and first.data != second.data


async def test_a_payload_moved_under_another_workflow_does_not_open():
    payload = await sealed(TEST_KEYS, {"title": "mật"})
    assert workflow_of(payload) == DRAFT.workflow_id
    payload.metadata[WORKFLOW_ID] = b"draft-law-ORDINARY"
    with pytest.raises(KeyRingError, match="does not open"):
        await opened(TEST_KEYS, payload)


async def test_payloads_written_before_encryption_pass_through():
    [plain] = await pydantic_data_converter.encode([{"title": "Luật cũ"}])
    assert await EncryptionCodec(TEST_KEYS).decode([plain]) == [plain]
    assert await opened(TEST_KEYS, plain) == {"title": "Luật cũ"}


async def test_failures_are_sealed_but_the_drafts_refusals():
    converter = data_converter(TEST_KEYS).with_context(DRAFT)
    leaked, refused = Failure(), Failure()
    try:
        raise ValueError("invalid input for query argument $13: 'Luật mật'")
    except ValueError as error:
        await converter.encode_failure(error, leaked)
    await converter.encode_failure(ApplicationError("stage: not at DRAFTING (rule: current_stage_only)", type="Refused"), refused)
    assert "Luật" not in leaked.message + leaked.stack_trace and is_sealed(leaked.encoded_attributes)
    assert (await data_converter(TEST_KEYS).decode_failure(leaked)).message == "invalid input for query argument $13: 'Luật mật'"
    assert refused.message == "stage: not at DRAFTING (rule: current_stage_only)" and not refused.HasField("encoded_attributes")


def test_malformed_keys_are_refused_without_echoing_them():
    secret = "c2VjcmV0c2VjcmV0"
    for text, message in ((f"k:{secret}", "12 bytes"), (f"k {secret}", "write it as id:base64key"), ("", "no key given"),
                          (f"{new_key_entry('k')}\n{new_key_entry('k')}", "given twice"), ("k:%%%", "not valid base64")):
        with pytest.raises(KeyRingError, match=message) as refused:
            KeyRing.parse(text)
        assert secret not in str(refused.value)
    ring = KeyRing.parse(f"# newest first\n{new_key_entry('k2')}\n\n{new_key_entry('k1')}\n")
    assert ring.ids == ("k2", "k1") and ring.current == "k2"
    assert new_key_entry("k2").split(":")[1] not in repr(ring)


def test_a_key_file_readable_by_others_is_refused(tmp_path):
    path = tmp_path / "encryption.keys"
    path.write_text(new_key_entry("f1") + "\n", encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(KeyRingError, match="readable by others than its owner"):
        read_key_file(path)
    path.chmod(0o600)
    assert Settings(encryption_key_file=path, encryption_keys=None).key_ring().ids == ("f1",)
    with pytest.raises(KeyRingError, match="no payload key"):
        Settings(data_dir=tmp_path / "empty", encryption_keys=None, encryption_key_file=None).key_ring()


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere in a protobuf message (history events, query answers) but the search attributes'
    (which Temporal indexes, and no codec sees)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None or field.message_type.full_name == "temporal.api.common.v1.SearchAttributes":
            continue
        if field.message_type.GetOptions().map_entry:
            values = value.values() if field.message_type.fields_by_name["value"].message_type else ()
        elif isinstance(value, Message):
            values = (value,)
        else:
            values = value
        for item in values:
            yield from payloads_in(item)


@pytest.mark.parametrize("classified", [False, True], ids=["ordinary", "classified"])
async def test_a_draft_read_without_the_codec_shows_no_title(dev_env, pool, classified):
    marker = f"Luật bí mật {uuid.uuid4().hex[:8]}"
    request = start_request(classified=classified).model_copy(update={"title": marker})
    task_queue = f"codec-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
        await drafts.decide(dev_env.client, request.submission_id, decision(request, Stage.POLICY_PROPOSAL, Outcome.APPROVE))
        assert (await drafts.status(dev_env.client, request.submission_id)).title == marker
        handle = drafts.draft(dev_env.client, request.submission_id)
        # What `temporal workflow query --name status` receives: the answer as the worker wrote it.
        answer = await dev_env.client.workflow_service.query_workflow(QueryWorkflowRequest(
            namespace="default", execution=WorkflowExecution(workflow_id=handle.id), query=WorkflowQuery(query_type="status")))
        history = await handle.fetch_history()

    stored = [*history.events, answer]
    assert all(marker.encode() not in message.SerializeToString() for message in stored)
    # The SDK writes the patch markers' details (the patch's name) itself, past any codec.
    patches = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED]
    assert {e.marker_recorded_event_attributes.marker_name for e in patches} <= {"core_patch"}
    payloads = [payload for message in stored if message not in patches for payload in payloads_in(message)]
    assert len(payloads) > 10 and all(is_sealed(payload) for payload in payloads)
    assert {workflow_of(payload) for payload in payloads} == {handle.id}

    # With the codec, the same history reads, and replays.
    started = next(e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
    [given] = await data_converter(TEST_KEYS).decode(started.workflow_execution_started_event_attributes.input.payloads, [DraftLawInput])
    assert given.title == marker
    rotated = KeyRing.parse(f"{new_key_entry('next')},{TEST_KEY_ENTRY}")
    replayed = await Replayer(workflows=[DraftLawWorkflow], data_converter=data_converter(rotated)).replay_workflow(
        history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None


def test_a_key_written_before_its_id_is_not_echoed_in_the_refusal():
    """Found by a breaker: an entry written `<key>:<id>`, its key in URL-safe base64 without padding (43 characters that
    fit the ID's pattern), was refused as "key <the key>: not valid base64", printed by every process at its start."""
    key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    for text in (f"{key}:k2026", f"k2026a:{base64.b64encode(os.urandom(32)).decode()},{key}:k2026b"):
        with pytest.raises(KeyRingError) as refused:
            KeyRing.parse(text)
        assert key not in str(refused.value), str(refused.value)
        assert "entry" in str(refused.value) and "id:base64key" in str(refused.value), str(refused.value)
