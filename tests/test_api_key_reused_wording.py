"""A key another caller used on the same draft with another message: the refusal an HTTP caller gets must tell it to
change its Idempotency-Key, not "send a new request ID" (which over HTTP reads as X-Request-ID, and changing that does
not help: the same key is refused again).

Found by an upstream system's trial: the lead ministry files its dossier under key K; the Government's system sends
a decision under the same K; the answer is 422 idempotency_key_reused, field Idempotency-Key, detail "request K was
applied with another message; send a new request ID" (the draft's own wording, `workflows/draft.py`), while the API's
own store says "the key 'K' was used for another request; send this one with a new key"."""
from __future__ import annotations

from schemas.enums import CallerRole, Stage
from tests.drafts import decision, draft_text
from tests.http_api import bearer, body, problem, started_at_drafting


async def test_the_drafts_key_refusal_names_the_key_to_change(api, pool):
    request, lead = await started_at_drafting(api, pool)
    key = {"Idempotency-Key": f"shared-{request.submission_id}"}
    path = f"/v1/submissions/{request.submission_id}"
    filed = await api.post(f"{path}/dossier", json=body(draft_text(request)), headers=lead | key)
    assert filed.status_code == 200, filed.text
    moj = await bearer(pool, "BTP", CallerRole.MOJ)
    # Another caller (its own key store), another message, the same key: the draft refuses it.
    other = body(decision(request, Stage.APPRAISAL))
    answer = problem(await api.post(f"{path}/decisions", json=other, headers=moj | key), 422, "idempotency_key_reused",
                     "Idempotency-Key")
    assert "request ID" not in answer["detail"], answer
    assert "key" in answer["detail"].lower(), answer
