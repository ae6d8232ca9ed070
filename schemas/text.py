"""The rules every string and number of every message follows, whatever the entry (HTTP, CLI, a Temporal client).

Text is normalised to NFC before its length is checked, so that a title typed in decomposed Vietnamese
counts as many characters as the same title composed. Control characters never enter (PostgreSQL
refuses NUL, XML 1.0 refuses the rest); tab and newline only where a field allows several lines, where
a line break sent as CR LF (as every browser sends a form's text area) or CR is a newline.
Names and codes refuse invisible characters (zero-width spaces, byte-order marks, direction marks),
which would make two different names look the same. Free text shown to others refuses the bidirectional controls
(embeddings, overrides, isolates: `misread`), which reorder what its reader sees: "abc\u202edef" reads "abcfed". Numbers are strict: `true` or `"1024"` is not a
number, and integers stay within the range of the PostgreSQL column that stores them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

# Characters of category Cf (format): zero-width space and joiners, byte-order mark, direction marks.
_INVISIBLE = "Cf"
# What shows nothing on its own: spaces, format characters, combining marks with no letter to sit on, and code points no
# character is assigned to (a browser draws them nothing wide: found by the public's trial, a comment of U+2065 taken).
_SHOWS_NOTHING = frozenset({"Cf", "Mn", "Mc", "Me", "Cn"})
# Letters and symbols that are drawn blank (found by a breaker: an explanation of Hangul fillers or a blank Braille
# pattern was published as the reason): the Hangul fillers, the Braille pattern with no dots, the null notehead, and the
# object replacement character, which stands for an object the text does not hold (the public's trial).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\U0001d159\ufffc")
# The explicit embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder the text around them,
# so that a reader sees another order than the one written. The marks (U+200E, U+200F, U+061C) reorder nothing but the
# punctuation beside them, and mixed Latin and Arabic or Hebrew text needs them: kept.
# What changes what a reader sees of a text: the bidirectional controls (embeddings, overrides, isolates), which reorder
# it, and the Unicode line and paragraph separators, a line break by another code point, which one screen breaks a line
# at and another shows as nothing (found by an upstream system's trial: a title of two lines was taken as one).
MISREAD = re.compile("[\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SEPARATORS = "\u2028\u2029"
_MULTILINE = frozenset("\t\n")
PG_INT_MAX = 2**31 - 1
PG_BIGINT_MAX = 2**63 - 1


def invalid(rule: str, message: str, field: str | None = None) -> PydanticCustomError:
    """A validation error whose type is the rule's name (never pydantic's generic `value_error`); a model-level
    check names the field it is about, since its location is the whole model."""
    return PydanticCustomError(rule, f"{field}: {message}" if field else message, {"field": field} if field else None)


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,4000}")


def typed_whole_number(text: str) -> int | None:
    """A whole number as a person typed it (a form's field, a command-line argument): ASCII digits, a sign, spaces and
    tabs around them; None for anything else. Python's `int` takes "1_2" and "５００", and its `strip` takes the separators
    U+001C to U+001F for spaces where `int` does not (found by breakers: an article 12 nobody named, a 500). Of any
    length Python reads; its range is the caller's rule."""
    number = text.strip(" \t")
    return int(number) if _WHOLE_NUMBER.fullmatch(number) else None


def lone_surrogate_in_key(key: str) -> tuple[str, str] | None:
    """A JSON object's key holding a lone surrogate (escaped in JSON, `"\\ud800"`; no text may hold one): the key as it
    may be named (escaped, at most 60 characters) and the refusal's words; None for a key without one. The API and the
    CLI refuse it alike (rule `valid_unicode`)."""
    if key.isascii() or (lone := next((c for c in key if "\ud800" <= c <= "\udfff"), None)) is None:
        return None
    named = key.encode("utf-8", "backslashreplace").decode("utf-8")[:60]
    return named, f'the key "{named}" holds a lone surrogate U+{ord(lone):04X}, which is not allowed'


def counted_length(text: str) -> int:
    """A text of several lines' length as its limit counts it (`_composed`)."""
    return len(_composed(text, multiline=True))


def _composed(text: str, *, multiline: bool) -> str:
    """NFC; in a text of several lines, a line break as HTML forms send it (CR LF), or as an old Mac wrote it (CR), one
    newline, not a control character."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n") if multiline and "\r" in text else text


def _canonical(value: object, *, multiline: bool, visible_only: bool) -> object:
    if not isinstance(value, str):
        return value  # pydantic's own type check refuses it, naming the field
    text = _composed(value, multiline=multiline)
    # Printable text holds none of the categories refused below (Cc, Cf, Cs): most text is settled by one pass in C.
    if (text.replace("\t", "").replace("\n", "") if multiline else text).isprintable():
        return text.strip() if not multiline else text
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in _MULTILINE):
            raise invalid("no_control_characters", f"control character U+{ord(char):04X} is not allowed")
        if visible_only and category == _INVISIBLE:
            raise invalid("no_invisible_characters", f"invisible character U+{ord(char):04X} is not allowed")
        if category == "Cs":
            raise invalid("valid_unicode", f"lone surrogate U+{ord(char):04X} is not allowed")
    return text.strip() if not multiline else text


def _single_line(value: object) -> object:
    return _canonical(value, multiline=False, visible_only=True)


def _single_line_not_blank(value: object) -> object:
    canonical = _single_line(value)
    # Spaces alone are refused as such, not as "at least 1 character" to someone who typed three.
    if value and canonical == "":
        raise invalid("not_blank", "must not be only spaces")
    return canonical


def _multi_line(value: object) -> object:
    return _canonical(value, multiline=True, visible_only=False)


def _not_blank(value: str) -> str:
    if value and not value.strip():
        raise invalid("not_blank", "must not be only spaces")
    return value


def shows_nothing(value: str) -> bool:
    """Whether a text that is not empty holds nothing but spaces, format characters (a zero-width space, a byte-order
    mark), combining marks with no letter to sit on (an accent on nothing) and characters drawn blank (`_BLANK`). Settled at the first visible character,
    nearly always the first."""
    return bool(value) and all(c.isspace() or c in _BLANK or unicodedata.category(c) in _SHOWS_NOTHING for c in value)


def _shows_something(value: str) -> str:
    if shows_nothing(value):
        raise invalid("not_blank", "must not be only spaces, or characters that show nothing")
    if (wrong := misread(value)) is not None:
        raise invalid(*wrong)
    return value


def misread(value: str) -> tuple[str, str] | None:
    """What is wrong with `value` if it holds a character of `MISREAD`: its rule (`no_bidi_controls`,
    `no_line_separators`) and what to say, naming the character and its position (counted from 1, in NFC); else None."""
    found = MISREAD.search(value)
    if found is None:
        return None
    char, where = found.group(), f"U+{ord(found.group()):04X} (character {found.start() + 1})"
    if char in _SEPARATORS:
        named = "line separator" if char == "\u2028" else "paragraph separator"
        return "no_line_separators", f"{named} {where} is not allowed: a text of several lines breaks at a newline, a name at none"
    return "no_bidi_controls", f"bidirectional control character {where} is not allowed: it reorders the text its readers see"


def name(max_length: int, min_length: int = 1) -> object:
    """A one-line name shown to people (a title, an official, a document's name): NFC, visible characters only."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length),
                     BeforeValidator(_single_line_not_blank if min_length else _single_line)]


# A text's limit counts its characters once composed (NFC); typed decomposed (macOS, Unikey's "Unicode tổ hợp"), a
# Vietnamese letter is up to three code points: a form takes that much before the message's own check.
NFD_GROWTH = 3


def text(max_length: int, min_length: int = 0, *, visible: bool = False) -> object:
    """Free text of several lines (reasons, a summary): NFC, no control characters but tab and newline, not spaces alone.
    `visible`: not format characters or combining marks alone either (a zero-width space, an accent on nothing), nor
    any bidirectional control or line separator (`misread`), for a text that enters no workflow's history (the public's comments): in
    a message a draft's history holds, a stricter rule would refuse on replay what it took (there the rule on
    characters misread is new input's alone: `workflows.admissions.admits_nothing_misread`)."""
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length), BeforeValidator(_multi_line),
        AfterValidator(_shows_something if visible else _not_blank)
    ]


