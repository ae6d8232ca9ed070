

def test_every_kind_a_cli_failure_is_given_can_be_written_as_json():
    """`cli/calendar.py` passes `kind=RefusalKind.CONFLICT.value` (a str) three times (cutoffs_would_pass twice,
    session_has_drafts); 92d0899 made `Failure.as_json` read `self.kind.value`."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = []
    for path in sorted((root / "cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Invalid", "Rejected", "NotFound", "Unavailable", "Failure"):
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Attribute) and keyword.value.attr == "value":
                        found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []


def test_draft_task_failing_has_one_kind_in_the_api_and_the_cli():
    """The README: `kind` is one per rule wherever it refuses, and the CLI's exit code follows it. The API answers
    `draft_task_failing` BUSY (503); the CLI's JSON says null."""
    import asyncio
    from types import SimpleNamespace

    from temporalio.service import RPCError, RPCStatusCode

    from cli import temporal as cli_temporal

    rpc = RPCError("Unable to query workflow due to Workflow Task in failed state.", RPCStatusCode.FAILED_PRECONDITION, b"")
    failed = asyncio.run(cli_temporal._from_rpc(None, SimpleNamespace(temporal_address="127.0.0.1:17233"), rpc, None))
    assert failed.as_json()["rule"] == "draft_task_failing"
    assert failed.as_json()["kind"] == "BUSY", failed.as_json()
