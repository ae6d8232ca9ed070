"""The text rules (`schemas.text`) against their definition, character by character, for any text."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from schemas.text import name, text


class Named(BaseModel):
    title: name(10_000, min_length=0)
    reasons: text(10_000)


def lines(value: str) -> str:
    """Free text's line breaks as a form sends them (CR LF) or an old Mac wrote them (CR), taken as newlines."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def refused_by_definition(value: str, *, multiline: bool) -> str | None:
    """The rule a text breaks, read from each character's Unicode category."""
    for char in unicodedata.normalize("NFC", lines(value) if multiline else value):
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in "\t\n"):
            return "no_control_characters"
        if not multiline and category == "Cf":
            return "no_invisible_characters"
        if category == "Cs":
            return "valid_unicode"
    return None


# Vietnamese composed and decomposed, tabs and newlines, invisible and control characters, lone surrogates.
some_text = st.text(st.characters(codec=None), max_size=40) | st.lists(st.sampled_from(
    ["a", " ", "Luật", "e\u0301", "\t", "\n", "\r\n", "\r", "\u200b", "\ufeff", "\x00", "\x7f", "\x85", "\u00a0", "\u2028", "\ud800"]), max_size=12).map("".join)


@given(some_text)
def test_a_one_line_name_is_refused_exactly_when_a_character_breaks_its_rule(value):
    rule = refused_by_definition(value, multiline=False)
    if rule is None:
        assert Named(title=value, reasons="").title == unicodedata.normalize("NFC", value).strip()
    else:
        with pytest.raises(ValidationError) as refused:
            Named(title=value, reasons="")
        assert refused.value.errors()[0]["type"] == rule


@given(some_text)
def test_free_text_is_refused_exactly_when_a_character_breaks_its_rule(value):
    rule = refused_by_definition(value, multiline=True)
    if rule is None and value.strip():
        assert Named(title="", reasons=value).reasons == lines(unicodedata.normalize("NFC", value))
    elif rule is not None:
        with pytest.raises(ValidationError) as refused:
            Named(title="", reasons=value)
        assert refused.value.errors()[0]["type"] == rule


class Required(BaseModel):
    official: name(200)


@pytest.mark.parametrize("value, rule", [("   ", "not_blank"), ("\u00a0\u3000", "not_blank"), ("", "string_too_short")])
def test_a_required_name_of_spaces_alone_is_refused_as_blank(value, rule):
    """Found by a fresh-user trial: `--by "   "` was refused as "at least 1 character" to someone who typed three."""
    with pytest.raises(ValidationError) as refused:
        Required(official=value)
    assert refused.value.errors()[0]["type"] == rule
    assert Required(official=" Nguyễn Văn A ").official == "Nguyễn Văn A"


class Said(BaseModel):
    text: text(2000, visible=True)
    reasons: text(2000) = ""


@pytest.mark.parametrize("value", ["\u200b", "\ufeff", " \u200b\n\u2060 ", "\u00a0\u3000", "\u3164", "\u115f\u1160", "\uffa0 \u2800", "\U0001d159"])
def test_a_text_that_shows_nothing_is_refused_as_blank_where_no_history_holds_it(value):
    """Found by a new user: a public comment of a zero-width space, or of a byte-order mark, was taken and counted; only
    spaces were refused. Format characters show nothing either. A text a draft's messages carry keeps the rule it had (a
    breaker: a history holding one taken before would fail to decode on replay)."""
    with pytest.raises(ValidationError) as refused:
        Said(text=value)
    assert refused.value.errors()[0]["type"] == "not_blank"
    assert Said(text="Điều 3\u200b: rõ hơn").text == "Điều 3\u200b: rõ hơn"  # within visible text, kept as written
    if value.strip():
        assert Said(text="ý kiến", reasons=value).reasons == value


@pytest.mark.parametrize("value", ["\u0301\u0301\u0301", " \u0300\n\u20dd\u200b"])
def test_combining_marks_alone_show_nothing_and_are_refused_as_blank(value):
    """Found by a fresh-user trial: a public comment of accents on nothing was taken, while one of zero-width spaces was
    refused as blank; a mark on a letter is text as any other."""
    with pytest.raises(ValidationError) as refused:
        Said(text=value)
    assert refused.value.errors()[0]["type"] == "not_blank"
    assert Said(text="e\u0301").text == "é"


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_a_bidirectional_control_in_a_text_shown_to_others_is_refused_naming_its_position(control):
    """Found by a fresh-user trial: "abc\\u202edef" (a right-to-left override) was taken as a public comment, and its
    reader saw "abcfed". Refused, naming the field, the character and where it stands; the marks that reorder nothing
    but the punctuation beside them (U+200E, U+200F) are kept. A text of a draft's messages keeps the rule it had: there
    the rule is new input's alone (`admits_nothing_misread`)."""
    with pytest.raises(ValidationError) as refused:
        Said(text=f"abc{control}def")
    error = refused.value.errors()[0]
    assert (error["type"], error["loc"]) == ("no_bidi_controls", ("text",))
    assert f"U+{ord(control):04X} (character 4)" in error["msg"], error["msg"]
    assert Said(text="Điều 3\u200f (\u200e)").text == "Điều 3\u200f (\u200e)"
    assert Said(text="ý kiến", reasons=f"abc{control}def").reasons == f"abc{control}def"  # as a history may hold it


