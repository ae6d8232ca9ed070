"""The inbox's text areas, one item a line (documents; the parts of a law voted down): every item the form was given
reaches the message, blank lines left out, and a list over the message's limit reaches it over the limit, to be refused
by its rule, never cut to it (found by a breaker: 120 parts a blank line apart were recorded as the first 100, and 201
were taken as the first 200 where the API refuses 201)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas.messages import MAX_PARTS_NOT_PASSED, VoteCount
from web.inbox import MAX_DOCUMENT_LINES, parse_documents, vote_of, whole_number

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


@pytest.mark.parametrize(("typed", "taken"), [("500", 500), (" 7\t", 7), ("+5", 5), ("-0", 0), ("1" * 41, int("1" * 41)),
                                             ("\x1c5", "\x1c5"), ("12\x1f", "12\x1f"), ("５００", "５００"), ("1_2", "1_2"), ("", "")])
def test_a_forms_number_is_whole_ascii_digits_or_the_text_for_its_message_to_refuse(typed, taken):
    """Found by breakers: Python's `int` takes "1_2" and "５００", and `strip` takes U+001C to U+001F for spaces where `int`
    does not (a 500); the range is the message's to refuse, by its rule."""
    assert whole_number(typed) == taken


def test_the_clis_numbers_are_read_in_their_range_by_the_rule_the_api_names():
    from cli.app import seconds
    from cli.app import whole_number as cli_number
    from cli.failures import Invalid

    assert seconds("timeout", 0.1, 3600)("0.1000000") == 0.1 and cli_number("limit", 1, 10)(" 7 ") == 7
    for parse, typed, rule in ((cli_number("limit", 1, 10), "1" * 41, "less_than_equal"), (cli_number("limit", 1, 10), "\x1c5", "int_parsing"),
                               (seconds("timeout", 0.1, 3600), "10000000000", "less_than_equal"),
                               (seconds("timeout", 0.1, 3600), "\x1d30", "float_parsing")):
        with pytest.raises(Invalid) as refused:
            parse(typed)
        assert refused.value.rule == rule, (typed, refused.value)
