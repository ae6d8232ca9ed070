"""A call's update ID and the request ID the draft reads from it (`idempotency.update_id_for`, `idempotency.request_id_of`): every
request ID comes back whole from its nonced update ID, and any other update ID is the request ID as it is (found by a
breaker: another Temporal client's update IDs "CP 2026-001" and "CP 2026-002" were both read as "CP", the second refused
`idempotency_key_reused`, and a history recorded with such IDs would have replayed differently)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from temporalio.client import WorkflowUpdateFailedError

from schemas.calendar import SessionCalendar
from schemas.enums import Stage
from schemas.messages import RequestId
from schemas.refusal import Refused
from schemas.views import Receipt
from tests.drafts import NOW, core_request, core_state, decision, refusal_of, start_request
from workflows import client as drafts
from workflows import draft
from workflows.draft_law import DraftLawWorkflow
from workflows.idempotency import request_id_of, update_id_for

REQUEST_IDS = st.from_regex(r"\A[\x21-\x7e]{1,200}\Z")


@given(REQUEST_IDS, st.uuids())
def test_a_request_id_comes_back_whole_from_its_update_id(request_id, nonce):
    assert TypeAdapter(RequestId).validate_python(request_id) == request_id  # a request ID as the CLI and the API take it
    assert request_id_of(update_id_for(request_id, nonce.hex)) == request_id


@given(st.text(min_size=1, max_size=300))
def test_an_update_id_the_client_did_not_make_is_the_request_id_whole(update_id):
    made = request_id_of(update_id)
    assert made == update_id or update_id == update_id_for(made, update_id[-32:])


def test_another_clients_update_ids_with_spaces_stay_apart():
    assert request_id_of("CP 2026-001") == "CP 2026-001" and request_id_of("CP 2026-002") == "CP 2026-002"
    spaced = f"CP 2026-001 legis-{uuid.uuid4().hex}"  # no request ID has a space: not one the client made
    assert request_id_of(spaced) == spaced and request_id_of(" legis-" + "a" * 32) == " legis-" + "a" * 32


def test_a_request_id_longer_than_an_idempotency_key_is_refused_naming_request_id():
    """Found by a breaker: a raw Temporal client's update ID of 1,000 characters was remembered whole, 256 of them across
    runs, and the largest state passed its 1 MB bound."""
    request = core_request()
    state = core_state(request, at=Stage.POLICY_PROPOSAL)
    message = decision(request, Stage.POLICY_PROPOSAL)
    draft.validate(draft.DECIDE, state, message, NOW, "d" * 200)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, message, NOW, "d" * 201)
    assert (refused.value.field, refused.value.rule) == ("request_id", "string_too_long")
    assert "at most 200 characters" in refused.value.message and "this one has 201" in refused.value.message


async def test_a_raw_client_s_long_update_id_is_refused_and_nothing_is_applied(time_skipping_env, ts_worker):
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request()
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=ts_worker)
        handle = drafts.draft(client, request.submission_id)
        await drafts.decide(client, request.submission_id, decision(request, Stage.POLICY_PROPOSAL))  # once its rulebook is pinned
        calendar = SessionCalendar(sessions=(request.target_session,), changed_by="VPQH")
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update("calendar_changed", calendar, id="dms-" + "7" * 996, result_type=Receipt)
        assert refusal_of(failed.value) == ("request_id", "string_too_long")
        assert await handle.query(DraftLawWorkflow.request, "dms-" + "7" * 996) is None
