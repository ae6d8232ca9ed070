"""A JSON document's keys as a body or a message file must give them: each once in its object, none holding a lone
surrogate. The HTTP API and the CLI read through `loads`, so that both name a key refused by its path, `documents.0.kind`,
as every other refusal of a field names it (found by an upstream system's trial: a key twice in a document was named
`kind`, which the dossier's every document has)."""

from __future__ import annotations

import json
from typing import Any

from schemas.refusal import MAX_FIELD, RefusalKind, Refused
from schemas.text import lone_surrogate_in_key


class KeyRefused(Refused):
    """A key refused as the document is read (`duplicate_key`, `valid_unicode`), its field the key's path (dotted, the
    key itself last, escaped where it holds a lone surrogate); `key`, the key as named."""

    def __init__(self, path: str, key: str, rule: str, said: str) -> None:
        super().__init__(path, rule, said or f'the key "{key}" is given twice in one object; send it once', RefusalKind.INVALID)
        self.key = key


class _Flawed(dict):
    """An object read with a refused key, kept whole in its place until the document is read and its path is known (the
    hook that builds an object is not told where it is)."""

    __slots__ = ("key", "rule", "said")


def loads(text: str | bytes, **options: Any) -> Any:
    """`json.loads` with `options`, raising `KeyRefused` for the first object (in the order they close, as they are read)
    holding a key twice or a key with a lone surrogate."""
    flawed: list[_Flawed] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if (lone := lone_surrogate_in_key(key)) is not None:
                return _flag(flawed, items, lone[0], "valid_unicode", lone[1])
            if key in seen:
                return _flag(flawed, items, key, "duplicate_key", "")
            seen[key] = value
        return seen

    document = json.loads(text, object_pairs_hook=pairs, **options)
    if flawed:
        first = flawed[0]
        path = ".".join([*_path_to(document, first), first.key])
        raise KeyRefused(path if len(path) <= MAX_FIELD else path[:MAX_FIELD] + "...", first.key, first.rule, first.said)
    return document


def _flag(flawed: list[_Flawed], items: list[tuple[str, Any]], key: str, rule: str, said: str) -> _Flawed:
    found = _Flawed(items)
    found.key, found.rule, found.said = key, rule, said
    flawed.append(found)
    return found


def _path_to(document: Any, target: _Flawed) -> list[str]:
    """The keys and indices from the document to `target`, walked without recursion (a body may nest as deep as the
    reader takes)."""
    stack: list[tuple[Any, list[str]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if isinstance(node, dict):
            stack.extend((value, [*path, _escaped(key)]) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, [*path, str(index)]) for index, value in enumerate(node))
    return []


def _escaped(key: str) -> str:
    # A key above the one refused may hold a lone surrogate too, which no answer's JSON can carry.
    return key if key.isascii() else key.encode("utf-8", "backslashreplace").decode("utf-8")
