"""The worker's heap settling (workers/heap.py): what lives before is frozen, what comes after is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from workers import heap


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def _tracked(thing: object) -> bool:
    return any(o is thing for o in gc.get_objects())


def test_what_lives_before_is_frozen_and_what_comes_after_is_still_collected(restored_gc: None) -> None:
    threshold = gc.get_threshold()
    before = _Node()
    heap.settle()
    assert gc.get_freeze_count() > 0
    assert not _tracked(before), "an object alive when the worker settled is left out of every collection"
    assert gc.get_threshold() == threshold, "young objects are collected as often as Python does: a draft evicted from the cache is freed"

    after = _Node()
    gone = weakref.ref(after)
    assert _tracked(after)
    del after
    gc.collect()
    assert gone() is None, "a cycle made after settling is collected"
