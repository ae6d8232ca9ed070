"""The pages refuse what the API refuses, as HTML in the page's language: a board filter the API's list would refuse
(a stage, a session, an unknown parameter, a report's period) is refused with its field and rule, never ignored; a form
with a field left empty or too long shows the page with the refusal in Vietnamese; the JSON API keeps problem+json.
Every stage has a name on the page in both languages (the timeline: tests/test_board_timeline.py). Through the API's
app and a real PostgreSQL (no Temporal needed)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from activities.reports import ReportRow
from api.tokens import issue
from schemas.enums import CallerRole, DocumentKind, ProcessVersion, Stage
from schemas.records import RegistryRow
from store import board, public
from tests.test_board_forms import app_client, posted_round, token_of
from web.charts import per_ministry, trend
from web.refusals import FIELD_SENTENCES, LABELS, PUBLIC_RATE_LIMITED, SENTENCES, explain, label_of
from web.render import environment, translations

OPTION = re.compile(r'<option value="([A-Z_]+)"[^>]*>([^<]*)</option>')


async def signed_in(http: httpx.AsyncClient, pool, *, language: str = "vi", agency: str = "VPCP", role: CallerRole = CallerRole.OPERATOR) -> str:
    """Signed in to the board with a new token of `agency` in `role` (whoever was signed in before is signed out)."""
    http.cookies.clear()
    _, secret = await issue(pool, agency_code=agency, role=role, issued_by="test")
    http.cookies.set("legis_lang", language)
    token = token_of(await http.get("/board/signin"))
    assert (await http.post("/board/signin", data={"token": secret, "csrftoken": token})).status_code == 303
    return secret


def is_page(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text[-1500:]
    assert answer.headers["content-type"].startswith("text/html"), answer.headers["content-type"]
    return html.unescape(answer.text)


@pytest.mark.parametrize(("query", "field", "rule"), [
    ("stage=FOO", "stage", "enum"),
    ("session=15-95", "session", "regular_session_ordinal"),
    ("session=16-02", "session", "session_code"),
    ("ministry=bgddt", "ministry", "string_pattern_mismatch"),
    ("state=LATE", "state", "literal_error"),
    ("stag=DRAFTING", "stag", "unknown_parameter"),
    ("q=a", "q", "string_too_short"),
])
async def test_a_board_filter_the_api_refuses_is_refused_on_the_page(pool, query, field, rule):
    async with app_client(pool) as http:
        secret = await signed_in(http, pool)
        text = is_page(await http.get(f"/board/drafts?{query}"), 422)
        assert f"trường {field}, quy tắc {rule}" in text and "<table>" not in text, text[-1500:]
        # The API's list refuses the same with the same rule, as a problem.
        api_query = query.replace("state=LATE", "overdue=maybe").replace("stag=", "stages=")
        api = await http.get(f"/v1/submissions?{api_query}", headers={"Authorization": f"Bearer {secret}"})
        assert api.status_code == 422 and api.headers["content-type"] == "application/problem+json"
        if rule != "literal_error":
            assert api.json()["rule"] == rule
        if field == "ministry":  # the report's pages too (found by a new user: an all-zero report for bgddt)
            for page_path in ("/board/ministries", "/board/ministries.csv"):
                assert f"trường {field}, quy tắc {rule}" in is_page(await http.get(f"{page_path}?{query}"), 422)


@pytest.mark.parametrize(("agency", "role", "linked"), [
    ("UBPLTP", CallerRole.NA_COMMITTEE, False), ("BTP", CallerRole.MOJ, False), ("VPCP", CallerRole.OPERATOR, True),
    ("BYT", CallerRole.LEAD_MINISTRY, True), ("UBTVQH", CallerRole.UBTVQH, True),
])
async def test_the_ministries_report_is_linked_for_the_roles_that_read_it(pool, agency, role, linked):
    # Found by a committee's trial: every token was offered the report, and a committee's was then refused it.
    async with app_client(pool) as http:
        await signed_in(http, pool, agency=agency, role=role)
        board = is_page(await http.get("/board/drafts"), 200)
        assert ('href="/board/ministries"' in board) is linked
        assert (await http.get("/board/ministries")).status_code == (200 if linked else 403)


async def test_the_filter_form_as_sent_and_good_filters_list_drafts(pool):
    async with app_client(pool) as http:
        await signed_in(http, pool)
        for query in ("q=&ministry=&stage=&session=&state=&offset=0", "stage=DRAFTING&session=16-E9&state=OVERDUE"):
            listed = is_page(await http.get(f"/board/drafts?{query}"), 200)
            assert "dự án" in listed and "Tìm thấy" in listed and "quy tắc" not in listed


@pytest.mark.parametrize(("path", "status", "expected"), [
    ("/board/ministries?since=bad", 422, "trường since, quy tắc date_from_datetime_parsing"),
    ("/board/ministries.csv?until=1764547200", 422, "trường until, quy tắc date_from_datetime_parsing"),
    ("/board/ministries?since=2027-03-01&until=2027-02-01", 422, "trường until, quy tắc after_since"),
    ("/board/ministries.csv?since=1800-01-01", 422, "trường since, quy tắc date_in_range"),
    ("/board?x=1", 422, "trường x, quy tắc unknown_parameter"),
    ("/board/inbox?sent=A&x=1", 422, "quy tắc unknown_parameter"),
    ("/public?page=2", 422, 'data-field="page" data-rule="unknown_parameter"'),  # the public reads no codes
])
async def test_every_page_answers_html_for_a_refusal(pool, path, status, expected):
    async with app_client(pool) as http:
        await signed_in(http, pool)
        text = is_page(await http.get(path), status)
        assert expected in text and "Bị từ chối" in text, text[-1500:]
        assert "Ngày kết thúc phải sau ngày bắt đầu" in text if "after_since" in expected else True


async def test_a_page_path_that_names_no_page_answers_the_pages_not_found_and_the_api_keeps_its_problem(pool):
    async with app_client(pool) as http:
        await signed_in(http, pool)
        for path in ("/board/nothing-here", "/board/drafts/X-1/more", "/public/a/b/c"):
            text = is_page(await http.get(path), 404)
            assert "Không tìm thấy" in text, (path, text[-800:])
        public = is_page(await http.get("/public/a/b/c"), 404)
        assert 'href="/public">legis' in public and 'href="/board">legis' not in public
        api = await http.get("/v1/nothing-here")
        assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
        assert api.json()["rule"] == "route_unknown"
        assert (await http.get("/publicity")).headers["content-type"] == "application/problem+json"


async def test_the_language_switch_lands_on_a_page_and_refuses_a_language_the_pages_do_not_have(pool):
    """Found in a user trial: `/language/en` without `back`, or with another site's address, redirected to `/`, which is
    404 `route_unknown`; and `/language/fr` was taken silently."""
    async with app_client(pool) as http:
        for query in ("", "?back=https://evil.example/", "?back=//evil.example/board", "?back=/", "?back=/v1/submissions",
                      "?back=/boardx"):
            switched = await http.get(f"/language/en{query}")
            assert (switched.status_code, switched.headers["location"]) == (303, "/board"), (query, switched.headers)
            assert switched.cookies["legis_lang"] == "en"
            landed = await http.get("/board", follow_redirects=True)
            assert landed.status_code == 200 and landed.headers["content-type"].startswith("text/html"), query
        for back in ("/public", "/board/drafts?stage=DRAFTING", "/public/X-1/r1"):
            switched = await http.get("/language/vi", params={"back": back})
            assert (switched.status_code, switched.headers["location"]) == (303, back)
        # Found by a fresh-user trial: a path a browser resolves out of the board (`/board/../v1/submissions` is
        # `/v1/submissions`) was sent back as given; so is the sign-in's `next`.
        escapes = ("/board/../v1/submissions", "/public/../v1/submissions", "/board/%2e%2e/v1/submissions", "/board/.%2E/v1",
                   "/public/X-1/%2E%2E/%2e%2e/v1/submissions", "/board/x/../../v1", "/board/..\\v1", "/board/..%5Cv1",
                   "/board/\t../v1", "/board/..//evil.example", "/board/./drafts")
        for back in escapes:
            switched = await http.get("/language/vi", params={"back": back})
            # One pressed on a public page, to the public list (`web.refusals.page_back`).
            landing = "/public" if back.startswith("/public") else "/board"
            assert (switched.status_code, switched.headers["location"]) == (303, landing), (back, switched.headers)
        http.cookies.set("legis_lang", "vi")
        refused = await http.get("/language/fr?back=/public")
        text = is_page(refused, 422)
        # Pressed on a public page, refused as the public's pages refuse: their header, the rule in the markup alone (found
        # by the public's trial: the board's header, and "(trường language, quy tắc literal_error)" to a citizen).
        assert _coded(text, "language", "literal_error") and "Không thuộc các giá trị được chọn" in text, text[-1500:]
        assert 'href="/public">legis' in text and "Bảng theo dõi xây dựng luật" not in text, text[:1500]
        board_side = is_page(await http.get("/language/fr?back=/board"), 422)
        assert "trường language, quy tắc literal_error" in board_side, board_side[-1500:]
        assert "legis_lang" not in refused.cookies and "location" not in refused.headers
        # Its way out is the page the switch was pressed on, not its own address again (found by a new user: a loop).
        assert '<a href="/public">' in text and 'href="/language/fr' not in text, text[-800:]
        http.cookies.set("legis_lang", "en")
        text = is_page(await http.get("/language/fr"), 422)
        assert "field language, rule literal_error" in text and "Not one of the choices: 'vi' or 'en'" in text, text[-1500:]
        # The refused switch's way back is checked alike: a tab a browser drops from a link made `/board/../v1`.
        text = is_page(await http.get("/language/fr", params={"back": "/board/\t../v1/submissions"}), 422)
        assert '<a href="/board">' in text and "../v1" not in text, text[-800:]
        _, secret = await issue(pool, agency_code="VPCP", role=CallerRole.OPERATOR, issued_by="test")
        for next_page in escapes:
            http.cookies.clear()
            form = {"token": secret, "next": next_page, "csrftoken": token_of(await http.get("/board/signin"))}
            signed = await http.post("/board/signin", data=form)
            assert (signed.status_code, signed.headers["location"]) == (303, "/board"), (next_page, signed.headers)


async def test_a_page_answers_head_as_it_answers_get_without_a_body(pool):
    """Found by a new user: `HEAD /board` answered 405 where GET answers the page (a link checker's or a monitor's request)."""
    async with app_client(pool) as http:
        await signed_in(http, pool)
        for path in ("/board", "/board/drafts", "/board/sessions", "/public", "/board/signin", "/docs", "/redoc"):
            got, head = await http.get(path), await http.head(path)
            assert (head.status_code, head.headers["content-type"], head.content) == (got.status_code, got.headers["content-type"], b""), path
        assert (await http.head("/board/inbox/X-1")).status_code == 405  # a form's route takes POST only


async def test_the_public_is_told_the_last_day_a_round_takes_comments_not_the_midnight_after_it(pool):
    """Found by a new user: a window ending 2026-12-23 read "Kết thúc 00:00:00 24 thg 12", and a citizen who came on the
    24th was refused. The pages name the last day."""
    sid = await posted_round(pool, "LASTDAY", closes_at="'2099-12-24T00:00:00+07:00'")
    async with app_client(pool) as http:
        page = is_page(await http.get(f"/public/{sid}/cong-khai"), 200)
        listed = is_page(await http.get("/public"), 200)
        http.cookies.set("legis_lang", "en")
        english = is_page(await http.get(f"/public/{sid}/cong-khai"), 200)
    assert "Nhận ý kiến đến hết ngày</strong><br>23/12/2099" in page and "24/12/2099" not in page, page[page.find("<main"):][:1500]
    assert "nhận ý kiến đến hết ngày 23/12/2099" in listed
    assert "Comments until the end of</strong><br>Dec 23, 2099" in english


async def test_blank_and_long_form_fields_show_the_page_with_the_refusal_in_its_language(pool):
    sid = await posted_round(pool, "BLANK")
    async with app_client(pool) as http:
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        blank = is_page(await http.post(f"/public/{sid}/cong-khai", data={"text": "", "article": "", "csrftoken": token}), 422)
        assert 'id="comment-count"' in blank and "Mục này là bắt buộc" in blank and _coded(blank, "text", "string_too_short")
        long = is_page(await http.post(f"/public/{sid}/cong-khai", data={"text": "x" * 5001, "csrftoken": token}), 422)
        # The limit as the form's label writes it, and how long the text is (found by the public's trial: "5000", and no hint
        # of how much to cut).
        assert "Tối đa 5.000 ký tự; nội dung này có 5.001 ký tự." in long and "Value should" not in long and _coded(long, "text", "string_too_long")
        # The refused field says so to a screen reader, pointing at the refusal; the privacy note is the text's description.
        assert 'aria-describedby="privacy refusal" aria-invalid="true"' in long and 'id="refusal"' in long and 'id="privacy"' in long
        assert "Bản thân các ý kiến không được công bố" in long
        # Found by a public trial: a text over three times the limit came back cut to it, without a word; an article not a
        # number was said alone, the text's own problem not.
        longer = is_page(await http.post(f"/public/{sid}/cong-khai", data={"text": "Đ" * 15_001, "article": "12a", "csrftoken": token}), 422)
        assert "Đ" * 15_001 in longer and "Tối đa 5.000 ký tự; nội dung này có 15.001 ký tự." in longer and _coded(longer, "article", "int_parsing")
        both = is_page(await http.post(f"/public/{sid}/cong-khai", data={"text": "", "article": "abc", "csrftoken": token}), 422)
        assert _coded(both, "article", "int_parsing") and _coded(both, "text", "string_too_short"), both[-3000:]
        http.cookies.set("legis_lang", "en")
        english = is_page(await http.post(f"/public/{sid}/cong-khai", data={"text": "", "csrftoken": token}), 422)
        assert "This is required." in english and _coded(english, "text", "string_too_short")
        http.cookies.set("legis_lang", "vi")
        await signed_in(http, pool, agency="BGDDT", role=CallerRole.LEAD_MINISTRY)  # who decides (an operator reads)
        token = token_of(await http.get("/board/inbox"))
        form = {"csrftoken": token, "stage": "DRAFTING", "outcome": "APPROVE", "role": "MINISTER", "official": ""}
        inbox = is_page(await http.post(f"/board/inbox/{sid}", data=form), 422)
        assert "trường official" in inbox and "Mục này là bắt buộc" in inbox and 'class="refusal"' in inbox, inbox[-2000:]
    # The JSON route keeps its problems.
    async with app_client(pool) as http:
        answer = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"text": ""})
        assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_every_stage_has_a_name_on_the_page(pool, language):
    async with app_client(pool) as http:
        await signed_in(http, pool, language=language)
        text = is_page(await http.get("/board/drafts"), 200)
    options = dict(OPTION.findall(text[text.index('<select id="stage"'):].partition("</select>")[0]))
    assert set(options) == {s.value for s in Stage}, options
    for stage, shown in options.items():
        name = shown.removesuffix(f" ({stage})").strip()
        assert name and name != stage and not name.isupper(), shown
    assert options["NA_SECOND_SESSION"].startswith("Quốc hội thảo luận tại kỳ họp thứ hai")
    assert options["PROMULGATED"].startswith("Đã công bố" if language == "vi" else "Promulgated")


def _reader(language: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/board/inbox", "headers": [(b"cookie", f"legis_lang={language}".encode())]})


def test_every_sentence_of_a_refusal_reads_in_vietnamese():
    catalogue = translations("vi")
    untranslated = [s for s in (*SENTENCES.values(), *FIELD_SENTENCES.values(), *LABELS.values(), PUBLIC_RATE_LIMITED) if catalogue.gettext(s) == s]
    assert not untranslated


def test_every_field_of_the_pages_forms_has_its_label_for_a_refusal():
    """A refusal names a field by its label on the form (found by a fresh-user trial: the inbox's date entered
    afterwards was named `occurred_on`). The sign-in's token and the forms' hidden fields are not named in refusals."""
    templates = Path(__file__).resolve().parent.parent / "web" / "templates"
    named = {name for page in templates.glob("*.html")
             for name in re.findall(r'name="([a-z_]+)"', page.read_text(encoding="utf-8"))}
    assert not named - {"csrftoken", "next", "token", "viewport"} - set(LABELS)
    # And a field the message's rules name within one the form shows, as the inbox's refusals name them (a breaker).
    for field, label in (("documents.0", "Documents"), ("documents.0.sha256", "Documents"), ("documents.0.kind", "Documents"),
                         ("vote", LABELS["vote"]), ("vote.in_favour", "In favour"), ("vote.parts_not_passed.0", LABELS["parts_not_passed"])):
        assert label_of(field) == label, field


def test_the_draft_rules_dated_by_a_sitting_have_their_sentence():
    """Found by a committee official's trial: the inbox said `at_the_meeting` in English alone, on its Vietnamese page."""
    [said] = explain(_reader("vi"), [{"field": "occurred_on", "rule": "at_the_meeting", "message": "UBTVQH-52 on 2027-04-12"}])
    assert said["text"].startswith("Ủy ban Thường vụ Quốc hội quyết định tại phiên họp") and not said["english"], said
    assert {"after_session_opens", "within_session", "at_the_meeting"} <= set(SENTENCES)
    # And those dated by what the draft recorded at its stage, and a postponement's own (found by a Government Office's trial).
    assert {"not_before_request", "not_before_postponement", "not_before_programme_change", "later_than_current", "pending_request"} <= set(SENTENCES)
    [dated] = explain(_reader("vi"), [{"field": "occurred_on", "rule": "not_before_request", "message": "2026-12-05 is before ..."}])
    assert dated["text"] == "Ngày quyết định trước ngày đề nghị lùi hạn." and not dated["english"], dated


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_refused_line_of_a_text_area_is_counted_from_one(language):
    """Found by a ministry's trial: the first document line was named `documents.0`, the message's place, which an official
    reads as no line at all. The label counts lines from 1; the field keeps the API's name beside it."""
    problems = [{"field": "documents.0.sha256", "rule": "string_pattern_mismatch", "message": "", "ctx": {"pattern": "^[0-9a-f]{64}$"}},
                {"field": "documents.2", "rule": "document_line", "message": "'x' is not KIND | name | sha256"},
                {"field": "vote.parts_not_passed.11", "rule": "string_too_long", "message": "", "ctx": {"max_length": 200}},
                {"field": "vote.in_favour", "rule": "int_parsing", "message": ""}]
    labels = [p["label"] for p in explain(_reader(language), problems)]
    catalogue = translations(language)
    line, documents, parts = (catalogue.gettext(text) for text in ("line", "Documents", LABELS["parts_not_passed"]))
    assert line == ("dòng" if language == "vi" else "line")
    assert labels == [f"{documents}, {line} 1", f"{documents}, {line} 3", f"{parts}, {line} 12", catalogue.gettext("In favour")], labels


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_refusal_on_a_page_reads_in_its_language_with_what_the_rule_named(language):
    """The decision form's refusals the inbox met in English: a document's hash written wrong, and a stage still
    consulting (the draft's own words, which name the round, follow the sentence)."""
    core = ("DRAFTING cannot be decided while consultation rounds await their compilation: Y-KIEN-BO-NGANH")
    problems = [{"field": "documents.0.sha256", "rule": "string_pattern_mismatch", "message": "String should match pattern '^[0-9a-f]{64}$'",
                 "ctx": {"pattern": "^[0-9a-f]{64}$"}},
                {"field": "outcome", "rule": "consultation_open", "message": core}]
    hashed, consulting = explain(_reader(language), problems)
    vi = language == "vi"
    assert hashed["text"] == ("Mã băm SHA-256: 64 ký tự, gồm chữ số 0-9 và chữ cái a-f, viết hoa hay viết thường đều được." if vi else FIELD_SENTENCES[("string_pattern_mismatch", "sha256")])
    assert hashed["detail"] is None and not hashed["english"]  # pydantic's words are not repeated
    assert consulting["text"].startswith("Chưa thể quyết định" if vi else "This stage cannot be decided")
    assert (consulting["detail"], consulting["detail_english"], consulting["english"]) == (core, vi, False)
    shown = html.unescape(environment(language).get_template("problems.html").module.listed(explain(_reader(language), problems)))
    assert "Y-KIEN-BO-NGANH" in shown and "String should match" not in shown
    # A list of choices is joined in the page's language (found by a new user: "... 'OVERDUE' or 'FINAL'" in Vietnamese).
    [choice] = explain(_reader(language), [{"field": "state", "rule": "literal_error", "message": "", "ctx": {"expected": "'OPEN', 'OVERDUE' or 'FINAL'"}}])
    assert choice["text"].endswith("'OPEN', 'OVERDUE' hoặc 'FINAL'." if vi else "'OPEN', 'OVERDUE' or 'FINAL'."), choice
    # Every document kind is named (found by a new user: the list was cut in the middle of a word after 400 characters,
    # before the kinds the Assembly's stages take); a list longer than any enumeration is cut between two choices.
    kinds = ", ".join(repr(k.value) for k in DocumentKind)
    [kind] = explain(_reader(language), [{"field": "documents.0.kind", "rule": "enum", "message": "", "ctx": {"expected": kinds}}])
    assert all(f"'{k.value}'" in kind["text"] for k in DocumentKind), kind
    [cut] = explain(_reader(language), [{"field": "x", "rule": "enum", "message": "", "ctx": {"expected": ", ".join(["'CHOICE'"] * 400)}}])
    assert cut["text"].endswith("'CHOICE' ….") and len(cut["text"]) < 2100, cut["text"][-40:]


