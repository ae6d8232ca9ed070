"""One refusal type (issue 12, point 1): the draft core's, a round's, the HTTP API's own, the codec server's, a token's
and a webhook URL's refusals are all `schemas.refusal.Refused`, and the answer's status follows from the refusal, so
that status and kind never disagree. Found by a review: four types carried a field, a rule and a message beside
`Refused`, and the API's problems took a status and a kind separately."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.api.common.v1 import Payload
from temporalio.exceptions import ApplicationError

from activities.destinations import DestinationRefused
from api.problems import HTTP_STATUS, STATUS, answered_as, from_draft, problem
from api.tokens import Unauthenticated
from cli.failures import ExitCode, from_refusal
from schemas.bounds import MAX_ERRORS
from schemas.enums import Stage
from schemas.messages import Decision
from schemas.refusal import MAX_FIELD, RefusalKind, Refused, described
from tests.drafts import decision, start_request
from workflows.codec import RefusingPayloadConverter

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("activities", "api", "schemas", "store", "web", "workers", "workflows", "cli")
# The refusal itself, and the CLI's exits (one per exit code, which a refusal becomes through `cli.failures.from_refusal`).
OWNERS = {Path("schemas/refusal.py"), Path("cli/failures.py")}


def _calls(name: str):
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


# The kind a CLI exit class gives a rule it is raised with (`cli.failures`), unless the call names one.
EXITS = {"Invalid": "INVALID", "Rejected": "CONFLICT", "NotFound": "NOT_FOUND", "Unavailable": "BUSY"}
# The rules of a sitting's or a meeting's day (the README's Errors section): CONFLICT for today (wait), INVALID for a day given (correct it).
DATED = {"after_session_opens", "within_session", "at_the_meeting", "reconsideration_window"}


def test_one_rule_has_one_kind_wherever_it_refuses():
    kinds: dict[str, set[tuple[str, str]]] = {}
    computed, texts = set(), []
    for name in ("Refused", *EXITS):
        for where, call in _calls(name):
            rule = call.args[1] if name == "Refused" and len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "rule"), None)
            if not (isinstance(rule, ast.Constant) and isinstance(rule.value, str)):
                continue
            kind = (call.args[3] if name == "Refused" and len(call.args) > 3 else None) or next(
                (k.value for k in call.keywords if k.arg == "kind"), None)
            if isinstance(kind, ast.Attribute) and kind.attr == "value":  # a kind's text, where the kind is asked (a re-check)
                texts.append(where)
                continue
            if kind is None:
                named = "CONFLICT" if name == "Refused" else EXITS[name]
            elif isinstance(kind, ast.Attribute | ast.Name):
                named = kind.attr if isinstance(kind, ast.Attribute) else kind.id
            else:
                computed.add(rule.value)
                continue
            kinds.setdefault(rule.value, set()).add((named, where))
    assert computed == DATED
    assert texts == []
    assert {rule: sorted(found) for rule, found in kinds.items() if len({kind for kind, _ in found}) > 1} == {}


def test_no_other_class_carries_a_rule_of_its_own():
    carriers = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.relative_to(ROOT) in OWNERS:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef) and any(
                        isinstance(target, ast.Attribute) and target.attr == "rule" and isinstance(target.value, ast.Name) and target.value.id == "self"
                        for assign in ast.walk(node) if isinstance(assign, ast.Assign | ast.AnnAssign)
                        for target in (assign.targets if isinstance(assign, ast.Assign) else [assign.target])
                        for target in (target.elts if isinstance(target, ast.Tuple) else [target])):
                    carriers.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert carriers == []


@pytest.mark.parametrize("refused", [
    Unauthenticated("token_revoked", "token 0123456789ab was revoked on 2026-12-01 (Ha Noi)", "0123456789ab"),
    DestinationRefused("https_only", "plain http to hooks.example; use https"),
], ids=["token", "webhook URL"])
def test_the_refusals_of_tokens_and_webhook_urls_are_refusals(refused):
    assert isinstance(refused, Refused)
    assert str(refused) == f"{refused.field}: {refused.message} (rule: {refused.rule})"


@pytest.mark.parametrize("kind", list(RefusalKind))
def test_a_refusal_is_answered_with_its_kinds_status(kind):
    answer = problem(Refused("stage", "a_rule_of_the_draft", "refused", kind)).marshal()
    assert (answer["status"], answer["kind"], answer["rule"], answer["field"]) == (STATUS[kind], kind.value, "a_rule_of_the_draft", "stage")


@pytest.mark.parametrize("rule", sorted(HTTP_STATUS))
@pytest.mark.parametrize("kind", list(RefusalKind))
def test_a_rule_of_http_is_answered_with_its_status_and_the_kind_it_gives_whatever_kind_it_was_raised_with(rule, kind):
    status, given = HTTP_STATUS[rule]
    answer = problem(Refused("body", rule, "refused", kind)).marshal()
    assert (answer["status"], answer["kind"]) == (status, given.value) == (answered_as(Refused("body", rule, "x", kind))[0], given.value)


def test_the_kind_of_each_rule_of_http_is_the_one_its_status_calls_for():
    # 401 is FORBIDDEN as 403 is (the README's table): the caller may not do it with the token it has.
    calls_for = {400: RefusalKind.INVALID, 401: RefusalKind.FORBIDDEN, 404: RefusalKind.NOT_FOUND, 405: RefusalKind.INVALID, 413: RefusalKind.INVALID,
                 415: RefusalKind.INVALID, 429: RefusalKind.BUSY, 500: RefusalKind.BUSY, 504: RefusalKind.BUSY}
    assert {rule: kind for rule, (status, kind) in HTTP_STATUS.items()} == {rule: calls_for[status] for rule, (status, _) in HTTP_STATUS.items()}


def test_a_token_refused_is_answered_401_naming_the_header():
    answer = problem(Unauthenticated("token_expired", "token 0123456789ab expired", "0123456789ab")).marshal()
    assert (answer["status"], answer["field"], answer["rule"], answer["kind"]) == (401, "Authorization", "token_expired", "FORBIDDEN")


def test_the_drafts_request_id_is_named_as_the_header_the_caller_sent_and_nothing_else_is_renamed():
    refused = Refused("request_id", "idempotency_key_reused", "reused", RefusalKind.INVALID)
    assert [(a["status"], a["field"]) for a in (from_draft(refused).marshal(), problem(refused).marshal())] == [
        (422, "Idempotency-Key"), (422, "request_id")]


@pytest.mark.parametrize(("kind", "code"), [(RefusalKind.INVALID, ExitCode.INVALID), (RefusalKind.NOT_FOUND, ExitCode.NOT_FOUND),
                                            (RefusalKind.BUSY, ExitCode.UNAVAILABLE), (RefusalKind.CONFLICT, ExitCode.REFUSED),
                                            (RefusalKind.STALE, ExitCode.REFUSED), (RefusalKind.CLOSED, ExitCode.REFUSED),
                                            (RefusalKind.FORBIDDEN, ExitCode.REFUSED)])
def test_the_cli_exits_with_the_code_a_refusals_kind_calls_for(kind, code):
    """Found by a review: a draft that could not take a message this moment (BUSY, 503 in the API) exited 3, "refused as
    things stand", where exit 5 says the same command may succeed later."""
    failed = from_refusal(Refused("submission_id", "draft_not_ready", "the draft is pinning its rulebook", kind))
    assert (failed.code, failed.as_json()["kind"], failed.as_json()["rule"]) == (code, kind.value, "draft_not_ready")



