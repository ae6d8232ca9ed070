"""Found by a new user following the README's walkthrough, step 7 (`legis decide ... 04-appraisal-return.json`).

A return for revision that names no `return_to` goes to the rulebook's default stage, and `default_return_warning`
(activities/rulebook.py) says where it went "to whoever decided (the CLI and the API alike)". The API says it:
"return_to not given: the draft returns to DRAFTING, the rulebook's default for APPRAISAL" (tests/test_api.py). The
CLI passes no stage (`cli/drafts.py`, `default_return_warning(decision, None)`) and prints instead
"the draft returns to the rulebook's first stage to return to that the draft has passed", which names no stage: an
official cannot tell from the warning where the draft went, and the two front doors say different things.
"""

from __future__ import annotations

import uuid

from tests.drafts import EXAMPLES, example


async def test_the_cli_says_which_stage_a_default_return_went_to(cli, tmp_path):
    sid = f"NU-{uuid.uuid4().hex[:8]}"
    ministry = "NU" + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start-request.json"))
    assert code == 0, err
    for name in ("01-policy-proposal.json", "02-programme.json", "03-drafting.json"):
        code, _, err = await cli("decide", sid, str(tmp_path / name))
        assert code == 0, (name, err)

    code, out, err = await cli("decide", sid, str(tmp_path / "04-appraisal-return.json"))
    assert code == 0 and "APPRAISAL -> DRAFTING" in out, (out, err)
    said = " ".join(err.split())
    assert "return_to not given" in said, said
    # As the API says it (tests/test_api.py): the stage the draft went to, by name.
    assert "return_to not given: the draft returns to DRAFTING, the rulebook's default for APPRAISAL" in said, said
