"""What `legis` prints: tables for people, JSON for scripts, and one way to write time.

Time: a day is a Ha Noi date (2027-01-20); an instant is ISO 8601 in Ha Noi time with its offset
(2026-11-30T19:21:24+07:00), in tables and JSON alike.

Nothing a script reads is cut or wrapped: when standard output is not a terminal, tables are laid out
at their natural width whatever COLUMNS says, and JSON is written as it is. In a terminal too narrow for
a table's rows (an 80-column window and the eleven columns of a history), each row is printed as a
block of "column: value" lines instead, so that no code, name or ID is broken over lines. Text that the terminal's
encoding cannot show is replaced (JSON is escaped instead, so it stays exact): printing must never fail
after a draft has applied a message.
"""

from __future__ import annotations

import codecs
import json
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TextIO, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.failures import Invalid
from workflows.deadlines import VIETNAM, local_day, start_of
from workflows.sessions import last_day_of

T = TypeVar("T")

# Wide enough for any row a table of ours holds: piped output is never folded.
_UNBOUNDED = 1_000_000


def _console(stream: Any, *, stderr: bool = False) -> Console:
    # No markup: titles, names and sources hold brackets ("[check: ...]") that are text, not styles.
    return Console(stderr=stderr, soft_wrap=True, width=None if stream.isatty() else _UNBOUNDED, highlight=False, markup=False)


def tolerant_streams() -> None:
    """Characters the terminal's encoding lacks become '?' instead of failing the command, and a reader that stops
    early (`| head -1`) does not change its exit code."""
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="replace")
    sys.stdout = _ReaderMayLeave(sys.stdout)


class _ReaderMayLeave:
    """Standard output whose reader may close it early: what is written after that goes to the null device. Without
    this, typer (as click) answers the broken pipe with exit code 1, which a script reads as "not applied" after a draft applied
    the message."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._left()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._left()

    def _left(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, self._stream.fileno())
        os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


out = _console(sys.stdout)
err = _console(sys.stderr, stderr=True)


class Format(str, Enum):
    TABLE = "table"
    JSON = "json"


class _Chosen:
    """The format this command's options chose; its failures answer in it too."""

    format = Format.TABLE


Output = Annotated[Format, typer.Option("--output", help="table for people, json for scripts")]
AsJson = Annotated[bool, typer.Option("--json", help="the same as --output json")]


def choose(output: Format, as_json: bool) -> None:
    _Chosen.format = Format.JSON if as_json else output


def wants_json() -> bool:
    return _Chosen.format is Format.JSON


def examples(*lines: str) -> str:
    """A command's help epilog: the command lines, one paragraph each so that help keeps them apart, a long one on
    shell continuation lines that fit an 80-column terminal (found by a fresh-user trial: wrapped by the terminal, the
    first line copied was half a command)."""
    return "[bold]Examples[/bold]\n\n" + "\n\n".join(_continued(line) for line in lines)


def _continued(line: str, width: int = 72) -> str:
    """`line` broken at spaces outside quotes into lines of at most `width` characters where it can be, each but the
    last ending in " \\", the others indented."""
    lexer = shlex.shlex(line, posix=False)
    lexer.whitespace_split, lexer.commenters = True, ""
    words = list(lexer)
    folded = [words[0]]
    for word in words[1:]:
        if len(folded[-1]) + len(word) + 3 > width:
            folded.append(f"    {word}")
        else:
            folded[-1] += f" {word}"
    return " \\\n".join(folded)


def warn(said: str | None) -> None:
    """A warning on standard error (said, not refused; the command's output stays as it is), nothing for None."""
    if said is not None:
        err.print(Text.assemble(("warning", "yellow"), f" {said}"))