def test_a_refusal_of_any_number_of_problems_names_the_first_twenty_and_counts_the_rest():
    """Found by a breaker: a refusal listed every problem pydantic found, 6 MB of words for 60,000 empty documents, and
    a key of the caller's whole."""
    request = start_request()
    message = decision(request, Stage.POLICY_PROPOSAL).model_dump(mode="json") | {"documents": [{}] * 50, "k" * 100_000: 1}
    with pytest.raises(ValidationError) as invalid:
        Decision.model_validate(message)
    assert invalid.value.error_count() == 151
    refused = Refused.invalid(invalid.value)
    assert refused.message.startswith("Field required (and 150 more: ") and refused.message.endswith(", ...)"), refused.message[:200]
    assert refused.message.count(" (missing)") == MAX_ERRORS - 1 and (refused.field, refused.rule) == ("documents.0.kind", "missing")
    [extra] = [e for e in invalid.value.errors() if e["type"] == "extra_forbidden"]
    assert described(extra)[0] == "k" * MAX_FIELD + "..."


def test_a_raw_update_with_a_lone_surrogate_is_refused_by_its_field_as_the_api_and_the_cli_refuse_it():
    """Found by a breaker: a decision whose official is "\\ud800" (escaped JSON, as `temporal workflow update --input` sends
    it) was refused by the workflows' converter as `input` / `json_invalid`, where the HTTP API and `legis` name `official` /
    `valid_unicode` (`cli.jsonfile._as_the_api_reads`)."""
    sent = json.dumps(decision(start_request(), Stage.APPRAISAL).model_dump(mode="json")).replace('"official": "', '"official": "\\ud800', 1)
    with pytest.raises(ApplicationError) as refused:
        RefusingPayloadConverter().from_payloads([Payload(metadata={"encoding": b"json/plain"}, data=sent.encode())], [Decision])
    assert "(rule: valid_unicode)" in refused.value.message and refused.value.message.startswith("official:"), refused.value.message


