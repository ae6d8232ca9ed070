"""The worker warns when the workflow modules have no bytecode, which the sandbox would otherwise recompile per draft."""

import importlib.util
import os
import py_compile
import sys

from workers.worker import uncompiled


def _module(tmp_path, monkeypatch):
    source = tmp_path / "some_workflow.py"
    source.write_text("VALUE = 1\n")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    spec = importlib.util.spec_from_file_location("some_workflow", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return source, module


def test_a_module_without_bytecode_is_reported(tmp_path, monkeypatch):
    _, module = _module(tmp_path, monkeypatch)
    assert uncompiled([module]) == ["some_workflow"]


def test_compiled_bytecode_satisfies_it_until_the_source_changes(tmp_path, monkeypatch):
    source, module = _module(tmp_path, monkeypatch)
    py_compile.compile(str(source))
    assert uncompiled([module]) == []
    later = os.stat(importlib.util.cache_from_source(str(source))).st_mtime + 10
    os.utime(source, (later, later))
    assert uncompiled([module]) == ["some_workflow"]