def test_the_charts_carry_no_script_and_name_themselves():
    rows = [ReportRow(agency="BTP", on_time=3, late=1, overdue_now=2, postponed=1, late_requests=0),
            ReportRow(agency="ALL", on_time=3, late=1, overdue_now=2, postponed=1, late_requests=0)]
    labels = {"on_time": "đúng hạn", "late": "trễ hạn", "overdue_now": "quá hạn", "postponed": "lùi", "late_requests": "xin muộn",
              "no_data": "Chưa có số liệu"}
    for svg in (per_ministry(rows, title='Hạn "theo" bộ & ngành', labels=labels), trend([("2027-Q1", rows[1])], title="Xu hướng", labels=labels)):
        assert "<script" not in svg and "file://" not in svg and "javascript" not in svg
        assert svg.startswith("<svg ") and 'role="img"' in svg
    assert 'aria-label="Hạn &quot;theo&quot; bộ &amp; ngành"' in per_ministry(rows, title='Hạn "theo" bộ & ngành', labels=labels)
    # Found by a new user: a period with nothing counted drew "No data" in English on the Vietnamese page.
    empty = per_ministry(rows[1:], title="Hạn", labels=labels)
    assert "Chưa có số liệu" in empty and "No data" not in empty


async def test_the_ministries_page_says_no_data_in_its_language(pool):
    async with app_client(pool) as http:
        await signed_in(http, pool)
        text = is_page(await http.get("/board/ministries?ministry=ZZNONE"), 200)
        assert "Chưa có số liệu" in text and "No data" not in text