@pytest.mark.parametrize(("where", "key"), [("top", "\\ud800x"), ("nested", "\\udc80")])
def test_a_raw_updates_key_holding_a_lone_surrogate_is_refused_as_the_api_and_the_cli_refuse_it(where, key):
    """Found by a breaker: the workflows' converter refused such a key as `input` (or `documents.0`) / `string_unicode`,
    where the HTTP API and `legis` name the key, `valid_unicode` (`schemas.text.lone_surrogate_in_key`)."""
    sent = json.dumps(decision(start_request(), Stage.APPRAISAL).model_dump(mode="json"))
    sent = sent[:-1] + f', "{key}": 1}}' if where == "top" else sent.replace('"name": "', f'"{key}": 1, "name": "', 1)
    with pytest.raises(ApplicationError) as refused:
        RefusingPayloadConverter().from_payloads([Payload(metadata={"encoding": b"json/plain"}, data=sent.encode())], [Decision])
    assert refused.value.details[0] == {"field": key, "rule": "valid_unicode", "kind": "INVALID"}, refused.value.details


def test_a_key_a_file_misspells_is_told_the_field_nearest_it(tmp_path):
    """Found by a new user: `ocurred_on` was "Extra inputs are not permitted", where a misspelled option is offered the
    right one. The nearest field of the model at that place, where one is near; none where none is."""
    from cli.failures import Invalid
    from cli.jsonfile import read_message

    written = json.loads(decision(start_request(), Stage.APPRAISAL).model_dump_json())
    written["ocurred_on"], written["zzzz"] = "2026-12-01", 1
    written["documents"][0]["shaa256"] = written["documents"][0].pop("sha256")
    (path := tmp_path / "decision.json").write_text(json.dumps(written), encoding="utf-8")
    with pytest.raises(Invalid) as refused:
        read_message(path, Decision)
    said = refused.value.message
    assert "ocurred_on: Extra inputs are not permitted; did you mean occurred_on? (rule: extra_forbidden)" in said, said
    assert "did you mean sha256?" in said and "zzzz: Extra inputs are not permitted (rule: extra_forbidden)" in said, said
