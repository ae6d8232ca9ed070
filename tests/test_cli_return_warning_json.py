"""Found by a re-check of the CLI's default-return warning ("legis decide says which stage a default return went to, as the API does").

In a table the warning is printed (standard error). With `--output json`, the one JSON document a script reads holds
a `warnings` list (the status's warnings, e.g. the 2027 rest days), but not this one: it goes to standard error as
text only, where the API's receipt gives it in `warnings` (README, "Outcomes": "which `legis decide` and the API's
receipt, `warnings`, then name"). Reproduce (README walkthrough, steps 1-7):

    legis decide BGDDT-2026-017 schemas/examples/04-appraisal-return.json --json
    -> stdout: {..., "warnings": ["the next cut-off, 2027-04-05, falls in 2027 ..."], "receipt": {...}}
    -> stderr: warning return_to not given: the draft returns to DRAFTING, ...
"""
from __future__ import annotations

import json
import uuid

from tests.drafts import EXAMPLES, example


async def test_legis_decide_json_names_the_default_return_in_its_warnings(cli, tmp_path):
    sid = f"RJ-{uuid.uuid4().hex[:8]}"
    ministry = "RJ" + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start-request.json"))
    assert code == 0, err
    for name in ("01-policy-proposal.json", "02-programme.json", "03-drafting.json"):
        code, _, err = await cli("decide", sid, str(tmp_path / name))
        assert code == 0, (name, err)
    code, out, err = await cli("decide", sid, str(tmp_path / "04-appraisal-return.json"), "--output", "json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["receipt"]["to_stage"] == "DRAFTING", shown
    warnings = " ".join(shown.get("warnings", []))
    assert "return_to not given: the draft returns to DRAFTING" in warnings, (shown.get("warnings"), err)
