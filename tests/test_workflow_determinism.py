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
# Run by callers (the CLI, the API, the benchmark), never inside a workflow; the codec seals payloads outside it.
OUTSIDE_WORKFLOWS = {"client.py", "codec.py"}
WORKFLOW_CODE = sorted([*(p for p in (ROOT / "workflows").glob("*.py") if p.name not in OUTSIDE_WORKFLOWS), *(ROOT / "schemas").glob("*.py")])
REFUSED_BUILTINS = {"open", "input", "breakpoint"}
REFUSED_MODULES = {"random", "secrets", "time", "threading", "socket", "subprocess"}
# Called on anything but `workflow` (whose `now`, `random` and `uuid4` are deterministic).
REFUSED_METHODS = {"now", "utcnow", "today", "uuid1", "uuid4", "urandom", "getenv"}
REFUSED_ATTRIBUTES = {"environ"}


def refused_calls(source: str) -> list[str]:
    """What in `source` a workflow may not do, each as `line: what`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFUSED_BUILTINS:
            found.append(f"{node.lineno}: {node.func.id}()")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in REFUSED_METHODS:
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "workflow"):
                found.append(f"{node.lineno}: {ast.unparse(node.func)}()")
        elif isinstance(node, ast.Attribute) and node.attr in REFUSED_ATTRIBUTES:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] in REFUSED_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in REFUSED_MODULES:
            found.append(f"{node.lineno}: from {node.module} import ...")
    return found


def test_the_workflow_code_calls_no_clock_randomness_file_or_environment():
    assert len(WORKFLOW_CODE) > 30  # the packages were found
    refused = {p.relative_to(ROOT).as_posix(): calls for p in WORKFLOW_CODE if (calls := refused_calls(p.read_text()))}
    assert refused == {}


def test_the_check_finds_each_kind_of_call():
    source = """
import random
from time import monotonic
from datetime import datetime, date
import os
f = open("x")
input()
breakpoint()
datetime.now()
date.today()
uuid.uuid4()
os.environ["X"]
workflow.now()
workflow.uuid4()
"""
    assert refused_calls(source) == ["2: import random", "3: from time import ...", "6: open()", "7: input()", "8: breakpoint()",
                                     "9: datetime.now()", "10: date.today()", "11: uuid.uuid4()", "12: os.environ"]


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
