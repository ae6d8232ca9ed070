"""A page's path names a draft and a round by the API's patterns: a path part no draft or round can have (longer than
any ID, a NUL in it) is the page's "not found", before anything reads or acts on it (found by a breaker: the pages cut an
ID to 64 characters and acted on the draft that was left, a decision applied, a comment taken; a NUL reached the
database, a 500 that anyone could cause on the public pages)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from schemas.enums import CallerRole, Stage
from tests.drafts import decision, start_request
from tests.http_api import bearer, body, problem
from tests.test_board_forms import app_client, posted_round, token_of
from tests.test_board_pages import signed_in
from workers.settings import Settings
from workers.worker import create_worker
from workflows import client as drafts


@contextlib.asynccontextmanager
async def app_over(client, pool) -> AsyncIterator[httpx.AsyncClient]:
    task_queue = f"api-{uuid.uuid4().hex[:8]}"
    settings = Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none")
    async with create_worker(client, pool, task_queue=task_queue):
        app = create_app(client=client, pool=pool, task_queue=task_queue, settings=settings)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.43", 50000), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://legis.test") as http:
            yield http


async def test_an_inbox_decision_to_a_path_longer_than_any_id_is_refused_not_applied_to_its_first_64_characters(dev_env, pool):
    async with app_over(dev_env.client, pool) as http:
        request = start_request(ministry="BGDDT").model_copy(update={"submission_id": f"S40-{uuid.uuid4().hex}".ljust(64, "0")})
        sid = request.submission_id
        assert len(sid) == 64
        lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        approval = decision(request, Stage.POLICY_PROPOSAL)
        # The API refuses the longer path as it is: no such submission ID can exist.
        government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
        problem(await http.post(f"/v1/submissions/{sid}-X/decisions", json=body(approval), headers=government), 422, "path_pattern", "submission_id")

        await signed_in(http, pool, agency="CP", role=CallerRole.GOVERNMENT)
        form = {"csrftoken": token_of(await http.get("/board/inbox")), "stage": approval.stage.value, "outcome": approval.outcome.value,
                "role": approval.role.value, "official": approval.official,
                "documents": "\n".join(f"{d.kind.value} | {d.name} | {d.sha256}" for d in approval.documents)}
        answer = await http.post(f"/board/inbox/{sid}-X", data=form)
        status = await drafts.status(dev_env.client, sid)
    assert status.stage is Stage.POLICY_PROPOSAL, f"the decision sent to {sid}-X was applied to {sid}: it stands at {status.stage}"
    assert answer.status_code == 404, answer.status_code


async def test_a_public_comment_sent_to_a_path_longer_than_any_id_is_not_taken_by_the_round_of_its_first_64_characters(pool):
    """The public page's form likewise: a comment sent to `/public/<64 characters>-X/cong-khai` is taken by the round of
    the draft `<64 characters>` (and its page shown for the longer path), where the JSON route refuses the path."""
    sid = f"S40-{uuid.uuid4().hex}".ljust(64, "0")
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', '16-2', 'DRAFTING', now(), false, 1)",
                       sid, f"draft-law-{sid}")
    await pool.execute("INSERT INTO public_rounds (submission_id, round_id, lead_ministry, opened_at, closes_at) "
                       "VALUES ($1, 'cong-khai', 'BGDDT', now(), now() + interval '1 day')", sid)
    async with app_client(pool, address="127.0.0.44") as http:
        problem(await http.post(f"/v1/public/consultations/{sid}-X/cong-khai/comments", json={"text": "Ý kiến."}), 422, "path_pattern",
                "submission_id")
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        answer = await http.post(f"/public/{sid}-X/cong-khai", data={"text": "Đề nghị làm rõ Điều 3.", "article": "3", "csrftoken": token})
    taken = await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1", sid)
    assert taken == 0 and answer.status_code == 404, (taken, answer.status_code, answer.headers.get("location"))


def answering(pool) -> httpx.AsyncClient:
    """The app as a server runs it: a failure of its own is answered (500), not raised into the test."""
    settings = Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none", public_comment_rate="none")
    transport = httpx.ASGITransport(app=create_app(pool=pool, settings=settings), client=("127.0.0.40", 50000), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://legis.test")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", ["/public/{sid}%00/cong-khai", "/public/{sid}/cong-khai%00", "/public/x%00/y"])
async def test_a_nul_in_a_public_pages_path_is_not_found_not_a_server_failure(pool, method, path):
    sid = await posted_round(pool, "S40NUL")
    async with answering(pool) as http:
        assert (await http.get(f"/public/{sid}/cong-khai")).status_code == 200  # the round's page itself answers
        answer = await http.request(method, path.format(sid=sid))
    assert answer.status_code == 404, (answer.status_code, answer.text[:300])


async def test_a_nul_in_a_public_comment_forms_path_is_refused_on_a_page_not_a_server_failure(pool):
    sid = await posted_round(pool, "S40NUL")
    async with answering(pool) as http:
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        answer = await http.post(f"/public/{sid}%00/cong-khai", data={"text": "Đề nghị làm rõ Điều 3.", "article": "3", "csrftoken": token})
    assert answer.status_code == 404, (answer.status_code, answer.text[:300])


async def test_a_nul_in_a_boards_draft_path_is_not_found_not_a_server_failure(pool):
    sid = await posted_round(pool, "S40NUL")
    async with answering(pool) as http:
        await signed_in(http, pool)
        assert (await http.get(f"/board/drafts/{sid}")).status_code == 200
        answer = await http.get(f"/board/drafts/{sid}%00")
    assert answer.status_code == 404, (answer.status_code, answer.text[:300])


async def test_a_public_address_typed_in_another_letter_case_goes_to_its_round(pool):
    """Found by a public trial: `/public/bgddt-.../CONG-KHAI` was a bare "not found", where the API names the ID it meant.
    The one round whose IDs differ in letter case alone is where the address goes, its query kept; another is not found."""
    sid = await posted_round(pool, "CASE")
    async with app_client(pool) as http:
        moved = await http.get(f"/public/{sid.lower()}/CONG-KHAI", params={"received": "3"})
        assert (moved.status_code, moved.headers["location"]) == (308, f"/public/{sid}/cong-khai?received=3")
        assert (await http.get(moved.headers["location"])).status_code == 200
        assert (await http.get(f"/public/{sid.lower()}x/cong-khai")).status_code == 404


async def test_a_round_the_public_may_not_read_is_not_found_never_sent_to_itself(pool):
    """Found by a breaker: a round row of a draft the public lists no round of (classified) was found again by its own
    IDs, whatever their case: its address would have gone to itself for ever. Not found, in any case."""
    sid = await posted_round(pool, "HIDDEN")
    await pool.execute("UPDATE submissions SET classified = true WHERE submission_id = $1", sid)
    async with app_client(pool) as http:
        for path in (f"/public/{sid}/cong-khai", f"/public/{sid.lower()}/cong-khai"):
            assert (await http.get(path)).status_code == 404, path
