"""A call's update ID and the request ID the draft reads from it (`draft.update_id_for`, `draft.request_id_of`): every
request ID comes back whole from its nonced update ID, and any other update ID is the request ID as it is (found by a
breaker: another Temporal client's update IDs "CP 2026-001" and "CP 2026-002" were both read as "CP", the second refused
`idempotency_key_reused`, and a history recorded with such IDs would have replayed differently)."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from schemas.messages import RequestId
from workflows.draft import request_id_of, update_id_for

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
