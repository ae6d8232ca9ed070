"""`legis consult` and `legis programme` and `legis tokens` as an operator runs them: rounds opened, answered and shown
(a public posting's comments of the public counted), the programme changed, a ministry's tokens issued."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from schemas.public import PublicComment
from store import public
from tests.drafts import EXAMPLES, example
from tests.polling import eventually
from workflows.sessions import last_day_of


async def test_a_public_round_shows_the_public_s_comments_still_to_answer(cli, tmp_path):
    """Found by a fresh-user trial: `consult show` of a public posting with a comment of the public said "comments to
    answer: none", where the compilation is refused until the public's comments are answered by article."""
    sid, _ = await _at_drafting(cli, tmp_path, "PUB")
    posting = json.loads((tmp_path / "09-consultation.json").read_text(encoding="utf-8")) | {
        "round_id": "CONG-KHAI", "kind": "PUBLIC_POSTING", "consultees": []}
    (tmp_path / "posting.json").write_text(json.dumps(posting), encoding="utf-8")
    code, _, err = await cli("consult", "open", sid, str(tmp_path / "posting.json"))
    assert code == 3 and "draft_text_filed" in err, err  # the public reads the draft it comments on: its text first
    code, _, err = await cli("file", sid, str(tmp_path / "dossier-filing.json"))
    assert code == 0, err
    code, _, err = await cli("consult", "open", sid, str(tmp_path / "posting.json"))
    assert code == 0, err
    db = await asyncpg.connect(cli.env["LEGIS_DATABASE_URL"])
    try:
        await eventually(lambda: public.public_round(db, sid, "CONG-KHAI"), lambda posted: posted is not None)
        await public.take(db, sid, "CONG-KHAI", PublicComment(article=3, text="Định nghĩa tại Điều 3 chưa rõ."), b"sender")
        await public.take(db, sid, "CONG-KHAI", PublicComment(text='=HYPERLINK("http://x.invalid","Xem")'), b"another")
    finally:
        await db.close()
    code, out, err = await cli("consult", "show", sid, "CONG-KHAI")
    assert code == 0, err
    assert re.search(r"public comments to answer\W+2 \(answered by article before the compilation\)", out), out
    # A script reads the same count (found by a new user: the table had it, the JSON not).
    code, as_json, err = await cli("consult", "show", sid, "CONG-KHAI", "--json")
    assert code == 0 and json.loads(as_json)["public_unanswered"] == 2, as_json + err
    # Its last day, as the public page says it (found by an operator's trial: "closes 2026-12-23T00:00:00+07:00" read as the 23rd).
    last = last_day_of(datetime.fromisoformat(json.loads(as_json)["closes_at"]))
    assert re.search(rf"window\W+closes at the end of {last} \(Ha Noi\)", out), out
    code, status, err = await cli("status", sid)  # and the draft's status the same (found by a breaker)
    assert code == 0 and f"closes at the end of {last} (Ha Noi)" in " ".join(status.split()), status + err
    # Withdrawn, the round is cancelled: it asks for no answer (found by a new user: "to answer before the compilation").
    withdraw = json.loads((tmp_path / "12-programme-defer.json").read_text(encoding="utf-8")) | {"kind": "WITHDRAW", "to_session": None}
    (tmp_path / "withdraw.json").write_text(json.dumps(withdraw), encoding="utf-8")
    code, _, err = await cli("programme", sid, str(tmp_path / "withdraw.json"))
    assert code == 0, err
    shown = await eventually(lambda: cli("consult", "show", sid, "CONG-KHAI"), lambda answer: "no compilation to come" in answer[1])
    assert re.search(r"public comments unanswered\W+2 \(none will be: no compilation to come\)", shown[1]), shown
    assert "before the compilation" not in shown[1] and "comments to answer" not in shown[1], shown
    # The lead ministry reads them offline, as a spreadsheet opens them (found by a public trial: the API alone, 200 a page);
    # a text that begins as a formula is written so as not to run.
    code, out, err = await cli("consult", "export", sid, "CONG-KHAI", str(tmp_path / "y-kien.csv"))
    assert code == 0 and "2 comments of the public written to" in out, err
    raw = (tmp_path / "y-kien.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert raw.startswith(b"\xef\xbb\xbf") and rows[0] == ["comment_id", "article", "received_at", "answered", "text"]
    assert [(r[1], r[3], r[4]) for r in rows[1:]] == [("3", "no", "Định nghĩa tại Điều 3 chưa rõ."),
                                                      ("", "no", '\'=HYPERLINK("http://x.invalid","Xem")')], rows
    code, _, err = await cli("consult", "export", sid, "KHONG-CO", str(tmp_path / "none.csv"))
    assert code == 4 and "(rule: public_round_unknown)" in err and not (tmp_path / "none.csv").exists(), err
    # A path it cannot write is refused by name, as `legis export -o` refuses it, and - is standard output as there (found
    # by a new user: a traceback for a folder, and a file named "-").
    (tmp_path / "a-folder").mkdir()
    for target in (tmp_path / "a-folder", tmp_path / "no-such-folder" / "y-kien.csv"):
        code, _, err = await cli("consult", "export", sid, "CONG-KHAI", str(target))
        assert code == 2 and "Traceback" not in err and "cannot write" in err and "(rule: writable_path)" in err, err
    code, out, err = await cli("consult", "export", sid, "CONG-KHAI", "-")
    assert code == 0 and out.startswith("comment_id,article,received_at,answered,text") and "2 comments of the public written to standard output" in err, (out, err)


async def test_the_cli_reads_a_classified_draft_as_an_operator_does_through_the_api(cli, tmp_path):
    """Found by a new user: `legis status` and `legis history` printed a classified draft's title, lead ministry and
    officials, which the README says are "(classified)" to everyone but its lead ministry, operators included (the
    export and `legis list` withheld them)."""
    sid, ministry = await _at_drafting(cli, tmp_path, "MAT", classified=True)
    title = json.loads((tmp_path / "start-request.json").read_text(encoding="utf-8"))["title"]
    official = json.loads((tmp_path / "01-policy-proposal.json").read_text(encoding="utf-8"))["official"]
    for command in (("status", sid), ("history", sid), ("versions", sid, "--json"), ("status", sid, "--json"), ("history", sid, "--json")):
        code, out, err = await cli(*command)
        assert code == 0 and ("(classified)" in out or command[0] == "versions"), (command, out, err)  # versions name no document
        assert title not in out and official not in out and ministry not in out, (command, out)
    # `legis list` says what it withholds, where blank cells read as none (found by a fresh-user trial).
    code, out, _ = await eventually(lambda: cli("list", "--stage", "DRAFTING", "--output", "json"), lambda answer: sid in answer[1])
    [row] = [r for r in json.loads(out) if r["workflow_id"] == f"draft-law-{sid}"]
    assert code == 0 and (row["lead_ministry"], row["target_session"], row["title"]) == ("(classified)",) * 3, row


async def _at_drafting(cli, tmp_path: Path, prefix: str, *, classified: bool = False) -> tuple[str, str]:
    """A draft of a ministry of its own started and carried to DRAFTING by the CLI from the examples, which are written
    to `tmp_path` for it; its submission ID and lead ministry."""
    sid = f"{prefix}-{uuid.uuid4().hex[:8]}"
    ministry = prefix + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    start = json.loads((tmp_path / "start-request.json").read_text(encoding="utf-8")) | {"classified": classified}
    (tmp_path / "start-request.json").write_text(json.dumps(start, ensure_ascii=False), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start-request.json")))[0] == 0
    for name in ("01-policy-proposal.json", "02-programme.json"):
        assert (await cli("decide", sid, str(tmp_path / name)))[0] == 0
    return sid, ministry


async def test_consultation_programme_and_token_commands(cli, tmp_path):
    sid, ministry = await _at_drafting(cli, tmp_path, "CLI")

    code, out, err = await cli("consult", "open", sid, str(tmp_path / "09-consultation.json"), "--json")
    assert code == 0, err
    assert [r["round_id"] for r in json.loads(out)["open_consultations"]] == ["Y-KIEN-BO-NGANH"]
    code, out, err = await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "10-opinion.json"))
    assert code == 0 and "opinion of BTC taken: 2 comments; 2 consultees awaited" in out, out + err
    code, _, err = await cli("consult", "compile", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "11-compilation.json"))
    assert code == 3 and "round_still_open" in err
    code, out, _ = await cli("consult", "show", sid, "Y-KIEN-BO-NGANH", "--json")
    assert code == 0 and json.loads(out)["awaiting"] == ["BNV", "BCA"]
    # Its last day, as `consult show` says it, not the midnight that ends it (found by a public consultation's trial).
    last_day = (datetime.fromisoformat(json.loads(out)["closes_at"]) - timedelta(seconds=1)).date()
    assert f"the round takes opinions until the end of {last_day} (Ha Noi)" in " ".join(err.split()), err
    # Found by a new user: the last awaited answer was told "the round closes" at the window's end, though it closed then.
    for consultee in ("BNV", "BCA"):
        agrees = json.loads((tmp_path / "10-opinion.json").read_text(encoding="utf-8")) | {"consultee": consultee, "comments": []}
        (tmp_path / f"agrees-{consultee}.json").write_text(json.dumps(agrees), encoding="utf-8")
        code, out, err = await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / f"agrees-{consultee}.json"))
        assert code == 0 and ("the round closes now, every consultee having answered" in out) is (consultee == "BCA"), out + err
    code, _, err = await cli("consult", "show", sid, "NO-SUCH-ROUND")
    assert code == 4 and f"round_id: no consultation round NO-SUCH-ROUND of draft {sid}" in err
    # Found by a ministry's trial: a round ID typed in other letter case was a bare "not found".
    code, _, err = await cli("consult", "show", sid, "y-kien-bo-nganh")
    assert code == 4 and "y-kien-bo-nganh of draft" in err and "; Y-KIEN-BO-NGANH differs from it only in letter case" in err, err
    code, _, err = await cli("decide", sid, str(tmp_path / "03-drafting.json"))
    assert code == 3 and "consultation_open" in err
    code, _, err = await cli("consult", "hand-back", sid, "Y-KIEN-BO-NGANH")  # awaiting its compilation: nothing to hand back
    assert code == 3 and "(rule: round_completed)" in err, err

    code, out, err = await cli("programme", sid, str(tmp_path / "12-programme-defer.json"), "--json")
    assert code == 0 and json.loads(out)["target_session"]["session"] == 3, err

    code, out, err = await cli("tokens", "issue", ministry, "LEAD_MINISTRY", "--by", "VPCP operator", "--label", "document system")
    assert code == 0 and "legis_" in out, err
    token_id = out.split()[1].rstrip(":")
    code, out, err = await cli("tokens", "issue", ministry, "LEAD_MINISTRY", "--by", "VPCP operator", "--label", "until 2099",
                               "--expires", "2099-12-31")
    assert code == 0 and "valid through 2099-12-31" in out, out + err
    code, out, _ = await cli("tokens", "list")
    assert code == 0 and token_id in out and "document system" in out
    assert "2099-12-31" in out and "2100-01-01" not in out  # the last day it is valid, as it was issued
    assert (await cli("tokens", "revoke", token_id, "--by", "VPCP operator"))[0] == 0
    code, _, err = await cli("tokens", "revoke", token_id, "--by", "VPCP operator")
    assert code == 3 and f"token {token_id} was revoked at" in err
    code, _, err = await cli("tokens", "revoke", "000000000000", "--by", "VPCP operator")
    assert code == 4 and "no token 000000000000" in err
    code, _, err = await cli("tokens", "issue", "BTP", "MOJ", "--by", " ")
    assert code == 2 and "by: must not be only spaces (rule: not_blank)" in err, err  # who issued it is recorded
    code, _, err = await cli("tokens", "issue", "bad code", "MOJ", "--by", "x")
    assert code == 2 and "agency_code" in err
    code, out, err = await cli("tokens", "issue", "BTP", "MOJ", "--by", "x", "--expires", "2099-12-31", "--output", "json")
    assert code == 0 and json.loads(out)["expires_at"] == "2100-01-01T00:00:00+07:00", err
    code, out, err = await cli("tokens", "issue", "BTP", "MOJ", "--by", "x", "--expires", "2099-12-31")
    assert code == 0 and "BTP as MOJ, valid through 2099-12-31 (Ha Noi)" in out, err
    code, _, err = await cli("tokens", "issue", "BTP", "MOJ", "--by", "x", "--expires", "2020-01-01")
    assert code == 2 and "expires: 2020-01-01 has passed" in err
    code, out, _ = await cli("refusals", "--json")
    assert code == 0 and isinstance(json.loads(out), list)


