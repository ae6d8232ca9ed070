"""Decoding shared by every payload converter of a worker process: type adapters, and the values of immutable types.

The SDK makes a new payload converter for every workflow it runs, and pydantic's converter keeps its type adapters per
converter: each new draft built again an adapter for every type it decoded. It also decodes an update's argument twice
(once for the validator, once for the handler), and every new draft decodes the same pinned rulebook. So:

- the adapters of the types that are one object in every workflow are shared by the process (`ADAPTERS`);
- a payload of a deeply immutable type (`immutable`) decoded in a workflow once is not decoded again: the same bytes for
  the same type give the same value, and an immutable value can be handed to any number of workflows, as an interned
  one is (`schemas.interned`). Only payloads of at most `MAX_SHARED_BYTES` are kept, at most `MAX_SHARED_VALUES` of them
  (a decoded value takes about six times its JSON, so at most about 12 MB). Outside workflows (activities, the API, the
  CLI) nothing is kept: there the same payload seldom comes twice, and what was read is not held.
"""

from __future__ import annotations

import enum
import functools
import types
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter

# The project's packages, which the worker passes through the workflow sandbox (`workers.worker`): imported once per
# process, their types are the same objects in every workflow.
PASSED_THROUGH = ("workflows", "schemas", "activities")
_SAME_IN_EVERY_WORKFLOW = frozenset({"builtins", "typing", "datetime", "decimal", "uuid", *PASSED_THROUGH})
ADAPTERS = functools.lru_cache(maxsize=256)(TypeAdapter)
# A rulebook pinned by value is about 19 KB, by reference 4 KB; an update's message a few hundred bytes.
MAX_SHARED_BYTES = 32 * 1024
MAX_SHARED_VALUES = 64
_SCALARS = (str, int, float, bool, bytes, type(None), date, datetime, time, timedelta, Decimal, uuid.UUID)


def same_in_every_workflow(hint: Any) -> bool:
    """Whether every type `hint` names is one object in every workflow. A type of a module the sandbox imports again for
    each workflow is a new object each time: shared, its adapters would keep every copy of that module alive. A union is
    left out too: `Union[A, B]` equals `Union[B, A]`, whose members pydantic tries in another order."""
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        return False
    top = getattr(origin or hint, "__module__", "").partition(".")[0]
    return top in _SAME_IN_EVERY_WORKFLOW and all(same_in_every_workflow(arg) for arg in get_args(hint))


@functools.lru_cache(maxsize=256)
def immutable(hint: Any) -> bool:
    """Whether no value of `hint` can be changed in place, at any depth: scalars, enums, tuples and frozensets of such,
    and frozen pydantic models whose every field is such. A list, a dict, a plain class or `Any` is not."""
    return _immutable(hint, frozenset())


def _immutable(hint: Any, seen: frozenset[Any]) -> bool:
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _immutable(args[0], seen)
    if origin is Literal:
        return True
    if origin in (Union, types.UnionType, tuple, frozenset):
        return all(arg is Ellipsis or _immutable(arg, seen) for arg in args)
    if not isinstance(hint, type) or origin is not None:
        return False
    if issubclass(hint, _SCALARS) or issubclass(hint, enum.Enum):
        return True
    if issubclass(hint, BaseModel) and hint.model_config.get("frozen"):
        # A model that refers to itself is as immutable as its other fields.
        return hint in seen or all(_immutable(field.annotation, seen | {hint}) for field in hint.model_fields.values())
    return False


@functools.lru_cache(maxsize=MAX_SHARED_VALUES)
def _shared_value(hint: Any, data: bytes) -> Any:
    return ADAPTERS(hint).validate_json(data)


class SharedDecodingJSONConverter(PydanticJSONPlainPayloadConverter):
    """Pydantic's JSON payload converter, decoding with the process's shared adapters and values where a type allows
    (see the module), and as the SDK does (adapters per converter) for every other type."""

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        hint = type_hint if type_hint is not None else Any
        if not same_in_every_workflow(hint):
            return super().from_payload(payload, type_hint)
        try:
            if immutable(hint) and len(payload.data) <= MAX_SHARED_BYTES and workflow.in_workflow():
                return _shared_value(hint, payload.data)
            adapter = ADAPTERS(hint)
        except TypeError:
            # An unhashable hint cannot be a cache key: the SDK's own path builds its adapter (and re-raises any other error).
            return super().from_payload(payload, type_hint)
        return adapter.validate_json(payload.data)
