"""Payload encryption: what the project's clients and workers write to Temporal is sealed with AES-256-GCM.

Every payload that passes the SDK's codec is encrypted, whether its draft is classified or not: workflow and
activity inputs and results, updates, signals and queries, the memo, the summaries and details the Web UI shows,
and failures (their messages and stack traces too, `SealedFailures`, but for the drafts' refusals). Only the search
attributes stay readable (the SDK never passes them through a codec), and they hold nothing classified
(`workflows.search_attributes.describing`).

A sealed payload reads:

- metadata `encoding`: `binary/encrypted`;
- metadata `encryption-key-id`: the ID of the key that sealed it, so that keys rotate: the first key of the ring
  seals, every key of the ring opens;
- metadata `legis-workflow-id`: the workflow the payload belongs to (absent where the SDK gives no context). It is
  authenticated (the AES-GCM associated data), so that the codec server (`api.codec_server`) can decide from it
  who may read the payload, and a payload moved under another workflow's ID no longer opens;
- data: a random 96-bit nonce followed by the ciphertext (with its 16-byte tag) of the whole original payload.

A payload without the `binary/encrypted` encoding is passed through as it is: histories recorded before
encryption still replay and read.
"""

from __future__ import annotations

import base64
import binascii
import copy
import dataclasses
import functools
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, ValidationError
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import PydanticPayloadConverter, pydantic_data_converter
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    DefaultFailureConverter,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
    PayloadCodec,
    PayloadConverter,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)
from temporalio.exceptions import ApplicationError

from schemas.bounds import over_bounds
from schemas.refusal import RefusalKind, Refused
from schemas.text import lone_surrogate_in_key
from workflows.rules import require
from workflows.shared_decoding import SharedDecodingJSONConverter

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
WORKFLOW_ID = "legis-workflow-id"
NONCE_BYTES = 12
KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
# An authentication failure with a key the ring has: most often two key files giving the same ID to different keys.
DIFFERS = ("the key configured here as {key_id} differs from the one that sealed it (another data folder's or cluster's "
           "key of the same ID?), or the payload was altered or moved under another workflow")


def _named(number: int, key_id: str) -> str:
    """How a refusal names a key entry: by its ID, unless the ID is itself a key (an entry written `key:id`, its key in
    URL-safe base64 without padding, fits the ID's pattern: found by a breaker, echoed at every start), then by its number."""
    try:
        looks_like_a_key = len(base64.urlsafe_b64decode(key_id + "=" * (-len(key_id) % 4))) >= KEY_BYTES
    except (binascii.Error, ValueError):
        looks_like_a_key = False
    return f"key entry {number} (its ID looks like a key: write it as id:base64key)" if looks_like_a_key else f"key {key_id}"


class KeyRingError(ValueError):
    """A key ring that cannot be used: malformed, empty, missing the key a payload names, or holding under that key's ID
    another key (or the payload altered): the commands say `encryption_keys_configured` for each (found by a hunt for
    leaks: a key of the right ID and the wrong value gave a traceback)."""