@pytest.mark.parametrize(("language", "one", "two"), [("vi", "1 dự án", "2 dự án"), ("en", "1 draft", "2 drafts")])
def test_a_sitting_counts_its_drafts_in_words_that_agree(language, one, two):
    """Found by a fresh-user trial: the English board said "1 drafts"."""
    from collections import Counter

    from store.board import Sitting
    from web.marks import Mark

    blocks = [{"sitting": Sitting(code=f"16-{n}", opens_on=date(2027, 5, 20), kind="REGULAR"), "drafts": [], "counts": Counter(), "total": n}
              for n in (1, 2)]
    shown = environment(language).get_template("sessions.html").render(request=None, path="/board", blocks=blocks, today=date(2027, 3, 2),
                                                                         Mark=Mark, who=None, csrftoken=lambda: "")
    assert re.findall(r'<p class="counts">\s*<span>(.*?)</span>', shown) == [one, two]


@pytest.mark.parametrize(("language", "at_risk", "day"), [("vi", "Có nguy cơ chậm", "04/02/2027"), ("en", "At risk", "Feb 4, 2027")])
def test_a_drafts_page_shows_its_next_cutoff_with_the_boards_mark(language, at_risk, day):
    """Found by a fresh-user trial: only the sessions page showed a draft's cut-off and mark; its own page now does too."""
    from web.marks import Mark, Standing

    at = datetime(2027, 1, 4, 3, tzinfo=UTC)
    row = RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật thử", lead_ministry="BGDDT",
                      process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=Stage.APPRAISAL, stage_since=at, stage_deadline=None,
                      responsible="MOJ", classified=False)
    render = environment(language).get_template("draft.html").render
    context = dict(request=None, path="/board/drafts/T-1", row=row, entries=[], versions=[], today=date(2027, 2, 1), temporal_link=None,
                   who=None, csrftoken=lambda: "")
    shown = html.unescape(render(**context, st=Standing(Mark.AT_RISK, date(2027, 2, 4), Stage.GOVERNMENT_DECISION)))
    assert f'class="mark AT_RISK">{at_risk}</span> {day}' in shown
    # The sitting it counts back from, as the sessions page and `legis status` say (found by a fresh-user trial).
    counted = html.unescape(render(**context, st=Standing(Mark.AT_RISK, date(2027, 2, 4), Stage.GOVERNMENT_DECISION), counted_from="16-2"))
    assert ("tính lùi từ 16-2" if language == "vi" else "counted back from 16-2") in counted and "16-2)" not in shown.split(day)[1][:80]
    assert 'class="mark' not in render(**context, st=None)  # a draft no longer open has no mark


