"""`legis consult answer`: the lead ministry answers the public's comments by article from the CLI (found by a public
consultation's trial: the inbox and `consult compile` sent it to answer them first, and only raw HTTP could)."""

from __future__ import annotations

import json

import asyncpg

from schemas.public import PublicComment
from store import public
from tests.polling import eventually
from tests.test_cli_consult import _at_drafting


async def test_the_lead_ministry_answers_the_publics_comments_by_article(cli, tmp_path):
    sid, ministry = await _at_drafting(cli, tmp_path, "ANS")
    posting = json.loads((tmp_path / "09-consultation.json").read_text(encoding="utf-8")) | {
        "round_id": "CONG-KHAI", "kind": "PUBLIC_POSTING", "consultees": []}
    (tmp_path / "posting.json").write_text(json.dumps(posting), encoding="utf-8")
    assert (await cli("file", sid, str(tmp_path / "dossier-filing.json")))[0] == 0
    assert (await cli("consult", "open", sid, str(tmp_path / "posting.json")))[0] == 0
    answer = {"agency_code": ministry, "official": "Vụ trưởng", "article": 3, "response": "EXPLAINED", "explanation": "Đã quy định tại Nghị định."}
    (tmp_path / "answer.json").write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    db = await asyncpg.connect(cli.env["LEGIS_DATABASE_URL"])
    try:
        await eventually(lambda: public.public_round(db, sid, "CONG-KHAI"), lambda posted: posted is not None)
        await public.take(db, sid, "CONG-KHAI", PublicComment(article=3, text="Định nghĩa tại Điều 3 chưa rõ."), b"sender")
        await public.take(db, sid, "CONG-KHAI", PublicComment(text="Góp ý chung cho dự thảo."), b"another")
        code, _, err = await cli("consult", "answer", sid, "CONG-KHAI", str(tmp_path / "answer.json"))
        assert code == 3 and "(rule: round_still_open)" in err, err  # answered once the window has closed
        # The window's end, as the round's close writes it.
        await db.execute("UPDATE public_rounds SET closed_at = now() WHERE submission_id = $1 AND round_id = 'CONG-KHAI'", sid)
    finally:
        await db.close()
    (tmp_path / "other.json").write_text(json.dumps(answer | {"agency_code": "BYT"}), encoding="utf-8")
    code, _, err = await cli("consult", "answer", sid, "CONG-KHAI", str(tmp_path / "other.json"))
    assert code != 0 and "(rule: lead_ministry_only)" in err, err
    code, out, err = await cli("consult", "answer", sid, "CONG-KHAI", str(tmp_path / "answer.json"))
    assert code == 0 and "1 comment answered; 1 of the round still without an answer" in " ".join(out.split()), out + err
    whole = answer | {"article": None, "whole_draft": True, "response": "ACCEPTED", "explanation": ""}
    (tmp_path / "whole.json").write_text(json.dumps(whole, ensure_ascii=False), encoding="utf-8")
    code, out, err = await cli("consult", "answer", sid, "CONG-KHAI", str(tmp_path / "whole.json"), "--json")
    assert code == 0 and json.loads(out)["unanswered"] == 0, out + err
    code, out, _ = await cli("consult", "show", sid, "CONG-KHAI", "--json")
    assert json.loads(out)["public_unanswered"] == 0, out
