"""Workflow code stays deterministic, and the worker's sandbox costs what it must.

The project's modules are passed through the workflow sandbox and its builtins restriction is left out
(`workers.worker.sandbox_runner`): what the sandbox would have refused at run time in them (`open`, `input`,
`breakpoint`), and what it never saw there (clocks, randomness, the environment), is refused here, in their text.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import uuid
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workers.worker import sandbox_runner

ROOT = Path(__file__).resolve().parent.parent
# Run by callers (the CLI, the API, the benchmark), never inside a workflow.
OUTSIDE_WORKFLOWS = {"client.py"}
# Functions of workflow modules that run outside workflows: the codec seals payloads in the client and the worker
# (its payload converter and refusals, which do run in workflows, are checked), and `legis keys` makes new keys.
RUN_OUTSIDE = {"codec.py": {"seal", "new_key_entry"}}
WORKFLOW_CODE = sorted([*(p for p in (ROOT / "workflows").glob("*.py") if p.name not in OUTSIDE_WORKFLOWS), *(ROOT / "schemas").glob("*.py")])
REFUSED_BUILTINS = {"open", "input", "breakpoint", "__import__"}
REFUSED_MODULES = {"random", "secrets", "time", "threading", "socket", "subprocess", "io", "builtins"}
# Named anywhere (called, passed as a default factory, imported by name) on a module or a class the code imported
# (`workflow.now` and `workflow.uuid4` are deterministic; a draft's own `now` is the time it was given).
REFUSED_NAMES = {"now", "utcnow", "today", "uuid1", "uuid4", "uuid7", "urandom", "getenv", "environ"}
DETERMINISTIC = {"workflow"}


def refused_calls(source: str, run_outside: frozenset[str] = frozenset()) -> list[str]:
    """What in `source` a workflow may not do, each as `line: what`; the functions named in `run_outside` are skipped.
    An import inside a function is refused too: at run time it goes through the sandbox's importer, which hands out
    restricted proxies of modules such as `datetime` and `os`."""
    found: list[str] = []
    tree = ast.parse(source)
    imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name in run_outside:
                return
            in_function = True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFUSED_BUILTINS:
            found.append(f"{node.lineno}: {node.func.id}()")
        elif isinstance(node, ast.Attribute) and node.attr in REFUSED_NAMES and _root(node) in imported - DETERMINISTIC:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Import | ast.ImportFrom) and in_function:
            found.append(f"{node.lineno}: an import inside a function")
        elif isinstance(node, ast.Import):
            found.extend(f"{node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] in REFUSED_MODULES)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in REFUSED_MODULES:
            found.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.ImportFrom):
            found.extend(f"{node.lineno}: from {node.module} import {a.name}" for a in node.names if a.name in REFUSED_NAMES)
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def test_the_workflow_code_calls_no_clock_randomness_file_or_environment():
    assert len(WORKFLOW_CODE) > 30  # the packages were found
    refused = {p.relative_to(ROOT).as_posix(): calls for p in WORKFLOW_CODE
               if (calls := refused_calls(p.read_text(), frozenset(RUN_OUTSIDE.get(p.name, ()))))}
    assert refused == {}


def test_the_check_finds_each_kind_of_call():
    source = """
import random
from time import monotonic
from datetime import datetime, date
import os, uuid
from uuid import uuid4
f = open("x")
input()
breakpoint()
datetime.now()
date.today()
uuid.uuid4()
os.environ["X"]
workflow.now()
self.now, change.now, workflow.uuid4()
model = Field(default_factory=datetime.utcnow)
os.urandom(4), os.getenv("X"), uuid.uuid1(), uuid.uuid7(), __import__("random")
def later():
    import zoneinfo
def sealed():
    os.urandom(12)
import secrets, threading, socket, subprocess, io, builtins
"""
    assert refused_calls(source, frozenset({"sealed"})) == [
        "2: import random", "3: from time import ...", "6: from uuid import uuid4", "7: open()", "8: input()", "9: breakpoint()",
        "10: datetime.now", "11: date.today", "12: uuid.uuid4", "13: os.environ", "16: datetime.utcnow", "17: os.urandom", "17: os.getenv",
        "17: uuid.uuid1", "17: uuid.uuid7", "17: __import__()", "19: an import inside a function", "22: import secrets", "22: import threading",
        "22: import socket", "22: import subprocess", "22: import io", "22: import builtins"]


def test_the_check_skips_only_the_functions_that_run_outside_workflows():
    codec = (ROOT / "workflows" / "codec.py").read_text()
    assert refused_calls(codec, frozenset(RUN_OUTSIDE["codec.py"])) == []
    assert refused_calls(codec)  # what it skips is there


def test_the_sandbox_keeps_every_default_restriction_but_the_builtins():
    restrictions = sandbox_runner().restrictions
    default = SandboxRestrictions.default
    assert set(default.invalid_module_members.children) - set(restrictions.invalid_module_members.children) == {"__builtins__"}
    assert {"datetime", "random", "time", "os"} <= set(restrictions.invalid_module_members.children)
    assert restrictions.invalid_modules == default.invalid_modules
    assert dataclasses.replace(restrictions.invalid_module_members, children={}) == dataclasses.replace(default.invalid_module_members, children={})


@workflow.defn(sandboxed=True)
class BuiltinsSeen:
    @workflow.run
    async def run(self) -> str:
        return type(builtins.isinstance).__name__


# This module is passed through, as the project's workflow modules are (its imports would not load in the sandbox).
@pytest.mark.parametrize(("runner", "seen_as"), [
    (lambda: sandbox_runner("tests"), "builtin_function_or_method"),
    (lambda: SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules("tests")), "_ThreadLocalCallable"),
], ids=["workers' sandbox", "default sandbox"])
async def test_an_activation_leaves_the_process_builtins_as_they_are(dev_env, runner, seen_as):
    # The default sandbox replaces `isinstance` for the whole process during an activation (a Python wrapper around
    # every call, in every thread); the workers' sandbox does not.
    queue = f"tq-{uuid.uuid4().hex[:8]}"
    async with Worker(dev_env.client, task_queue=queue, workflows=[BuiltinsSeen], workflow_runner=runner()):
        seen = await dev_env.client.execute_workflow(BuiltinsSeen.run, id=f"builtins-{uuid.uuid4().hex}", task_queue=queue)
    assert seen == seen_as
