"""A read of a draft that lands on a worker lacking its payload key (a worker of the deployment started with other
LEGIS_ENCRYPTION_KEYS) is the worker's failure, asked again, never a refusal that says the draft is final (found by a
breaker of processes)."""

from __future__ import annotations

import uuid

from schemas.enums import CallerRole, LawKind, Stage
from tests.drafts import start_request
from tests.http_api import api_client, bearer, problem
from tests.scenarios import BEFORE_ASSEMBLY, approve
from workers.worker import create_worker
from workflows import client as drafts
from workflows.codec import KeyRing, new_key_entry

ORDINANCE_PATH = [Stage.POLICY_PROPOSAL, *BEFORE_ASSEMBLY, Stage.PROMULGATION, Stage.PUBLICATION]


async def _lacking_the_key(dev_env):
    """A client (and so a worker made with it) whose key ring lacks the key the drafts were sealed with: a worker of the
    deployment started with another LEGIS_ENCRYPTION_KEYS."""
    return await drafts.connect(dev_env.client.service_client.config.target_host, keys=KeyRing.parse(new_key_entry("other")))


async def test_a_promulgated_drafts_status_read_through_a_worker_lacking_the_key_is_not_said_final_and_refused(dev_env, pool, cli):
    """A draft that ran to PROMULGATED answers its status (200). When a worker lacking its key picks up the read (a worker
    of the deployment misconfigured; with a good one beside it, every other read lands there), the API answered 409
    `draft_closed` "the draft is PROMULGATED; its record is final", a refusal of kind CLOSED, for a read that succeeds
    on the next try; `legis status` and `legis history` likewise (exit 3). README: a payload sealed with a key that is not
    configured "holds the draft's workflow task until the right key is there", and the API "then answers 503
    draft_task_failing" (Retry-After): a read of a finished draft must be 200, or 503 naming the worker, never a
    CLOSED refusal that tells the caller not to retry."""
    task_queue = f"keyless-{uuid.uuid4().hex[:8]}"
    request = start_request(law_kind=LawKind.ORDINANCE)
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
        await approve(dev_env.client, request, ORDINANCE_PATH)
        assert (await drafts.draft(dev_env.client, request.submission_id).result()).stage is Stage.PROMULGATED
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    path = f"/v1/submissions/{request.submission_id}"
    other = await _lacking_the_key(dev_env)
    async with api_client(dev_env.client, pool, worker=False) as api, create_worker(other, pool, task_queue=task_queue):
        for response in (await api.get(path, headers=operator), await api.get(f"{path}/history", headers=operator)):
            assert response.status_code != 409, response.text
            if response.status_code != 200:
                problem(response, 503, "draft_task_failing")
                assert response.headers["retry-after"]
        code, _, err = await cli("status", request.submission_id)
        assert code == 5 and "(rule: draft_task_failing)" in err and "record is final" not in err, (code, err)