@pytest.mark.parametrize(("language", "said"), [("vi", "tính lùi từ 16-2"), ("en", "counted back from 16-2")])
def test_a_cutoff_counted_back_from_another_sitting_says_which(language, said):
    """Found by a review: under the Standing Committee meeting before its session, a draft showed its cut-off counted back
    from the session, a day after the meeting, as if the meeting set it; the sitting it counts from is named where it is
    not the block's own."""
    from collections import Counter

    from store.board import Sitting
    from web.marks import Mark, Standing

    at = datetime(2027, 1, 4, 3, tzinfo=UTC)
    row = RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật thử", lead_ministry="BGDDT",
                      process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=Stage.STANDING_COMMITTEE_OPINION, stage_since=at,
                      stage_deadline=None, responsible="UBTVQH", classified=False)
    st = Standing(Mark.ON_TRACK, date(2027, 5, 5), Stage.STANDING_COMMITTEE_OPINION)
    blocks = [{"sitting": Sitting(code="UBTVQH-52", opens_on=date(2027, 4, 12), kind="STANDING_COMMITTEE"), "drafts": [(row, st, "16-2", False)],
               "counts": Counter({Mark.ON_TRACK: 1}), "total": 1},
              {"sitting": Sitting(code="16-2", opens_on=date(2027, 5, 20), kind="REGULAR"), "drafts": [(row, st, None, False)],
               "counts": Counter({Mark.ON_TRACK: 1}), "total": 1}]
    shown = html.unescape(environment(language).get_template("sessions.html").render(
        request=None, path="/board", blocks=blocks, today=date(2027, 3, 2), Mark=Mark, who=None, csrftoken=lambda: ""))
    meeting, session = shown.split('id="s-2"')
    assert said in meeting and said not in session


