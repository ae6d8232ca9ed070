"""The Unicode line and paragraph separators are refused in new input whatever its way in (README, HTTP API:
"a text of any body, file or form ... holding the Unicode line or paragraph separator ... is refused ...
no_line_separators ... new input's, asked by the API, the CLI, the pages"), as `--by` already refuses a newline
(no_control_characters). `legis tokens issue --by` and `--label`, and `legis calendar set-session --by`, take
U+2028 / U+2029 and store it (`legis tokens list` then shows the issuer's name broken or run together)."""

from __future__ import annotations


async def test_tokens_issue_by_with_a_line_separator_is_refused(cli):
    code, _, err = await cli("tokens", "issue", "BGDDT", "LEAD_MINISTRY", "--by", "Nguyen\u2028Van A")
    assert code == 2 and "(rule: no_line_separators)" in err, (code, err)


async def test_tokens_issue_label_with_a_paragraph_separator_is_refused(cli):
    code, _, err = await cli("tokens", "issue", "BGDDT", "LEAD_MINISTRY", "--by", "VPCP", "--label", "a\u2029b")
    assert code == 2 and "(rule: no_line_separators)" in err, (code, err)


async def test_calendar_by_with_a_line_separator_is_refused(cli):
    code, _, err = await cli("calendar", "set-session", "16-9", "--opens-on", "2030-05-20", "--by", "VPQH\u2028X")
    assert code == 2 and "(rule: no_line_separators)" in err, (code, err)
