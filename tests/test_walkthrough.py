"""The README's "Five minutes" walkthrough, run as written: its bash block parsed from the README, each `legis`
command run against a `legis dev` of the test's own, and each line the README shows as output (a comment indented
under the command, `#    `) found in what the command printed. The commands run from a folder holding the
repository's examples (`schemas/examples`) with their sessions moved as far ahead of today as they were of the day
they were written, so that the walkthrough is checked on any day (the example aims at 16-2, opening 2027-05-20)."""

from __future__ import annotations

import asyncio
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from tests.drafts import sessions_moved_ahead
from tests.stack import LEGIS, stack_env, start_stack, stop_stack

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = "#    "
# Rich's table borders and rules: the README shows a table's words, not its drawing.
_DRAWING = re.compile(r"[\u2500-\u257f]")


@dataclass
class Step:
    command: str
    shown: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.shown) and self.shown[0].startswith("refused:")


def walkthrough(readme: str) -> list[Step]:
    """The commands of the first bash block under "## Five minutes", each with the output lines shown under it."""
    section = readme[readme.index("## Five minutes"):]
    block = section[section.index("```bash\n") + len("```bash\n"):]
    block = block[: block.index("```")]
    steps: list[Step] = []
    last: Step | None = None
    for line in block.splitlines():
        if line.startswith("legis "):
            last = Step(line)
            steps.append(last)
        elif line.startswith(OUTPUT) and last is not None:
            last.shown.append(line.removeprefix(OUTPUT).strip())
        else:
            last = None  # narration or a blank line: what follows belongs to no command
    return steps


def flat(text: str) -> str:
    return " ".join(_DRAWING.sub(" ", text).split())


def pattern(shown: str) -> re.Pattern[str]:
    """A README output line as a pattern: `...` stands for anything, whitespace for any run of it."""
    return re.compile(".*?".join(re.escape(flat(part)) for part in shown.split("...")))


def test_the_walkthrough_block_is_found_with_its_output_lines():
    steps = walkthrough((ROOT / "README.md").read_text(encoding="utf-8"))
    assert [s.command.split()[1] for s in steps][:3] == ["start", "status", "decide"]
    assert sum(bool(s.shown) for s in steps) >= 6 and any(s.refused for s in steps)
    assert any("--extend" in s.command for s in steps)


def examples_ahead(folder: Path) -> Path:
    """`folder` holding `schemas/examples` as the repository has them, their sessions moved ahead of today."""
    for source in (ROOT / "schemas" / "examples").glob("*.json"):
        copy = folder / "schemas" / "examples" / source.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(sessions_moved_ahead(source.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


async def run(env: dict[str, str], command: str, cwd: Path) -> tuple[int, str]:
    args = shlex.split(command)
    process = await asyncio.create_subprocess_exec(LEGIS, *args[1:], cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return process.returncode, out.decode()


async def test_the_readme_walkthrough_runs_as_written(tmp_path):
    steps = walkthrough((ROOT / "README.md").read_text(encoding="utf-8"))
    env = stack_env(tmp_path / "data")
    here = examples_ahead(tmp_path / "repository")
    process, _ = await start_stack(env)
    try:
        for step in steps:
            code, printed = await run(env, step.command, here)
            assert code == (3 if step.refused else 0), f"{step.command}\n{printed}"
            for shown in step.shown:
                assert pattern(shown).search(flat(printed)), f"{step.command}: the README shows\n  {shown}\nit printed:\n{printed}"
    finally:
        await stop_stack(process, env)