@dataclass(frozen=True)
class KeyRing:
    """Payload keys by ID, newest first: the first seals, all open. Its repr names the IDs only."""

    ids: tuple[str, ...]
    _keys: dict[str, bytes] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        """Keys as `id:base64key` entries separated by commas or new lines, newest first; blank lines and lines
        starting with `#` are skipped. Each key is 32 bytes (AES-256) in standard base64.

        Raises KeyRingError naming the entry (never its key) when an entry is malformed, an ID repeats or none is given."""
        ids: list[str] = []
        keys: dict[str, bytes] = {}
        entries = [entry.strip() for line in text.splitlines() if not line.strip().startswith("#") for entry in line.split(",")]
        for number, entry in enumerate((e for e in entries if e), start=1):
            key_id, separator, encoded = entry.partition(":")
            key_id = key_id.strip()
            if not separator or not KEY_ID_PATTERN.fullmatch(key_id):
                raise KeyRingError(f"key entry {number}: write it as id:base64key, the ID of 1-64 letters, digits, '.', '_' or '-'")
            named = _named(number, key_id)
            try:
                key = base64.b64decode(encoded.strip(), validate=True)
            except binascii.Error:
                raise KeyRingError(f"{named}: not valid base64") from None
            if len(key) != KEY_BYTES:
                raise KeyRingError(f"{named}: {len(key)} bytes; AES-256 keys are {KEY_BYTES} bytes (`openssl rand -base64 32`)")
            if key_id in keys:
                raise KeyRingError(f"{named}: given twice")
            ids.append(key_id)
            keys[key_id] = key
        if not ids:
            raise KeyRingError("no key given")
        return cls(tuple(ids), keys)

    @property
    def current(self) -> str:
        """The ID of the key that seals new payloads."""
        return self.ids[0]

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return AESGCM(self._keys[key_id])
        except KeyError:
            raise KeyRingError(f"sealed with key {key_id}, which is not configured (keys: {', '.join(self.ids)})") from None

    def derived(self, purpose: bytes) -> bytes:
        """32 bytes for `purpose`, derived from the current key (HKDF-SHA256): a key no database holds, which changes
        with the current key."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(self._keys[self.current])

    def seal(self, plain: bytes, bound: bytes) -> tuple[str, bytes]:
        """`plain` sealed with the current key, authenticated with `bound` (the AES-GCM associated data): the key's ID,
        and a random 96-bit nonce followed by the ciphertext with its tag."""
        nonce = os.urandom(NONCE_BYTES)
        return self.current, nonce + self.cipher(self.current).encrypt(nonce, plain, bound)

    def open(self, key_id: str, sealed: bytes, bound: bytes) -> bytes:
        """What `seal` sealed. Raises KeyRingError when the key is not in the ring, ValueError when it does not open
        (the ring's key of that ID is another key, or the payload was altered or bound to something else)."""
        try:
            return self.cipher(key_id).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], bound)
        except InvalidTag:
            raise KeyRingError(f"sealed with key {key_id} but does not open: {DIFFERS.format(key_id=key_id)}") from None


