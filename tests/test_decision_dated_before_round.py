"""A decision entered afterwards may not be dated before what is already recorded at its stage that it ends (today's
fix, README: "a filing, or a point of disagreement raised, escalated or ruled on, already recorded at its stage
(`not_before_filing`, `not_before_point`)"; found by a Government Office's trial: "appraisal counted from a dossier not
yet complete", LAW_2025 Art. 34(1), DOMAIN.md: a stage must not accept an incomplete dossier). The same fault stands for
a consultation round opened and compiled at the stage: the compilation of comments is filed into the dossier that goes
to appraisal (README: every compilation filed makes a dossier version) and a round awaiting its compilation holds the
stage's approval. Live: RC-0700 entered under way at DRAFTING; round opened, answered and compiled on 2026-12-08;
`legis decide RC-0700` (03-drafting.json, "occurred_on": "2026-12-02") -> "applied: event #7; DRAFTING -> APPRAISAL",
APPRAISAL since 2026-12-02: the Ministry of Justice's 30 days counted from six days before the dossier was complete,
and the record says drafting ended before its consultation was opened."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from schemas.time import in_hanoi
from tests.drafts import EXAMPLES, session_of_its_own


def _example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


async def test_drafting_is_not_approved_on_a_day_before_its_round_was_compiled(cli, tmp_path):
    today = in_hanoi(datetime.now(UTC)).date()
    target = session_of_its_own()
    start = _example("start-request.json") | {
        "submission_id": "RC-COMPILED-1",
        "target_session": {"legislature": target.legislature, "session": target.session, "opens_on": target.opens_on.isoformat()}}
    steps = [_example("01-policy-proposal.json"), _example("02-programme.json")]
    for step, back in zip(steps, (40, 30), strict=True):
        step["occurred_on"] = (today - timedelta(days=back)).isoformat()
    start["passed"] = steps
    round_ = _example("09-consultation.json") | {"consultees": ["BTC"]}
    compilation = _example("11-compilation.json") | {
        "responses": [{"consultee": "BTC", "comment_id": i, "response": "ACCEPTED"} for i in ("1", "2")]}
    early = _example("03-drafting.json") | {"occurred_on": (today - timedelta(days=6)).isoformat()}
    for name, message in (("start", start), ("round", round_), ("compilation", compilation), ("early", early)):
        (tmp_path / f"{name}.json").write_text(json.dumps(message, ensure_ascii=False), encoding="utf-8")

    code, _, err = await cli("start", str(tmp_path / "start.json"))
    assert code == 0, err
    code, _, err = await cli("consult", "open", "RC-COMPILED-1", str(tmp_path / "round.json"))
    assert code == 0, err
    code, _, err = await cli("consult", "opinion", "RC-COMPILED-1", "Y-KIEN-BO-NGANH", str(EXAMPLES / "10-opinion.json"))
    assert code == 0, err
    code, _, err = await cli("consult", "compile", "RC-COMPILED-1", "Y-KIEN-BO-NGANH", str(tmp_path / "compilation.json"))
    assert code == 0, err

    code, out, err = await cli("decide", "RC-COMPILED-1", str(tmp_path / "early.json"))
    assert code == 2 and "occurred_on" in err and "(rule: not_before_round)" in err, (
        f"drafting approved on {early['occurred_on']}, before its round was opened and compiled on {today}: {out or err}")