async def test_a_public_round_names_the_lead_ministry_the_registry_holds_now(pool):
    """Found by a breaker: a round opened before its lead ministry merged named the merged ministry to the public."""
    sid = await posted_round(pool, "MERGED")
    await pool.execute("UPDATE submissions SET lead_ministry = 'BTC' WHERE submission_id = $1", sid)
    assert (await public.public_round(pool, sid, "cong-khai")).lead_ministry == "BTC"


async def test_the_public_list_counts_one_comment_in_the_singular(pool):
    """Found by a fresh-user trial: the English list said "1 comments", and the article box had no words of its own."""
    sid = await posted_round(pool, "ONECOMMENT", closes_at="'2099-12-24T00:00:00+07:00'")
    async with app_client(pool) as http:
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        assert (await http.post(f"/public/{sid}/cong-khai", data={"text": "Một góp ý", "article": "", "csrftoken": token})).status_code == 303
        vietnamese = is_page(await http.get("/public"), 200)
        form = is_page(await http.get(f"/public/{sid}/cong-khai"), 200)
        http.cookies.set("legis_lang", "en")
        english = is_page(await http.get("/public"), 200)
    # The article box's own words, where a browser says only "match the requested format" (found by the same trial).
    assert 'title="Chỉ gõ chữ số: 5 cho Điều 5; để trống nếu góp ý cho toàn bộ dự thảo"' in form
    def row(page: str) -> str:
        found = page[page.index(sid):]
        return found[:found.index("</li>") + 5]

    assert row(english).endswith("· 1 comment</li>"), row(english)
    assert row(vietnamese).endswith("· 1 ý kiến</li>"), row(vietnamese)