async def test_a_tokens_role_is_the_actor_a_decision_names_not_the_office_its_official_holds(cli):
    """Found by a fresh-user trial: a token took `PM` where a decision's `role` took `PRIME_MINISTER`, and an office given
    for a token was refused by its spelling alone. A token acts as a body, a decision's `actor`; an office is refused
    saying so and naming the bodies an official in it acts for, and the help says which it is."""
    for office, acting in (("PRIME_MINISTER", "GOVERNMENT or PM"), ("minister", "LEAD_MINISTRY or MOJ")):
        code, _, err = await cli("tokens", "issue", "CP", office, "--by", "operator")
        assert code == 2 and err.startswith(f"invalid: role: {office.upper()} is an office an official holds (a decision's `role`)"), err
        assert f"for an official in that office {acting}: one of LEAD_MINISTRY, MOJ, " in err and "(rule: actor_not_office)" in err, err
    code, _, err = await cli("tokens", "issue", "CP", "FOO", "--by", "operator")
    assert code == 2 and "role: 'FOO' is not an actor" in err and "CONSULTEE, OPERATOR (rule: enum)" in err, err
    code, out, err = await cli("tokens", "issue", "CP", "pm", "--by", "operator", "--output", "json")
    assert code == 0 and json.loads(out)["role"] == "PM", err
    code, out, _ = await cli("tokens", "issue", "--help", env=cli.env | {"COLUMNS": "400"})
    assert code == 0 and "a decision's `actor` (PM), not the office its official holds, the decision's `role` (PRIME_MINISTER)" in out, out


