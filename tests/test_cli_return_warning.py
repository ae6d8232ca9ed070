"""Found by a new user following the README's walkthrough, step 7 (`legis decide ... 04-appraisal-return.json`).

A return for revision that names no `return_to` goes to the rulebook's default stage, and `default_return_warning`
(activities/rulebook.py) says where it went "to whoever decided (the CLI and the API alike)". The API says it:
"return_to not given: the draft returns to DRAFTING, the rulebook's default for APPRAISAL" (tests/test_api.py). The
CLI passes no stage (`cli/drafts.py`, `default_return_warning(decision, None)`) and prints instead
"the draft returns to the rulebook's first stage to return to that the draft has passed", which names no stage: an
official cannot tell from the warning where the draft went, and the two front doors say different things.
"""

from __future__ import annotations

import json
import uuid

from tests.drafts import EXAMPLES, example


async def at_appraisal(cli, tmp_path) -> str:
    """A draft of the walkthrough's examples at APPRAISAL, through the CLI; its submission ID."""
    sid = f"NU-{uuid.uuid4().hex[:8]}"
    ministry = "NU" + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start-request.json"))
    assert code == 0, err
    for name in ("01-policy-proposal.json", "02-programme.json", "03-drafting.json"):
        code, _, err = await cli("decide", sid, str(tmp_path / name))
        assert code == 0, (name, err)
    return sid


async def test_the_cli_says_which_stage_a_default_return_went_to(cli, tmp_path):
    sid = await at_appraisal(cli, tmp_path)
    code, out, err = await cli("decide", sid, str(tmp_path / "04-appraisal-return.json"))
    assert code == 0 and "APPRAISAL -> DRAFTING" in out, (out, err)
    said = " ".join(err.split())
    assert "return_to not given" in said, said
    # As the API says it (tests/test_api.py): the stage the draft went to, by name.
    assert "return_to not given: the draft returns to DRAFTING, the rulebook's default for APPRAISAL" in said, said


async def test_legis_decide_json_names_the_default_return_in_its_warnings(cli, tmp_path):
    """Found by a re-check: with `--output json`, the one document a script reads held the status's warnings alone, the
    default return said on standard error only."""
    sid = await at_appraisal(cli, tmp_path)
    code, out, err = await cli("decide", sid, str(tmp_path / "04-appraisal-return.json"), "--output", "json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["receipt"]["to_stage"] == "DRAFTING", shown
    warnings = " ".join(shown.get("warnings", []))
    assert "return_to not given: the draft returns to DRAFTING" in warnings, (shown.get("warnings"), err)
