"""A message's lists and objects checked against their model's bounds before the model validates it: the HTTP API's
body, the CLI's file, and a payload the workflows' converter decodes (`workflows.codec`) that is large enough to hold more.

Pydantic validates every item of a list before it counts them, and reports each unknown key on its own: 60,000 empty
documents where 50 are allowed cost 180,000 errors. Walked here first, a list over its `max_length` is refused as such
(`too_long`, naming the field), none of its items looked at, and an object with more unknown keys than a problem lists
is refused by them (`extra_forbidden`), so that the work and the answer stay bounded whatever the body holds.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from annotated_types import MaxLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

# The most problems a refusal lists (a 422's, the CLI's line, a draft's); an object with more unknown keys than this is
# refused by them at once.
MAX_ERRORS = 20
_SEQUENCES = (list, tuple, set, frozenset)


class ReadByItsModel:
    """Marks a field its model reads itself, bounds first (`Annotated[..., READ_BY_ITS_MODEL]`): the walk leaves it to it,
    so that what the model makes of a value over its bounds (a carried state read as unreadable) stands."""


READ_BY_ITS_MODEL = ReadByItsModel()


def over_bounds(annotation: Any, value: Any, where: tuple[str | int, ...] = ()) -> list[dict]:
    """The first bound `value` (JSON read as Python) breaks, as pydantic's errors: one `too_long`, or the unknown keys
    past `MAX_ERRORS` of one object; none when it keeps within them, anything else being left to the model's own
    validation. `where`: the location's first parts (the API's `body`)."""
    return _walk(annotation, value, where, None)


def _walk(annotation: Any, value: Any, where: tuple, limit: int | None) -> list[dict]:
    annotation, limit = _unwrapped(annotation, limit)
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(annotation):
            if option is not type(None) and (errors := _walk(option, value, where, limit)):
                return errors
        return []
    if origin in _SEQUENCES and isinstance(value, list):
        if limit is not None and len(value) > limit:
            return [{"type": "too_long", "loc": where, "msg": f"List should have at most {limit} items, not {len(value)}",
                     "input": None, "ctx": {"field_type": "List", "max_length": limit, "actual_length": len(value)}}]
        items = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        if len(items) == 1 and _worth_walking(items[0]):
            for index, item in enumerate(value):
                if errors := _walk(items[0], item, (*where, index), None):
                    return errors
        return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
        return _walk_model(annotation, value, where)
    return []


def _walk_model(model: type[BaseModel], value: dict, where: tuple) -> list[dict]:
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    if model.model_config.get("extra") == "forbid":
        unknown = [key for key in value if key not in fields and key not in model.model_fields]
        if len(unknown) > MAX_ERRORS:
            return [{"type": "extra_forbidden", "loc": (*where, key), "msg": "Extra inputs are not permitted", "input": None}
                    for key in unknown]
    for key, info in fields.items():
        if READ_BY_ITS_MODEL in info.metadata:
            continue
        if key in value and _worth_walking(info.annotation) and (
                errors := _walk(info.annotation, value[key], (*where, key), _max_length(info.metadata, None))):
            return errors
    return []


def _unwrapped(annotation: Any, limit: int | None) -> tuple[Any, int | None]:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *metadata = typing.get_args(annotation)
        limit = _max_length(metadata, limit)
    return annotation, limit


def _max_length(metadata: Any, limit: int | None) -> int | None:
    for item in metadata:
        if isinstance(item, MaxLen):
            limit = item.max_length
        elif isinstance(item, FieldInfo):
            limit = _max_length(item.metadata, limit)
    return limit


def _worth_walking(annotation: Any) -> bool:
    """Whether a value of this type may hold a list or an object: a plain string, number or enum never does."""
    annotation, _ = _unwrapped(annotation, None)
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_worth_walking(option) for option in typing.get_args(annotation))
    return origin in _SEQUENCES or (isinstance(annotation, type) and issubclass(annotation, BaseModel))