async def test_a_whole_token_given_where_its_id_is_expected_is_refused_naming_its_id_never_its_secret(cli):
    """Found in a user trial: `legis tokens revoke <the secret>` answered `not found: token_id: no token legis_..._<the
    whole secret>`. The command takes an ID: it names the ID to give, and no failure of `legis` quotes a secret."""
    code, out, err = await cli("tokens", "issue", "BGDDT", "LEAD_MINISTRY", "--by", "VPCP operator")
    assert code == 0, err
    token_id = out.split()[1].rstrip(":")
    token = re.search(r"legis_[0-9a-f]{12}_\S+", out).group()
    secret = token.removeprefix(f"legis_{token_id}_")
    code, out, err = await cli("tokens", "revoke", token, "--by", "x")
    assert code == 2 and f"its ID is {token_id}" in err and "(rule: token_id_not_secret)" in err and secret not in out + err, out + err
    code, out, _ = await cli("tokens", "revoke", token, "--by", "x", "--output", "json")
    assert code == 2 and json.loads(out)["rule"] == "token_id_not_secret" and secret not in out
    code, out, _ = await cli("tokens", "list", "--output", "json")
    assert [t["revoked_at"] for t in json.loads(out) if t["token_id"] == token_id] == [None], "nothing revoked on a guess"
    code, out, err = await cli("status", token)
    assert code == 4 and f"legis_{token_id}_[redacted]" in err and secret not in out + err, out + err



