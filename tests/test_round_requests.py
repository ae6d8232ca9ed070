"""A round's request IDs (`workflows.round_requests`), without a server: the update ID a key and a message make, and a
key taken before with another message refused."""

from __future__ import annotations

import pytest

from schemas.refusal import RefusalKind, Refused
from tests.drafts import opinion
from workflows.round_requests import CLI_CALLER, REMEMBERED, RoundRequests, sent_before, update_id


def test_the_update_id_is_the_callers_and_the_keys_and_follows_the_message():
    first, again, other = (update_id(CLI_CALLER, "dms:1", m) for m in (opinion("BTC", "1"), opinion("BTC", "1"), opinion("BNV", "1")))
    assert first == again and first.startswith("cli:dms:1:") and len(first) == len("cli:dms:1:") + 16
    assert other != first and other.startswith("cli:dms:1:")
    assert update_id("0123456789ab", "dms:1", opinion("BTC", "1")) != first  # another caller's same key
    assert update_id(CLI_CALLER, None, opinion("BTC", "1")) is None


def test_a_key_taken_before_with_another_message_is_refused_the_same_message_and_other_keys_are_not():
    requests, taken = RoundRequests(), update_id(CLI_CALLER, "k:with:colons", opinion("BTC", "1"))
    requests.check(taken)
    requests.remember(taken)
    requests.check(taken)  # Temporal answers it before the round's code; were it asked, it is the same message
    requests.check(update_id(CLI_CALLER, "k:with", opinion("BNV", "1")))  # a key that is the first's prefix is another
    requests.check(update_id("0123456789ab", "k:with:colons", opinion("BNV", "1")))
    with pytest.raises(Refused) as refused:
        requests.check(update_id(CLI_CALLER, "k:with:colons", opinion("BNV", "1")))
    assert (refused.value.field, refused.value.rule, refused.value.kind) == ("request_id", "idempotency_key_reused", RefusalKind.INVALID)
    assert "request ID 'k:with:colons' was taken with another message" in refused.value.message


def test_update_ids_without_a_key_are_not_remembered_and_the_oldest_key_is_forgotten_past_the_bound():
    requests = RoundRequests()
    # A raw Temporal client's own IDs, whatever their shape, are not a caller's keys (found by a breaker).
    for raw in (None, "5f0c9a1e-uuid-of-temporal", "no-digest:here", "dms:batch-7:0000000000000001", "0123456789AB:k:0000000000000001"):
        requests.remember(raw)
    for raw in (None, "5f0c9a1e-uuid-of-temporal", "dms:batch-7:0000000000000002", "0123456789AB:k:0000000000000002"):
        requests.check(raw)
    for n in range(REMEMBERED + 1):
        requests.remember(update_id(CLI_CALLER, f"k{n}", opinion("BTC", str(n))))
    requests.check(update_id(CLI_CALLER, "k0", opinion("BNV", "x")))  # forgotten: taken as new, as the draft's window does
    with pytest.raises(Refused):
        requests.check(update_id(CLI_CALLER, "k1", opinion("BNV", "x")))


def test_the_update_ids_of_the_releases_before_are_the_tokens_id_with_and_without_the_digest():
    sent = opinion("BTC", "1")
    assert sent_before("0123456789ab", "dms:7", sent) == (update_id("0123456789ab", "dms:7", sent), "0123456789ab:dms:7")
    assert update_id("0123456789ab", "dms:7", sent).startswith("0123456789ab:dms:7:")
    assert sent_before("0123456789ab", None, sent) == ()