def cut_at(rows: list[T], limit: int, left_out: str) -> list[T]:
    """The first `limit` of `rows` (fetched one more than `limit`), warning when more matched, saying which were
    `left_out` (found by a new user: a list stopped at its limit and said nothing, read as all there was)."""
    if len(rows) > limit:
        warn(f"the first {limit:,} shown; more match, {left_out}: give --limit N (up to 10,000), or narrow the filters")
    return rows[:limit]


def instant(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def day(value: date) -> str:
    return value.isoformat()


def overdue_by(deadline: date) -> str:
    """" (OVERDUE, 7 days late)" for a deadline whose last day (Ha Noi) has passed: by how much, not only that
    (found by a National Assembly Office's trial)."""
    late = (local_day(datetime.now(UTC)) - deadline).days
    return f" (OVERDUE, {late} day{'s' if late != 1 else ''} late)" if late > 0 else " (OVERDUE)"


def window_end(closes_at: datetime) -> str:
    """A round's window end as an official reads it: at midnight in Ha Noi, the end of its last day (found by an operator's
    trial: "2026-12-23T00:00:00+07:00" read as the 23rd, where the 22nd is the last day), else the instant."""
    last = last_day_of(closes_at)
    return f"at the end of {day(last)} (Ha Noi)" if closes_at == start_of(last + timedelta(days=1)) else instant(closes_at)


def plain(value: Any) -> Any:
    """A value as JSON carries it, with instants written in Ha Noi time."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="python"))
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _unicode_out(stream: Any) -> bool:
    return codecs.lookup(stream.encoding or "ascii").name.startswith("utf")


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(plain(value), indent=2, ensure_ascii=not _unicode_out(sys.stdout)) + "\n")


def table(title: str | None, *columns: str, header: bool = True, numbers: tuple[str, ...] = ()) -> Table:
    """A table whose cells fold rather than lose characters when a terminal is too narrow for it; the columns named in
    `numbers` are aligned right, as figures are read."""
    shown = Table(title=title, show_header=header, title_justify="left")
    for column in columns:
        shown.add_column(column, overflow="fold", justify="right" if column in numbers else "left")
    return shown


def print_table(shown: Table, console: Console | None = None) -> None:
    """Print a table as it is when the terminal is wide enough for its rows unbroken; otherwise each row as a block: its
    first cell after its column's name, then "  column: value" for each other cell that holds something; a table of no
    row as one line, its title and "none"."""
    console = console or out
    if not shown.row_count:
        # A sentence, not an empty frame (found by a trial), naming what was listed.
        console.print(f"{shown.title}: none" if shown.title else "none")
        return
    # Measured without the terminal's bound, which a measurement is otherwise clamped to.
    if console.measure(shown, options=console.options.update_width(_UNBOUNDED)).maximum <= console.width:
        console.print(shown)
        return
    if shown.title:
        console.print(str(shown.title))
    columns = [(str(column.header), [str(cell).replace("\n", "\n    ") for cell in column.cells]) for column in shown.columns]
    for number in range(shown.row_count):
        (first, cells), *others = columns
        console.print("")
        console.print(f"{first} {cells[number]}" if shown.show_header else cells[number])
        for header, values in others:
            if values[number]:
                console.print(f"  {header}: {values[number]}" if shown.show_header else f"  {values[number]}")


def pairs(title: str | None, rows: list[tuple[str, str]]) -> Table:
    """A two-column table of names and values."""
    shown = table(title, "name", "value", header=False)
    for name, value in rows:
        shown.add_row(name, value)
    return shown


@contextmanager
def written(path: Path, field: str, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """The file a command writes (`--output`, `--csv`, `consult export`'s FILE), opened for text in `encoding`. A path that
    cannot be written (a folder, a folder that does not exist, no permission) is refused naming the field, exit code 2,
    never a traceback."""
    try:
        handle = open(path, "w", newline="", encoding=encoding)  # noqa: SIM115 (closed by the with below)
    except OSError as refused:
        raise Invalid(f"{field}: cannot write {path}: {refused.strerror or refused}", field=field, rule="writable_path") from None
    with handle:
        yield handle