async def test_a_message_sent_by_the_cli_to_a_classified_draft_answers_as_an_operator_reads_it(cli, tmp_path):
    """Found by a trial: `legis decide` and `consult open` printed a classified draft's title, lead ministry, session and
    cut-off after applying the message (`legis status` withholds them), and a refusal quoted its session's opening day."""
    sid, ministry = await _at_drafting(cli, tmp_path, "MAT", classified=True)
    title = json.loads((tmp_path / "start-request.json").read_text(encoding="utf-8"))["title"]
    for command in (("consult", "open", sid, str(tmp_path / "09-consultation.json"), "--output", "json"),
                    ("file", sid, str(tmp_path / "dossier-filing.json"))):
        code, out, err = await cli(*command)
        assert code == 0 and "(classified)" in out, (out, err)
        assert title not in out and ministry not in out and "16-2" not in out and "opening" not in out, out
    deferred = json.loads((tmp_path / "12-programme-defer.json").read_text(encoding="utf-8"))
    deferred["to_session"] |= {"session": 1, "opens_on": "2027-01-10"}  # before the draft's: refused, naming its opening day
    (tmp_path / "earlier.json").write_text(json.dumps(deferred, ensure_ascii=False), encoding="utf-8")
    code, out, err = await cli("programme", sid, str(tmp_path / "earlier.json"))
    assert code == 2 and "(rule: later_session)" in err and "details withheld" in err, err
    assert "a draft moves to a session after the current one" not in err and ministry not in err, err


