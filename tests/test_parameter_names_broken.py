"""Found by a breaker of the nameless parameters: the nameless and long query/form parameters (`api.deps._parameter`, and the labels
`query` and `form` of `web.refusals.LABELS`) leave cases where a refusal names no field, or names the wrong one.

- `?=%FF` (a nameless parameter whose value is not UTF-8) is refused `query_utf8` with field "" (the branch before
  `_parameter` was not given the same naming), a refusal that names no field.
- A name of blanks (`?%20%20...=x`, 20,000 spaces) is echoed whole in the detail (`repr(name)`), where the commit says a
  long name is cut to 60 characters.
- A name made of an invisible character (U+200B, which `str.strip` keeps) is named as itself: the field reads as empty.
- The labels `query` and `form` are keyed on the field's name, so a parameter or field that *is* named `form` or `query`
  is told it has no name, or that it is in the page's address: `GET /public?form=1` reads "Trường không có tên" (a field
  with no name) on the citizen's page; a field `query` in the public form's body reads "Địa chỉ trang" with "Trang này
  không có lựa chọn này" where any other stray field (`email`) gets the form's own sentence.
"""
from __future__ import annotations

import pytest
from fastapi_problem.error import Problem
from starlette.requests import Request

from api.deps import NAMELESS, _parameter, known_parameters
from web.refusals import FORM_HAS_NO_SUCH_FIELD, explain
from web.render import translations


def _request(query: bytes = b"", *, method: str = "GET", path: str = "/public", language: str = "vi") -> Request:
    return Request({"type": "http", "method": method, "path": path, "query_string": query,
                    "headers": [(b"cookie", f"legis_lang={language}".encode())]})


def _refusal(query: bytes, *names: str) -> dict:
    with pytest.raises(Problem) as refused:
        known_parameters(*names, shared=True)(_request(query))
    return {"detail": refused.value.detail, **refused.value.extras}


def test_a_nameless_parameter_whose_value_is_not_utf8_is_named():
    said = _refusal(b"=%FF", "cursor")
    assert said["rule"] == "query_utf8"
    assert said["field"].strip(), f"the refusal names no field: {said}"


def test_a_name_of_blanks_is_cut_as_a_long_name_is():
    said = _refusal(b"%20" * 20_000 + b"=1", "cursor")
    assert said["field"] == NAMELESS
    assert len(said["detail"]) < 300, f"the detail echoes the blank name whole: {len(said['detail'])} characters"


def test_a_name_of_an_invisible_character_is_not_named_by_it():
    said = _refusal(b"%E2%80%8B=1", "cursor")  # U+200B ZERO WIDTH SPACE
    assert said["field"] not in ("\u200b",), f"the field named reads as empty: {said['field']!r}"


def test_a_parameter_named_form_is_not_told_it_has_no_name():
    said = _refusal(b"form=1", "cursor")
    [shown] = explain(_request(b"form=1"), [said])
    assert shown["label"] != translations("vi").gettext("A field with no name"), shown


def test_a_field_named_query_in_the_forms_body_is_a_field_of_the_form_not_the_address():
    field, named = _parameter("query", "form")  # as `known_form_fields` refuses it
    said = {"field": field, "rule": "unknown_parameter", "message": f"{named} is not a field of this form; known: article, csrftoken, text"}
    [shown] = explain(_request(method="POST", path="/public/BGDDT-2026-017/CONG-KHAI"), [said])
    vi = translations("vi")
    assert shown["label"] != vi.gettext("This page's address"), shown
    assert shown["text"] == vi.gettext(FORM_HAS_NO_SUCH_FIELD), shown
