"""One instance per value for the large frozen values that many drafts hold alike (a rulebook edition, the working
calendar), so that a worker caching hundreds of drafts keeps each once rather than once per draft.

Frozen models are never changed in place, so sharing one is the same as holding a copy. Values decoded from JSON (a
workflow's input, an activity's result: where the copies come from) get the shared instance of an equal value; a
model built in Python keeps its own (pydantic's `__init__` cannot hand back another instance).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ModelWrapValidatorHandler, ValidationInfo, model_validator

# Distinct editions and calendars are few; the bound only keeps a test that makes many variants from growing it.
MAX_VALUES = 64
_values: dict[BaseModel, BaseModel] = {}


class Interned(BaseModel):
    @model_validator(mode="wrap")
    @classmethod
    def _one_per_value(cls, data: Any, handler: ModelWrapValidatorHandler[BaseModel], info: ValidationInfo) -> BaseModel:
        made = handler(data)
        if info.mode != "json":
            return made
        if len(_values) >= MAX_VALUES and made not in _values:
            _values.clear()
        return _values.setdefault(made, made)