async def test_legis_consult_compile_prints_a_classified_round_as_consult_show_does(cli, tmp_path):
    """Found by a breaker: the compilation's answer printed the classified round's officials, which `consult show`
    withholds from any reader but its lead ministry."""
    sid, ministry = await _at_drafting(cli, tmp_path, "MAT", classified=True)
    official = json.loads((tmp_path / "10-opinion.json").read_text(encoding="utf-8"))["official"]
    assert (await cli("consult", "open", sid, str(tmp_path / "09-consultation.json")))[0] == 0
    assert (await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "10-opinion.json")))[0] == 0
    for consultee in ("BNV", "BCA"):
        agrees = json.loads((tmp_path / "10-opinion.json").read_text(encoding="utf-8")) | {"consultee": consultee, "comments": []}
        (tmp_path / f"agrees-{consultee}.json").write_text(json.dumps(agrees, ensure_ascii=False), encoding="utf-8")
        assert (await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / f"agrees-{consultee}.json")))[0] == 0
    for output in ("table", "json"):
        code, shown, err = await cli("consult", "show", sid, "Y-KIEN-BO-NGANH", "--output", output)
        assert code == 0 and official not in shown, (shown, err)
    code, compiled, err = await cli("consult", "compile", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "11-compilation.json"), "--output", "json")
    assert code == 0 and '"compiled": true' in compiled, (compiled, err)
    assert official not in compiled and ministry not in compiled, compiled


async def test_legis_start_confirms_no_guess_of_a_classified_draft_s_values(cli, tmp_path):
    """Found by a trial: `legis start` under a classified draft's ID named which values differed (lead ministry, then
    title, session) and exited 0 once every guess was right. Answered alike whatever the start holds."""
    sid, ministry = await _at_drafting(cli, tmp_path, "MAT", classified=True)
    same = json.loads((tmp_path / "start-request.json").read_text(encoding="utf-8"))
    (tmp_path / "guess.json").write_text(json.dumps(same | {"title": "Luật đoán thử"}, ensure_ascii=False), encoding="utf-8")
    answers = [await cli("start", str(tmp_path / name)) for name in ("start-request.json", "guess.json")]
    assert all(code == 3 and "(rule: submission_exists)" in err and "nothing was started" in err for code, _, err in answers), answers
    assert answers[0][2] == answers[1][2] and "title" not in answers[1][2] and ministry not in answers[1][2], answers


