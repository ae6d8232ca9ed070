"""The `legis` command run in a process forked from one that has already imported it.

Starting `legis` costs about a second and a half of CPU, nearly all of it importing (temporalio, the schemas' models,
typer); the CLI tests run it hundreds of times. A multiprocessing fork server imports `cli.main` once, and each command
runs in a child forked from it: a process of its own, with the test's arguments, environment, standard input and
standard output and error, leaving through `cli.main.main` as the installed command does.

What a fork does not redo is the interpreter's start and the import: a command whose environment sets what the
interpreter reads then (PYTHON*, LC_*, LANG: the streams' encoding) or what its consoles read when built (`CONSOLE_SETTINGS`,
which the fork server imports without, its output not a terminal: `tests.cli_fork_server`) runs the installed command
instead, and so do the tests of the command as installed (`tests/test_walkthrough.py`, `tests/test_dev_stack.py`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

# What rich reads when `cli.output` builds its consoles, at import, that can change what a command prints to a pipe (a
# terminal forced, colours): the fork server imports it without them. The rest (TERM, COLUMNS) counts only on a terminal.
CONSOLE_SETTINGS = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")

_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["tests.cli_fork_server"])


def _read_at_start(name: str) -> bool:
    return name.startswith(("PYTHON", "LC_")) or name == "LANG"


def forkable(env: dict[str, str]) -> bool:
    """Whether a command with `env` behaves forked as it does started anew: the interpreter's own settings are this
    process's (the fork server's, which it started with), and the env sets nothing its consoles read when built."""
    same_interpreter = {k: v for k, v in env.items() if _read_at_start(k)} == {k: v for k, v in os.environ.items() if _read_at_start(k)}
    return same_interpreter and not any(name in env for name in CONSOLE_SETTINGS)


def _command(argv: list[str], env: dict[str, str], stdin: str, stdout: str, stderr: str) -> None:
    os.environ.clear()
    os.environ.update(env)
    for fd, path, flags in ((0, stdin, os.O_RDONLY), (1, stdout, os.O_WRONLY), (2, stderr, os.O_WRONLY)):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    # multiprocessing gave the child the null device as standard input; the command reads the test's.
    sys.stdin = open(0, encoding=sys.stdout.encoding, closefd=False)  # noqa: SIM115 (the process's stream, open until it ends)
    sys.argv = ["legis", *argv]
    from cli.main import main

    main()


async def run(argv: tuple[str, ...], env: dict[str, str], stdin: bytes | None) -> tuple[int, bytes, bytes]:
    """(exit code, standard output, standard error) of `legis argv` run forked with `env` and `stdin`."""
    loop = asyncio.get_running_loop()
    with tempfile.TemporaryDirectory(prefix="legis-fork-") as folder:
        files = Path(folder)
        (files / "in").write_bytes(stdin or b"")
        for name in ("out", "err"):
            (files / name).touch()
        child = _FORKS.Process(target=_command, args=(list(argv), env, *(str(files / name) for name in ("in", "out", "err"))))
        child.start()
        ended = loop.create_future()
        loop.add_reader(child.sentinel, lambda: ended.done() or ended.set_result(None))
        try:
            await ended
        finally:
            loop.remove_reader(child.sentinel)
            if child.exitcode is None:  # the test was cancelled: so is its command
                child.kill()
            child.join()
        return child.exitcode, (files / "out").read_bytes(), (files / "err").read_bytes()