def test_an_instant_on_the_pages_says_its_day_first_then_its_time_in_ha_noi():
    """Found by a fresh-user trial: the Vietnamese pages wrote "01:34:12 6 thg 12, 2026", read as a time without its day."""
    from web.render import environment

    moment = datetime(2026, 12, 5, 18, 34, 12, tzinfo=UTC)  # 01:34:12 on 6 December in Ha Noi
    assert environment("vi").filters["instant"](moment) == "06/12/2026, 01:34:12"
    assert environment("en").filters["instant"](moment) == "Dec 6, 2026, 01:34:12"



async def test_the_public_list_shows_open_rounds_apart_from_closed_ones(pool):
    """Found by a public trial: under the heading "Dự thảo đang lấy ý kiến" (open for comment), a withdrawn draft's round."""
    open_now = await posted_round(pool, "OPENNOW", closes_at="'2099-12-24T00:00:00+07:00'")
    closed = await posted_round(pool, "CLOSEDNOW", closes_at="now() - interval '1 day'")
    async with app_client(pool) as http:
        listed = is_page(await http.get("/public"), 200)
        http.cookies.set("legis_lang", "en")
        english = is_page(await http.get("/public"), 200)
    # On the English page, a draft's Vietnamese title is marked so, for a screen reader (found by a public trial).
    assert f'<a href="/public/{open_now}/cong-khai" lang="vi">Luật thử</a> <span class="vi">(cong-khai)</span>' in english  # two rounds told apart
    heading_open, heading_closed = listed.index("<h2>Đang lấy ý kiến</h2>"), listed.index("<h2>Đã kết thúc lấy ý kiến</h2>")
    assert "<h1>Dự thảo đăng tải lấy ý kiến</h1>" in listed
    assert heading_open < listed.index(open_now) < heading_closed < listed.index(closed), listed[listed.find("<main"):][:3000]