async def test_an_opinion_and_a_compilation_sent_again_under_their_request_id_are_taken_once(cli, dev_env, tmp_path):
    """`--request-id` on a round's messages, as the API's Idempotency-Key (found by a review: a command whose answer did
    not come could not be sent again, the round refusing the consultee's second opinion)."""
    sid, _ = await _at_drafting(cli, tmp_path, "ONCE")
    assert (await cli("consult", "open", sid, str(tmp_path / "09-consultation.json")))[0] == 0
    opinion = ("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "10-opinion.json"))
    first = await cli(*opinion, "--request-id", "dms-opinion-1")
    assert first[0] == 0 and "opinion of BTC taken: 2 comments; 2 consultees awaited" in first[1], first
    code, again, _ = await cli(*opinion, "--request-id", "dms-opinion-1")  # told it was taken before (a fresh-user trial)
    assert code == 0 and "opinion of BTC already taken under request dms-opinion-1: 2 comments; 2 consultees awaited then" in again
    code, again, _ = await cli(*opinion, "--request-id", "dms-opinion-1", "--json")
    assert code == 0 and json.loads(again)["duplicate"] and json.loads(again)["consultee"] == "BTC"
    code, _, err = await cli(*opinion)
    assert code == 3 and "consultee: BTC has already answered (rule: answered_once)" in err, err  # without it, refused as before
    # The same key with another message is refused, never answered with the first's receipt (found by a breaker: BNV's
    # opinion was dropped as taken), nor, for a compilation, decoded from an opinion's answer (a traceback).
    bnv = json.loads((tmp_path / "10-opinion.json").read_text(encoding="utf-8")) | {"consultee": "BNV", "comments": []}
    (tmp_path / "bnv.json").write_text(json.dumps(bnv), encoding="utf-8")
    code, _, err = await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "bnv.json"), "--request-id", "dms-opinion-1")
    assert code == 2 and "request_id: request ID 'dms-opinion-1' was taken with another message by this round" in err, err
    assert "(rule: idempotency_key_reused)" in err
    code, _, err = await cli("consult", "compile", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "11-compilation.json"), "--request-id", "dms-opinion-1")
    assert code == 2 and "(rule: idempotency_key_reused)" in err and "Traceback" not in err, err
    code, out, _ = await cli("consult", "comments", sid, "Y-KIEN-BO-NGANH", "--json")
    assert code == 0 and len(json.loads(out)["comments"]) == 2  # recorded once

    for consultee in ("BNV", "BCA"):
        agrees = json.loads((tmp_path / "10-opinion.json").read_text(encoding="utf-8")) | {"consultee": consultee, "comments": []}
        (tmp_path / f"agrees-{consultee}.json").write_text(json.dumps(agrees), encoding="utf-8")
        assert (await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / f"agrees-{consultee}.json")))[0] == 0
    compile_ = ("consult", "compile", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "11-compilation.json"), "--json")
    code, out, err = await cli(*compile_, "--request-id", "dms-compile-1")
    assert code == 0 and json.loads(out)["compiled"] and json.loads(out)["unanswered_comments"] == [] and not json.loads(out)["duplicate"], err
    # The round has ended with the compilation: the same key gets its answer again, another key is refused.
    assert json.loads((await cli(*compile_, "--request-id", "dms-compile-1"))[1]) == json.loads(out) | {"duplicate": True}
    code, again, _ = await cli(*compile_[:-1], "--request-id", "dms-compile-1")
    assert code == 0 and again.startswith("compilation already taken under request dms-compile-1; the round as it answered then:")
    code, out, _ = await cli(*compile_, "--request-id", "dms-compile-2")
    assert code == 3 and (json.loads(out)["rule"], json.loads(out)["kind"]) == ("round_closed", "CLOSED"), out

    # A draft whose workflow was ended by hand takes no opinion for its abandoned rounds, as the API answers.
    (tmp_path / "ended").mkdir()
    other, _ = await _at_drafting(cli, tmp_path / "ended", "GONE")
    assert (await cli("consult", "open", other, str(tmp_path / "ended" / "09-consultation.json")))[0] == 0
    taken = await cli("consult", "opinion", other, "Y-KIEN-BO-NGANH", str(tmp_path / "ended" / "10-opinion.json"), "--request-id", "gone-1")
    assert taken[0] == 0, taken
    await dev_env.client.get_workflow_handle(f"draft-law-{other}").terminate("test")
    code, _, err = await cli("consult", "opinion", other, "Y-KIEN-BO-NGANH", str(tmp_path / "ended" / "10-opinion.json"))
    assert code == 3 and "submission_id: the draft's workflow ended (TERMINATED): its rounds take no opinion (rule: draft_closed)" in err, err
    # Nor a compilation, which its round would take and then fail, its result told to no draft (found by a breaker).
    code, _, err = await cli("consult", "compile", other, "Y-KIEN-BO-NGANH", str(tmp_path / "ended" / "11-compilation.json"))
    assert code == 3 and "its rounds take no compilation (rule: draft_closed)" in err, err
    # A retry of the opinion taken before the draft ended gets its answer (found by a breaker: refused `draft_closed`).
    code, again, _ = await cli("consult", "opinion", other, "Y-KIEN-BO-NGANH", str(tmp_path / "ended" / "10-opinion.json"), "--request-id", "gone-1")
    assert code == 0 and "opinion of BTC already taken under request gone-1: 2 comments" in again, again


def test_a_round_s_consultee_that_answered_in_batches_is_listed_once(monkeypatch):
    """Found by a re-check: `legis consult show` listed PUBLIC once for each batch of the public's comments the lead ministry
    forwarded to a round of written opinions."""
    from rich.console import Console

    from cli import consult
    from cli.output import Format, choose
    from schemas.consultation import Answer, ConsultationKind, ConsultationView

    at = datetime(2027, 1, 4, 3, tzinfo=UTC)
    view = ConsultationView(round_id="Y-KIEN", kind=ConsultationKind.WRITTEN_OPINIONS, closes_at=at, closed=False, awaiting=("BNV",),
                            answers=(Answer(consultee="PUBLIC", at=at, comments=2), Answer(consultee="BTC", at=at, comments=1),
                                     Answer(consultee="PUBLIC", at=at, comments=5)),
                            silent=(), comments=8, unanswered_comments=(), compiled=False)
    shown = io.StringIO()
    monkeypatch.setattr(consult, "out", Console(file=shown, width=200))
    choose(Format.TABLE, False)
    consult._print_round(view)
    assert "PUBLIC (2 batches), BTC" in shown.getvalue(), shown.getvalue()