def new_key_entry(key_id: str) -> str:
    """A fresh random key as one `id:base64key` entry."""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise KeyRingError(f"key ID {key_id!r}: 1-64 letters, digits, '.', '_' or '-'")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def is_sealed(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING


def workflow_of(payload: Payload) -> str | None:
    """The workflow a sealed payload is bound to, if it is bound to one that a workflow can have (its ID UTF-8 text, no NUL:
    a payload sent to the codec server may say anything, found by a breaker)."""
    bound = payload.metadata.get(WORKFLOW_ID)
    if bound is None or b"\x00" in bound:
        return None
    try:
        return bound.decode()
    except UnicodeDecodeError:
        return None


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    """Seals every payload with the ring's first key, bound to the workflow the SDK names in its serialization
    context; opens sealed payloads with the key they name and passes others through."""

    def __init__(self, keys: KeyRing, workflow_id: str | None = None) -> None:
        self._keys = keys
        self._workflow_id = workflow_id

    @property
    def keys(self) -> KeyRing:
        return self._keys

    def with_context(self, context: SerializationContext) -> EncryptionCodec:
        workflow_id = context.workflow_id if isinstance(context, WorkflowSerializationContext | ActivitySerializationContext) else None
        return EncryptionCodec(self._keys, workflow_id)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Raises KeyRingError for a payload sealed with a key the ring lacks, or that does not open (another key under
        that ID, the payload altered, or moved under another workflow's ID)."""
        return [self.open(payload) if is_sealed(payload) else payload for payload in payloads]

    def seal(self, payload: Payload) -> Payload:
        bound = self._workflow_id.encode() if self._workflow_id is not None else b""
        key_id, sealed = self._keys.seal(payload.SerializeToString(), bound)
        metadata = {"encoding": ENCODING, KEY_ID: key_id.encode()}
        if self._workflow_id is not None:
            metadata[WORKFLOW_ID] = bound
        return Payload(metadata=metadata, data=sealed)

    def open(self, payload: Payload) -> Payload:
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        bound = payload.metadata.get(WORKFLOW_ID, b"")
        try:
            plain = self._keys.open(key_id, payload.data, bound)
        except KeyRingError as missing:
            # The workflow named: the SDK's line for a task that fails names its run alone (found by a trial).
            raise KeyRingError(f"a payload of workflow {workflow_of(payload)!r} {missing}") from None
        except ValueError:
            raise KeyRingError(f"a payload of workflow {workflow_of(payload)!r} sealed with key {key_id} does not open: "
                             f"{DIFFERS.format(key_id=key_id)}") from None
        return Payload.FromString(plain)


# The ApplicationError type of the drafts' refusals (`schemas.refusal.Refused` raised in workflows).
REFUSED = "Refused"
T = TypeVar("T")


def refusal(refused: Refused, *, classified: bool = False) -> ApplicationError:
    """A refusal as it crosses Temporal: it fails only the caller's message, never a workflow task; it is not worth
    retrying, and its message stays readable (`SealedFailures`). A classified draft's message names the field and rule
    only, its sentence travelling in the details, which the codec seals: found by a Web UI trial, a raw update's refusal
    told any Temporal client the draft's lead ministry ("BTC is not this draft's lead ministry") and its dossier."""
    if classified:
        return ApplicationError(str(refused.withheld()), refused.sealed_details(), type=REFUSED, non_retryable=True)
    return ApplicationError(str(refused), refused.details, type=REFUSED, non_retryable=True)


def answered(core: Callable[[], T], *, classified: bool = False) -> T:
    """What the rules of a draft or a round answer a message, its refusal the message's failure (`refusal`)."""
    try:
        return core()
    except Refused as refused:
        raise refusal(refused, classified=classified) from None


def refused_start(refused: Refused, classified: bool) -> ApplicationError:
    """A start its draft refuses, as the workflow fails with it: readable, where a sealed failure of a draft that never ran
    is withheld by the codec server; a classified draft's names its field and rule only, as its failure enters the
    history in clear (its sentence sealed in the details, `refusal`). Logged, with field and rule only."""
    workflow.logger.warning("start refused", extra={"field": refused.field, "rule": refused.rule})
    return refusal(refused, classified=classified)


class RefusingPayloadConverter(PydanticPayloadConverter):
    """Pydantic payloads; one that does not validate against its type is refused as the drafts refuse a message.

    A raw update or signal (the plain `temporal` CLI, a client without the project's types) may carry any JSON.
    Pydantic's ValidationError would reach the SDK as it is: an update rejected as a retryable failure of type
    `ValidationError`, sealed, so that its sender reads neither field nor rule; and a JSON null (the SDK's
    `binary/null`) decodes as None whatever the type, which a signal handler would take. As an ApplicationError it is a
    FailureError, which the SDK passes on unwrapped: an update is rejected with it (no workflow task fails), a start
    fails its workflow with it, a signal is dropped and logged. So is a payload in an encoding no converter reads (the
    SDK's KeyError, retryable): refused as `payload_encoding`; JSON that does not parse is pydantic's `json_invalid`.

    An activity's payload is not a caller's message but the project's own data, written by a worker of this release
    or of another one during a rolling upgrade. Under an activity's serialization context, a payload that does not
    decode raises `UnreadableActivityPayload` instead: in a workflow, its task fails and is retried (by a worker that
    can read it, once the fleet is upgraded), where a refusal would have failed the draft's workflow for good; in an
    activity worker, the attempt fails and is retried, as before. A run's carried state is read by its model instead
    (`DraftLawInput.unreadable_carried`, `unreadable_carried`). (A round's start input and its result signal, the
    project's own data too, come under a workflow's context and are refused.)"""

    def __init__(self) -> None:
        # Not CompositePayloadConverter's: the decoders are built on first use (`converters`).
        self._activity = False

    @functools.cached_property
    def converters(self) -> dict[bytes, EncodingPayloadConverter]:
        """The SDK's default encodings, JSON decoded by a `SharedDecodingJSONConverter`. Built on first use: the SDK
        builds a payload converter with every data converter it makes (for each workflow activation, and for each
        activity's payloads it visits) and throws most of them away unused, about 110 in a draft's lifecycle."""
        shared = SharedDecodingJSONConverter()
        return {c.encoding.encode(): c for c in (shared if isinstance(c, JSONPlainPayloadConverter) else c
                                                 for c in DefaultPayloadConverter.default_encoding_payload_converters)}

    def with_context(self, context: SerializationContext) -> Self:
        activity = isinstance(context, ActivitySerializationContext)
        if activity == self._activity:
            return self
        # A shallow copy shares the decoders; it is not kept, so that nothing holds it or races to make it.
        other = copy.copy(self)
        other.converters = self.converters
        other._activity = activity
        return other

    def from_payloads(self, payloads: Sequence[Payload], type_hints: list[type] | None = None) -> list[Any]:
        try:
            return self._refusing(payloads, type_hints)
        except ApplicationError as refused:
            if self._activity and refused.type == REFUSED:
                raise UnreadableActivityPayload(f"an activity's payload does not decode: {refused.message}") from None
            raise

    def _refusing(self, payloads: Sequence[Payload], type_hints: list[type] | None) -> list[Any]:
        for payload in payloads:
            encoding = payload.metadata.get("encoding", b"")
            if encoding not in self.converters:
                readable = ", ".join(e.decode() for e in self.converters)
                raise refusal(Refused("input", "payload_encoding", f"encoding {encoding.decode(errors='replace')!r} is not one "
                                      f"of {readable}", RefusalKind.INVALID)) from None
        for payload, hint in zip(payloads, type_hints or (), strict=False):
            if len(payload.data) >= WALKED_FROM and (errors := _over_bounds(payload, hint)):
                raise refusal(Refused.of_errors(errors)) from None
        try:
            values = super().from_payloads(payloads, type_hints)
            for value, hint in zip(values, type_hints or (), strict=False):
                if isinstance(hint, type) and issubclass(hint, BaseModel):
                    require(value, hint)
        except ValidationError as invalid:
            raise refusal(_as_the_api_reads(payloads, type_hints or [], invalid)) from None
        except Refused as refused:
            raise refusal(refused) from None
        return values


# A payload at least this large is walked against its model's bounds before pydantic validates it: smaller, its errors are
# few enough to list at once (and it is walked once refused); larger, 60,000 empty documents in 240 KB would cost pydantic
# a second of the workflow's task (and 180,000 errors) where the bound refuses them at once.
WALKED_FROM = 16 * 1024


def _as_the_api_reads(payloads: Sequence[Payload], type_hints: list[type], invalid: ValidationError) -> Refused:
    """A refused payload's first problem as the API and the CLI name it (found by breakers): a smaller payload's bounds
    (they walk every body and file first), a key holding a lone surrogate by that key, and a lone surrogate escaped
    (`"\\ud800"`) in a value by its field (`valid_unicode`), where pydantic's JSON reader refuses the whole payload
    (`json_invalid`). Each payload is read once."""
    read = [(_read(payload), hint, len(payload.data)) for payload, hint in zip(payloads, type_hints, strict=False)]
    for found, hint, size in read:
        if found is not None and size < WALKED_FROM and _modelled(hint) and (errors := over_bounds(hint, found[0])):
            return Refused.of_errors(errors)
    for found, _, _ in read:
        if found is not None and (lone := found[1]) is not None:
            return Refused(lone[0], "valid_unicode", lone[1], RefusalKind.INVALID)
    if any(error["type"] == "json_invalid" for error in invalid.errors()):
        for found, hint, _ in read:
            if found is not None and _modelled(hint):
                try:
                    hint.model_validate(found[0])
                except ValidationError as by_field:
                    return Refused.invalid(by_field)
    return Refused.invalid(invalid)


def _read(payload: Payload) -> tuple[Any, tuple[str, str] | None] | None:
    """A JSON payload as Python reads it, and its first key holding a lone surrogate (`schemas.text.lone_surrogate_in_key`);
    None for another encoding or what Python does not read (pydantic's own refusal names it)."""
    if payload.metadata.get("encoding") != b"json/plain":
        return None
    lone: list[tuple[str, str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        lone.extend(found for key, _ in items if not lone and (found := lone_surrogate_in_key(key)) is not None)
        return dict(items)

    try:
        return json.loads(payload.data, object_pairs_hook=pairs), (lone[0] if lone else None)
    except (RecursionError, ValueError):
        return None


def _modelled(hint: object) -> bool:
    return isinstance(hint, type) and issubclass(hint, BaseModel)


def _over_bounds(payload: Payload, hint: object) -> list[dict]:
    found = _read(payload) if _modelled(hint) else None
    return over_bounds(hint, found[0]) if found is not None else []


class UnreadableActivityPayload(RuntimeError):
    """An activity's input or result that this worker cannot decode; its message names the field and the rule, never
    the value. Not a FailureError: it fails the task or the attempt, which is retried, never a workflow."""


class UnreadableContinuedState(RuntimeError):
    """The state a run was continued with that this worker cannot read, written by a worker of another release; its
    message names the field and the rule, never the value. Not a FailureError: the new run's task fails and is retried,
    by a worker that can read it once the fleet is upgraded, and the draft waits."""


def unreadable_carried(refused: Refused) -> Exception:
    """What a workflow raises for a carried state that does not validate (`DraftLawInput.unreadable_carried`). Only the
    workflow itself continues a run as new: in a run that has one before it, a worker wrote the state
    (`UnreadableContinuedState`); in a first run, a caller sent it, and is refused."""
    if workflow.info().continued_run_id is not None:
        return UnreadableContinuedState(f"the state this run was continued with does not decode: {refused}")
    return refusal(refused)


class SealedFailures(DefaultFailureConverter):
    """Failures' messages and stack traces moved into a payload, which the codec seals: an exception may quote what
    it was given (a database driver its query's arguments, a validation error its input).

    The drafts' refusals keep theirs readable: the rules compose them from fields, rules and codes, they never
    enter a history (validators and queries refuse), and a failed query reaches its caller as the server's text
    alone, which must say which rule refused (`draft_not_ready` is retried)."""

    def to_failure(self, exception: BaseException, payload_converter: PayloadConverter, failure: Failure) -> None:
        super().to_failure(exception, payload_converter, failure)
        if isinstance(exception, ApplicationError) and exception.type == REFUSED:
            failure.stack_trace = ""  # a rule's refusal, not a fault: where it was raised tells its reader nothing but paths
            return
        sealed = {"message": failure.message, "stack_trace": failure.stack_trace}
        failure.encoded_attributes.CopyFrom(payload_converter.to_payloads([sealed])[0])
        failure.message, failure.stack_trace = "Encoded failure", ""


def data_converter(keys: KeyRing) -> DataConverter:
    """The project's data converter: pydantic payloads (refused as a draft refuses a message when they do not
    validate), sealed by an EncryptionCodec over `keys`, and failures sealed with them (`SealedFailures`)."""
    return dataclasses.replace(pydantic_data_converter, payload_converter_class=RefusingPayloadConverter,
                               payload_codec=EncryptionCodec(keys), failure_converter_class=SealedFailures)


def keys_of(converter: DataConverter) -> KeyRing | None:
    """The key ring of a data converter made by `data_converter`, for what a worker seals outside Temporal (webhook
    secrets); None for a converter that does not seal."""
    codec = converter.payload_codec
    return codec.keys if isinstance(codec, EncryptionCodec) else None