def test_new_input_with_a_bidirectional_control_is_refused_whatever_its_message():
    """The draft's own messages (a decision's reasons here) are refused at new input (an update's validator, the API's
    bodies, the CLI's files), naming the field; the model itself takes what a history holds."""
    from schemas.enums import Stage
    from schemas.refusal import Refused
    from tests.drafts import NOW, core_request, core_state, decision
    from workflows import draft

    request = core_request()
    state = core_state(request, at=Stage.POLICY_PROPOSAL)
    reversed_reasons = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"reasons": "Đồng ý\u202e với dự thảo"})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, reversed_reasons, NOW)
    assert (refused.value.field, refused.value.rule) == ("reasons", "no_bidi_controls")
    assert "U+202E (character 7)" in refused.value.message
    with pytest.raises(Refused) as refused:
        draft.admissions.admits_nothing_misread({"comments": [{"text": "ok"}, {"text": "a\u2067b"}]})
    assert (refused.value.field, refused.value.rule) == ("comments.1.text", "no_bidi_controls")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_new_input_with_a_unicode_line_separator_is_refused_as_a_newline_in_a_name_is(separator):
    """Found by an upstream system's trial: a title and an official's name refuse a newline (`no_control_characters`) but
    took U+2028 and U+2029, a line break by another code point ("Luật A\u2029Luật B" started, printed by `legis status`
    on two lines). Refused at new input in any text, naming the field (a text of several lines breaks at a newline); a
    public comment's model refuses it too; a model of a draft's messages takes what a history holds."""
    from schemas.enums import Stage
    from schemas.refusal import Refused
    from tests.drafts import NOW, core_request, core_state, decision
    from workflows import draft

    request = core_request()
    signed = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"official": f"Nguyễn{separator}Văn A"})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, core_state(request, at=Stage.POLICY_PROPOSAL), signed, NOW)
    assert (refused.value.field, refused.value.rule) == ("official", "no_line_separators")
    assert f"U+{ord(separator):04X} (character 7)" in refused.value.message
    with pytest.raises(ValidationError) as invalid:
        Said(text=f"ý kiến{separator}thứ hai")
    assert (invalid.value.errors()[0]["type"], invalid.value.errors()[0]["loc"]) == ("no_line_separators", ("text",))
    assert Said(text="ý kiến", reasons=f"a{separator}b").reasons == f"a{separator}b"


@pytest.mark.parametrize("value", ["\u200b\u200b\u200b", " \u0301\u0301 ", "\ufeff\u2060\u200d"])
def test_new_input_whose_text_shows_nothing_is_refused_as_blank_whatever_its_message(value):
    """Found by a breaker: a refused postponement's reason of one zero-width space passed `reason_required`, and a
    withdrawal's reasons of three were recorded blank. The draft's own messages are refused at new input, naming the
    field; the model itself takes what a history holds."""
    from schemas.enums import Outcome, Stage
    from schemas.refusal import Refused
    from tests.drafts import NOW, core_request, core_state, decision
    from workflows import draft

    request = core_request()
    state = core_state(request, at=Stage.POLICY_PROPOSAL)
    blank = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"outcome": Outcome.RETURN_FOR_REVISION, "reasons": value})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, blank, NOW)
    assert (refused.value.field, refused.value.rule) == ("reasons", "not_blank")
    shown = blank.model_copy(update={"reasons": f"Bổ sung{value}đánh giá tác động"})
    draft.validate(draft.DECIDE, state, shown, NOW)  # within visible text, taken as written


@pytest.mark.parametrize("mark", ["\u064b", "\u05b0", "\u0e31", "\u0901", "\u0488", "\u3099", "\U0001d167"])
def test_a_reason_of_combining_marks_of_another_script_is_blank(mark):
    """Found by a breaker: the check's first fast path knew the Latin blocks of marks only, and Arabic, Hebrew, Thai,
    Devanagari, Cyrillic enclosing, kana and musical marks are printable (Mn, Me): a reason of nothing but such marks was
    recorded. The fast path now reads the first character of each text, whatever its script."""
    from schemas.enums import Outcome, Stage
    from schemas.messages import Decision
    from schemas.refusal import Refused
    from schemas.text import shows_nothing
    from tests.drafts import core_request, core_state, decision
    from workflows import draft

    request = core_request()
    state = core_state(request, at=Stage.GOVERNMENT_DECISION)
    raw = decision(request, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=Stage.GOVERNMENT_REVIEW).model_dump(mode="json")
    raw["reasons"] = mark * 3
    returned = Decision.model_validate(raw)
    assert shows_nothing(returned.reasons)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, returned, state.stage_since)
    assert (refused.value.field, refused.value.rule) == ("reasons", "not_blank")
