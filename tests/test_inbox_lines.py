"""The inbox's text areas, one item a line (documents; the parts of a law voted down): every item the form was given
reaches the message, blank lines left out, and a list over the message's limit reaches it over the limit, to be refused
by its rule, never cut to it (found by a breaker: 120 parts a blank line apart were recorded as the first 100, and 201
were taken as the first 200 where the API refuses 201)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas.messages import MAX_PARTS_NOT_PASSED, VoteCount
from web.inbox import MAX_DOCUMENT_LINES, parse_documents, vote_of

SHA = "ab" * 32


@pytest.mark.parametrize("between", ["\n", "\r\n\r\n", "\n  \n\t\n"])
def test_every_part_voted_down_is_taken_whatever_the_blank_lines_between(between):
    parts = [f"Điều {n}" for n in range(1, 121)]
    taken = vote_of("500", "380", "100", "20", between.join(parts) + between)["parts_not_passed"]
    assert taken == parts
    assert list(VoteCount.model_validate(vote_of("500", "380", "100", "20", between.join(parts))).parts_not_passed) == parts


def test_a_list_of_parts_over_the_limit_is_refused_by_the_messages_rule_not_cut_to_it():
    parts = "\n\n".join(f"Điều {n}" for n in range(1, MAX_PARTS_NOT_PASSED + 2))
    with pytest.raises(ValidationError) as refused:
        VoteCount.model_validate(vote_of("500", "380", "100", "20", parts))
    assert [(error["loc"], error["type"]) for error in refused.value.errors()] == [(("parts_not_passed",), "too_long")]


def test_every_document_line_is_taken_whatever_the_blank_lines_between_and_one_over_the_limit_reaches_the_message():
    lines = [f"DRAFT_TEXT | văn bản {n} | {SHA}" for n in range(1, MAX_DOCUMENT_LINES + 2)]
    assert len(parse_documents("\n\n\n".join(lines[:30]))) == 30
    assert len(parse_documents("\r\n\r\n".join(lines))) == MAX_DOCUMENT_LINES + 1