def test_a_day_on_the_vietnamese_pages_is_written_as_officials_write_it():
    """Found by a Government Office's trial: "5 thg 4, 2027" (babel's medium form) is no form of theirs; 05/04/2027 is."""
    from web.render import environment

    assert environment("vi").filters["day"](date(2027, 4, 5)) == "05/04/2027"
    assert environment("vi").filters["last_day"](datetime(2027, 1, 1, 17, 0, tzinfo=UTC)) == "01/01/2027"  # midnight in Ha Noi
    assert environment("en").filters["day"](date(2027, 4, 5)) == "Apr 5, 2027"


def _coded(page: str, field: str, rule: str) -> bool:
    """A public page's refusal names its field and rule in its markup, not in the words a citizen reads (a re-check)."""
    return f'data-field="{field}" data-rule="{rule}"' in page and f"{rule})" not in page


async def test_the_board_s_session_filter_lists_the_sessions_in_the_order_they_open(pool):
    """Found by a National Assembly Office's trial: the filter listed 16-2, 16-3, 16-4, 16-E1 (text order), where the
    extraordinary session opens between 16-2 and 16-3, and 16-10 came before 16-2. A session no longer on the calendar
    comes after those that are. In a transaction rolled back: the calendar and the registry are the other tests' too (a
    draft started meanwhile would take these sessions as announced)."""
    opening = {"41-2": date(2031, 3, 1), "41-E9": date(2031, 6, 1), "41-10": date(2031, 9, 1)}
    async with pool.acquire() as db:
        transaction = db.transaction()
        await transaction.start()
        try:
            await db.executemany("INSERT INTO na_sessions (code, legislature, session, opens_on, extraordinary, changed_by) "
                                 "VALUES ($1, 41, $2, $3, $4, 'VPQH')",
                                 [(code, int(code.split("-")[1].lstrip("E")), day, "E" in code) for code, day in opening.items()])
            for code in ("41-10", "41-E9", "41-2", "41-1"):
                sid = f"ORDER-{code}-{uuid.uuid4().hex[:6]}"
                await db.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, "
                                 "stage, stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', $3, 'DRAFTING', now(), "
                                 "false, 1)", sid, f"draft-law-{sid}", code)
            _, sessions = await board.choices(db, own_agency=None)
        finally:
            await transaction.rollback()
    assert [s for s in sessions if s.startswith("41-")] == ["41-2", "41-E9", "41-10", "41-1"], sessions
