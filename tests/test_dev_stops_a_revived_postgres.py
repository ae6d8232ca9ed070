"""Found by a breaker of a draft's long life: the embedded PostgreSQL stopped while `legis dev` runs, then a `legis`
command that reads the database (`legis history`) starts it again for itself (README: "uses the data folder's embedded
PostgreSQL: the one `legis dev` runs, else one it starts for itself and stops when it ends"). The command ends without
stopping it, the worker uses it, and Ctrl-C of `legis dev` ("stops all of it", its last line `legis dev stopped`) leaves
that PostgreSQL running: a server of the data folder that nothing stops, until another `legis dev` adopts it."""

from __future__ import annotations

import asyncio
import signal
import uuid

import psutil

from tests.drafts import example_text
from tests.stack import kill_left, legis, postgres_of, stack_env, stack_processes, start_stack, still_running, stop_stack


async def test_ctrl_c_stops_a_postgres_a_command_started_again_while_legis_dev_ran(tmp_path):
    data_dir = tmp_path / "data"
    env = stack_env(data_dir)
    sid = f"DEV-{uuid.uuid4().hex[:8]}"
    request = tmp_path / "start.json"
    request.write_text(example_text("start-request.json").replace("BGDDT-2026-017", sid), encoding="utf-8")
    process, _ = await start_stack(env)
    ours = stack_processes(process, data_dir)
    try:
        assert (await legis(env, "start", str(request)))[0] == 0
        for _ in range(30):  # the start's audit write reaches PostgreSQL
            if (await legis(env, "history", sid))[0] == 0:
                break
            await asyncio.sleep(1)
        server = int((data_dir / "postgres" / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        psutil.Process(server).send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown, as an operator's pg_ctl stop
        assert not await still_running([psutil.Process(server)], within=15)
        code, out = await legis(env, "history", sid)
        assert code == 0, out
        revived = postgres_of(data_dir)
        ours += revived
        assert revived, "the command did not start the data folder's PostgreSQL"
        said = await stop_stack(process, env)  # asserts that nothing of the stack, its PostgreSQL included, is left
        assert "legis dev stopped" in said.strip().splitlines()[-1]
        left = await still_running(postgres_of(data_dir), within=5)
        assert not left, f"`legis dev stopped`, but the data folder's PostgreSQL runs on: {[p.pid for p in left]}"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            await process.wait()
        kill_left(ours + postgres_of(data_dir))
