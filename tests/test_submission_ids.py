"""A submission ID names one draft whatever its letters' case: a start whose ID differs from one the registry holds only
in case is refused before anything starts (`activities.rulebook.check_start`, which the API and the CLI ask), naming
the ID taken, whether the registry holds it or a start claimed it. Against a real PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from activities.database import create_pool
from activities.rulebook import check_start
from api.deps import HINT_SECONDS
from schemas.enums import CallerRole
from schemas.refusal import RefusalKind, Refused
from tests.drafts import start_request
from tests.http_api import api_client, bearer
from tests.polling import eventually


async def registered(pool, submission_id: str, ministry: str) -> None:
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq, responsible) VALUES ($1, $2, 't', $3, 'LAW_2025', '16-2', 'DRAFTING', now(), false, "
                       "3, $3)", submission_id, f"draft-law-{submission_id}", ministry)


@pytest.mark.parametrize("written", ["upper", "lower", "swapcase"])
async def test_an_id_differing_only_in_case_is_refused_naming_the_one_held(pool, written):
    held = start_request(prefix="Bgddt")
    await registered(pool, held.submission_id, held.lead_ministry)
    again = held.model_copy(update={"submission_id": getattr(held.submission_id, written)()})
    with pytest.raises(Refused) as refused:
        await check_start(pool, again, datetime.now(UTC))
    assert (refused.value.field, refused.value.rule, refused.value.kind) == ("submission_id", "submission_id_case", RefusalKind.CONFLICT)
    assert f"submission ID {held.submission_id} is taken" in refused.value.message and f"use {held.submission_id} for that draft" in refused.value.message
    # The ID held itself, and any other, are checked as before: nothing here refuses them.
    await check_start(pool, held, datetime.now(UTC))
    await check_start(pool, start_request(prefix="Bgddt"), datetime.now(UTC))


async def test_of_two_starts_close_together_the_second_is_refused(pool):
    """Found by a breaker: the registry row is written by a draft's first task, so a second start checked before it (two
    starts close together, a worker behind) passed. A start that passes claims its ID."""
    first = start_request(prefix="Bgddt")
    await check_start(pool, first, datetime.now(UTC))
    with pytest.raises(Refused) as refused:
        await check_start(pool, first.model_copy(update={"submission_id": first.submission_id.upper()}), datetime.now(UTC))
    assert refused.value.rule == "submission_id_case" and first.submission_id in refused.value.message
    await check_start(pool, first, datetime.now(UTC))  # the same ID again, as a retry of the start sends it


async def test_legis_start_refuses_an_id_differing_only_in_case(cli, fresh_database_url, tmp_path):
    """Through the CLI, on a real Temporal server: the draft started, a start of its ID in small letters is refused with
    exit 3, and starts nothing."""
    request = start_request(prefix="BGDDT")
    (tmp_path / "start.json").write_text(request.model_dump_json(), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start.json"))
    assert code == 0, err
    connection = await asyncpg.connect(fresh_database_url)
    try:
        await eventually(lambda: connection.fetchval("SELECT count(*) FROM submissions"), lambda rows: rows == 1)
        lowered = request.model_copy(update={"submission_id": request.submission_id.lower()})
        (tmp_path / "lowered.json").write_text(lowered.model_dump_json(), encoding="utf-8")
        code, _, err = await cli("start", str(tmp_path / "lowered.json"))
        assert code == 3 and f"use {request.submission_id} for that draft" in err and "(rule: submission_id_case)" in err, err
        for command in ("status", "history", "versions"):  # history and versions from the audit trail, as status from Temporal
            code, _, err = await cli(command, lowered.submission_id)
            assert code == 4 and f"{request.submission_id} differs from it only in letter case" in err, (command, err)  # nothing started
        assert await connection.fetchval("SELECT count(*) FROM submissions") == 1
    finally:
        await connection.close()


async def test_an_id_asked_in_other_case_is_answered_with_the_draft_it_names(dev_env, pool):
    """Found by a new user: `GET /v1/submissions/bgddt-...` answered only "no such draft" for BGDDT-...'s draft; the 404
    names it, for a reader who may see it (a classified draft's own ministry only)."""
    shown, hidden = start_request(prefix="BGDDT"), start_request(prefix="BGDDT", classified=True)
    async with api_client(dev_env.client, pool) as api:
        lead = await bearer(pool, shown.lead_ministry, CallerRole.LEAD_MINISTRY)  # both drafts' lead ministry
        for request in (shown, hidden):
            assert (await api.post("/v1/submissions", json=request.model_dump(mode="json"), headers=lead)).status_code == 201
            await eventually(lambda r=request: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = $1", r.submission_id),
                             lambda rows: rows == 1)
        other = await bearer(pool, "BTP", CallerRole.LEAD_MINISTRY)
        for request, reader, named in ((shown, other, True), (hidden, other, False), (hidden, lead, True)):
            answer = await api.get(f"/v1/submissions/{request.submission_id.lower()}", headers=reader)
            assert answer.status_code == 404 and answer.json()["rule"] == "draft_unknown", answer.text
            assert (f"{request.submission_id} differs from it only in letter case" in answer.json()["detail"]) is named, answer.text


async def test_another_agencys_classified_draft_is_never_named(pool):
    """Found by a breaker: a start in other letter case named the classified draft of another agency whose ID it took
    (a read of it names nothing); the starter is told only that an ID is taken. Its own ministry is told which."""
    secret = start_request(prefix="Bgddt", classified=True)
    await check_start(pool, secret, datetime.now(UTC))  # claimed, before any registry row
    for ministry, named in (("BTP", False), (secret.lead_ministry, True)):
        guess = secret.model_copy(update={"submission_id": secret.submission_id.upper(), "lead_ministry": ministry})
        with pytest.raises(Refused) as refused:
            await check_start(pool, guess, datetime.now(UTC))
        assert refused.value.rule == "submission_id_case" and (secret.submission_id in refused.value.message) is named, refused.value.message


async def test_an_unknown_draft_is_answered_while_the_registry_is_locked(dev_env, fresh_database_url):
    """Found by a breaker: the 404's hint waited for the registry as long as for Temporal (30 s) when a migration held
    its table; it waits `HINT_SECONDS`, then answers the plain 404."""
    own = await create_pool(fresh_database_url)
    try:
        async with api_client(dev_env.client, own, worker=False) as api:
            reader = await bearer(own, "BTP", CallerRole.LEAD_MINISTRY)
            async with own.acquire() as locker, locker.transaction():
                await locker.execute("LOCK TABLE submissions IN ACCESS EXCLUSIVE MODE")
                async with asyncio.timeout(HINT_SECONDS * 4):
                    answer = await api.get("/v1/submissions/NOPE-LAW_2025-0000000000", headers=reader)
            assert answer.status_code == 404 and answer.json()["rule"] == "draft_unknown", answer.text
    finally:
        await own.close()