def code(pattern: str, words: str) -> object:
    """An identifier that machines exchange (agency code, submission ID): ASCII by its pattern. Refused under pydantic's
    rule, `string_pattern_mismatch`, with the pattern said in `words` for the official who typed it (the pattern itself
    after them, and in the JSON schema, for a program's author)."""
    matches = re.compile(pattern).fullmatch

    def check(value: str) -> str:
        if matches(value) is None:
            raise PydanticCustomError("string_pattern_mismatch", "{words} (pattern {pattern})", {"words": words, "pattern": pattern})
        return value

    return Annotated[str, Strict(), AfterValidator(check), WithJsonSchema({"type": "string", "pattern": pattern})]


Count = Annotated[int, Strict(), Field(ge=0, le=PG_INT_MAX)]
Bytes = Annotated[int, Strict(), Field(ge=0, le=PG_BIGINT_MAX)]
Flag = Annotated[bool, Strict()]

# The length is a constraint of the string itself, the normalising validator around it (it runs first all the same):
# refused, it reads "String should have at most N characters" (`string_too_long`), not pydantic's "Value should have
# at most N items after validation" of a constraint put after a validator.

# The names and texts most messages share.
Official = name(200)
Label = name(200)
Reasons = text(4000)
Source = name(500, 3)


def folded(text: str) -> str:
    """`text` as a search compares it: without its diacritics (the combining marks of its NFD form), đ as d (and Ð, the
    look-alike that old Vietnamese encodings' converters write for Đ), in lower case, so that "dat dai" finds "Luật Đất
    đai". The registry keeps each title's fold beside it (`title_folded`, written with the title; migration titlefoldv21
    folds the titles recorded before it with this function)."""
    bare = "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))
    return bare.translate(_D).lower()


_D = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})
